import Runtime
import SpecCompiler
import SpecModel
import Testing

/// specs/strategies/intraday-tsmom.yaml, the later TSMOM revision (catalog entry `intraday-tsmom-profit-v3` at
/// e551647657, reference 01 Appendix A.3 last bullet): §2.3's core rule plus an entry window (UTC 810–930 = minutes
/// 0–120 after the open), a spread cap of 20 bps, recent imbalance ≥ 0.02, recent microprice bias ≥ 0.10 bps, recent
/// quote invalid ratio ≤ 0.20, and opening-window / continuation rank floors of 0.60. The aded76ac0f rule itself is
/// tested from examples/torghut-aded76ac0f by TSMOMEvaluationTests.
@Suite struct FamilyIntradayTsmomTests {
    static let fixture = FamilyFixture(spec: "intraday-tsmom.yaml", strategyID: "intraday_tsmom_v1@prod", symbol: aapl)
    static var compiled: (diagnostics: [Diagnostic], plan: ExecutionPlan?) { (fixture.diagnostics, fixture.plan) }
    static var strategy: CompiledStrategy { fixture.strategy }

    static let aapl = Symbol("AAPL")!

    /// A long signal passing every gate with room to spare; each case moves one input to a boundary. `macdSignal` 0
    /// keeps `hist = macd` exact; the other values are exact in binary or the same literal as the threshold.
    static func long(
        macd: Double = 0.007, rsi: Double = 56, vol: Double? = 0.00025, spread: Double? = 4,
        imbalance: Double? = 0.5, microprice: Double? = 1, invalid: Double? = 0, openingRank: Double? = 0.75,
        continuationRank: Double? = 0.75
    ) -> FeatureVector {
        var vector = FeatureVector()
        vector.set(.ema12, 101)
        vector.set(.ema26, 100.5)
        vector.set(.macd, macd)
        vector.set(.macdSignal, 0)
        vector.set(.rsi14, rsi)
        vector.set(.volRealizedW60s, vol)
        vector.set(.spreadBps, spread)
        vector.set(.recentImbalancePressureAvg, imbalance)
        vector.set(.recentMicropriceBiasBpsAvg, microprice)
        vector.set(.recentQuoteInvalidRatio, invalid)
        vector.set(.crossSectionOpeningWindowReturnRank, openingRank)
        vector.set(.crossSectionContinuationRank, continuationRank)
        return vector
    }

    /// A short signal: trend down, −hist 0.01, rsi 40; flow and ranks bearish (the long-only floors would fail).
    static func short(spread: Double? = 4, invalid: Double? = 0) -> FeatureVector {
        var vector = long(
            macd: -0.01, rsi: 40, spread: spread, imbalance: -0.5, microprice: -1, invalid: invalid, openingRank: 0.1,
            continuationRank: 0.1)
        vector.set(.ema12, 100)
        return vector
    }

    static func evaluate(_ vector: FeatureVector, minute: Double? = 45) -> Evaluation {
        fixture.evaluateFlat(vector, minute: minute, eventTime: 1_767_364_200_000_000_000)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var vector: FeatureVector
        var minute: Double?
        var action: Decision.Action?
        var confidence: String?
        var testDescription: String { self.name }
    }

    @Test func compilesWithoutDiagnosticsToTheCatalogEntry() throws {
        #expect(Self.compiled.diagnostics.isEmpty, "\(Self.compiled.diagnostics)")
        let strategy = Self.strategy
        #expect(strategy.enabled == false)
        #expect(strategy.timeframe == "1Sec")
        #expect(strategy.maxNotionalUSD == Decimal(50_000))
        #expect(strategy.maxPositionFractionOfEquity == nil)
        #expect(strategy.symbols == Set(
            ["NVDA", "AAPL", "MSFT", "AMAT", "META", "AVGO", "AMD", "GOOG", "PLTR", "INTC"].map { Symbol($0)! }))
        #expect(strategy.entries.map(\.direction) == [.long, .short])
        #expect(strategy.entries.map(\.window) == [0...120, 0...120])  // half-open: minutes 0 ..< 120
        #expect(strategy.exits.isEmpty)
    }

    static let cases: [Case] = [
        // §2.3's core rule is unchanged.
        Case(name: "long base", vector: long(), minute: 45, action: .buy, confidence: "0.64"),
        Case(name: "long: hist at 2x min +0.05", vector: long(macd: 0.01), minute: 45, action: .buy, confidence: "0.69"),
        Case(name: "long: hist under min", vector: long(macd: 0.004999), minute: 45, action: nil, confidence: nil),
        Case(name: "long: vol missing still passes", vector: long(vol: nil), minute: 45, action: .buy, confidence: "0.64"),
        Case(name: "long: all bonuses", vector: long(macd: 0.01, rsi: 62, vol: 0.0001), minute: 45, action: .buy,
             confidence: "0.74"),
        // Window: UTC 810 .. 930 → minutes 0 ..< 120 after the open.
        Case(name: "window: before the open", vector: long(), minute: nil, action: nil, confidence: nil),
        Case(name: "window: minute -1", vector: long(), minute: -1, action: nil, confidence: nil),
        Case(name: "window: minute 0 (start)", vector: long(), minute: 0, action: .buy, confidence: "0.64"),
        Case(name: "window: minute 119 (end - 1)", vector: long(), minute: 119, action: .buy, confidence: "0.64"),
        Case(name: "window: minute 119.5", vector: long(), minute: 119.5, action: .buy, confidence: "0.64"),
        Case(name: "window: minute 120 (end)", vector: long(), minute: 120, action: nil, confidence: nil),
        // max_spread_bps 20.
        Case(name: "spread under 20", vector: long(spread: 19.5), minute: 45, action: .buy, confidence: "0.64"),
        Case(name: "spread equal to 20", vector: long(spread: 20), minute: 45, action: .buy, confidence: "0.64"),
        Case(name: "spread over 20", vector: long(spread: 20.5), minute: 45, action: nil, confidence: nil),
        Case(name: "spread missing fails closed", vector: long(spread: nil), minute: 45, action: nil, confidence: nil),
        // min_recent_imbalance_pressure 0.02.
        Case(name: "recent imbalance under 0.02", vector: long(imbalance: 0.015), minute: 45, action: nil,
             confidence: nil),
        Case(name: "recent imbalance equal to 0.02", vector: long(imbalance: 0.02), minute: 45, action: .buy,
             confidence: "0.64"),
        Case(name: "recent imbalance over 0.02", vector: long(imbalance: 0.025), minute: 45, action: .buy,
             confidence: "0.64"),
        Case(name: "recent imbalance missing", vector: long(imbalance: nil), minute: 45, action: nil, confidence: nil),
        // min_recent_microprice_bias_bps 0.10.
        Case(name: "recent microprice under 0.10", vector: long(microprice: 0.05), minute: 45, action: nil,
             confidence: nil),
        Case(name: "recent microprice equal to 0.10", vector: long(microprice: 0.1), minute: 45, action: .buy,
             confidence: "0.64"),
        Case(name: "recent microprice over 0.10", vector: long(microprice: 0.15), minute: 45, action: .buy,
             confidence: "0.64"),
        Case(name: "recent microprice missing", vector: long(microprice: nil), minute: 45, action: nil, confidence: nil),
        // max_recent_quote_invalid_ratio 0.20.
        Case(name: "invalid ratio under 0.20", vector: long(invalid: 0.15), minute: 45, action: .buy, confidence: "0.64"),
        Case(name: "invalid ratio equal to 0.20", vector: long(invalid: 0.2), minute: 45, action: .buy,
             confidence: "0.64"),
        Case(name: "invalid ratio over 0.20", vector: long(invalid: 0.25), minute: 45, action: nil, confidence: nil),
        Case(name: "invalid ratio missing", vector: long(invalid: nil), minute: 45, action: nil, confidence: nil),
        // min_cross_section_opening_window_return_rank 0.60.
        Case(name: "opening-window rank under 0.60", vector: long(openingRank: 0.5625), minute: 45, action: nil,
             confidence: nil),
        Case(name: "opening-window rank equal to 0.60", vector: long(openingRank: 0.6), minute: 45, action: .buy,
             confidence: "0.64"),
        Case(name: "opening-window rank over 0.60", vector: long(openingRank: 0.625), minute: 45, action: .buy,
             confidence: "0.64"),
        Case(name: "opening-window rank missing", vector: long(openingRank: nil), minute: 45, action: nil,
             confidence: nil),
        // min_cross_section_continuation_rank 0.60.
        Case(name: "continuation rank under 0.60", vector: long(continuationRank: 0.5625), minute: 45, action: nil,
             confidence: nil),
        Case(name: "continuation rank equal to 0.60", vector: long(continuationRank: 0.6), minute: 45, action: .buy,
             confidence: "0.64"),
        Case(name: "continuation rank over 0.60", vector: long(continuationRank: 0.625), minute: 45, action: .buy,
             confidence: "0.64"),
        Case(name: "continuation rank missing", vector: long(continuationRank: nil), minute: 45, action: nil,
             confidence: nil),
        // Short: §2.3's rule, the window and the feed-quality caps; not the long's flow and rank floors.
        Case(name: "short with bearish flow and low ranks", vector: short(), minute: 45, action: .sell,
             confidence: "0.65"),
        Case(name: "short: minute 0", vector: short(), minute: 0, action: .sell, confidence: "0.65"),
        Case(name: "short: minute 119", vector: short(), minute: 119, action: .sell, confidence: "0.65"),
        Case(name: "short: minute 120", vector: short(), minute: 120, action: nil, confidence: nil),
        Case(name: "short: before the open", vector: short(), minute: nil, action: nil, confidence: nil),
        Case(name: "short: spread equal to 20", vector: short(spread: 20), minute: 45, action: .sell,
             confidence: "0.65"),
        Case(name: "short: spread over 20", vector: short(spread: 20.5), minute: 45, action: nil, confidence: nil),
        Case(name: "short: invalid ratio equal to 0.20", vector: short(invalid: 0.2), minute: 45, action: .sell,
             confidence: "0.65"),
        Case(name: "short: invalid ratio over 0.20", vector: short(invalid: 0.25), minute: 45, action: nil,
             confidence: nil),
    ]

    @Test(arguments: cases)
    func decisionMatchesTheLaterRevision(_ testCase: Case) {
        let evaluation = Self.evaluate(testCase.vector, minute: testCase.minute)
        #expect(evaluation.decision?.action == testCase.action, "\(testCase.name)")
        #expect(evaluation.decision?.confidence.description == testCase.confidence, "\(testCase.name)")
    }

    @Test func outsideTheWindowIsTracedAsSuch() {
        #expect(Self.evaluate(Self.long(), minute: 120).outcomes.map(\.result) == [.outsideWindow, .outsideWindow])
    }

    @Test func newGatesAreTracedInCatalogOrder() {
        // Conditions 4 ... 9 of the long rule: spread, imbalance, microprice, invalid ratio, opening rank, continuation.
        let failing: [(FeatureVector, Int)] = [
            (Self.long(spread: 20.5), 4), (Self.long(imbalance: 0.015), 5), (Self.long(microprice: 0.05), 6),
            (Self.long(invalid: 0.25), 7), (Self.long(openingRank: 0.5625), 8), (Self.long(continuationRank: 0.5625), 9),
        ]
        for (vector, index) in failing {
            #expect(Self.evaluate(vector).outcomes.first?.result == .failedCondition(index))
        }
    }

    @Test func sizesTheCatalogBudgetWithoutAnEquityCap() throws {
        // $50,000 at $100 → 500 shares; the 3.0 equity multiple lives in specs/risk, not in the strategy.
        let decision = try #require(Self.evaluate(Self.long()).decision)
        #expect(decision.quantity == Decimal(500))
        #expect(decision.reasons == ["tsmom_trend_up", "momentum_confirmed", "volatility_within_budget"])
    }
}
