import Runtime
import SpecCompiler
import SpecModel

/// Reads a binary signal dataset (`SignalDatasetFormat`, `docs/datasets.md`) block by block.
///
/// Streaming: the footer and trailer are read when the reader opens (two reads), then blocks are read in file order
/// into one buffer, sized once to the file's largest block, and decoded into reused columns. Memory stays flat
/// however long the file: `bufferCapacity` and `blockCapacity` never change after `init`.
///
/// Every block's checksum is verified before a byte of it is decoded, and every dictionary index is checked, so a
/// damaged file gives a `DatasetError` naming the block and byte offset, never garbage. After an error the reader
/// keeps throwing it.
public struct SignalDatasetReader {
    public let path: String
    public let metadata: SignalDatasetMetadata
    /// Rows per block: the most records one `nextBlock` returns.
    public var blockCapacity: Int { self.metadata.rowsPerBlock }
    /// Bytes of the one block buffer.
    public var bufferCapacity: Int { self.buffer.count }
    /// Blocks read and verified so far.
    public private(set) var blocksRead = 0
    /// Records handed out so far.
    public private(set) var recordsRead = 0

    private let source: ByteSource
    private var buffer: [UInt8]
    private var offset = SignalDatasetFormat.headerLength
    private let blocksEnd: Int
    private var rowsDecoded = 0
    private let columns: BlockColumns
    private var current: [SignalRecord] = []
    private var cursor = 0
    private var failure: DatasetError?
    private let symbols: [String]
    private let timeframes: [Timeframe]
    /// `strings` with nil in front: a string reference indexes it directly.
    private let references: [String?]

    /// Opens the dataset at `path`.
    public init(path: String) throws(DatasetError) {
        try self.init(source: try ByteSource(path: path))
    }

    /// Reads a dataset held in memory (`name` appears in errors).
    public init(bytes: [UInt8], name: String = "<memory>") throws(DatasetError) {
        try self.init(source: ByteSource(bytes: bytes, name: name))
    }

    private init(source: ByteSource) throws(DatasetError) {
        self.source = source
        self.path = source.name
        let (metadata, blocksEnd) = try Self.readTrailer(source)
        self.metadata = metadata
        self.blocksEnd = blocksEnd
        // 8 bytes of slack: the decoder loads integers 8 bytes at a time.
        self.buffer = [UInt8](repeating: 0, count: metadata.largestBlockLength + 8)
        self.columns = BlockColumns(capacity: metadata.rowsPerBlock)
        self.current.reserveCapacity(metadata.rowsPerBlock)
        self.symbols = metadata.symbols
        self.timeframes = metadata.timeframes.map(Timeframe.init(rawValue:))
        self.references = [nil] + metadata.strings
    }

    /// The next record; nil after the last.
    public mutating func next() throws(DatasetError) -> SignalRecord? {
        if self.cursor == self.current.count {
            var records: [SignalRecord] = []
            swap(&records, &self.current)
            defer { swap(&records, &self.current) }
            self.cursor = 0
            guard try self.readBlock(into: &records) else { return nil }
        }
        self.cursor += 1
        self.recordsRead += 1
        return self.current[self.cursor - 1]
    }

    /// Replaces `records` with the next block's records (or what `next()` left of the current one); false, with
    /// `records` empty, after the last. Faster than `next()`: no per-record call or copy, and the records already in
    /// the array are overwritten field by field rather than destroyed and rebuilt, so pass the same array each time.
    @discardableResult
    public mutating func nextBlock(into records: inout [SignalRecord]) throws(DatasetError) -> Bool {
        if self.cursor < self.current.count {
            records.replaceSubrange(records.indices, with: self.current[self.cursor...])
            self.recordsRead += self.current.count - self.cursor
            self.cursor = self.current.count
            return true
        }
        guard try self.readBlock(into: &records) else { return false }
        self.recordsRead += records.count
        return true
    }

    /// Reads and decodes every remaining block, discarding the records: checks every checksum and index.
    public mutating func verify() throws(DatasetError) {
        var records: [SignalRecord] = []
        records.reserveCapacity(self.blockCapacity)
        while try self.nextBlock(into: &records) {}
    }

    // MARK: Blocks

    private mutating func readBlock(into records: inout [SignalRecord]) throws(DatasetError) -> Bool {
        if let failure = self.failure { throw failure }
        do throws(DatasetError) {
            return try self.readBlockUnchecked(into: &records)
        } catch {
            self.failure = error
            records.removeAll(keepingCapacity: true)
            throw error
        }
    }

    private mutating func readBlockUnchecked(into records: inout [SignalRecord]) throws(DatasetError) -> Bool {
        let start = self.offset
        let index = self.blocksRead
        func fail(_ kind: DatasetError.Kind, _ message: String) -> DatasetError {
            DatasetError(kind, path: self.path, at: start, block: index, message)
        }
        if start == self.blocksEnd {
            records.removeAll(keepingCapacity: true)
            guard index == self.metadata.blockCount, self.rowsDecoded == self.metadata.rowCount else {
                throw DatasetError(
                    .corrupt, path: self.path, at: start,
                    "the blocks end after \(index) blocks and \(self.rowsDecoded) rows; the trailer says "
                        + "\(self.metadata.blockCount) blocks and \(self.metadata.rowCount) rows")
            }
            return false
        }
        let minimum = SignalDatasetFormat.blockHeaderLength + SignalDatasetFormat.checksumLength
        guard index < self.metadata.blockCount, self.blocksEnd - start >= minimum else {
            throw fail(.corrupt, "more blocks than the \(self.metadata.blockCount) the trailer declares")
        }
        let header = SignalDatasetFormat.blockHeaderLength
        let source = self.source
        try self.buffer.withMutableBytes { (raw) throws(DatasetError) in
            try source.read(at: start, count: header, into: raw.baseAddress!)
        }
        let rows = Int(self.buffer.loadLittleEndian(UInt32.self, at: 0))
        let payload = Int(self.buffer.loadLittleEndian(UInt32.self, at: 4))
        let length = header + payload + SignalDatasetFormat.checksumLength
        guard length <= self.metadata.largestBlockLength, length <= self.blocksEnd - start else {
            throw fail(
                .corrupt,
                "the block header declares \(payload) payload bytes, more than the largest block or the space before "
                    + "the trailer: the header is damaged")
        }
        try self.buffer.withMutableBytes { (raw) throws(DatasetError) in
            try source.read(at: start + header, count: length - header, into: raw.baseAddress! + header)
        }
        let stored = Array(self.buffer[(length - SignalDatasetFormat.checksumLength)..<length])
        let computed = self.buffer.withUnsafeBytes {
            SignalDatasetFormat.checksum(
                UnsafeRawBufferPointer(rebasing: $0[0..<(length - SignalDatasetFormat.checksumLength)]))
        }
        guard stored == computed else {
            throw fail(
                .checksumMismatch,
                "checksum mismatch (stored \(SignalDatasetFormat.hex(stored)), computed "
                    + "\(SignalDatasetFormat.hex(computed))): the block is damaged")
        }
        guard rows >= 1, rows <= self.metadata.rowsPerBlock, self.rowsDecoded + rows <= self.metadata.rowCount else {
            throw fail(
                .corrupt,
                "the block holds \(rows) rows, outside 1...\(self.metadata.rowsPerBlock) or past the row count")
        }
        let firstEventTime = self.buffer.loadLittleEndian(Int64.self, at: 8)
        // Records are reused: resized to the block, then every field overwritten.
        if records.count > rows {
            records.removeLast(records.count - rows)
        } else if records.count < rows {
            records.append(contentsOf: repeatElement(BlockColumns.template, count: rows - records.count))
        }
        let (columns, symbols, timeframes, references) = (self.columns, self.symbols, self.timeframes, self.references)
        try self.buffer.withBytes { (raw) throws(DatasetError) in
            var decoder = PayloadDecoder(
                base: raw.baseAddress!, position: header, end: header + payload, fileOffset: start, block: index,
                path: self.path)
            try records.withMutableRecords { (output) throws(DatasetError) in
                try columns.decode(
                    rows: rows, firstEventTime: firstEventTime, from: &decoder, into: output, symbols: symbols,
                    timeframes: timeframes, references: references)
            }
            guard decoder.position == decoder.end else {
                throw decoder.error(.corrupt, "\(decoder.end - decoder.position) bytes left after the last column")
            }
        }
        self.offset = start + length
        self.blocksRead += 1
        self.rowsDecoded += rows
        return true
    }

    // MARK: Header, footer, trailer

    private static func readTrailer(_ source: ByteSource) throws(DatasetError) -> (SignalDatasetMetadata, Int) {
        let size = source.size
        let path = source.name
        let magic = SignalDatasetFormat.magic
        let head = try source.bytes(at: 0, count: min(size, SignalDatasetFormat.headerLength))
        for (i, byte) in head.prefix(magic.count).enumerated() where byte != magic[i] {
            throw DatasetError(
                .badMagic, path: path, at: i, "not a torghut signal dataset (no dataset magic at byte 0)")
        }
        guard size >= SignalDatasetFormat.headerLength else {
            throw DatasetError(.truncated, path: path, at: size, "truncated: the file ends inside its 16-byte header")
        }
        let version = head.loadLittleEndian(UInt32.self, at: 8)
        guard version == SignalDatasetFormat.version else {
            throw DatasetError(
                .unsupportedVersion, path: path, at: 8,
                "unsupported format version \(version) (this torghut reads version \(SignalDatasetFormat.version)); "
                    + "convert the source data again or use a matching torghut")
        }
        let flags = head.loadLittleEndian(UInt32.self, at: 12)
        guard flags == 0 else {
            throw DatasetError(.unsupportedVersion, path: path, at: 12, "unsupported format flags \(flags)")
        }
        let footerStart = size - SignalDatasetFormat.footerLength
        guard footerStart >= SignalDatasetFormat.headerLength,
            try source.bytes(at: size - 8, count: 8) == SignalDatasetFormat.endMagic
        else {
            throw DatasetError(
                .truncated, path: path, at: size,
                "truncated: no end marker at byte \(size) (the file was cut short or not finished)")
        }
        let footer = try source.bytes(at: footerStart, count: 16)
        let trailerOffset = footer.loadLittleEndian(UInt64.self, at: 0)
        let trailerLength = footer.loadLittleEndian(UInt64.self, at: 8)
        let fixed = 40 + 12 + SignalDatasetFormat.checksumLength
        guard trailerOffset >= UInt64(SignalDatasetFormat.headerLength), trailerLength >= UInt64(fixed),
            trailerOffset <= UInt64(footerStart), trailerLength == UInt64(footerStart) - trailerOffset
        else {
            throw DatasetError(
                .corrupt, path: path, at: footerStart,
                "the footer's trailer position (\(trailerOffset), \(trailerLength) bytes) does not fit the file")
        }
        let start = Int(trailerOffset)
        let trailer = try source.bytes(at: start, count: Int(trailerLength))
        let body = trailer.count - SignalDatasetFormat.checksumLength
        let computed = trailer.withUnsafeBytes {
            SignalDatasetFormat.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<body]))
        }
        guard Array(trailer[body...]) == computed else {
            throw DatasetError(
                .checksumMismatch, path: path, at: start,
                "trailer checksum mismatch (stored \(SignalDatasetFormat.hex(trailer[body...])), computed "
                    + "\(SignalDatasetFormat.hex(computed))): the trailer is damaged")
        }
        var reader = TrailerReader(bytes: trailer, end: body, fileOffset: start, path: path)
        let rowCount = try reader.u64()
        let blockCount = try reader.u64()
        let rowsPerBlock = Int(try reader.u32())
        let largest = Int(try reader.u32())
        let minEvent = try reader.i64()
        let maxEvent = try reader.i64()
        // Every block takes at least 48 bytes, which bounds the counts before any arithmetic on them.
        guard blockCount <= UInt64(size / 48), rowCount <= blockCount * UInt64(SignalDatasetFormat.maxRowsPerBlock)
        else {
            throw DatasetError(
                .corrupt, path: path, at: start, "inconsistent trailer: \(rowCount) rows in \(blockCount) blocks")
        }
        let maxLargest =
            SignalDatasetFormat.blockHeaderLength + SignalDatasetFormat.maxPayloadLength(rows: rowsPerBlock)
            + SignalDatasetFormat.checksumLength
        guard (1...SignalDatasetFormat.maxRowsPerBlock).contains(rowsPerBlock),
            rowCount <= blockCount * UInt64(rowsPerBlock), blockCount <= rowCount,
            blockCount == 0 ? largest == 0 : (largest >= 48 && largest <= maxLargest),
            (blockCount == 0) == (start == SignalDatasetFormat.headerLength)
        else {
            throw DatasetError(
                .corrupt, path: path, at: start,
                "inconsistent trailer: \(rowCount) rows in \(blockCount) blocks of \(rowsPerBlock), largest \(largest) bytes"
            )
        }
        let symbols = try reader.dictionary("symbol")
        let timeframes = try reader.dictionary("timeframe")
        let strings = try reader.dictionary("string")
        guard reader.position == body else {
            throw DatasetError(
                .corrupt, path: path, at: start + reader.position, "unexpected bytes after the dictionaries")
        }
        let metadata = SignalDatasetMetadata(
            version: version, rowCount: Int(rowCount), blockCount: Int(blockCount), rowsPerBlock: rowsPerBlock,
            largestBlockLength: largest, minEventTime: minEvent, maxEventTime: maxEvent, symbols: symbols,
            timeframes: timeframes, strings: strings, fileLength: size)
        return (metadata, start)
    }
}
