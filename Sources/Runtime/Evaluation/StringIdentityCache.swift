/// Small integers remembered for strings by their 16 raw bytes, in front of a slower lookup by contents.
///
/// A hit costs two multiplies and a comparison of two words, where hashing a name's UTF-8 and comparing contents costs
/// ten times more; a replay looks up the same few symbol names for every signal. Equal bytes are the same string: a
/// small string's bytes are its contents, and a large one's name its storage, which the copy kept here holds alive
/// and (being shared) unchangeable. Equal strings with different bytes (two separately built copies of a long name)
/// just miss, and the caller takes its slow path; so do strings met after the table is half full.
public struct StringIdentityCache: Sendable {
    private static let slotCount = 256
    /// Per slot: the string (kept so its storage lives), its two words, and the value (-1 when empty).
    private var keys: [String]
    private var words: [UInt64]
    private var values: [Int32]
    private var used = 0

    public init() {
        // A string is two words on the 64-bit targets this runs on; `words(of:)` reads them.
        precondition(MemoryLayout<String>.size == 16, "StringIdentityCache needs 16-byte strings")
        self.keys = [String](repeating: "", count: Self.slotCount)
        self.words = [UInt64](repeating: 0, count: 2 * Self.slotCount)
        self.values = [Int32](repeating: -1, count: Self.slotCount)
    }

    /// Whether `a` and `b` have the same UTF-8 bytes (not `==`, which is canonical equivalence); the same 16 raw
    /// bytes answer without reading the text.
    @inline(__always)
    public static func sameBytes(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Self.words(of: a), Self.words(of: b))
        return (x.0 == y.0 && x.1 == y.1) || a.utf8.elementsEqual(b.utf8)
    }

    @inline(__always)
    private static func words(of string: String) -> (UInt64, UInt64) {
        unsafeBitCast(string, to: (UInt64, UInt64).self)
    }

    @inline(__always)
    private static func slot(_ words: (UInt64, UInt64)) -> Int {
        // The top byte of a multiplicative hash of both words: 256 slots.
        Int(truncatingIfNeeded: (((words.0 &* 0x9E37_79B9_7F4A_7C15) ^ words.1) &* 0xBF58_476D_1CE4_E5B9) >> 56)
    }

    /// The value remembered for `string`'s bytes, or nil.
    @inline(__always)
    public func value(for string: String) -> Int? {
        let key = Self.words(of: string)
        var slot = Self.slot(key)
        while true {
            let value = self.values[slot]
            if value < 0 { return nil }
            if self.words[2 &* slot] == key.0, self.words[2 &* slot &+ 1] == key.1 { return Int(value) }
            slot = (slot &+ 1) & (Self.slotCount - 1)
        }
    }

    /// Remembers `value` (0...Int32.max) for `string`'s bytes, unless they are remembered already or the table is
    /// half full (then lookups of new strings keep missing; the table never grows, so it never allocates).
    public mutating func remember(_ string: String, as value: Int) {
        guard self.used < Self.slotCount / 2, let value = Int32(exactly: value), value >= 0 else { return }
        let key = Self.words(of: string)
        var slot = Self.slot(key)
        while self.values[slot] >= 0 {
            if self.words[2 * slot] == key.0, self.words[2 * slot + 1] == key.1 { return }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
        self.keys[slot] = string
        self.words[2 * slot] = key.0
        self.words[2 * slot + 1] = key.1
        self.values[slot] = value
        self.used += 1
    }

    /// Forgets everything (keeping the table's storage).
    public mutating func removeAll() {
        guard self.used > 0 else { return }
        for slot in 0..<Self.slotCount where self.values[slot] >= 0 {
            self.values[slot] = -1
            self.keys[slot] = ""
        }
        self.used = 0
    }
}
