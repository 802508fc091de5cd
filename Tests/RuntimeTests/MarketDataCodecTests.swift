import Runtime
import SpecModel
import Testing

/// The ingest envelope, Alpaca messages, CSV bars and the signal codec: shapes accepted and errors with positions.
@Suite struct MarketDataCodecTests {
    static func decode(_ line: String) -> (Result<DecodedMarketRecord, RecordError>, SymbolTable) {
        var decoder = IngestJSONDecoder()
        var symbols = SymbolTable()
        let result = Array(line.utf8).withUnsafeBufferPointer { decoder.decode($0, symbols: &symbols) }
        return (result, symbols)
    }

    static let t = "2026-03-06T14:30:00.123456Z"
    static let nanos = Timestamp.parse(t)!

    @Test func envelopeTradeQuoteAndBar() throws {
        let trade = Self.decode(
            #"{"ingestTs":"\#(Self.t)","eventTs":"\#(Self.t)","feed":"iex","channel":"trades","symbol":"NVDA","seq":1,"payload":{"i":42,"S":"NVDA","x":"V","p":181.23,"s":100,"c":["@"],"t":"\#(Self.t)","z":"C"},"isFinal":true,"source":"ws","version":1}"#)
        #expect(try trade.0.get() == .event(.trade(MarketTrade(symbol: SymbolID(0), time: Self.nanos, price: 181.23, size: 100, id: 42))))
        #expect(trade.1.names == ["NVDA"])
        let quote = Self.decode(
            #"{"eventTs":"\#(Self.t)","channel":"quotes","symbol":"NVDA","payload":{"bp":181.2,"bs":3,"ap":181.25,"as":5,"t":"\#(Self.t)"}}"#)
        #expect(try quote.0.get() == .event(.quote(MarketQuote(symbol: SymbolID(0), time: Self.nanos, bidPrice: 181.2, bidSize: 3, askPrice: 181.25, askSize: 5))))
        let bar = Self.decode(
            #"{"event_ts":"2026-03-06T14:30:00Z","channel":"updatedBars","symbol":"SPY","is_final":false,"payload":{"o":1,"h":3,"l":0.5,"c":2,"v":10,"vw":1.5,"n":4,"t":"2026-03-06T14:30:00Z"}}"#)
        guard case .event(.bar(let decoded)) = try bar.0.get() else { Issue.record("not a bar"); return }
        #expect(decoded.interval == .oneMinute && decoded.start == Timestamp.parse("2026-03-06T14:30:00Z"))
        #expect(decoded.priceVolume == 15 && decoded.tradeCount == 4 && !decoded.isFinal)
    }

    @Test func bareAlpacaMessagesAndSkippedChannels() throws {
        let trade = Self.decode(#"{"T":"t","S":"AAPL","i":7,"p":230.5,"s":3,"t":"\#(Self.t)"}"#)
        #expect(try trade.0.get() == .event(.trade(MarketTrade(symbol: SymbolID(0), time: Self.nanos, price: 230.5, size: 3, id: 7))))
        #expect(try Self.decode(#"{"channel":"status","symbol":"x","payload":{"status":"healthy"}}"#).0.get() == .skipped(channel: "status"))
        #expect(try Self.decode(#"{"T":"success","msg":"authenticated"}"#).0.get() == .skipped(channel: "success"))
        // A daily bar is not a 1-minute bar: skipped, as the envelope's `dailyBars` channel is.
        let daily = #"{"T":"d","S":"SPY","o":1,"h":1,"l":1,"c":1,"v":50000000,"t":"2026-03-06T05:00:00Z"}"#
        #expect(try Self.decode(daily).0.get() == .skipped(channel: "d"))
    }

    @Test(arguments: [
        (#"{"channel":"trades","symbol":"NVDA","payload":{"p":1,"s":1,"t":"x"}"#, "DATA001", 67, "unexpected end of input"),
        (#"{"channel":"trades","symbol":"NVDA","payload":{"s":1,"t":"2026-03-06T14:30:00Z"}}"#, "DATA002", 46, "trades payload has no `p`"),
        (#"{"channel":"trades","symbol":"NVDA","payload":{"p":"1","s":1,"t":"2026-03-06T14:30:00Z"}}"#, "DATA002", 51, "`p` must be a finite number"),
        (#"{"channel":"trades","symbol":"NVDA","payload":{"p":0,"s":1,"t":"2026-03-06T14:30:00Z"}}"#, "DATA003", 51, "`p` must be a positive price, not 0.0"),
        (#"{"channel":"trades","symbol":"NVDA","payload":{"p":1,"s":-2,"t":"2026-03-06T14:30:00Z"}}"#, "DATA003", 57, "`s` must not be negative, not -2.0"),
        (#"{"channel":"trades","symbol":"NVDA","payload":{"p":1,"s":1,"t":"2026-03-06 14:30"}}"#, "DATA003", 63, "`t` is not an ISO-8601 UTC timestamp (e.g. 2026-03-06T14:30:00.123456Z)"),
        (#"{"channel":"bars","symbol":"SPY","payload":{"o":1,"h":1,"l":2,"c":1,"v":1,"t":"2026-03-06T14:30:00Z"}}"#, "DATA003", 43, "bar high 1.0 is below its low 2.0"),
        // A bar that does not start on a whole minute would overlap its neighbours (their volume counted twice).
        (#"{"channel":"bars","symbol":"SPY","payload":{"o":1,"h":1,"l":1,"c":1,"v":1,"t":"2026-03-06T14:30:30Z"}}"#, "DATA003", 78, "a 1-minute bar must start on a whole minute, found 2026-03-06T14:30:30Z"),
        (#"{"channel":"bars","symbol":"SPY","payload":{"o":1,"h":1,"l":1,"c":1,"v":1,"vw":0,"t":"2026-03-06T14:30:00Z"}}"#, "DATA003", 79, "bar `vw` must be a positive price, found 0.0"),
        (#"{"channel":"bars","symbol":"SPY","payload":{"o":1,"h":1,"l":1,"c":1,"v":1,"vw":-560,"t":"2026-03-06T14:30:00Z"}}"#, "DATA003", 79, "bar `vw` must be a positive price, found -560.0"),
        // Instants far from today are refused before any bar or lateness arithmetic could overflow.
        (#"{"channel":"trades","symbol":"NVDA","payload":{"p":1,"s":1,"t":"2262-04-11T23:47:16.5Z"}}"#, "DATA003", 63, "`t` 2262-04-11T23:47:16.5Z is outside the supported range, 1970-01-01 to 2200-01-01"),
        (#"{"channel":"trades","symbol":"NVDA","payload":{"p":1,"s":1,"t":"1677-09-21T00:12:43.5Z"}}"#, "DATA003", 63, "`t` 1677-09-21T00:12:43.5Z is outside the supported range, 1970-01-01 to 2200-01-01"),
        (#"[1,2]"#, "DATA001", 0, "a record must be a JSON object"),
        (#"{"payload":{}}"#, "DATA002", 0, "record has no `channel`"),
    ])
    func errorsCarryCodeOffsetAndMessage(line: String, code: String, offset: Int, message: String) {
        // Offsets point at the offending token: the value, or the object that lacks a member (46 = payload's `{`).
        guard case .failure(let error) = Self.decode(line).0 else {
            Issue.record("decoded: \(line)")
            return
        }
        #expect(error.code.id == code)
        #expect(error.byteOffset == offset)
        #expect(error.message == message)
    }

    @Test func csvBars() throws {
        let decoder = BarCSVDecoder()
        var symbols = SymbolTable()
        func row(_ text: String) -> Result<MarketBar, RecordError> {
            Array(text.utf8).withUnsafeBufferPointer { decoder.decode($0, symbols: &symbols) }
        }
        #expect(Array(BarCSVDecoder.header.utf8).withUnsafeBufferPointer { decoder.checkHeader($0) } == nil)
        #expect(Array("ts,symbol,o,h,l,c,v".utf8).withUnsafeBufferPointer { decoder.checkHeader($0) }?.code == .malformedCSV)
        let bar = try row("2026-03-06T14:30:00Z, SPY ,560.1,560.5,559.9,560.2,1200\r").get()
        #expect(symbols.names == ["SPY"] && bar.close == 560.2 && bar.priceVolume == 560.2 * 1200)
        #expect(bar.end == Timestamp.parse("2026-03-06T14:31:00Z"))
        let cases: [(String, DiagnosticCode, Int)] = [
            ("2026-03-06T14:30:00Z,SPY,1,1,1,1", .malformedCSV, 32),
            ("2026-03-06T14:30:00Z,SPY,1,1,1,1,1,9", .malformedCSV, 34),
            ("20260306,SPY,1,1,1,1,1", .invalidField, 0),
            ("2026-03-06T14:30:00Z,SPY,1,x,1,1,1", .invalidField, 27),
            ("2026-03-06T14:30:00Z,SPY,1,1,1,1,-1", .invalidField, 33),
            ("2026-03-06T14:30:00Z,,1,1,1,1,1", .invalidField, 21),
            ("2026-03-06T14:30:30Z,SPY,1,1,1,1,1", .invalidField, 0),
            ("2262-04-11T23:47:00Z,SPY,1,1,1,1,1", .invalidField, 0),
        ]
        for (text, code, offset) in cases {
            guard case .failure(let error) = row(text) else {
                Issue.record("accepted \(text)")
                continue
            }
            #expect(error.code == code && error.byteOffset == offset, "\(text): \(error)")
        }
    }

    @Test func signalsDecodeFromTheFlatClickHouseRow() throws {
        let line = #"{"symbol":"NVDA","event_ts":"2026-03-06T14:30:01Z","seq":9,"window_size":"PT1S","macd":0.5,"macd_signal":0.25,"ema12":181,"ema26":180.5,"rsi14":55,"boll_mid":181,"boll_upper":182,"boll_lower":180,"vwap_session":180.9,"vwap_w5m":null,"imbalance_bid_px":180.99,"imbalance_ask_px":181.01,"imbalance_bid_sz":3,"imbalance_ask_sz":4,"vol_realized_w60s":0.0003}"#
        var decoder = SignalJSONDecoder()
        let record = try Array(line.utf8).withUnsafeBufferPointer { decoder.decode($0) }.get()
        #expect(record.timeframe == .oneSecond && record.seq == 9 && record.ingestTime == record.eventTime)
        #expect(record.macd == SignalRecord.MACD(macd: 0.5, signal: 0.25, hist: 0.25))
        #expect(record.vwap == SignalRecord.VWAP(session: 180.9, w5m: nil))
        #expect(record.imbalance?.spread == 181.01 - 180.99 && record.volRealized?.w60s == 0.0003)
        #expect(record.close == nil, "the flat row has no close; price then comes from the midpoint")
        let missing = Array(#"{"symbol":"NVDA","seq":1}"#.utf8).withUnsafeBufferPointer { decoder.decode($0) }
        #expect(throws: RecordError(.missingField, at: 0, "signal has no `event_ts`")) { try missing.get() }
    }

    /// Nothing a signal row carries is dropped or altered silently: a group of the wrong type, a flat group with a
    /// member missing, or a version past 32 bits is DATA003 at the value. A group all null (warm-up) is no group.
    @Test(arguments: [
        (#""vwap":7"#, 66, "`vwap` must be an object or null"),
        (#""window":"PT1S""#, 68, "`window` must be an object or null"),
        (#""ema":[1,2]"#, 65, "`ema` must be an object or null"),
        (#""ema12":181,"ema26":null"#, 67, "`ema12` is set but `ema26` is not: the group needs both or neither"),
        (#""macd":0.5"#, 66, "`macd` is set but `macd_signal` is not: the group needs both or neither"),
        (#""boll_mid":181,"boll_lower":180"#, 70, "`boll_mid` is set but `boll_upper` is not: the group needs both or neither"),
        (#""imbalance_ask_px":181"#, 78, "`imbalance_ask_px` is set but `imbalance_bid_px` is not: the group needs both or neither"),
        (#""version":4294967297"#, 69, "`version` 4294967297 does not fit in 32 bits"),
    ])
    func signalRowsNeverLoseDataSilently(_ member: String, _ offset: Int, _ message: String) throws {
        let line = #"{"symbol":"NVDA","event_ts":"2026-03-06T14:30:01Z","seq":9,"# + member + "}"
        var decoder = SignalJSONDecoder()
        let result = Array(line.utf8).withUnsafeBufferPointer { decoder.decode($0) }
        guard case .failure(let error) = result else {
            Issue.record("accepted \(line)")
            return
        }
        #expect(error.code == .invalidField && error.message == message)
        #expect(error.byteOffset == offset, "points at the offending value")
    }

    @Test func warmUpNullsAreNoGroup() throws {
        let line = #"{"symbol":"NVDA","event_ts":"2026-03-06T14:30:01Z","seq":9,"macd":null,"macd_signal":null,"ema12":null,"ema26":null,"boll_mid":null,"boll_upper":null,"boll_lower":null,"vwap":null,"version":7}"#
        var decoder = SignalJSONDecoder()
        let record = try Array(line.utf8).withUnsafeBufferPointer { decoder.decode($0) }.get()
        #expect(record.macd == nil && record.ema == nil && record.boll == nil && record.vwap == nil)
        #expect(record.version == 7)
    }

    @Test func encodingIsCanonicalAndStable() {
        let time = Timestamp.parse("2026-03-06T14:30:01Z")!
        let record = SignalRecord(
            ingestTime: time, eventTime: time, symbol: "NVDA", seq: 3, timeframe: .oneSecond, isFinal: true,
            source: "ta", window: .init(size: "PT1S", step: "PT1S", start: time - 1_000_000_000, end: time),
            macd: .init(macd: 0.1, signal: 0.05, hist: 0.05), rsi14: nil, close: 181.5)
        let text = String(decoding: SignalJSONEncoder.encode(record), as: UTF8.self)
        #expect(text == #"{"boll":null,"close":181.5,"ema":null,"event_ts":"2026-03-06T14:30:01Z","imbalance":null,"ingest_ts":"2026-03-06T14:30:01Z","is_final":true,"macd":{"hist":0.05,"macd":0.1,"signal":0.05},"rsi14":null,"seq":3,"source":"ta","symbol":"NVDA","timeframe":"1Sec","version":1,"vol_realized":null,"vwap":null,"window":{"end":"2026-03-06T14:30:01Z","size":"PT1S","start":"2026-03-06T14:30:00Z","step":"PT1S"}}"#)
        var nonFinite = record
        nonFinite.rsi14 = .nan
        #expect(String(decoding: SignalJSONEncoder.encode(nonFinite), as: UTF8.self) == text, "NaN is written as null")
    }
}
