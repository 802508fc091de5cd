/// Symbol name → dense id, for the per-signal lookup: a small open-addressing table keyed by an FNV-1a hash of the
/// UTF-8 bytes (tickers are a few ASCII bytes) and confirmed by string equality. Cheaper than `[String: Int]`, whose
/// seeded SipHash dominates a lookup of a short key; the table never exposes an order, so no determinism is at stake.
struct SymbolIndex: Sendable {
    /// Names by id.
    private var names: [String] = []
    /// Ids by slot, -1 when empty; a power of two at least twice the number of names.
    private var slots: [Int32] = [Int32](repeating: -1, count: 16)

    init() {}

    func id(of name: String) -> Int? {
        let mask = self.slots.count - 1
        var slot = Self.hash(name) & mask
        while true {
            let id = self.slots[slot]
            if id < 0 { return nil }
            if self.names[Int(id)] == name { return Int(id) }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `name` (not yet present) as the next id and returns it. Allocates when the table grows.
    mutating func insert(_ name: String) -> Int {
        precondition(self.id(of: name) == nil, "symbol \(name) is already indexed")
        let id = self.names.count
        self.names.append(name)
        if self.names.count * 2 > self.slots.count {
            self.slots = [Int32](repeating: -1, count: self.slots.count * 2)
            for (existing, existingName) in self.names.enumerated() { self.place(existingName, id: existing) }
        } else {
            self.place(name, id: id)
        }
        return id
    }

    private mutating func place(_ name: String, id: Int) {
        let mask = self.slots.count - 1
        var slot = Self.hash(name) & mask
        while self.slots[slot] >= 0 { slot = (slot + 1) & mask }
        self.slots[slot] = Int32(id)
    }

    private static func hash(_ name: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
