import Runtime
import SpecCompiler
import SpecModel
import Testing

/// `specs/strategies/end-of-day-reversal-long.yaml` against Torghut's documented rule (reference 01 Appendix A.3,
/// end_of_day_reversal_long_v1, with the catalog values deployed at e551647657). Expected decisions come from the
/// reference text and the catalog: every entry gate just under, at and just over its threshold, the window edges,
/// every exit condition, the entry notional multiplier, and the overlays and trade policy the catalog sets.
@Suite struct FamilyEndOfDayReversalTests {
    static let fixture = FamilyFixture(
        spec: "end-of-day-reversal-long.yaml", strategyID: "end_of_day_reversal_long_v1@research", base: base,
        symbol: aapl, equity: Decimal(1_000_000), startMinute: startMinute)
    static var compiled: (diagnostics: [Diagnostic], strategy: CompiledStrategy?) {
        (fixture.diagnostics, fixture.compiledStrategy)
    }
    static var strategy: CompiledStrategy { fixture.strategy }

    static let aapl = Symbol("AAPL")!
    static let msft = Symbol("MSFT")!
    static let open: TimestampNanos = 1_767_364_200_000_000_000
    static let day = CivilDate(year: 2026, month: 1, day: 2)
    static let nextDay = CivilDate(year: 2026, month: 1, day: 5)
    /// Signals of sequences start at this minute after the open (the window is 350 … 378).
    static let startMinute: Int64 = 351

    /// A signal that passes every entry gate and triggers no exit; exact in binary where it meets a threshold.
    static let base: [(FeatureID, Double?)] = [
        (.priceVsPrevSessionCloseBps, -60),        // drive (prev-close basis) ≤ −45
        (.priceVsSessionOpenBps, -50),
        (.openingWindowReturnBps, -15),            // ≤ −10
        (.pricePositionInSessionRange, 0.3),       // ≤ 0.40
        (.sessionRangeBps, 60),                    // ≥ 40
        (.priceVsOpeningRangeLowBps, 4),           // ∈ [−4, 12]
        (.priceVsVwapSessionBps, -20),             // below VWAP by 20 ∈ [8, 32]
        (.priceVsEma12Bps, -10),                   // below ema12 by 10 ∈ [4, 24]
        (.rsi14, 40),                              // ∈ [34, 48]
        (.macd, 0.001), (.macdSignal, 0),          // hist = macd = 0.001 ∈ [−0.010, 0.012]
        (.volRealizedW60s, 0.0002),                // ∈ [0.00005, 0.00045]
        (.spreadBps, 4.5),                         // ≤ 18
        (.recentSpreadBpsAvg, 4),                  // ≤ 8
        (.recentSpreadBpsMax, 10),                 // ≤ 18
        (.imbalancePressure, 0.1),                 // ≥ 0.02
        (.recentImbalancePressureAvg, 0.05),       // ≥ 0.03
        (.recentMicropriceBiasBpsAvg, 0.2),        // ≥ 0.05 (reference default)
        (.crossSectionReversalRank, 0.87),         // ≥ 0.78
        (.crossSectionContinuationRank, 0.2),      // ≤ 0.35
        (.crossSectionOpeningWindowReturnRank, 0.2),  // ≤ 0.40
    ]

    static func evaluateFlat(_ vector: FeatureVector, minute: Double = 360) -> Evaluation {
        fixture.evaluateFlat(vector, minute: minute, eventTime: open + 21_600_000_000_000)
    }

    @Test func specCompilesWithoutDiagnostics() {
        #expect(Self.compiled.diagnostics.isEmpty, "\(Self.compiled.diagnostics)")
        #expect(Self.compiled.strategy?.enabled == false)
        #expect(Self.compiled.strategy?.symbols.count == 12)
        #expect(Self.compiled.strategy?.overlays.trailingStop?.requireProfit == true)
        #expect(Self.compiled.strategy?.trailingCondition == nil)  // not a continuation family
        // No entries once the session's losing exits sum to 24 bps. It cannot bind on its own here (one entry per
        // session; a loss above 8 bps ends the session's entries first), so only its value is checked.
        #expect(Self.compiled.strategy?.tradePolicy.maxSessionNegativeExitBPS == Decimal(24))
    }

    // MARK: Entry gates

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var overrides: [(FeatureID, Double?)]
        var minute: Double = 360
        var enters: Bool
        var testDescription: String { self.name }
    }

    static func pass(_ name: String, _ overrides: [(FeatureID, Double?)], minute: Double = 360) -> Case {
        Case(name: name, overrides: overrides, minute: minute, enters: true)
    }

    static func fail(_ name: String, _ overrides: [(FeatureID, Double?)], minute: Double = 360) -> Case {
        Case(name: name, overrides: overrides, minute: minute, enters: false)
    }

    static let entryCases: [Case] = [
        pass("all gates pass", []),
        // Intraday loser: drive ≤ −45 (prev-close basis, the session open when there is no previous close).
        fail("drive -44.5", [(.priceVsPrevSessionCloseBps, -44.5)]),
        pass("drive -45", [(.priceVsPrevSessionCloseBps, -45)]),
        pass("drive -45.5", [(.priceVsPrevSessionCloseBps, -45.5)]),
        fail("drive ignores the session open when prev close is present",
             [(.priceVsPrevSessionCloseBps, -30), (.priceVsSessionOpenBps, -80)]),
        pass("no prev close: session open -45", [(.priceVsPrevSessionCloseBps, nil), (.priceVsSessionOpenBps, -45)]),
        fail("no prev close: session open -44.5", [(.priceVsPrevSessionCloseBps, nil), (.priceVsSessionOpenBps, -44.5)]),
        // Opening-window return ≤ −10.
        fail("opening window -9.5", [(.openingWindowReturnBps, -9.5)]),
        pass("opening window -10", [(.openingWindowReturnBps, -10)]),
        pass("opening window -10.5", [(.openingWindowReturnBps, -10.5)]),
        // Range position ≤ 0.40; session range ≥ 40.
        pass("range position 0.39", [(.pricePositionInSessionRange, 0.39)]),
        pass("range position 0.40", [(.pricePositionInSessionRange, 0.4)]),
        fail("range position 0.41", [(.pricePositionInSessionRange, 0.41)]),
        fail("session range 39.5", [(.sessionRangeBps, 39.5)]),
        pass("session range 40", [(.sessionRangeBps, 40)]),
        pass("session range 40.5", [(.sessionRangeBps, 40.5)]),
        // Price vs opening-range low ∈ [−4, 12].
        fail("vs OR low -4.5", [(.priceVsOpeningRangeLowBps, -4.5)]),
        pass("vs OR low -4", [(.priceVsOpeningRangeLowBps, -4)]),
        pass("vs OR low -3.5", [(.priceVsOpeningRangeLowBps, -3.5)]),
        pass("vs OR low 11.5", [(.priceVsOpeningRangeLowBps, 11.5)]),
        pass("vs OR low 12", [(.priceVsOpeningRangeLowBps, 12)]),
        fail("vs OR low 12.5", [(.priceVsOpeningRangeLowBps, 12.5)]),
        // Below VWAP by [8, 32].
        fail("below vwap 7.5", [(.priceVsVwapSessionBps, -7.5)]),
        pass("below vwap 8", [(.priceVsVwapSessionBps, -8)]),
        pass("below vwap 8.5", [(.priceVsVwapSessionBps, -8.5)]),
        pass("below vwap 31.5", [(.priceVsVwapSessionBps, -31.5)]),
        pass("below vwap 32", [(.priceVsVwapSessionBps, -32)]),
        fail("below vwap 32.5", [(.priceVsVwapSessionBps, -32.5)]),
        // Below ema12 by [4, 24].
        fail("below ema12 3.5", [(.priceVsEma12Bps, -3.5)]),
        pass("below ema12 4", [(.priceVsEma12Bps, -4)]),
        pass("below ema12 4.5", [(.priceVsEma12Bps, -4.5)]),
        pass("below ema12 23.5", [(.priceVsEma12Bps, -23.5)]),
        pass("below ema12 24", [(.priceVsEma12Bps, -24)]),
        fail("below ema12 24.5", [(.priceVsEma12Bps, -24.5)]),
        // RSI ∈ [34, 48].
        fail("rsi 33.5", [(.rsi14, 33.5)]),
        pass("rsi 34", [(.rsi14, 34)]),
        pass("rsi 34.5", [(.rsi14, 34.5)]),
        pass("rsi 47.5", [(.rsi14, 47.5)]),
        pass("rsi 48", [(.rsi14, 48)]),
        fail("rsi 48.5", [(.rsi14, 48.5)]),
        // hist ∈ [−0.010, 0.012] (signal 0, so hist = macd).
        fail("hist -0.0101", [(.macd, -0.0101)]),
        pass("hist -0.01", [(.macd, -0.01)]),
        pass("hist -0.0099", [(.macd, -0.0099)]),
        pass("hist 0.0119", [(.macd, 0.0119)]),
        pass("hist 0.012", [(.macd, 0.012)]),
        fail("hist 0.0121", [(.macd, 0.0121)]),
        // Volatility ∈ [0.00005, 0.00045].
        fail("vol 0.000049", [(.volRealizedW60s, 0.000049)]),
        pass("vol 0.00005", [(.volRealizedW60s, 0.00005)]),
        pass("vol 0.000051", [(.volRealizedW60s, 0.000051)]),
        pass("vol 0.000449", [(.volRealizedW60s, 0.000449)]),
        pass("vol 0.00045", [(.volRealizedW60s, 0.00045)]),
        fail("vol 0.000451", [(.volRealizedW60s, 0.000451)]),
        // Spread ≤ 18; recent spread avg ≤ 8, max ≤ 18.
        pass("spread 17.5", [(.spreadBps, 17.5)]),
        pass("spread 18", [(.spreadBps, 18)]),
        fail("spread 18.5", [(.spreadBps, 18.5)]),
        fail("spread missing fails closed", [(.spreadBps, nil)]),
        pass("recent spread avg 7.5", [(.recentSpreadBpsAvg, 7.5)]),
        pass("recent spread avg 8", [(.recentSpreadBpsAvg, 8)]),
        fail("recent spread avg 8.5", [(.recentSpreadBpsAvg, 8.5)]),
        pass("recent spread max 17.5", [(.recentSpreadBpsMax, 17.5)]),
        pass("recent spread max 18", [(.recentSpreadBpsMax, 18)]),
        fail("recent spread max 18.5", [(.recentSpreadBpsMax, 18.5)]),
        // Imbalance ≥ 0.02; recent imbalance ≥ 0.03; recent microprice bias ≥ 0.05.
        fail("imbalance 0.019", [(.imbalancePressure, 0.019)]),
        pass("imbalance 0.02", [(.imbalancePressure, 0.02)]),
        pass("imbalance 0.021", [(.imbalancePressure, 0.021)]),
        fail("recent imbalance 0.029", [(.recentImbalancePressureAvg, 0.029)]),
        pass("recent imbalance 0.03", [(.recentImbalancePressureAvg, 0.03)]),
        pass("recent imbalance 0.031", [(.recentImbalancePressureAvg, 0.031)]),
        fail("microprice 0.049", [(.recentMicropriceBiasBpsAvg, 0.049)]),
        pass("microprice 0.05", [(.recentMicropriceBiasBpsAvg, 0.05)]),
        pass("microprice 0.051", [(.recentMicropriceBiasBpsAvg, 0.051)]),
        // Cross-section: reversal rank ≥ 0.78; continuation ≤ 0.35; opening-window rank ≤ 0.40.
        fail("reversal rank 0.77", [(.crossSectionReversalRank, 0.77)]),
        pass("reversal rank 0.78", [(.crossSectionReversalRank, 0.78)]),
        pass("reversal rank 0.79", [(.crossSectionReversalRank, 0.79)]),
        pass("continuation rank 0.34", [(.crossSectionContinuationRank, 0.34)]),
        pass("continuation rank 0.35", [(.crossSectionContinuationRank, 0.35)]),
        fail("continuation rank 0.36", [(.crossSectionContinuationRank, 0.36)]),
        pass("opening-window rank 0.39", [(.crossSectionOpeningWindowReturnRank, 0.39)]),
        pass("opening-window rank 0.40", [(.crossSectionOpeningWindowReturnRank, 0.4)]),
        fail("opening-window rank 0.41", [(.crossSectionOpeningWindowReturnRank, 0.41)]),
        // Window: UTC 1160 … min(1188, 1195 − 5) = minutes 350 … 378, end exclusive.
        fail("minute 349", [], minute: 349),
        fail("minute 349.99", [], minute: 349.99),
        pass("minute 350", [], minute: 350),
        pass("minute 377", [], minute: 377),
        pass("minute 377.99", [], minute: 377.99),
        fail("minute 378", [], minute: 378),
    ]

    @Test(arguments: entryCases)
    func entryGate(_ testCase: Case) {
        let evaluation = Self.evaluateFlat(Self.fixture.features(testCase.overrides), minute: testCase.minute)
        if testCase.enters {
            #expect(evaluation.decision?.action == .buy, "\(testCase.name)")
            // No bonus terms in the reference: confidence is the base, 0.67 (cap 0.84).
            #expect(evaluation.decision?.confidence == Decimal("0.67"), "\(testCase.name)")
            #expect(evaluation.decision?.reasons == ["end_of_day_reversal_long", "intraday_loser_rebid"])
        } else {
            #expect(evaluation.decision == nil, "\(testCase.name)")
        }
    }

    @Test func firstFailingGateIsTracedInReferenceOrder() {
        // Range position is the third gate.
        #expect(Self.evaluateFlat(Self.fixture.features([(.pricePositionInSessionRange, 0.5)])).outcomes.map(\.result)
            == [.failedCondition(2)])
    }

    // MARK: Entry notional multiplier

    /// min 0.20 + 0.80 × mean(norm. confidence (0.62 … 0.85), norm. reversal rank (0.78 … 0.96), 1 − spread / 18),
    /// to 4 decimals, × 31,590 USD, ÷ 100, whole shares.
    @Test func notionalMultiplierFollowsConfidenceRankAndSpread() {
        func quantity(_ overrides: [(FeatureID, Double?)]) -> Decimal? {
            Self.evaluateFlat(Self.fixture.features(overrides)).decision?.quantity
        }
        // (0.05/0.23 + 0.09/0.18 + (1 − 4.5/18)) / 3 = 0.48913 → 0.5913 → 18,679.167 USD → 186.
        #expect(quantity([]) == Decimal(186))
        // Rank 0.96, spread 0 → 0.7913 → 24,997.167 USD → 249.
        #expect(quantity([(.crossSectionReversalRank, 0.96), (.spreadBps, 0)]) == Decimal(249))
        // Rank 0.78, spread 18 → 0.2579 → 8,147.061 USD → 81.
        #expect(quantity([(.crossSectionReversalRank, 0.78), (.spreadBps, 18)]) == Decimal(81))
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
        ExitCase(name: "rsi 55.5", overrides: [(.rsi14, 55.5)], exits: false),
        ExitCase(name: "rsi 56", overrides: [(.rsi14, 56)], exits: true),
        ExitCase(name: "rsi 56.5", overrides: [(.rsi14, 56.5)], exits: true),
        ExitCase(name: "recent imbalance -0.019", overrides: [(.recentImbalancePressureAvg, -0.019)], exits: false),
        ExitCase(name: "recent imbalance -0.02", overrides: [(.recentImbalancePressureAvg, -0.02)], exits: true),
        ExitCase(name: "recent imbalance -0.021", overrides: [(.recentImbalancePressureAvg, -0.021)], exits: true),
        ExitCase(name: "range position 0.57", overrides: [(.pricePositionInSessionRange, 0.57)], exits: false),
        ExitCase(name: "range position 0.58", overrides: [(.pricePositionInSessionRange, 0.58)], exits: true),
        ExitCase(name: "range position 0.59", overrides: [(.pricePositionInSessionRange, 0.59)], exits: true),
        // No MACD exit in this family: a rolled-over hist alone holds.
        ExitCase(name: "hist -0.02 is not an exit", overrides: [(.macd, -0.02)], exits: false),
    ]

    /// A book holding 100 AAPL bought at 99, `heldFor` seconds before the signal at `seconds`.
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
            #expect(evaluation.decision?.quantity == Decimal(100), "\(testCase.name)")
            #expect(evaluation.decision?.confidence == Decimal("0.61"), "\(testCase.name)")
            #expect(evaluation.decision?.reasons == ["end_of_day_reversal_exit"], "\(testCase.name)")
        } else {
            #expect(evaluation.decision == nil, "\(testCase.name)")
        }
    }

    @Test func signalExitWaitsForTheMinimumHoldAndNeedsProfit() {
        let exitSignal = Self.fixture.features([(.rsi14, 60)])
        var young = Self.holding(heldFor: 59)
        #expect(young.evaluate(exitSignal, Self.fixture.signal(seconds: 0)).outcomes.first?.result == .policy(.minHold))
        var old = Self.holding(heldFor: 60)
        #expect(old.evaluate(exitSignal, Self.fixture.signal(seconds: 0)).decision?.action == .sell)
        var level = Self.holding()
        #expect(level.evaluate(exitSignal, Self.fixture.signal(seconds: 0, price: "98.99")).outcomes.first?.result
            == .policy(.signalExitNeedsProfit))
    }

    // MARK: Overlays

    @Test func stopLossIncludesSpreadAndVolatility() {
        // 24 + 0.20 × 5 (spread) + 3 × 2 (vol 0.0002 = 2 bps) = 31 bps below the entry at 100.
        let quote = Self.fixture.features([(.spreadBps, 5), (.volRealizedW60s, 0.0002)])
        var book = StrategyBook(Self.strategy)
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(100), price: Decimal(100), time: Self.fixture.time(0))
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 5, price: "99.70")).decision == nil)
        let stop = book.evaluate(quote, Self.fixture.signal(seconds: 6, price: "99.68")).decision
        #expect(stop?.reasons == ["stop_loss"])
        #expect(stop?.action == .sell)
    }

    @Test func trailingStopArmsAtTenBpsAndFiresOnTheDynamicDrawdown() {
        // Drawdown threshold 6 + 0.10 × 10 (spread) + 3 × 1 (vol 0.0001) = 10 bps from the best price.
        let quote = Self.fixture.features([(.spreadBps, 10), (.volRealizedW60s, 0.0001)])
        var book = StrategyBook(Self.strategy)
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(100), price: Decimal(100), time: Self.fixture.time(0))
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 1, price: "100.09")).decision == nil)
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 2, price: "100.01")).decision == nil)
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 3, price: "100.20")).decision == nil)
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 4, price: "100.11")).decision == nil)
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 5, price: "100.09")).decision?.reasons == ["trailing_stop"])
    }

    @Test func trailingStopNeedsAProfit() {
        // require_positive_price_for_signal_exit holds the trailing exit too (realized bps > 0).
        let quote = Self.fixture.features([(.spreadBps, 10), (.volRealizedW60s, 0.0001)])
        var book = StrategyBook(Self.strategy)
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(100), price: Decimal(100), time: Self.fixture.time(0))
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 1, price: "100.20")).decision == nil)
        // 19.96 bps off the peak (threshold 10), but at the entry price: no profit, held.
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 2, price: "100")).decision == nil)
        // 20 bps below the entry (the stop is 24 + 2 + 3 = 29 bps away): held.
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 3, price: "99.80")).decision == nil)
        // +1 bp: exit.
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 4, price: "100.01")).decision?.reasons == ["trailing_stop"])
    }

    @Test func maxHoldAndSessionFlatten() {
        var book = Self.holding(heldFor: 479)
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0)).decision == nil)
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1)).decision?.reasons == ["max_hold"])
        // Flatten at UTC 1195: 5 minutes before the close.
        var late = Self.holding(heldFor: 10)
        #expect(late.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0, minutesBeforeClose: 5.01)).decision == nil)
        #expect(late.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1, minutesBeforeClose: 5)).decision?.reasons
            == ["session_flatten"])
    }

    // MARK: Trade policy

    static func enter(_ book: inout StrategyBook, _ symbol: Symbol = aapl, seconds: Int64) {
        let decision = book.evaluate(Self.fixture.features(), Self.fixture.signal(symbol, seconds: seconds)).decision
        precondition(decision?.action == .buy, "entry expected")
        book.applyFill(symbol: symbol, action: .buy, quantity: Decimal(100), price: Decimal(100), time: Self.fixture.time(seconds))
    }

    @Test func oneEntryPerSessionOnePositionAndTwoHourEntryCooldown() {
        // max_concurrent_positions 1: with AAPL held (restored, so no entry counted this session), MSFT waits.
        var restored = Self.holding()
        #expect(restored.evaluate(Self.fixture.features(), Self.fixture.signal(Self.msft, seconds: 0)).outcomes.first?.result
            == .policy(.maxConcurrentPositions))
        var book = StrategyBook(Self.strategy)
        Self.enter(&book, seconds: 0)
        // Within the session the entry cap is checked first.
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(Self.msft, seconds: 10)).outcomes.first?.result
            == .policy(.maxEntriesPerSession))
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(100), price: Decimal(101), time: Self.fixture.time(120))
        // AAPL: entry_cooldown_seconds 7200; MSFT: max_entries_per_session 1.
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 300)).outcomes.first?.result == .policy(.entryCooldown))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(Self.msft, seconds: 300)).outcomes.first?.result
            == .policy(.maxEntriesPerSession))
        // The next session (more than 7200 s later) both may enter again.
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 86_400, session: Self.nextDay, minute: 360)).decision?
            .action == .buy)
    }

    @Test func exitCooldownIsOneMinute() {
        // Entry 7190 s before the exit (filled positions, as restored): the entry cooldown has passed at 7200.
        var book = StrategyBook(Self.strategy)
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(10), price: Decimal(100), time: Self.fixture.time(0))
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal(101), time: Self.fixture.time(7190))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 7249, session: Self.nextDay, minute: 360)).outcomes
            .first?.result == .policy(.exitCooldown))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 7250, session: Self.nextDay, minute: 360)).decision?
            .action == .buy)
    }

    @Test func stopLossLocksTheSymbolOutForFourHoursAndEndsTheSession() throws {
        var book = StrategyBook(Self.strategy)
        Self.enter(&book, seconds: 0)
        let stop = try #require(book.evaluate(Self.fixture.features([(.spreadBps, nil), (.volRealizedW60s, nil)]),
                                              Self.fixture.signal(seconds: 60, price: "99.7")).decision)
        #expect(stop.reasons == ["stop_loss"])
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: stop.quantity, price: Decimal("99.7")!,
                       time: Self.fixture.time(60), reason: "stop_loss")
        #expect(book.stopLossExitsThisSession == 1)
        #expect(book.negativeExitsThisSession == 1)
        // stop_loss_lockout_seconds 14400 (longer than negative_exit_lockout_seconds 7200); after it the session's caps
        // still block (max_entries_per_session 1 is checked before max_negative_exits_per_session 1).
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 60 + 14_399, minute: 360)).outcomes.first?.result
            == .policy(.lockout))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 60 + 14_400, minute: 360)).outcomes.first?.result
            == .policy(.maxEntriesPerSession))
    }

    @Test func smallLossIsNotALosingExit() {
        var book = StrategyBook(Self.strategy)
        Self.enter(&book, seconds: 0)
        // negative_exit_loss_bps 8: a 5 bps loss does not count and locks nothing out.
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(100), price: Decimal("99.95")!, time: Self.fixture.time(90))
        #expect(book.negativeExitsThisSession == 0)
        #expect(book.state(of: Self.aapl).lockedUntil == nil)
        // A 10 bps loss counts and locks the symbol out for 7200 s.
        var losing = StrategyBook(Self.strategy)
        Self.enter(&losing, seconds: 0)
        losing.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(100), price: Decimal("99.90")!, time: Self.fixture.time(90))
        #expect(losing.negativeExitsThisSession == 1)
        #expect(losing.state(of: Self.aapl).lockedUntil == Self.fixture.time(90 + 7200))
    }
}
