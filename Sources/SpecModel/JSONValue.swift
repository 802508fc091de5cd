/// A JSON document tree, used for canonical hashing and human-facing output (JSON Schema, SARIF).
///
/// Objects are dictionaries: keys are unique by construction and carry no order; writers impose the order
/// (UTF-8 byte order), so nothing ever depends on `Dictionary` iteration order.
/// `.decimal` is kept apart from `.double` so exact values are serialised from their canonical text, never via
/// binary floating point.
/// Not `indirect`: arrays and dictionaries already box their elements, and an indirect enum would allocate for every
/// scalar (a cost each written event paid several times).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// Written as a JSON string holding `Decimal.description`, so equal decimals always encode identically.
    case decimal(Decimal)
    /// Must be finite to be written; writers throw `JSONWriterError.nonFiniteNumber` otherwise.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) {
        self = .null
    }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// - Precondition: keys are distinct (a duplicate key in a literal traps, as for `Dictionary`).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(uniqueKeysWithValues: elements))
    }
}
