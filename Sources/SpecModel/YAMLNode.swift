/// How a scalar was written. Resolution of plain scalars depends on the type the schema expects (TRAPS: never guess
/// YAML 1.1 types), so the style is kept.
public enum ScalarStyle: Sendable, Hashable {
    case plain
    case singleQuoted
    case doubleQuoted
    case literal
    case folded

    /// Quoted and block scalars are always strings.
    public var isPlain: Bool { self == .plain }
}

/// One node of a loaded YAML document. Aliases are already expanded (sharing storage); merge keys are applied.
/// Every node carries its span, column counted in Unicode scalars.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var span: SourceSpan
    /// The explicit tag, e.g. `tag:yaml.org,2002:str` for `!!str`; nil when untagged.
    public var tag: String?

    public init(_ content: Content, span: SourceSpan, tag: String? = nil) {
        self.content = content
        self.span = span
        self.tag = tag
    }

    /// A plain `~`, `null`, `Null`, `NULL` or empty scalar.
    public var isNull: Bool {
        guard case .scalar(let text, .plain) = self.content, self.tag == nil else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// A short description of the node's shape for "expected X, found Y" messages.
    public var shapeDescription: String {
        switch self.content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, let style):
            if self.isNull { return "null" }
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return style.isPlain ? "'\(shown)'" : "the string \"\(shown)\""
        }
    }
}

/// A key/value pair of a mapping, in document order.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }

    /// The key's text (keys are scalars; the loader rejects others).
    public var keyText: String {
        if case .scalar(let text, _) = self.key.content { return text }
        return ""
    }
}

/// One document of a YAML stream: its root node and the span of the whole document.
public struct YAMLDocument: Sendable {
    public var root: YAMLNode
    public var index: Int

    public init(root: YAMLNode, index: Int) {
        self.root = root
        self.index = index
    }
}
