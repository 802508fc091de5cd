import Runtime
import SpecCompiler
import SpecModel
import Testing

@Suite struct PlanHashTests {
    static let tsmom: String = {
        guard case .success(let bytes) = FileSystem.read(TestPaths.path("examples/torghut-aded76ac0f/strategies/intraday-tsmom.yaml"), limit: 1 << 20)
        else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }()

    /// Compiles the bundled tree with `strategy` replacing the TSMOM file.
    static func compile(strategy: String) throws -> ExecutionPlan {
        let directory = try TemporaryDirectory()
        for name in ["universe/us-equities.yaml", "risk/torghut-prod.yaml"] {
            guard case .success(let bytes) = FileSystem.read(TestPaths.path("specs/" + name), limit: 1 << 20) else {
                throw TemporaryDirectory.Failure()
            }
            directory.write(name.replacing("/", with: "-"), String(decoding: bytes, as: UTF8.self))
        }
        directory.write("strategy.yaml", strategy)
        let (tree, output) = SpecTreeLoader().loadAndCompile(paths: [directory.path], features: .catalog)
        #expect(!tree.hasErrors, "\(tree.diagnostics)")
        return try #require(output?.plan)
    }

    @Test func hashIsA32HexDigitStringAndStable() throws {
        let plan = try Self.compile(strategy: Self.tsmom)
        #expect(plan.hash.description.count == 32)
        #expect(plan.hash.description.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(try Self.compile(strategy: Self.tsmom).hash == plan.hash)
    }

    @Test func commentsFormattingOrderDescriptionsAndValueNamesDoNotChangeTheHash() throws {
        let base = try Self.compile(strategy: Self.tsmom)
        var edited = Self.tsmom.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> Substring in
                // Drop comments (none of the strategy's values contains '#').
                guard let hash = line.firstIndex(of: "#") else { return line }
                return line[..<hash]
            }
            .joined(separator: "\n")
        edited = edited.replacing("description: EMA/MACD", with: "description: Reworded EMA/MACD")
        edited = edited.replacing("hist", with: "histogram")  // rename the named value everywhere
        edited = edited.replacing("  sizing:\n    max_notional_usd: 1000\n    max_position_fraction_of_equity: 0.08",
                                  with: "  sizing: {max_position_fraction_of_equity: 0.080, max_notional_usd: 1000.00}")
        #expect(edited != Self.tsmom)
        #expect(try Self.compile(strategy: edited).hash == base.hash)
    }

    @Test(arguments: [
        ("bullish_hist_min: 0.005", "bullish_hist_min: 0.006"),
        ("base: 0.64", "base: 0.65"),
        ("max_notional_usd: 1000", "max_notional_usd: 1001"),
        ("order: [long, short]", "order: [short, long]"),
        ("momentum_confirmed", "momentum_confirmed_v2"),
    ])
    func behaviouralEditsChangeTheHash(_ from: String, _ to: String) throws {
        let base = try Self.compile(strategy: Self.tsmom)
        #expect(Self.tsmom.contains(from))
        #expect(try Self.compile(strategy: Self.tsmom.replacing(from, with: to)).hash != base.hash, "\(from) → \(to)")
    }

    @Test func strategyHashIgnoresOtherSpecs() throws {
        let plan = try Self.compile(strategy: Self.tsmom)
        let other = try Self.compile(strategy: Self.tsmom + "---\n" + """
            apiVersion: torghut.dev/v1
            kind: Strategy
            metadata: {name: other}
            spec:
              timeframe: 1Min
              universe: us-equities
              entries: {long: {when: [rsi14 < 30], confidence: {base: 0.5}}}
              sizing: {max_notional_usd: 10}

            """)
        #expect(other.hash != plan.hash)
        #expect(other.strategies.first { $0.id.rawValue == "intraday_tsmom_v1@prod" }?.contentHash
            == plan.strategies.first?.contentHash)
    }

    @Test func addingAUniverseSymbolKeepsTheStrategyIdentity() throws {
        let base = try Self.compile(strategy: Self.tsmom)
        let directory = try TemporaryDirectory()
        for name in ["risk/torghut-prod.yaml", "universe/us-equities.yaml"] {
            guard case .success(let bytes) = FileSystem.read(TestPaths.path("specs/" + name), limit: 1 << 20) else {
                throw TemporaryDirectory.Failure()
            }
            var text = String(decoding: bytes, as: UTF8.self)
            text = text.replacing("SPY, TSLA]", with: "SPY, TSLA, WMT]")
            directory.write(name.replacing("/", with: "-"), text)
        }
        directory.write("strategy.yaml", Self.tsmom)
        let (_, output) = SpecTreeLoader().loadAndCompile(paths: [directory.path], features: .catalog)
        let widened = try #require(output?.plan)
        #expect(widened.hash != base.hash)
        #expect(widened.strategies[0].symbols.count == base.strategies[0].symbols.count + 1)
        #expect(widened.strategies[0].contentHash == base.strategies[0].contentHash)
    }

    @Test func plansAreIdenticalAcrossProcesses() throws {
        // The CLI tests compare two processes; here the in-process canonical bytes are stable across runs.
        let first = try JSONWriter.canonical(try Self.compile(strategy: Self.tsmom).canonicalValue)
        let second = try JSONWriter.canonical(try Self.compile(strategy: Self.tsmom).canonicalValue)
        #expect(first == second)
    }
}

@Suite struct ExpressionCheckTests {
    func diagnostics(values: String = "", when: String, params: String = "") -> [Diagnostic] {
        let text = """
            apiVersion: torghut.dev/v1
            kind: Strategy
            metadata: {name: s}
            spec:
              timeframe: 1Min
              universe: u
            \(params)\(values)  entries:
                long:
                  when: ["\(when)"]
                  confidence: {base: 0.5}
              sizing: {max_notional_usd: 10}
            ---
            apiVersion: torghut.dev/v1
            kind: Universe
            metadata: {name: u}
            spec: {symbols: [A]}

            """
        let (documents, _) = YAMLLoader().load(SourceFile(path: "s.yaml", text: text))
        let session = DecodeSession()
        let specs = documents.compactMap { SpecDocument.decode($0, in: session) }
        #expect(session.diagnostics.items.isEmpty, "\(session.diagnostics.items)")
        return PlanCompiler(features: .catalog).compile(specs).diagnostics
    }

    @Test(arguments: [
        ("rsi14 < 30", nil),
        ("rsi14 in [30, 40] and not (macd < 0)", nil),
        ("vol_realized_w60s? <= 0.001 or present(vol_realized_w60s)", nil),
        ("price_vs_vwap_w5m_bps >= decay(20, 10, 60, 180)", nil),
        ("rsi14 < if(minutes_after_open < 30, 40, 35)", nil),
        ("abs(macd - macd_signal) > max(0.001, min(0.01, 0.002))", nil),
        ("rsi", "PLAN001"),
        ("rsi14", "PLAN002"),
        ("rsi14 > (macd > 0)", "PLAN002"),
        ("rsi14 and macd > 0", "PLAN002"),
        ("clamp(rsi14) > 1", "PLAN003"),
        ("abs(rsi14, macd) > 1", "PLAN003"),
        ("present(1) ", "PLAN003"),
        ("if(rsi14, 1, 2) > 0", "PLAN002"),
        ("confidence > 0.5", "PLAN001"),
    ])
    func expressionsAreTypeChecked(_ expression: String, _ code: String?) {
        let codes = self.diagnostics(when: expression).map(\.code.id)
        #expect(codes == (code.map { [$0] } ?? []), "\(expression)")
    }

    @Test func optionalMarkerIsOnlyForFeatures() {
        let found = self.diagnostics(when: "rsi14 < level?", params: "  params: {level: 30}\n")
        #expect(found.map(\.code) == [.typeMismatch])
        #expect(found.first?.message == "'level?': only features can be optional")
    }

    @Test func unknownNamePointsInsideTheQuotedExpression() throws {
        let found = self.diagnostics(when: "rsi14 < 30 and macd_sgnal > 0")
        let diagnostic = try #require(found.first)
        #expect(diagnostic.code == .unknownName)
        // Line 9 is `      when: ["rsi14 < 30 and macd_sgnal > 0"]`; the quote is column 14, the text starts at 15.
        #expect(diagnostic.span.start == SourceLocation(line: 9, column: 30))
        #expect(diagnostic.span.end == SourceLocation(line: 9, column: 40))
        #expect(diagnostic.notes.first == "did you mean 'macd_signal'?")
    }

    @Test func aValueMayNotReferToItself() {
        let found = self.diagnostics(values: "  values: {loop: loop and rsi14 > 1}\n", when: "loop")
        #expect(found.map(\.code) == [.valueCycle])
    }

    @Test(arguments: [
        ("  params: {and: 30}\n", "parameter 'and' is an expression keyword"),
        ("  params: {max: 30}\n", "parameter 'max' is the name of a function"),
        ("  params: {a-b: 30}\n", "parameter 'a-b' is not a name expressions can use (letters, digits and '_', not starting with a digit)"),
        ("  values: {minutes_after_open: rsi14 > 1}\n", "value 'minutes_after_open' is a built-in name"),
    ])
    func namesMustBeUsableInExpressions(_ declaration: String, _ message: String) {
        let found = self.diagnostics(when: "rsi14 < 30", params: declaration).filter { $0.code == .conflictingValues }
        #expect(found.map(\.message) == [message])
    }

    @Test func unusedValuesAreWarned() {
        let found = self.diagnostics(values: "  values: {spare: rsi14 > 1}\n", when: "rsi14 < 30")
        #expect(found.map(\.code) == [.unusedParameter])
        #expect(found.first?.message == "value 'spare' is not used by any expression")
    }

    @Test func parameterAndFeatureNamesMayNotClash() {
        let found = self.diagnostics(when: "rsi14 < 30", params: "  params: {rsi14: 30}\n")
        #expect(found.map(\.code).contains(.conflictingValues))
    }
}
