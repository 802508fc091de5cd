import SpecModel

/// The compact binary dataset of `ta.signals` records (`SignalRecord`): little-endian, columnar, in checksummed
/// blocks of up to 4096 rows, for replay at memory-bandwidth speed with memory flat in the file's length.
/// `docs/datasets.md` is the byte-level reference; this type holds its constants.
///
/// ```
/// file    = header(16) block* trailer footer(24)
/// header  = magic(8) "\x89TGSD\r\n\x1A" · version u32 (= 1) · flags u32 (= 0)
/// block   = rows u32 · payload length u32 · first event i64 · min event i64 · max event i64 · payload · XXH3-128(16)
/// trailer = rows u64 · blocks u64 · rows per block u32 · largest block u32 · min event i64 · max event i64
///           · symbols · timeframes · strings (each: count u32, then length u32 + UTF-8 bytes per entry) · XXH3-128(16)
/// footer  = trailer offset u64 · trailer length u64 · end magic(8) "TGSD-END"
/// ```
///
/// The dictionaries sit in the trailer because a streaming writer learns them only as rows arrive; a reader reads the
/// footer and trailer first (two `pread`s), then streams the blocks from byte 16.
///
/// Payload columns, in this order (`n` rows; `I(k)` = integer column, `P(k)` = presence, `D(k)` = doubles; see
/// `docs/datasets.md`): event-time deltas, ingest − event, symbol index, seq, timeframe index, is_final, version,
/// source, feature_schema_version, signal_quality_flag, window, macd, ema, rsi14, boll, vwap, imbalance,
/// vol_realized, close, microstructure_signal_v1.
public enum SignalDatasetFormat {
    /// The first 8 bytes of every dataset. The high first byte and CR LF SUB catch text-mode transfers, as PNG does.
    public static let magic: [UInt8] = [0x89, 0x54, 0x47, 0x53, 0x44, 0x0D, 0x0A, 0x1A]
    /// The last 8 bytes of every complete dataset (`TGSD-END`).
    public static let endMagic: [UInt8] = Array("TGSD-END".utf8)
    /// The one format version this code reads and writes. Any change to the layout is a new version.
    public static let version: UInt32 = 1

    public static let headerLength = 16
    public static let footerLength = 24
    public static let blockHeaderLength = 32
    public static let checksumLength = 16

    /// The most rows a block holds (the writer's default and the reader's limit).
    public static let maxRowsPerBlock = 4096

    /// Each dictionary holds at most this many entries.
    public static let maxDictionaryEntries = 1 << 20
    /// The dictionaries together hold at most this many bytes of text.
    public static let maxDictionaryBytes = 64 << 20

    /// `version` stored for a record whose `version` is nil (one past `Int32.max`).
    static let absentVersion: Int64 = Int64(Int32.max) + 1

    /// Presence modes of an optional group: no row, every row, or a bitmap of ceil(k/8) bytes (LSB first).
    enum Presence: UInt8 {
        case none = 0
        case all = 1
        case bitmap = 2
    }

    /// The largest payload a block of `rows` rows can have: every integer column 8 bytes wide, every group present.
    /// 9 bytes per integer column header, 1 + ceil(k/8) per presence.
    static func maxPayloadLength(rows: Int) -> Int {
        let integerColumns = 10 + 4 + 8  // row fields, window fields, microstructure strings
        let presences = 1 + 2 + 8 + 1 + 1 + 5  // window (+ start, end), 8 groups, vwap.w5m, microstructure (+ 5)
        let doubles = 3 + 2 + 1 + 3 + 2 + 5 + 1 + 1 + 5
        return integerColumns * (9 + 8 * rows) + presences * (1 + (rows + 7) / 8) + doubles * 8 * rows
    }

    /// The 16 checksum bytes of `bytes`: XXH3-128 (seed 0) in canonical big-endian order, as `xxhsum -H2` prints.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let hash = ContentHash.of(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for word in [hash.high, hash.low] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why a dataset could not be written or read. `byteOffset` is the file offset of the problem (the start of the
/// block, field or structure at fault); `block` the 0-based block index when the problem is inside one.
public struct DatasetError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The file cannot be opened, read or written.
        case io
        /// The file ends before its end marker, or a structure runs past the end.
        case truncated
        /// The file does not start with the dataset magic: not a signal dataset.
        case badMagic
        /// A format version (or flag) this build does not read.
        case unsupportedVersion
        /// A block's or the trailer's bytes do not match their checksum.
        case checksumMismatch
        /// The bytes pass their checksum but do not follow the layout (a writer bug or a crafted file).
        case corrupt
        /// A row refers to a symbol, timeframe or string the dictionaries do not hold.
        case indexOutOfRange
        /// The writer's dictionaries exceed their limits.
        case limitExceeded
    }

    public var kind: Kind
    public var path: String
    public var byteOffset: Int

    /// The diagnostic code it is reported with: I/O failures are unreadable input, the rest a damaged dataset.
    public var code: DiagnosticCode { self.kind == .io ? .unreadableInput : .damagedDataset }
    public var block: Int?
    public var message: String

    public init(_ kind: Kind, path: String, at byteOffset: Int, block: Int? = nil, _ message: String) {
        self.kind = kind
        self.path = path
        self.byteOffset = byteOffset
        self.block = block
        self.message = message
    }

    /// `block 3 at byte 123456: checksum mismatch (…)`, without the path.
    public var location: String {
        if let block { return "block \(block) at byte \(self.byteOffset)" }
        return "byte \(self.byteOffset)"
    }

    public var description: String { "\(self.path): \(self.location): \(self.message)" }
}

/// What the trailer says about a dataset: counts, event-time range and the dictionaries.
public struct SignalDatasetMetadata: Sendable, Hashable {
    public var version: UInt32
    public var rowCount: Int
    public var blockCount: Int
    /// Rows per full block (the last block may hold fewer).
    public var rowsPerBlock: Int
    /// The longest block in bytes (header, payload and checksum): the reader's one buffer.
    public var largestBlockLength: Int
    /// Event-time range of the rows (both 0 when there are none).
    public var minEventTime: Int64
    public var maxEventTime: Int64
    /// Symbol names in first-appearance order.
    public var symbols: [String]
    /// Timeframes in first-appearance order.
    public var timeframes: [String]
    /// Other strings (source, window size and step, feature_schema_version, signal_quality_flag, the strings of
    /// microstructure_signal_v1) in first-appearance order.
    public var strings: [String]
    /// Total file length in bytes.
    public var fileLength: Int
}
