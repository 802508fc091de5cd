import Runtime
import SpecCompiler
import SpecModel
import Testing

/// specs/strategies/legacy-macd-rsi.yaml against Torghut's documented rule (reference 01 §2.2): buy when
/// macd > macd_signal and rsi14 < 35, sell when macd < macd_signal and rsi14 > 65, confidence 0.65, no state.
@Suite struct FamilyLegacyMacdRsiTests {
    static let fixture = FamilyFixture(spec: "legacy-macd-rsi.yaml", strategyID: "legacy_macd_rsi@prod", symbol: aapl)
    static var compiled: (diagnostics: [Diagnostic], plan: ExecutionPlan?) { (fixture.diagnostics, fixture.plan) }
    static var strategy: CompiledStrategy { fixture.strategy }

    static let aapl = Symbol("AAPL")!
    static let midday = EvaluationContext(minutesAfterOpen: 120, minutesBeforeClose: 270)

    /// `signal` 0 keeps `macd > macd_signal` a comparison with 0, exact in binary floating point.
    static func features(macd: Double?, signal: Double? = 0, rsi: Double?) -> FeatureVector {
        var vector = FeatureVector()
        vector.set(.macd, macd)
        vector.set(.macdSignal, signal)
        vector.set(.rsi14, rsi)
        return vector
    }

    static func evaluate(
        _ vector: FeatureVector, context: EvaluationContext = midday, position: StrategyPosition = .flat
    ) -> Evaluation {
        fixture.evaluate(vector, context: context, eventTime: 1_767_364_200_000_000_000, position: position)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var vector: FeatureVector
        var action: Decision.Action?
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        // Buy: macd > macd_signal ∧ rsi14 < 35 (strict).
        Case(name: "buy", vector: features(macd: 0.02, rsi: 30), action: .buy),
        Case(name: "buy: rsi just under 35", vector: features(macd: 0.02, rsi: 34.5), action: .buy),
        Case(name: "buy: rsi equal to 35 does not buy", vector: features(macd: 0.02, rsi: 35), action: nil),
        Case(name: "buy: rsi just over 35", vector: features(macd: 0.02, rsi: 35.5), action: nil),
        Case(name: "buy: macd just over its signal", vector: features(macd: 0.0001, rsi: 30), action: .buy),
        Case(name: "macd equal to its signal: neither", vector: features(macd: 0.01, signal: 0.01, rsi: 30), action: nil),
        Case(name: "buy: macd just under its signal", vector: features(macd: -0.0001, rsi: 30), action: nil),
        // Sell: macd < macd_signal ∧ rsi14 > 65 (strict).
        Case(name: "sell", vector: features(macd: -0.02, rsi: 70), action: .sell),
        Case(name: "sell: rsi just over 65", vector: features(macd: -0.02, rsi: 65.5), action: .sell),
        Case(name: "sell: rsi equal to 65 does not sell", vector: features(macd: -0.02, rsi: 65), action: nil),
        Case(name: "sell: rsi just under 65", vector: features(macd: -0.02, rsi: 64.5), action: nil),
        Case(name: "sell: macd just under its signal", vector: features(macd: -0.0001, rsi: 70), action: .sell),
        Case(name: "macd equal to its signal, rsi high: neither",
             vector: features(macd: 0.01, signal: 0.01, rsi: 70), action: nil),
        Case(name: "sell: macd just over its signal", vector: features(macd: 0.0001, rsi: 70), action: nil),
        // Mixed and neutral.
        Case(name: "macd up but rsi overbought: neither", vector: features(macd: 0.02, rsi: 70), action: nil),
        Case(name: "macd down but rsi oversold: neither", vector: features(macd: -0.02, rsi: 30), action: nil),
        Case(name: "rsi in the middle: neither", vector: features(macd: 0.02, rsi: 50), action: nil),
        // Required features fail closed.
        Case(name: "missing rsi", vector: features(macd: 0.02, rsi: nil), action: nil),
        Case(name: "missing macd_signal", vector: features(macd: 0.02, signal: nil, rsi: 30), action: nil),
        Case(name: "missing macd", vector: features(macd: nil, rsi: 70), action: nil),
    ]

    @Test func compilesWithoutDiagnostics() {
        #expect(Self.compiled.diagnostics.isEmpty, "\(Self.compiled.diagnostics)")
        #expect(Self.compiled.plan != nil)
    }

    @Test func planMatchesTheUncataloguedDefinition() {
        let strategy = Self.strategy
        #expect(strategy.enabled == false)
        #expect(strategy.timeframe == "1Min")
        #expect(strategy.maxNotionalUSD == Decimal(1000))
        #expect(strategy.maxPositionFractionOfEquity == nil)
        // No symbols listed: the whole us-equities universe.
        #expect(strategy.symbols.count == 15)
        #expect(strategy.entries.map(\.direction) == [.long, .short])
        #expect(strategy.entries.allSatisfy { $0.window == nil })
        #expect(strategy.exits.isEmpty)
    }

    @Test(arguments: cases)
    func decisionMatchesTheReferenceRule(_ testCase: Case) {
        let decision = Self.evaluate(testCase.vector).decision
        #expect(decision?.action == testCase.action, "\(testCase.name)")
        // Every decision of the rule carries confidence 0.65, without bonuses.
        #expect(decision.map { $0.confidence.description } == (testCase.action == nil ? nil : "0.65"), "\(testCase.name)")
    }

    @Test func reasonsAndQuantity() throws {
        let buy = try #require(Self.evaluate(Self.features(macd: 0.02, rsi: 30)).decision)
        #expect(buy.reasons == ["macd_cross_up", "rsi_oversold"])
        #expect(buy.intent == .entry)
        #expect(buy.quantity == Decimal(10))  // $1000 at $100
        let sell = try #require(Self.evaluate(Self.features(macd: -0.02, rsi: 70)).decision)
        #expect(sell.reasons == ["macd_cross_down", "rsi_overbought"])
        #expect(sell.intent == .entry)
        #expect(sell.direction == .short)
        #expect(sell.quantity == Decimal(10))
    }

    @Test func noWindow() {
        // Torghut's rule has no time gate: the open, the last minute, and outside the session all decide.
        let buy = Self.features(macd: 0.02, rsi: 30)
        #expect(Self.evaluate(buy, context: EvaluationContext(minutesAfterOpen: 0, minutesBeforeClose: 390)).decision?
            .action == .buy)
        #expect(Self.evaluate(buy, context: EvaluationContext(minutesAfterOpen: 389.5, minutesBeforeClose: 0.5))
            .decision?.action == .buy)
        #expect(Self.evaluate(buy, context: EvaluationContext(minutesAfterOpen: nil, minutesBeforeClose: nil))
            .decision?.action == .buy)
    }

    @Test func sellWhileLongIsAnUnconditionalSellAndBuyWhileLongIsSkipped() throws {
        let long = StrategyPosition(quantity: Decimal(3))
        // A sell intent while long sells the budget's shares: it closes the 3 and may open a short (shorts allowed).
        let sell = try #require(Self.evaluate(Self.features(macd: -0.02, rsi: 70), position: long).decision)
        #expect(sell.action == .sell)
        #expect(sell.quantity == Decimal(10))
        // No pyramiding: a buy signal while long is not an order.
        let again = Self.evaluate(Self.features(macd: 0.02, rsi: 30), position: long)
        #expect(again.decision == nil)
        #expect(again.outcomes.first?.result == .skippedHeldDirection)
    }

    @Test func disabledStrategyIsNeverEvaluated() throws {
        var runner = try PlanRunner(plan: try #require(Self.compiled.plan))
        let time = Timestamp.parse("2026-01-02T15:15:00Z")!
        let record = SignalRecord(
            ingestTime: time, eventTime: time, symbol: "AAPL", seq: 1, timeframe: .oneMinute,
            macd: .init(macd: 0.02, signal: 0, hist: 0.02), ema: .init(ema12: 101, ema26: 100.5), rsi14: 30,
            volRealized: .init(w60s: 0.00025), close: 100)
        #expect(runner.process(record, equity: Decimal(100_000)).isEmpty)
    }
}
