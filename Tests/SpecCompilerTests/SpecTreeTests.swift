import SpecCompiler
import SpecModel
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct BundledSpecTests {
    @Test func bundledSpecsValidateWithOnlyTheDeployedFractionWarnings() {
        let tree = SpecTreeLoader().load(paths: [TestPaths.path("specs")])
        #expect(!tree.hasErrors, "\(tree.diagnostics)")
        #expect(
            tree.documents.map(\.kind)
                == [.riskPolicy, .scenario, .scenario] + Array(repeating: .strategy, count: 11) + [.universe])
        // Torghut's catalog at e551647657 deployed max_position_pct_equity 3.0, 10.0, 2.0 and 3.0.
        #expect(tree.diagnostics.map(\.code) == Array(repeating: .fractionAboveOne, count: 4))
    }

    @Test func bundledUniverseIsTorghutsFallbackPlusTheLaterCatalogSymbols() throws {
        let tree = SpecTreeLoader().load(paths: [TestPaths.path("specs/universe")])
        guard case .universe(let universe) = try #require(tree.documents.first).body else {
            Issue.record("not a universe")
            return
        }
        let fallback = ["AAPL", "AMAT", "AMD", "AVGO", "GOOG", "INTC", "META", "MSFT", "NVDA", "QQQ", "SPY", "TSLA"]
        let symbols = Set(universe.symbols.map(\.value.rawValue))
        #expect(symbols.isSuperset(of: fallback))
        #expect(symbols.subtracting(fallback) == ["MU", "PLTR", "SHOP"])
        #expect(universe.dynamicSource?.cacheTTLSeconds == 300)
        #expect(universe.dynamicSource?.maxStaleSeconds == 900)
    }

    @Test func bundledRiskPolicyCarriesTorghutsDeployedValues() throws {
        let tree = SpecTreeLoader().load(paths: [TestPaths.path("specs")])
        let document = try #require(tree.documents(of: .riskPolicy).first)
        guard case .riskPolicy(let policy) = document.body else { return }
        #expect(policy.shorts.allowed)  // TRADING_ALLOW_SHORTS=true
        #expect(policy.quantity.fractionalEquities)  // TRADING_FRACTIONAL_EQUITIES_ENABLED=true
        #expect(policy.limits["max_participation_fraction_of_adv"] == Decimal("0.10"))
        #expect(policy.limits["max_drawdown_fraction_from_high_water_mark"] == Decimal("0.08"))
        let breakout = policy.overrides.first { $0.strategy?.value.rawValue == "breakout_continuation_long_v1@research" }
        #expect(breakout?.limits["max_notional_per_trade_usd"] == Decimal("315900.2"))
        #expect(breakout?.limits["max_position_fraction_of_equity"] == Decimal(10))
    }
}

@Suite struct TreeCheckTests {
    @Test func filesAreReadInByteOrderAndHiddenEntriesSkipped() throws {
        let directory = try TemporaryDirectory()
        directory.write("b.yaml", "apiVersion: torghut.dev/v1\nkind: Universe\nmetadata: {name: b}\nspec: {symbols: [B]}\n")
        directory.write("a.yml", "apiVersion: torghut.dev/v1\nkind: Universe\nmetadata: {name: a}\nspec: {symbols: [A]}\n")
        directory.write(".hidden.yaml", "not: [valid")
        directory.write("notes.txt", "ignored")
        let tree = SpecTreeLoader().load(paths: [directory.path])
        #expect(tree.diagnostics.isEmpty)
        #expect(tree.documents.map(\.name.rawValue) == ["a", "b"])
    }

    @Test func symlinkedDirectoriesAreNotFollowed() throws {
        let directory = try TemporaryDirectory()
        directory.write("u.yaml", "apiVersion: torghut.dev/v1\nkind: Universe\nmetadata: {name: u}\nspec: {symbols: [A]}\n")
        #expect(symlink(directory.path, FileSystem.join(directory.path, "loop")) == 0)
        let tree = SpecTreeLoader().load(paths: [directory.path])
        #expect(tree.diagnostics.isEmpty)
        #expect(tree.files.count == 1)
    }

    @Test func duplicateNamesAcrossFilesPointAtTheSecond() throws {
        let directory = try TemporaryDirectory()
        let doc = "apiVersion: torghut.dev/v1\nkind: Universe\nmetadata: {name: same}\nspec: {symbols: [A]}\n"
        let first = directory.write("1.yaml", doc)
        directory.write("2.yaml", doc)
        let tree = SpecTreeLoader().load(paths: [directory.path])
        #expect(tree.diagnostics.map(\.code) == [.duplicateName])
        #expect(tree.diagnostics.first?.span.file.hasSuffix("/2.yaml") == true)
        #expect(tree.diagnostics.first?.notes == ["first defined at \(first):3:18"])
    }

    @Test func sameNameInDifferentKindsIsFine() throws {
        let directory = try TemporaryDirectory()
        directory.write(
            "x.yaml",
            """
            apiVersion: torghut.dev/v1
            kind: Universe
            metadata: {name: same}
            spec: {symbols: [A]}
            ---
            apiVersion: torghut.dev/v1
            kind: RiskPolicy
            metadata: {name: same}
            spec: {universe: same, shorts: {allowed: false}, symbols: {deny: [B]}}

            """)
        let tree = SpecTreeLoader().load(paths: [directory.path])
        #expect(tree.diagnostics.map(\.code) == [.overrideOutsideUniverse])
        #expect(tree.diagnostics.first?.severity == .warning)
    }

    @Test func unresolvedUniverseSuggestsTheClosestName() throws {
        let directory = try TemporaryDirectory()
        directory.write(
            "x.yaml",
            """
            apiVersion: torghut.dev/v1
            kind: Universe
            metadata: {name: us-equities}
            spec: {symbols: [A]}
            ---
            apiVersion: torghut.dev/v1
            kind: RiskPolicy
            metadata: {name: p}
            spec: {universe: us-equity, shorts: {allowed: false}}

            """)
        let tree = SpecTreeLoader().load(paths: [directory.path])
        #expect(tree.diagnostics.map(\.code) == [.unresolvedReference])
        #expect(tree.diagnostics.first?.notes == ["did you mean 'us-equities'?", "universes in this tree: us-equities"])
    }

    @Test func errorsFromManyFilesAreAllReportedInPathOrder() throws {
        let directory = try TemporaryDirectory()
        directory.write("b.yaml", "apiVersion: torghut.dev/v1\nkind: Universe\nmetadata: {name: b}\nspec: {symbols: []}\n")
        directory.write("a.yaml", "a: [")
        directory.write("c.yaml", "apiVersion: torghut.dev/v1\nkind: Nope\n")
        let tree = SpecTreeLoader().load(paths: [directory.path])
        #expect(tree.diagnostics.map(\.code) == [.yamlSyntax, .emptyList, .unknownKind])
    }
}

/// Hostile inputs from the issue: each must end in a precise diagnostic, never a crash or a hang.
@Suite struct AdversarialInputTests {
    @Test func fiftyMegabyteFileIsRejectedBySize() throws {
        let directory = try TemporaryDirectory()
        let line = Array("- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(50 << 20)
        while bytes.count < 50 << 20 { bytes.append(contentsOf: line) }
        let path = FileSystem.join(directory.path, "huge.yaml")
        _ = FileSystem.write(path, bytes)
        let tree = SpecTreeLoader().load(paths: [path])
        #expect(tree.diagnostics.map(\.code) == [.fileTooLarge])
        #expect(tree.diagnostics.first?.message == "spec file is larger than the 4194304-byte (4 MiB) limit")
    }

    @Test func fileJustUnderTheLimitStillLoads() throws {
        let directory = try TemporaryDirectory()
        var text = "apiVersion: torghut.dev/v1\nkind: Universe\nmetadata:\n  name: big\n"
        text += "  description: >\n"
        let filler = "    " + String(repeating: "x", count: 95) + "\n"
        while text.utf8.count + filler.utf8.count < (4 << 20) - 64 { text += filler }
        text += "spec: {symbols: [SPY]}\n"
        let path = directory.write("big.yaml", text)
        let tree = SpecTreeLoader().load(paths: [path])
        #expect(tree.diagnostics.isEmpty)
        #expect(tree.documents.count == 1)
    }

    @Test func tenThousandDeepNestingInASpec() throws {
        let directory = try TemporaryDirectory()
        let text = "apiVersion: torghut.dev/v1\nkind: Universe\nmetadata: {name: deep}\nspec:\n  symbols: "
            + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        let tree = SpecTreeLoader().load(paths: [directory.write("deep.yaml", text)])
        #expect(tree.diagnostics.map(\.code) == [.nestingTooDeep])
        #expect(tree.diagnostics.first?.span.start == SourceLocation(line: 5, column: 74))
    }

    @Test func binaryGarbageIsASyntaxError() throws {
        let directory = try TemporaryDirectory()
        let path = FileSystem.join(directory.path, "garbage.yaml")
        _ = FileSystem.write(path, (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
        let tree = SpecTreeLoader().load(paths: [path])
        #expect(tree.diagnostics.count == 1)
        #expect(tree.diagnostics.first?.code == .yamlSyntax)
    }
}
