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
        let plain = Self.compose(capacity: 64) { $0.putPlainJSONString("AAPL") }
        #expect(plain.bytes == Array(#""AAPL""#.utf8) && plain.fits)
        #expect(Self.compose(capacity: 20) { $0.putDigits(7, minimumWidth: 3) }.bytes == Array("007".utf8))
    }

    /// A write that does not fit, or a string that needs escapes, leaves `fits` false and writes nothing past the
    /// buffer: callers then take their general path. Numbers reserve room for their longest form (20 digits; a
    /// 21-byte decimal and its quotes), since they are written in place.
    @Test func refusesWhatDoesNotFit() {
        let full = Self.compose(capacity: 4) { cursor in
            cursor.put("abc")
            cursor.put("de")
            cursor.put("f")
        }
        #expect(full.bytes == Array("abc".utf8) && !full.fits)
        #expect(!Self.compose(capacity: 64) { $0.putPlainJSONString("a\"b") }.fits)
        #expect(!Self.compose(capacity: 64) { $0.putPlainJSONString("tab\there") }.fits)
        #expect(!Self.compose(capacity: 3) { $0.putInteger(-1234) }.fits)
        #expect(!Self.compose(capacity: 22) { $0.putDecimal(Decimal("1.5")!) }.fits)
        #expect(Self.compose(capacity: 23) { $0.putDecimal(Decimal("1.5")!) }.fits)
        #expect(!Self.compose(capacity: 19) { $0.putDigits(7) }.fits)
    }
}
