import Runtime
import SpecCompiler
import SpecModel
import Testing

/// `specs/strategies/momentum-pullback-long.yaml` against Torghut's documented momentum pullback long (reference 01
/// Appendix A.2/A.3) with the catalog values deployed at e551647657. Expected decisions come from the reference text:
/// window UTC 930..1020 = minutes 120..<210 after the open; ema12 > ema26, hist in [0.030, 0.060], rsi in [56, 61],
/// pullback below ema12 in [3, 10] bps, spread <= 4, vol in [0.00005, 0.00024], imbalance >= 0.02, invalid ratio
/// <= 0.18, quote jump <= 60, microprice >= 0, continuation rank >= 0.55; base 0.66, bonuses +0.03/+0.02/+0.02/+0.02,
/// cap 0.82; exit when ema12 < ema26, hist <= -0.004 and rsi <= 47 (confidence 0.63).
@Suite struct FamilyMomentumPullbackTests {
    static let fixture = FamilyFixture(
        spec: "momentum-pullback-long.yaml", strategyID: "momentum_pullback_long_v1@research", base: base, symbol: aapl,
        requireClean: true)
    static var compiled: (diagnostics: [Diagnostic], strategy: CompiledStrategy) {
        (fixture.diagnostics, fixture.strategy)
    }
    static var strategy: CompiledStrategy { fixture.strategy }

    static let aapl = Symbol("AAPL")!
    static let msft = Symbol("MSFT")!
    /// 2026-01-02 09:30 New York.
    static let open: TimestampNanos = 1_767_364_200_000_000_000
    static let day = CivilDate(year: 2026, month: 1, day: 2)

    /// A signal that passes every entry gate and earns no bonus: hist 0.04 (signal 0 keeps hist = macd exact),
    /// rsi 58, 3.5 bps below ema12, spread 2, vol 0.0001, imbalance 0.03, invalid 0.1, jump 20, microprice 0.25,
    /// continuation rank 0.70.
    static let base: [FeatureID: Double?] = [
        .ema12: 101, .ema26: 100.5, .macd: 0.04, .macdSignal: 0, .rsi14: 58, .priceVsEma12Bps: -3.5,
        .spreadBps: 2, .volRealizedW60s: 0.0001, .imbalancePressure: 0.03, .recentQuoteInvalidRatio: 0.1,
        .recentQuoteJumpBpsMax: 20, .micropriceBiasBps: 0.25, .crossSectionContinuationRank: 0.7,
    ]

    static func signal(_ changes: [FeatureID: Double?] = [:]) -> FeatureVector { fixture.features(changes: changes) }

    /// Exit conditions: ema12 < ema26, hist -0.005, rsi 45.
    static func exitSignal(_ changes: [FeatureID: Double?] = [:]) -> FeatureVector {
        var all: [FeatureID: Double?] = [.ema12: 100, .ema26: 100.5, .macd: -0.005, .rsi14: 45]
        for (feature, value) in changes { all[feature] = value }
        return signal(all)
    }

    static func evaluate(_ vector: FeatureVector, minute: Double = 150, price: Decimal = Decimal(100)) -> Evaluation {
        fixture.evaluateFlat(vector, minute: minute, price: price)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var vector: FeatureVector
        var minute: Double = 150
        var confidence: String?
        var testDescription: String { self.name }
    }

    static func buy(_ name: String, _ vector: FeatureVector, minute: Double = 150, confidence: String = "0.66") -> Case
    {
        Case(name: name, vector: vector, minute: minute, confidence: confidence)
    }

    static func none(_ name: String, _ vector: FeatureVector, minute: Double = 150) -> Case {
        Case(name: name, vector: vector, minute: minute, confidence: nil)
    }

    static let cases: [Case] = [
        buy("all gates pass, no bonus", signal()),
        // Window: UTC 930 .. 1020 → minutes 120 ..< 210 after the open.
        none("minute 119: before the window", signal(), minute: 119),
        none("minute 119.99: before the window", signal(), minute: 119.99),
        buy("minute 120: window start", signal(), minute: 120),
        buy("minute 209: last minute of the window", signal(), minute: 209),
        none("minute 210: window end is exclusive", signal(), minute: 210),
        // Trend: ema12 > ema26, strictly.
        none("ema12 equal to ema26", signal([.ema12: 100.5])),
        none("ema12 below ema26", signal([.ema12: 100.4])),
        // hist = macd - macd_signal in [0.030, 0.060].
        none("hist just under min", signal([.macd: 0.0299])),
        buy("hist equal to min", signal([.macd: 0.03])),
        buy("hist equal to cap", signal([.macd: 0.06])),
        none("hist just over cap", signal([.macd: 0.0601])),
        // RSI in [56, 61].
        none("rsi just under min", signal([.rsi14: 55.99])),
        buy("rsi equal to min", signal([.rsi14: 56])),
        buy("rsi equal to max", signal([.rsi14: 61])),
        none("rsi just over max", signal([.rsi14: 61.01])),
        // Pullback below ema12 in [3, 10] bps: price_vs_ema12_bps in [-10, -3].
        none("pullback just under min (2.99 bps below ema12)", signal([.priceVsEma12Bps: -2.99])),
        buy("pullback equal to min (3 bps)", signal([.priceVsEma12Bps: -3])),
        buy(
            "pullback equal to max (10 bps), earns the 4 bps bonus", signal([.priceVsEma12Bps: -10]),
            confidence: "0.68"),
        none("pullback just over max (10.01 bps)", signal([.priceVsEma12Bps: -10.01])),
        none("price above ema12 is no pullback", signal([.priceVsEma12Bps: 5])),
        // Spread <= 4 bps.
        buy("spread equal to cap", signal([.spreadBps: 4])),
        none("spread just over cap", signal([.spreadBps: 4.01])),
        none("spread missing fails closed", signal([.spreadBps: nil])),
        // Volatility in [0.00005, 0.00024].
        none("vol just under floor", signal([.volRealizedW60s: 0.0000499])),
        buy("vol equal to floor", signal([.volRealizedW60s: 0.00005])),
        buy("vol equal to ceiling", signal([.volRealizedW60s: 0.00024])),
        none("vol just over ceiling", signal([.volRealizedW60s: 0.000241])),
        none("vol missing fails closed", signal([.volRealizedW60s: nil])),
        // Imbalance pressure >= 0.02.
        none("imbalance just under min", signal([.imbalancePressure: 0.0199])),
        buy("imbalance equal to min", signal([.imbalancePressure: 0.02])),
        // Recent quote invalid ratio <= 0.18.
        buy("invalid ratio equal to max", signal([.recentQuoteInvalidRatio: 0.18])),
        none("invalid ratio just over max", signal([.recentQuoteInvalidRatio: 0.181])),
        // Recent quote jump <= 60 bps.
        buy("quote jump equal to max", signal([.recentQuoteJumpBpsMax: 60])),
        none("quote jump just over max", signal([.recentQuoteJumpBpsMax: 60.5])),
        // Microprice bias >= 0.
        none("microprice just under 0", signal([.micropriceBiasBps: -0.01])),
        buy("microprice equal to 0", signal([.micropriceBiasBps: 0])),
        // Continuation rank >= 0.55 (the catalog's optional floor).
        none("continuation rank just under floor", signal([.crossSectionContinuationRank: 0.549])),
        buy("continuation rank equal to floor", signal([.crossSectionContinuationRank: 0.55])),
        none("continuation rank missing fails closed", signal([.crossSectionContinuationRank: nil])),
        // Bonuses: imbalance > 0.05 (+0.03), pullback >= 4 bps (+0.02), rank >= 0.85 (+0.02), microprice >= 0.60
        // (+0.02); cap 0.82 is above the 0.75 they sum to.
        buy("imbalance equal to 0.05: no bonus (strictly greater)", signal([.imbalancePressure: 0.05])),
        buy("imbalance just over 0.05: +0.03", signal([.imbalancePressure: 0.0501]), confidence: "0.69"),
        buy("pullback 3.99 bps: no bonus", signal([.priceVsEma12Bps: -3.99])),
        buy("pullback equal to 4 bps: +0.02", signal([.priceVsEma12Bps: -4]), confidence: "0.68"),
        buy("rank just under 0.85: no bonus", signal([.crossSectionContinuationRank: 0.849])),
        buy("rank equal to 0.85: +0.02", signal([.crossSectionContinuationRank: 0.85]), confidence: "0.68"),
        buy("microprice just under 0.60: no bonus", signal([.micropriceBiasBps: 0.59])),
        buy("microprice equal to 0.60: +0.02", signal([.micropriceBiasBps: 0.6]), confidence: "0.68"),
        buy(
            "every bonus: 0.75, under the 0.82 cap",
            signal([
                .imbalancePressure: 0.1, .priceVsEma12Bps: -5, .crossSectionContinuationRank: 0.9,
                .micropriceBiasBps: 1,
            ]),
            confidence: "0.75"),
    ]

    @Test func specCompilesWithoutDiagnostics() {
        #expect(Self.compiled.diagnostics.isEmpty, "\(Self.compiled.diagnostics)")
        #expect(!Self.strategy.enabled)
        #expect(Self.strategy.entries.first?.window == 120...210)
        #expect(Self.strategy.maxNotionalUSD == Decimal(31590))
        #expect(Self.strategy.maxPositionFractionOfEquity == nil)
        #expect(Self.strategy.overlays.trailingStop?.requireProfit == true)
        #expect(Self.strategy.trailingCondition == nil)  // not a continuation family: no structure-loss condition
        // No entries once the session's losing exits sum to 24 bps. It cannot bind on its own here (one entry per
        // session; a loss above 8 bps ends the session's entries first), so only its value is checked.
        #expect(Self.strategy.tradePolicy.maxSessionNegativeExitBPS == Decimal(24))
    }

    @Test(arguments: cases)
    func entryMatchesTheReference(_ testCase: Case) {
        let evaluation = Self.evaluate(testCase.vector, minute: testCase.minute)
        #expect(evaluation.decision?.action == (testCase.confidence == nil ? nil : .buy), "\(testCase.name)")
        #expect(evaluation.decision?.confidence.description == testCase.confidence, "\(testCase.name)")
    }

    @Test func firstFailingGateIsTracedInReferenceOrder() {
        // rsi (gate 3) and spread (gate 5) both fail: the trace names the rsi gate, index 2.
        let evaluation = Self.evaluate(Self.signal([.rsi14: 70, .spreadBps: 9]))
        #expect(evaluation.outcomes.map(\.result) == [.failedCondition(2)])
    }

    /// Notional multiplier (A.2): 0.25 + 0.75 × mean(normalized confidence over 0.62..0.85, normalized rank over
    /// 0.55..0.92, 1 − spread/4), cut to 4 decimals, × $31,590, ÷ price, whole shares.
    @Test func notionalMultiplierScalesWithConfidenceRankAndSpread() {
        func quantity(_ vector: FeatureVector) -> Decimal? { Self.evaluate(vector).decision?.quantity }
        // 0.66 → 0.1739; rank 0.70 → 0.4054; spread 2 → 0.5: 0.25 + 0.75 × 0.3598 = 0.5198 → $16,420.48 → 164.
        #expect(quantity(Self.signal()) == Decimal(164))
        // Rank at its ceiling (which also earns the rank bonus: 0.68) and no spread:
        // 0.25 + 0.75 × (0.2609 + 1 + 1) / 3 = 0.8152 → $25,752.16 → 257.
        #expect(quantity(Self.signal([.crossSectionContinuationRank: 0.92, .spreadBps: 0])) == Decimal(257))
        // Rank at its floor, spread at the cap: 0.25 + 0.75 × 0.1739 / 3 = 0.2934 → $9,268.50 → 92.
        #expect(quantity(Self.signal([.crossSectionContinuationRank: 0.55, .spreadBps: 4])) == Decimal(92))
        // Confidence 0.75 (every bonus, rank 0.92 earns one): 0.25 + 0.75 × (0.5652 + 1 + 1) / 3 = 0.8913 → 281.
        let best = Self.signal([
            .imbalancePressure: 0.1, .priceVsEma12Bps: -5, .crossSectionContinuationRank: 0.92, .micropriceBiasBps: 1,
            .spreadBps: 0,
        ])
        #expect(quantity(best) == Decimal(281))
    }

    // MARK: Sequences: exits, overlays and trade policy

    /// A signal `seconds` after an entry made at minute 150 (12:00 New York). `minute` pins the session clock inside
    /// the entry window when a test needs an event time past its end (a lockout outlasts the 90-minute window).
    static func at(
        _ seconds: Int64, price: String, symbol: Symbol = aapl, session: CivilDate = day, minute pinned: Double? = nil
    ) -> SignalContext {
        let minute = pinned ?? 150 + Double(seconds) / 60
        return SignalContext(
            symbol: symbol, eventTime: open + (9_000 + seconds) * 1_000_000_000, session: session,
            clock: EvaluationContext(minutesAfterOpen: minute, minutesBeforeClose: 390 - minute),
            sizing: SizingContext(price: Decimal(price)!, equity: Decimal(100_000)))
    }

    static func time(_ seconds: Int64) -> TimestampNanos { open + (9_000 + seconds) * 1_000_000_000 }

    /// Enters AAPL at $100 at minute 150 and fills the 164 shares.
    static func entered() -> StrategyBook {
        var book = StrategyBook(strategy)
        let decision = book.evaluate(signal(), at(0, price: "100")).decision
        precondition(decision?.action == .buy && decision?.quantity == Decimal(164))
        book.applyFill(symbol: aapl, action: .buy, quantity: Decimal(164), price: Decimal(100), time: time(0))
        return book
    }

    @Test func signalExitNeedsAllThreeConditionsTheMinimumHoldAndProfit() {
        var book = Self.entered()
        // Inside min_hold_seconds 180 the exit waits.
        let early = book.evaluate(Self.exitSignal(), Self.at(179, price: "100.1"))
        #expect(early.decision == nil)
        #expect(early.outcomes.first?.result == .policy(.minHold))
        // require_positive_price_for_signal_exit: at the entry price there is no profit.
        let flat = book.evaluate(Self.exitSignal(), Self.at(180, price: "100"))
        #expect(flat.outcomes.first?.result == .policy(.signalExitNeedsProfit))
        // Each condition at its boundary: hist -0.004 and rsi 47 exit; just past either, or ema12 = ema26, does not.
        #expect(book.evaluate(Self.exitSignal([.macd: -0.0039]), Self.at(181, price: "100.1")).decision == nil)
        #expect(book.evaluate(Self.exitSignal([.rsi14: 47.01]), Self.at(182, price: "100.1")).decision == nil)
        #expect(book.evaluate(Self.exitSignal([.ema12: 100.5]), Self.at(183, price: "100.1")).decision == nil)
        let exit = book.evaluate(Self.exitSignal([.macd: -0.004, .rsi14: 47]), Self.at(184, price: "100.1")).decision
        #expect(exit?.action == .sell)
        #expect(exit?.intent == .exit)
        #expect(exit?.quantity == Decimal(164))
        #expect(exit?.confidence == Decimal("0.63"))
        #expect(exit?.reasons == ["momentum_pullback_trend_lost"])
    }

    @Test func stopLossIncludesSpreadAndVolatilityTerms() {
        var book = Self.entered()
        // 28 + 0.20 × spread 2 + 3 × vol 1 bp = 31.4 bps: a 31 bps loss holds, a 32 bps loss stops.
        #expect(book.evaluate(Self.signal(), Self.at(10, price: "99.69")).decision == nil)
        let stop = book.evaluate(Self.signal(), Self.at(11, price: "99.68")).decision
        #expect(stop?.reasons == ["stop_loss"])
        #expect(stop?.action == .sell)
        #expect(stop?.quantity == Decimal(164))
    }

    @Test func trailingStopArmsAtSixteenBpsAndFiresOnItsDrawdown() {
        var book = Self.entered()
        // Up 15 bps: not armed, so a fall to 99.90 (25 bps from the peak, a 10 bps loss) does nothing.
        #expect(book.evaluate(Self.signal(), Self.at(1, price: "100.15")).decision == nil)
        #expect(book.evaluate(Self.signal(), Self.at(2, price: "99.90")).decision == nil)
        var armed = Self.entered()
        // Up 20 bps arms it; drawdown threshold 9 + 0.10 × 2 + 3 × 1 = 12.2 bps from the peak of 100.20.
        #expect(armed.evaluate(Self.signal(), Self.at(1, price: "100.20")).decision == nil)
        #expect(armed.evaluate(Self.signal(), Self.at(2, price: "100.08")).decision == nil)  // 11.98 bps
        #expect(armed.evaluate(Self.signal(), Self.at(3, price: "100.07")).decision?.reasons == ["trailing_stop"])
    }

    @Test func trailingStopNeedsAProfit() {
        // require_positive_price_for_signal_exit holds the trailing exit too (realized bps > 0).
        var book = Self.entered()
        #expect(book.evaluate(Self.signal(), Self.at(1, price: "100.20")).decision == nil)
        // 19.96 bps off the peak, but at the entry price: no profit, held.
        #expect(book.evaluate(Self.signal(), Self.at(2, price: "100")).decision == nil)
        // 20 bps below the entry (the stop is 31.4 bps away): held.
        #expect(book.evaluate(Self.signal(), Self.at(3, price: "99.80")).decision == nil)
        // +1 bp: exit.
        #expect(book.evaluate(Self.signal(), Self.at(4, price: "100.01")).decision?.reasons == ["trailing_stop"])
    }

    @Test func maxHoldAndSessionFlatten() {
        var book = Self.entered()
        #expect(book.evaluate(Self.signal(), Self.at(899, price: "100")).decision == nil)
        #expect(book.evaluate(Self.signal(), Self.at(900, price: "100")).decision?.reasons == ["max_hold"])
        // Flatten from UTC minute 1170 = 30 minutes before the close.
        var late = Self.entered()
        func closing(_ minutesLeft: Double) -> SignalContext {
            var context = Self.at(60, price: "100")
            context.clock.minutesBeforeClose = minutesLeft
            return context
        }
        #expect(late.evaluate(Self.signal(), closing(30.5)).decision == nil)
        #expect(late.evaluate(Self.signal(), closing(30)).decision?.reasons == ["session_flatten"])
    }

    @Test func oneEntryPerSessionWithCooldownsBeforeIt() {
        var book = Self.entered()
        book.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(164), price: Decimal(101), time: Self.time(600))
        // Exit cooldown 180 s after the exit, entry cooldown 1800 s after the entry, then the session cap of 1.
        #expect(
            book.evaluate(Self.signal(), Self.at(700, price: "100")).outcomes.first?.result
                == .policy(.entryCooldown))
        #expect(
            book.evaluate(Self.signal(), Self.at(1800, price: "100")).outcomes.first?.result
                == .policy(.maxEntriesPerSession))
        var cooling = Self.entered()
        cooling.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(164), price: Decimal(101), time: Self.time(1700))
        #expect(
            cooling.evaluate(Self.signal(), Self.at(1800, price: "100")).outcomes.first?.result
                == .policy(.exitCooldown))
        #expect(
            cooling.evaluate(Self.signal(), Self.at(1880, price: "100")).outcomes.first?.result
                == .policy(.maxEntriesPerSession))
        // The next session starts the count again (same clock minute, next trading day).
        var next = Self.at(1880, price: "100", session: CivilDate(year: 2026, month: 1, day: 5))
        next.eventTime += 3 * 86_400 * 1_000_000_000
        #expect(cooling.evaluate(Self.signal(), next).decision?.action == .buy)
    }

    @Test func losingExitsLockTheSymbolOutOnlyBeyondEightBps() {
        // A 10 bps loss on the max-hold exit counts as a losing exit: 7,200 s lockout.
        var losing = Self.entered()
        losing.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(164), price: Decimal("99.90")!,
            time: Self.time(900), reason: "max_hold")
        #expect(losing.negativeExitsThisSession == 1)
        // The lockout outlasts the entry window, so the clock is pinned at minute 200 to see where it ends.
        #expect(
            losing.evaluate(Self.signal(), Self.at(1_800, price: "100")).outcomes.first?.result
                == .policy(.lockout))
        #expect(
            losing.evaluate(Self.signal(), Self.at(900 + 7_199, price: "100", minute: 200)).outcomes.first?.result
                == .policy(.lockout))
        #expect(
            losing.evaluate(Self.signal(), Self.at(900 + 7_200, price: "100", minute: 200)).outcomes.first?.result
                == .policy(.maxEntriesPerSession))
        // A 5 bps loss is under negative_exit_loss_bps 8: not counted, no lockout.
        var small = Self.entered()
        small.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(164), price: Decimal("99.95")!,
            time: Self.time(900), reason: "max_hold")
        #expect(small.negativeExitsThisSession == 0)
        #expect(
            small.evaluate(Self.signal(), Self.at(1_800, price: "100")).outcomes.first?.result
                == .policy(.maxEntriesPerSession))
        // A stop loss locks the symbol out for 14,400 s.
        var stopped = Self.entered()
        stopped.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(164), price: Decimal("99.68")!,
            time: Self.time(11), reason: "stop_loss")
        #expect(stopped.stopLossExitsThisSession == 1)
        #expect(
            stopped.evaluate(Self.signal(), Self.at(11 + 14_399, price: "100", minute: 200)).outcomes.first?.result
                == .policy(.lockout))
        #expect(
            stopped.evaluate(Self.signal(), Self.at(11 + 14_400, price: "100", minute: 200)).outcomes.first?.result
                == .policy(.maxEntriesPerSession))
    }

    @Test func onePositionAtATime() {
        // A position carried into the next session: the entry count starts again, but max_concurrent_positions 1
        // still blocks a second symbol.
        var book = Self.entered()
        var next = Self.at(0, price: "50", symbol: Self.msft, session: CivilDate(year: 2026, month: 1, day: 5))
        next.eventTime += 3 * 86_400 * 1_000_000_000
        #expect(book.evaluate(Self.signal(), next).outcomes.first?.result == .policy(.maxConcurrentPositions))
    }
}
