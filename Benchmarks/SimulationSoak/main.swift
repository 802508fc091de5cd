// A long simulation for memory and end-to-end speed (issue 6: 100 M events in ≤ 256 MB; ≥ 5 M events/s).
//
//   swift run -c release SimulationSoak ROWS [DATASET_PATH] [--all-families | --only STRATEGY_ID | --no-strategies] [--repeat N]
//
// `--all-families` enables every strategy of the bundled plan (one per family, 11) instead of the two the specs
// enable: the benchmark asks for the rate "with all families". `--only ID` enables that one strategy alone
// (what a plan that reads few features costs); `--no-strategies` enables none (the floor: reading, features
// nothing reads are skipped, the signal lines and their hash). `--repeat N` replays the dataset N times in one run (a 100 M-event run
// from a 3 M-row file: event times restart at each pass, so this measures memory and rate, not a real stream).
// 1. Writes a binary signal dataset of ROWS signals: seeded trend days for 15 symbols through the TA pipeline,
//    session after session (skipped when DATASET_PATH already exists).
// 2. Replays it through the bundled plan with ScenarioRunner (events hashed, not written), printing the maximum
//    resident set size after 10 % and after 100 % of the rows, and the rate.

#if canImport(Glibc)
import Glibc
#endif
import Runtime
import Simulator
import SpecCompiler
import SpecModel

func maxResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}

func seconds(_ clock: ContinuousClock.Instant) -> Double {
    let duration = ContinuousClock.now - clock
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

var arguments = CommandLine.arguments
let allFamilies = arguments.contains("--all-families")
let noStrategies = arguments.contains("--no-strategies")
arguments.removeAll { $0 == "--all-families" || $0 == "--no-strategies" }
var repeats = 1
if let flag = arguments.firstIndex(of: "--repeat"), flag + 1 < arguments.count {
    repeats = max(1, Int(arguments[flag + 1]) ?? 1)
    arguments.removeSubrange(flag...(flag + 1))
}
var only: String?
if let flag = arguments.firstIndex(of: "--only"), flag + 1 < arguments.count {
    only = arguments[flag + 1]
    arguments.removeSubrange(flag...(flag + 1))
}
let rows = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let path = arguments.count > 2 ? arguments[2] : "/tmp/torghut-soak-\(rows).tgds"
let symbols = ["AAPL", "AMAT", "AMD", "AVGO", "GOOG", "INTC", "META", "MSFT", "MU", "NVDA", "PLTR", "QQQ", "SHOP", "SPY", "TSLA"]

if FileSystem.type(of: path) != .file {
    let start = ContinuousClock.now
    var writer = try SignalDatasetWriter(path: path + ".partial")
    var written = 0
    var date = CivilDate(year: 2026, month: 1, day: 2)
    var seed: UInt64 = 1
    while written < rows {
        guard let session = MarketCalendar.nyse.session(on: date) else {
            date = date.adding(days: 1)
            continue
        }
        let settings = MarketGenerator.Settings(
            kind: seed % 2 == 0 ? .trendDay : .meanRevertingDay, seed: seed, session: session, symbols: symbols,
            minutes: session.lengthMinutes, tradesPerSecond: 1)
        try SignalSource.forEach(.generator(settings), ta: TechnicalAnalysisConfiguration()) { signal in
            guard written < rows else { return }
            try writer.append(signal)
            written += 1
        }
        date = date.adding(days: 1)
        seed += 1
    }
    _ = try writer.finish()
    _ = FileSystem.rename(path + ".partial", to: path)
    print("wrote \(written) signals to \(path) in \(seconds(start)) s")
}

let (tree, output) = SpecTreeLoader().loadAndCompile(paths: ["../specs"], features: .catalog)
guard !tree.hasErrors, var plan = output?.plan else { fatalError("run from Benchmarks/: \(tree.diagnostics)") }
if allFamilies {
    for index in plan.strategies.indices { plan.strategies[index].enabled = true }
}
if let only {
    guard plan.strategies.contains(where: { $0.id.rawValue == only }) else {
        fatalError("no strategy \(only): \(plan.strategies.map(\.id.rawValue))")
    }
    for index in plan.strategies.indices { plan.strategies[index].enabled = plan.strategies[index].id.rawValue == only }
}
if noStrategies {
    for index in plan.strategies.indices { plan.strategies[index].enabled = false }
}
print("strategies enabled: \(plan.strategies.filter(\.enabled).count) of \(plan.strategies.count)")
print("before the run: max RSS \(maxResidentMB()) MB")
let start = ContinuousClock.now
let result = try ScenarioRunner.run(
    ScenarioRun(name: "soak", source: .files(Array(repeating: path, count: repeats)), settings: SimulationSettings(startingCash: Decimal(1_000_000))),
    plan: plan, decisionLines: false)
let elapsed = seconds(start)
print(
    "\(result.metrics.signals) signals, \(result.eventCount) events, \(result.metrics.fills) fills in \(elapsed) s: "
        + "\(Int(Double(result.metrics.signals) / elapsed)) signals/s; max RSS \(maxResidentMB()) MB; "
        + "events \(result.eventsHash)")
