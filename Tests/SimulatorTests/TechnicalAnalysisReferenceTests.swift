import Runtime
import Simulator
import SpecCompiler
import SpecModel
import Testing

/// `torghut ta`'s engine against the independent reference (scripts/ta_reference.py → Tests/Fixtures/ta): every
/// indicator of every signal, both modes. Tolerance: |ours − reference| ≤ 1e-12 · max(1, |reference|); the observed
/// worst is ≈2e-15 (running VWAP and volatility sums against the reference's exact `math.fsum`).
@Suite struct TechnicalAnalysisReferenceTests {
    static let inputs = [TestPaths.fixture("ta/trades.jsonl"), TestPaths.fixture("ta/bars.csv")]
    static let tolerance = 1e-12

    /// The reference's flat rows, keyed like the ClickHouse columns.
    static func expected(_ name: String) throws -> [[String: JSONValue]] {
        let reader = try LineReader(path: TestPaths.fixture("ta/" + name))
        var tape = JSONTape()
        var rows: [[String: JSONValue]] = []
        while let row = try reader.next({ line -> [String: JSONValue] in
            try! tape.parse(line)
            var row: [String: JSONValue] = [:]
            tape.forEachMember(0) { key, value in
                let name = tape.string(key, in: line)!
                switch tape.tokens[value].kind {
                case .null: row[name] = .null
                case .string: row[name] = .string(tape.string(value, in: line)!)
                case .number: row[name] = .double(tape.double(value, in: line)!)
                default: Issue.record("unexpected \(name)")
                }
            }
            return row
        }) {
            rows.append(row)
        }
        return rows
    }

    static func run(_ mode: TechnicalAnalysisMode, chunkSize: Int = 1 << 20) throws -> (
        [SignalRecord], TechnicalAnalysisJob.Report
    ) {
        var signals: [SignalRecord] = []
        let job = TechnicalAnalysisJob(
            inputs: inputs, configuration: TechnicalAnalysisConfiguration(mode: mode), chunkSize: chunkSize)
        let report = job.run { signals.append($0) }
        return (signals, report)
    }

    static func number(_ value: JSONValue?) -> Double? {
        if case .double(let x) = value { return x }
        return nil
    }

    @Test(arguments: [(TechnicalAnalysisMode.native, "expected-native.jsonl"), (.torghutParity, "expected-parity.jsonl")])
    func everyIndicatorMatchesTheReference(mode: TechnicalAnalysisMode, file: String) throws {
        let (signals, report) = try Self.run(mode)
        let expected = try Self.expected(file)
        #expect(report.errorCount == 0)
        #expect(signals.count == expected.count)
        var compared = 0
        var mismatches: [String] = []
        for (signal, row) in zip(signals, expected) {
            let label = "\(signal.symbol) seq \(signal.seq)"
            #expect(.string(signal.symbol) == row["symbol"], "\(label)")
            #expect(.string(signal.timeframe.rawValue) == row["timeframe"], "\(label)")
            #expect(Self.number(row["seq"]).map { Int64($0) } == signal.seq, "\(label)")
            if case .string(let eventTime) = row["event_ts"] {
                #expect(Timestamp.parse(eventTime) == signal.eventTime, "\(label)")
            }
            let ours: [(String, Double?)] = [
                ("close", signal.close), ("ema12", signal.ema?.ema12), ("ema26", signal.ema?.ema26),
                ("macd", signal.macd?.macd), ("macd_signal", signal.macd?.signal), ("macd_hist", signal.macd?.hist),
                ("rsi14", signal.rsi14), ("boll_mid", signal.boll?.mid), ("boll_upper", signal.boll?.upper),
                ("boll_lower", signal.boll?.lower), ("vwap_session", signal.vwap?.session),
                ("vwap_w5m", signal.vwap?.w5m), ("vol_realized_w60s", signal.volRealized?.w60s),
                ("imbalance_spread", signal.imbalance?.spread), ("imbalance_bid_px", signal.imbalance?.bidPx),
                ("imbalance_ask_px", signal.imbalance?.askPx), ("imbalance_bid_sz", signal.imbalance?.bidSz),
                ("imbalance_ask_sz", signal.imbalance?.askSz),
            ]
            for (name, value) in ours {
                let reference = Self.number(row[name])
                switch (value, reference) {
                case (nil, nil): continue
                case (let a?, let b?):
                    compared += 1
                    if abs(a - b) > Self.tolerance * max(1, abs(b)) { mismatches.append("\(label) \(name): \(a) vs \(b)") }
                default: mismatches.append("\(label) \(name): \(String(describing: value)) vs \(String(describing: reference))")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        // Every kind of value was compared, not just nulls.
        #expect(compared > signals.count * 10)
    }

    @Test func theFixtureExercisesWhatItClaims() throws {
        let (signals, _) = try Self.run(.native)
        let nvda = signals.filter { $0.symbol == "NVDA" }
        #expect(nvda.count > IndicatorParameters.parityBufferBars, "parity's sliding seed must be reached")
        #expect(nvda.contains { $0.imbalance != nil } && nvda.contains { $0.imbalance == nil })
        #expect(signals.contains { $0.symbol == "SPY" && $0.vwap == nil }, "zero-volume segment start")
        #expect(Set(signals.map(\.timeframe)) == [.oneSecond, .oneMinute])
        let parity = try Self.run(.torghutParity).0
        #expect(
            zip(signals, parity).contains { $0.ema != $1.ema || $0.macd != $1.macd || $0.rsi14 != $1.rsi14 },
            "parity's buffer seeding differs")
    }

    /// The NIO `ByteToMessageDecoderVerifier` idea: however the bytes arrive, the records and signals are the same.
    @Test(arguments: [1, 7, 300, 4096])
    func outputDoesNotDependOnReadChunking(chunkSize: Int) throws {
        let whole = try Self.run(.native).0
        let chunked = try Self.run(.native, chunkSize: chunkSize).0
        #expect(chunked == whole)
    }

    @Test func outputRoundTripsThroughTheSignalCodec() throws {
        let (signals, _) = try Self.run(.native)
        var decoder = SignalJSONDecoder()
        for signal in signals {
            let bytes = SignalJSONEncoder.encode(signal)
            let decoded = bytes.withUnsafeBufferPointer { decoder.decode($0) }
            #expect(try decoded.get() == signal)
        }
    }
}
