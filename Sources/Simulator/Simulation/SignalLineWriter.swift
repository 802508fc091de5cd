import Runtime
import SpecModel

/// Writes `signal` event lines (most of a run's lines) straight into a byte block: the canonical line of
/// `SimulationEvent.signal(_).json(number:)`, byte for byte (a test compares them).
///
/// Keys in canonical order: close, kind, n, seq, symbol, timeframe, ts. The text from `,"symbol":` to `,"ts":"` is
/// kept per symbol and timeframe (names arrive with the same bytes signal after signal, see `StringIdentityCache`), the
/// instant's whole second by the formatter; what is left per line is three numbers, the second's fraction and copies.
struct SignalLineWriter {
    /// Room for the longest line `write` composes (at most 290 bytes: the longest close, `n` and `seq`, both segments
    /// at their limit and a timestamp with nanoseconds); a name past a segment's limit is left to the general writer.
    static let maximumLength = 320
    private static let maximumSegment = 64

    private var formatter = Timestamp.Formatter()
    private var symbols = StringIdentityCache()
    /// `,"symbol":"NAME","timeframe":` per remembered symbol, back to back; `segmentEnds[k]` ends segment `k`.
    private var segments: [UInt8] = []
    private var segmentEnds: [Int] = [0]
    /// Segment index by a name's UTF-8 bytes (looked up, never iterated). Not by `String`: strings compare by
    /// canonical equivalence, and a differently spelled equivalent name must still be written with its own bytes.
    private var segmentIndex: [[UInt8]: Int] = [:]
    /// `"TIMEFRAME","ts":"` for the last timeframe seen.
    private var timeframe: Timeframe? = nil
    private var timeframeSegment: [UInt8] = []

    init() {}

    /// Writes the line at `out` (room for `maximumLength` bytes) and returns its length; nil (having written
    /// nothing) when the line needs the general writer: a symbol or timeframe name too long for a segment.
    mutating func write(_ signal: SignalRecord, number: Int, at out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard let symbol = self.segment(of: signal.symbol), self.prepareTimeframe(signal.timeframe) else { return nil }
        var count = 0
        Self.put(#"{"close":"#, at: out, &count)
        if let close = signal.close.flatMap(PlanRunner.decimalValue) {
            var cursor = ByteCursor(
                UnsafeMutableBufferPointer(start: out + count, count: Decimal.maximumCanonicalLength + 2))
            cursor.putDecimal(close)
            count += cursor.count
        } else {
            Self.put("null", at: out, &count)
        }
        Self.put(#","kind":"signal","n":"#, at: out, &count)
        Self.putInteger(Int64(number), at: out, &count)
        Self.put(#","seq":"#, at: out, &count)
        Self.putInteger(signal.seq, at: out, &count)
        self.segments.withUnsafeBufferPointer { segments in
            let start = self.segmentEnds[symbol]
            let length = self.segmentEnds[symbol + 1] - start
            (out + count).update(from: segments.baseAddress! + start, count: length)
            count += length
        }
        self.timeframeSegment.withUnsafeBufferPointer { segment in
            (out + count).update(from: segment.baseAddress!, count: segment.count)
            count += segment.count
        }
        count += self.formatter.write(
            signal.eventTime, into: UnsafeMutableBufferPointer(start: out + count, count: Timestamp.maximumFormattedLength))
        Self.put("\"}", at: out, &count)
        return count
    }

    /// Appends the line to `bytes`, through the general writer when `write` declines it.
    mutating func append(_ signal: SignalRecord, number: Int, to bytes: inout [UInt8]) {
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maximumLength) { buffer -> Bool in
            guard let count = self.write(signal, number: number, at: buffer.baseAddress!) else { return false }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
            return true
        }
        if !written { SimulationEvent.appendSignalLineInGeneral(signal, number: number, to: &bytes) }
    }

    @inline(__always)
    private static func put(_ literal: StaticString, at out: UnsafeMutablePointer<UInt8>, _ count: inout Int) {
        (out + count).update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
        count += literal.utf8CodeUnitCount
    }

    @inline(__always)
    private static func putInteger(_ value: Int64, at out: UnsafeMutablePointer<UInt8>, _ count: inout Int) {
        var cursor = ByteCursor(UnsafeMutableBufferPointer(start: out + count, count: 21))
        cursor.putInteger(value)
        count += cursor.count
    }

    /// The index of `symbol`'s segment, made on first sight; nil when the name is too long.
    private mutating func segment(of symbol: String) -> Int? {
        if let index = self.symbols.value(for: symbol) { return index }
        // Bytes the cache does not know (a first sight, another copy of a long name, or a full cache): by contents.
        let name = Array(symbol.utf8)
        let index: Int
        if let known = self.segmentIndex[name] {
            index = known
        } else {
            let text = Self.quoted(symbol)
            guard text.count <= Self.maximumSegment else { return nil }
            self.segments += Array(#","symbol":"#.utf8) + text + Array(#","timeframe":"#.utf8)
            self.segmentEnds.append(self.segments.count)
            index = self.segmentEnds.count - 2
            self.segmentIndex[name] = index
        }
        self.symbols.remember(symbol, as: index)
        return index
    }

    /// Makes `timeframeSegment` that of `timeframe`; false when the name is too long.
    private mutating func prepareTimeframe(_ timeframe: Timeframe) -> Bool {
        // By bytes, not `==` (canonical equivalence): the line carries the signal's own spelling.
        if let current = self.timeframe, StringIdentityCache.sameBytes(current.rawValue, timeframe.rawValue) {
            return true
        }
        let text = Self.quoted(timeframe.rawValue)
        guard text.count <= Self.maximumSegment else { return false }
        self.timeframe = timeframe
        self.timeframeSegment = text + Array(#","ts":""#.utf8)
        return true
    }

    /// `name` as a JSON string, escapes and quotes included.
    private static func quoted(_ name: String) -> [UInt8] {
        var bytes: [UInt8] = []
        JSONWriter.appendString(name, to: &bytes)
        return bytes
    }
}
