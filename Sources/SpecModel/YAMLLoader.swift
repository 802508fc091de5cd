internal import CYAML

/// Loads YAML streams through libyaml's event API into `YAMLNode` trees with spans on every node.
///
/// Bounded by construction: a size limit before parsing, a depth limit and an alias-expansion budget while reading
/// events, iteratively (no recursion), so hostile input fails fast with a diagnostic instead of a crash or a hang.
public struct YAMLLoader: Sendable {
    public struct Limits: Sendable {
        /// Largest spec file accepted, in bytes.
        public var maxFileBytes: Int = 4 << 20
        /// Deepest nesting of collections.
        public var maxDepth: Int = 64
        /// Nodes that aliases may add per file, counting every node of each expanded alias.
        public var aliasExpansionBudget: Int = 100_000

        public init() {}
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses every document of `file`. Complete documents before a fatal error are returned with the diagnostics.
    public func load(_ file: SourceFile) -> (documents: [YAMLDocument], diagnostics: [Diagnostic]) {
        if file.bytes.count > self.limits.maxFileBytes {
            let message = "spec file is larger than the \(self.limits.maxFileBytes)-byte (4 MiB) limit"
            return ([], [Diagnostic(.fileTooLarge, message, at: .file(file.path))])
        }
        if file.bytes.starts(with: [0xFE, 0xFF]) || file.bytes.starts(with: [0xFF, 0xFE]) {
            let span = SourceSpan(file: file.path, start: SourceLocation(line: 1, column: 1))
            return ([], [Diagnostic(.unsupportedYAML, "spec files must be UTF-8, not UTF-16", at: span)])
        }
        var builder = TreeBuilder(file: file, limits: self.limits)
        let parser = EventParser()
        file.bytes.withUnsafeBufferPointer { buffer in
            parser.setInput(buffer)
            while true {
                guard let event = parser.next() else {
                    builder.fail(LibYAMLError.diagnostic(from: parser.parser, file: file))
                    return
                }
                defer { yaml_event_delete(event) }
                if !builder.handle(event.pointee) { return }
                if event.pointee.type == YAML_STREAM_END_EVENT { return }
            }
        }
        return (builder.documents, builder.diagnostics)
    }
}

/// Owns one libyaml parser and its current event; frees both on deinit.
private final class EventParser {
    var parser = yaml_parser_t()
    private var event = yaml_event_t()
    private var hasEvent = false

    init() {
        // Can only fail on allocation failure, which Swift treats as fatal everywhere else too.
        precondition(yaml_parser_initialize(&self.parser) == 1, "libyaml could not allocate a parser")
    }

    deinit {
        yaml_parser_delete(&self.parser)
    }

    func setInput(_ buffer: UnsafeBufferPointer<UInt8>) {
        yaml_parser_set_input_string(&self.parser, buffer.baseAddress, buffer.count)
    }

    /// The next event, or nil on a libyaml error. The caller deletes the event with `yaml_event_delete`.
    func next() -> UnsafeMutablePointer<yaml_event_t>? {
        withUnsafeMutablePointer(to: &self.event) { pointer in
            yaml_parser_parse(&self.parser, pointer) == 1 ? pointer : nil
        }
    }
}

/// The one place that turns libyaml's errors into diagnostics: 0-based marks become 1-based, reader byte offsets
/// become line and column.
enum LibYAMLError {
    static func diagnostic(from parser: yaml_parser_t, file: SourceFile) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        switch parser.error {
        case YAML_READER_ERROR:
            let location = file.location(ofByteOffset: Self.characterStart(parser.problem_offset, in: file.bytes))
            return Diagnostic(
                .yamlSyntax, "cannot read the file: \(problem)",
                at: SourceSpan(file: file.path, start: location))
        case YAML_MEMORY_ERROR:
            return Diagnostic(.yamlSyntax, "libyaml ran out of memory", at: .file(file.path))
        default:
            let mark = parser.problem_mark
            let location = SourceLocation(line: mark.line + 1, column: mark.column + 1)
            let span = SourceSpan(
                file: file.path, start: location, end: SourceLocation(line: location.line, column: location.column + 1))
            var notes: [String] = []
            if let context = parser.context {
                let at = parser.context_mark
                notes.append("\(String(cString: context)) at line \(at.line + 1), column \(at.column + 1)")
            }
            if Self.isTab(at: location, in: file) {
                return Diagnostic(.tabIndentation, "tab character used for indentation; indent with spaces", at: span)
            }
            return Diagnostic(.yamlSyntax, "malformed YAML: \(problem)", at: span, notes: notes)
        }
    }

    /// libyaml reports a bad trailing octet at its own offset; point at the character it belongs to instead.
    private static func characterStart(_ offset: Int, in bytes: [UInt8]) -> Int {
        var start = min(offset, bytes.count)
        while start > 0, offset - start < 3 {
            let previous = bytes[start - 1]
            if previous >= 0xC0 { return start - 1 }
            if previous & 0xC0 != 0x80 { break }
            start -= 1
        }
        return offset
    }

    private static func isTab(at location: SourceLocation, in file: SourceFile) -> Bool {
        guard let line = file.line(location.line) else { return false }
        let scalars = Array(line.unicodeScalars)
        let index = location.column - 1
        return index >= 0 && index < scalars.count && scalars[index] == "\t"
    }
}

/// Builds node trees from events with an explicit stack.
private struct TreeBuilder {
    struct Anchored {
        var node: YAMLNode
        var weight: Int
    }

    struct Frame {
        var isMapping: Bool
        var start: SourceLocation
        var anchor: String?
        var tag: String?
        var weight = 1
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var skipNextValue = false
        var seenKeys: [String: SourceSpan] = [:]
        var merges: [YAMLNode] = []
    }

    let file: SourceFile
    let limits: YAMLLoader.Limits
    var documents: [YAMLDocument] = []
    var diagnostics: [Diagnostic] = []
    private var stack: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    private var aliasExpansion = 0
    private var root: YAMLNode?
    private var documentIndex = 0

    init(file: SourceFile, limits: YAMLLoader.Limits) {
        self.file = file
        self.limits = limits
    }

    mutating func fail(_ diagnostic: Diagnostic) {
        self.diagnostics.append(diagnostic)
    }

    /// Handles one event; returns false when loading must stop.
    mutating func handle(_ event: yaml_event_t) -> Bool {
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            self.anchors = [:]
            self.root = nil
            self.stack = []
        case YAML_DOCUMENT_END_EVENT:
            if let root = self.root, !root.isNull {
                self.documents.append(YAMLDocument(root: root, index: self.documentIndex))
            }
            self.documentIndex += 1
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = Self.string(data.value, length: data.length)
            let style: ScalarStyle
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let span = self.span(event.start_mark, event.end_mark)
            guard let tag = self.checkedTag(data.tag, at: span) else { return false }
            let node = YAMLNode(.scalar(text, style), span: span, tag: tag)
            return self.complete(node, weight: 1, anchor: Self.optionalString(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.optionalString(event.data.alias.anchor) ?? ""
            let span = self.span(event.start_mark, event.end_mark)
            guard let anchored = self.anchors[name] else {
                self.fail(Diagnostic(.yamlSyntax, "malformed YAML: alias '*\(name)' names no anchor", at: span))
                return false
            }
            self.aliasExpansion += anchored.weight
            if self.aliasExpansion > self.limits.aliasExpansionBudget {
                let message =
                    "aliases expand to more than \(self.limits.aliasExpansionBudget) nodes in this file (alias bomb?)"
                self.fail(Diagnostic(.aliasBudgetExceeded, message, at: span))
                return false
            }
            return self.complete(anchored.node, weight: anchored.weight, anchor: nil)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let span = self.span(event.start_mark, event.end_mark)
            if self.stack.count >= self.limits.maxDepth {
                let message = "collections nest deeper than \(self.limits.maxDepth) levels"
                self.fail(Diagnostic(.nestingTooDeep, message, at: span))
                return false
            }
            let rawTag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
            let rawAnchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            guard let tag = self.checkedTag(rawTag, at: span) else { return false }
            self.stack.append(
                Frame(isMapping: isMapping, start: span.start!, anchor: Self.optionalString(rawAnchor), tag: tag))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let frame = self.stack.removeLast()
            let span = SourceSpan(
                file: self.file.path, start: frame.start, end: Self.location(event.end_mark))
            let content: YAMLNode.Content =
                frame.isMapping ? .mapping(Self.applyingMerges(frame)) : .sequence(frame.items)
            return self.complete(YAMLNode(content, span: span, tag: frame.tag), weight: frame.weight, anchor: frame.anchor)
        default:
            break
        }
        return true
    }

    /// Explicit keys win over merged ones; earlier merge sources win over later ones (YAML merge-key semantics).
    private static func applyingMerges(_ frame: Frame) -> [YAMLPair] {
        guard !frame.merges.isEmpty else { return frame.pairs }
        var result = frame.pairs
        var present = Set(frame.pairs.map(\.keyText))
        for source in frame.merges {
            guard case .mapping(let pairs) = source.content else { continue }
            for pair in pairs where !present.contains(pair.keyText) {
                present.insert(pair.keyText)
                result.append(pair)
            }
        }
        return result
    }

    private mutating func complete(_ node: YAMLNode, weight: Int, anchor: String?) -> Bool {
        if let anchor { self.anchors[anchor] = Anchored(node: node, weight: weight) }
        guard !self.stack.isEmpty else {
            self.root = node
            return true
        }
        let top = self.stack.count - 1
        self.stack[top].weight += weight
        if !self.stack[top].isMapping {
            self.stack[top].items.append(node)
            return true
        }
        guard let key = self.stack[top].pendingKey else {
            return self.acceptKey(node, frame: top)
        }
        self.stack[top].pendingKey = nil
        if self.stack[top].skipNextValue {
            self.stack[top].skipNextValue = false
            return true
        }
        if case .scalar("<<", .plain) = key.content, key.tag == nil {
            return self.acceptMerge(node, frame: top)
        }
        self.stack[top].pairs.append(YAMLPair(key: key, value: node))
        return true
    }

    private mutating func acceptKey(_ key: YAMLNode, frame top: Int) -> Bool {
        self.stack[top].pendingKey = key
        guard case .scalar(let text, let style) = key.content else {
            self.fail(Diagnostic(.unsupportedYAML, "mapping keys must be plain strings, not \(key.shapeDescription)",
                                 at: key.span))
            self.stack[top].skipNextValue = true
            return true
        }
        if text == "<<", style == .plain, key.tag == nil { return true }
        if let first = self.stack[top].seenKeys[text] {
            let where_ = first.start.map { "line \($0.line), column \($0.column)" } ?? "earlier"
            self.fail(Diagnostic(.duplicateKey, "duplicate key '\(text)'", at: key.span,
                                 notes: ["first defined at \(where_)"]))
            self.stack[top].skipNextValue = true
            return true
        }
        self.stack[top].seenKeys[text] = key.span
        return true
    }

    private mutating func acceptMerge(_ value: YAMLNode, frame top: Int) -> Bool {
        switch value.content {
        case .mapping:
            self.stack[top].merges.append(value)
        case .sequence(let items) where items.allSatisfy({ if case .mapping = $0.content { true } else { false } }):
            self.stack[top].merges.append(contentsOf: items)
        default:
            self.fail(Diagnostic(.unsupportedYAML, "a merge key '<<' needs a mapping or a list of mappings, not "
                                 + value.shapeDescription, at: value.span))
        }
        return true
    }

    /// Accepts untagged nodes, the non-specific `!` and YAML's core-schema tags; anything else is SPEC007.
    private mutating func checkedTag(_ raw: UnsafeMutablePointer<yaml_char_t>?, at span: SourceSpan) -> String?? {
        guard let tag = Self.optionalString(raw) else { return .some(nil) }
        let core = ["str", "int", "float", "bool", "null", "map", "seq"].map { "tag:yaml.org,2002:" + $0 }
        if tag == "!" || core.contains(tag) { return .some(tag) }
        self.fail(Diagnostic(.unsupportedYAML, "unsupported tag '\(tag)'; specs use untagged values", at: span))
        return nil
    }

    private func span(_ start: yaml_mark_t, _ end: yaml_mark_t) -> SourceSpan {
        SourceSpan(file: self.file.path, start: Self.location(start), end: Self.location(end))
    }

    private static func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(line: mark.line + 1, column: mark.column + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private static func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
