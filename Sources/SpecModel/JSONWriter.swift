/// Why a `JSONValue` could not be written.
public enum JSONWriterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A `.double` was NaN or infinite; JSON has no spelling for them.
    case nonFiniteNumber

    public var description: String {
        switch self {
        case .nonFiniteNumber:
            "JSON cannot represent NaN or infinite numbers."
        }
    }
}

/// Serialises `JSONValue`s.
///
/// `canonical` is the single encoding that content hashes are computed over; changing any of its byte-level rules
/// changes every hash, so treat its output as a persisted format.
public enum JSONWriter {
    /// The canonical encoding: compact, object keys in UTF-8 byte order, decimals as strings of their canonical
    /// text, doubles in ECMAScript `Number::toString` form (as RFC 8785), minimal string escaping, raw UTF-8.
    ///
    /// Strings (including keys) are written with the Unicode scalars they hold; no normalisation is applied.
    public static func canonical(_ value: JSONValue) throws(JSONWriterError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        try writeCompact(value, to: &bytes)
        return bytes
    }

    /// Human-facing text with the same value rules and key order as `canonical`: 2-space indentation,
    /// `"key": value`, `[]`/`{}` for empty containers and a trailing newline.
    public static func pretty(_ value: JSONValue) throws(JSONWriterError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        try writePretty(value, depth: 0, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

// MARK: - Structure

extension JSONWriter {
    // Recursion depth equals nesting depth; specs and reports nest a few levels, and tests cover several hundred.
    private static func writeCompact(_ value: JSONValue, to bytes: inout [UInt8]) throws(JSONWriterError) {
        switch value {
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 {
                    bytes.append(UInt8(ascii: ","))
                }
                try writeCompact(element, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (position, member) in sortedMembers(members).enumerated() {
                if position > 0 {
                    bytes.append(UInt8(ascii: ","))
                }
                writeString(member.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                try writeCompact(member.value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        default:
            try writeScalar(value, to: &bytes)
        }
    }

    private static func writePretty(_ value: JSONValue, depth: Int, to bytes: inout [UInt8]) throws(JSONWriterError) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 {
                    bytes.append(UInt8(ascii: ","))
                }
                newline(depth: depth + 1, to: &bytes)
                try writePretty(element, depth: depth + 1, to: &bytes)
            }
            newline(depth: depth, to: &bytes)
            bytes.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            bytes.append(UInt8(ascii: "{"))
            for (position, member) in sortedMembers(members).enumerated() {
                if position > 0 {
                    bytes.append(UInt8(ascii: ","))
                }
                newline(depth: depth + 1, to: &bytes)
                writeString(member.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(UInt8(ascii: " "))
                try writePretty(member.value, depth: depth + 1, to: &bytes)
            }
            newline(depth: depth, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        default:
            // Empty containers are written compactly as `[]` / `{}`.
            try writeCompact(value, to: &bytes)
        }
    }

    private static func newline(depth: Int, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    /// Members ordered by the UTF-8 bytes of their keys (equivalently, by Unicode scalar value), never by
    /// `Dictionary` order or `String`'s `<`, which compares canonically-equivalent forms as equal.
    private static func sortedMembers(_ members: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        members.sorted { $0.key.utf8Precedes($1.key) }
    }
}

// MARK: - Scalars

extension JSONWriter {
    /// Appends one scalar exactly as `canonical` writes it, for hand-assembled lines on hot paths (whose callers
    /// must keep keys in canonical order themselves; tests compare such lines with `canonical`).
    /// - Precondition: `value` is not an array or object.
    public static func appendScalar(_ value: JSONValue, to bytes: inout [UInt8]) throws(JSONWriterError) {
        try writeScalar(value, to: &bytes)
    }

    // The scalar writers without a `JSONValue`: building one allocates (the enum is indirect), which on a
    // per-event line cost more than writing it.

    /// `appendScalar(.string(string))`.
    public static func appendString(_ string: String, to bytes: inout [UInt8]) {
        writeString(string, to: &bytes)
    }

    /// `appendScalar(.integer(integer))`.
    public static func appendInteger(_ integer: Int64, to bytes: inout [UInt8]) {
        if integer < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(integer.magnitude, minimumWidth: 1, to: &bytes)
    }

    /// `appendScalar(.decimal(decimal))`: a quoted canonical decimal.
    public static func appendDecimal(_ decimal: Decimal, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        decimal.appendCanonical(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    private static func writeScalar(_ value: JSONValue, to bytes: inout [UInt8]) throws(JSONWriterError) {
        switch value {
        case .null:
            bytes.append(literal: "null")
        case .bool(let flag):
            if flag { bytes.append(literal: "true") } else { bytes.append(literal: "false") }
        case .integer(let integer):
            appendInteger(integer, to: &bytes)
        case .decimal(let decimal):
            appendDecimal(decimal, to: &bytes)
        case .double(let double):
            try writeDouble(double, to: &bytes)
        case .string(let string):
            writeString(string, to: &bytes)
        case .array, .object:
            preconditionFailure("containers are written by the structural writers")
        }
    }

    /// Whether `byte` is escaped in a JSON string: `"`, `\` and C0 controls.
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Writes a JSON string: escapes `"`, `\` and C0 controls (short forms where JSON has them, else `\u00xx`);
    /// everything else, including non-ASCII and U+2028/U+2029, as raw UTF-8.
    private static func writeString(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, symbols, times) need no escape: copy them in one go.
        var contiguous = string
        let copied = contiguous.withUTF8 { buffer -> Bool in
            guard !buffer.contains(where: Self.needsEscape) else {
                return false
            }
            bytes.append(contentsOf: buffer)
            return true
        }
        if copied {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                bytes.append(literal: #"\""#)
            case UInt8(ascii: "\\"):
                bytes.append(literal: #"\\"#)
            case 0x08:
                bytes.append(literal: #"\b"#)
            case 0x09:
                bytes.append(literal: #"\t"#)
            case 0x0A:
                bytes.append(literal: #"\n"#)
            case 0x0C:
                bytes.append(literal: #"\f"#)
            case 0x0D:
                bytes.append(literal: #"\r"#)
            case 0x00..<0x20:
                bytes.append(literal: #"\u00"#)
                bytes.append(lowercaseHexDigit(byte >> 4))
                bytes.append(lowercaseHexDigit(byte & 0x0F))
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes a finite double as ECMAScript `Number::toString` does (RFC 8785 §3.2.2.3).
    ///
    /// The digits come from Swift's `description`, which is the shortest string that round-trips (closest to the
    /// exact value on ties), i.e. the digit string ECMAScript requires; only the layout is redone here.
    private static func writeDouble(_ double: Double, to bytes: inout [UInt8]) throws(JSONWriterError) {
        guard double.isFinite else { throw .nonFiniteNumber }
        if double == 0 {
            bytes.append(UInt8(ascii: "0"))  // Covers -0.0, which ECMAScript also prints as "0".
            return
        }
        if double < 0 {
            bytes.append(UInt8(ascii: "-"))
        }
        let (digits, pointPosition) = shortestDigits(of: double.magnitude)
        // value = 0.d₁d₂…d_k × 10^n, with k = digits.count and n = pointPosition.
        let k = digits.count
        let n = pointPosition
        if k <= n && n <= 21 {
            bytes.append(contentsOf: digits)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
        } else if 0 < n && n <= 21 {
            bytes.append(contentsOf: digits[..<n])
            bytes.append(UInt8(ascii: "."))
            bytes.append(contentsOf: digits[n...])
        } else if -6 < n && n <= 0 {
            bytes.append(literal: "0.")
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
            bytes.append(contentsOf: digits)
        } else {
            bytes.append(digits[0])
            if k > 1 {
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: digits[1...])
            }
            let exponent = n - 1
            bytes.append(UInt8(ascii: "e"))
            bytes.append(UInt8(ascii: exponent < 0 ? "-" : "+"))
            appendDigits(UInt64(exponent.magnitude), minimumWidth: 1, to: &bytes)
        }
    }

    /// Splits a positive finite double's shortest round-trip text into significant digits (no leading or trailing
    /// zeros) and the decimal point position `n` such that value = 0.digits × 10^n.
    private static func shortestDigits(of positive: Double) -> (digits: [UInt8], pointPosition: Int) {
        // Swift prints forms like "123.45", "100.0", "1e-07", "1.2345678901234568e+20".
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var integerDigitCount = 0
        var seenPoint = false
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for byte in positive.description.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                } else {
                    digits.append(byte)
                    if !seenPoint {
                        integerDigitCount += 1
                    }
                }
            case UInt8(ascii: "."):
                seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                inExponent = true
            case UInt8(ascii: "-"):
                exponentNegative = true
            default:
                break  // "+" of the exponent.
            }
        }
        var pointPosition = integerDigitCount + (exponentNegative ? -exponent : exponent)
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        pointPosition -= leadingZeros
        var significant = digits.dropFirst(leadingZeros)
        while significant.last == UInt8(ascii: "0") {
            significant.removeLast()
        }
        return (Array(significant), pointPosition)
    }
}

private func lowercaseHexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
}
