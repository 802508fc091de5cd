// Strategy evaluation: the bundled plan (every enabled strategy) over a fixed stream of 1,000 signals for 4 symbols. Baseline: the feature
// extraction alone over the same stream, so the ratio isolates the rule evaluation (RuleProgram + StrategyBook).
// evaluation/2 includes building the runner (compiling the plan's strategies) and the `[StrategyResult]` API;
// evaluation/3 is the per-signal path the simulator should use: a copy of a built runner and `process(into:)`.

import Benchmark
import Runtime
import SpecCompiler
import SpecModel

func registerEvaluationBenchmarks() {
    let (tree, output) = SpecTreeLoader().loadAndCompile(paths: [locateSpecsDirectory()], features: .catalog)
    guard !tree.hasErrors, let plan = output?.plan else { fatalError("bundled specs must compile: \(tree.diagnostics)") }
    let symbols = ["AAPL", "MSFT", "NVDA", "AMD"]
    let start = Timestamp.parse("2026-01-02T15:00:00Z")!
    // Deterministic pseudo-random walk (SplitMix64), so every run sees the same stream.
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    var records: [SignalRecord] = []
    for index in 0..<1_000 {
        let time = start + Int64(index) * 1_000_000_000
        let macd = (next() - 0.45) * 0.03
        records.append(
            SignalRecord(
                ingestTime: time, eventTime: time, symbol: symbols[index % 4], seq: Int64(index), timeframe: .oneSecond,
                macd: .init(macd: macd, signal: 0, hist: macd),
                ema: .init(ema12: 100 + next(), ema26: 100 + next()), rsi14: 30 + next() * 40,
                volRealized: .init(w60s: next() * 0.0004), close: 100 + next() * 5))
    }

    let sortedSymbols = symbols.sorted()
    let symbolIDs = records.map { sortedSymbols.firstIndex(of: $0.symbol)! }
    Benchmark("evaluation/1 FeatureExtractor.update x1000 signals (baseline)", configuration: baselineConfiguration()) {
        benchmark in
        for _ in benchmark.scaledIterations {
            var extractor = FeatureExtractor(symbols: sortedSymbols)
            var vector = FeatureVector()
            for (record, id) in zip(records, symbolIDs) {
                extractor.update(symbol: id, signal: record, session: nil, into: &vector)
            }
            blackHole(vector)
        }
    }

    Benchmark("evaluation/2 PlanRunner.process x1000 signals (features + the bundled plan + sizing)") { benchmark in
        for _ in benchmark.scaledIterations {
            var runner = try! PlanRunner(plan: plan)
            var decisions = 0
            for record in records { decisions += runner.process(record, equity: Decimal(100_000)).decisions.count }
            blackHole(decisions)
        }
    }

    let template = try! PlanRunner(plan: plan)
    Benchmark("evaluation/3 PlanRunner.process(into:) x1000 signals (built runner, reused result buffer)") { benchmark in
        for _ in benchmark.scaledIterations {
            var runner = template
            var results = SignalEvaluations()
            var decisions = 0
            for record in records {
                runner.process(record, equity: Decimal(100_000), into: &results)
                decisions += results.decisions.count
            }
            blackHole(decisions)
        }
    }
}
