/// Reads the keys of one mapping while a spec kind is decoded, or records them when the kind's JSON Schema is being
/// generated (`isDescribing`). Every key read is marked used; `finish` reports the rest as unknown keys.
public struct ObjectReader {
    struct SchemaField {
        var key: String
        var schema: JSONValue
        var required: Bool
    }

    private let pairs: [YAMLPair]?
    private let session: DecodeSession?
    public let site: FieldSite
    private var used: Set<String> = []
    private(set) var fields: [SchemaField] = []

    private let errorsAtStart: Int

    init(pairs: [YAMLPair], site: FieldSite, session: DecodeSession) {
        self.pairs = pairs
        self.site = site
        self.session = session
        self.errorsAtStart = session.diagnostics.errorCount + session.diagnostics.suppressed
    }

    init(describing site: FieldSite) {
        self.pairs = nil
        self.site = site
        self.session = nil
        self.errorsAtStart = 0
    }

    /// True while describing, or once a read in this mapping reported an error: cross-field checks skip then, so a
    /// placeholder never produces a second, false diagnostic.
    public var skipsCrossChecks: Bool {
        guard let session = self.session else { return true }
        return session.diagnostics.errorCount + session.diagnostics.suppressed > self.errorsAtStart
    }

    /// True while generating the JSON Schema: reads return placeholders and checks must not run.
    public var isDescribing: Bool { self.pairs == nil }

    /// A key that must be present.
    public mutating func required<T>(_ key: String, _ kind: FieldKind<T>) -> T {
        guard let pairs = self.pairs, let session = self.session else {
            self.fields.append(SchemaField(key: key, schema: kind.jsonSchema, required: true))
            return kind.placeholder
        }
        self.used.insert(key)
        guard let pair = pairs.first(where: { $0.keyText == key }) else {
            let container = self.site.path.isEmpty ? "the document" : "'\(self.site.path)'"
            session.diagnostics.error(.missingKey, "missing required key '\(key)' in \(container)", at: self.site.keySpan)
            return kind.placeholder
        }
        return kind.decode(pair.value, at: self.childSite(key, pair), in: session) ?? kind.placeholder
    }

    /// A key that may be absent; absent gives nil.
    public mutating func optional<T>(_ key: String, _ kind: FieldKind<T>) -> T? {
        guard let pairs = self.pairs, let session = self.session else {
            self.fields.append(SchemaField(key: key, schema: kind.jsonSchema, required: false))
            return nil
        }
        self.used.insert(key)
        guard let pair = pairs.first(where: { $0.keyText == key }) else { return nil }
        return kind.decode(pair.value, at: self.childSite(key, pair), in: session) ?? kind.placeholder
    }

    /// A key with a default; the default is shown in the JSON Schema.
    public mutating func optional<T>(_ key: String, _ kind: FieldKind<T>, default value: T) -> T {
        guard self.pairs != nil else {
            var schema = kind.jsonSchema
            if case .object(var object) = schema, let encode = kind.encode {
                object["default"] = encode(value)
                schema = .object(object)
            }
            self.fields.append(SchemaField(key: key, schema: schema, required: false))
            return value
        }
        return self.optional(key, kind) ?? value
    }

    /// The number of items of a key's value when it is a list, whatever their validity; nil when absent or not a list.
    public func rawCount(of key: String) -> Int? {
        guard case .sequence(let items)? = self.pairs?.first(where: { $0.keyText == key })?.value.content else {
            return nil
        }
        return items.count
    }

    /// The span of a key's value, if present.
    public func span(of key: String) -> SourceSpan? {
        self.pairs?.first(where: { $0.keyText == key })?.value.span
    }

    /// Reports a cross-field problem at a key (or at this mapping's key when the key is absent). No-op while describing.
    public func report(
        _ code: DiagnosticCode, _ message: String, at key: String? = nil, severity: Severity? = nil,
        notes: [String] = []
    ) {
        guard let session = self.session else { return }
        let span = key.flatMap { self.span(of: $0) } ?? self.site.keySpan
        session.diagnostics.append(Diagnostic(code, message, at: span, severity: severity, notes: notes))
    }

    /// The span of a key itself (not its value), if present.
    public func keySpan(of key: String) -> SourceSpan? {
        self.pairs?.first(where: { $0.keyText == key })?.key.span
    }

    /// Reports a problem at an explicit span. No-op while describing.
    public func report(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan, severity: Severity? = nil, notes: [String] = []
    ) {
        self.session?.diagnostics.append(Diagnostic(code, message, at: span, severity: severity, notes: notes))
    }

    /// Reports every key that no read asked for.
    mutating func finish() {
        guard let pairs = self.pairs, let session = self.session else { return }
        let known = self.usedKeysInOrder
        for pair in pairs where !self.used.contains(pair.keyText) {
            var notes: [String] = []
            if let guess = closestMatch(to: pair.keyText, in: known) {
                notes.append("did you mean '\(guess)'?")
            } else if !known.isEmpty {
                notes.append("known keys: \(known.joined(separator: ", "))")
            }
            let container = self.site.path.isEmpty ? "" : " in '\(self.site.path)'"
            session.diagnostics.error(
                .unknownKey, "unknown key '\(pair.keyText)'\(container)", at: pair.key.span, notes: notes)
        }
    }

    private var usedKeysInOrder: [String] { self.used.sorted { $0.utf8Precedes($1) } }

    private func childSite(_ key: String, _ pair: YAMLPair) -> FieldSite {
        FieldSite(path: self.site.path.isEmpty ? key : "\(self.site.path).\(key)", keySpan: pair.key.span)
    }
}

extension FieldKind {
    /// A mapping with named keys, decoded by `build`. The same closure, run without a node, yields the JSON Schema.
    public static func object(
        _ description: String, _ build: @escaping @Sendable (inout ObjectReader) -> Value
    ) -> FieldKind<Value> {
        var describing = ObjectReader(describing: FieldSite(path: "", keySpan: SourceSpan(file: "")))
        let placeholder = build(&describing)
        return FieldKind(
            placeholder: placeholder,
            schema: {
                var reader = ObjectReader(describing: FieldSite(path: "", keySpan: SourceSpan(file: "")))
                _ = build(&reader)
                var properties: [String: JSONValue] = [:]
                for field in reader.fields { properties[field.key] = field.schema }
                let required = reader.fields.filter(\.required).map { JSONValue.string($0.key) }
                var schema: [String: JSONValue] = [
                    "type": "object", "description": .string(description), "properties": .object(properties),
                    "additionalProperties": false,
                ]
                if !required.isEmpty { schema["required"] = .array(required) }
                return .object(schema)
            },
            decode: { node, site, session in
                guard case .mapping(let pairs) = node.content else {
                    session.wrongType(node, expected: "a mapping", at: site)
                    return nil
                }
                var reader = ObjectReader(pairs: pairs, site: site, session: session)
                let value = build(&reader)
                reader.finish()
                return value
            })
    }

    /// A list of values. `nonEmpty` rejects `[]` (SPEC023); `unique` rejects repeats (SPEC024).
    public static func list<Element: Sendable & Hashable>(
        _ element: FieldKind<Element>, _ description: String, nonEmpty: Bool = false, unique: Bool = true
    ) -> FieldKind<Value> where Value == [Element] {
        var encode: (@Sendable ([Element]) -> JSONValue)?
        if let encodeElement = element.encode {
            encode = { (values: [Element]) -> JSONValue in .array(values.map(encodeElement)) }
        }
        return FieldKind(
            placeholder: [],
            schema: {
                var schema: [String: JSONValue] = [
                    "type": "array", "items": element.jsonSchema, "description": .string(description),
                ]
                if nonEmpty { schema["minItems"] = .integer(1) }
                if unique { schema["uniqueItems"] = true }
                return .object(schema)
            },
            encode: encode,
            decode: { node, site, session in
                guard case .sequence(let items) = node.content else {
                    session.wrongType(node, expected: "a list", at: site)
                    return nil
                }
                if nonEmpty, items.isEmpty {
                    session.diagnostics.error(.emptyList, "'\(site.key)' must list at least one entry", at: node.span)
                    return nil
                }
                var values: [Element] = []
                var seen: Set<Element> = []
                var failed = false
                for (index, item) in items.enumerated() {
                    let itemSite = FieldSite(listPath: site.path, index: index, keySpan: item.span)
                    guard let value = element.decode(item, at: itemSite, in: session) else {
                        failed = true
                        continue
                    }
                    if unique, !seen.insert(value).inserted {
                        session.diagnostics.error(
                            .duplicateEntry, "'\(site.key)' lists \(item.shapeDescription) more than once",
                            at: item.span)
                        failed = true
                        continue
                    }
                    values.append(value)
                }
                return failed ? nil : values
            })
    }

    /// A list of mappings (each decoded by `element`), without uniqueness by value.
    public static func records<Element: Sendable>(
        _ element: FieldKind<Element>, _ description: String
    ) -> FieldKind<Value> where Value == [Element] {
        FieldKind(
            placeholder: [],
            schema: { .object(["type": "array", "items": element.jsonSchema, "description": .string(description)]) },
            decode: { node, site, session in
                guard case .sequence(let items) = node.content else {
                    session.wrongType(node, expected: "a list", at: site)
                    return nil
                }
                var values: [Element] = []
                for (index, item) in items.enumerated() {
                    let itemSite = FieldSite(listPath: site.path, index: index, keySpan: item.span)
                    values.append(element.decode(item, at: itemSite, in: session) ?? element.placeholder)
                }
                return values
            })
    }

    /// A mapping from free-form string keys to values, with each key's span. `sortedByKey` sorts by UTF-8 bytes;
    /// otherwise document order is kept (named values are computed in the order written).
    public static func stringMap<Element: Sendable>(
        _ element: FieldKind<Element>, _ description: String, sortedByKey: Bool = true
    ) -> FieldKind<Value> where Value == [(key: Located<String>, value: Element)] {
        FieldKind(
            placeholder: [],
            schema: {
                .object([
                    "type": "object", "additionalProperties": element.jsonSchema, "description": .string(description),
                ])
            },
            decode: { node, site, session in
                guard case .mapping(let pairs) = node.content else {
                    session.wrongType(node, expected: "a mapping", at: site)
                    return nil
                }
                var values: [(key: Located<String>, value: Element)] = []
                for pair in pairs {
                    let childSite = FieldSite(path: "\(site.path).\(pair.keyText)", keySpan: pair.key.span)
                    if let value = element.decode(pair.value, at: childSite, in: session) {
                        values.append((Located(pair.keyText, span: pair.key.span), value))
                    }
                }
                guard sortedByKey else { return values }
                return values.sorted { $0.key.value.utf8Precedes($1.key.value) }
            })
    }
}
