/// Value accessors take the same bytes that were parsed (the tape stores offsets only). Each returns nil (or false)
/// when the token is of another kind; none of them allocates except `string` for strings longer than 15 bytes and
/// `double` on its rare slow path (more than 19 significant digits or a decimal exponent beyond ±22).
extension JSONTape {
    /// The token's text: for strings without the quotes and with escapes NOT resolved, for other kinds the whole
    /// token (containers from bracket to bracket).
    public func rawBytes(_ token: Int, in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let item = self.tokens[token]
        var start = Int(item.start)
        var end = Int(item.end)
        precondition(end <= bytes.count, "JSONTape: bytes are not the ones that were parsed")
        if item.kind == .string {
            start += 1
            end -= 1
        }
        return UnsafeBufferPointer(start: bytes.baseAddress.map { $0 + start }, count: end - start)
    }

    /// The unescaped text of a string token; nil if the token is not a string.
    public func string(_ token: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard self.tokens[token].kind == .string else { return nil }
        let raw = self.rawBytes(token, in: bytes)
        guard self.tokens[token].hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        // Unescaping never lengthens: every escape is at least as long as the UTF-8 it stands for.
        return String(unsafeUninitializedCapacity: raw.count) { buffer in
            JSONTapeParser.unescape(raw, into: buffer.baseAddress!)
        }
    }

    /// True when `keyToken` is a string whose unescaped UTF-8 bytes equal `key`'s.
    public func keyEquals(_ keyToken: Int, _ key: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        key.withUTF8Buffer { expected in self.keyBytesEqual(keyToken, expected, in: bytes) }
    }

    func keyBytesEqual(
        _ keyToken: Int, _ expected: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard self.tokens[keyToken].kind == .string else { return false }
        let raw = self.rawBytes(keyToken, in: bytes)
        guard self.tokens[keyToken].hasEscapes else { return Self.equal(raw, expected) }
        guard raw.count >= expected.count else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count) { buffer in
            let count = JSONTapeParser.unescape(raw, into: buffer.baseAddress!)
            return Self.equal(UnsafeBufferPointer(start: buffer.baseAddress, count: count), expected)
        }
    }

    @inline(__always)
    static func equal(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        return left.isEmpty || Self.equal(left.baseAddress!, right)
    }

    /// True when the `right.count` bytes at `left` equal `right`.
    @inline(__always)
    static func equal(_ left: UnsafePointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<right.count where left[index] != right[index] { return false }
        return true
    }

    /// A number token's value, correctly rounded; nil if the token is not a number or the value is not finite
    /// (e.g. "1e400"). Underflow gives a zero or a subnormal; "-0" and "-0.0" give -0.0.
    public func double(_ token: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard self.tokens[token].kind == .number else { return nil }
        let raw = self.rawBytes(token, in: bytes)
        if let exact = JSONTapeParser.exactDouble(raw) { return exact }
        // Slow path: the standard library's correctly rounded conversion (allocates beyond 15 bytes).
        guard let value = Double(String(decoding: raw, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    /// A number token's value if it is an integer written without fraction or exponent and fits in Int64; nil
    /// otherwise ("1.0", "1e2" and "9223372036854775808" are nil).
    public func int64(_ token: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard self.tokens[token].kind == .number else { return nil }
        let raw = self.rawBytes(token, in: bytes)
        let negative = raw[0] == UInt8(ascii: "-")
        // Accumulate negatively so Int64.min fits.
        var value: Int64 = 0
        for index in (negative ? 1 : 0)..<raw.count {
            let digit = raw[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// true or false for the literals; nil for any other kind.
    @inlinable
    public func bool(_ token: Int) -> Bool? {
        switch self.tokens[token].kind {
        case .true: true
        case .false: false
        default: nil
        }
    }
}

extension JSONTapeParser {
    /// Powers of ten that are exact in a Double.
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// Clinger's fast path for a valid JSON number: with at most 2^53 as the decimal significand and a decimal
    /// exponent within ±22, both operands are exact, so one IEEE multiplication or division rounds correctly. nil
    /// when the number is outside that range.
    static func exactDouble(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = raw.count
        var index = 0
        let negative = raw[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        var significand: UInt64 = 0
        var digits = 0
        var exponent = 0
        while index < count, isDigit(raw[index]) {
            let digit = raw[index] &- UInt8(ascii: "0")
            if digits > 0 || digit != 0 { digits += 1 }
            significand = significand &* 10 &+ UInt64(digit)
            index += 1
        }
        if index < count, raw[index] == UInt8(ascii: ".") {
            index += 1
            while index < count, isDigit(raw[index]) {
                let digit = raw[index] &- UInt8(ascii: "0")
                if digits > 0 || digit != 0 { digits += 1 }
                significand = significand &* 10 &+ UInt64(digit)
                exponent -= 1
                index += 1
            }
        }
        guard digits <= 19 else { return nil }  // the significand wrapped around
        if index < count {  // 'e' or 'E'
            index += 1
            let negativeExponent = raw[index] == UInt8(ascii: "-")
            if raw[index] == UInt8(ascii: "-") || raw[index] == UInt8(ascii: "+") { index += 1 }
            var explicit = 0
            while index < count {
                guard explicit < 100_000 else { return nil }
                explicit = explicit * 10 + Int(raw[index] &- UInt8(ascii: "0"))
                index += 1
            }
            exponent += negativeExponent ? -explicit : explicit
        }
        if significand == 0 { return negative ? -0.0 : 0.0 }
        guard significand <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        var value = Double(significand)
        value = exponent >= 0 ? value * exactPowersOfTen[exponent] : value / exactPowersOfTen[-exponent]
        return negative ? -value : value
    }

    /// Writes the UTF-8 of a validated string's raw text with escapes resolved; returns the byte count, which is at
    /// most `raw.count`.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var read = 0
        var written = 0
        let count = raw.count
        while read < count {
            let byte = raw[read]
            guard byte == backslash else {
                out[written] = byte
                written += 1
                read += 1
                continue
            }
            let escaped = raw[read + 1]
            read += 2
            let simple: UInt8
            switch escaped {
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "u"):
                let base = raw.baseAddress!
                var scalar = hex4(base, read, count)!
                read += 4
                if scalar >= 0xD800, scalar <= 0xDBFF {  // validated: a low surrogate escape follows
                    let low = hex4(base, read + 2, count)!
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    read += 6
                }
                written += encodeUTF8(scalar, into: out + written)
                continue
            default: simple = escaped  // '"', '\' and '/'
            }
            out[written] = simple
            written += 1
        }
        return written
    }

    @inline(__always)
    static func encodeUTF8(_ scalar: UInt32, into out: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            out[0] = UInt8(truncatingIfNeeded: scalar)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6)
            out[1] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12)
            out[1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
            out[2] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 3
        default:
            out[0] = UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18)
            out[1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F)
            out[2] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
            out[3] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 4
        }
    }
}
