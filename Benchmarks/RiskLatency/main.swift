// Per-intent latency of the full risk chain (issue 7: ≤ 100 ns at p99), in a release build:
//
//   cd Benchmarks && swift build -c release --product RiskLatency && .build/release/RiskLatency [SAMPLES [KIND]]
//
// The engine is built from the bundled specs (specs/risk/torghut-prod.yaml: every numeric limit set except the
// position notional and min notional, PDT on). The state is warmed with order history so the rate windows, the
// duplicate table and the cooldown hold data. The intents are a fixed mix: full-chain passes (every check runs),
// clamps (position/gross caps and the share step) and late rejections. Each call is timed on its own with
// CLOCK_MONOTONIC; the median cost of an empty timed call (the baseline, measured the same way in the same process)
// is subtracted. The mean over a block of calls without per-call timers is printed as a cross-check.

#if canImport(Glibc)
import Glibc
#endif
import Runtime
import SpecCompiler
import SpecModel

@inline(__always)
func nanos() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}

func percentile(_ sorted: [Int64], _ p: Double) -> Int64 {
    sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
}

let samples = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
var root = #filePath.split(separator: "/", omittingEmptySubsequences: false)
root.removeLast(3)
let specs = root.joined(separator: "/") + "/specs"
let (tree, output) = SpecTreeLoader().loadAndCompile(paths: [specs], features: .catalog)
guard !tree.hasErrors, let plan = output?.plan else { fatalError("bundled specs must compile") }
let engine = try RiskEngine(plan: plan)
let strategy = plan.strategies.firstIndex { $0.id.rawValue == "intraday_tsmom_v1@prod" }!
let start = Timestamp.parse("2026-03-06T15:00:00Z")!  // 10:00 New York
var state = engine.makeState()
engine.observe(&state, time: start, equity: Decimal(100_000))
let symbols = ["AAPL", "AMD", "MSFT", "NVDA", "TSLA", "META"].map { engine.symbolIndex(of: Symbol($0)!)! }
// Warm history: an order per symbol a few seconds apart.
for (offset, symbol) in symbols.enumerated() {
    engine.observe(&state, time: start + Int64(offset) * 7_000_000_000, equity: Decimal(100_000))
    let intent = RiskIntent(
        strategy: strategy, symbol: symbol, action: .sell, quantity: Decimal(1), limitPrice: Decimal(100),
        signalTime: state.now)
    engine.record(intent, allowed: Decimal(1), account: RiskAccount(equity: Decimal(100_000), buyingPower: Decimal(200_000)), in: &state)
}
engine.observe(&state, time: start + 60_000_000_000, equity: Decimal(100_500))

struct Case {
    var intent: RiskIntent
    var account: RiskAccount
}

/// 1,024 intents of one kind: `pass` runs every check and is allowed; `clamp` is cut by the position, gross or
/// share-step checks; `reject` is refused by the last checks (buying power, min notional or quantity step).
func makeCases(_ kind: String, now: TimestampNanos) -> [Case] {
    (0..<1_024).map { index in
        let symbol = symbols[index % symbols.count]
        let price = Decimal(units: Int64(100_000_000_000) + Int64(index % 97) * 10_000_000)
        var quantity = Decimal(Int(10 + index % 50))
        var gross = Decimal(30_000)
        var buyingPower = Decimal(150_000)
        switch kind {
        case "clamp":
            if index % 2 == 0 { gross = Decimal(99_000) } else { quantity = Decimal(units: 45_500_000_000) }
        case "reject":
            buyingPower = Decimal(1_000)
        default:
            break
        }
        let account = RiskAccount(
            equity: Decimal(100_500), buyingPower: buyingPower, pendingOrderNotional: Decimal(1_000),
            grossExposure: gross, netExposure: Decimal(20_000), openPositions: 3,
            position: index % 3 == 0 ? Decimal(20) : .zero, mark: price)
        return Case(
            intent: RiskIntent(
                strategy: strategy, symbol: symbol, action: .buy, quantity: quantity, limitPrice: price,
                bandReference: price, signalTime: now - 2_000_000_000, quoteTime: now - 1_000_000_000,
                averageDailyVolumeUSD: Decimal(50_000_000)),
            account: account)
    }
}

/// The timed loops, in a function so the engine, state and cases are locals (top-level globals would be copied
/// into every call).
func measure(
    engine: RiskEngine, state: RiskState, cases: [Case], samples: Int
) -> (overhead: Int64, empty: [Int64], timings: [Int64], blockMean: Double, sink: Int) {
    var verdict = RiskVerdict()
    // Baseline: the timer pair around an empty call.
    var empty = [Int64](repeating: 0, count: samples)
    var sink = 0
    for index in 0..<samples {
        let t0 = nanos()
        sink &+= index
        let t1 = nanos()
        empty[index] = t1 - t0
    }
    empty.sort()
    let overhead = percentile(empty, 0.5)

    var timings = [Int64](repeating: 0, count: samples)
    for index in 0..<samples {
        let item = cases[index & 1_023]
        let t0 = nanos()
        engine.evaluate(item.intent, account: item.account, state: state, into: &verdict)
        let t1 = nanos()
        timings[index] = t1 - t0 - overhead
        sink &+= verdict.clamps.count
    }
    timings.sort()

    let blockStart = nanos()
    for index in 0..<samples {
        let item = cases[index & 1_023]
        engine.evaluate(item.intent, account: item.account, state: state, into: &verdict)
        sink &+= verdict.clamps.count
    }
    let blockMean = Double(nanos() - blockStart) / Double(samples)

    return (overhead, empty, timings, blockMean, sink)
}

print("risk chain: \(RiskCheck.allCases.count) checks, bundled prod policy, \(samples) timed intents per kind")
let kinds = CommandLine.arguments.count > 2 ? [CommandLine.arguments[2]] : ["pass", "clamp", "reject"]
for kind in kinds {
    let cases = makeCases(kind, now: state.now)
    var verdict = RiskVerdict()
    var outcomes: [String: Int] = [:]
    for item in cases {
        engine.evaluate(item.intent, account: item.account, state: state, into: &verdict)
        outcomes[verdict.denial?.reason ?? (verdict.clamps.isEmpty ? "allowed" : "clamped"), default: 0] += 1
    }
    let (overhead, empty, timings, blockMean, sink) = measure(engine: engine, state: state, cases: cases, samples: samples)
    let mix = outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    print("\(kind) (\(mix)): timer baseline p50 \(overhead) ns, p99 \(percentile(empty, 0.99)) ns; per intent, baseline subtracted: p50 \(percentile(timings, 0.5)) ns, p90 \(percentile(timings, 0.9)) ns, p99 \(percentile(timings, 0.99)) ns, p99.9 \(percentile(timings, 0.999)) ns; block mean \(Int(blockMean.rounded())) ns (sink \(sink & 1))")
}
