import SpecModel

/// `torghut import torghut-catalog`: turns an original Torghut strategy catalog (the `torghut-strategy-config`
/// ConfigMap, or a bare `strategies:` file) into Strategy specs.
///
/// Families are data, not Swift: each catalog entry is matched by `strategy_type` to a template — a Strategy spec
/// whose `spec.family` names that type (the bundled `specs/strategies`) — and the template's text is copied with the
/// entry's values written over the template's, by the spans of the template's nodes: `metadata.name`, `enabled`,
/// `symbols`, `sizing.max_notional_usd`, and each `params` value. Comments and rules stay as the template has them.
public struct CatalogImporter {
    public struct Output: Sendable {
        /// (file name, text) of each generated spec, in catalog order.
        public var files: [(name: String, text: String)]
        public var diagnostics: [Diagnostic]
    }

    struct Template {
        var file: SourceFile
        var root: YAMLNode
    }

    /// Torghut's registry aliases (reference 01 §2.1).
    static let aliases = ["intraday_tsmom": "intraday_tsmom_v1", "tsmom_intraday": "intraday_tsmom_v1"]

    private var templates: [String: Template] = [:]
    public private(set) var templateDiagnostics: [Diagnostic] = []

    /// Loads every Strategy document under `templateDirectory` as a template for its `spec.family`.
    public init(templateDirectory: String) {
        let tree = SpecTreeLoader().load(paths: [templateDirectory])
        self.templateDiagnostics = tree.diagnostics.filter { $0.severity == .error }
        for file in tree.files {
            for document in YAMLLoader().load(file).documents {
                guard case .mapping(let pairs) = document.root.content,
                    pairs.first(where: { $0.keyText == "kind" }).flatMap({ Self.text($0.value) }) == "Strategy",
                    let spec = pairs.first(where: { $0.keyText == "spec" })?.value,
                    let family = Self.child(spec, "family").flatMap(Self.text), self.templates[family] == nil
                else { continue }
                self.templates[family] = Template(file: file, root: document.root)
            }
        }
    }

    public var families: [String] { self.templates.keys.sorted { $0.utf8Precedes($1) } }

    public func importCatalog(_ catalog: SourceFile) -> Output {
        var diagnostics: [Diagnostic] = []
        let (documents, yamlDiagnostics) = YAMLLoader().load(catalog)
        guard yamlDiagnostics.isEmpty, let root = documents.first?.root else {
            return Output(files: [], diagnostics: yamlDiagnostics)
        }
        // A ConfigMap carries the catalog as text under data["strategies.yaml"].
        var entriesRoot = root
        var entriesFile = catalog
        if let data = Self.child(root, "data") {
            guard let embedded = Self.child(data, "strategies.yaml"), let text = Self.text(embedded) else {
                let span = Self.pair(root, "data")?.key.span ?? .file(catalog.path)
                return Output(
                    files: [],
                    diagnostics: [Diagnostic(.missingKey, "the ConfigMap has no data[\"strategies.yaml\"]", at: span)])
            }
            entriesFile = SourceFile(path: catalog.path + "#strategies.yaml", text: text)
            let inner = YAMLLoader().load(entriesFile)
            guard inner.diagnostics.isEmpty, let innerRoot = inner.documents.first?.root else {
                return Output(files: [], diagnostics: inner.diagnostics)
            }
            entriesRoot = innerRoot
        }
        let list = Self.child(entriesRoot, "strategies") ?? entriesRoot
        guard case .sequence(let entries) = list.content else {
            return Output(
                files: [],
                diagnostics: [Diagnostic(.wrongType, "a catalog is a list of strategies (or `strategies:` and a list)",
                                         at: list.span)])
        }
        var files: [(String, String)] = []
        for entry in entries {
            if let file = self.convert(entry, diagnostics: &diagnostics) { files.append(file) }
        }
        // Point into the ConfigMap itself: the embedded text starts on the line after `strategies.yaml: |`,
        // indented by the block's indentation.
        if entriesFile.path != catalog.path, let block = Self.child(root, "data").flatMap({ Self.child($0, "strategies.yaml") }),
            let blockStart = block.span.start
        {
            let firstLine = catalog.line(blockStart.line + 1) ?? ""
            let indent = firstLine.prefix { $0 == " " }.count
            diagnostics = diagnostics.map { diagnostic in
                guard diagnostic.span.file == entriesFile.path else { return diagnostic }
                var moved = diagnostic
                moved.span.file = catalog.path
                moved.span.start = diagnostic.span.start.map { SourceLocation(line: $0.line + blockStart.line, column: $0.column + indent) }
                moved.span.end = diagnostic.span.end.map { SourceLocation(line: $0.line + blockStart.line, column: $0.column + indent) }
                return moved
            }
        }
        return Output(files: files, diagnostics: Diagnostic.sorted(diagnostics))
    }

    private func convert(_ entry: YAMLNode, diagnostics: inout [Diagnostic]) -> (String, String)? {
        let type = Self.child(entry, "strategy_type").flatMap(Self.text) ?? "legacy_macd_rsi"
        let family = Self.aliases[type] ?? type
        guard let template = self.templates[family] else {
            diagnostics.append(
                Diagnostic(
                    .unresolvedReference, "no family spec for strategy_type '\(type)'",
                    at: Self.pair(entry, "strategy_type")?.value.span ?? entry.span,
                    notes: ["families with a spec: \(self.families.joined(separator: ", "))"]))
            return nil
        }
        guard let id = (Self.child(entry, "strategy_id") ?? Self.child(entry, "name")).flatMap(Self.text),
            let identifier = Identifier(id)
        else {
            diagnostics.append(Diagnostic(.invalidIdentifier, "the entry needs a valid strategy_id", at: entry.span))
            return nil
        }
        var edits: [(SourceSpan, String)] = []
        let spec = Self.child(template.root, "spec")
        func replace(_ node: YAMLNode?, with text: String, what: String) {
            guard let node else {
                diagnostics.append(
                    Diagnostic(.missingKey, "the \(family) template has no \(what) to set", at: .file(template.file.path)))
                return
            }
            var span = node.span
            if case .sequence(let items) = node.content, let last = items.last { span.end = last.span.end }
            if case .sequence = node.content, !(Self.isFlow(node, in: template.file)) {
                diagnostics.append(
                    Diagnostic(.unsupportedYAML, "template \(what) must be a flow list ([A, B])", at: node.span))
                return
            }
            edits.append((span, text))
        }
        replace(Self.child(template.root, "metadata").flatMap { Self.child($0, "name") }, with: identifier.rawValue,
                what: "metadata.name")
        if let enabled = Self.child(entry, "enabled").flatMap(Self.text) {
            replace(spec.flatMap { Self.child($0, "enabled") }, with: enabled == "false" ? "false" : "true", what: "enabled")
        }
        if let symbols = Self.child(entry, "universe_symbols") ?? Self.child(entry, "symbols") {
            var list: [String] = []
            switch symbols.content {
            case .sequence(let items): list = items.compactMap(Self.text)
            case .scalar(let text, _): list = text.split(separator: ",").map { $0.trimmingSpaces }
            case .mapping: break
            }
            replace(spec.flatMap { Self.child($0, "symbols") }, with: "[\(list.joined(separator: ", "))]", what: "symbols")
        }
        if let notional = Self.child(entry, "max_notional_per_trade").flatMap(Self.text), let value = Decimal(notional) {
            replace(spec.flatMap { Self.child($0, "sizing") }.flatMap { Self.child($0, "max_notional_usd") },
                    with: value.description, what: "sizing.max_notional_usd")
        }
        if let fraction = Self.child(entry, "max_position_pct_equity").flatMap(Self.text), let value = Decimal(fraction),
            value > Decimal(1)
        {
            diagnostics.append(
                Diagnostic(
                    .fractionAboveOne,
                    "'\(identifier)' has max_position_pct_equity \(value): more than 100% of equity",
                    at: Self.pair(entry, "max_position_pct_equity")?.value.span ?? entry.span,
                    notes: ["it belongs in a RiskPolicy override (max_position_fraction_of_equity); check the unit"]))
        }
        let templateParams = spec.flatMap { Self.child($0, "params") }
        if case .mapping(let pairs)? = Self.child(entry, "params")?.content {
            for pair in pairs {
                guard let target = templateParams.flatMap({ Self.child($0, pair.keyText) }) else {
                    diagnostics.append(
                        Diagnostic(
                            .unknownKey, "param '\(pair.keyText)' has no counterpart in the \(family) spec",
                            at: pair.key.span, severity: .warning, notes: ["it is dropped; the family spec decides"]))
                    continue
                }
                guard let text = Self.text(pair.value), let value = Decimal(text) else {
                    diagnostics.append(
                        Diagnostic(.wrongType, "param '\(pair.keyText)' is not a decimal number", at: pair.value.span))
                    continue
                }
                edits.append((target.span, value.description))
            }
        }
        var bytes = template.file.bytes
        for (span, text) in edits.sorted(by: { $0.0.start! > $1.0.start! }) {
            let start = template.file.byteOffset(of: span.start!)
            let end = template.file.byteOffset(of: span.end!)
            bytes.replaceSubrange(start..<end, with: Array(text.utf8))
        }
        let header = "# Imported from the Torghut catalog entry '\(id)' (strategy_type \(type)) by torghut import.\n"
        let name = id.replacing("@", with: "-").replacing("_", with: "-") + ".yaml"
        return (name, header + String(decoding: bytes, as: UTF8.self))
    }

    // MARK: YAML helpers

    static func pair(_ node: YAMLNode, _ key: String) -> YAMLPair? {
        guard case .mapping(let pairs) = node.content else { return nil }
        return pairs.first { $0.keyText == key }
    }

    static func child(_ node: YAMLNode, _ key: String) -> YAMLNode? { self.pair(node, key)?.value }

    static func text(_ node: YAMLNode) -> String? {
        if case .scalar(let text, _) = node.content { return text }
        return nil
    }

    static func isFlow(_ node: YAMLNode, in file: SourceFile) -> Bool {
        guard let start = node.span.start else { return false }
        let offset = file.byteOffset(of: start)
        return offset < file.bytes.count && file.bytes[offset] == UInt8(ascii: "[")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
