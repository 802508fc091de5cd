/// The spec kinds this version understands. Later kinds (GuardrailPolicy, NetworkRbacExpectations, …) add cases here.
public enum SpecKind: String, CaseIterable, Sendable, Hashable {
    case universe = "Universe"
    case riskPolicy = "RiskPolicy"
    case strategy = "Strategy"
    case scenario = "Scenario"

    /// One line describing the kind, for `torghut schema` and docs.
    public var summary: String {
        switch self {
        case .universe: "The set of symbols a deployment may trade, and where live membership comes from."
        case .riskPolicy: "Pre-trade risk limits with units and scopes (global, per strategy, per symbol)."
        case .strategy: "A trading strategy as data: features, parameters, entry and exit rules, sizing."
        case .scenario: "A simulator run's inputs: symbols, session window, data source, models, account, gates."
        }
    }

    /// Looks a kind up by name, case-sensitively as Kubernetes does.
    public static func named(_ name: String) -> SpecKind? { SpecKind(rawValue: name) }

    var bodyKind: FieldKind<SpecBody> {
        switch self {
        case .universe: UniverseSpec.kind.map { .universe($0) }
        case .riskPolicy: RiskPolicySpec.kind.map { .riskPolicy($0) }
        case .strategy: StrategySpec.kind.map { .strategy($0) }
        case .scenario: ScenarioSpec.kind.map { .scenario($0) }
        }
    }
}

/// The typed content of a document's `spec`.
public enum SpecBody: Sendable {
    case universe(UniverseSpec)
    case riskPolicy(RiskPolicySpec)
    case strategy(StrategySpec)
    case scenario(ScenarioSpec)
}

/// `metadata`: the document's name (unique per kind in a tree) and human context.
public struct SpecMetadata: Sendable {
    public var name: Located<Identifier>
    public var description: String?
    public var labels: [(key: String, value: String)]

    static let kind = FieldKind<SpecMetadata>.object("Identity of the document.") { r in
        SpecMetadata(
            name: r.required("name", .located(.identifier("Unique name of this document among documents of its kind."))),
            description: r.optional("description", .string("What this document is for.")),
            labels: (r.optional("labels", .stringMap(.string("Label value."), "Free-form labels.")) ?? [])
                .map { ($0.key.value, $0.value) })
    }
}

/// One validated spec document.
public struct SpecDocument: Sendable {
    public var kind: SpecKind
    public var metadata: SpecMetadata
    public var body: SpecBody
    /// The file and the span of the document's root mapping.
    public var span: SourceSpan
    /// 0-based index of the document within its file.
    public var documentIndex: Int

    public var name: Identifier { self.metadata.name.value }

    public static let apiVersion = "torghut.dev/v1"

    /// Decodes one YAML document. Returns nil (with diagnostics) when the envelope is unusable; otherwise a value,
    /// which is only meaningful if `session` gained no errors.
    public static func decode(_ document: YAMLDocument, in session: DecodeSession) -> SpecDocument? {
        let root = document.root
        let rootSite = FieldSite(path: "", keySpan: SourceSpan(file: root.span.file, start: root.span.start))
        guard case .mapping(let pairs) = root.content else {
            session.diagnostics.error(
                .wrongType,
                "a spec document must be a mapping with apiVersion, kind, metadata and spec, found "
                    + root.shapeDescription, at: root.span)
            return nil
        }
        guard let apiVersion = pairs.first(where: { $0.keyText == "apiVersion" }) else {
            session.diagnostics.error(
                .apiVersion, "missing 'apiVersion'; spec documents start with apiVersion: \(Self.apiVersion)",
                at: rootSite.keySpan)
            return nil
        }
        guard case .scalar(let version, _) = apiVersion.value.content, version == Self.apiVersion else {
            var notes = ["spec documents use apiVersion: \(Self.apiVersion)"]
            if case .scalar(let version, _) = apiVersion.value.content, !version.hasPrefix("torghut.") {
                notes.append("Kubernetes objects are read by `torghut policy` and `torghut render`, not kept in specs")
            }
            session.diagnostics.error(
                .apiVersion, "unsupported apiVersion \(apiVersion.value.shapeDescription)", at: apiVersion.value.span,
                notes: notes)
            return nil
        }
        let known = SpecKind.allCases.map(\.rawValue)
        guard let kindPair = pairs.first(where: { $0.keyText == "kind" }) else {
            session.diagnostics.error(
                .unknownKind, "missing 'kind'", at: rootSite.keySpan,
                notes: ["known kinds: \(known.joined(separator: ", "))"])
            return nil
        }
        guard case .scalar(let kindName, _) = kindPair.value.content, let kind = SpecKind.named(kindName) else {
            var notes = ["known kinds: \(known.joined(separator: ", "))"]
            if case .scalar(let text, _) = kindPair.value.content, let guess = closestMatch(to: text, in: known) {
                notes.insert("did you mean '\(guess)'?", at: 0)
            }
            session.diagnostics.error(
                .unknownKind, "unknown kind \(kindPair.value.shapeDescription)", at: kindPair.value.span, notes: notes)
            return nil
        }
        guard let envelope = Self.envelope(for: kind).decode(root, at: rootSite, in: session) else { return nil }
        return SpecDocument(
            kind: kind, metadata: envelope.metadata, body: envelope.body, span: root.span,
            documentIndex: document.index)
    }

    /// The JSON Schema (draft-07) of a kind's documents, generated from the same definition the validator uses.
    public static func jsonSchema(for kind: SpecKind) -> JSONValue {
        guard case .object(var schema) = Self.envelope(for: kind).jsonSchema else { return .null }
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["$id"] = .string("https://torghut.dev/schemas/v1/\(kind.rawValue).json")
        schema["title"] = .string(kind.rawValue)
        return .object(schema)
    }

    struct Envelope: Sendable {
        var metadata: SpecMetadata
        var body: SpecBody
    }

    static func envelope(for kind: SpecKind) -> FieldKind<Envelope> {
        .object("A Torghut \(kind.rawValue) document. \(kind.summary)") { r in
            _ = r.required("apiVersion", .constant(Self.apiVersion, "Spec API version."))
            _ = r.required("kind", .constant(kind.rawValue, "Spec kind."))
            return Envelope(metadata: r.required("metadata", SpecMetadata.kind), body: r.required("spec", kind.bodyKind))
        }
    }
}

extension FieldKind where Value == String {
    /// Exactly `value` (used for `apiVersion` and `kind`, which are checked before decoding with better messages).
    static func constant(_ value: String, _ description: String) -> FieldKind<String> {
        FieldKind(
            placeholder: value,
            schema: { .object(["const": .string(value), "description": .string(description)]) },
            encode: { .string($0) },
            decode: { node, _, _ in
                if case .scalar(let text, _) = node.content { return text }
                return value
            })
    }
}

extension FieldKind {
    /// Transforms decoded values (e.g. wraps a kind's struct in `SpecBody`).
    public func map<Other: Sendable>(_ transform: @escaping @Sendable (Value) -> Other) -> FieldKind<Other> {
        let base = self
        return FieldKind<Other>(placeholder: transform(base.placeholder), schema: base.schema) { node, site, session in
            base.decode(node, site, session).map(transform)
        }
    }
}
