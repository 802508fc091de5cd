import Runtime
import SpecCompiler
import SpecModel
import Testing

/// `specs/strategies/mean-reversion-exhaustion-short.yaml` against Torghut's documented rule (reference 01 Appendix
/// A.3, mean_reversion_exhaustion_short_v1, defaults only: the family is not in the e551647657 catalog). It sells to
/// open and buys to cover. Expected decisions come from the reference text: every entry gate just under, at and just
/// over its threshold, the rank selection, the window edges, every cover condition and the entry notional multiplier.
@Suite struct FamilyMeanReversionExhaustionTests {
    static let fixture = FamilyFixture(
        spec: "mean-reversion-exhaustion-short.yaml", strategyID: "mean_reversion_exhaustion_short_v1@research", base: base,
        symbol: aapl, equity: Decimal(1_000_000), startMinute: 60)
    static var compiled: (diagnostics: [Diagnostic], strategy: CompiledStrategy?) {
        (fixture.diagnostics, fixture.compiledStrategy)
    }
    static var strategy: CompiledStrategy { fixture.strategy }

    static let aapl = Symbol("AAPL")!
    static let open: TimestampNanos = 1_767_364_200_000_000_000
    static let day = CivilDate(year: 2026, month: 1, day: 2)

    /// A signal that passes every entry gate and triggers no cover; exact in binary where it meets a threshold.
    static let base: [(FeatureID, Double?)] = [
        (.priceVsPrevSessionCloseBps, 40),         // drive (prev-close basis) ≥ 20
        (.priceVsSessionOpenBps, 30),
        (.openingWindowReturnBps, 10),             // ≥ 5
        (.pricePositionInSessionRange, 0.8),       // ≥ 0.68
        (.priceVsVwapSessionBps, 30),              // above VWAP by 30 ∈ [8, 70]
        (.priceVsEma12Bps, 10),                    // above ema12 by 10 ∈ [2, 35]
        (.rsi14, 58),                              // ∈ [52, 64]
        (.macd, 0.001), (.macdSignal, 0),          // hist = macd = 0.001 ∈ [−0.010, 0.012]
        (.imbalancePressure, -0.1),                // ≤ −0.02
        (.recentMicropriceBiasBpsAvg, -0.2),       // ≤ −0.10
        (.crossSectionPrevCloseDriveRank, 1),      // the top of n = 2: rank ≥ (2 − 1) / (2 − 1) = 1
        (.crossSectionSessionOpenDriveRank, 0),    // not read while the prev-close rank is present
        (.recentImbalancePressureAvg, 0),          // no cover (≥ 0.03 covers)
    ]

    static func evaluateFlat(_ vector: FeatureVector, minute: Double = 60) -> Evaluation {
        fixture.evaluateFlat(vector, minute: minute, eventTime: open + 3_600_000_000_000)
    }

    @Test func specCompilesWithoutDiagnostics() {
        #expect(Self.compiled.diagnostics.isEmpty, "\(Self.compiled.diagnostics)")
        #expect(Self.compiled.strategy?.enabled == false)
        #expect(Self.compiled.strategy?.entries.map(\.direction) == [.short])
        #expect(Self.compiled.strategy?.exits.map(\.direction) == [.short])
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
        // Drive ≥ 20 (prev-close basis, the session open when there is no previous close).
        fail("drive 19.5", [(.priceVsPrevSessionCloseBps, 19.5)]),
        pass("drive 20", [(.priceVsPrevSessionCloseBps, 20)]),
        pass("drive 20.5", [(.priceVsPrevSessionCloseBps, 20.5)]),
        fail("drive ignores the session open when prev close is present",
             [(.priceVsPrevSessionCloseBps, 10), (.priceVsSessionOpenBps, 40)]),
        pass("no prev close: session open 20", [(.priceVsPrevSessionCloseBps, nil), (.priceVsSessionOpenBps, 20)]),
        fail("no prev close: session open 19.5", [(.priceVsPrevSessionCloseBps, nil), (.priceVsSessionOpenBps, 19.5)]),
        // Opening-window return ≥ 5.
        fail("opening window 4.5", [(.openingWindowReturnBps, 4.5)]),
        pass("opening window 5", [(.openingWindowReturnBps, 5)]),
        pass("opening window 5.5", [(.openingWindowReturnBps, 5.5)]),
        // Range position ≥ 0.68.
        fail("range position 0.67", [(.pricePositionInSessionRange, 0.67)]),
        pass("range position 0.68", [(.pricePositionInSessionRange, 0.68)]),
        pass("range position 0.69", [(.pricePositionInSessionRange, 0.69)]),
        // Above session VWAP by [8, 70].
        fail("above vwap 7.5", [(.priceVsVwapSessionBps, 7.5)]),
        pass("above vwap 8", [(.priceVsVwapSessionBps, 8)]),
        pass("above vwap 8.5", [(.priceVsVwapSessionBps, 8.5)]),
        pass("above vwap 69.5", [(.priceVsVwapSessionBps, 69.5)]),
        pass("above vwap 70", [(.priceVsVwapSessionBps, 70)]),
        fail("above vwap 70.5", [(.priceVsVwapSessionBps, 70.5)]),
        // Above ema12 by [2, 35].
        fail("above ema12 1.5", [(.priceVsEma12Bps, 1.5)]),
        pass("above ema12 2", [(.priceVsEma12Bps, 2)]),
        pass("above ema12 2.5", [(.priceVsEma12Bps, 2.5)]),
        pass("above ema12 34.5", [(.priceVsEma12Bps, 34.5)]),
        pass("above ema12 35", [(.priceVsEma12Bps, 35)]),
        fail("above ema12 35.5", [(.priceVsEma12Bps, 35.5)]),
        // RSI ∈ [52, 64].
        fail("rsi 51.5", [(.rsi14, 51.5)]),
        pass("rsi 52", [(.rsi14, 52)]),
        pass("rsi 52.5", [(.rsi14, 52.5)]),
        pass("rsi 63.5", [(.rsi14, 63.5)]),
        pass("rsi 64", [(.rsi14, 64)]),
        fail("rsi 64.5", [(.rsi14, 64.5)]),
        // hist ∈ [−0.010, 0.012] (signal 0, so hist = macd).
        fail("hist -0.0101", [(.macd, -0.0101)]),
        pass("hist -0.01", [(.macd, -0.01)]),
        pass("hist -0.0099", [(.macd, -0.0099)]),
        pass("hist 0.0119", [(.macd, 0.0119)]),
        pass("hist 0.012", [(.macd, 0.012)]),
        fail("hist 0.0121", [(.macd, 0.0121)]),
        // Imbalance ≤ −0.02; recent microprice bias ≤ −0.10.
        fail("imbalance -0.019", [(.imbalancePressure, -0.019)]),
        pass("imbalance -0.02", [(.imbalancePressure, -0.02)]),
        pass("imbalance -0.021", [(.imbalancePressure, -0.021)]),
        fail("microprice -0.09", [(.recentMicropriceBiasBpsAvg, -0.09)]),
        pass("microprice -0.10", [(.recentMicropriceBiasBpsAvg, -0.1)]),
        pass("microprice -0.11", [(.recentMicropriceBiasBpsAvg, -0.11)]),
        // Rank selection, reversal mode, top_n 1 of universe_size 2: sell rank ≥ (2 − 1) / (2 − 1) = 1.
        fail("rank 0.99: under high", [(.crossSectionPrevCloseDriveRank, 0.99)]),
        pass("rank 1: at high", [(.crossSectionPrevCloseDriveRank, 1)]),
        fail("rank 0: the low end is never sold", [(.crossSectionPrevCloseDriveRank, 0)]),
        fail("rank reads prev close first", [(.crossSectionPrevCloseDriveRank, 0), (.crossSectionSessionOpenDriveRank, 1)]),
        pass("no prev-close rank: session-open rank 1",
             [(.crossSectionPrevCloseDriveRank, nil), (.crossSectionSessionOpenDriveRank, 1)]),
        fail("no prev-close rank: session-open rank 0.5",
             [(.crossSectionPrevCloseDriveRank, nil), (.crossSectionSessionOpenDriveRank, 0.5)]),
        fail("no rank at all fails closed",
             [(.crossSectionPrevCloseDriveRank, nil), (.crossSectionSessionOpenDriveRank, nil)]),
        // Window: the rebound's UTC 840 … 1125 = minutes 30 … 315, end exclusive.
        fail("minute 29", [], minute: 29),
        fail("minute 29.99", [], minute: 29.99),
        pass("minute 30", [], minute: 30),
        pass("minute 314", [], minute: 314),
        pass("minute 314.99", [], minute: 314.99),
        fail("minute 315", [], minute: 315),
    ]

    @Test(arguments: entryCases)
    func entryGate(_ testCase: Case) {
        let evaluation = Self.evaluateFlat(Self.fixture.features(testCase.overrides), minute: testCase.minute)
        if testCase.enters {
            // Sell to open a short.
            #expect(evaluation.decision?.action == .sell, "\(testCase.name)")
            #expect(evaluation.decision?.intent == .entry, "\(testCase.name)")
            #expect(evaluation.decision?.direction == .short, "\(testCase.name)")
            // No bonus terms in the reference: confidence is the base, 0.64 (cap 0.81).
            #expect(evaluation.decision?.confidence == Decimal("0.64"), "\(testCase.name)")
            #expect(evaluation.decision?.reasons == ["mean_reversion_exhaustion_short", "above_vwap_extension"])
        } else {
            #expect(evaluation.decision == nil, "\(testCase.name)")
        }
    }

    @Test func notionalMultiplierScoresConfidenceOnly() {
        // 0.20 + 0.80 × (0.64 − 0.62) / 0.23 = 0.26957 → 0.2695 → 8,513.505 USD → 85 shares at 100.
        #expect(Self.evaluateFlat(Self.fixture.features()).decision?.quantity == Decimal(85))
        // Spread and rank do not enter the score.
        #expect(Self.evaluateFlat(Self.fixture.features([(.spreadBps, 30)])).decision?.quantity == Decimal(85))
    }

    // MARK: Cover

    struct ExitCase: CustomTestStringConvertible, Sendable {
        var name: String
        var overrides: [(FeatureID, Double?)]
        var covers: Bool
        var testDescription: String { self.name }
    }

    static let exitCases: [ExitCase] = [
        ExitCase(name: "no cover condition", overrides: [], covers: false),
        ExitCase(name: "price 0.5 bps above VWAP", overrides: [(.priceVsVwapSessionBps, 0.5)], covers: false),
        ExitCase(name: "price at VWAP", overrides: [(.priceVsVwapSessionBps, 0)], covers: true),
        ExitCase(name: "price 0.5 bps below VWAP", overrides: [(.priceVsVwapSessionBps, -0.5)], covers: true),
        ExitCase(name: "rsi 42.5", overrides: [(.rsi14, 42.5)], covers: false),
        ExitCase(name: "rsi 42", overrides: [(.rsi14, 42)], covers: true),
        ExitCase(name: "rsi 41.5", overrides: [(.rsi14, 41.5)], covers: true),
        ExitCase(name: "hist 0.0029", overrides: [(.macd, 0.0029)], covers: false),
        ExitCase(name: "hist 0.003", overrides: [(.macd, 0.003)], covers: true),
        ExitCase(name: "hist 0.0031", overrides: [(.macd, 0.0031)], covers: true),
        ExitCase(name: "recent imbalance 0.029", overrides: [(.recentImbalancePressureAvg, 0.029)], covers: false),
        ExitCase(name: "recent imbalance 0.03", overrides: [(.recentImbalancePressureAvg, 0.03)], covers: true),
        ExitCase(name: "recent imbalance 0.031", overrides: [(.recentImbalancePressureAvg, 0.031)], covers: true),
        ExitCase(name: "range position 0.45", overrides: [(.pricePositionInSessionRange, 0.45)], covers: false),
        ExitCase(name: "range position 0.44", overrides: [(.pricePositionInSessionRange, 0.44)], covers: true),
        ExitCase(name: "range position 0.43", overrides: [(.pricePositionInSessionRange, 0.43)], covers: true),
    ]

    /// A book short 100 AAPL sold at 101, `heldFor` seconds before the signal at 0.
    static func short(heldFor: Int64 = 200) -> StrategyBook {
        var book = StrategyBook(Self.strategy)
        book.setState(
            SymbolState(quantity: Decimal(-100), averageEntryPrice: Decimal(101), entryTime: Self.fixture.time(-heldFor)),
            for: Self.aapl)
        return book
    }

    @Test(arguments: exitCases)
    func coverCondition(_ testCase: ExitCase) {
        var book = Self.short()
        let evaluation = book.evaluate(Self.fixture.features(testCase.overrides), Self.fixture.signal(seconds: 0, price: "100"))
        if testCase.covers {
            // Buy to cover the whole short.
            #expect(evaluation.decision?.action == .buy, "\(testCase.name)")
            #expect(evaluation.decision?.intent == .exit, "\(testCase.name)")
            #expect(evaluation.decision?.quantity == Decimal(100), "\(testCase.name)")
            #expect(evaluation.decision?.confidence == Decimal("0.61"), "\(testCase.name)")
            #expect(evaluation.decision?.reasons == ["mean_reversion_exhaustion_cover"], "\(testCase.name)")
        } else {
            // Short already: the short entry is skipped (no adding), and there is no long rule.
            #expect(evaluation.decision == nil, "\(testCase.name)")
            #expect(evaluation.outcomes.map(\.result) == [.failedCondition(nil), .skippedHeldDirection])
        }
    }

    @Test func coverNeedsProfitButNoMinimumHold() {
        let cover = Self.fixture.features([(.rsi14, 40)])
        // require_positive_price_for_signal_exit: a short profits below its entry at 101.
        var level = Self.short()
        #expect(level.evaluate(cover, Self.fixture.signal(seconds: 0, price: "101")).outcomes.first?.result
            == .policy(.signalExitNeedsProfit))
        var losing = Self.short()
        #expect(losing.evaluate(cover, Self.fixture.signal(seconds: 0, price: "101.5")).outcomes.first?.result
            == .policy(.signalExitNeedsProfit))
        var winning = Self.short(heldFor: 1)
        #expect(winning.evaluate(cover, Self.fixture.signal(seconds: 0, price: "100.99")).decision?.action == .buy)
    }

    @Test func noOverlayOrTradePolicyDefaults() throws {
        // The reference gives this family no stop, hold limit or flatten: a losing short with no cover signal holds.
        var book = Self.short(heldFor: 10_000)
        #expect(book.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0, price: "110", minutesBeforeClose: 1)).decision == nil)
        // And no cooldown: a fresh short may follow a cover at once.
        var fresh = StrategyBook(Self.strategy)
        let entry = try #require(fresh.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 0)).decision)
        fresh.applyFill(symbol: Self.aapl, action: .sell, quantity: entry.quantity, price: Decimal(100), time: Self.fixture.time(0))
        let exit = try #require(fresh.evaluate(Self.fixture.features([(.rsi14, 40)]), Self.fixture.signal(seconds: 1, price: "99")).decision)
        #expect(exit.action == .buy)
        fresh.applyFill(symbol: Self.aapl, action: .buy, quantity: exit.quantity, price: Decimal(99), time: Self.fixture.time(1))
        #expect(fresh.evaluate(Self.fixture.features(), Self.fixture.signal(seconds: 2)).decision?.action == .sell)
    }
}
