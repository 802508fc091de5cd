import Runtime

/// Reads one block's payload (after its checksum passed), with bounds checks on every column.
struct PayloadDecoder {
    let base: UnsafeRawPointer
    var position: Int
    let end: Int
    /// File offset of `base`.
    let fileOffset: Int
    let block: Int
    let path: String

    func error(_ kind: DatasetError.Kind, _ message: String, at position: Int? = nil) -> DatasetError {
        DatasetError(
            kind, path: self.path, at: self.fileOffset + (position ?? self.position), block: self.block, message)
    }

    @inline(__always)
    private mutating func take(_ count: Int) throws(DatasetError) -> Int {
        guard count >= 0, count <= self.end - self.position else {
            throw self.error(.corrupt, "a column runs past the end of the block's payload")
        }
        defer { self.position += count }
        return self.position
    }

    /// `I(count)` into `out`; every value must lie in `range`, else `indexOutOfRange` naming `what`.
    mutating func integers(
        _ count: Int, into out: UnsafeMutablePointer<Int64>, in range: Range<Int64>? = nil, _ what: String = ""
    ) throws(DatasetError) {
        let column = self.position
        let header = try self.take(9)
        let base = Int64(littleEndian: self.base.loadUnaligned(fromByteOffset: header, as: Int64.self))
        let width = Int(self.base.load(fromByteOffset: header + 8, as: UInt8.self))
        guard width <= 8 else { throw self.error(.corrupt, "integer column width \(width) is above 8", at: column) }
        let start = try self.take(count * width)
        let p = self.base + start
        switch width {
        case 0:
            for i in 0..<count { out[i] = base }
        case 1:
            for i in 0..<count { out[i] = base &+ Int64(p.load(fromByteOffset: i, as: UInt8.self)) }
        case 2:
            for i in 0..<count {
                out[i] = base &+ Int64(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case 4:
            for i in 0..<count {
                out[i] = base &+ Int64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        case 8:
            for i in 0..<count {
                out[i] =
                    base
                    &+ Int64(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
            }
        default:
            // 8-byte loads masked to `width` bytes: the block buffer has slack past the payload for the last one.
            let mask: UInt64 = (1 << UInt64(8 * width)) - 1
            for i in 0..<count {
                let raw = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: width * i, as: UInt64.self))
                out[i] = base &+ Int64(bitPattern: raw & mask)
            }
        }
        if let range {
            for i in 0..<count where !range.contains(out[i]) {
                throw self.error(
                    .indexOutOfRange,
                    "row \(i): \(what) \(out[i]) is out of range (\(range.lowerBound)..<\(range.upperBound))",
                    at: column)
            }
        }
    }

    /// `P(count)`: `index[i]` becomes the position of row `i` among the present rows, or -1; returns how many are
    /// present.
    mutating func presence(_ count: Int, into index: UnsafeMutablePointer<Int32>) throws(DatasetError) -> Int {
        let at = try self.take(1)
        switch self.base.load(fromByteOffset: at, as: UInt8.self) {
        case SignalDatasetFormat.Presence.none.rawValue:
            for i in 0..<count { index[i] = -1 }
            return 0
        case SignalDatasetFormat.Presence.all.rawValue:
            for i in 0..<count { index[i] = Int32(truncatingIfNeeded: i) }
            return count
        case SignalDatasetFormat.Presence.bitmap.rawValue:
            let start = try self.take((count + 7) / 8)
            var k: Int32 = 0
            for i in 0..<count {
                let present =
                    (self.base.load(fromByteOffset: start + (i >> 3), as: UInt8.self) >> UInt8(i & 7)) & 1 == 1
                index[i] = present ? k : -1
                k &+= present ? 1 : 0
            }
            return Int(k)
        case let mode:
            throw self.error(.corrupt, "unknown presence mode \(mode)", at: at)
        }
    }

    /// `D(count)`: where the values start.
    mutating func doubles(_ count: Int) throws(DatasetError) -> DoubleColumn {
        DoubleColumn(base: self.base + (try self.take(8 * count)))
    }
}

struct DoubleColumn {
    let base: UnsafeRawPointer

    @inline(__always)
    subscript(_ j: Int) -> Double {
        Double(bitPattern: UInt64(littleEndian: self.base.loadUnaligned(fromByteOffset: 8 * j, as: UInt64.self)))
    }
}

/// Decodes one block: first every column into scratch columns allocated once for `capacity` rows (the reader's only
/// per-row memory besides its records), then one pass over the rows writing each record's fields. The records are
/// 400 bytes each, so a block of them does not fit in a core's cache; writing them row by row, not column by column,
/// touches each once. A class holding raw buffers, so decoding pays no copy-on-write or exclusivity checks.
///
/// Every stored property of `SignalRecord` is written for every row (records are reused from block to block, so a
/// field left out would keep the previous block's value); a new field needs a new format version anyway.
final class BlockColumns {
    let capacity: Int
    /// Row-level integer columns, then the window's (indexed by window position).
    private let event, ingest, symbol, seq, timeframe, isFinal, version, source, schemaVersion, qualityFlag,
        windowSize, windowStep, windowStart, windowEnd, scratch: UnsafeMutablePointer<Int64>
    /// Presence indexes: per row (or per window / vwap position for the nested ones), the value's position or -1.
    private let window, windowStartAt, windowEndAt, macd, ema, rsi, boll, vwap, w5m, imbalance, volatility, close,
        micro, microField: UnsafeMutablePointer<Int32>
    private var allocations: [UnsafeMutableRawPointer] = []

    init(capacity: Int) {
        var allocations: [UnsafeMutableRawPointer] = []
        func column<T: FixedWidthInteger>(_: T.Type) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: capacity)
            p.initialize(repeating: 0, count: capacity)
            allocations.append(UnsafeMutableRawPointer(p))
            return p
        }
        self.capacity = capacity
        (self.event, self.ingest, self.symbol, self.seq) = (
            column(Int64.self), column(Int64.self), column(Int64.self), column(Int64.self)
        )
        (self.timeframe, self.isFinal, self.version) = (column(Int64.self), column(Int64.self), column(Int64.self))
        (self.source, self.schemaVersion, self.qualityFlag) = (
            column(Int64.self), column(Int64.self), column(Int64.self)
        )
        (self.windowSize, self.windowStep, self.windowStart) = (
            column(Int64.self), column(Int64.self), column(Int64.self)
        )
        (self.windowEnd, self.scratch) = (column(Int64.self), column(Int64.self))
        (self.window, self.windowStartAt, self.windowEndAt) = (
            column(Int32.self), column(Int32.self), column(Int32.self)
        )
        (self.macd, self.ema, self.rsi, self.boll) = (
            column(Int32.self), column(Int32.self), column(Int32.self), column(Int32.self)
        )
        (self.vwap, self.w5m, self.imbalance) = (column(Int32.self), column(Int32.self), column(Int32.self))
        (self.volatility, self.close, self.micro, self.microField) = (
            column(Int32.self), column(Int32.self), column(Int32.self), column(Int32.self)
        )
        self.allocations = allocations
    }

    deinit {
        for p in self.allocations { p.deallocate() }
    }

    /// A record every field of which `decode` overwrites.
    static let template = SignalRecord(ingestTime: 0, eventTime: 0, symbol: "", seq: 0, timeframe: .oneSecond)

    /// Decodes the payload's columns, in the order the writer wrote them (`docs/datasets.md`), into `r[0..<n]`,
    /// checking every dictionary index. `references` is the string dictionary with nil in front.
    func decode(
        rows n: Int, firstEventTime: Int64, from d: inout PayloadDecoder,
        into r: UnsafeMutableBufferPointer<SignalRecord>,
        symbols: [String], timeframes: [Timeframe], references: [String?]
    ) throws(DatasetError) {
        precondition(n <= self.capacity && n <= r.count)
        let strings = Int64(references.count - 1)
        try d.integers(n, into: self.event)
        var time = firstEventTime
        for i in 0..<n {
            time &+= self.event[i]
            self.event[i] = time
        }
        try d.integers(n, into: self.ingest)
        try d.integers(n, into: self.symbol, in: 0..<Int64(symbols.count), "symbol index")
        try d.integers(n, into: self.seq)
        try d.integers(n, into: self.timeframe, in: 0..<Int64(timeframes.count), "timeframe index")
        try d.integers(n, into: self.isFinal, in: 0..<3, "is_final")
        let versions = d.position
        try d.integers(n, into: self.version)
        for i in 0..<n
        where self.version[i] != SignalDatasetFormat.absentVersion && Int32(exactly: self.version[i]) == nil {
            throw d.error(.corrupt, "row \(i): version \(self.version[i]) is not a 32-bit integer", at: versions)
        }
        try d.integers(n, into: self.source, in: 0..<strings + 1, "string reference")
        try d.integers(n, into: self.schemaVersion, in: 0..<strings + 1, "string reference")
        try d.integers(n, into: self.qualityFlag, in: 0..<strings + 1, "string reference")
        // window: size and step references, then start and end relative to the event time.
        let windows = try d.presence(n, into: self.window)
        try d.integers(windows, into: self.windowSize, in: 1..<strings + 1, "window size reference")
        try d.integers(windows, into: self.windowStep, in: 0..<strings + 1, "string reference")
        try d.integers(try d.presence(windows, into: self.windowStartAt), into: self.windowStart)
        try d.integers(try d.presence(windows, into: self.windowEndAt), into: self.windowEnd)
        var k = try d.presence(n, into: self.macd)
        let (macd, signal, hist) = (try d.doubles(k), try d.doubles(k), try d.doubles(k))
        k = try d.presence(n, into: self.ema)
        let (ema12, ema26) = (try d.doubles(k), try d.doubles(k))
        let rsi = try d.doubles(try d.presence(n, into: self.rsi))
        k = try d.presence(n, into: self.boll)
        let (mid, upper, lower) = (try d.doubles(k), try d.doubles(k), try d.doubles(k))
        k = try d.presence(n, into: self.vwap)
        let session = try d.doubles(k)
        let w5m = try d.doubles(try d.presence(k, into: self.w5m))
        k = try d.presence(n, into: self.imbalance)
        let (spread, bidPx, askPx) = (try d.doubles(k), try d.doubles(k), try d.doubles(k))
        let (bidSz, askSz) = (try d.doubles(k), try d.doubles(k))
        let w60s = try d.doubles(try d.presence(n, into: self.volatility))
        let close = try d.doubles(try d.presence(n, into: self.close))
        let micro = try d.presence(n, into: self.micro)

        for i in 0..<n {
            let record = r.baseAddress! + i
            let event = self.event[i]
            record.pointee.eventTime = event
            record.pointee.ingestTime = event &+ self.ingest[i]
            symbols.withUnsafeBufferPointer {
                assignString(&record.pointee.symbol, $0.baseAddress! + Int(self.symbol[i]))
            }
            record.pointee.seq = self.seq[i]
            timeframes.withUnsafeBufferPointer {
                assignString(&record.pointee.timeframe, $0.baseAddress! + Int(self.timeframe[i]))
            }
            record.pointee.isFinal = self.isFinal[i] == 0 ? nil : self.isFinal[i] == 2
            let version = self.version[i]
            record.pointee.version =
                version == SignalDatasetFormat.absentVersion ? nil : Int32(truncatingIfNeeded: version)
            references.withUnsafeBufferPointer { refs in
                assignString(&record.pointee.source, refs.baseAddress! + Int(self.source[i]))
                assignString(&record.pointee.featureSchemaVersion, refs.baseAddress! + Int(self.schemaVersion[i]))
                assignString(&record.pointee.signalQualityFlag, refs.baseAddress! + Int(self.qualityFlag[i]))
            }
            let w = Int(self.window[i])
            if w >= 0 {
                let start = Int(self.windowStartAt[w])
                let end = Int(self.windowEndAt[w])
                record.pointee.window = SignalRecord.Window(
                    size: references[Int(self.windowSize[w])]!, step: references[Int(self.windowStep[w])],
                    start: start >= 0 ? event &+ self.windowStart[start] : nil,
                    end: end >= 0 ? event &+ self.windowEnd[end] : nil)
            } else {
                record.pointee.window = nil
            }
            var j = Int(self.macd[i])
            record.pointee.macd = j >= 0 ? SignalRecord.MACD(macd: macd[j], signal: signal[j], hist: hist[j]) : nil
            j = Int(self.ema[i])
            record.pointee.ema = j >= 0 ? SignalRecord.EMA(ema12: ema12[j], ema26: ema26[j]) : nil
            j = Int(self.rsi[i])
            record.pointee.rsi14 = j >= 0 ? rsi[j] : nil
            j = Int(self.boll[i])
            record.pointee.boll = j >= 0 ? SignalRecord.Bollinger(mid: mid[j], upper: upper[j], lower: lower[j]) : nil
            j = Int(self.vwap[i])
            if j >= 0 {
                let m = Int(self.w5m[j])
                record.pointee.vwap = SignalRecord.VWAP(session: session[j], w5m: m >= 0 ? w5m[m] : nil)
            } else {
                record.pointee.vwap = nil
            }
            j = Int(self.imbalance[i])
            record.pointee.imbalance =
                j >= 0
                ? SignalRecord.Imbalance(
                    spread: spread[j], bidPx: bidPx[j], askPx: askPx[j], bidSz: bidSz[j], askSz: askSz[j])
                : nil
            j = Int(self.volatility[i])
            record.pointee.volRealized = j >= 0 ? SignalRecord.RealizedVolatility(w60s: w60s[j]) : nil
            j = Int(self.close[i])
            record.pointee.close = j >= 0 ? close[j] : nil
            if self.micro[i] < 0 && record.pointee.hasMicrostructureSignalV1 {
                record.pointee.microstructureSignalV1 = nil
            }
        }
        try self.decodeMicrostructure(n, present: micro, from: &d, into: r, references: references)
    }

    /// `microstructure_signal_v1` after its presence (`self.micro`, `k` rows): rare, so decoded field by field
    /// through key paths into values built aside, each assigned to its row once (the row pass cleared it in the
    /// other rows).
    private func decodeMicrostructure(
        _ n: Int, present k: Int, from d: inout PayloadDecoder, into r: UnsafeMutableBufferPointer<SignalRecord>,
        references: [String?]
    ) throws(DatasetError) {
        // Rows by position among the present ones.
        let rows = self.scratch
        for i in 0..<n where self.micro[i] >= 0 { rows[Int(self.micro[i])] = Int64(i) }
        var signals = [SignalRecord.MicrostructureSignalV1](repeating: .init(), count: k)
        let strings: [WritableKeyPath<SignalRecord.MicrostructureSignalV1, String?>] = [
            \.schemaVersion, \.symbol, \.horizon, \.uncertaintyBand, \.featureQualityStatus, \.artifactModelID,
            \.artifactFeatureSchemaVersion, \.artifactTrainingRunID,
        ]
        let doubles: [WritableKeyPath<SignalRecord.MicrostructureSignalV1, Double?>] = [
            \.directionUp, \.directionFlat, \.directionDown, \.expectedSpreadImpactBps, \.expectedSlippageBps,
        ]
        // The references go to `windowSize`, free after the row pass.
        let values = self.windowSize
        for field in strings {
            try d.integers(k, into: values, in: 0..<Int64(references.count), "string reference")
            for j in 0..<k { signals[j][keyPath: field] = references[Int(values[j])] }
        }
        for field in doubles {
            let m = try d.presence(k, into: self.microField)
            let column = try d.doubles(m)
            for j in 0..<k where self.microField[j] >= 0 { signals[j][keyPath: field] = column[Int(self.microField[j])] }
        }
        for j in 0..<k { r[Int(rows[j])].microstructureSignalV1 = signals[j] }
    }
}

/// `target = source[0]`, skipped when both already hold the same bits: a string's 16 bytes are its whole value, so
/// equal bits are the same string, and the skipped assignment saves a retain and a release per field and row.
@inline(__always)
private func assignString<T>(_ target: UnsafeMutablePointer<T>, _ source: UnsafePointer<T>) {
    if MemoryLayout<T>.size == 16 {
        let old = UnsafeRawPointer(target).loadUnaligned(as: (UInt64, UInt64).self)
        let new = UnsafeRawPointer(source).loadUnaligned(as: (UInt64, UInt64).self)
        if old == new { return }
    }
    target.pointee = source.pointee
}
