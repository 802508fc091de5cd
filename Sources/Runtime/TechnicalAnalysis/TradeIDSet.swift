/// The trade ids seen recently, for dropping duplicate deliveries (at-least-once upstream).
///
/// Two open-addressing tables, each holding the trades of one *epoch* of `epochSeconds` whole seconds (at least the
/// open-bucket window, so every open bucket lies in the current or the previous epoch). A trade is looked up in its
/// epoch's table and the one before, and inserted into its own; when a newer epoch starts, the older table is
/// cleared and reused. So a duplicate is caught whenever it arrives within `epochSeconds` of the original, there is
/// no tombstone or rebuild, and memory grows only when an epoch holds more trades than any before. Entries are 16
/// bytes, so the tables stay cache-friendly.
struct TradeIDSet: Sendable {
    private struct Entry: Sendable {
        var id: Int64 = 0
        var symbol: Int32 = -1  // -1: empty
    }

    private struct Table: Sendable {
        var entries: [Entry]
        var epoch: Int64 = .min
        var count = 0

        init(capacity: Int) {
            self.entries = Array(repeating: Entry(), count: capacity)
        }

        @inline(__always)
        func contains(symbol: Int32, id: Int64, hash: Int) -> Bool {
            self.entries.withUnsafeBufferPointer { table in
                let mask = table.count - 1
                var index = hash & mask
                while table[index].symbol != -1 {
                    if table[index].id == id && table[index].symbol == symbol { return true }
                    index = (index + 1) & mask
                }
                return false
            }
        }

        /// Inserts a key known to be absent.
        @inline(__always)
        mutating func insert(symbol: Int32, id: Int64, hash: Int) {
            if (self.count + 1) * 2 > self.entries.count { self.grow() }
            self.count += 1
            self.entries.withUnsafeMutableBufferPointer { table in
                let mask = table.count - 1
                var index = hash & mask
                while table[index].symbol != -1 { index = (index + 1) & mask }
                table[index] = Entry(id: id, symbol: symbol)
            }
        }

        mutating func reset(epoch: Int64) {
            if self.count > 0 {
                self.entries.withUnsafeMutableBufferPointer { table in
                    for index in table.indices { table[index].symbol = -1 }
                }
            }
            self.count = 0
            self.epoch = epoch
        }

        private mutating func grow() {
            let old = self.entries
            self.entries = Array(repeating: Entry(), count: old.count * 2)
            self.count = 0
            for entry in old where entry.symbol != -1 {
                self.insert(symbol: entry.symbol, id: entry.id, hash: TradeIDSet.hash(symbol: entry.symbol, id: entry.id))
            }
        }
    }

    let epochSeconds: Int64
    private let epochShift: Int64
    private var tables: (Table, Table)

    /// - Parameter epochSeconds: a power of two (epochs are found by a shift, not a division).
    init(epochSeconds: Int64, capacity: Int = 4096) {
        precondition(epochSeconds > 0 && epochSeconds & (epochSeconds - 1) == 0, "epochs are powers of two")
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "capacity must be a power of two")
        self.epochSeconds = epochSeconds
        self.epochShift = Int64(epochSeconds.trailingZeroBitCount)
        self.tables = (Table(capacity: capacity), Table(capacity: capacity))
    }

    /// Records (symbol, id) of a trade in bucket `second`; false when it was already recorded in this epoch or the
    /// previous one. `second` must lie in the newest or the previous epoch seen (late trades are dropped before).
    @inline(__always)
    mutating func insert(symbol: Int32, id: Int64, second: Int64) -> Bool {
        let epoch = second >> self.epochShift  // arithmetic shift: floor division for negative seconds too
        let hash = Self.hash(symbol: symbol, id: id)
        if self.tables.0.epoch != epoch && self.tables.1.epoch != epoch {
            // A new epoch replaces the older of the two tables.
            if self.tables.0.epoch < self.tables.1.epoch {
                self.tables.0.reset(epoch: epoch)
            } else {
                self.tables.1.reset(epoch: epoch)
            }
        }
        if self.tables.0.epoch >= epoch - 1 && self.tables.0.contains(symbol: symbol, id: id, hash: hash) { return false }
        if self.tables.1.epoch >= epoch - 1 && self.tables.1.contains(symbol: symbol, id: id, hash: hash) { return false }
        if self.tables.0.epoch == epoch {
            self.tables.0.insert(symbol: symbol, id: id, hash: hash)
        } else {
            self.tables.1.insert(symbol: symbol, id: id, hash: hash)
        }
        return true
    }

    @inline(__always)
    static func hash(symbol: Int32, id: Int64) -> Int {
        // SplitMix64's finalizer: cheap and well mixed; deterministic (no per-process seed).
        var z = UInt64(bitPattern: id) &+ UInt64(UInt32(bitPattern: symbol)) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: z ^ (z >> 31))
    }
}
