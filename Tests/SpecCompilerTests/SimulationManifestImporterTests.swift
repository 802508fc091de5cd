import Runtime
import SpecModel
import Testing

@testable import SpecCompiler

/// `import torghut-simulation` on the original's ten simulation manifests (copies in Tests/Fixtures/torghut-config).
@Suite struct SimulationManifestImporterTests {
    static let directory = "Tests/Fixtures/torghut-config"

    static let manifestNames: [String] = {
        guard case .success(let names) = FileSystem.list(TestPaths.path(directory)) else { return [] }
        return names.filter { $0.hasPrefix("simulation-") && $0.hasSuffix(".yaml") }.sorted()
    }()

    static func manifest(_ name: String) throws -> SourceFile {
        guard case .success(let bytes) = FileSystem.read(TestPaths.path("\(directory)/\(name)"), limit: 1 << 20) else {
            throw TemporaryDirectory.Failure()
        }
        return SourceFile(path: name, bytes: bytes)
    }

    static func importAll() throws -> SimulationManifestImporter.Output {
        SimulationManifestImporter().importManifests(try Self.manifestNames.map(Self.manifest))
    }

    /// Writes the imported files beside the bundled universe and loads the tree.
    static func load(_ files: [(name: String, text: String)]) throws -> (SpecTree, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        for (name, text) in files { directory.write(name, text) }
        guard
            case .success(let bytes) = FileSystem.read(
                TestPaths.path("specs/universe/us-equities.yaml"), limit: 1 << 20)
        else { throw TemporaryDirectory.Failure() }
        directory.write("us-equities.yaml", String(decoding: bytes, as: UTF8.self))
        return (SpecTreeLoader().loadAndCompile(paths: [directory.path], features: .catalog).tree, directory)
    }

    @Test func everyEquityManifestImportsAndValidates() throws {
        #expect(Self.manifestNames.count == 10)
        let output = try Self.importAll()
        #expect(output.diagnostics.allSatisfy { $0.severity == .warning }, "\(output.diagnostics)")
        // Eight equity manifests; the 03-13 and 03-18 refresh/warm pairs are one scenario each.
        #expect(
            output.files.map(\.name) == [
                "torghut-trades-2025q4.yaml", "torghut-full-day-20260306.yaml",
                "torghut-full-day-20260313-0f50f32d.yaml", "torghut-full-day-20260318-884bec35.yaml",
                "torghut-smoke-open-30m-20260306.yaml", "torghut-smoke-open-hour-20260306.yaml",
            ])
        let skipped = output.diagnostics.filter { $0.code == .duplicateName }
        #expect(
            skipped.map(\.span.file) == [
                "simulation-full-day-2026-03-13-warm.yaml", "simulation-full-day-2026-03-18-warm.yaml",
            ])
        let options = output.diagnostics.filter { $0.code == .invalidValue }
        #expect(
            options.map(\.span.file) == [
                "simulation-options-full-day-2026-03-06.yaml", "simulation-options-smoke-open-30m-2026-03-06.yaml",
            ])
        #expect(options.allSatisfy { $0.message.contains("equities only") })
        // Thresholds without a one-to-one metric: TCA rows and order events, in each of the 8 equity manifests; and
        // the example's runtime overrides.
        let unmapped = output.diagnostics.filter { $0.code == .unknownKey }
        #expect(unmapped.count == 17)
        #expect(unmapped.filter { $0.message.hasPrefix("monitor.min_execution_tca_metrics (1)") }.count == 8)
        #expect(unmapped.filter { $0.message.hasPrefix("monitor.min_execution_order_events (1)") }.count == 8)
        #expect(unmapped.filter { $0.message.hasPrefix("torghut_env_overrides") }.count == 1)

        let (tree, directory) = try Self.load(output.files)
        _ = directory
        #expect(tree.diagnostics.isEmpty, "\(tree.diagnostics)")
        #expect(tree.documents(of: .scenario).count == 6)
        for document in tree.documents(of: .scenario) {
            guard case .scenario(let scenario) = document.body else { continue }
            #expect(scenario.synthetic, "\(document.name)")
            #expect(scenario.universe.value.rawValue == "us-equities")
            #expect(scenario.symbols.isEmpty)  // equity manifests list no symbols: the whole universe
            #expect(scenario.source.generator?.kind == .trendDay)
            let datasetID = try #require(scenario.origin?.datasetID)
            #expect(document.name.rawValue == datasetID)
            let seed = ContentHash.of(bytes: Array(datasetID.utf8)).low & 0xffff_ffff
            #expect(scenario.source.generator?.seed.value == seed)
            #expect(
                scenario.gates.map { "\($0.metric.value.rawValue)>=\($0.min?.value.description ?? "-")" } == [
                    "decisions>=1", "orders>=1",
                ])
            #expect(scenario.costs.commissionBPS == .zero && scenario.costs.perTradeFeeUSD == .zero)
            #expect(scenario.account.startingCashUSD.value == Decimal(100_000))
        }
    }

    /// The window in New York minutes: 14:30Z is the open before the DST switch of 2026-03-08, 13:30Z after it.
    @Test(arguments: [
        ("torghut-trades-2025q4", "2026-02-27", 0, 120, "simulation-example-dataset.yaml"),
        ("torghut-full-day-20260306", "2026-03-06", 0, 390, "simulation-full-day-2026-03-06.yaml"),
        ("torghut-full-day-20260313-0f50f32d", "2026-03-13", 0, 390, "simulation-full-day-2026-03-13-refresh.yaml"),
        ("torghut-full-day-20260318-884bec35", "2026-03-18", 0, 390, "simulation-full-day-2026-03-18-refresh.yaml"),
        ("torghut-smoke-open-30m-20260306", "2026-03-06", 0, 30, "simulation-smoke-open-30m-2026-03-06.yaml"),
        ("torghut-smoke-open-hour-20260306", "2026-03-06", 0, 60, "simulation-smoke-open-hour-2026-03-06.yaml"),
    ])
    func sessionWindowIsConvertedFromUTC(
        _ name: String, _ date: String, _ start: Int, _ minutes: Int, _ manifest: String
    )
        throws
    {
        let (tree, directory) = try Self.load(try Self.importAll().files)
        _ = directory
        let document = try #require(tree.documents(of: .scenario).first { $0.name.rawValue == name })
        guard case .scenario(let scenario) = document.body else { return }
        #expect(scenario.session.date.value.description == date)
        #expect(scenario.session.startMinutesAfterOpen.value == start)
        #expect(scenario.session.minutes.value == minutes)
        #expect(scenario.origin?.manifest == manifest)
        #expect(scenario.origin?.candidateID == (name == "torghut-trades-2025q4" ? nil : "intraday_tsmom_v1@prod"))
    }

    @Test func importingTwiceGivesIdenticalBytes() throws {
        let first = try Self.importAll()
        let second = try Self.importAll()
        #expect(first.files.map(\.name) == second.files.map(\.name))
        #expect(first.files.map(\.text) == second.files.map(\.text))
        #expect(first.diagnostics == second.diagnostics)
    }

    @Test func oneScenarioReadsAsWritten() throws {
        let output = SimulationManifestImporter().importManifests([
            try Self.manifest("simulation-smoke-open-30m-2026-03-06.yaml")
        ])
        let seed = ContentHash.of(bytes: Array("torghut-smoke-open-30m-20260306".utf8)).low & 0xffff_ffff
        #expect(
            output.files.first?.text == """
                # Imported from the Torghut simulation manifest simulation-smoke-open-30m-2026-03-06.yaml
                # by `torghut import torghut-simulation`. synthetic: its ClickHouse dump does not exist here,
                # so a seeded generator stands in for the recorded day.
                apiVersion: torghut.dev/v1
                kind: Scenario
                metadata:
                  name: torghut-smoke-open-30m-20260306
                  description: "Torghut simulation torghut-smoke-open-30m-20260306 on synthetic stand-in data"
                spec:
                  universe: us-equities
                  session:
                    date: 2026-03-06
                    start_minutes_after_open: 0
                    minutes: 30
                  source:
                    generator:
                      kind: trend_day
                      seed: \(seed)
                  costs:
                    commission_bps: 0
                    per_trade_fee_usd: 0
                  account:
                    starting_cash_usd: 100000
                  gates:
                    - {metric: decisions, min: 1}
                    - {metric: orders, min: 1}
                  synthetic: true
                  origin:
                    manifest: "simulation-smoke-open-30m-2026-03-06.yaml"
                    dataset_id: "torghut-smoke-open-30m-20260306"
                    candidate_id: "intraday_tsmom_v1@prod"
                    window_start: "2026-03-06T14:30:00Z"
                    window_end: "2026-03-06T15:00:00Z"

                """)
    }

    // MARK: Errors and edge cases

    /// A manifest `m.yaml` with a dataset id that is not an identifier, and the given window lines (from line 4).
    static func windowManifest(_ window: String, extra: String = "", path: String = "m.yaml") -> SourceFile {
        SourceFile(
            path: path, text: "dataset_id: 'Sim 2026/03/09 #1'\ncandidate_id: x@prod\nwindow:\n\(window)\(extra)")
    }

    @Test(arguments: [
        // (window lines, expected code, line:column, message prefix)
        (
            "  trading_day: '2026-03-09'\n  start: '2026-03-09T13:00:00Z'\n  end: '2026-03-09T14:00:00Z'\n", "SPEC015",
            "5:10",
            "the window 2026-03-09T13:00:00Z to 2026-03-09T14:00:00Z is outside the regular session of 2026-03-09"
        ),
        (
            "  trading_day: '2026-03-09'\n  start: '2026-03-09T19:30:00Z'\n  end: '2026-03-09T20:30:00Z'\n", "SPEC015",
            "6:8",
            "the window 2026-03-09T19:30:00Z to 2026-03-09T20:30:00Z is outside the regular session"
        ),
        (
            "  trading_day: '2026-03-09'\n  start: '2026-03-09T15:00:00Z'\n  end: '2026-03-09T14:00:00Z'\n", "SPEC025",
            "6:8",
            "window.end (2026-03-09T14:00:00Z) is not after window.start"
        ),
        (
            "  trading_day: '2026-03-09'\n  start: 'tomorrow'\n  end: '2026-03-09T14:00:00Z'\n", "SPEC026", "5:10",
            "window.start is not an ISO-8601 instant on a whole minute: 'tomorrow'"
        ),
        (
            "  trading_day: '2026-03-09'\n  start: '2026-03-09T13:30:30Z'\n  end: '2026-03-09T14:00:00Z'\n", "SPEC026",
            "5:10",
            "window.start is not an ISO-8601 instant on a whole minute"
        ),
        (
            "  trading_day: '2026-02-30'\n  start: '2026-03-09T13:30:00Z'\n  end: '2026-03-09T14:00:00Z'\n", "SPEC026",
            "4:16",
            "window.trading_day is not a date YYYY-MM-DD: '2026-02-30'"
        ),
        (
            "  trading_day: '2026-03-09'\n  end: '2026-03-09T14:00:00Z'\n", "SPEC013", "3:1",
            "the manifest has no window.start"
        ),
        (
            "  timezone: UTC\n  trading_day: '2026-03-09'\n  start: '2026-03-09T13:30:00Z'\n"
                + "  end: '2026-03-09T14:00:00Z'\n",
            "SPEC026", "4:13", "window.timezone must be America/New_York"
        ),
    ])
    func badWindowsAreErrorsAtTheirPlace(_ window: String, _ code: String, _ location: String, _ message: String) {
        let output = SimulationManifestImporter().importManifests([Self.windowManifest(window)])
        #expect(output.files.isEmpty)
        let found = output.diagnostics.map { "\($0.code.id) \($0.span.start.map { "\($0.line):\($0.column)" } ?? "-")" }
        #expect(found == ["\(code) \(location)"], "\(output.diagnostics.map(\.message))")
        #expect(output.diagnostics.first?.message.hasPrefix(message) == true, "\(output.diagnostics.map(\.message))")
    }

    @Test func offsetsAndNamesAreNormalized() throws {
        // 09:30 EDT on 2026-03-09 (the Monday after the DST switch), written with a -04:00 offset.
        let output = SimulationManifestImporter(universe: Identifier("tiny")!, startingCashUSD: Decimal(5_000))
            .importManifests([
                Self.windowManifest(
                    "  trading_day: '2026-03-09'\n  start: '2026-03-09T09:45:00-04:00'\n  end: '2026-03-09T14:15Z'\n",
                    extra: "symbols: [AAPL, MSFT]\nreporting: {commission_bps: '0.5', per_trade_fee: '0.65'}\n"
                        + "monitor: {min_trade_decisions: 0, min_executions: 3}\n")
            ])
        #expect(output.diagnostics.isEmpty, "\(output.diagnostics)")
        let text = try #require(output.files.first).text
        #expect(output.files.first?.name == "sim-2026-03-09--1.yaml")
        #expect(text.contains("  name: sim-2026-03-09--1\n"))
        #expect(text.contains("  universe: tiny\n  symbols: [AAPL, MSFT]\n"))
        #expect(text.contains("    start_minutes_after_open: 15\n    minutes: 30\n"))
        #expect(text.contains("  costs:\n    commission_bps: 0.5\n    per_trade_fee_usd: 0.65\n"))
        #expect(text.contains("    starting_cash_usd: 5000\n"))
        // A minimum of 0 always passes, so it makes no gate.
        #expect(text.contains("  gates:\n    - {metric: orders, min: 3}\n  synthetic: true\n"))
        #expect(text.contains("    dataset_id: \"Sim 2026/03/09 #1\"\n"))
    }

    @Test func differentScenariosWithOneNameAreAnError() {
        let window = "  trading_day: '2026-03-09'\n  start: '2026-03-09T13:30:00Z'\n  end: '2026-03-09T14:00:00Z'\n"
        let other = "  trading_day: '2026-03-09'\n  start: '2026-03-09T13:30:00Z'\n  end: '2026-03-09T14:30:00Z'\n"
        let output = SimulationManifestImporter().importManifests([
            Self.windowManifest(window), Self.windowManifest(other, path: "n.yaml"),
        ])
        #expect(output.files.count == 1)
        #expect(output.diagnostics.map(\.code) == [.duplicateName])
        #expect(output.diagnostics.first?.severity == .error)
        #expect(output.diagnostics.first?.span.file == "n.yaml")
    }

    @Test(
        arguments: [
            ("torghut-full-day-20260306", "torghut-full-day-20260306"), ("Torghut_Full.Day", "torghut_full.day"),
            ("--x y@z", "x-y-z"), ("***", nil),
            ("a" + String(repeating: "b", count: 200), "a" + String(repeating: "b", count: 127)),
        ] as [(String, String?)])
    func datasetIDsBecomeIdentifiers(_ datasetID: String, _ expected: String?) {
        #expect(SimulationManifestImporter.identifier(from: datasetID) == expected)
    }

    /// The importer's DST rule agrees with the runtime's New York calendar on every day of 1990-2100.
    @Test func newYorkOpenMatchesTheRuntimeCalendar() throws {
        var mismatches: [String] = []
        for year in 1990...2100 {
            for month in 1...12 {
                for day in 1...CalendarDate.daysInMonth(year: year, month: month) {
                    let date = try #require(CalendarDate(year: year, month: month, day: day))
                    let runtime = NewYorkTime.instant(
                        ofNewYork: CivilDate(year: year, month: month, day: day), minuteOfDay: 570)
                    if Int64(UTCMinute.newYorkOpen(date)) * 60_000_000_000 != runtime { mismatches.append("\(date)") }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(UTCMinute.newYorkOffsetMinutes(try #require(CalendarDate("2026-03-06"))) == -300)
        #expect(UTCMinute.newYorkOffsetMinutes(try #require(CalendarDate("2026-03-09"))) == -240)
        #expect(UTCMinute.newYorkOffsetMinutes(try #require(CalendarDate("2026-10-30"))) == -240)
        #expect(UTCMinute.newYorkOffsetMinutes(try #require(CalendarDate("2026-11-02"))) == -300)
    }
}
