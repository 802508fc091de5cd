import Foundation
import Testing

/// `torghut simulate` and `torghut golden` as users and CI run them.
@Suite(.serialized) struct SimulateCommandTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the bundled specs to edit.
    func specsCopy(in directory: URL) throws -> URL {
        let copy = directory.appendingPathComponent("specs")
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("specs"), to: copy)
        return copy
    }

    func edit(_ file: URL, _ old: String, _ new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old), "fixture drifted: \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    @Test func twoProcessesWriteIdenticalOutputFolders() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("a").path
        let second = directory.appendingPathComponent("b").path
        let a = try CLI.run(["simulate", "specs", "--out", first])
        let b = try CLI.run(["simulate", "specs", "--out", second])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout.hasSuffix("simulated 2 scenarios, every gate passed\n"))
        for scenario in ["mean-reverting-day", "trend-day"] {
            for file in ["events.jsonl", "metrics.json"] {
                let left = FileManager.default.contents(atPath: "\(first)/\(scenario)/\(file)")
                #expect(left != nil && left == FileManager.default.contents(atPath: "\(second)/\(scenario)/\(file)"),
                        "\(scenario)/\(file)")
            }
        }
    }

    /// `--format json` lists each scenario's counts and hashes under `results`, the same hashes the text prints.
    @Test func jsonOutputListsEachScenariosResult() throws {
        let text = try CLI.run(["simulate", "specs"])
        let json = try CLI.run(["simulate", "specs", "--format", "json"])
        #expect(text.status == 0 && json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let results = try #require(object?["results"] as? [[String: Any]])
        #expect(results.map { $0["scenario"] as? String } == ["mean-reverting-day", "trend-day"])
        let trend = results[1]
        #expect(trend["signals"] as? Int == 9249 && trend["decisions"] as? Int == 16)
        let events = try #require((trend["events"] as? [String: Any])?["xxh3_128"] as? String)
        let metrics = try #require((trend["metrics"] as? [String: Any])?["xxh3_128"] as? String)
        #expect(text.stdout.contains("trend-day: 9249 signals, 16 decisions, 0 fills, net PnL 0 USD (costs 0), events \(events) (9281), metrics \(metrics)"))
        #expect(trend["net_pnl_usd"] as? String == "0" && (trend["failed_gates"] as? [Any])?.isEmpty == true)
        #expect((object?["summary"] as? [String: Any])?["scenarios"] as? Int == 2)
    }

    @Test func goldenVerifyPassesOnTheBundledSpecs() throws {
        let result = try CLI.run(["golden", "verify"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout == "golden: 2 scenarios verified\n")
    }

    /// The aded76ac0f tree's TSMOM trades often: its golden covers entries, flips, exits, costs and positions.
    @Test func goldenVerifyPassesOnTheTSMOMExample() throws {
        let result = try CLI.run([
            "golden", "verify", "examples/torghut-aded76ac0f", "--golden-dir", "Tests/Golden/torghut-aded76ac0f",
        ])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout == "golden: 1 scenario verified\n")
        let golden = try String(
            contentsOf: CLI.root.appendingPathComponent("Tests/Golden/torghut-aded76ac0f/tsmom-trend-day.golden"),
            encoding: .utf8)
        #expect(golden.contains("\nmetric decisions 156\n") && golden.contains("\nstrategy intraday_tsmom_v1@prod 156\n"))
    }

    @Test func aThresholdEditFailsVerifyAndNamesTheStrategy() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let specs = try self.specsCopy(in: directory)
        // Raise the breakout strategy's notional cap: its entries, refused until now, go out (clamped by gross exposure).
        try self.edit(
            specs.appendingPathComponent("risk/torghut-prod.yaml"), "max_notional_per_trade_usd: 315900.2,",
            "max_notional_per_trade_usd: 400000,")
        let golden = CLI.root.appendingPathComponent("Tests/Golden").path
        let result = try CLI.run(["golden", "verify", specs.path, "--golden-dir", golden])
        #expect(result.status == 1)
        #expect(result.stdout.contains("error[GOLD002]: scenario trend-day no longer reproduces its golden file"))
        #expect(result.stdout.contains("= note: strategy breakout_continuation_long_v1@research: decisions changed (16 → 2)"))
        #expect(result.stdout.contains(
            "= note:   - 2026-03-06T15:09:40Z MSFT buy entry 739 @ 440.49 (breakout_continuation_long) -> risk rejected: "
                + "max_notional_exceeded"))
        // The first differing event: the refusal became a clamped order (the signals before it are unchanged).
        #expect(result.stdout.contains(
            " = note: first differing event 6112:\n"
                + " = note:   - event 6112 risk_rejected MSFT buy 739 limit 440.5: max_notional_exceeded\n"
                + " = note:   + event 6112 order MSFT buy 227.0147 limit 440.5 (requested 739: "
                + "gross_exposure_capacity_exhausted, qty_invalid_increment)\n"))
        #expect(result.stdout.contains("= note: metric orders: 0 → 2"))
        #expect(result.stdout.hasSuffix("golden: 1 of 2 scenarios failed\n"))
    }

    @Test func aMissingGoldenFailsAndUpdateWritesIt() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let goldens = directory.appendingPathComponent("golden").path
        let missing = try CLI.run(["golden", "verify", "specs", "--golden-dir", goldens])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("error[GOLD001]: scenario trend-day has no golden file"))
        let update = try CLI.run(["golden", "update", "specs", "--golden-dir", goldens])
        #expect(update.status == 0 && update.stdout.hasSuffix("golden: 2 scenarios, 2 updated\n"))
        #expect(try CLI.run(["golden", "verify", "specs", "--golden-dir", goldens]).status == 0)
        // The files written equal the committed ones.
        #expect(FileManager.default.contents(atPath: goldens + "/trend-day.golden")
                == FileManager.default.contents(atPath: CLI.root.appendingPathComponent("Tests/Golden/trend-day.golden").path))
        try "scenario trend-day\nnonsense\n".write(toFile: goldens + "/trend-day.golden", atomically: true, encoding: .utf8)
        let malformed = try CLI.run(["golden", "verify", "specs", "--golden-dir", goldens])
        #expect(malformed.status == 2 && malformed.stdout.contains("trend-day.golden:2:1: error[GOLD003]"))
    }

    @Test func aDateWithoutASessionIsReportedAtTheSpec() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let specs = try self.specsCopy(in: directory)
        let file = specs.appendingPathComponent("scenarios/trend-day.yaml")
        try self.edit(file, "date: 2026-03-06 ", "date: 2026-11-26 ")  // Thanksgiving
        let result = try CLI.run(["simulate", specs.path, "--scenario", "trend-day"])
        #expect(result.status == 2)
        #expect(result.stdout.contains(
            "trend-day.yaml:13:11: error[SIM001]: 2026-11-26 has no New York session (weekend or exchange holiday"))
        try self.edit(file, "date: 2026-11-26 ", "date: 2026-11-27 ")  // half day: closes at 13:00
        try self.edit(file, "start_minutes_after_open: 0 ", "start_minutes_after_open: 200 ")
        let late = try CLI.run(["simulate", specs.path, "--scenario", "trend-day"])
        #expect(late.status == 2)
        #expect(late.stdout.contains("error[SIM001]: the window ends 50 minutes after the early close of 2026-11-27"))
    }

    /// A dataset damaged after conversion stops its scenario with DATA007 at the file (exit 2, not a bare error):
    /// the other scenario still runs and reports, and `golden verify` exits 2 rather than calling it a mismatch.
    @Test func aDamagedDatasetIsADiagnosticAtTheFile() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let specs = try self.specsCopy(in: directory)
        let dataset = specs.appendingPathComponent("scenarios/day.tgds")
        let converted = try CLI.run(["dataset", "convert", "Tests/Fixtures/ta/trades.jsonl", dataset.path])
        #expect(converted.status == 0, "\(converted.stderr)")
        var bytes = try Data(contentsOf: dataset)
        bytes[40] ^= 0xFF  // inside the first block: its checksum no longer matches
        try bytes.write(to: dataset)
        try """
            apiVersion: torghut.dev/v1
            kind: Scenario
            metadata: {name: damaged-day, description: A dataset damaged after conversion.}
            spec:
              universe: us-equities
              session: {date: 2026-03-06, start_minutes_after_open: 0, minutes: 60}
              source: {dataset: {path: day.tgds}}
              account: {starting_cash_usd: 100000}

            """.write(to: specs.appendingPathComponent("scenarios/damaged-day.yaml"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["simulate", specs.path])
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stdout.contains(
            "scenarios/day.tgds: error[DATA007]: scenario damaged-day stopped: block 0 at byte 16: checksum mismatch"))
        #expect(result.stdout.contains("\ntrend-day: 9249 signals"))
        #expect(result.stdout.hasSuffix("simulated 2 scenarios, every gate passed; 1 scenario could not run\n"))
        let verify = try CLI.run(["golden", "verify", specs.path, "--golden-dir", directory.appendingPathComponent("g").path])
        #expect(verify.status == 2 && verify.stdout.contains("error[DATA007]: scenario damaged-day stopped"))
        #expect(verify.stdout.hasSuffix("golden: 1 scenario could not run\n"))
    }

    @Test func aFailedGateExitsOneWithTheValue() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let specs = try self.specsCopy(in: directory)
        try self.edit(
            specs.appendingPathComponent("scenarios/trend-day.yaml"), "{metric: signals, min: 1}",
            "{metric: signals, min: 10000}")
        let result = try CLI.run(["simulate", specs.path, "--scenario", "trend-day"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("error[SIM003]: scenario trend-day: gate signals = 9249.0 < min 10000.0"))
        #expect(result.stdout.hasSuffix("simulated 1 scenario, 1 gate failed\n"))
        let unknown = try CLI.run(["simulate", specs.path, "--scenario", "nope"])
        #expect(unknown.status == 2 && unknown.stdout.contains("error[SIM002]: no scenario named 'nope'"))
        #expect(unknown.stdout.contains("= note: scenarios: mean-reverting-day, trend-day"))
    }
}
