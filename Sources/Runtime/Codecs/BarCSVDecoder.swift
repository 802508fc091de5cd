import SpecModel

/// Decodes 1-minute bars from CSV: header `ts,symbol,open,high,low,close,volume`, `ts` the bar start in ISO-8601 UTC
/// (Alpaca's convention), no quoting. Fields may carry surrounding spaces; empty lines are skipped by the reader.
public struct BarCSVDecoder: Sendable {
    public static let header = "ts,symbol,open,high,low,close,volume"
    private static let columns = ["ts", "symbol", "open", "high", "low", "close", "volume"]

    public init() {}

    /// Checks the header line.
    public func checkHeader(_ line: UnsafeBufferPointer<UInt8>) -> RecordError? {
        let fields = Self.fields(line)
        let names = fields.map { String(decoding: UnsafeBufferPointer(rebasing: line[$0]), as: UTF8.self) }
        guard names == Self.columns else {
            return RecordError(
                .malformedCSV, at: 0, "bars CSV must start with the header `\(Self.header)`")
        }
        return nil
    }

    /// Decodes one data row.
    public func decode(_ line: UnsafeBufferPointer<UInt8>, symbols: inout SymbolTable) -> Result<MarketBar, RecordError> {
        let fields = Self.fields(line)
        guard fields.count == Self.columns.count else {
            let at = fields.count > Self.columns.count ? fields[Self.columns.count].lowerBound - 1 : line.count
            return .failure(
                RecordError(.malformedCSV, at: at, "expected 7 fields (\(Self.header)), found \(fields.count)"))
        }
        func text(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: line[fields[i]]) }
        func number(_ i: Int, positive: Bool) -> Result<Double, RecordError> {
            let name = Self.columns[i]
            guard let value = Double(String(decoding: text(i), as: UTF8.self)), value.isFinite else {
                return .failure(RecordError(.invalidField, at: fields[i].lowerBound, "`\(name)` must be a number"))
            }
            if positive ? value <= 0 : value < 0 {
                let rule = positive ? "a positive price" : "not negative"
                return .failure(RecordError(.invalidField, at: fields[i].lowerBound, "`\(name)` must be \(rule)"))
            }
            return .success(value)
        }
        guard let start = Timestamp.parse(utf8: text(0)) else {
            return .failure(
                RecordError(.invalidField, at: fields[0].lowerBound, "`ts` is not an ISO-8601 UTC timestamp"))
        }
        do throws(RecordError) {
            let fail = { (message: String) throws(RecordError) in
                throw RecordError(.invalidField, at: fields[0].lowerBound, message)
            }
            try RecordTime.check(start, "ts", fail: fail)
            try BarChecks.check(start: start, fail: fail)
        } catch {
            return .failure(error)
        }
        let name = String(decoding: text(1), as: UTF8.self)
        guard !name.isEmpty else {
            return .failure(RecordError(.invalidField, at: fields[1].lowerBound, "`symbol` must not be empty"))
        }
        var values = [Double](repeating: 0, count: 5)
        for i in 2..<7 {
            switch number(i, positive: i < 6) {
            case .success(let value): values[i - 2] = value
            case .failure(let error): return .failure(error)
            }
        }
        do throws(RecordError) {
            try BarChecks.check(open: values[0], high: values[1], low: values[2], close: values[3]) {
                (message) throws(RecordError) in throw RecordError(.invalidField, at: fields[2].lowerBound, message)
            }
        } catch {
            return .failure(error)
        }
        return .success(
            MarketBar(
                symbol: symbols.intern(name), interval: .oneMinute, start: start, open: values[0], high: values[1],
                low: values[2], close: values[3], volume: values[4]))
    }

    /// Byte ranges of the comma-separated fields, trimmed of spaces and a trailing CR.
    private static func fields(_ line: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var end = line.count
        if end > 0 && line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        var start = 0
        for i in 0...end where i == end || line[i] == UInt8(ascii: ",") {
            var low = start
            var high = i
            while low < high && line[low] == UInt8(ascii: " ") { low += 1 }
            while high > low && line[high - 1] == UInt8(ascii: " ") { high -= 1 }
            ranges.append(low..<high)
            start = i + 1
        }
        return ranges
    }
}
