import Runtime
import SpecCompiler
import SpecModel

/// Writes `SignalRecord`s as a binary signal dataset (`SignalDatasetFormat`, `docs/datasets.md`), streaming: one
/// block of rows is pending at a time, so memory stays flat however many records pass through.
///
/// To a file, the bytes go to `PATH.partial` through a `BufferedFileWriter`; `finish()` renames it to `PATH`, and
/// `discard()` removes it, so a reader never sees a half-written dataset. In memory (`init(rowsPerBlock:)`), `bytes`
/// holds the dataset after `finish()`.
///
/// Deterministic: the same records in the same order give the same bytes. Every field of every record is kept;
/// doubles are stored as their bit patterns (so -0.0, subnormals and NaN payloads survive).
public struct SignalDatasetWriter {
    public struct Summary: Sendable, Hashable {
        public var rows: Int
        public var blocks: Int
        public var bytes: Int
        public var symbols: Int
        public var timeframes: Int
        public var strings: Int
    }

    private enum Sink {
        case file(BufferedFileWriter, partial: String, final: String)
        case memory
    }

    /// Where the dataset goes: the final path, or `<memory>`.
    public let path: String
    public let rowsPerBlock: Int
    /// The dataset, for an in-memory writer after `finish()`.
    public private(set) var bytes: [UInt8] = []

    private var sink: Sink
    private var pending: [SignalRecord] = []
    /// Dictionary references of the pending rows, `RefSlot.count` per row.
    private var refs: [Int64] = []
    private var encoder = ColumnEncoder()
    private var symbols = InternTable()
    private var timeframes = InternTable()
    private var strings = InternTable()
    private var rowCount = 0
    private var blockCount = 0
    private var largestBlock = 0
    private var minEventTime = Int64.max
    private var maxEventTime = Int64.min
    private var offset = 0
    private var finished = false

    /// A writer to `path` (through `path.partial`).
    public init(path: String, rowsPerBlock: Int = SignalDatasetFormat.maxRowsPerBlock) throws(DatasetError) {
        precondition((1...SignalDatasetFormat.maxRowsPerBlock).contains(rowsPerBlock))
        let partial = path + ".partial"
        do {
            self.sink = .file(try BufferedFileWriter(path: partial), partial: partial, final: path)
        } catch {
            throw DatasetError(.io, path: path, at: 0, "cannot write: \(error.reason)")
        }
        self.path = path
        self.rowsPerBlock = rowsPerBlock
        try self.start()
    }

    /// A writer to memory (`bytes`).
    public init(rowsPerBlock: Int = SignalDatasetFormat.maxRowsPerBlock) {
        precondition((1...SignalDatasetFormat.maxRowsPerBlock).contains(rowsPerBlock))
        self.sink = .memory
        self.path = "<memory>"
        self.rowsPerBlock = rowsPerBlock
        try! self.start()  // memory writes cannot fail
    }

    /// The dataset bytes of `records`.
    public static func encode(
        _ records: some Sequence<SignalRecord>, rowsPerBlock: Int = SignalDatasetFormat.maxRowsPerBlock
    ) throws(DatasetError) -> [UInt8] {
        var writer = SignalDatasetWriter(rowsPerBlock: rowsPerBlock)
        for record in records { try writer.append(record) }
        _ = try writer.finish()
        return writer.bytes
    }

    private mutating func start() throws(DatasetError) {
        var header = SignalDatasetFormat.magic
        header.appendLittleEndian(SignalDatasetFormat.version)
        header.appendLittleEndian(UInt32(0))
        try self.emit(header)
        self.pending.reserveCapacity(self.rowsPerBlock)
        self.refs.reserveCapacity(self.rowsPerBlock * RefSlot.count)
    }

    public mutating func append(_ record: SignalRecord) throws(DatasetError) {
        precondition(!self.finished, "SignalDatasetWriter: append after finish")
        // Interned in this fixed field order, so dictionaries list names in first-appearance order.
        self.refs.append(try self.intern(record.symbol, in: .symbols))
        self.refs.append(try self.intern(record.timeframe.rawValue, in: .timeframes))
        self.refs.append(try self.reference(record.source))
        self.refs.append(try self.reference(record.featureSchemaVersion))
        self.refs.append(try self.reference(record.signalQualityFlag))
        self.refs.append(try self.reference(record.window?.size))
        self.refs.append(try self.reference(record.window?.step))
        if let m = record.microstructureSignalV1 {
            for text in [
                m.schemaVersion, m.symbol, m.horizon, m.uncertaintyBand, m.featureQualityStatus, m.artifactModelID,
                m.artifactFeatureSchemaVersion, m.artifactTrainingRunID,
            ] {
                self.refs.append(try self.reference(text))
            }
        } else {
            for _ in 0..<8 { self.refs.append(0) }
        }
        self.pending.append(record)
        self.minEventTime = min(self.minEventTime, record.eventTime)
        self.maxEventTime = max(self.maxEventTime, record.eventTime)
        if self.pending.count == self.rowsPerBlock { try self.flushBlock() }
    }

    /// Writes the last block, the trailer and the footer; for a file, publishes it under its final name.
    @discardableResult
    public mutating func finish() throws(DatasetError) -> Summary {
        precondition(!self.finished, "SignalDatasetWriter: finish twice")
        self.finished = true
        if !self.pending.isEmpty { try self.flushBlock() }
        let trailerOffset = self.offset
        var trailer: [UInt8] = []
        trailer.appendLittleEndian(UInt64(self.rowCount))
        trailer.appendLittleEndian(UInt64(self.blockCount))
        trailer.appendLittleEndian(UInt32(self.rowsPerBlock))
        trailer.appendLittleEndian(UInt32(self.largestBlock))
        trailer.appendLittleEndian(self.rowCount == 0 ? 0 : self.minEventTime)
        trailer.appendLittleEndian(self.rowCount == 0 ? 0 : self.maxEventTime)
        for table in [self.symbols, self.timeframes, self.strings] {
            trailer.appendLittleEndian(UInt32(table.names.count))
            for name in table.names {
                trailer.appendLittleEndian(UInt32(name.utf8.count))
                trailer.append(contentsOf: name.utf8)
            }
        }
        trailer += trailer.withUnsafeBytes { SignalDatasetFormat.checksum($0) }
        try self.emit(trailer)
        var footer: [UInt8] = []
        footer.appendLittleEndian(UInt64(trailerOffset))
        footer.appendLittleEndian(UInt64(trailer.count))
        footer += SignalDatasetFormat.endMagic
        try self.emit(footer)
        if case .file(let writer, let partial, let final) = self.sink {
            do {
                try writer.close()
            } catch {
                FileSystem.remove(partial)
                throw DatasetError(.io, path: self.path, at: self.offset, "cannot write: \(error.reason)")
            }
            if case .failure(let failure) = FileSystem.rename(partial, to: final) {
                FileSystem.remove(partial)
                throw DatasetError(.io, path: self.path, at: 0, "cannot rename \(partial): \(failure.reason)")
            }
        }
        return Summary(
            rows: self.rowCount, blocks: self.blockCount, bytes: self.offset, symbols: self.symbols.names.count,
            timeframes: self.timeframes.names.count, strings: self.strings.names.count)
    }

    /// Abandons the dataset: removes `PATH.partial` (an existing `PATH` is left untouched).
    public mutating func discard() {
        self.finished = true
        if case .file(let writer, let partial, _) = self.sink {
            try? writer.close()
            FileSystem.remove(partial)
        }
        self.pending.removeAll()
        self.bytes.removeAll()
    }

    // MARK: Dictionaries

    private enum Table {
        case symbols, timeframes, strings
    }

    private mutating func intern(_ text: String, in table: Table) throws(DatasetError) -> Int64 {
        let total = self.symbols.byteCount + self.timeframes.byteCount + self.strings.byteCount
        let id: Int?
        switch table {
        case .symbols: id = self.symbols.id(text, totalBytes: total)
        case .timeframes: id = self.timeframes.id(text, totalBytes: total)
        case .strings: id = self.strings.id(text, totalBytes: total)
        }
        guard let id else {
            throw DatasetError(
                .limitExceeded, path: self.path, at: self.offset,
                "more than \(SignalDatasetFormat.maxDictionaryEntries) distinct names or "
                    + "\(SignalDatasetFormat.maxDictionaryBytes) bytes of dictionary text")
        }
        return Int64(id)
    }

    /// A string reference: 0 for nil, k + 1 for `strings[k]`.
    private mutating func reference(_ text: String?) throws(DatasetError) -> Int64 {
        guard let text else { return 0 }
        return try self.intern(text, in: .strings) + 1
    }

    // MARK: Blocks

    private mutating func flushBlock() throws(DatasetError) {
        let records = self.pending
        let refs = self.refs
        let n = records.count
        var e = ColumnEncoder()
        swap(&e, &self.encoder)
        defer { swap(&e, &self.encoder) }
        e.begin(rows: n, firstEventTime: records[0].eventTime)

        var previous = records[0].eventTime
        e.integers(n) { (i: Int) -> Int64 in
            defer { previous = records[i].eventTime }
            return records[i].eventTime &- previous
        }
        e.integers(n) { records[$0].ingestTime &- records[$0].eventTime }
        e.integers(n) { refs[$0 * RefSlot.count + RefSlot.symbol] }
        e.integers(n) { records[$0].seq }
        e.integers(n) { refs[$0 * RefSlot.count + RefSlot.timeframe] }
        e.integers(n) { records[$0].isFinal.map { $0 ? 2 : 1 } ?? 0 }
        e.integers(n) { records[$0].version.map(Int64.init) ?? SignalDatasetFormat.absentVersion }
        for slot in [RefSlot.source, RefSlot.featureSchemaVersion, RefSlot.signalQualityFlag] {
            e.integers(n) { refs[$0 * RefSlot.count + slot] }
        }

        let all = Array(0..<n)
        var rows: [Int] = []
        var inner: [Int] = []
        // window
        e.presence(all, into: &rows) { records[$0].window != nil }
        e.integers(rows) { refs[$0 * RefSlot.count + RefSlot.windowSize] }
        e.integers(rows) { refs[$0 * RefSlot.count + RefSlot.windowStep] }
        e.presence(rows, into: &inner) { records[$0].window!.start != nil }
        e.integers(inner) { records[$0].window!.start! &- records[$0].eventTime }
        e.presence(rows, into: &inner) { records[$0].window!.end != nil }
        e.integers(inner) { records[$0].window!.end! &- records[$0].eventTime }
        // macd, ema, rsi14, boll
        e.presence(all, into: &rows) { records[$0].macd != nil }
        e.doubles(rows) { records[$0].macd!.macd }
        e.doubles(rows) { records[$0].macd!.signal }
        e.doubles(rows) { records[$0].macd!.hist }
        e.presence(all, into: &rows) { records[$0].ema != nil }
        e.doubles(rows) { records[$0].ema!.ema12 }
        e.doubles(rows) { records[$0].ema!.ema26 }
        e.presence(all, into: &rows) { records[$0].rsi14 != nil }
        e.doubles(rows) { records[$0].rsi14! }
        e.presence(all, into: &rows) { records[$0].boll != nil }
        e.doubles(rows) { records[$0].boll!.mid }
        e.doubles(rows) { records[$0].boll!.upper }
        e.doubles(rows) { records[$0].boll!.lower }
        // vwap
        e.presence(all, into: &rows) { records[$0].vwap != nil }
        e.doubles(rows) { records[$0].vwap!.session }
        e.presence(rows, into: &inner) { records[$0].vwap!.w5m != nil }
        e.doubles(inner) { records[$0].vwap!.w5m! }
        // imbalance, vol_realized, close
        e.presence(all, into: &rows) { records[$0].imbalance != nil }
        e.doubles(rows) { records[$0].imbalance!.spread }
        e.doubles(rows) { records[$0].imbalance!.bidPx }
        e.doubles(rows) { records[$0].imbalance!.askPx }
        e.doubles(rows) { records[$0].imbalance!.bidSz }
        e.doubles(rows) { records[$0].imbalance!.askSz }
        e.presence(all, into: &rows) { records[$0].volRealized != nil }
        e.doubles(rows) { records[$0].volRealized!.w60s }
        e.presence(all, into: &rows) { records[$0].close != nil }
        e.doubles(rows) { records[$0].close! }
        // microstructure_signal_v1
        e.presence(all, into: &rows) { records[$0].hasMicrostructureSignalV1 }
        for slot in RefSlot.microstructure { e.integers(rows) { refs[$0 * RefSlot.count + slot] } }
        let microDoubles: [(SignalRecord.MicrostructureSignalV1) -> Double?] = [
            \.directionUp, \.directionFlat, \.directionDown, \.expectedSpreadImpactBps, \.expectedSlippageBps,
        ]
        for field in microDoubles {
            e.presence(rows, into: &inner) { field(records[$0].microstructureSignalV1!) != nil }
            e.doubles(inner) { field(records[$0].microstructureSignalV1!)! }
        }

        let block = e.end(
            minEventTime: records.lazy.map(\.eventTime).min()!, maxEventTime: records.lazy.map(\.eventTime).max()!)
        self.largestBlock = max(self.largestBlock, block.count)
        self.rowCount += n
        self.blockCount += 1
        self.pending.removeAll(keepingCapacity: true)
        self.refs.removeAll(keepingCapacity: true)
        try self.emit(block)
    }

    private mutating func emit(_ bytes: [UInt8]) throws(DatasetError) {
        switch self.sink {
        case .memory:
            self.bytes += bytes
        case .file(let writer, let partial, _):
            do {
                try writer.write(bytes)
            } catch {
                FileSystem.remove(partial)
                throw DatasetError(.io, path: self.path, at: self.offset, "cannot write: \(error.reason)")
            }
        }
        self.offset += bytes.count
    }
}

/// Positions of a row's dictionary references in the writer's `refs`.
private enum RefSlot {
    static let symbol = 0
    static let timeframe = 1
    static let source = 2
    static let featureSchemaVersion = 3
    static let signalQualityFlag = 4
    static let windowSize = 5
    static let windowStep = 6
    static let microstructure = Array(7..<15)
    static let count = 15
}
