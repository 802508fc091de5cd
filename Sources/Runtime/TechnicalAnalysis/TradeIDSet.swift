/// The trade ids of a stream's open buckets, for dropping duplicate deliveries (at-least-once upstream).
///
/// Open addressing with linear probing over (symbol, id). An entry stays meaningful while its bucket is open
/// (`second` not yet closed); closed entries are stale and are reused or purged by a rebuild. Inserting is O(1)
/// amortized; storage grows only when more trades are open at once than ever before.
struct TradeIDSet: Sendable {
    private struct Entry: Sendable {
        var symbol: Int32 = -1  // -1: never used
        var id: Int64 = 0
        var second: Int64 = 0
    }

    private var entries: [Entry]
    private var used = 0  // entries ever written since the last rebuild (live + stale)

    init(capacity: Int = 1024) {
        self.entries = Array(repeating: Entry(), count: capacity)
    }

    /// Records (symbol, id) for a trade in bucket `second`; false when it is already recorded in an open bucket.
    /// `isOpen(second)` says whether a recorded entry's bucket is still open.
    mutating func insert(symbol: Int32, id: Int64, second: Int64, isOpen: (Int64) -> Bool) -> Bool {
        if self.used * 2 >= self.entries.count { self.rebuild(isOpen: isOpen) }
        let mask = self.entries.count - 1
        var index = Self.hash(symbol: symbol, id: id) & mask
        var reusable = -1
        while self.entries[index].symbol != -1 {
            let entry = self.entries[index]
            if isOpen(entry.second) {
                if entry.symbol == symbol && entry.id == id { return false }
            } else if reusable < 0 {
                reusable = index
            }
            index = (index + 1) & mask
        }
        if reusable >= 0 {
            index = reusable
        } else {
            self.used += 1
        }
        self.entries[index] = Entry(symbol: symbol, id: id, second: second)
        return true
    }

    /// Drops stale entries; doubles the table while live entries would fill more than a quarter of it.
    private mutating func rebuild(isOpen: (Int64) -> Bool) {
        let live = self.entries.filter { $0.symbol != -1 && isOpen($0.second) }
        var capacity = self.entries.count
        while live.count * 4 >= capacity { capacity *= 2 }
        self.entries = Array(repeating: Entry(), count: capacity)
        self.used = live.count
        let mask = capacity - 1
        for entry in live {
            var index = Self.hash(symbol: entry.symbol, id: entry.id) & mask
            while self.entries[index].symbol != -1 { index = (index + 1) & mask }
            self.entries[index] = entry
        }
    }

    @inline(__always)
    private static func hash(symbol: Int32, id: Int64) -> Int {
        // SplitMix64's finalizer: cheap and well mixed; deterministic (no per-process seed).
        var z = UInt64(bitPattern: id) &+ UInt64(UInt32(bitPattern: symbol)) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: z ^ (z >> 31))
    }
}
