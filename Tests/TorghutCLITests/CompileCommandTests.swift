import Foundation
import Testing

@Suite struct CompileCommandTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func compileWritesPlanAndSourceMapAndPrintsTheHash() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let planPath = directory.appendingPathComponent("plan.json").path
        let result = try CLI.run(["compile", "specs", "-o", planPath])
        #expect(result.status == 0)
        let hash = try #require(result.stdout.split(separator: "\n").last.map(String.init))
        #expect(hash.count == 32 && hash.allSatisfy { "0123456789abcdef".contains($0) })
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: planPath))) as? [String: Any]
        #expect(plan?["hash"] as? String == hash)
        let strategies = (plan?["plan"] as? [String: Any])?["strategies"] as? [[String: Any]]
        #expect(strategies?.count == 11)
        #expect(strategies?.contains { $0["id"] as? String == "intraday_tsmom_v1@prod" } == true)
        // The map points at the rule's line in the spec: find it independently in the file.
        let spec = try String(contentsOf: CLI.root.appendingPathComponent("specs/strategies/intraday-tsmom.yaml"), encoding: .utf8)
        let line = try #require(spec.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("        - hist >= bullish_hist_min") }) + 1
        let map = try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("plan.sourcemap.json"))) as? [String: String]
        #expect(map?["strategies/intraday_tsmom_v1@prod/entries/long/conditions/2"]
            == "specs/strategies/intraday-tsmom.yaml:\(line):11")
    }

    /// Dictionary order is seeded per process: two processes must write the same bytes.
    @Test func planBytesAreIdenticalAcrossProcesses() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("a.json").path
        let second = directory.appendingPathComponent("b.json").path
        #expect(try CLI.run(["compile", "specs", "-o", first]).status == 0)
        #expect(try CLI.run(["compile", "specs", "-o", second]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
        let firstMap = directory.appendingPathComponent("a.sourcemap.json")
        let secondMap = directory.appendingPathComponent("b.sourcemap.json")
        #expect(try Data(contentsOf: firstMap) == Data(contentsOf: secondMap))
    }

    @Test func invalidSpecsAreNotCompiled() throws {
        let result = try CLI.run(["compile", "Tests/Fixtures/bad-specs/PLAN001-unknown-feature.yaml", "-o", "/dev/null"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("error[PLAN001]: unknown name 'rsi'"))
        #expect(result.stdout.hasSuffix("not compiled: 2 documents in 1 file, 1 error, 0 warnings\n"))
    }
}

@Suite struct ExplainCommandTests {
    static let snapshot = CLI.root.appendingPathComponent("Tests/TorghutCLITests/Snapshots/explain-specs.txt")

    @Test func explainMatchesItsSnapshot() throws {
        let result = try CLI.run(["explain", "specs"])
        #expect(result.status == 0)
        if ProcessInfo.processInfo.environment["TORGHUT_RECORD_SNAPSHOTS"] == "1" {
            try Data(result.stdout.utf8).write(to: Self.snapshot)
            Issue.record("recorded \(Self.snapshot.path); verify the diff and commit")
            return
        }
        #expect(result.stdout == (try String(contentsOf: Self.snapshot, encoding: .utf8)))
    }

    @Test func explainNamesTheTightestLimitAndItsScope() throws {
        let result = try CLI.run(["explain", "specs", "--strategy", "intraday_tsmom_v1@prod"])
        #expect(result.status == 0)
        // Every check in chain order, with the tightest value in force and where it came from.
        #expect(result.stdout.contains(
            "    20. max_notional       increasing reject max_notional_per_trade_usd = 50000 (strategy) -> max_notional_exceeded\n"))
        #expect(result.stdout.contains(
            "     8. price_band         all orders reject price_band_bps = 150 (global) -> price_band_exceeded\n"))
        #expect(result.stdout.contains(
            "    22. position_notional  increasing clamp  off -> symbol_capacity_exhausted\n"))
        #expect(result.stdout.contains("  features:  cross_section_continuation_rank, cross_section_opening_window_return_rank, "
            + "ema12, ema26, macd, macd_signal, recent_imbalance_pressure_avg, recent_microprice_bias_bps_avg, "
            + "recent_quote_invalid_ratio, rsi14, spread_bps, vol_realized_w60s\n"))
    }

    @Test func unknownStrategyExitsTwoAndBadIdentifierIsUsage() throws {
        let missing = try CLI.run(["explain", "specs", "--strategy", "nope"])
        #expect(missing.status == 2)
        #expect(missing.stdout.hasPrefix("error: no strategy 'nope' in the plan (strategies: breakout_continuation_long_v1@research, "))
        #expect(missing.stdout.contains("intraday_tsmom_v1@prod"))
        #expect(try CLI.run(["explain", "specs", "--strategy", "Not An Id"]).status == 64)
    }
}

@Suite struct ExplainPlanFileTests {
    @Test func explainReadsACompiledPlanWithItsSourceMap() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = directory.appendingPathComponent("plan.json").path
        #expect(try CLI.run(["compile", "specs", "-o", plan]).status == 0)
        let fromPlan = try CLI.run(["explain", plan])
        #expect(fromPlan.status == 0)
        // Same as explaining the specs, except the params line (parameters are inlined into the plan's rules).
        let fromSpecs = try CLI.run(["explain", "specs"]).stdout.split(separator: "\n").filter { !$0.hasPrefix("  params:") }
        #expect(fromPlan.stdout.split(separator: "\n") == fromSpecs)
        let edited = try String(contentsOfFile: plan, encoding: .utf8).replacingOccurrences(of: "\"0.64\"", with: "\"0.65\"")
        try edited.write(toFile: plan, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["explain", plan])
        #expect(refused.status == 2)
        #expect(refused.stdout.contains("error[PLAN008]"))
    }
}

@Suite struct ImportCommandTests {
    @Test func importWritesSpecsThatValidate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = CLI.root.appendingPathComponent("Tests/Fixtures/torghut-config/strategy-configmap-e551647657.yaml")
        let result = try CLI.run(["import", "torghut-catalog", catalog.path, "-o", directory.path])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("imported 7 strategies into \(directory.path)/strategies, 18 warnings\n"))
        #expect(result.stdout.contains("warning[SPEC027]: 'breakout_continuation_long_v1@research' has max_position_pct_equity 10"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("strategies").path)
        #expect(files.count == 7)
        let validate = try CLI.run([
            "validate", directory.path, "specs/universe",
        ])
        #expect(validate.status == 0)
        #expect(validate.stdout.hasSuffix("valid: 8 documents in 8 files, 0 errors, 0 warnings\n"))
    }

    @Test func unknownFamilyExitsTwo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = directory.appendingPathComponent("c.yaml")
        try "strategies:\n  - {strategy_id: x@y, strategy_type: nope}\n".write(to: catalog, atomically: true, encoding: .utf8)
        let result = try CLI.run(["import", "torghut-catalog", catalog.path, "-o", directory.appendingPathComponent("out").path])
        #expect(result.status == 2)
        #expect(result.stdout.contains("error[SPEC021]: no family spec for strategy_type 'nope'"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }
}
