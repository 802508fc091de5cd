import SpecModel
import Testing

/// Conventions every spec kind keeps, checked on the generated JSON Schemas so new kinds are covered automatically.
@Suite struct SpecConventionTests {
    static let unitSuffixes = [
        "_usd", "_bps", "_seconds", "_shares", "_minutes_after_open", "_minutes_before_close", "_multiplier",
    ]

    /// Every (path, key, schema) of every object property, depth first.
    static func properties(_ schema: JSONValue, path: String = "") -> [(String, String, [String: JSONValue])] {
        guard case .object(let object) = schema else { return [] }
        var found: [(String, String, [String: JSONValue])] = []
        if case .object(let properties) = object["properties"] {
            for key in properties.keys.sorted() {
                guard case .object(let child) = properties[key] else { continue }
                found.append((path, key, child))
                found += Self.properties(.object(child), path: "\(path).\(key)")
            }
        }
        if let items = object["items"] { found += Self.properties(items, path: path + "[]") }
        return found
    }

    @Test(arguments: SpecKind.allCases)
    func numericKeysCarryTheirUnit(_ kind: SpecKind) {
        for (path, key, schema) in Self.properties(SpecDocument.jsonSchema(for: kind)) where schema["type"] == "number" {
            // Confidence values are unitless probabilities on [0, 1]; strategy params take the unit of their use; a
            // Scenario gate's bounds take the unit of its metric, whose name carries it (net_pnl_usd).
            let unitless = path.contains(".confidence") || path.hasSuffix(".params") || path.hasSuffix(".gates[]")
            // A unit may be qualified: volatility_bps_per_second, impact_bps_at_full_participation.
            let qualified = Self.unitSuffixes.contains { key.contains($0 + "_per_") || key.contains($0 + "_at_") }
            let hasUnit = unitless || qualified || Self.unitSuffixes.contains { key.hasSuffix($0) }
                || key.contains("fraction")
            #expect(hasUnit, "\(kind.rawValue)\(path).\(key) is a number without a unit suffix")
        }
    }

    @Test(arguments: SpecKind.allCases)
    func everyPropertyIsDocumentedAndObjectsAreClosed(_ kind: SpecKind) {
        for (path, key, schema) in Self.properties(SpecDocument.jsonSchema(for: kind)) {
            if case .string(let text) = schema["description"] {
                #expect(!text.isEmpty, "\(path).\(key)")
            } else {
                Issue.record("\(kind.rawValue)\(path).\(key) has no description")
            }
            if schema["type"] == "object", schema["properties"] != nil {
                #expect(schema["additionalProperties"] == false, "\(path).\(key) must reject unknown keys")
            }
        }
    }

    /// Defaults must have the schema's own type, or editors flag the documented default as an error.
    @Test(arguments: SpecKind.allCases)
    func defaultsMatchTheirType(_ kind: SpecKind) {
        for (path, key, schema) in Self.properties(SpecDocument.jsonSchema(for: kind)) {
            guard let value = schema["default"] else { continue }
            switch (schema["type"], value) {
            case ("number", .integer), ("number", .double), ("integer", .integer), ("boolean", .bool), ("array", .array):
                break
            case (nil, .string) where schema["enum"] != nil, ("string", .string): break
            default: Issue.record("\(kind.rawValue)\(path).\(key): default \(value) does not match its type")
            }
        }
    }

    @Test func overridesOfferOneSchemaPerScope() {
        let overrides = Self.properties(SpecDocument.jsonSchema(for: .riskPolicy)).first { $0.1 == "overrides" }
        guard case .object(let items)? = overrides?.2["items"], case .array(let choices)? = items["oneOf"] else {
            Issue.record("overrides items should be a oneOf")
            return
        }
        #expect(choices.count == 2)
        let limitKeys = choices.map { choice in
            Set(Self.properties(choice).filter { $0.0 == ".limits" }.map(\.1))
        }
        #expect(limitKeys[0].contains("max_open_positions"))
        #expect(!limitKeys[1].contains("max_open_positions"))
        #expect(limitKeys[1].contains("price_band_bps"))
    }

    @Test func everyRiskLimitIsInTheSchemaInDefinitionOrder() {
        let keys = RiskLimits.definitions.map(\.key)
        #expect(Set(keys).count == keys.count)
        let limits = Self.properties(SpecDocument.jsonSchema(for: .riskPolicy)).filter { $0.0 == ".spec.limits" }
        #expect(Set(limits.map(\.1)) == Set(keys))
    }
}
