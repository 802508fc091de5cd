import Runtime
import SpecCompiler
import SpecModel
import Testing

/// `kind: Scenario`: the bundled scenarios decode to the documented values (defaults applied, spans kept), every
/// error is reported with its code at its place, and scenarios never reach the plan.
@Suite struct ScenarioSpecTests {
    static func scenario(_ name: String, in paths: [String] = [TestPaths.path("specs")]) throws -> (
        ScenarioSpec, SpecTree
    ) {
        let tree = SpecTreeLoader().load(paths: paths)
        let document = try #require(tree.documents(of: .scenario).first { $0.name.rawValue == name })
        guard case .scenario(let scenario) = document.body else { throw TemporaryDirectory.Failure() }
        return (scenario, tree)
    }

    static func at(_ span: SourceSpan) -> String {
        DiagnosticRenderer.location(span).replacing(TestPaths.root + "/", with: "")
    }

    /// A starting position's `strategy` must name an enabled Strategy of the tree (SPEC021 with the closest name;
    /// SPEC025 when disabled) that trades the symbol (SPEC028, an error).
    @Test func positionHoldersAreStrategiesThatTradeTheSymbol() throws {
        let directory = try TemporaryDirectory()
        func check(_ position: String) -> [Diagnostic] {
            let path = directory.write(
                "s.yaml",
                Self.scenario(
                    Self.validSession + Self.validSource + "  account:\n    starting_cash_usd: 1000\n    positions:\n"
                        + "      - \(position)\n", universe: "us-equities"))
            let tree = SpecTreeLoader().load(paths: [TestPaths.path("specs"), path])
            return tree.diagnostics.filter { $0.span.file == path }
        }
        let unknown = check("{symbol: AAPL, quantity_shares: 5, average_price_usd: 200, strategy: intraday_tsmom_v2@prod}")
        #expect(unknown.map(\.code) == [.unresolvedReference])
        #expect(unknown.first?.message == "strategy 'intraday_tsmom_v2@prod' is not defined")
        #expect(unknown.first?.notes == ["did you mean 'intraday_tsmom_v1@prod'?"])
        #expect(unknown.first.map { "\($0.span.start!.line):\($0.span.start!.column)" } == "11:78")
        let elsewhere = check(
            "{symbol: SPY, quantity_shares: 5, average_price_usd: 200, strategy: breakout_continuation_long_v1@research}")
        #expect(elsewhere.map(\.code) == [.overrideOutsideUniverse] && elsewhere.first?.severity == .error)
        #expect(elsewhere.first?.message
            == "strategy 'breakout_continuation_long_v1@research' does not trade 'SPY', so it could never manage this position")
        let disabled = check("{symbol: AAPL, quantity_shares: 5, average_price_usd: 200, strategy: legacy_macd_rsi@prod}")
        #expect(disabled.map(\.code) == [.conflictingValues] && disabled.first?.severity == .error)
        #expect(disabled.first.map { "\($0.span.start!.line):\($0.span.start!.column)" } == "11:78")
        #expect(elsewhere.first.map { "\($0.span.start!.line):\($0.span.start!.column)" } == "11:77")
        #expect(disabled.first?.message == "strategy 'legacy_macd_rsi@prod' is disabled, so it would never manage this position")
        #expect(check("{symbol: MSFT, quantity_shares: 5, average_price_usd: 200, strategy: washout_rebound_long_v1@research}")
            .isEmpty)
    }

    @Test func bundledTrendDayDecodesWithDefaultsAndSpans() throws {
        let (scenario, tree) = try Self.scenario("trend-day")
        #expect(tree.diagnostics.allSatisfy { $0.code == .fractionAboveOne }, "\(tree.diagnostics)")
        let file = "specs/scenarios/trend-day.yaml"
        #expect(scenario.universe.value.rawValue == "us-equities")
        #expect(Self.at(scenario.universe.span) == "\(file):10:13")
        #expect(scenario.symbols.map(\.value.rawValue) == ["AAPL", "NVDA", "MSFT"])
        #expect(Self.at(scenario.symbols[1].span) == "\(file):11:19")
        #expect(scenario.session.date.value == CalendarDate(year: 2026, month: 3, day: 6))
        #expect(scenario.session.date.value.description == "2026-03-06")
        #expect(Self.at(scenario.session.date.span) == "\(file):13:11")
        #expect(scenario.session.startMinutesAfterOpen.value == 0)
        #expect(scenario.session.minutes.value == 60)
        #expect(scenario.session.endMinutesAfterOpen == 60)
        let generator = try #require(scenario.source.generator)
        #expect(scenario.source.dataset == nil)
        #expect(generator.kind == .trendDay)
        #expect(generator.seed.value == 7)
        #expect(Self.at(generator.seed.span) == "\(file):19:13")
        #expect(generator.driftFraction == Decimal("0.02"))
        #expect(generator.volatilityBPSPerSecond == Decimal("0.5"))  // trend_day default
        #expect(generator.tradesPerSecond == 3)
        #expect(generator.spreadCents == 2)
        #expect(scenario.technicalAnalysis == .default)
        #expect(
            scenario.technicalAnalysis.parity == .native && scenario.technicalAnalysis.allowanceMilliseconds == 2000)
        #expect(scenario.execution.model == .torghut)
        #expect(scenario.costs == ScenarioSpec.Costs.default)
        #expect(scenario.costs.model == .torghut)
        #expect(scenario.costs.impactBPSAtFullParticipation == Decimal(50))
        #expect(scenario.costs.maxParticipationFractionOfADV == Decimal("0.1"))
        #expect(scenario.costs.executionSeconds == 60)
        #expect(scenario.costs.advUSD == Decimal(50_000_000))
        #expect(scenario.costs.commissionBPS == .zero && scenario.costs.perTradeFeeUSD == .zero)
        #expect(scenario.account.startingCashUSD.value == Decimal(100_000))
        #expect(scenario.account.positions.isEmpty)
        #expect(scenario.gates.map(\.metric.value) == [.signals, .orders])
        #expect(scenario.gates[0].min?.value == Decimal(1) && scenario.gates[0].max == nil)
        #expect(scenario.gates[1].min == nil && scenario.gates[1].max?.value == Decimal(500))
        #expect(Self.at(try #require(scenario.gates[1].max).span) == "\(file):25:29")
        #expect(Self.at(scenario.gates[1].span) == "\(file):25:7")
        #expect(scenario.gates[1].passes(Decimal(500)) && !scenario.gates[1].passes(Decimal(501)))
        #expect(!scenario.synthetic)
        #expect(scenario.origin == nil)
    }

    @Test func bundledMeanRevertingDayTakesItsKindsDefaultNoise() throws {
        let (scenario, _) = try Self.scenario("mean-reverting-day")
        let generator = try #require(scenario.source.generator)
        #expect(generator.kind == .meanRevertingDay)
        #expect(generator.seed.value == 11)
        #expect(generator.volatilityBPSPerSecond == Decimal(4))
        #expect(generator.driftFraction == ScenarioSpec.Generator.defaultDriftFraction)
        #expect(scenario.symbols.map(\.value.rawValue) == ["AAPL", "NVDA", "MSFT"])
        #expect(scenario.session.minutes.value == 60)
        #expect(scenario.account.startingCashUSD.value == Decimal(100_000))
    }

    @Test func everyFieldCanBeSet() throws {
        let directory = try TemporaryDirectory()
        directory.write("u.yaml", Self.universe)
        let path = directory.write(
            "s.yaml",
            Self.scenario(
                """
                  symbols: [AAPL, MSFT]
                  session: {date: 2024-02-29, start_minutes_after_open: 30, minutes: 360}
                  source:
                    dataset: {path: data/day.tsd}
                  ta: {parity: torghut, allowance_ms: 0}
                  execution: {model: torghut}
                  costs:
                    model: torghut
                    commission_bps: 0.5
                    commission_per_share_usd: 0.005
                    min_commission_usd: 1
                    per_trade_fee_usd: 0.65
                    impact_bps_at_full_participation: 40
                    max_participation_fraction_of_adv: 0.05
                    execution_seconds: 120
                    adv_usd: 1000000
                  account:
                    starting_cash_usd: 25000.50
                    positions:
                      - {symbol: MSFT, quantity_shares: -10.5, average_price_usd: 400.25}
                  gates:
                    - {metric: max_drawdown_fraction, max: 0.05}
                    - {metric: net_pnl_usd, min: -100, max: 100}
                  synthetic: true
                  origin:
                    manifest: simulation-x.yaml
                    dataset_id: torghut-x
                    candidate_id: intraday_tsmom_v1@prod
                    window_start: "2026-03-06T14:30:00Z"
                    window_end: "2026-03-06T15:00:00.5-05:00"

                """))
        let (scenario, tree) = try Self.scenario("s", in: [directory.path])
        #expect(tree.diagnostics.isEmpty, "\(tree.diagnostics)")
        #expect(scenario.session.date.value.description == "2024-02-29")
        #expect(scenario.session.endMinutesAfterOpen == 390)
        let dataset = try #require(scenario.source.dataset)
        #expect(dataset.path.value == "data/day.tsd")
        #expect(dataset.resolvedPath == FileSystem.join(directory.path, "data/day.tsd"))
        #expect(dataset.path.span.file == path)
        #expect(scenario.technicalAnalysis.parity == .torghut && scenario.technicalAnalysis.allowanceMilliseconds == 0)
        #expect(scenario.costs.perTradeFeeUSD == Decimal("0.65"))
        #expect(scenario.costs.commissionPerShareUSD == Decimal("0.005"))
        #expect(scenario.costs.maxParticipationFractionOfADV == Decimal("0.05"))
        #expect(scenario.costs.executionSeconds == 120)
        #expect(scenario.account.startingCashUSD.value == Decimal("25000.5"))
        let position = try #require(scenario.account.positions.first)
        #expect(position.symbol.value.rawValue == "MSFT")
        #expect(position.quantityShares.value == Decimal("-10.5"))
        #expect(position.averagePriceUSD.value == Decimal("400.25"))
        #expect(scenario.gates.map(\.metric.value) == [.maxDrawdownFraction, .netPnLUSD])
        let above = try #require(Decimal("100.01"))
        #expect(scenario.gates[1].passes(Decimal(-100)) && !scenario.gates[1].passes(above))
        #expect(scenario.synthetic)
        #expect(scenario.origin?.datasetID == "torghut-x")
        #expect(scenario.origin?.candidateID == "intraday_tsmom_v1@prod")
        #expect(scenario.origin?.windowEnd?.value == "2026-03-06T15:00:00.5-05:00")
    }

    // MARK: Errors

    static let universe = """
        apiVersion: torghut.dev/v1
        kind: Universe
        metadata: {name: tiny}
        spec: {symbols: [AAPL, MSFT, NVDA]}

        """

    /// A Scenario named `s` on universe `tiny`; `body` is the rest of `spec` (lines from 6 on).
    static func scenario(_ body: String, universe: String = "tiny") -> String {
        "apiVersion: torghut.dev/v1\nkind: Scenario\nmetadata: {name: s}\nspec:\n  universe: \(universe)\n" + body
    }

    static let validSource = "  source: {generator: {kind: trend_day, seed: 1}}\n"
    static let validSession = "  session: {date: 2026-03-06}\n"
    static let validAccount = "  account: {starting_cash_usd: 1000}\n"

    /// Validates the scenario beside the universe; returns `CODE severity line:column` per diagnostic and the messages.
    static func diagnose(_ body: String, universe: String = "tiny") throws -> (
        found: [String], diagnostics: [Diagnostic]
    ) {
        let directory = try TemporaryDirectory()
        directory.write("a-universe.yaml", Self.universe)
        let path = directory.write("s.yaml", Self.scenario(body, universe: universe))
        let tree = SpecTreeLoader().load(paths: [directory.path])
        #expect(tree.diagnostics.allSatisfy { $0.span.file == path }, "\(tree.diagnostics)")
        let found = tree.diagnostics.map { d in
            "\(d.code.id) \(d.severity.rawValue) \(d.span.start.map { "\($0.line):\($0.column)" } ?? "-")"
        }
        return (found, tree.diagnostics)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        var expected: [String]
        var message: String?
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(
            name: "both sources",
            body: validSession + validAccount
                + "  source:\n    generator: {kind: trend_day, seed: 1}\n    dataset: {path: d.tsd}\n",
            expected: ["SPEC025 error 10:5"], message: "a source is either 'generator' or 'dataset', not both"),
        Case(
            name: "neither source", body: validSession + validAccount + "  source: {}\n",
            expected: ["SPEC013 error 8:3"], message: "'spec.source' needs 'generator' or 'dataset'"),
        Case(
            name: "gate min above max",
            body: validSession + validSource + validAccount + "  gates:\n    - {metric: orders, min: 10, max: 5}\n",
            expected: ["SPEC025 error 10:29"],
            message: "the gate on 'orders' can never pass: 'min' (10) is above 'max' (5)"),
        Case(
            name: "gate without bounds",
            body: validSession + validSource + validAccount + "  gates:\n    - {metric: net_pnl_usd}\n",
            expected: ["SPEC013 error 10:7"], message: "the gate on 'net_pnl_usd' needs 'min', 'max' or both"),
        Case(
            name: "two gates on one metric",
            body: validSession + validSource + validAccount
                + "  gates:\n    - {metric: orders, min: 1}\n    - {metric: orders, max: 9}\n",
            expected: ["SPEC024 error 11:16"], message: "gates[1] repeats the metric of gates[0] (orders)"),
        Case(
            name: "position outside the universe",
            body: validSession + validSource
                + "  account:\n    starting_cash_usd: 1000\n    positions:\n"
                + "      - {symbol: TSLA, quantity_shares: 5, average_price_usd: 200}\n",
            expected: ["SPEC028 error 11:18"],
            message: "'TSLA' is not in universe 'tiny', so no strategy may trade it in this scenario"),
        Case(
            name: "position outside the scenario's symbols",
            body: "  symbols: [AAPL]\n" + validSession + validSource
                + "  account:\n    starting_cash_usd: 1000\n    positions:\n"
                + "      - {symbol: NVDA, quantity_shares: 5, average_price_usd: 200}\n",
            expected: ["SPEC028 error 12:18"],
            message: "position 'NVDA' is not among the scenario's symbols, so the run never prices it"),
        Case(
            name: "two positions in one symbol",
            body: validSession + validSource
                + "  account:\n    starting_cash_usd: 1000\n    positions:\n"
                + "      - {symbol: AAPL, quantity_shares: 5, average_price_usd: 200}\n"
                + "      - {symbol: AAPL, quantity_shares: 1, average_price_usd: 201}\n",
            expected: ["SPEC024 error 12:18"], message: "positions[1] repeats the symbol of positions[0] (AAPL)"),
        Case(
            name: "zero quantity",
            body: validSession + validSource
                + "  account:\n    starting_cash_usd: 1000\n    positions:\n"
                + "      - {symbol: AAPL, quantity_shares: 0, average_price_usd: 200}\n",
            expected: ["SPEC015 error 11:41"], message: "'quantity_shares' must not be zero"),
        Case(
            name: "symbols outside the universe",
            body: "  symbols: [AAPL, TSLA, SPY]\n" + validSession + validSource + validAccount,
            expected: ["SPEC028 error 6:19", "SPEC028 error 6:25"],
            message: "'TSLA' is not in universe 'tiny', so no strategy may trade it in this scenario"),
        Case(
            name: "unknown universe", body: validSession + validSource + validAccount, expected: ["SPEC021 error 5:13"],
            message: "universe 'tinny' is not defined"),
        Case(
            name: "unknown metric",
            body: validSession + validSource + validAccount + "  gates:\n    - {metric: pnl_usd, min: 0}\n",
            expected: ["SPEC026 error 10:16"], message: "'metric' does not allow 'pnl_usd'"),
        Case(
            name: "minutes out of range",
            body: "  session: {date: 2026-03-06, minutes: 391}\n" + validSource + validAccount,
            expected: ["SPEC015 error 6:40"], message: "'minutes' must be at most 390, found 391"),
        Case(
            name: "window past the close",
            body: "  session:\n    date: 2026-03-06\n    start_minutes_after_open: 300\n    minutes: 120\n"
                + validSource
                + validAccount,
            expected: ["SPEC025 error 9:5"],
            message: "the run ends 420 minutes after the open, after the 16:00 close (390 minutes): "
                + "'start_minutes_after_open' (300) + 'minutes' (120)"),
        Case(
            name: "not a real date", body: "  session: {date: 2026-02-29}\n" + validSource + validAccount,
            expected: ["SPEC026 error 6:19"], message: "'date' is not a real date: 2026-02-29"),
        Case(
            name: "date in another form", body: "  session: {date: 03/06/2026}\n" + validSource + validAccount,
            expected: ["SPEC026 error 6:19"], message: "'date' must be a date written YYYY-MM-DD, found '03/06/2026'"),
        Case(
            name: "missing account", body: validSession + validSource, expected: ["SPEC013 error 4:1"],
            message: "missing required key 'account' in 'spec'"),
        Case(
            name: "misspelt generator key",
            body: validSession + validAccount
                + "  source:\n    generator: {kind: trend_day, seed: 1, spread_cent: 3}\n",
            expected: ["SPEC012 error 9:43"], message: "unknown key 'spread_cent' in 'spec.source.generator'"),
        Case(
            name: "unknown generator kind",
            body: validSession + validAccount + "  source:\n    generator: {kind: trend, seed: 1}\n",
            expected: ["SPEC026 error 9:23"], message: "'kind' does not allow 'trend'"),
        Case(
            name: "negative seed",
            body: validSession + validAccount + "  source:\n    generator: {kind: trend_day, seed: -1}\n",
            expected: ["SPEC015 error 9:40"], message: "'seed' must be at least 0, found -1"),
        Case(
            name: "drift on a mean-reverting day",
            body: validSession + validAccount
                + "  source:\n    generator: {kind: mean_reverting_day, seed: 1, drift_fraction: 0.01}\n",
            expected: ["SPEC025 warning 9:68"], message: "'drift_fraction' has no effect on a mean_reverting_day"),
        Case(
            name: "cost settings without a cost model",
            body: validSession + validSource + validAccount + "  costs: {model: none, per_trade_fee_usd: 1}\n",
            expected: ["SPEC025 warning 9:43"],
            message: "'model: none' charges no costs, so 'per_trade_fee_usd' has no effect"),
        Case(
            name: "participation above one",
            body: validSession + validSource + validAccount + "  costs: {max_participation_fraction_of_adv: 1.5}\n",
            expected: ["SPEC015 error 9:46"],
            message: "'max_participation_fraction_of_adv' must be at most 1 fraction, 0.1 = 10%, found 1.5"),
        Case(
            name: "origin window not an instant",
            body: validSession + validSource + validAccount + "  origin: {window_start: 2026-03-06}\n",
            expected: ["SPEC026 error 9:26"], message: "'window_start' does not allow '2026-03-06'"),
    ]

    @Test(arguments: cases)
    func errorsHaveTheirCodeAndPlace(_ testCase: Case) throws {
        let universe = testCase.name == "unknown universe" ? "tinny" : "tiny"
        let (found, diagnostics) = try Self.diagnose(testCase.body, universe: universe)
        #expect(found == testCase.expected, "\(diagnostics.map(\.message))")
        if let message = testCase.message {
            #expect(diagnostics.first?.message == message)
        }
    }

    @Test func unknownMetricListsEveryChoice() throws {
        let (_, diagnostics) = try Self.diagnose(
            Self.validSession + Self.validSource + Self.validAccount + "  gates:\n    - {metric: orderz, min: 0}\n")
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.code == .invalidValue)
        #expect(
            diagnostic.notes == [
                "did you mean 'orders'?",
                "allowed values: net_pnl_usd, gross_pnl_usd, realized_pnl_usd, unrealized_pnl_usd, costs_usd, sharpe, "
                    + "max_drawdown_fraction, win_rate, fill_rate, slippage_bps_median, slippage_bps_p95, turnover, "
                    + "cost_bps, orders, fills, orders_over_capacity, decisions, signals",
            ])
        #expect(ScenarioMetric.allCases.count == 18)
    }

    @Test func aFailedItemIsNotComparedAsAPlaceholder() throws {
        // The second gate's metric is invalid: it must not be reported as a repeat of the first gate's metric.
        let (found, _) = try Self.diagnose(
            Self.validSession + Self.validSource + Self.validAccount
                + "  gates:\n    - {metric: net_pnl_usd, min: 0}\n    - {metric: bogus, min: 0}\n")
        #expect(found == ["SPEC026 error 11:16"])
    }

    @Test func renderedDiagnosticPointsAtTheGate() throws {
        let directory = try TemporaryDirectory()
        directory.write("u.yaml", Self.universe)
        let path = directory.write(
            "s.yaml",
            Self.scenario(
                Self.validSession + Self.validSource + Self.validAccount
                    + "  gates: [{metric: fills, min: 3, max: 2}]\n"))
        let tree = SpecTreeLoader().load(paths: [directory.path])
        let text = tree.diagnostics.map(DiagnosticRenderer(sources: tree.sources).text).joined()
        #expect(
            text == """
                \(path):9:32: error[SPEC025]: the gate on 'fills' can never pass: 'min' (3) is above 'max' (2)
                9 |   gates: [{metric: fills, min: 3, max: 2}]
                  |                                ^

                """)
    }

    // MARK: Not part of the plan

    @Test func scenariosNeverReachThePlanOrItsHash() throws {
        let (withScenarios, full) = SpecTreeLoader().loadAndCompile(
            paths: [TestPaths.path("specs")], features: .catalog)
        #expect(!withScenarios.hasErrors)
        #expect(withScenarios.documents(of: .scenario).count == 2)
        let (_, without) = SpecTreeLoader().loadAndCompile(
            paths: ["specs/risk", "specs/strategies", "specs/universe"].map(TestPaths.path), features: .catalog)
        let plan = try #require(full?.plan)
        #expect(try plan.hash == #require(without?.plan).hash)
        #expect(try #require(full).sourceMap.allSatisfy { !$0.path.contains("scenario") })
        // Editing a scenario changes nothing in the plan either.
        let directory = try TemporaryDirectory()
        for name in ["universe/us-equities.yaml", "risk/torghut-prod.yaml", "strategies/intraday-tsmom.yaml"] {
            guard case .success(let bytes) = FileSystem.read(TestPaths.path("specs/" + name), limit: 1 << 20) else {
                throw TemporaryDirectory.Failure()
            }
            directory.write(name.replacing("/", with: "-"), String(decoding: bytes, as: UTF8.self))
        }
        let base = SpecTreeLoader().loadAndCompile(paths: [directory.path], features: .catalog).output?.plan.hash
        directory.write(
            "scenario.yaml",
            "apiVersion: torghut.dev/v1\nkind: Scenario\nmetadata: {name: x}\nspec:\n  universe: us-equities\n"
                + Self.validSession + Self.validSource + Self.validAccount)
        let (tree, output) = SpecTreeLoader().loadAndCompile(paths: [directory.path], features: .catalog)
        #expect(!tree.hasErrors, "\(tree.diagnostics)")
        #expect(base != nil && output?.plan.hash == base)
    }
}
