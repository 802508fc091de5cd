import SpecModel

/// One decoded line of market data.
public enum DecodedMarketRecord: Sendable, Hashable {
    case event(MarketEvent)
    /// Valid JSON without market data (a `status` or `trade_updates` envelope); `channel` says which.
    case skipped(channel: String)
}

/// Decodes the original's ingest records (reference 06 §1.3): the forwarder's camelCase envelope
/// `{eventTs, channel, symbol, isFinal, payload{…Alpaca fields}}` (snake_case `event_ts`/`is_final` accepted too),
/// or a bare Alpaca stream message (`{"T":"t","S":"NVDA","p":…}`). Channels: `trades`, `quotes`, `bars`,
/// `updatedBars`; others are skipped.
///
/// Reusable and allocation-free per line once warm (apart from interning a new symbol). Not thread-safe.
public struct IngestJSONDecoder: Sendable {
    private var tape = JSONTape()

    public init() {}

    public mutating func decode(
        _ line: UnsafeBufferPointer<UInt8>, symbols: inout SymbolTable
    ) -> Result<DecodedMarketRecord, RecordError> {
        do throws(JSONSyntaxError) {
            try self.tape.parse(line)
        } catch {
            return .failure(RecordError(.malformedRecord, at: error.byteOffset, error.message))
        }
        do throws(RecordError) {
            return .success(try Self.record(self.tape, line, symbols: &symbols))
        } catch {
            return .failure(error)
        }
    }

    private enum Channel {
        case trades, quotes, bars, other(String)
    }

    private static func record(
        _ tape: JSONTape, _ bytes: UnsafeBufferPointer<UInt8>, symbols: inout SymbolTable
    ) throws(RecordError) -> DecodedMarketRecord {
        guard tape.tokens[0].kind == .object else {
            throw RecordError(.malformedRecord, at: Int(tape.tokens[0].start), "a record must be a JSON object")
        }
        let envelope = JSONObjectReader(tape: tape, bytes: bytes, object: 0, what: "record")
        let payloadToken = envelope.member("payload")
        let channel: Channel
        let payload: JSONObjectReader
        var isFinal = true
        if let payloadToken {
            guard tape.tokens[payloadToken].kind == .object else {
                throw RecordError(.missingField, at: envelope.offset(payloadToken), "`payload` must be an object")
            }
            let name = try envelope.string("channel", envelope.member("channel"))
            switch name {
            case "trades": channel = .trades
            case "quotes": channel = .quotes
            case "bars", "updatedBars": channel = .bars
            default: channel = .other(name)
            }
            isFinal = try envelope.bool("isFinal", envelope.member("isFinal", "is_final")) ?? true
            payload = JSONObjectReader(tape: tape, bytes: bytes, object: payloadToken, what: name + " payload")
        } else {
            // A bare Alpaca stream message: `T` names its type.
            let type = try envelope.string("T", envelope.member("T"))
            switch type {
            case "t": channel = .trades
            case "q": channel = .quotes
            // `d` is a daily bar: not a 1-minute bar, so skipped like the envelope's `dailyBars` channel.
            case "b", "u": channel = .bars
            default: channel = .other(type)
            }
            payload = envelope
        }
        if case .other(let name) = channel { return .skipped(channel: name) }

        let symbolToken = payload.member("S") ?? envelope.member("symbol")
        let symbolName = try envelope.string("symbol", symbolToken)
        guard !symbolName.isEmpty else {
            throw RecordError(.invalidField, at: envelope.offset(symbolToken!), "`symbol` must not be empty")
        }
        let symbol = symbols.intern(symbolName)
        let timeToken = payload.member("t") ?? envelope.member("eventTs", "event_ts")
        let time = try payload.timestamp("t", timeToken)

        switch channel {
        case .trades:
            let trade = MarketTrade(
                symbol: symbol, time: time, price: try payload.price("p", payload.member("p")),
                size: try payload.size("s", payload.member("s")), id: try payload.int64("i", payload.member("i")))
            return .event(.trade(trade))
        case .quotes:
            let quote = MarketQuote(
                symbol: symbol, time: time, bidPrice: try payload.size("bp", payload.member("bp")),
                bidSize: try payload.size("bs", payload.member("bs")),
                askPrice: try payload.size("ap", payload.member("ap")),
                askSize: try payload.size("as", payload.member("as")))
            return .event(.quote(quote))
        case .bars:
            let open = try payload.price("o", payload.member("o"))
            let high = try payload.price("h", payload.member("h"))
            let low = try payload.price("l", payload.member("l"))
            let close = try payload.price("c", payload.member("c"))
            let volume = try payload.size("v", payload.member("v"))
            let vwap = try payload.optionalNumber("vw", payload.member("vw"))
            let count = try payload.int64("n", payload.member("n"))
            try BarChecks.check(open: open, high: high, low: low, close: close) { (message) throws(RecordError) in
                throw RecordError(.invalidField, at: payload.start, message)
            }
            try BarChecks.check(start: time) { (message) throws(RecordError) in
                throw RecordError(.invalidField, at: payload.offset(timeToken!), message)
            }
            if let vwap, !(vwap > 0) {
                throw RecordError(
                    .invalidField, at: payload.offset(payload.member("vw")!), "bar `vw` must be a positive price, found \(vwap)")
            }
            let bar = MarketBar(
                symbol: symbol, interval: .oneMinute, start: time, open: open, high: high, low: low, close: close,
                volume: volume, priceVolume: vwap.map { $0 * volume }, tradeCount: count ?? 0, isFinal: isFinal)
            return .event(.bar(bar))
        case .other:
            preconditionFailure("handled above")
        }
    }
}

/// Consistency of one OHLC bar, shared by every bar decoder.
enum BarChecks {
    /// A 1-minute bar starts on a whole minute: otherwise its window overlaps its neighbours' and their volume counts
    /// twice in the session VWAP.
    static func check(start: TimestampNanos, fail: (String) throws(RecordError) -> Void) throws(RecordError) {
        let minute = 60 * Timestamp.nanosPerSecond
        if Timestamp.floorDivide(start, minute) * minute != start {
            try fail("a 1-minute bar must start on a whole minute, found \(Timestamp.format(start))")
        }
    }

    static func check(
        open: Double, high: Double, low: Double, close: Double, fail: (String) throws(RecordError) -> Void
    ) throws(RecordError) {
        if high < low { try fail("bar high \(high) is below its low \(low)") }
        if open > high || open < low || close > high || close < low {
            try fail("bar open \(open) and close \(close) must lie within low \(low) and high \(high)")
        }
    }
}
