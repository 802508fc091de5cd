import Runtime
import Testing

@Suite struct StringIdentityCacheTests {
    /// A lookup answers the remembered value or nil, never another string's value: small strings hit by contents,
    /// a long string hits through the same storage and misses through a separately built copy.
    @Test func answersOnlyWhatWasRememberedForTheSameBytes() {
        var cache = StringIdentityCache()
        let long = String(repeating: "SYMBOL", count: 6)
        cache.remember("AAPL", as: 0)
        cache.remember(long, as: 1)
        #expect(cache.value(for: "AAPL") == 0)
        #expect(cache.value(for: String("AAPLX".dropLast())) == 0)
        #expect(cache.value(for: long) == 1)
        #expect(cache.value(for: String(repeating: "SYMBOL", count: 6)) == nil)
        #expect(cache.value(for: "MSFT") == nil)
        // Remembering the same bytes again keeps the first value.
        cache.remember("AAPL", as: 7)
        #expect(cache.value(for: "AAPL") == 0)
    }

    /// Past half full it stops remembering; everything remembered before still answers correctly, and nothing else
    /// answers at all.
    @Test func stopsRememberingWhenHalfFull() {
        var cache = StringIdentityCache()
        let names = (0..<1_000).map { "S\($0)" }
        for (index, name) in names.enumerated() { cache.remember(name, as: index) }
        var hits = 0
        for (index, name) in names.enumerated() {
            guard let value = cache.value(for: name) else { continue }
            #expect(value == index)
            hits += 1
        }
        #expect(hits == 128)
        #expect(cache.value(for: "S1000") == nil)
    }

    /// `removeAll` forgets every value and frees the table for new ones.
    @Test func removeAllForgets() {
        var cache = StringIdentityCache()
        for index in 0..<200 { cache.remember("S\(index)", as: index) }
        cache.removeAll()
        #expect((0..<200).allSatisfy { cache.value(for: "S\($0)") == nil })
        for index in 0..<128 { cache.remember("T\(index)", as: index + 1) }
        #expect((0..<128).allSatisfy { cache.value(for: "T\($0)") == $0 + 1 })
    }

    /// `sameBytes` is byte equality, not `==`: canonically equivalent spellings differ, copies of a long name agree.
    @Test func sameBytesIsByteEquality() {
        #expect(StringIdentityCache.sameBytes("AAPL", "AAPL"))
        #expect(!StringIdentityCache.sameBytes("\u{C9}TF", "E\u{301}TF") && "\u{C9}TF" == "E\u{301}TF")
        #expect(StringIdentityCache.sameBytes(String(repeating: "LONG", count: 9), String(repeating: "LONG", count: 9)))
        #expect(!StringIdentityCache.sameBytes("K", "\u{212A}"))
        #expect(!StringIdentityCache.sameBytes("AAPL", "AAPM"))
    }
}
