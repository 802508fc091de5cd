/// Where a value sits in a document: its dotted path (`spec.limits.max_notional_per_trade_usd`) and the span of its
/// key, used to place "missing key" diagnostics on the parent key rather than on the first child.
public struct FieldSite: Sendable {
    private var basePath: String
    /// Set for list items; the `[index]` suffix is formatted only when a message needs it, so decoding a long list
    /// allocates no path strings.
    private var index: Int?
    public var keySpan: SourceSpan

    public init(path: String, keySpan: SourceSpan) {
        self.basePath = path
        self.index = nil
        self.keySpan = keySpan
    }

    /// The site of item `index` of the list at `listPath`.
    public init(listPath: String, index: Int, keySpan: SourceSpan) {
        self.basePath = listPath
        self.index = index
        self.keySpan = keySpan
    }

    public var path: String { self.index.map { "\(self.basePath)[\($0)]" } ?? self.basePath }

    /// The last path component, e.g. `max_notional_per_trade_usd` or `symbols[2]`.
    public var key: String {
        let path = self.path
        guard let dot = path.lastIndex(of: ".") else { return path }
        return String(path[path.index(after: dot)...])
    }
}

/// Collects the diagnostics of one decoding run. Used from one thread at a time.
public final class DecodeSession {
    public var diagnostics: DiagnosticBag

    public init(limit: Int = .max) {
        self.diagnostics = DiagnosticBag(limit: limit)
    }
}

/// The definition of one kind of spec value: how to decode it from a YAML node (with diagnostics), the JSON Schema
/// that editors use, and a placeholder returned when decoding failed (so every error in a file is still reported).
///
/// A spec kind is written once with these building blocks; `torghut validate` and `torghut schema` both derive from
/// that one definition, so the JSON Schema cannot drift from what the validator accepts.
public struct FieldKind<Value: Sendable>: Sendable {
    public let placeholder: Value
    let schema: @Sendable () -> JSONValue
    let decode: @Sendable (YAMLNode, FieldSite, DecodeSession) -> Value?
    let encode: (@Sendable (Value) -> JSONValue)?

    public init(
        placeholder: Value,
        schema: @escaping @Sendable () -> JSONValue,
        encode: (@Sendable (Value) -> JSONValue)? = nil,
        decode: @escaping @Sendable (YAMLNode, FieldSite, DecodeSession) -> Value?
    ) {
        self.placeholder = placeholder
        self.schema = schema
        self.decode = decode
        self.encode = encode
    }

    /// The JSON Schema of this kind.
    public var jsonSchema: JSONValue { self.schema() }

    /// Decodes `node`; nil after reporting at least one error.
    public func decode(_ node: YAMLNode, at site: FieldSite, in session: DecodeSession) -> Value? {
        self.decode(node, site, session)
    }

    /// `base`, keeping each value's span: `.located(.symbol("A ticker."))`.
    public static func located<Base>(_ base: FieldKind<Base>) -> FieldKind<Located<Base>>
    where Value == Located<Base> {
        var encode: (@Sendable (Located<Base>) -> JSONValue)?
        if let encodeBase = base.encode {
            encode = { (located: Located<Base>) -> JSONValue in encodeBase(located.value) }
        }
        return FieldKind<Located<Base>>(
            placeholder: Located(base.placeholder, span: SourceSpan(file: "")),
            schema: base.schema,
            encode: encode,
            decode: { (node: YAMLNode, site: FieldSite, session: DecodeSession) -> Located<Base>? in
                guard let value = base.decode(node, site, session) else { return nil }
                return Located(value, span: node.span)
            })
    }

    /// The same kind with an extra check run on successfully decoded values.
    public func checked(
        _ check: @escaping @Sendable (Value, YAMLNode, FieldSite, DecodeSession) -> Bool
    ) -> FieldKind<Value> {
        let base = self
        return FieldKind(placeholder: base.placeholder, schema: base.schema, encode: base.encode) { node, site, session in
            guard let value = base.decode(node, site, session) else { return nil }
            return check(value, node, site, session) ? value : nil
        }
    }

    /// Adds keywords (e.g. `description`) to this kind's schema.
    public func schemaAdding(_ extra: [String: JSONValue]) -> FieldKind<Value> {
        let base = self
        return FieldKind(
            placeholder: base.placeholder,
            schema: {
                guard case .object(var object) = base.schema() else { return base.schema() }
                for (key, value) in extra { object[key] = value }
                return .object(object)
            }, encode: base.encode, decode: base.decode)
    }
}

extension DecodeSession {
    /// Reports a type mismatch: "expected X, found Y".
    func wrongType(_ node: YAMLNode, expected: String, at site: FieldSite, notes: [String] = []) {
        self.diagnostics.error(
            .wrongType, "'\(site.key)' must be \(expected), found \(node.shapeDescription)", at: node.span,
            notes: notes)
    }
}
