import SpecModel

/// `ta.signals` records as JSON lines: the Avro record's field names and nesting (`fixtures/schemas/ta-signals.avsc`)
/// with timestamps as ISO-8601 strings, absent values as `null`, plus our `close` and `timeframe`. Keys are written
/// in canonical (UTF-8 byte) order, doubles in shortest round-trip form, so equal records give equal bytes.
public enum SignalJSONEncoder {
    /// One record as a JSON line (no trailing newline).
    public static func encode(_ record: SignalRecord) -> [UInt8] {
        func number(_ value: Double?) -> JSONValue { value.map { .double($0) } ?? .null }
        var object: [String: JSONValue] = [
            "ingest_ts": .string(Timestamp.format(record.ingestTime)),
            "event_ts": .string(Timestamp.format(record.eventTime)),
            "symbol": .string(record.symbol),
            "seq": .integer(record.seq),
            "is_final": record.isFinal.map { .bool($0) } ?? .null,
            "source": record.source.map { .string($0) } ?? .null,
            "window": record.window.map { window in
                .object([
                    "size": .string(window.size), "step": window.step.map { .string($0) } ?? .null,
                    "start": window.start.map { .string(Timestamp.format($0)) } ?? .null,
                    "end": window.end.map { .string(Timestamp.format($0)) } ?? .null,
                ])
            } ?? .null,
            "macd": record.macd.map {
                .object(["macd": .double($0.macd), "signal": .double($0.signal), "hist": .double($0.hist)])
            } ?? .null,
            "ema": record.ema.map { .object(["ema12": .double($0.ema12), "ema26": .double($0.ema26)]) } ?? .null,
            "rsi14": number(record.rsi14),
            "boll": record.boll.map {
                .object(["mid": .double($0.mid), "upper": .double($0.upper), "lower": .double($0.lower)])
            } ?? .null,
            "vwap": record.vwap.map { .object(["session": .double($0.session), "w5m": number($0.w5m)]) } ?? .null,
            "imbalance": record.imbalance.map {
                .object([
                    "spread": .double($0.spread), "bid_px": .double($0.bidPx), "ask_px": .double($0.askPx),
                    "bid_sz": .double($0.bidSz), "ask_sz": .double($0.askSz),
                ])
            } ?? .null,
            "vol_realized": record.volRealized.map { .object(["w60s": .double($0.w60s)]) } ?? .null,
            "version": record.version.map { .integer(Int64($0)) } ?? .null,
            "close": number(record.close),
            "timeframe": .string(record.timeframe.rawValue),
        ]
        if let version = record.featureSchemaVersion { object["feature_schema_version"] = .string(version) }
        if let flag = record.signalQualityFlag { object["signal_quality_flag"] = .string(flag) }
        // Every value is finite by construction of the pipeline; a non-finite one is written as null, not a crash.
        return (try? JSONWriter.canonical(.object(object))) ?? Self.encode(record.replacingNonFinite())
    }
}

extension SignalRecord {
    /// The record with every non-finite indicator value removed (written as null).
    fileprivate func replacingNonFinite() -> SignalRecord {
        var copy = self
        func finite(_ values: Double...) -> Bool { values.allSatisfy(\.isFinite) }
        if let m = copy.macd, !finite(m.macd, m.signal, m.hist) { copy.macd = nil }
        if let e = copy.ema, !finite(e.ema12, e.ema26) { copy.ema = nil }
        if let r = copy.rsi14, !r.isFinite { copy.rsi14 = nil }
        if let b = copy.boll, !finite(b.mid, b.upper, b.lower) { copy.boll = nil }
        if let v = copy.vwap, !finite(v.session, v.w5m ?? 0) { copy.vwap = nil }
        if let i = copy.imbalance, !finite(i.spread, i.bidPx, i.askPx, i.bidSz, i.askSz) { copy.imbalance = nil }
        if let v = copy.volRealized, !v.w60s.isFinite { copy.volRealized = nil }
        if let c = copy.close, !c.isFinite { copy.close = nil }
        return copy
    }
}

/// Reads `ta.signals` JSON lines in either shape: the nested Avro record (what `torghut ta` writes) or the flat
/// ClickHouse `ta_signals` row (`macd_signal`, `boll_mid`, `vwap_session`, `imbalance_bid_px`, `window_size`, …).
/// Required: `event_ts`, `symbol`, `seq`. `ingest_ts` defaults to `event_ts`; `timeframe` to the window size's
/// (`PT1S` → `1Sec`), else `1Min` (Torghut's default).
public struct SignalJSONDecoder: Sendable {
    private var tape = JSONTape()

    public init() {}

    public mutating func decode(_ line: UnsafeBufferPointer<UInt8>) -> Result<SignalRecord, RecordError> {
        do throws(JSONSyntaxError) {
            try self.tape.parse(line)
        } catch {
            return .failure(RecordError(.malformedRecord, at: error.byteOffset, error.message))
        }
        guard self.tape.tokens[0].kind == .object else {
            return .failure(RecordError(.malformedRecord, at: Int(self.tape.tokens[0].start), "a signal must be a JSON object"))
        }
        do throws(RecordError) {
            return .success(try Self.record(JSONObjectReader(tape: self.tape, bytes: line, object: 0, what: "signal")))
        } catch {
            return .failure(error)
        }
    }

    /// A nested group: an object, or null / absent for none. Anything else is an error, not a silent null; except a
    /// number where the flat row uses the same key for a value (`macd`), which `flatNumber` allows.
    private static func nested(
        _ row: JSONObjectReader, _ key: StaticString, flatNumber: Bool = false
    ) throws(RecordError) -> JSONObjectReader? {
        guard let token = row.member(key), !row.tape.isNull(token) else { return nil }
        if flatNumber && row.tape.tokens[token].kind == .number { return nil }
        guard row.tape.tokens[token].kind == .object else {
            throw RecordError(.invalidField, at: row.offset(token), "`\(key)` must be an object or null")
        }
        return JSONObjectReader(tape: row.tape, bytes: row.bytes, object: token, what: "`\(key)`")
    }

    /// A flat row's group is all or nothing: `required` members set together, or none (warm-up nulls). One set
    /// without another is an error rather than a group silently dropped.
    private static func flatGroup(
        _ row: JSONObjectReader, _ required: [StaticString]
    ) throws(RecordError) -> [Double]? {
        var values: [Double] = []
        var missing: StaticString?
        var present: (name: StaticString, token: Int)?
        for name in required {
            let token = row.member(name)
            if let value = try row.optionalNumber("\(name)", token) {
                values.append(value)
                if present == nil, let token { present = (name, token) }
            } else if missing == nil {
                missing = name
            }
        }
        guard let missing else { return values }
        guard let present else { return nil }
        throw RecordError(
            .invalidField, at: row.offset(present.token),
            "`\(present.name)` is set but `\(missing)` is not: the group needs both or neither")
    }

    private static func record(_ row: JSONObjectReader) throws(RecordError) -> SignalRecord {
        let eventTime = try row.timestamp("event_ts", row.member("event_ts", "eventTs"))
        let ingestToken = row.member("ingest_ts", "ingestTs")
        let ingestTime = ingestToken == nil ? eventTime : try row.timestamp("ingest_ts", ingestToken)
        let symbol = try row.string("symbol", row.member("symbol"))
        guard let seq = try row.int64("seq", row.member("seq")) else {
            throw RecordError(.missingField, at: row.start, "signal has no `seq`")
        }
        var window: SignalRecord.Window?
        if let nested = try nested(row, "window") {
            window = SignalRecord.Window(
                size: try nested.string("window.size", nested.member("size")),
                step: try nested.member("step").map { (t) throws(RecordError) in try nested.string("window.step", t) },
                start: try nested.member("start").map { (t) throws(RecordError) in try nested.timestamp("window.start", t) },
                end: try nested.member("end").map { (t) throws(RecordError) in try nested.timestamp("window.end", t) })
        } else if let size = row.member("window_size") {
            window = SignalRecord.Window(
                size: try row.string("window_size", size),
                step: try row.member("window_step").map { (t) throws(RecordError) in try row.string("window_step", t) },
                start: try row.member("window_start").map { (t) throws(RecordError) in try row.timestamp("window_start", t) },
                end: try row.member("window_end").map { (t) throws(RecordError) in try row.timestamp("window_end", t) })
        }
        let timeframe: Timeframe
        if let token = row.member("timeframe") {
            timeframe = Timeframe(rawValue: try row.string("timeframe", token))
        } else {
            timeframe = window.flatMap { Timeframe(isoDuration: $0.size) } ?? .oneMinute
        }
        var record = SignalRecord(
            ingestTime: ingestTime, eventTime: eventTime, symbol: symbol, seq: seq, timeframe: timeframe,
            isFinal: try row.bool("is_final", row.member("is_final", "isFinal")),
            source: try row.member("source").map { (t) throws(RecordError) in try row.string("source", t) },
            window: window,
            version: try Self.version(row))
        record.featureSchemaVersion = try row.member("feature_schema_version").map {
            (t) throws(RecordError) in try row.string("feature_schema_version", t)
        }
        record.signalQualityFlag = try row.member("signal_quality_flag").map {
            (t) throws(RecordError) in try row.string("signal_quality_flag", t)
        }
        record.close = try row.optionalNumber("close", row.member("close"))
        record.rsi14 = try row.optionalNumber("rsi14", row.member("rsi14"))

        if let m = try nested(row, "macd", flatNumber: true) {
            record.macd = SignalRecord.MACD(
                macd: try m.number("macd.macd", m.member("macd")), signal: try m.number("macd.signal", m.member("signal")),
                hist: try m.number("macd.hist", m.member("hist")))
        } else if let values = try flatGroup(row, ["macd", "macd_signal"]) {
            let hist = try row.optionalNumber("macd_hist", row.member("macd_hist")) ?? values[0] - values[1]
            record.macd = SignalRecord.MACD(macd: values[0], signal: values[1], hist: hist)
        }
        if let e = try nested(row, "ema") {
            record.ema = SignalRecord.EMA(
                ema12: try e.number("ema.ema12", e.member("ema12")), ema26: try e.number("ema.ema26", e.member("ema26")))
        } else if let values = try flatGroup(row, ["ema12", "ema26"]) {
            record.ema = SignalRecord.EMA(ema12: values[0], ema26: values[1])
        }
        if let b = try nested(row, "boll") {
            record.boll = SignalRecord.Bollinger(
                mid: try b.number("boll.mid", b.member("mid")), upper: try b.number("boll.upper", b.member("upper")),
                lower: try b.number("boll.lower", b.member("lower")))
        } else if let values = try flatGroup(row, ["boll_mid", "boll_upper", "boll_lower"]) {
            record.boll = SignalRecord.Bollinger(mid: values[0], upper: values[1], lower: values[2])
        }
        if let v = try nested(row, "vwap") {
            record.vwap = SignalRecord.VWAP(
                session: try v.number("vwap.session", v.member("session")),
                w5m: try v.optionalNumber("vwap.w5m", v.member("w5m")))
        } else if let session = try row.optionalNumber("vwap_session", row.member("vwap_session")) {
            record.vwap = SignalRecord.VWAP(
                session: session, w5m: try row.optionalNumber("vwap_w5m", row.member("vwap_w5m")))
        }
        if let i = try nested(row, "imbalance") {
            record.imbalance = SignalRecord.Imbalance(
                spread: try i.number("imbalance.spread", i.member("spread")),
                bidPx: try i.number("imbalance.bid_px", i.member("bid_px")),
                askPx: try i.number("imbalance.ask_px", i.member("ask_px")),
                bidSz: try i.number("imbalance.bid_sz", i.member("bid_sz")),
                askSz: try i.number("imbalance.ask_sz", i.member("ask_sz")))
        } else if let prices = try flatGroup(row, ["imbalance_bid_px", "imbalance_ask_px"]) {
            let (bid, ask) = (prices[0], prices[1])
            record.imbalance = SignalRecord.Imbalance(
                spread: try row.optionalNumber("imbalance_spread", row.member("imbalance_spread")) ?? ask - bid,
                bidPx: bid, askPx: ask,
                bidSz: try row.optionalNumber("imbalance_bid_sz", row.member("imbalance_bid_sz")) ?? 0,
                askSz: try row.optionalNumber("imbalance_ask_sz", row.member("imbalance_ask_sz")) ?? 0)
        }
        if let v = try nested(row, "vol_realized") {
            record.volRealized = SignalRecord.RealizedVolatility(w60s: try v.number("vol_realized.w60s", v.member("w60s")))
        } else if let w60s = try row.optionalNumber("vol_realized_w60s", row.member("vol_realized_w60s")) {
            record.volRealized = SignalRecord.RealizedVolatility(w60s: w60s)
        }
        return record
    }

    /// The record's schema `version`: a 32-bit integer, never silently truncated.
    private static func version(_ row: JSONObjectReader) throws(RecordError) -> Int32? {
        guard let token = row.member("version"), let value = try row.int64("version", token) else { return nil }
        guard let version = Int32(exactly: value) else {
            throw RecordError(.invalidField, at: row.offset(token), "`version` \(value) does not fit in 32 bits")
        }
        return version
    }
}
