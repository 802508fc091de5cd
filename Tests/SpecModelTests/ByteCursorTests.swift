import SpecModel
import Testing

@Suite struct ByteCursorTests {
    private static func compose(capacity: Int, _ body: (inout ByteCursor) -> Void) -> (bytes: [UInt8], fits: Bool) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var cursor = ByteCursor(UnsafeMutableBufferPointer(rebasing: buffer[..<capacity]))
            body(&cursor)
            return (Array(cursor.written), cursor.fits)
        }
    }

    @Test func writesWhatTheJSONWriterWrites() throws {
        let decimals = ["0", "-0.000000001", "123456.5", "9223372036.854775807", "-42", "0.05"].map { Decimal($0)! }
        for decimal in decimals {
            var expected: [UInt8] = []
            JSONWriter.appendDecimal(decimal, to: &expected)
            #expect(Self.compose(capacity: 64) { $0.putDecimal(decimal) }.bytes == expected, "\(decimal)")
        }
        for integer: Int64 in [0, 7, -7, 1_000_000, .max, .min + 1] {
            var expected: [UInt8] = []
            JSONWriter.appendInteger(integer, to: &expected)
            #expect(Self.compose(capacity: 64) { $0.putInteger(integer) }.bytes == expected)
        }
        #expect(Self.compose(capacity: 20) { $0.putDigits(7, minimumWidth: 3) }.bytes == Array("007".utf8))
    }

    /// A write that does not fit leaves `fits` false and writes nothing past the buffer: callers then take their
    /// general path. Numbers reserve room for their longest form (20 digits; a 21-byte decimal and its quotes), since
    /// they are written in place.
    @Test func refusesWhatDoesNotFit() {
        let full = Self.compose(capacity: 4) { cursor in
            cursor.put("abc")
            cursor.put("de")
            cursor.put("f")
        }
        #expect(full.bytes == Array("abc".utf8) && !full.fits)
        #expect(!Self.compose(capacity: 3) { $0.putInteger(-1234) }.fits)
        #expect(!Self.compose(capacity: 22) { $0.putDecimal(Decimal("1.5")!) }.fits)
        #expect(Self.compose(capacity: 23) { $0.putDecimal(Decimal("1.5")!) }.fits)
        #expect(!Self.compose(capacity: 19) { $0.putDigits(7) }.fits)
    }

    /// Digits (two per division, through a table) against the standard library's text, at every power of ten and its
    /// neighbours, the extremes and pseudo-random values of every length, with and without padding.
    @Test func digitsMatchTheStandardLibrary() {
        var values: [UInt64] = [0, 1, 9, 10, 11, 99, 100, 101, .max, .max - 1]
        var power: UInt64 = 1
        for _ in 0..<19 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for shift in stride(from: 0, through: 63, by: 1) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(state >> UInt64(shift))
        }
        for value in values {
            for width in [1, 3, 12, 20] {
                let text = String(value)
                let expected = String(repeating: "0", count: max(0, width - text.count)) + text
                let written = Self.compose(capacity: 20) { $0.putDigits(value, minimumWidth: width) }
                #expect(written.bytes == Array(expected.utf8), "\(value) width \(width)")
            }
        }
    }

    /// Canonical decimals with every count of trailing fraction zeros (the writer strips them four, two and one at a
    /// time).
    @Test func decimalsWithEveryCountOfTrailingZeros() throws {
        let texts = [
            "0.1", "0.01", "0.001", "0.0001", "0.00001", "0.000001", "0.0000001", "0.00000001", "0.000000001",
            "1.123456789", "1.12345678", "1.1234567", "1.123456", "1.12345", "1.1234", "1.123", "1.12", "1.1",
            "-404.89", "100000000", "-9223372036.854775807", "10.000000001",
        ]
        for text in texts {
            let decimal = try #require(Decimal(text))
            let written = Self.compose(capacity: 64) { $0.putDecimal(decimal) }
            #expect(written.bytes == Array("\"\(text)\"".utf8))
        }
    }
}
