// Scalars are resolved by the type the schema expects, never guessed from their text (TRAPS: YAML 1.1 reads `NO` as
// false and `010` as 8). A quoted scalar is always a string.

extension FieldKind where Value == String {
    /// Any string scalar. Plain text such as `NO`, `010` or `1` stays text here, so the schema of a free-form string
    /// also admits the numbers and booleans that YAML 1.2 editors would read those scalars as.
    public static func string(_ description: String, pattern: String? = nil) -> FieldKind<String> {
        FieldKind(
            placeholder: "",
            schema: {
                var schema: [String: JSONValue] = ["description": .string(description)]
                if let pattern {
                    schema["type"] = "string"
                    schema["pattern"] = .string(pattern)
                } else {
                    schema["type"] = ["string", "number", "boolean"]
                }
                return .object(schema)
            },
            encode: { .string($0) },
            decode: { node, site, session in
                guard case .scalar(let text, _) = node.content, !node.isNull else {
                    session.wrongType(node, expected: "a string", at: site)
                    return nil
                }
                return text
            })
    }

    /// A string that must satisfy `isValid` (the schema carries the equivalent `pattern`); SPEC026 otherwise.
    public static func matching(
        _ description: String, pattern: String, example: String, _ isValid: @escaping @Sendable (String) -> Bool
    ) -> FieldKind<String> {
        let base = FieldKind<String>.string(description, pattern: pattern)
        return base.checked { value, node, site, session in
            guard isValid(value) else {
                session.diagnostics.error(
                    .invalidValue, "'\(site.key)' does not allow '\(value)'", at: node.span,
                    notes: ["expected the form \(example) (pattern \(pattern))"])
                return false
            }
            return true
        }
    }

    /// A snake_case word: `[a-z][a-z0-9_]*`.
    public static func isSnakeCase(_ text: String) -> Bool {
        guard let first = text.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return false }
        return text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "_")
        }
    }

    /// One of a fixed set of words.
    public static func choice(_ allowed: [String], _ description: String) -> FieldKind<String> {
        FieldKind(
            placeholder: allowed.first ?? "",
            schema: { .object(["enum": .array(allowed.map { .string($0) }), "description": .string(description)]) },
            encode: { .string($0) },
            decode: { node, site, session in
                guard case .scalar(let text, _) = node.content, !node.isNull else {
                    session.wrongType(node, expected: "one of \(allowed.joined(separator: ", "))", at: site)
                    return nil
                }
                guard allowed.contains(text) else {
                    var notes = ["allowed values: \(allowed.joined(separator: ", "))"]
                    if let guess = closestMatch(to: text, in: allowed) { notes.insert("did you mean '\(guess)'?", at: 0) }
                    session.diagnostics.error(
                        .invalidValue, "'\(site.key)' does not allow '\(text)'", at: node.span, notes: notes)
                    return nil
                }
                return text
            })
    }
}

extension FieldKind where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of the cases of a string enum, by raw value (case-sensitive); SPEC026 with the allowed values otherwise.
    public static func choice(_ description: String) -> FieldKind<Value> {
        let base = FieldKind<String>.choice(Value.allCases.map(\.rawValue), description)
        return FieldKind(
            placeholder: Value.allCases.first!, schema: base.schema, encode: { .string($0.rawValue) },
            decode: { node, site, session in base.decode(node, site, session).flatMap(Value.init(rawValue:)) })
    }
}

extension FieldKind where Value == Identifier {
    /// A spec identifier (`intraday_tsmom_v1@prod`).
    public static func identifier(_ description: String) -> FieldKind<Identifier> {
        FieldKind(
            placeholder: Identifier("placeholder")!,
            schema: {
                .object([
                    "type": "string", "pattern": .string(Identifier.pattern), "maxLength": .integer(128),
                    "description": .string(description),
                ])
            },
            encode: { .string($0.rawValue) },
            decode: { node, site, session in
                guard let text = FieldKind<String>.string("").decode(node, site, session) else { return nil }
                guard let identifier = Identifier(text) else {
                    session.diagnostics.error(
                        .invalidIdentifier, "'\(text)' is not a valid identifier", at: node.span,
                        notes: ["identifiers match \(Identifier.pattern), e.g. intraday_tsmom_v1@prod"])
                    return nil
                }
                return identifier
            })
    }
}

extension FieldKind where Value == Symbol {
    /// An equity ticker symbol.
    public static func symbol(_ description: String) -> FieldKind<Symbol> {
        FieldKind(
            placeholder: Symbol("A")!,
            schema: {
                .object(["type": "string", "pattern": .string(Symbol.pattern), "description": .string(description)])
            },
            encode: { .string($0.rawValue) },
            decode: { node, site, session in
                guard case .scalar(let text, _) = node.content, !node.isNull else {
                    session.wrongType(node, expected: "a ticker symbol", at: site)
                    return nil
                }
                guard let symbol = Symbol(text) else {
                    var notes = ["symbols are 1-10 characters of A-Z, 0-9, '.', '-', starting with a letter"]
                    if Symbol(text.uppercased()) != nil { notes.insert("did you mean '\(text.uppercased())'?", at: 0) }
                    session.diagnostics.error(
                        .invalidSymbol, "'\(text)' is not a valid ticker symbol", at: node.span, notes: notes)
                    return nil
                }
                return symbol
            })
    }
}

extension FieldKind where Value == Bool {
    /// `true` or `false` (YAML 1.2 core schema spellings only).
    public static func bool(_ description: String) -> FieldKind<Bool> {
        FieldKind(
            placeholder: false,
            schema: { .object(["type": "boolean", "description": .string(description)]) },
            encode: { .bool($0) },
            decode: { node, site, session in
                guard case .scalar(let text, let style) = node.content, style.isPlain, !node.isNull,
                    node.tag == nil || node.tag == "tag:yaml.org,2002:bool"
                else {
                    session.wrongType(node, expected: "true or false", at: site)
                    return nil
                }
                switch text {
                case "true", "True", "TRUE": return true
                case "false", "False", "FALSE": return false
                default:
                    let yaml11 = ["yes", "no", "on", "off", "y", "n"]
                    if yaml11.contains(text.lowercased()) {
                        let reads = ["yes", "on", "y"].contains(text.lowercased()) ? "true" : "false"
                        session.diagnostics.error(
                            .yaml11Ambiguity,
                            "'\(text)' is \(reads) in YAML 1.1 but a string in YAML 1.2; write \(reads)",
                            at: node.span)
                    } else {
                        session.wrongType(node, expected: "true or false", at: site)
                    }
                    return nil
                }
            })
    }
}

extension FieldKind where Value == Int {
    /// A whole number in `range`.
    public static func integer(_ description: String, min: Int? = nil, max: Int? = nil) -> FieldKind<Int> {
        FieldKind(
            placeholder: min ?? 0,
            schema: {
                var schema: [String: JSONValue] = ["type": "integer", "description": .string(description)]
                if let min { schema["minimum"] = .integer(Int64(min)) }
                if let max { schema["maximum"] = .integer(Int64(max)) }
                return .object(schema)
            },
            encode: { .integer(Int64($0)) },
            decode: { node, site, session in
                guard let text = NumberText.plainNumber(node, expected: "a whole number", at: site, session) else {
                    return nil
                }
                let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
                guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                else {
                    session.wrongType(node, expected: "a whole number", at: site)
                    return nil
                }
                guard let value = Int(text) else {
                    session.diagnostics.error(.outOfRange, "'\(site.key)' is too large: \(text)", at: node.span)
                    return nil
                }
                if let min, value < min {
                    session.diagnostics.error(
                        .outOfRange, "'\(site.key)' must be at least \(min), found \(value)", at: node.span)
                    return nil
                }
                if let max, value > max {
                    session.diagnostics.error(
                        .outOfRange, "'\(site.key)' must be at most \(max), found \(value)", at: node.span)
                    return nil
                }
                return value
            })
    }
}

extension FieldKind where Value == Decimal {
    /// An exact decimal number (at most 9 fractional digits) within optional bounds; `unit` is shown in messages.
    public static func decimal(
        _ description: String, unit: String, min: Decimal? = nil, max: Decimal? = nil, minExclusive: Bool = false
    ) -> FieldKind<Decimal> {
        FieldKind(
            placeholder: min ?? .zero,
            schema: {
                var schema: [String: JSONValue] = [
                    "type": "number", "description": .string(unit.isEmpty ? description : "\(description) (\(unit))"),
                ]
                if let min { schema[minExclusive ? "exclusiveMinimum" : "minimum"] = .decimalNumber(min) }
                if let max { schema["maximum"] = .decimalNumber(max) }
                return .object(schema)
            },
            encode: { .decimalNumber($0) },
            decode: { node, site, session in
                let expected = unit.isEmpty ? "a number" : "a number (\(unit))"
                let suffix = unit.isEmpty ? "" : " \(unit)"
                guard let text = NumberText.plainNumber(node, expected: expected, at: site, session) else {
                    return nil
                }
                let value: Decimal
                switch Decimal.parse(Substring(text)) {
                case .success(let parsed): value = parsed
                case .failure(.tooManyFractionDigits):
                    session.diagnostics.error(
                        .tooPrecise, "'\(site.key)' has more than \(Decimal.fractionDigits) decimal places: \(text)",
                        at: node.span)
                    return nil
                case .failure(.outOfRange):
                    session.diagnostics.error(
                        .outOfRange, "'\(site.key)' is outside the representable range: \(text)", at: node.span,
                        notes: ["decimals are Int64 at 10^-9: at most about ±9.2 billion"])
                    return nil
                case .failure(.malformed):
                    session.wrongType(node, expected: expected, at: site)
                    return nil
                }
                if let min, minExclusive ? value <= min : value < min {
                    let bound = minExclusive ? "greater than" : "at least"
                    session.diagnostics.error(
                        .outOfRange, "'\(site.key)' must be \(bound) \(min)\(suffix), found \(value)", at: node.span)
                    return nil
                }
                if let max, value > max {
                    session.diagnostics.error(
                        .outOfRange, "'\(site.key)' must be at most \(max)\(suffix), found \(value)", at: node.span)
                    return nil
                }
                return value
            })
    }

    /// A non-negative fraction (0.08 = 8 %). Above 1.0 is allowed with a warning: Torghut deployed 3.0 and 10.0.
    public static func fraction(_ description: String) -> FieldKind<Decimal> {
        FieldKind.decimal(description, unit: "fraction, 0.08 = 8%", min: .zero).checked { value, node, site, session in
            if value > Decimal(1) {
                session.diagnostics.warning(
                    .fractionAboveOne, "'\(site.key)' is \(value), more than 100%", at: node.span,
                    notes: ["fractions are written 0.08 for 8%; keep it only if more than 100% is meant"])
            }
            return true
        }
    }
}

extension JSONValue {
    /// A decimal bound written as a JSON number in schemas (editors compare numbers, not strings).
    static func decimalNumber(_ value: Decimal) -> JSONValue {
        if value.units % 1_000_000_000 == 0 { return .integer(value.units / 1_000_000_000) }
        return .double(value.doubleValue)
    }
}

/// Shared checks for numeric scalars: plain style, finite, and not one of YAML 1.1's other readings.
enum NumberText {
    static func plainNumber(_ node: YAMLNode, expected: String, at site: FieldSite, _ session: DecodeSession)
        -> String?
    {
        guard case .scalar(let text, let style) = node.content, !node.isNull else {
            session.wrongType(node, expected: expected, at: site)
            return nil
        }
        let numericTags = ["tag:yaml.org,2002:int", "tag:yaml.org,2002:float"]
        let tagged = node.tag.map(numericTags.contains)
        guard tagged ?? style.isPlain else {
            session.wrongType(node, expected: expected, at: site, notes: ["remove the quotes to write a number"])
            return nil
        }
        let lower = text.lowercased()
        let unsigned = lower.hasPrefix("-") || lower.hasPrefix("+") ? String(lower.dropFirst()) : lower
        if [".nan", "nan", ".inf", "inf", "infinity"].contains(unsigned) {
            session.diagnostics.error(
                .nonFiniteNumber, "'\(site.key)' must be a finite number, found \(text)", at: node.span)
            return nil
        }
        if let reading = yaml11Reading(unsigned) {
            session.diagnostics.error(
                .yaml11Ambiguity, "'\(text)' \(reading); write plain decimal digits", at: node.span)
            return nil
        }
        return text
    }

    /// How YAML 1.1 (or 1.2) would read text that looks numeric but is not plain decimal, or nil.
    private static func yaml11Reading(_ unsigned: String) -> String? {
        let bytes = Array(unsigned.utf8)
        guard let first = bytes.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { return nil }
        if bytes.count > 1, first == UInt8(ascii: "0") {
            let second = bytes[1]
            if second == UInt8(ascii: "x") { return "is a hexadecimal literal" }
            if second == UInt8(ascii: "o") { return "is an octal literal in YAML 1.2" }
            if second >= UInt8(ascii: "0"), second <= UInt8(ascii: "9") {
                return "has a leading zero: YAML 1.1 reads it as octal"
            }
        }
        if bytes.contains(UInt8(ascii: "_")) { return "uses '_' digit separators, which only YAML 1.1 accepts" }
        if bytes.contains(UInt8(ascii: ":")) { return "is a base-60 number in YAML 1.1" }
        return nil
    }
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
public func closestMatch(to text: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(Array(text.utf8), Array(candidate.utf8))
        if distance <= Swift.max(2, candidate.utf8.count / 3), best.map({ distance < $0.1 }) ?? true {
            best = (candidate, distance)
        }
    }
    return best?.0
}

private func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
