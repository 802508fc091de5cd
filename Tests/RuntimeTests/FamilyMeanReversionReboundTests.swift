import Runtime
import SpecCompiler
import SpecModel
import Testing

/// `specs/strategies/mean-reversion-rebound-long.yaml` against Torghut's documented rule (reference 01 Appendix A.3,
/// mean_reversion_rebound_long_v1, with the catalog values deployed at e551647657). Expected decisions come from the
/// reference text and the catalog: every entry gate just under, at and just over its threshold, the window edges,
/// every exit condition, the entry notional multiplier, and the overlays and trade policy the catalog sets.
@Suite struct FamilyMeanReversionReboundTests {
    static let fixture = FamilyFixture(
        spec: "mean-reversion-rebound-long.yaml", strategyID: "mean_reversion_rebound_long_v1@research", base: base,
        symbol: aapl, equity: Decimal(1_000_000), startMinute: 60)
    static var compiled: (diagnostics: [Diagnostic], strategy: CompiledStrategy?) {
        (fixture.diagnostics, fixture.compiledStrategy)
    }
    static var strategy: CompiledStrategy { fixture.strategy }

    static let aapl = Symbol("AAPL")!
    static let msft = Symbol("MSFT")!
    static let open: TimestampNanos = 1_767_364_200_000_000_000
    static let day = CivilDate(year: 2026, month: 1, day: 2)

    /// A signal that passes every entry gate and triggers no exit; exact in binary where it meets a threshold.
    static let base: [(FeatureID, Double?)] = [
        (.priceVsVwapSessionBps, -30),             // below VWAP by 30 ∈ [15, 55]
        (.priceVsEma12Bps, -12),                   // below ema12 by 12 ∈ [6, 28]
        (.rsi14, 47),                              // ∈ [43, 51]
        (.macd, 0.01), (.macdSignal, 0),           // hist = macd = 0.01 ∈ [0.003, 0.03]
        (.priceVsPrevSessionCloseBps, -40),        // drive (prev-close basis) ≤ −30
        (.priceVsSessionOpenBps, -35),
        (.openingWindowReturnBps, -10),            // ≤ −5
        (.pricePositionInSessionRange, 0.2),       // ≤ 0.25
        (.sessionRangeBps, 60),                    // ≥ 45
        (.priceVsOpeningRangeLowBps, -4),          // ∈ [−12, 8]
        (.spreadBps, 5),                           // ≤ 20
        (.recentSpreadBpsAvg, 4),                  // ≤ 8
        (.recentSpreadBpsMax, 10),                 // ≤ 18
        (.imbalancePressure, 0.1),                 // ≥ 0.02
        (.recentImbalancePressureAvg, 0.05),       // ≥ 0.03
        (.recentMicropriceBiasBpsAvg, 0.2),        // ≥ 0.10 (reference default)
        (.volRealizedW60s, 0.0002),                // ∈ [0.00005, 0.00035]
        (.crossSectionReversalRank, 0.84),         // ≥ 0.72
        (.crossSectionContinuationRank, 0.3),      // ≤ 0.45
        (.crossSectionOpeningWindowReturnRank, 0.3),  // ≤ 0.45
    ]

    static func evaluateFlat(_ vector: FeatureVector, minute: Double = 60, price: String = "100") -> Evaluation {
        fixture.evaluateFlat(vector, minute: minute, eventTime: open + 3_600_000_000_000, price: Decimal(price)!)
    }

    @Test func specCompilesWithoutDiagnostics() {
        #expect(Self.compiled.diagnostics.isEmpty, "\(Self.compiled.diagnostics)")
        #expect(Self.compiled.strategy != nil)
        #expect(Self.compiled.strategy?.enabled == false)
        #expect(Self.compiled.strategy?.symbols.count == 12)
    }

    // MARK: Entry gates

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var overrides: [(FeatureID, Double?)]
        var minute: Double = 60
        var enters: Bool
        var testDescription: String { self.name }
    }

    static func pass(_ name: String, _ overrides: [(FeatureID, Double?)], minute: Double = 60) -> Case {
        Case(name: name, overrides: overrides, minute: minute, enters: true)
    }

    static func fail(_ name: String, _ overrides: [(FeatureID, Double?)], minute: Double = 60) -> Case {
        Case(name: name, overrides: overrides, minute: minute, enters: false)
    }

    static let entryCases: [Case] = [
        pass("all gates pass", []),
        // Price below session VWAP by [15, 55] bps.
        fail("below vwap 14.5: under min", [(.priceVsVwapSessionBps, -14.5)]),
        pass("below vwap 15: at min", [(.priceVsVwapSessionBps, -15)]),
        pass("below vwap 15.5: over min", [(.priceVsVwapSessionBps, -15.5)]),
        pass("below vwap 54.5: under max", [(.priceVsVwapSessionBps, -54.5)]),
        pass("below vwap 55: at max", [(.priceVsVwapSessionBps, -55)]),
        fail("below vwap 55.5: over max", [(.priceVsVwapSessionBps, -55.5)]),
        // Below ema12 by [6, 28] bps.
        fail("below ema12 5.5: under min", [(.priceVsEma12Bps, -5.5)]),
        pass("below ema12 6: at min", [(.priceVsEma12Bps, -6)]),
        pass("below ema12 6.5: over min", [(.priceVsEma12Bps, -6.5)]),
        pass("below ema12 27.5: under max", [(.priceVsEma12Bps, -27.5)]),
        pass("below ema12 28: at max", [(.priceVsEma12Bps, -28)]),
        fail("below ema12 28.5: over max", [(.priceVsEma12Bps, -28.5)]),
        // RSI ∈ [43, 51].
        fail("rsi 42.5", [(.rsi14, 42.5)]),
        pass("rsi 43", [(.rsi14, 43)]),
        pass("rsi 43.5", [(.rsi14, 43.5)]),
        pass("rsi 50.5", [(.rsi14, 50.5)]),
        pass("rsi 51", [(.rsi14, 51)]),
        fail("rsi 51.5", [(.rsi14, 51.5)]),
        // hist ∈ [0.003, 0.030] (signal 0, so hist = macd).
        fail("hist 0.0029", [(.macd, 0.0029)]),
        pass("hist 0.003", [(.macd, 0.003)]),
        pass("hist 0.0031", [(.macd, 0.0031)]),
        pass("hist 0.0299", [(.macd, 0.0299)]),
        pass("hist 0.03", [(.macd, 0.03)]),
        fail("hist 0.0301", [(.macd, 0.0301)]),
        // Drive ≤ −30 bps on the prev-close basis, the session open when there is no previous close.
        fail("drive -29.5", [(.priceVsPrevSessionCloseBps, -29.5)]),
        pass("drive -30", [(.priceVsPrevSessionCloseBps, -30)]),
        pass("drive -30.5", [(.priceVsPrevSessionCloseBps, -30.5)]),
        pass("drive uses prev close over the session open", [(.priceVsPrevSessionCloseBps, -40), (.priceVsSessionOpenBps, 10)]),
        fail("drive ignores the session open when prev close is present",
             [(.priceVsPrevSessionCloseBps, -20), (.priceVsSessionOpenBps, -60)]),
        pass("no prev close: session open -30", [(.priceVsPrevSessionCloseBps, nil), (.priceVsSessionOpenBps, -30)]),
        fail("no prev close: session open -29.5", [(.priceVsPrevSessionCloseBps, nil), (.priceVsSessionOpenBps, -29.5)]),
        fail("no drive at all", [(.priceVsPrevSessionCloseBps, nil), (.priceVsSessionOpenBps, nil)]),
        // Opening-window return ≤ −5.
        fail("opening window -4.5", [(.openingWindowReturnBps, -4.5)]),
        pass("opening window -5", [(.openingWindowReturnBps, -5)]),
        pass("opening window -5.5", [(.openingWindowReturnBps, -5.5)]),
        // Range position ≤ 0.25.
        pass("range position 0.24", [(.pricePositionInSessionRange, 0.24)]),
        pass("range position 0.25", [(.pricePositionInSessionRange, 0.25)]),
        fail("range position 0.26", [(.pricePositionInSessionRange, 0.26)]),
        // Session range ≥ 45 bps.
        fail("session range 44.5", [(.sessionRangeBps, 44.5)]),
        pass("session range 45", [(.sessionRangeBps, 45)]),
        pass("session range 45.5", [(.sessionRangeBps, 45.5)]),
        // Price vs opening-range low ∈ [−12, 8].
        fail("vs OR low -12.5", [(.priceVsOpeningRangeLowBps, -12.5)]),
        pass("vs OR low -12", [(.priceVsOpeningRangeLowBps, -12)]),
        pass("vs OR low -11.5", [(.priceVsOpeningRangeLowBps, -11.5)]),
        pass("vs OR low 7.5", [(.priceVsOpeningRangeLowBps, 7.5)]),
        pass("vs OR low 8", [(.priceVsOpeningRangeLowBps, 8)]),
        fail("vs OR low 8.5", [(.priceVsOpeningRangeLowBps, 8.5)]),
        // Spread ≤ 20; recent spread avg ≤ 8, max ≤ 18.
        pass("spread 19.5", [(.spreadBps, 19.5)]),
        pass("spread 20", [(.spreadBps, 20)]),
        fail("spread 20.5", [(.spreadBps, 20.5)]),
        pass("recent spread avg 7.5", [(.recentSpreadBpsAvg, 7.5)]),
        pass("recent spread avg 8", [(.recentSpreadBpsAvg, 8)]),
        fail("recent spread avg 8.5", [(.recentSpreadBpsAvg, 8.5)]),
        pass("recent spread max 17.5", [(.recentSpreadBpsMax, 17.5)]),
        pass("recent spread max 18", [(.recentSpreadBpsMax, 18)]),
        fail("recent spread max 18.5", [(.recentSpreadBpsMax, 18.5)]),
        // Imbalance ≥ 0.02; recent imbalance ≥ 0.03; recent microprice bias ≥ 0.10.
        fail("imbalance 0.019", [(.imbalancePressure, 0.019)]),
        pass("imbalance 0.02", [(.imbalancePressure, 0.02)]),
        pass("imbalance 0.021", [(.imbalancePressure, 0.021)]),
        fail("recent imbalance 0.029", [(.recentImbalancePressureAvg, 0.029)]),
        pass("recent imbalance 0.03", [(.recentImbalancePressureAvg, 0.03)]),
        pass("recent imbalance 0.031", [(.recentImbalancePressureAvg, 0.031)]),
        fail("microprice 0.09", [(.recentMicropriceBiasBpsAvg, 0.09)]),
        pass("microprice 0.10", [(.recentMicropriceBiasBpsAvg, 0.1)]),
        pass("microprice 0.11", [(.recentMicropriceBiasBpsAvg, 0.11)]),
        // Volatility ∈ [0.00005, 0.00035].
        fail("vol 0.000049", [(.volRealizedW60s, 0.000049)]),
        pass("vol 0.00005", [(.volRealizedW60s, 0.00005)]),
        pass("vol 0.000051", [(.volRealizedW60s, 0.000051)]),
        pass("vol 0.000349", [(.volRealizedW60s, 0.000349)]),
        pass("vol 0.00035", [(.volRealizedW60s, 0.00035)]),
        fail("vol 0.000351", [(.volRealizedW60s, 0.000351)]),
        fail("vol missing fails closed", [(.volRealizedW60s, nil)]),
        // Cross-section: reversal rank ≥ 0.72; continuation and opening-window ranks ≤ 0.45.
        fail("reversal rank 0.71", [(.crossSectionReversalRank, 0.71)]),
        pass("reversal rank 0.72", [(.crossSectionReversalRank, 0.72)]),
        pass("reversal rank 0.73", [(.crossSectionReversalRank, 0.73)]),
        fail("reversal rank missing fails closed", [(.crossSectionReversalRank, nil)]),
        pass("continuation rank 0.44", [(.crossSectionContinuationRank, 0.44)]),
        pass("continuation rank 0.45", [(.crossSectionContinuationRank, 0.45)]),
        fail("continuation rank 0.46", [(.crossSectionContinuationRank, 0.46)]),
        pass("opening-window rank 0.44", [(.crossSectionOpeningWindowReturnRank, 0.44)]),
        pass("opening-window rank 0.45", [(.crossSectionOpeningWindowReturnRank, 0.45)]),
        fail("opening-window rank 0.46", [(.crossSectionOpeningWindowReturnRank, 0.46)]),
        // Window: UTC 840 … min(1080, 1080 − 15) = minutes 30 … 255, end exclusive.
        fail("minute 29", [], minute: 29),
        fail("minute 29.99", [], minute: 29.99),
        pass("minute 30", [], minute: 30),
        pass("minute 254", [], minute: 254),
        pass("minute 254.99", [], minute: 254.99),
        fail("minute 255", [], minute: 255),
    ]

    @Test(arguments: entryCases)
    func entryGate(_ testCase: Case) {
        let evaluation = Self.evaluateFlat(Self.fixture.features(testCase.overrides), minute: testCase.minute)
        if testCase.enters {
            #expect(evaluation.decision?.action == .buy, "\(testCase.name)")
            #expect(evaluation.decision?.intent == .entry, "\(testCase.name)")
            // No bonus terms in the reference: confidence is the base, 0.64 (cap 0.81).
            #expect(evaluation.decision?.confidence == Decimal("0.64"), "\(testCase.name)")
        } else {
            #expect(evaluation.decision == nil, "\(testCase.name)")
        }
    }

    @Test func firstFailingGateIsTracedInReferenceOrder() {
        // RSI is the third gate; the VWAP and ema12 gates before it pass.
        #expect(Self.evaluateFlat(Self.fixture.features([(.rsi14, 60)])).outcomes.map(\.result) == [.failedCondition(2)])
        #expect(Self.evaluateFlat(Self.fixture.features(), minute: 10).outcomes.map(\.result) == [.outsideWindow])
    }

    @Test func decisionCarriesReasons() throws {
        let decision = try #require(Self.evaluateFlat(Self.fixture.features()).decision)
        #expect(decision.reasons == ["mean_reversion_rebound_long", "below_vwap_dislocation"])
    }

    // MARK: Entry notional multiplier

    /// min 0.20 + 0.80 × mean(norm. confidence (0.62 … 0.85), norm. reversal rank (0.72 … 0.96), 1 − spread / 20),
    /// to 4 decimals, × 31,590 USD, ÷ price, whole shares.
    @Test func notionalMultiplierFollowsConfidenceRankAndSpread() {
        func quantity(_ overrides: [(FeatureID, Double?)]) -> Decimal? {
            Self.evaluateFlat(Self.fixture.features(overrides)).decision?.quantity
        }
        // (0.02/0.23 + 0.12/0.24 + 0.75) / 3 = 0.44565… → 0.2 + 0.8 × 0.44565 = 0.5565 → 17,579.835 USD → 175.
        #expect(quantity([]) == Decimal(175))
        // Rank at the ceiling, spread 0: (0.08696 + 1 + 1) / 3 → 0.7565 → 23,897.835 USD → 238.
        #expect(quantity([(.crossSectionReversalRank, 0.96), (.spreadBps, 0)]) == Decimal(238))
        // Above the ceiling is clamped to 1.
        #expect(quantity([(.crossSectionReversalRank, 0.99), (.spreadBps, 0)]) == Decimal(238))
        // Rank at the floor, spread at the cap: 0.08696 / 3 → 0.2231 → 7,047.729 USD → 70.
        #expect(quantity([(.crossSectionReversalRank, 0.72), (.spreadBps, 20)]) == Decimal(70))
    }

    // MARK: Exits

    struct ExitCase: CustomTestStringConvertible, Sendable {
        var name: String
        var overrides: [(FeatureID, Double?)]
        var exits: Bool
        var testDescription: String { self.name }
    }

    static let exitCases: [ExitCase] = [
        ExitCase(name: "no exit condition", overrides: [], exits: false),
        ExitCase(name: "price 0.5 bps under session VWAP", overrides: [(.priceVsVwapSessionBps, -0.5)], exits: false),
        ExitCase(name: "price at session VWAP", overrides: [(.priceVsVwapSessionBps, 0)], exits: true),
        ExitCase(name: "price 0.5 bps under ema12", overrides: [(.priceVsEma12Bps, -0.5)], exits: false),
        ExitCase(name: "price at ema12", overrides: [(.priceVsEma12Bps, 0)], exits: true),
        ExitCase(name: "rsi 57.5", overrides: [(.rsi14, 57.5)], exits: false),
        ExitCase(name: "rsi 58", overrides: [(.rsi14, 58)], exits: true),
        ExitCase(name: "rsi 58.5", overrides: [(.rsi14, 58.5)], exits: true),
        ExitCase(name: "hist -0.0029", overrides: [(.macd, -0.0029)], exits: false),
        ExitCase(name: "hist -0.003", overrides: [(.macd, -0.003)], exits: true),
        ExitCase(name: "hist -0.0031", overrides: [(.macd, -0.0031)], exits: true),
        ExitCase(name: "recent imbalance -0.029", overrides: [(.recentImbalancePressureAvg, -0.029)], exits: false),
        ExitCase(name: "recent imbalance -0.03", overrides: [(.recentImbalancePressureAvg, -0.03)], exits: true),
        ExitCase(name: "recent imbalance -0.031", overrides: [(.recentImbalancePressureAvg, -0.031)], exits: true),
        ExitCase(name: "range position 0.55", overrides: [(.pricePositionInSessionRange, 0.55)], exits: false),
        ExitCase(name: "range position 0.56", overrides: [(.pricePositionInSessionRange, 0.56)], exits: true),
        ExitCase(name: "range position 0.57", overrides: [(.pricePositionInSessionRange, 0.57)], exits: true),
    ]

    /// A book holding 100 AAPL bought at 99, `heldFor` seconds before the signal.
    static func holding(heldFor: Int64 = 200, at seconds: Int64 = 0) -> StrategyBook {
        var book = StrategyBook(Self.strategy)
        book.setState(
            SymbolState(quantity: Decimal(100), averageEntryPrice: Decimal(99), entryTime: Self.fixture.time(seconds - heldFor)),
            for: Self.aapl)
        return book
    }

    @Test(arguments: exitCases)
    func exitCondition(_ testCase: ExitCase) {
        var book = Self.holding()
        let evaluation = book.evaluate(Self.fixture.features(testCase.overrides), Self.fixture.signal(seconds: 0, price: "100"))
        if testCase.exits {
            #expect(evaluation.decision?.action == .sell, "\(testCase.name)")
            #expect(evaluation.decision?.intent == .exit, "\(testCase.name)")
            #expect(evaluation.decision?.quantity == Decimal(100), "\(testCase.name)")
            #expect(evaluation.decision?.confidence == Decimal("0.61"), "\(testCase.name)")
            #expect(evaluation.decision?.reasons == ["mean_reversion_rebound_exit"], "\(testCase.name)")
        } else {
            // Holding the long, the long entry is skipped: no decision at all.
            #expect(evaluation.decision == nil, "\(testCase.name)")
            #expect(evaluation.outcomes.map(\.result) == [.failedCondition(nil), .skippedHeldDirection])
        }
    }

    @Test func signalExitWaitsForTheMinimumHoldAndNeedsProfit() {
        let exitSignal = Self.fixture.features([(.rsi14, 60)])
        var young = Self.holding(heldFor: 119)
        let early = young.evaluate(exitSignal, Self.fixture.signal(seconds: 0))
        #expect(early.decision == nil)
        #expect(early.outcomes.first?.result == .policy(.minHold))
        var old = Self.holding(heldFor: 120)
        #expect(old.evaluate(exitSignal, Self.fixture.signal(seconds: 0)).decision?.action == .sell)
        // require_positive_price_for_signal_exit: realized bps must be > 0 (entry 99).
        var losing = Self.holding()
        #expect(losing.evaluate(exitSignal, Self.fixture.signal(seconds: 0, price: "98.9")).outcomes.first?.result
            == .policy(.signalExitNeedsProfit))
        var flat = Self.holding()
        #expect(flat.evaluate(exitSignal, Self.fixture.signal(seconds: 0, price: "99")).outcomes.first?.result
            == .policy(.signalExitNeedsProfit))
        var winning = Self.holding()
        #expect(winning.evaluate(exitSignal, Self.fixture.signal(seconds: 0, price: "99.01")).decision?.action == .sell)
    }

    @Test func maxHoldAndSessionFlattenBypassTheMinimumHold() {
        var book = Self.holding(heldFor: 419)
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0)).decision == nil)
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1)).decision?.reasons == ["max_hold"])
        // Flatten at UTC 1080: 120 minutes before the close, even 10 s after entry and at a loss.
        var young = Self.holding(heldFor: 10)
        #expect(young.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0, minutesBeforeClose: 120.01)).decision == nil)
        let flatten = young.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1, price: "98", minutesBeforeClose: 120))
        #expect(flatten.decision?.action == .sell)
        #expect(flatten.decision?.reasons == ["session_flatten"])
        #expect(flatten.decision?.confidence == Decimal(1))
    }

    @Test func noStopLossOrTrailingStopIsSet() {
        // The catalog sets no long_stop_loss_* or long_trailing_stop_* params for this family.
        var book = Self.holding(heldFor: 10)
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0, price: "90")).decision == nil)
    }

    // MARK: Trade policy

    @Test func cooldownsAndConcurrentPositions() throws {
        var book = StrategyBook(Self.strategy)
        let entry = try #require(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0)).decision)
        #expect(entry.action == .buy)
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: entry.quantity, price: Decimal(100), time: Self.fixture.time(0))
        // max_concurrent_positions 1: MSFT waits while AAPL is held.
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(Self.msft, seconds: 10)).outcomes.first?.result
            == .policy(.maxConcurrentPositions))
        let exit = try #require(book.evaluate(Self.fixture.features([(.rsi14, 60)]), Self.fixture.signal(seconds: 300, price: "101")).decision)
        #expect(exit.action == .sell)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: exit.quantity, price: Decimal(101), time: Self.fixture.time(300))
        // entry_cooldown_seconds 1200 from the entry at 0.
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1199)).outcomes.first?.result
            == .policy(.entryCooldown))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(Self.msft, seconds: 1199)).decision?.action == .buy)
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1200)).decision?.action == .buy)
    }

    @Test func exitCooldown() {
        var book = StrategyBook(Self.strategy)
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(10), price: Decimal(100), time: Self.fixture.time(0))
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal(101), time: Self.fixture.time(1100))
        // exit_cooldown_seconds 120 from the exit at 1100; the entry cooldown (1200) has passed at 1200.
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1219)).outcomes.first?.result
            == .policy(.exitCooldown))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1220)).decision?.action == .buy)
    }
}
