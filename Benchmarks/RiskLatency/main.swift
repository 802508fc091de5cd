// Per-intent latency of the full risk chain (issue 7: ≤ 100 ns at p99), in a release build:
//
//   cd Benchmarks && swift build -c release --product RiskLatency && .build/release/RiskLatency [SAMPLES [KIND]]
//
// The engine is built from the bundled specs (specs/risk/torghut-prod.yaml: every numeric limit set except the
// position notional and min notional, PDT on). The state is warmed with order history so the rate windows, the
// duplicate table and the cooldown hold data. The intents are a fixed mix: full-chain passes (every check runs),
// clamps (position/gross caps and the share step) and late rejections. Each call is timed on its own with the
// time-stamp counter (CycleCounter: `lfence; rdtsc`, converted to ns against CLOCK_MONOTONIC); the median cost of an
// empty timed call (the baseline, measured the same way in the same process) is subtracted. The mean over a block of
// calls without per-call timers is printed as a cross-check.

#if canImport(Glibc)
import Glibc
#endif
import CycleCounter
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

/// `caseCount` intents of one kind (64: with their accounts, 14 KB, so the harness's own data stays in L1 as a
/// freshly built intent would): `pass` runs every check and is allowed; `clamp` is cut by the position, gross or
/// share-step checks; `reject` is refused by the last checks (buying power, min notional or quantity step).
let caseCount = 64

func makeCases(_ kind: String, now: TimestampNanos) -> [Case] {
    // `same`: one allowed intent repeated, which separates the data-dependent cost from the fixed one.
    if kind == "same" { return Array(repeating: makeCases("pass", now: now)[1], count: caseCount) }
    // `first`: refused by the first check (no price): the fixed cost of a call.
    if kind == "first" {
        return makeCases("pass", now: now).map { var item = $0; item.intent.limitPrice = nil; return item }
    }
    return (0..<caseCount).map { index in
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
    // Time-stamp counter ticks per nanosecond, from a stretch of wall-clock time.
    let calibrationStart = (nanos(), cycle_counter_read())
    var spin = 0
    while nanos() - calibrationStart.0 < 20_000_000 { spin &+= 1 }
    let ticksPerNano = Double(cycle_counter_read() - calibrationStart.1) / Double(nanos() - calibrationStart.0)
    func toNanos(_ ticks: UInt64) -> Int64 { Int64((Double(ticks) / ticksPerNano).rounded()) }

    // Baseline: the counter pair around an empty call.
    var empty = [Int64](repeating: 0, count: samples)
    var sink = spin & 1
    for index in 0..<samples {
        let t0 = cycle_counter_read()
        sink &+= index
        let t1 = cycle_counter_read()
        empty[index] = toNanos(t1 - t0)
    }
    empty.sort()
    let overhead = percentile(empty, 0.5)

    // A histogram of whole nanoseconds (8 KB, stays in cache) rather than an array of every sample (8 MB, whose
    // writes would stream through the cache and evict the engine's data between calls).
    var histogram = [Int](repeating: 0, count: 1_024)
    for index in 0..<samples {
        let item = cases[index & (caseCount - 1)]
        let t0 = cycle_counter_read()
        engine.evaluate(item.intent, account: item.account, state: state, into: &verdict)
        let t1 = cycle_counter_read()
        histogram[Int(max(0, min(1_023, toNanos(t1 - t0) - overhead)))] += 1
        sink &+= verdict.clamps.count
    }
    var timings: [Int64] = []
    timings.reserveCapacity(samples)
    for (nanos, count) in histogram.enumerated() where count > 0 {
        timings.append(contentsOf: repeatElement(Int64(nanos), count: count))
    }

    let blockStart = nanos()
    for index in 0..<samples {
        let item = cases[index & (caseCount - 1)]
        engine.evaluate(item.intent, account: item.account, state: state, into: &verdict)
        sink &+= verdict.clamps.count
    }
    let blockMean = Double(nanos() - blockStart) / Double(samples)

    return (overhead, empty, timings, blockMean, sink)
}

/// Fixed work of about the chain's length (a chain of dependent multiplies, no memory, no branches), timed the same
/// way: its tail is the machine's and the timer's, not the chain's.
@inline(never)
func fixedWork(_ seed: UInt64) -> UInt64 {
    var x = seed | 1
    for _ in 0..<48 { x = (x &* 0x9E37_79B9_7F4A_7C15) ^ (x >> 29) }
    return x
}

/// Fixed memory work of about the chain's length: 40 dependent loads walking a permutation of 512 slots (4 KB, all
/// in L1 after the first pass). Its tail is what this machine does to cache-resident loads, the chain's own kind of
/// work, where the ALU-only baseline above has none.
let chase: [Int] = {
    var order = Array(0..<512)
    var seed: UInt64 = 0x2545_F491_4F6C_DD1D
    for index in stride(from: order.count - 1, to: 0, by: -1) {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        order.swapAt(index, Int(seed >> 33) % (index + 1))
    }
    var next = [Int](repeating: 0, count: 512)
    for index in 0..<order.count { next[order[index]] = order[(index + 1) % order.count] }
    return next
}()

@inline(never)
func fixedLoads(_ table: UnsafeBufferPointer<Int>, _ start: Int) -> Int {
    var slot = start & 511
    for _ in 0..<40 { slot = table[slot] }
    return slot
}

func measureFixedWork(samples: Int, loads: Bool = false) -> [Int64] {
    let calibrationStart = (nanos(), cycle_counter_read())
    var spin = 0
    while nanos() - calibrationStart.0 < 20_000_000 { spin &+= 1 }
    let ticksPerNano = Double(cycle_counter_read() - calibrationStart.1) / Double(nanos() - calibrationStart.0)
    var empty = [Int64](repeating: 0, count: samples)
    var timings = [Int64](repeating: 0, count: samples)
    var sink = UInt64(spin)
    for index in 0..<samples {
        let t0 = cycle_counter_read()
        sink &+= UInt64(index)
        let t1 = cycle_counter_read()
        empty[index] = Int64((Double(t1 - t0) / ticksPerNano).rounded())
    }
    empty.sort()
    let overhead = percentile(empty, 0.5)
    chase.withUnsafeBufferPointer { table in
        for index in 0..<samples {
            let t0 = cycle_counter_read()
            sink &+= loads ? UInt64(fixedLoads(table, index)) : fixedWork(UInt64(index))
            let t1 = cycle_counter_read()
            timings[index] = Int64((Double(t1 - t0) / ticksPerNano).rounded()) - overhead
        }
    }
    precondition(sink != 42)
    return timings.sorted()
}

let repetitions = 5
let kinds = CommandLine.arguments.count > 2 ? [CommandLine.arguments[2]] : ["pass", "clamp", "reject"]
print("risk chain: \(RiskCheck.allCases.count) checks, bundled prod policy, \(samples) timed intents per run, \(repetitions) runs per kind")
if kinds.count > 1 || kinds == ["baseline"] {
    for loads in [false, true] {
        print(loads
              ? "baseline (fixed loads, 40 dependent loads within 4 KB, timed the same way):"
              : "baseline (fixed work, 48 dependent multiplies, timed the same way):")
        var runs: [[Int64]] = []
        for _ in 0..<repetitions { runs.append(measureFixedWork(samples: samples, loads: loads)) }
        for (rank, run) in runs.sorted(by: { percentile($0, 0.99) < percentile($1, 0.99) }).enumerated() {
            print("  run ranked \(rank + 1) by p99: p50 \(percentile(run, 0.5)) ns, p90 \(percentile(run, 0.9)) ns, p99 \(percentile(run, 0.99)) ns, p99.9 \(percentile(run, 0.999)) ns")
        }
    }
}
for kind in kinds where kind != "baseline" {
    let cases = makeCases(kind, now: state.now)
    var verdict = RiskVerdict()
    var outcomes: [String: Int] = [:]
    for item in cases {
        engine.evaluate(item.intent, account: item.account, state: state, into: &verdict)
        outcomes[verdict.denial?.reason ?? (verdict.clamps.isEmpty ? "allowed" : "clamped"), default: 0] += 1
    }
    let mix = outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    print("\(kind) (\(mix) per \(caseCount)):")
    // The VM's noise moves whole runs (a run's median can double), so each kind runs several times; RESULTS.md
    // quotes the median run and the best run, ranked by p99.
    var runs: [(p50: Int64, p90: Int64, p99: Int64, p999: Int64, mean: Double, timer: Int64)] = []
    for _ in 0..<repetitions {
        let (overhead, _, timings, blockMean, sink) = measure(engine: engine, state: state, cases: cases, samples: samples)
        runs.append((percentile(timings, 0.5), percentile(timings, 0.9), percentile(timings, 0.99),
                     percentile(timings, 0.999), blockMean, overhead))
        precondition(sink >= 0)
    }
    for (rank, run) in runs.sorted(by: { $0.p99 < $1.p99 }).enumerated() {
        print("  run ranked \(rank + 1) by p99: p50 \(run.p50) ns, p90 \(run.p90) ns, p99 \(run.p99) ns, p99.9 \(run.p999) ns; block mean \(Int(run.mean.rounded())) ns; timer baseline \(run.timer) ns")
    }
}
