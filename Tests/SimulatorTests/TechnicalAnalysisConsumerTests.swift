import Runtime
import Simulator
import SpecCompiler
import SpecModel
import Testing

/// "The strategy evaluator consumes its output unchanged": `torghut ta`'s signals, written and read back as JSON
/// lines, drive the feature extractor and the plan runner like Torghut's own `ta.signals`.
@Suite struct TechnicalAnalysisConsumerTests {
    static func signalsFromFile() throws -> [SignalRecord] {
        var written: [UInt8] = []
        let job = TechnicalAnalysisJob(
            inputs: [TestPaths.fixture("ta/trades.jsonl"), TestPaths.fixture("ta/bars.csv")],
            configuration: TechnicalAnalysisConfiguration())
        _ = job.run {
            written += SignalJSONEncoder.encode($0)
            written.append(UInt8(ascii: "\n"))
        }
        var decoder = SignalJSONDecoder()
        var signals: [SignalRecord] = []
        for line in written.split(separator: UInt8(ascii: "\n")) {
            signals.append(try Array(line).withUnsafeBufferPointer { decoder.decode($0) }.get())
        }
        return signals
    }

    @Test func featuresAreCompleteAfterWarmUp() throws {
        let signals = try Self.signalsFromFile()
        var extractor = FeatureExtractor(symbols: ["AAPL", "NVDA", "SPY"])
        var checked = 0
        var barsSeen: [String: Int] = [:]
        for signal in signals {
            let symbol = ["AAPL": 0, "NVDA": 1, "SPY": 2][signal.symbol]!
            let features = extractor.features(
                symbol: symbol, signal: signal, session: MarketCalendar.nyse.session(containing: signal.eventTime))
            barsSeen[signal.symbol + signal.timeframe.rawValue, default: 0] += 1
            // Torghut's required set is always there: price, macd, macd_signal (and rsi14 from the second bar).
            #expect(features[.price] == signal.close)
            #expect(features[.macd] != nil && features[.macdSignal] != nil)
            guard barsSeen[signal.symbol + signal.timeframe.rawValue]! > IndicatorParameters.realizedVolatilityBars,
                signal.vwap != nil
            else { continue }
            for id: FeatureID in [.rsi14, .ema12, .ema26, .bollMid, .bollUpper, .bollLower, .vwapSession, .vwapW5m, .volRealizedW60s] {
                #expect(features[id] != nil, "\(signal.symbol) \(signal.seq) lacks \(id)")
            }
            if signal.symbol == "NVDA" { #expect(features[.imbalanceSpread] != nil) }
            checked += 1
        }
        #expect(checked > 1000)
    }

    @Test func thePlanRunnerEvaluatesEverySignalOfItsTimeframe() throws {
        let (_, output) = SpecTreeLoader().loadAndCompile(
            paths: [FileSystem.join(TestPaths.repository, "examples/torghut-aded76ac0f")], features: .catalog)
        var runner = try PlanRunner(plan: try #require(output).plan)
        let signals = try Self.signalsFromFile()
        var evaluated = 0
        var gatesPassed = 0
        for signal in signals {
            let results = runner.process(signal, equity: Decimal(100_000))
            let expected = signal.timeframe == .oneSecond ? 1 : 0  // TSMOM trades 1Sec bars of its universe
            #expect(results.count == expected, "\(signal.symbol) \(signal.seq)")
            evaluated += results.count
            for result in results {
                for outcome in result.evaluation.outcomes {
                    if case .failedCondition(let index?) = outcome.result, index > 0 { gatesPassed += 1 }
                    if outcome.result == .fired { gatesPassed += 1 }
                }
            }
        }
        #expect(evaluated == signals.count { $0.timeframe == .oneSecond })
        // Real values flow into the rules: some signals get past the first gate.
        #expect(gatesPassed > 0)
    }
}
