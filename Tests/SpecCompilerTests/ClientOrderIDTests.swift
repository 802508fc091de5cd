import SpecCompiler
import SpecModel
import Testing

@Suite struct ClientOrderIDTests {
    /// The id hashes the intent's canonical JSON: the bytes written directly must be `JSONWriter.canonical`'s, or
    /// every order id (and every golden) would change. Negative and extreme times, several ordinals and actions.
    @Test func hashesTheCanonicalIntent() throws {
        let hashes = [ContentHash(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210), ContentHash(high: 0, low: 1)]
        for hash in hashes {
            for symbol in ["AAPL", "BRK.B", "SPY"] {
                for time: Int64 in [0, 1_772_800_000_123_456_789, -1, .min, .max] {
                    for (action, ordinal) in [("buy", 0), ("sell", 3), ("buy", Int(Int32.max))] {
                        let intent: JSONValue = .object([
                            "strategy": .string(hash.description), "symbol": .string(symbol),
                            "event_time_ns": .integer(time), "action": .string(action),
                            "ordinal": .integer(Int64(ordinal)),
                        ])
                        let digest = try ContentHash.of(canonical: intent).description
                        let expected = "tg-\(hash.description.prefix(12))-\(digest.prefix(20))"
                        let made = ClientOrderID.make(
                            strategyHash: hash, symbol: try #require(Symbol(symbol)), eventTimeNanos: time,
                            action: action, ordinal: ordinal)
                        #expect(made == expected)
                    }
                }
            }
        }
    }
}
