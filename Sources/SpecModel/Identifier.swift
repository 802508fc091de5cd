/// A spec identifier: `[a-z0-9][a-z0-9_.-]*(@[a-z0-9_-]+)?`, at most 128 bytes, e.g. `intraday_tsmom_v1@prod`.
public struct Identifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public static let pattern = "^[a-z0-9][a-z0-9_.-]*(@[a-z0-9_-]+)?$"
    public static let maxLength = 128

    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        self.rawValue = text
    }

    public var description: String { self.rawValue }

    public static func < (a: Identifier, b: Identifier) -> Bool {
        a.rawValue.utf8Precedes(b.rawValue)
    }

    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= Self.maxLength, isLowerAlnum(first) else { return false }
        var index = 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "@") {
            let byte = bytes[index]
            guard isLowerAlnum(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "-")
            else { return false }
            index += 1
        }
        guard index < bytes.count else { return true }
        let suffix = bytes[(index + 1)...]
        return !suffix.isEmpty
            && suffix.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

/// An equity ticker: 1–10 characters of `A-Z`, `0-9`, `.`, `-`, starting with a letter (`SPY`, `BRK.B`).
public struct Symbol: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public static let pattern = "^[A-Z][A-Z0-9.-]{0,9}$"

    public init?(_ text: String) {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= 10, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"),
            bytes.allSatisfy({
                ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
            })
        else { return nil }
        self.rawValue = text
    }

    public var description: String { self.rawValue }

    public static func < (a: Symbol, b: Symbol) -> Bool {
        a.rawValue.utf8Precedes(b.rawValue)
    }
}
