import Runtime
import SpecCompiler
import SpecModel
import Testing

/// `specs/strategies/washout-rebound-long.yaml` against Torghut's documented rule (reference 01 Appendix A.3,
/// washout_rebound_long_v1, with the catalog values deployed at e551647657). Expected decisions come from the
/// reference text and the catalog: every entry gate just under, at and just over its threshold, the window edges,
/// every exit condition, the entry notional multiplier, and the overlays and trade policy the catalog sets.
@Suite struct FamilyWashoutReboundTests {
    static let fixture = FamilyFixture(
        spec: "washout-rebound-long.yaml", strategyID: "washout_rebound_long_v1@research", base: base,
        symbol: amd, equity: Decimal(1_000_000), startMinute: startMinute)
    static var compiled: (diagnostics: [Diagnostic], strategy: CompiledStrategy?) {
        (fixture.diagnostics, fixture.compiledStrategy)
    }
    static var strategy: CompiledStrategy { fixture.strategy }

    static let amd = Symbol("AMD")!
    static let intc = Symbol("INTC")!
    static let mu = Symbol("MU")!
    static let open: TimestampNanos = 1_767_364_200_000_000_000
    static let day = CivilDate(year: 2026, month: 1, day: 2)
    /// Signals of sequences start at this minute after the open (the window is 40 … 240).
    static let startMinute: Int64 = 41

    /// A signal that passes every entry gate and triggers no exit; exact in binary where it meets a threshold.
    static let base: [(FeatureID, Double?)] = [
        (.priceVsSessionOpenBps, -50),             // sell-off 50 ∈ [24, max(120, 3.5 × 60 = 210)]
        (.priceVsPrevSessionCloseBps, -20),        // not read while the session open is present
        (.sessionRangeBps, 60),                    // ≥ 35
        (.priceVsVwapSessionBps, -30),             // below VWAP by 30 ∈ [8, max(120, 5 × 60 = 300)]
        (.priceVsEma12Bps, -10),                   // below ema12 by 10 ∈ [1, 50]
        (.rsi14, 42),                              // ∈ [34, 50]
        (.macd, 0.001), (.macdSignal, 0),          // hist = macd = 0.001 ∈ [−0.018, 0.010]
        (.pricePositionInSessionRange, 0.3),       // ≤ 0.45
        (.priceVsSessionLowBps, 10),               // ∈ [0, 36]
        (.spreadBps, 5),                           // ≤ 20
        (.recentSpreadBpsAvg, 5),                  // ≤ 10
        (.recentSpreadBpsMax, 12),                 // ≤ 30
        (.recentQuoteInvalidRatio, 0.05),          // ≤ 0.15
        (.recentQuoteJumpBpsAvg, 5),
        (.recentQuoteJumpBpsMax, 20),              // ≤ 55
        (.volRealizedW60s, 0.0002),                // ∈ [0.00005, 0.00075]
        (.imbalancePressure, 0.1),                 // ≥ 0
        (.recentImbalancePressureAvg, 0.05),       // ≥ 0.03
        (.recentMicropriceBiasBpsAvg, 0.2),        // ≥ 0.10
        (.crossSectionReversalRank, 0.8),          // ≥ 0.60
        (.crossSectionRecentImbalanceRank, 0.7),   // ≥ 0.45
        (.crossSectionPositiveRecentImbalanceRatio, 0.5),  // ≥ 0.35
        (.crossSectionContinuationRank, 0.3),      // ≤ 0.80
        (.crossSectionOpeningWindowReturnRank, 0.3),  // ≤ 0.80
    ]

    static func evaluateFlat(_ vector: FeatureVector, minute: Double = 60) -> Evaluation {
        fixture.evaluateFlat(vector, minute: minute, eventTime: open + 3_600_000_000_000)
    }

    @Test func specCompilesWithoutDiagnostics() {
        #expect(Self.compiled.diagnostics.isEmpty, "\(Self.compiled.diagnostics)")
        #expect(Self.compiled.strategy?.enabled == true)
        #expect(Self.compiled.strategy?.symbols == Set(["AMD", "INTC", "SHOP", "AMAT", "MU", "GOOG", "MSFT"].map { Symbol($0)! }))
        #expect(Self.compiled.strategy?.overlays.trailingStop?.requireProfit == true)
        #expect(Self.compiled.strategy?.trailingCondition == nil)  // not a continuation family
        // No entries once the session's losing exits sum to 24 bps. With two entries per session and a loss above
        // 8 bps ending the session's entries first, it binds at most at its edge; only its value is checked.
        #expect(Self.compiled.strategy?.tradePolicy.maxSessionNegativeExitBPS == Decimal(24))
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
        // Sell-off from the open ≥ 24 bps …
        fail("sell-off 23.5", [(.priceVsSessionOpenBps, -23.5)]),
        pass("sell-off 24", [(.priceVsSessionOpenBps, -24)]),
        pass("sell-off 24.5", [(.priceVsSessionOpenBps, -24.5)]),
        // … and ≤ max(120, 3.5 × session range): with a range of 40, 140 (above the 120 floor).
        pass("sell-off 139.5, range 40", [(.priceVsSessionOpenBps, -139.5), (.sessionRangeBps, 40)]),
        pass("sell-off 140, range 40", [(.priceVsSessionOpenBps, -140), (.sessionRangeBps, 40)]),
        fail("sell-off 140.5, range 40", [(.priceVsSessionOpenBps, -140.5), (.sessionRangeBps, 40)]),
        // Session-open basis preferred; the previous close only when there is no session open.
        pass("sell-off ignores prev close when the open is present",
             [(.priceVsSessionOpenBps, -50), (.priceVsPrevSessionCloseBps, 30)]),
        fail("a small sell-off from the open is not rescued by the prev close",
             [(.priceVsSessionOpenBps, -10), (.priceVsPrevSessionCloseBps, -60)]),
        pass("no session open: prev close -24", [(.priceVsSessionOpenBps, nil), (.priceVsPrevSessionCloseBps, -24)]),
        fail("no session open: prev close -23.5", [(.priceVsSessionOpenBps, nil), (.priceVsPrevSessionCloseBps, -23.5)]),
        // Below session VWAP by ≥ 8 and ≤ max(120, 5 × range): with a range of 40, 200.
        fail("below vwap 7.5", [(.priceVsVwapSessionBps, -7.5)]),
        pass("below vwap 8", [(.priceVsVwapSessionBps, -8)]),
        pass("below vwap 8.5", [(.priceVsVwapSessionBps, -8.5)]),
        pass("below vwap 199.5, range 40", [(.priceVsVwapSessionBps, -199.5), (.sessionRangeBps, 40)]),
        pass("below vwap 200, range 40", [(.priceVsVwapSessionBps, -200), (.sessionRangeBps, 40)]),
        fail("below vwap 200.5, range 40", [(.priceVsVwapSessionBps, -200.5), (.sessionRangeBps, 40)]),
        // Below ema12 by [1, 50].
        fail("below ema12 0.5", [(.priceVsEma12Bps, -0.5)]),
        pass("below ema12 1", [(.priceVsEma12Bps, -1)]),
        pass("below ema12 1.5", [(.priceVsEma12Bps, -1.5)]),
        pass("below ema12 49.5", [(.priceVsEma12Bps, -49.5)]),
        pass("below ema12 50", [(.priceVsEma12Bps, -50)]),
        fail("below ema12 50.5", [(.priceVsEma12Bps, -50.5)]),
        // RSI ∈ [34, 50].
        fail("rsi 33.5", [(.rsi14, 33.5)]),
        pass("rsi 34", [(.rsi14, 34)]),
        pass("rsi 34.5", [(.rsi14, 34.5)]),
        pass("rsi 49.5", [(.rsi14, 49.5)]),
        pass("rsi 50", [(.rsi14, 50)]),
        fail("rsi 50.5", [(.rsi14, 50.5)]),
        // hist ∈ [−0.018, 0.010] (signal 0, so hist = macd).
        fail("hist -0.0181", [(.macd, -0.0181)]),
        pass("hist -0.018", [(.macd, -0.018)]),
        pass("hist -0.0179", [(.macd, -0.0179)]),
        pass("hist 0.0099", [(.macd, 0.0099)]),
        pass("hist 0.01", [(.macd, 0.01)]),
        fail("hist 0.0101", [(.macd, 0.0101)]),
        // Range position ≤ 0.45; session range ≥ 35.
        pass("range position 0.44", [(.pricePositionInSessionRange, 0.44)]),
        pass("range position 0.45", [(.pricePositionInSessionRange, 0.45)]),
        fail("range position 0.46", [(.pricePositionInSessionRange, 0.46)]),
        fail("session range 34.5", [(.sessionRangeBps, 34.5)]),
        pass("session range 35", [(.sessionRangeBps, 35)]),
        pass("session range 35.5", [(.sessionRangeBps, 35.5)]),
        // Above the session low by [0, 36].
        fail("vs session low -0.5", [(.priceVsSessionLowBps, -0.5)]),
        pass("vs session low 0", [(.priceVsSessionLowBps, 0)]),
        pass("vs session low 0.5", [(.priceVsSessionLowBps, 0.5)]),
        pass("vs session low 35.5", [(.priceVsSessionLowBps, 35.5)]),
        pass("vs session low 36", [(.priceVsSessionLowBps, 36)]),
        fail("vs session low 36.5", [(.priceVsSessionLowBps, 36.5)]),
        // Feed quality: spread ≤ 20, recent spread ≤ 10 / 30, invalid ≤ 0.15, jump ≤ 55.
        pass("spread 19.5", [(.spreadBps, 19.5)]),
        pass("spread 20", [(.spreadBps, 20)]),
        fail("spread 20.5", [(.spreadBps, 20.5)]),
        pass("recent spread avg 9.5", [(.recentSpreadBpsAvg, 9.5)]),
        pass("recent spread avg 10", [(.recentSpreadBpsAvg, 10)]),
        fail("recent spread avg 10.5", [(.recentSpreadBpsAvg, 10.5)]),
        pass("recent spread max 29.5", [(.recentSpreadBpsMax, 29.5)]),
        pass("recent spread max 30", [(.recentSpreadBpsMax, 30)]),
        fail("recent spread max 30.5", [(.recentSpreadBpsMax, 30.5)]),
        pass("invalid ratio 0.14", [(.recentQuoteInvalidRatio, 0.14)]),
        pass("invalid ratio 0.15", [(.recentQuoteInvalidRatio, 0.15)]),
        fail("invalid ratio 0.16", [(.recentQuoteInvalidRatio, 0.16)]),
        pass("quote jump 54.5", [(.recentQuoteJumpBpsMax, 54.5)]),
        pass("quote jump 55", [(.recentQuoteJumpBpsMax, 55)]),
        fail("quote jump 55.5", [(.recentQuoteJumpBpsMax, 55.5)]),
        // Volatility ∈ [0.00005, 0.00075].
        fail("vol 0.000049", [(.volRealizedW60s, 0.000049)]),
        pass("vol 0.00005", [(.volRealizedW60s, 0.00005)]),
        pass("vol 0.000051", [(.volRealizedW60s, 0.000051)]),
        pass("vol 0.000749", [(.volRealizedW60s, 0.000749)]),
        pass("vol 0.00075", [(.volRealizedW60s, 0.00075)]),
        fail("vol 0.000751", [(.volRealizedW60s, 0.000751)]),
        // Flow: imbalance ≥ 0, recent imbalance ≥ 0.03, recent microprice bias ≥ 0.10.
        fail("imbalance -0.01", [(.imbalancePressure, -0.01)]),
        pass("imbalance 0", [(.imbalancePressure, 0)]),
        pass("imbalance 0.01", [(.imbalancePressure, 0.01)]),
        fail("recent imbalance 0.029", [(.recentImbalancePressureAvg, 0.029)]),
        pass("recent imbalance 0.03", [(.recentImbalancePressureAvg, 0.03)]),
        pass("recent imbalance 0.031", [(.recentImbalancePressureAvg, 0.031)]),
        fail("microprice 0.09", [(.recentMicropriceBiasBpsAvg, 0.09)]),
        pass("microprice 0.10", [(.recentMicropriceBiasBpsAvg, 0.1)]),
        pass("microprice 0.11", [(.recentMicropriceBiasBpsAvg, 0.11)]),
        // Cross-section: reversal rank ≥ 0.60, recent-imbalance rank ≥ 0.45, positive-imbalance ratio ≥ 0.35,
        // continuation and opening-window ranks ≤ 0.80.
        fail("reversal rank 0.59", [(.crossSectionReversalRank, 0.59)]),
        pass("reversal rank 0.60", [(.crossSectionReversalRank, 0.6)]),
        pass("reversal rank 0.61", [(.crossSectionReversalRank, 0.61)]),
        fail("recent-imbalance rank 0.44", [(.crossSectionRecentImbalanceRank, 0.44)]),
        pass("recent-imbalance rank 0.45", [(.crossSectionRecentImbalanceRank, 0.45)]),
        pass("recent-imbalance rank 0.46", [(.crossSectionRecentImbalanceRank, 0.46)]),
        fail("positive-imbalance ratio 0.34", [(.crossSectionPositiveRecentImbalanceRatio, 0.34)]),
        pass("positive-imbalance ratio 0.35", [(.crossSectionPositiveRecentImbalanceRatio, 0.35)]),
        pass("positive-imbalance ratio 0.36", [(.crossSectionPositiveRecentImbalanceRatio, 0.36)]),
        pass("continuation rank 0.79", [(.crossSectionContinuationRank, 0.79)]),
        pass("continuation rank 0.80", [(.crossSectionContinuationRank, 0.8)]),
        fail("continuation rank 0.81", [(.crossSectionContinuationRank, 0.81)]),
        pass("opening-window rank 0.79", [(.crossSectionOpeningWindowReturnRank, 0.79)]),
        pass("opening-window rank 0.80", [(.crossSectionOpeningWindowReturnRank, 0.8)]),
        fail("opening-window rank 0.81", [(.crossSectionOpeningWindowReturnRank, 0.81)]),
        fail("cross-section missing fails closed", [(.crossSectionRecentImbalanceRank, nil)]),
        // Window: UTC 850 … min(1050, 1110 − 15) = minutes 40 … 240, end exclusive.
        fail("minute 39", [], minute: 39),
        fail("minute 39.99", [], minute: 39.99),
        pass("minute 40", [], minute: 40),
        pass("minute 239", [], minute: 239),
        pass("minute 239.99", [], minute: 239.99),
        fail("minute 240", [], minute: 240),
    ]

    @Test(arguments: entryCases)
    func entryGate(_ testCase: Case) {
        let evaluation = Self.evaluateFlat(Self.fixture.features(testCase.overrides), minute: testCase.minute)
        if testCase.enters {
            #expect(evaluation.decision?.action == .buy, "\(testCase.name)")
            // No bonus terms in the reference: confidence is the base, 0.64 (cap 0.82).
            #expect(evaluation.decision?.confidence == Decimal("0.64"), "\(testCase.name)")
            #expect(evaluation.decision?.reasons == ["washout_rebound_long", "opening_selloff_rebid"])
        } else {
            #expect(evaluation.decision == nil, "\(testCase.name)")
        }
    }

    // MARK: Entry notional multiplier

    /// min 0.20 + 0.80 × mean(norm. confidence (0.62 … 0.85), norm. reversal rank (0.65 … 0.95), 1 − spread / 20),
    /// to 4 decimals, × 63,180 USD, ÷ 100, whole shares.
    @Test func notionalMultiplierFollowsConfidenceRankAndSpread() {
        func quantity(_ overrides: [(FeatureID, Double?)]) -> Decimal? {
            Self.evaluateFlat(Self.fixture.features(overrides)).decision?.quantity
        }
        // (0.02/0.23 + 0.15/0.30 + 0.75) / 3 → 0.5565 → 35,159.67 USD → 351.
        #expect(quantity([]) == Decimal(351))
        // Rank 0.95, spread 0 → 0.7565 → 47,795.67 USD → 477.
        #expect(quantity([(.crossSectionReversalRank, 0.95), (.spreadBps, 0)]) == Decimal(477))
        // Rank 0.60 passes the gate but is under the notional floor 0.65 (scores 0); spread 20 → 0.2231 → 140.
        #expect(quantity([(.crossSectionReversalRank, 0.6), (.spreadBps, 20)]) == Decimal(140))
    }

    // MARK: Exits

    struct ExitCase: CustomTestStringConvertible, Sendable {
        var name: String
        var overrides: [(FeatureID, Double?)]
        var exits: Bool
        var testDescription: String { self.name }
    }

    static func exits(_ name: String, _ overrides: [(FeatureID, Double?)]) -> ExitCase {
        ExitCase(name: name, overrides: overrides, exits: true)
    }

    static func holds(_ name: String, _ overrides: [(FeatureID, Double?)]) -> ExitCase {
        ExitCase(name: name, overrides: overrides, exits: false)
    }

    static let exitCases: [ExitCase] = [
        holds("no exit condition", []),
        // Rebound complete: (price ≥ VWAP or ≥ ema12 or vs open ≥ −4) and (RSI ≥ 56 or range position ≥ 0.58).
        holds("recovered to VWAP only", [(.priceVsVwapSessionBps, 0)]),
        holds("rsi 56 without recovery", [(.rsi14, 56)]),
        exits("VWAP and rsi 56", [(.priceVsVwapSessionBps, 0), (.rsi14, 56)]),
        holds("VWAP and rsi 55.5", [(.priceVsVwapSessionBps, 0), (.rsi14, 55.5)]),
        holds("0.5 bps under VWAP and rsi 56", [(.priceVsVwapSessionBps, -0.5), (.rsi14, 56)]),
        exits("ema12 and rsi 56", [(.priceVsEma12Bps, 0), (.rsi14, 56)]),
        holds("0.5 bps under ema12 and rsi 56", [(.priceVsEma12Bps, -0.5), (.rsi14, 56)]),
        exits("open -4 and rsi 56", [(.priceVsSessionOpenBps, -4), (.rsi14, 56)]),
        holds("open -4.5 and rsi 56", [(.priceVsSessionOpenBps, -4.5), (.rsi14, 56)]),
        exits("VWAP and range position 0.58", [(.priceVsVwapSessionBps, 0), (.pricePositionInSessionRange, 0.58)]),
        holds("VWAP and range position 0.57", [(.priceVsVwapSessionBps, 0), (.pricePositionInSessionRange, 0.57)]),
        // MACD rollover (hist ≤ −0.004) after recovery.
        exits("VWAP and hist -0.004", [(.priceVsVwapSessionBps, 0), (.macd, -0.004)]),
        exits("VWAP and hist -0.0041", [(.priceVsVwapSessionBps, 0), (.macd, -0.0041)]),
        holds("VWAP and hist -0.0039", [(.priceVsVwapSessionBps, 0), (.macd, -0.0039)]),
        holds("hist -0.005 without recovery", [(.macd, -0.005)]),
        // Flow stall: recent imbalance ≤ −0.02 with range position ≥ 0.35.
        exits("flow stall at both thresholds",
              [(.recentImbalancePressureAvg, -0.02), (.pricePositionInSessionRange, 0.35)]),
        holds("recent imbalance -0.019", [(.recentImbalancePressureAvg, -0.019), (.pricePositionInSessionRange, 0.35)]),
        holds("range position 0.34", [(.recentImbalancePressureAvg, -0.02), (.pricePositionInSessionRange, 0.34)]),
    ]

    /// A book holding 100 AMD bought at 99, `heldFor` seconds before the signal at `seconds`.
    static func holding(heldFor: Int64 = 200, at seconds: Int64 = 0) -> StrategyBook {
        var book = StrategyBook(Self.strategy)
        book.setState(
            SymbolState(quantity: Decimal(100), averageEntryPrice: Decimal(99), entryTime: Self.fixture.time(seconds - heldFor)),
            for: Self.amd)
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
            #expect(evaluation.decision?.reasons == ["washout_rebound_exit"], "\(testCase.name)")
        } else {
            #expect(evaluation.decision == nil, "\(testCase.name)")
        }
    }

    @Test func signalExitWaitsForTheMinimumHoldAndNeedsProfit() {
        let exitSignal = Self.fixture.features([(.priceVsVwapSessionBps, 0), (.rsi14, 60)])
        var young = Self.holding(heldFor: 119)
        #expect(young.evaluate(exitSignal, Self.fixture.signal(seconds: 0)).outcomes.first?.result == .policy(.minHold))
        var old = Self.holding(heldFor: 120)
        #expect(old.evaluate(exitSignal, Self.fixture.signal(seconds: 0)).decision?.action == .sell)
        var level = Self.holding()
        #expect(level.evaluate(exitSignal, Self.fixture.signal(seconds: 0, price: "99")).outcomes.first?.result
            == .policy(.signalExitNeedsProfit))
    }

    // MARK: Overlays

    @Test func stopLossIncludesSpreadAndVolatility() {
        // 20 + 0.25 × 4 (spread) + 3 × 2 (vol 0.0002 = 2 bps) = 27 bps below the entry at 100.
        let quote = Self.fixture.features([(.spreadBps, 4), (.volRealizedW60s, 0.0002)])
        var book = StrategyBook(Self.strategy)
        book.applyFill(symbol: Self.amd, action: .buy, quantity: Decimal(100), price: Decimal(100), time: Self.fixture.time(0))
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 5, price: "99.74")).decision == nil)
        let stop = book.evaluate(quote, Self.fixture.signal(seconds: 6, price: "99.72")).decision
        #expect(stop?.reasons == ["stop_loss"])
        #expect(stop?.action == .sell)
        // Without a quote or volatility only the fixed 20 bps applies.
        let bare = Self.fixture.features([(.spreadBps, nil), (.volRealizedW60s, nil)])
        var fixed = StrategyBook(Self.strategy)
        fixed.applyFill(symbol: Self.amd, action: .buy, quantity: Decimal(100), price: Decimal(100), time: Self.fixture.time(0))
        #expect(fixed.evaluate(bare, Self.fixture.signal(seconds: 5, price: "99.81")).decision == nil)
        #expect(fixed.evaluate(bare, Self.fixture.signal(seconds: 6, price: "99.79")).decision?.reasons == ["stop_loss"])
    }

    @Test func trailingStopArmsAtTenBpsAndFiresOnTheDynamicDrawdown() {
        // Drawdown threshold 5 + 0.10 × 10 (spread) + 3 × 1 (vol 0.0001) = 9 bps from the best price.
        let quote = Self.fixture.features([(.spreadBps, 10), (.volRealizedW60s, 0.0001)])
        var book = StrategyBook(Self.strategy)
        book.applyFill(symbol: Self.amd, action: .buy, quantity: Decimal(100), price: Decimal(100), time: Self.fixture.time(0))
        // +9 bps: not armed, so a fall to +2 does nothing.
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 1, price: "100.09")).decision == nil)
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 2, price: "100.02")).decision == nil)
        // +20 bps arms it; about 8 bps off the best holds, about 10 exits.
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 3, price: "100.20")).decision == nil)
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 4, price: "100.12")).decision == nil)
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 5, price: "100.10")).decision?.reasons == ["trailing_stop"])
    }

    @Test func trailingStopNeedsAProfit() {
        // require_positive_price_for_signal_exit holds the trailing exit too (realized bps > 0).
        let quote = Self.fixture.features([(.spreadBps, 10), (.volRealizedW60s, 0.0001)])
        var book = StrategyBook(Self.strategy)
        book.applyFill(symbol: Self.amd, action: .buy, quantity: Decimal(100), price: Decimal(100), time: Self.fixture.time(0))
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 1, price: "100.20")).decision == nil)
        // 19.96 bps off the peak (threshold 9), but at the entry price: no profit, held.
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 2, price: "100")).decision == nil)
        // 10 bps below the entry (the stop is 20 + 2.5 + 3 = 25.5 bps away): held.
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 3, price: "99.90")).decision == nil)
        // +1 bp: exit.
        #expect(book.evaluate(quote, Self.fixture.signal(seconds: 4, price: "100.01")).decision?.reasons == ["trailing_stop"])
    }

    @Test func maxHoldAndSessionFlatten() {
        var book = Self.holding(heldFor: 899)
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0)).decision == nil)
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1)).decision?.reasons == ["max_hold"])
        // Flatten at UTC 1110: 90 minutes before the close.
        var late = Self.holding(heldFor: 10)
        #expect(late.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0, minutesBeforeClose: 90.01)).decision == nil)
        #expect(late.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 1, minutesBeforeClose: 90)).decision?.reasons
            == ["session_flatten"])
    }

    // MARK: Trade policy

    @Test func entryAndExitCooldowns() {
        var book = StrategyBook(Self.strategy)
        book.applyFill(symbol: Self.amd, action: .buy, quantity: Decimal(10), price: Decimal(100), time: Self.fixture.time(0))
        book.applyFill(symbol: Self.amd, action: .sell, quantity: Decimal(10), price: Decimal(101), time: Self.fixture.time(800))
        // entry_cooldown_seconds 900 from the entry at 0, then exit_cooldown_seconds 120 from the exit at 800.
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 899)).outcomes.first?.result == .policy(.entryCooldown))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 900)).outcomes.first?.result == .policy(.exitCooldown))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 920)).decision?.action == .buy)
    }

    /// Enters `symbol` through the book (so the session is the book's) and fills the decision at `price`.
    static func enter(_ book: inout StrategyBook, _ symbol: Symbol, seconds: Int64, price: String = "100") {
        let decision = book.evaluate(Self.fixture.features(), Self.fixture.signal(symbol, seconds: seconds, price: price)).decision
        precondition(decision?.action == .buy, "entry expected")
        book.applyFill(symbol: symbol, action: .buy, quantity: Decimal(100), price: Decimal(price)!,
                       time: Self.fixture.time(seconds))
    }

    @Test func twoEntriesPerSessionAndTwoPositionsAtOnce() {
        var book = StrategyBook(Self.strategy)
        Self.enter(&book, Self.amd, seconds: 0)
        Self.enter(&book, Self.intc, seconds: 10)
        // Third entry of the session: max_entries_per_session 2 (checked before the concurrency cap).
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(Self.mu, seconds: 20)).outcomes.first?.result
            == .policy(.maxEntriesPerSession))
        let tomorrow = CivilDate(year: 2026, month: 1, day: 5)
        // Next session the counter resets, but two positions are still held: max_concurrent_positions 2.
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(Self.mu, seconds: 86_400, session: tomorrow, minute: 60))
            .outcomes.first?.result == .policy(.maxConcurrentPositions))
        book.applyFill(symbol: Self.intc, action: .sell, quantity: Decimal(100), price: Decimal(101), time: Self.fixture.time(86_401))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(Self.mu, seconds: 86_402, session: tomorrow, minute: 60))
            .decision?.action == .buy)
    }

    @Test func losingExitsCountAboveEightBpsAndLockTheSymbolOut() {
        // A 5 bps loss is not a losing exit (negative_exit_loss_bps 8): a second entry is allowed.
        var small = StrategyBook(Self.strategy)
        Self.enter(&small, Self.amd, seconds: 0)
        small.applyFill(symbol: Self.amd, action: .sell, quantity: Decimal(100), price: Decimal("99.95")!, time: Self.fixture.time(300))
        #expect(small.negativeExitsThisSession == 0)
        #expect(small.evaluate(Self.fixture.features(), Self.fixture.signal(Self.intc, seconds: 400)).decision?.action == .buy)
        // A 10 bps loss counts: max_negative_exits_per_session 1 stops entries; AMD is locked out 3600 s.
        var big = StrategyBook(Self.strategy)
        Self.enter(&big, Self.amd, seconds: 0)
        big.applyFill(symbol: Self.amd, action: .sell, quantity: Decimal(100), price: Decimal("99.90")!, time: Self.fixture.time(300))
        #expect(big.negativeExitsThisSession == 1)
        #expect(big.evaluate(Self.fixture.features(), Self.fixture.signal(Self.intc, seconds: 400)).outcomes.first?.result
            == .policy(.maxNegativeExitsPerSession))
        #expect(big.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 3899)).outcomes.first?.result == .policy(.lockout))
        #expect(big.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 3900)).outcomes.first?.result
            == .policy(.maxNegativeExitsPerSession))
    }

    @Test func stopLossLockoutIsThreeHours() throws {
        var book = StrategyBook(Self.strategy)
        Self.enter(&book, Self.amd, seconds: 0)
        let stop = try #require(book.evaluate(Self.fixture.features([(.spreadBps, nil), (.volRealizedW60s, nil)]),
                                              Self.fixture.signal(seconds: 600, price: "99.7")).decision)
        #expect(stop.reasons == ["stop_loss"])
        book.applyFill(symbol: Self.amd, action: .sell, quantity: stop.quantity, price: Decimal("99.7")!,
                       time: Self.fixture.time(600), reason: "stop_loss")
        // stop_loss_lockout_seconds 10800 outlasts the 3600 s losing-exit lockout.
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 600 + 3600)).outcomes.first?.result == .policy(.lockout))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 600 + 10_799)).outcomes.first?.result
            == .policy(.lockout))
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 600 + 10_800)).outcomes.first?.result
            == .policy(.maxNegativeExitsPerSession))
    }
}
