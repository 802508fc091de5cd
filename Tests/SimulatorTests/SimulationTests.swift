@testable import Runtime
@testable import Simulator
import SpecCompiler
import SpecModel
import Testing

/// The simulation loop over generated markets: determinism, the accounting identity at every event, metrics.
@Suite struct SimulationTests {
    static func plan(_ tree: String) throws -> ExecutionPlan {
        let (_, output) = SpecTreeLoader().loadAndCompile(
            paths: [FileSystem.join(TestPaths.repository, tree)], features: .catalog)
        return try #require(output).plan
    }

    static func signals(_ kind: MarketGenerator.Kind, seed: UInt64, minutes: Int = 60) -> [SignalRecord] {
        let session = MarketCalendar.nyse.session(on: CivilDate(year: 2026, month: 3, day: 6))!
        var pipeline = TechnicalAnalysisPipeline()
        var generator = MarketGenerator(
            MarketGenerator.Settings(
                kind: kind, seed: seed, session: session, symbols: ["AAPL", "NVDA", "MSFT"], minutes: minutes),
            symbols: &pipeline.symbols)
        var produced: [TechnicalSignal] = []
        while let event = generator.next() { pipeline.process(event, into: &produced) }
        pipeline.finish(into: &produced)
        return produced.map { SignalRecord($0, symbols: pipeline.symbols, source: "ta") }
    }

    static func run(
        _ plan: ExecutionPlan, _ signals: [SignalRecord],
        settings: SimulationSettings = SimulationSettings(startingCash: Decimal(100_000))
    ) throws -> (lines: [String], metrics: SimulationMetrics, identity: Bool) {
        var simulation = try Simulation(plan: plan, settings: settings)
        let start = try simulation.portfolio.equity()
        var lines: [String] = []
        var identity = true
        for signal in signals {
            try simulation.process(signal) { number, event in
                lines.append(String(decoding: try JSONWriter.canonical(event.json(number: number)), as: UTF8.self))
            }
            let p = simulation.portfolio
            let expected = start + p.realizedPnL + (try p.unrealizedPnL()) - p.costs
            if try p.equity() != expected { identity = false }
        }
        return (lines, try simulation.metrics(), identity)
    }

    @Test func sameInputsSameEventsAndTheAccountingIdentityHolds() throws {
        let plan = try Self.plan("examples/torghut-aded76ac0f")
        let signals = Self.signals(.trendDay, seed: 7)
        let first = try Self.run(plan, signals)
        let second = try Self.run(plan, signals)
        #expect(first.lines == second.lines)
        #expect(first.identity, "equity = starting equity + realized + unrealized − costs after every signal")
        // With starting positions, one held by the strategy (fractional, so averages repeat) and one the account's.
        var settings = SimulationSettings(
            startingCash: Decimal(50_000),
            positions: [(Symbol("AAPL")!, Decimal("7.5")!, Decimal("401.13")!), (Symbol("MSFT")!, Decimal(-3), Decimal(430))])
        settings.positionHolders = [(Symbol("AAPL")!, Identifier("intraday_tsmom_v1@prod")!)]
        let held = try Self.run(plan, signals, settings: settings)
        #expect(held.identity, "the identity from the starting equity, with starting positions")
        #expect(held.metrics.startingEquity == Decimal(50_000) + Decimal("3008.475")! - Decimal(1290))
        #expect(held.metrics.fills > 10 && held.lines != first.lines)
        let metrics = first.metrics
        #expect(metrics.signals == signals.count)
        // Every decision is an order unless the risk chain refused it (this tree has no RiskPolicy: the built-in
        // default refuses short sales).
        #expect(metrics.decisions > 10 && metrics.orders + metrics.riskRejected == metrics.decisions)
        #expect(metrics.riskRejected > 0 && metrics.fills == metrics.orders)
        #expect(metrics.fillRate == 1)
        #expect(metrics.netPnL == metrics.endingEquity - metrics.startingEquity)
        #expect(metrics.grossPnL - metrics.costs == metrics.netPnL)
        #expect(metrics.costs > .zero && metrics.costBps > 0)
        // Near-touch limits: buys pay and sells give up about half the quoted 2-cent spread, never more.
        #expect(metrics.slippageBpsMedian > 0 && metrics.slippageBpsP95 < 2)
        // Every event line is numbered in order; decisions precede their order, fill and position.
        let kinds = first.lines.map { line -> String in
            let start = line.firstRange(of: #""kind":""#)!.upperBound
            return String(line[start...].prefix { $0 != "\"" })
        }
        for (index, kind) in kinds.enumerated() where kind == "order" {
            #expect(kinds[index - 1] == "decision" && kinds[index + 1] == "fill" && kinds[index + 2] == "position")
        }
    }

    @Test func aDifferentMarketGivesDifferentTrades() throws {
        let plan = try Self.plan("examples/torghut-aded76ac0f")
        let trend = try Self.run(plan, Self.signals(.trendDay, seed: 7, minutes: 20))
        let reverting = try Self.run(plan, Self.signals(.meanRevertingDay, seed: 7, minutes: 20))
        #expect(trend.lines != reverting.lines)
        #expect(reverting.identity)
    }

    @Test func theSignalLineFastPathEqualsTheCanonicalWriter() throws {
        var signals = Self.signals(.meanRevertingDay, seed: 3, minutes: 5)
        var odd = signals[0]
        odd.symbol = "Q\"\\\u{01}é"
        odd.close = nil
        signals.append(odd)
        // A negative and a fractional close, a fractional-second time, a negative sequence number.
        var edges = signals[1]
        edges.close = -0.000_000_001
        edges.eventTime += 123_456_789
        edges.seq = -42
        signals.append(edges)
        edges.close = 123_456.5
        signals.append(edges)
        // Too long for the composed line: the general writer takes it.
        var long = signals[2]
        long.symbol = String(repeating: "X", count: 300)
        signals.append(long)
        for (index, signal) in signals.enumerated() {
            var fast: [UInt8] = []
            SimulationEvent.appendSignalLine(signal, number: index + 1, to: &fast)
            #expect(fast == (try JSONWriter.canonical(SimulationEvent.signal(signal).json(number: index + 1))))
        }
    }

    /// Decision and risk-rejected lines written directly equal the canonical writer's: every one of a run with every
    /// family enabled, and hand-made ones with escapes in the reasons, no reasons, negative and fractional decimals,
    /// every kind of rule outcome, and a finding without its optional fields.
    @Test func theDecisionLineEqualsTheCanonicalWriter() throws {
        var plan = try Self.plan("specs")
        for index in plan.strategies.indices { plan.strategies[index].enabled = true }
        var simulation = try Simulation(plan: plan, settings: SimulationSettings(startingCash: Decimal(100_000)))
        var decisions: [(Decision, [RuleOutcome], Int)] = []
        var rejections: [(SimulatedOrder, RiskFinding, Int)] = []
        for kind in [MarketGenerator.Kind.trendDay, .meanRevertingDay] {
            for signal in Self.signals(kind, seed: 11, minutes: 120) {
                try simulation.process(signal) { number, event in
                    switch event {
                    case .decision(let decision, let trace): decisions.append((decision, trace, number))
                    case .riskRejected(let order, let finding): rejections.append((order, finding, number))
                    default: break
                    }
                }
            }
        }
        #expect(decisions.count > 50 && rejections.count > 5)
        // Risk-rejected lines too, with and without the finding's optional key, limit and value.
        var rejected = try #require(rejections.first)
        rejected.1 = RiskFinding(
            check: rejected.1.check, reason: rejected.1.reasonCode, origin: rejected.1.origin, key: nil, limit: nil,
            value: nil, quantityBefore: Decimal("-1.5")!, quantityAfter: .zero)
        rejections.append(rejected)
        for (order, finding, number) in rejections {
            var line: [UInt8] = []
            SimulationEvent.appendRiskRejectedLine(order, finding, number: number, to: &line)
            let expected = try JSONWriter.canonical(SimulationEvent.riskRejected(order, finding).json(number: number))
            guard line == expected else {
                Issue.record("\(String(decoding: line, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))")
                return
            }
        }
        var made = try #require(decisions.first).0
        made.reasons = ["quote \" and \\ and \u{01}", "é"]
        made.confidence = Decimal("-0.000000001")!
        made.quantity = Decimal("12345.5")!
        made.eventTime += 123_456_789
        var outcomes: [RuleOutcome.Result] = [.fired, .outsideWindow, .failedCondition(3), .failedCondition(nil),
            .skippedHeldDirection, .sizedToZero]
        outcomes += RuleOutcome.PolicyGate.allCases.map { .policy($0) }
        let trace = outcomes.map { RuleOutcome(intent: .exit, direction: .short, result: $0) }
        decisions.append((made, trace, 7))
        made.reasons = []
        decisions.append((made, [], 8))
        for (decision, trace, number) in decisions {
            var line: [UInt8] = []
            SimulationEvent.appendDecisionLine(decision, trace: trace, number: number, to: &line)
            let expected = try JSONWriter.canonical(SimulationEvent.decision(decision, trace: trace).json(number: number))
            guard line == expected else {
                Issue.record("\(String(decoding: line, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))")
                return
            }
        }
    }

    /// One writer over many lines, as a run uses it: its per-symbol and per-timeframe segments and its cached second
    /// must never leak into another line. Symbols interleave, timeframes switch back and forth, a long name arrives
    /// as separately built copies (equal text, different bytes), canonically equivalent names arrive in other bytes,
    /// and the whole sequence is written three times.
    @Test func oneSignalLineWriterAcrossARun() throws {
        var signals = Self.signals(.trendDay, seed: 5, minutes: 3)
        let longName = String(repeating: "LONGNAME", count: 5)
        for index in signals.indices where index % 7 == 3 {
            signals[index].timeframe = .oneMinute
        }
        for index in signals.indices where index % 11 == 5 {
            // Built anew each time: a large string with its own storage.
            signals[index].symbol = String(longName.utf8.map { Character(UnicodeScalar($0)) })
        }
        for index in signals.indices where index % 13 == 6 {
            signals[index].symbol = "Q\"\\\u{01}é"
            signals[index].eventTime += 500_000_000
        }
        // Canonically equivalent names in other bytes (`==` holds between them): each line keeps its own spelling.
        for index in signals.indices {
            switch index % 17 {
            case 8: signals[index].symbol = "\u{C9}TF"
            case 9: signals[index].symbol = "E\u{301}TF"
            case 10: signals[index].symbol = "\u{212A}"
            case 11: signals[index].symbol = "K"
            default: break
            }
            switch index % 19 {
            case 4: signals[index].timeframe = Timeframe(rawValue: "1\u{C9}")
            case 5: signals[index].timeframe = Timeframe(rawValue: "1E\u{301}")
            default: break
            }
        }
        signals[signals.count / 2].symbol = String(repeating: "X", count: 300)
        signals[signals.count / 2 + 1].timeframe = Timeframe(rawValue: String(repeating: "9", count: 90))
        var writer = SignalLineWriter()
        var lines = 0
        for _ in 0..<3 {
            for (index, signal) in signals.enumerated() {
                var line: [UInt8] = []
                writer.append(signal, number: index + 1, to: &line)
                let expected = try JSONWriter.canonical(SimulationEvent.signal(signal).json(number: index + 1))
                if line != expected {
                    Issue.record("line \(index): \(String(decoding: line, as: UTF8.self))")
                    return
                }
                lines += 1
            }
        }
        #expect(lines == 3 * signals.count)
    }

    @Test func portfolioAccounting() throws {
        let nvda = Symbol("NVDA")!
        var portfolio = Portfolio(cash: Decimal(10_000))
        try portfolio.apply(symbol: nvda, quantity: Decimal(10), price: Decimal(100), cost: Decimal("1.5")!)
        #expect(portfolio.cash == Decimal("8998.5")! && portfolio.position(nvda)?.averagePrice == Decimal(100))
        try portfolio.apply(symbol: nvda, quantity: Decimal(10), price: Decimal(110), cost: .zero)
        #expect(portfolio.position(nvda)?.averagePrice == Decimal(105))
        // Sell 25: 20 close at +5 each (realized 100), 5 open short at 120.
        let realized = try portfolio.apply(symbol: nvda, quantity: Decimal(-25), price: Decimal(120), cost: .zero)
        #expect(realized == Decimal(300))
        #expect(portfolio.position(nvda)?.quantity == Decimal(-5) && portfolio.position(nvda)?.averagePrice == Decimal(120))
        portfolio.mark(nvda, at: Decimal(118))
        #expect(try portfolio.unrealizedPnL() == Decimal(10))
        #expect(try portfolio.equity() == Decimal(10_000) + Decimal(300) + Decimal(10) - Decimal("1.5")!)
        try portfolio.apply(symbol: nvda, quantity: Decimal(5), price: Decimal(118), cost: .zero)
        #expect(portfolio.position(nvda) == nil && portfolio.closedLegs == 2 && portfolio.winningLegs == 2)
    }

    /// An average price that does not terminate (300.02 / 3) is only displayed rounded: realized and unrealized
    /// PnL are measured against the exact cost basis, so realized + unrealized − costs is the change in equity to
    /// the last 10⁻⁹, through partial closes and a flip.
    @Test func pnlAddsUpExactlyWithARepeatingAveragePrice() throws {
        let aapl = Symbol("AAPL")!
        var portfolio = Portfolio(cash: Decimal(10_000), positions: [(aapl, Decimal(1), Decimal("100.003")!)])
        let start = try portfolio.equity()
        func check(_ step: String) throws {
            let gross = try #require(portfolio.realizedPnL.adding(try portfolio.unrealizedPnL()))
            #expect(try gross.subtracting(portfolio.costs) == (try portfolio.equity()).subtracting(start), "\(step)")
        }
        try portfolio.apply(symbol: aapl, quantity: Decimal(2), price: Decimal("100.0085")!, cost: Decimal("0.01")!)
        #expect(portfolio.position(aapl)?.costBasis == Decimal("300.02")!)
        #expect(portfolio.position(aapl)?.averagePrice == Decimal("100.006666667")!)
        try check("bought")
        let realized = try portfolio.apply(symbol: aapl, quantity: Decimal(-1), price: Decimal(101), cost: Decimal("0.02")!)
        #expect(realized == Decimal("0.993333333")!)  // 101 − 300.02 / 3, the basis share rounded once
        #expect(portfolio.position(aapl)?.costBasis == Decimal("200.013333333")!)
        try check("reduced")
        portfolio.mark(aapl, at: Decimal("101.07")!)
        try check("marked")
        try portfolio.apply(symbol: aapl, quantity: Decimal(-5), price: Decimal("99.99")!, cost: Decimal("0.03")!)
        #expect(portfolio.position(aapl)?.quantity == Decimal(-3) && portfolio.position(aapl)?.costBasis == Decimal("-299.97")!)
        try check("flipped")
        try portfolio.apply(symbol: aapl, quantity: Decimal(3), price: Decimal("98.5")!, cost: .zero)
        #expect(portfolio.position(aapl) == nil)
        try check("closed")
        #expect(try portfolio.unrealizedPnL() == .zero)
    }

    /// Equity is kept as a running sum of position values: a value that leaves the exact range (here a starting
    /// position marked far up) is an error, not a silently smaller sum, and the sum recovers when it comes back.
    @Test func positionValueOutOfRangeIsAnError() throws {
        let aapl = Symbol("AAPL")!
        let msft = Symbol("MSFT")!
        var portfolio = Portfolio(
            cash: Decimal(1_000), positions: [(aapl, Decimal(1_000_000), Decimal(100)), (msft, Decimal(10), Decimal(50))])
        #expect(try portfolio.equity() == Decimal(100_000_000 + 500 + 1_000))
        portfolio.mark(aapl, at: Decimal(100_000))  // 1e11, past the ±9.2e9 of exact decimals
        #expect(throws: SimulationError.self) { try portfolio.equity() }
        portfolio.mark(aapl, at: Decimal(101))
        #expect(try portfolio.equity() == Decimal(101_000_000 + 500 + 1_000))
    }

    /// A starting position held by a strategy is in its book: TSMOM skips its long entry in AAPL from the first
    /// signal and its sells reduce the long it knows of. Without a holder the book starts flat and buys AAPL.
    @Test func aStartingPositionHeldByAStrategyIsInItsBook() throws {
        let plan = try Self.plan("examples/torghut-aded76ac0f")
        let aapl = Symbol("AAPL")!
        func run(held: Bool) throws -> [(Decision, [RuleOutcome])] {
            var settings = SimulationSettings(
                startingCash: Decimal(100_000), positions: [(aapl, Decimal(100), Decimal(400))])
            if held { settings.positionHolders = [(aapl, Identifier("intraday_tsmom_v1@prod")!)] }
            var simulation = try Simulation(plan: plan, settings: settings)
            var decisions: [(Decision, [RuleOutcome])] = []
            for signal in Self.signals(.trendDay, seed: 7, minutes: 30) {
                try simulation.process(signal) { _, event in
                    if case .decision(let decision, let trace) = event, decision.symbol == aapl {
                        decisions.append((decision, trace))
                    }
                }
            }
            return decisions
        }
        let held = try run(held: true)
        let flat = try run(held: false)
        #expect(!held.isEmpty && !flat.isEmpty)
        // Held: the long entry is skipped until the book's AAPL position is gone, so no AAPL buy comes first.
        #expect(held.first?.1.first?.result == .skippedHeldDirection)
        #expect(held.first?.0.action == .sell)
        // Flat: the book buys AAPL (a long entry) although the account already holds 100 shares.
        #expect(flat.contains { $0.0.action == .buy && $0.0.intent == .entry })
        #expect(flat.first?.1.first?.result != .skippedHeldDirection)
        // A holder that is not in the plan stops the run before it starts.
        var stray = SimulationSettings(startingCash: Decimal(100_000), positions: [(aapl, Decimal(100), Decimal(400))])
        stray.positionHolders = [(aapl, Identifier("nobody@prod")!)]
        #expect(throws: SimulationError.self) { try Simulation(plan: plan, settings: stray) }
    }

    /// Drawdown and Sharpe start from the starting equity and include the last minute: a fall at the first signal
    /// is a drawdown, and three minutes of observations give three returns (start → 1st → 2nd → 3rd minute's close).
    @Test func riskMetricsStartFromTheStartingEquityAndCloseTheLastMinute() throws {
        var accumulator = MetricsAccumulator(startingEquity: Decimal(100))
        let minute = Timestamp.nanosPerMinute
        accumulator.observe(equity: Decimal(95), at: 10 * minute + 1)
        accumulator.observe(equity: Decimal(101), at: 10 * minute + 2)  // the first minute closes at 101
        accumulator.observe(equity: Decimal(102), at: 11 * minute)
        accumulator.observe(equity: Decimal(99), at: 12 * minute + 5)
        let metrics = try accumulator.finish(Portfolio(cash: Decimal(99)), startingEquity: Decimal(100))
        #expect(metrics.maxDrawdownFraction == 0.05)
        let returns = [101.0 / 100 - 1, 102.0 / 101 - 1, 99.0 / 102 - 1]
        let mean = returns.reduce(0, +) / 3
        let squares = returns.reduce(0) { $0 + $1 * $1 }
        let variance = (squares - 3 * mean * mean) / 2
        #expect(metrics.sharpe == mean / variance.squareRoot() * (252.0 * 390).squareRoot())
    }

    /// Out of the decimal's range, buying power is still multiplier × equity − gross, clamped to the range.
    @Test func saturatedBuyingPowerSubtractsGrossExposure() {
        let power = Simulation.saturatedBuyingPower(Decimal(4_700_000_000), Decimal(2), Decimal(9_000_000_000))
        #expect(power == Decimal(400_000_000))
        #expect(Simulation.saturatedBuyingPower(Decimal(9_000_000_000), Decimal(2), .zero) == Decimal(units: .max))
        #expect(Simulation.saturatedBuyingPower(Decimal(-9_000_000_000), Decimal(2), .zero) == Decimal(units: -.max))
    }

    @Test func limitPricesAndCosts() throws {
        let model = TorghutExecutionModel()
        func decision(_ action: Decision.Action, price: String) -> Decision {
            Decision(
                strategy: Identifier("s")!, symbol: Symbol("NVDA")!, eventTime: 0, action: action, intent: .entry,
                direction: action == .buy ? .long : .short, confidence: Decimal(1), quantity: Decimal(10), reasons: [],
                clientOrderID: "x", referencePrice: Decimal(price)!)
        }
        let quote = SignalRecord.Imbalance(spread: 0.05, bidPx: 100, askPx: 100.05, bidSz: 1, askSz: 1)
        // 100.003 + 0.025 = 100.028 → 100.03 (half-up to the cent); sells 99.978 → 99.98.
        #expect(try model.order(for: decision(.buy, price: "100.003"), quote: quote).limitPrice == Decimal("100.03")!)
        #expect(try model.order(for: decision(.sell, price: "100.003"), quote: quote).limitPrice == Decimal("99.98")!)
        #expect(try model.order(for: decision(.buy, price: "0.51234"), quote: nil).limitPrice == Decimal("0.5123")!)
        // A wide but real quote: a sell whose reference is within half the spread of zero sells at the lowest
        // price, one tick, and a higher reference never fills lower (the buy pays half the spread).
        let wide = SignalRecord.Imbalance(spread: 2.5, bidPx: 0.01, askPx: 2.51, bidSz: 1, askSz: 1)
        let sells = try ["1.20", "1.25", "1.26", "1.30"].map {
            try model.order(for: decision(.sell, price: $0), quote: wide).limitPrice
        }
        #expect(sells == ["0.0001", "0.0001", "0.01", "0.05"].map { Decimal($0)! })
        #expect(try model.order(for: decision(.buy, price: "1.20"), quote: wide).limitPrice == Decimal("2.45")!)
        // Not a quote (no bid, or the ask below the bid): priced as without one, on both sides.
        for broken in [
            SignalRecord.Imbalance(spread: 2.5, bidPx: 0, askPx: 2.5, bidSz: 1, askSz: 1),
            SignalRecord.Imbalance(spread: 0.5, bidPx: 100.5, askPx: 100, bidSz: 1, askSz: 1),
        ] {
            #expect(try model.order(for: decision(.sell, price: "1.20"), quote: broken).limitPrice == Decimal("1.20")!)
            #expect(try model.order(for: decision(.buy, price: "1.20"), quote: broken).limitPrice == Decimal("1.20")!)
        }
        #expect(try model.order(for: decision(.sell, price: "0.00004"), quote: nil).limitPrice == Decimal("0.0001")!)
        // Costs: σ_second 0.0002 → σ_minute ≈ 15.49 bps over 60 s; impact 50 × 1,000 / 50,000,000 = 0.001 bps.
        let costs = TorghutCostModel(perTradeFeeUSD: Decimal("0.65")!)
        let cost = try costs.cost(quantity: Decimal(10), price: Decimal(100), volatilityPerSecond: 0.0002)
        #expect(cost == Decimal("2.20")!)  // 1,000 × 15.4929 bps = 1.549 → + 0.65 = 2.199 → 2.20
        #expect(try TorghutCostModel(enabled: false).cost(quantity: Decimal(10), price: Decimal(100), volatilityPerSecond: 1) == .zero)
    }
}
