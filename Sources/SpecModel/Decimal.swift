/// An exact fixed-point decimal with nine fractional digits, used for money, prices and quantities.
///
/// Invariants:
/// - The value is `units × 10⁻⁹`; there is exactly one representation per value, so `0.00030` and `0.0003` are the
///   same `Decimal` (equality, hashing and ordering are those of `units`).
/// - `units` is never `Int64.min`: the range is symmetric (±9_223_372_036.854775807), so `negated` and `magnitude`
///   can never overflow.
/// - Floating point never enters: parsing, arithmetic and rounding are exact integer operations (`Int128`
///   intermediates), which is what makes spec hashes and simulation results reproducible.
public struct Decimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Number of fractional digits stored; fixed because it is part of every persisted value and hash.
    @inlinable public static var fractionDigits: Int { 9 }

    /// `10^fractionDigits`: the number of units in one whole.
    @inlinable public static var unitsPerWhole: Int64 { 1_000_000_000 }

    // Computed and inlinable rather than stored: a stored static is reached across modules through a lazy-init
    // accessor call, which the risk chain paid on every comparison with zero.
    @inlinable public static var zero: Decimal { Decimal(units: 0) }

    /// The value times 10⁹. Never `Int64.min`.
    public let units: Int64

    /// Wraps a raw unit count.
    ///
    /// - Precondition: `units != Int64.min` (traps otherwise; that one value would break the symmetric range).
    @inlinable
    public init(units: Int64) {
        precondition(units != .min, "Decimal units must not be Int64.min (range is symmetric)")
        self.units = units
    }

    /// Converts a whole number.
    ///
    /// - Precondition: `|integer| ≤ 9_223_372_036` (traps otherwise). Use `exactly(_:)` for untrusted input.
    public init(_ integer: Int) {
        guard let value = Decimal.exactly(integer) else {
            preconditionFailure("Decimal(\(integer)) is out of range")
        }
        self = value
    }

    /// Converts a whole number, or returns nil when it does not fit.
    public static func exactly(_ integer: Int) -> Decimal? {
        fromWide(Int128(integer) * Int128(unitsPerWhole))
    }

    /// Parses a decimal literal.
    ///
    /// Returns nil for anything `parse(_:)` rejects.
    public init?(_ text: String) {
        guard case .success(let value) = Decimal.parse(text[...]) else { return nil }
        self = value
    }

    /// Builds a value from a wide unit count, or nil when it lies outside the symmetric `Int64` range.
    static func fromWide(_ units: Int128) -> Decimal? {
        guard units >= -Int128(Int64.max), units <= Int128(Int64.max) else { return nil }
        return Decimal(units: Int64(units))
    }

    @inlinable
    public static func < (lhs: Decimal, rhs: Decimal) -> Bool {
        lhs.units < rhs.units
    }

    @inlinable
    public static func == (lhs: Decimal, rhs: Decimal) -> Bool {
        lhs.units == rhs.units
    }
}

// MARK: - Sign and magnitude

extension Decimal {
    @inlinable
    public var isZero: Bool { units == 0 }

    @inlinable
    public var isNegative: Bool { units < 0 }

    /// -1, 0 or 1.
    @inlinable
    public var signum: Int { units == 0 ? 0 : (units < 0 ? -1 : 1) }

    /// The additive inverse; never overflows because the range is symmetric.
    @inlinable
    public var negated: Decimal { Decimal(units: -units) }

    /// The absolute value; never overflows because the range is symmetric.
    @inlinable
    public var magnitude: Decimal { Decimal(units: units < 0 ? -units : units) }

    /// Nearest `Double`, for reports and charts only.
    ///
    /// Never hash, compare or persist this: it is lossy above 2⁵³ units and would break reproducibility.
    public var doubleValue: Double {
        // One correctly rounded division when the units are exact in a Double; otherwise let the
        // (correctly rounding) text parser do it to avoid double rounding.
        if units.magnitude <= 1 << 53 {
            return Double(units) / Double(Decimal.unitsPerWhole)
        }
        return Double(description) ?? Double(units) / Double(Decimal.unitsPerWhole)
    }
}

// MARK: - Canonical text

extension Decimal {
    /// Canonical text: no exponent, `-` only for negatives, fractional zeros and the dot stripped, `0` for zero.
    ///
    /// `Decimal.parse(d.description)` always returns `d`; this is the form written into canonical JSON.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendCanonical(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The longest canonical text, `-9223372036.854775807`.
    public static let maximumCanonicalLength = 21

    /// Appends `description`'s UTF-8 bytes without building a `String` (used by the JSON writer).
    func appendCanonical(to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Decimal.maximumCanonicalLength) { scratch in
            let count = self.writeCanonical(into: scratch)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count]))
        }
    }

    /// Writes `description`'s UTF-8 bytes at the start of `buffer` (at least `maximumCanonicalLength` long) and
    /// returns how many: the one canonical formatter behind `description`, the JSON writer and `ByteCursor`.
    public func writeCanonical(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        if self.units < 0 {
            buffer[0] = UInt8(ascii: "-")
            count = 1
        }
        let magnitude = self.units.magnitude
        let perWhole = UInt64(Decimal.unitsPerWhole)
        count += writeDigits(magnitude / perWhole, minimumWidth: 1, into: UnsafeMutableBufferPointer(rebasing: buffer[count...]))
        var fraction = magnitude % perWhole
        guard fraction != 0 else { return count }
        var width = Decimal.fractionDigits
        // At most 8 trailing zeros: strip four at a time, then two, then one.
        while fraction % 10_000 == 0 {
            fraction /= 10_000
            width -= 4
        }
        if fraction % 100 == 0 {
            fraction /= 100
            width -= 2
        }
        if fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        buffer[count] = UInt8(ascii: ".")
        count += 1
        count += writeDigits(fraction, minimumWidth: width, into: UnsafeMutableBufferPointer(rebasing: buffer[count...]))
        return count
    }
}

/// Writes the decimal digits of `value`, left-padded with zeros to `minimumWidth` (at most 20), at the start of
/// `buffer` (long enough for them) and returns how many.
func writeDigits(_ value: UInt64, minimumWidth: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
    let width = max(decimalDigitCount(value), min(minimumWidth, 20))
    let out = buffer.baseAddress!
    // Two digits per division, from the right, through a table of the pairs 00…99: event lines write several
    // numbers each, and one division per digit was most of their cost.
    let pairs = decimalDigitPairs.utf8Start
    var rest = value
    var index = width
    while rest >= 100 {
        let quotient = rest / 100
        let pair = Int(truncatingIfNeeded: rest &- quotient &* 100) &* 2
        index &-= 2
        out[index] = pairs[pair]
        out[index &+ 1] = pairs[pair &+ 1]
        rest = quotient
    }
    if rest >= 10 {
        let pair = Int(truncatingIfNeeded: rest) &* 2
        index -= 2
        out[index] = pairs[pair]
        out[index + 1] = pairs[pair + 1]
    } else {
        index -= 1
        out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
    }
    while index > 0 {
        index -= 1
        out[index] = UInt8(ascii: "0")
    }
    return width
}

/// How many decimal digits `value` has (1 for zero): a few comparisons with constants (a table of powers would
/// pay a lazy-initialisation check per call).
@inline(__always)
func decimalDigitCount(_ value: UInt64) -> Int {
    if value < 100_000 {
        if value < 100 { return value < 10 ? 1 : 2 }
        return value < 1_000 ? 3 : value < 10_000 ? 4 : 5
    }
    if value < 10_000_000_000 {
        if value < 10_000_000 { return value < 1_000_000 ? 6 : 7 }
        return value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10
    }
    var count = 11
    var bound: UInt64 = 100_000_000_000
    while count < 20, value >= bound {
        count += 1
        bound &*= 10
    }
    return count
}

/// "00", "01", … "99" back to back (a static string: its bytes are constant data, with no lazy initialisation).
private let decimalDigitPairs: StaticString = """
    00010203040506070809101112131415161718192021222324252627282930313233343536373839\
    40414243444546474849505152535455565758596061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899
    """

/// Appends the decimal digits of `value`, left-padded with zeros to `minimumWidth` (at most 20).
func appendDigits(_ value: UInt64, minimumWidth: Int, to bytes: inout [UInt8]) {
    // Written into a stack buffer and appended in one copy.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { scratch in
        let count = writeDigits(value, minimumWidth: minimumWidth, into: scratch)
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count]))
    }
}

// MARK: - Parsing

/// Why a decimal literal was rejected.
public enum DecimalParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not of the form `[+-]digits[.digits][(e|E)[+-]digits]` (with at least one mantissa digit).
    case malformed
    /// Non-zero digits below 10⁻⁹ after applying the exponent; rounding silently would hide a spec error.
    case tooManyFractionDigits
    /// Magnitude above 9_223_372_036.854775807.
    case outOfRange

    public var description: String {
        switch self {
        case .malformed:
            "The text is not a decimal number of the form [+-]digits[.digits][e[+-]digits]."
        case .tooManyFractionDigits:
            "The number has non-zero digits beyond the 9 supported fractional digits."
        case .outOfRange:
            "The number's magnitude exceeds 9223372036.854775807."
        }
    }
}

extension Decimal {
    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` exactly (`1.` and `.5` are accepted).
    ///
    /// Rejects whitespace, `_`, hex, `inf`/`nan`, non-zero digits below 10⁻⁹ and magnitudes beyond the range.
    /// Runs in one pass with O(1) memory, so arbitrarily long digit strings and exponents cannot crash or hang it.
    public static func parse(_ text: Substring) -> Result<Decimal, DecimalParseError> {
        let utf8 = text.utf8
        var index = utf8.startIndex
        let end = utf8.endIndex

        var negative = false
        if index < end, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
            negative = utf8[index] == UInt8(ascii: "-")
            index = utf8.index(after: index)
        }

        var mantissa = SignificandAccumulator()
        var integerDigitCount = 0
        while index < end, let digit = decimalDigit(utf8[index]) {
            mantissa.push(digit)
            integerDigitCount += 1
            index = utf8.index(after: index)
        }
        var fractionDigitCount = 0
        if index < end, utf8[index] == UInt8(ascii: ".") {
            index = utf8.index(after: index)
            while index < end, let digit = decimalDigit(utf8[index]) {
                mantissa.push(digit)
                fractionDigitCount += 1
                index = utf8.index(after: index)
            }
        }
        guard integerDigitCount + fractionDigitCount > 0 else { return .failure(.malformed) }

        var exponent = 0
        if index < end, utf8[index] == UInt8(ascii: "e") || utf8[index] == UInt8(ascii: "E") {
            index = utf8.index(after: index)
            var exponentNegative = false
            if index < end, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
                exponentNegative = utf8[index] == UInt8(ascii: "-")
                index = utf8.index(after: index)
            }
            var exponentDigitCount = 0
            while index < end, let digit = decimalDigit(utf8[index]) {
                // Saturate: any exponent this large already forces zero, outOfRange or tooManyFractionDigits.
                if exponent < exponentSaturation {
                    exponent = exponent * 10 + Int(digit)
                }
                exponentDigitCount += 1
                index = utf8.index(after: index)
            }
            guard exponentDigitCount > 0 else { return .failure(.malformed) }
            if exponentNegative {
                exponent = -exponent
            }
        }
        guard index == end else { return .failure(.malformed) }

        if mantissa.isZero {
            return .success(.zero)
        }
        // value = significand × 10^(exponent − fractionDigitCount + trailingZeros); units = value × 10^9.
        let shift = fractionDigits + exponent - fractionDigitCount + mantissa.trailingZeros
        if shift < 0 {
            return .failure(.tooManyFractionDigits)
        }
        // The significand has no trailing zeros, so 20+ significant digits always exceed Int64.max units.
        if mantissa.overflowed || mantissa.digitCount + shift > 19 {
            return .failure(.outOfRange)
        }
        let magnitude = UInt128(mantissa.significand) * UInt128(powerOfTen(shift))
        guard magnitude <= UInt128(Int64.max) else { return .failure(.outOfRange) }
        let units = Int64(magnitude)
        return .success(Decimal(units: negative ? -units : units))
    }

    /// Exponent magnitudes are clamped here; far beyond any input length, far below `Int` overflow.
    private static let exponentSaturation = 1 << 40
}

/// Collects mantissa digits in O(1) space: the significand without leading/trailing zeros (while it fits in 19
/// digits) and the count of trailing zeros seen after its last non-zero digit.
private struct SignificandAccumulator {
    /// Significant digits from the first to the last non-zero digit; valid only while `!overflowed`.
    var significand: UInt64 = 0
    /// Number of digits in `significand` (0 until a non-zero digit is seen).
    var digitCount = 0
    /// Zeros after the last non-zero digit; they scale the value but are not (yet) part of `significand`.
    var trailingZeros = 0
    /// Set once the significant digits exceed 19, which already rules out every representable value.
    var overflowed = false

    var isZero: Bool { digitCount == 0 && !overflowed }

    mutating func push(_ digit: UInt8) {
        if digit == 0 {
            if !isZero {
                trailingZeros += 1
            }
            return
        }
        let newCount = digitCount + trailingZeros + 1
        if overflowed || newCount > 19 {
            overflowed = true
        } else {
            significand = significand * powerOfTen(trailingZeros + 1) + UInt64(digit)
            digitCount = newCount
        }
        trailingZeros = 0
    }
}

private func decimalDigit(_ byte: UInt8) -> UInt8? {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
}

/// `10^exponent` for `0 ≤ exponent ≤ 19`.
func powerOfTen(_ exponent: Int) -> UInt64 {
    precondition(exponent >= 0 && exponent <= 19, "powerOfTen out of range")
    var result: UInt64 = 1
    for _ in 0..<exponent {
        result &*= 10
    }
    return result
}
