internal import CXXHash

/// An XXH3-128 (seed 0) digest identifying content, e.g. a compiled spec's canonical JSON.
///
/// Invariant: `description` is the XXH128 canonical (big-endian) form, `high` then `low` as 16 lowercase hex digits
/// each, byte-for-byte what `xxhsum -H2` and Python's `xxhash.xxh3_128_hexdigest` print, so hashes can be checked
/// with independent tools. Ordering compares `high`, then `low` (the same as ordering the hex strings).
public struct ContentHash: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses exactly 32 hex digits (either case) in canonical order; nil otherwise.
    public init?(hex: String) {
        let utf8 = hex.utf8
        guard utf8.count == 32 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (position, byte) in utf8.enumerated() {
            guard let nibble = hexValue(byte) else { return nil }
            if position < 16 {
                high = high << 4 | UInt64(nibble)
            } else {
                low = low << 4 | UInt64(nibble)
            }
        }
        self.init(high: high, low: low)
    }

    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        self.appendHex(digits: 32, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the first `digits` (at most 32) lowercase hex digits of `description`.
    public func appendHex(digits: Int = 32, to bytes: inout [UInt8]) {
        for position in 0..<max(0, min(digits, 32)) {
            let word = position < 16 ? self.high : self.low
            let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (position % 16))) & 0x0F
            bytes.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
        }
    }

    public static func < (lhs: ContentHash, rhs: ContentHash) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

extension ContentHash {
    /// The hash of `bytes`.
    public static func of(bytes: [UInt8]) -> ContentHash {
        bytes.withUnsafeBytes { of($0) }
    }

    /// The hash of the bytes in `buffer`.
    public static func of(_ buffer: UnsafeRawBufferPointer) -> ContentHash {
        let digest = withNonNullBase(buffer) { base, count in
            XXH3_128bits_withSeed(base, count, 0)
        }
        return ContentHash(high: digest.high64, low: digest.low64)
    }

    /// The hash of `JSONWriter.canonical(value)`: the identity of a JSON document independent of formatting.
    public static func of(canonical value: JSONValue) throws(JSONWriterError) -> ContentHash {
        of(bytes: try JSONWriter.canonical(value))
    }
}

/// Incremental XXH3-128 (seed 0), for hashing large outputs chunk by chunk without holding them in memory.
///
/// Invariant: `finalize()` after any sequence of `update` calls equals `ContentHash.of` over the concatenated bytes,
/// whatever the chunking. It is a value type: copies are independent (the C state is copied on write).
public struct ContentHasher: Sendable {
    private var state: HashState

    public init() {
        state = HashState()
    }

    /// Appends `bytes` to the hashed content.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Appends the bytes in `buffer` to the hashed content.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard !buffer.isEmpty else { return }
        if !isKnownUniquelyReferenced(&state) {
            state = HashState(copying: state)
        }
        let result = XXH3_128bits_update(state.pointer, buffer.baseAddress, buffer.count)
        precondition(result == XXH_OK, "XXH3_128bits_update failed")
    }

    /// The hash of everything appended so far; the hasher stays usable for further updates.
    public func finalize() -> ContentHash {
        let digest = XXH3_128bits_digest(state.pointer)
        return ContentHash(high: digest.high64, low: digest.low64)
    }
}

/// Owns one `XXH3_state_t`; freed in `deinit`.
///
/// `@unchecked Sendable` is sound because `ContentHasher` mutates the state only while holding the sole reference
/// (copy-on-write), and `XXH3_128bits_digest` only reads it.
private final class HashState: @unchecked Sendable {
    let pointer: OpaquePointer

    init() {
        pointer = HashState.allocate()
        let result = XXH3_128bits_reset_withSeed(pointer, 0)
        precondition(result == XXH_OK, "XXH3_128bits_reset_withSeed failed")
    }

    init(copying other: HashState) {
        pointer = HashState.allocate()
        XXH3_copyState(pointer, other.pointer)
    }

    deinit {
        XXH3_freeState(pointer)
    }

    private static func allocate() -> OpaquePointer {
        guard let pointer = XXH3_createState() else { fatalError("XXH3_createState: out of memory") }
        return pointer
    }
}

/// Calls `body` with a non-null base address: xxHash's contract only allows NULL input for zero length, and an
/// empty Swift buffer may have a nil base, so hand it a valid dummy address instead.
private func withNonNullBase<R>(
    _ buffer: UnsafeRawBufferPointer, _ body: (UnsafeRawPointer, Int) -> R
) -> R {
    if let base = buffer.baseAddress {
        return body(base, buffer.count)
    }
    var dummy: UInt8 = 0
    return withUnsafeBytes(of: &dummy) { body($0.baseAddress!, 0) }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
