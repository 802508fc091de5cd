#if canImport(Glibc)
import Glibc
#endif
import Runtime
import Simulator
import SpecCompiler
import SpecModel
import Testing

/// Scenario runs: output files, hashes, gates, and golden files (render, parse, differences).
@Suite struct ScenarioRunTests {
    static let session = MarketCalendar.nyse.session(on: CivilDate(year: 2026, month: 3, day: 6))!

    static func plan() throws -> ExecutionPlan {
        let (_, output) = SpecTreeLoader().loadAndCompile(
            paths: [FileSystem.join(TestPaths.repository, "examples/torghut-aded76ac0f")], features: .catalog)
        return try #require(output).plan
    }

    static func scenario(seed: UInt64 = 7, gates: [ScenarioRun.Gate] = []) -> ScenarioRun {
        ScenarioRun(
            name: "trend-test",
            source: .generator(
                MarketGenerator.Settings(
                    kind: .trendDay, seed: seed, session: session, symbols: ["AAPL", "NVDA"], minutes: 15)),
            settings: SimulationSettings(startingCash: Decimal(100_000)), gates: gates)
    }

    @Test func writesOutputsWhoseHashesAreReported() throws {
        let directory = "/tmp/torghut-scenario-run-\(UInt64.random(in: 0...UInt64.max))"
        defer {
            FileSystem.remove(FileSystem.join(directory, "events.jsonl"))
            FileSystem.remove(FileSystem.join(directory, "metrics.json"))
        }
        let result = try ScenarioRunner.run(Self.scenario(), plan: try Self.plan(), outputDirectory: directory)
        let events = try FileSystem.read(FileSystem.join(directory, "events.jsonl"), limit: 1 << 30).get()
        let metrics = try FileSystem.read(FileSystem.join(directory, "metrics.json"), limit: 1 << 20).get()
        #expect(ContentHash.of(bytes: events) == result.eventsHash)
        #expect(ContentHash.of(bytes: metrics) == result.metricsHash)
        #expect(events.count { $0 == UInt8(ascii: "\n") } == result.eventCount)
        #expect(String(decoding: metrics, as: UTF8.self).contains("\"net_usd\""))
        // Without an output folder the same run gives the same hashes.
        let again = try ScenarioRunner.run(Self.scenario(), plan: try Self.plan())
        #expect(again.eventsHash == result.eventsHash && again.metricsHash == result.metricsHash)
        #expect(result.decisions.map(\.strategy) == ["intraday_tsmom_v1@prod"])
        // Without decision lines (long runs keep memory flat): the same outputs, no lines kept.
        let lean = try ScenarioRunner.run(Self.scenario(), plan: try Self.plan(), decisionLines: false)
        #expect(lean.eventsHash == result.eventsHash && lean.metricsHash == result.metricsHash)
        #expect(lean.decisions.isEmpty && lean.eventCount == result.eventCount)
    }

    /// Raw market data, the same signals as JSON lines, and the same signals as a binary dataset drive identical runs.
    @Test func everyFileKindOfOneMarketGivesTheSameRun() throws {
        let directory = "/tmp/torghut-scenario-files-\(UInt64.random(in: 0...UInt64.max))"
        try FileSystem.makeDirectories(directory).get()
        let raw = [TestPaths.fixture("ta/trades.jsonl"), TestPaths.fixture("ta/bars.csv")]
        var signals: [SignalRecord] = []
        _ = TechnicalAnalysisJob(inputs: raw, configuration: TechnicalAnalysisConfiguration()).run { signals.append($0) }
        let jsonLines = FileSystem.join(directory, "signals.jsonl")
        try FileSystem.write(jsonLines, signals.flatMap { SignalJSONEncoder.encode($0) + [UInt8(ascii: "\n")] }).get()
        let dataset = FileSystem.join(directory, "signals.tgds")
        try FileSystem.write(dataset, try SignalDatasetWriter.encode(signals, rowsPerBlock: 100)).get()
        // The same signals in two files, replayed one after the other (each file opened only for its turn).
        let halves = [FileSystem.join(directory, "first.tgds"), FileSystem.join(directory, "second.tgds")]
        try FileSystem.write(halves[0], try SignalDatasetWriter.encode(Array(signals[..<700]), rowsPerBlock: 100)).get()
        try FileSystem.write(halves[1], try SignalDatasetWriter.encode(Array(signals[700...]), rowsPerBlock: 64)).get()
        defer { ([jsonLines, dataset] + halves).forEach(FileSystem.remove) }

        let plan = try Self.plan()
        func run(_ paths: [String]) throws -> ScenarioResult {
            try ScenarioRunner.run(
                ScenarioRun(name: "files", source: .files(paths), settings: SimulationSettings(startingCash: Decimal(100_000))),
                plan: plan)
        }
        let fromRaw = try run(raw)
        #expect(fromRaw.metrics.signals == 1577 && fromRaw.metrics.decisions > 0)
        #expect(try run([jsonLines]).eventsHash == fromRaw.eventsHash)
        #expect(try run([dataset]).eventsHash == fromRaw.eventsHash)
        #expect(try run(halves).eventsHash == fromRaw.eventsHash)
        #expect(throws: SimulationError.self) { try run([dataset, raw[0]]) }
    }

    /// A run that stops part-way (a block damaged after the first ones were simulated) reports the file and code and
    /// leaves the previous outputs untouched: no truncated events file, no stray partial files.
    @Test func aRunThatStopsKeepsThePreviousOutputs() throws {
        let directory = "/tmp/torghut-scenario-stop-\(UInt64.random(in: 0...UInt64.max))"
        try FileSystem.makeDirectories(directory).get()
        var signals: [SignalRecord] = []
        _ = TechnicalAnalysisJob(inputs: [TestPaths.fixture("ta/trades.jsonl")], configuration: TechnicalAnalysisConfiguration())
            .run { signals.append($0) }
        let dataset = FileSystem.join(directory, "signals.tgds")
        let events = FileSystem.join(directory, "events.jsonl")
        let metrics = FileSystem.join(directory, "metrics.json")
        defer { [dataset, events, metrics].forEach(FileSystem.remove) }
        var bytes = try SignalDatasetWriter.encode(signals, rowsPerBlock: 50)
        try FileSystem.write(dataset, bytes).get()
        let run = ScenarioRun(
            name: "files", source: .files([dataset]), settings: SimulationSettings(startingCash: Decimal(100_000)))
        let plan = try Self.plan()
        let good = try ScenarioRunner.run(run, plan: plan, outputDirectory: directory)
        #expect(good.metrics.signals > 200)
        let before = try [events, metrics].map { try FileSystem.read($0, limit: 1 << 30).get() }
        // Damage a byte three quarters into the file: blocks before it have been simulated when it is found.
        bytes[bytes.count * 3 / 4] ^= 0xFF
        try FileSystem.write(dataset, bytes).get()
        let error = #expect(throws: SimulationError.self) {
            try ScenarioRunner.run(run, plan: plan, outputDirectory: directory)
        }
        #expect(error?.code == .damagedDataset && error?.path == dataset)
        #expect(error?.message.contains("checksum mismatch") == true)
        #expect(error?.message.hasPrefix("block 0 ") == false)
        #expect(try [events, metrics].map { try FileSystem.read($0, limit: 1 << 30).get() } == before)
        #expect(try FileSystem.list(directory).get().sorted() == ["events.jsonl", "metrics.json", "signals.tgds"])
        // A run that finishes but cannot replace one of the two files replaces neither.
        try FileSystem.write(dataset, try SignalDatasetWriter.encode(signals, rowsPerBlock: 50)).get()
        FileSystem.remove(metrics)
        try FileSystem.makeDirectories(metrics).get()
        defer { _ = rmdir(metrics) }
        let blocked = #expect(throws: FileSystem.Failure.self) {
            try ScenarioRunner.run(run, plan: plan, outputDirectory: directory)
        }
        #expect(blocked?.path == metrics)
        #expect(try FileSystem.read(events, limit: 1 << 30).get() == before[0])
        #expect(try FileSystem.list(directory).get().sorted() == ["events.jsonl", "metrics.json", "signals.tgds"])
    }

    /// Twice a 5 billion USD equity is past the exact decimal's range: buying power saturates (gross exposure still
    /// subtracted) and the run trades on.
    @Test func aLargeAccountSaturatesBuyingPower() throws {
        var run = Self.scenario()
        run.settings = SimulationSettings(startingCash: Decimal(5_000_000_000))
        let result = try ScenarioRunner.run(run, plan: try Self.plan())
        #expect(result.metrics.orders > 0 && result.metrics.fills == result.metrics.orders)
    }

    /// Signals are stamped at their bar's end, so the window takes the bars ending in (start, end]: not the one that
    /// ends at the open (trades before it), and the one that ends at the close of the window.
    @Test func theWindowTakesTheBarsEndingInsideIt() throws {
        let directory = "/tmp/torghut-scenario-window-\(UInt64.random(in: 0...UInt64.max))"
        defer {
            FileSystem.remove(FileSystem.join(directory, "events.jsonl"))
            FileSystem.remove(FileSystem.join(directory, "metrics.json"))
        }
        let start = Self.session.open
        let end = start + 15 * Timestamp.nanosPerMinute
        var run = Self.scenario()
        run.window = ScenarioRun.window(from: start, to: end)
        _ = try ScenarioRunner.run(run, plan: try Self.plan(), outputDirectory: directory)
        let events = try FileSystem.read(FileSystem.join(directory, "events.jsonl"), limit: 1 << 30).get()
        let times = String(decoding: events, as: UTF8.self).split(separator: "\n").compactMap { line -> TimestampNanos? in
            guard line.contains("\"kind\":\"signal\""), let range = line.firstRange(of: "\"ts\":\"") else { return nil }
            return Timestamp.parse(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(times.min() == start + Timestamp.nanosPerSecond)
        #expect(times.max() == end)
        #expect(!ScenarioRun.window(from: start, to: end).contains(start))
    }

    /// Orders above the cost model's participation cap are reported (an event field, a metric a gate can check)
    /// and still fill; with the default $50 M ADV none of TSMOM's $1,000 entries is.
    @Test func ordersOverCapacityAreReportedAndStillFill() throws {
        let directory = "/tmp/torghut-scenario-capacity-\(UInt64.random(in: 0...UInt64.max))"
        defer {
            FileSystem.remove(FileSystem.join(directory, "events.jsonl"))
            FileSystem.remove(FileSystem.join(directory, "metrics.json"))
        }
        let plan = try Self.plan()
        let normal = try ScenarioRunner.run(Self.scenario(), plan: plan)
        #expect(normal.metrics.orders > 0 && normal.metrics.ordersOverCapacity == 0)
        // $1,000 entries against a $5,000 ADV: 20 % participation, above the 10 % cap.
        var run = Self.scenario(gates: [.init(metric: .ordersOverCapacity, max: 0)])
        run.settings.costs = TorghutCostModel(advUSD: 5_000)
        let thin = try ScenarioRunner.run(run, plan: plan, outputDirectory: directory)
        #expect(thin.metrics.ordersOverCapacity == thin.metrics.orders && thin.metrics.fills == thin.metrics.orders)
        #expect(thin.failedGates.first?.hasPrefix("orders_over_capacity = ") == true)
        let events = String(decoding: try FileSystem.read(FileSystem.join(directory, "events.jsonl"), limit: 1 << 30).get(), as: UTF8.self)
        let orders = events.split(separator: "\n").filter { $0.contains("\"kind\":\"order\"") }
        #expect(!orders.isEmpty && orders.allSatisfy { $0.contains("\"over_capacity\":true") })
        let metrics = String(decoding: try FileSystem.read(FileSystem.join(directory, "metrics.json"), limit: 1 << 20).get(), as: UTF8.self)
        #expect(metrics.contains("\"over_capacity\": \(thin.metrics.orders)"))
        #expect(GoldenFile(thin).render().contains("\nmetric orders_over_capacity \(thin.metrics.orders)\n"))
    }

    @Test func gatesFailWithTheValuesCompared() throws {
        let result = try ScenarioRunner.run(
            Self.scenario(gates: [
                .init(metric: .orders, max: 1), .init(metric: .fillRate, min: 1), .init(metric: .signals, min: 1),
            ]), plan: try Self.plan())
        #expect(result.failedGates.count == 1)
        #expect(result.failedGates.first?.hasPrefix("orders = ") == true)
        #expect(result.failedGates.first?.hasSuffix("> max 1.0") == true)
    }

    @Test func goldenFilesRoundTripAndNameWhatChanged() throws {
        let plan = try Self.plan()
        let golden = GoldenFile(try ScenarioRunner.run(Self.scenario(), plan: plan))
        let text = golden.render()
        #expect(try GoldenFile.parse(text).get() == golden)
        #expect(golden.differences(from: try GoldenFile.parse(text).get()).isEmpty)
        #expect(text.contains("\nstrategy intraday_tsmom_v1@prod "))
        // Another market: the strategy's decisions and the hashes differ, and the report says which and where.
        let other = GoldenFile(try ScenarioRunner.run(Self.scenario(seed: 8), plan: plan))
        let differences = other.differences(from: golden)
        #expect(differences.first?.hasPrefix("strategy intraday_tsmom_v1@prod: decisions changed") == true)
        #expect(differences.contains { $0.hasPrefix("  - ") } && differences.contains { $0.hasPrefix("  + ") })
        #expect(differences.contains { $0.hasPrefix("output events.jsonl: ") })
        #expect(GoldenFile.parse("scenario x\nbogus line\n").map { _ in 0 } == .failure(GoldenParseError(line: 2)))
    }
}
