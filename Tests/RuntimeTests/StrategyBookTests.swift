import Runtime
import SpecCompiler
import SpecModel
import Testing

/// Overlays and trade policy over hand-built signal sequences with assumed fills.
@Suite struct StrategyBookTests {
    static func compile(
        _ spec: String, sizing: String = "", extraEntries: String = "",
        confidence: String = "{base: 0.6}"
    ) -> CompiledStrategy {
        let text = """
            apiVersion: torghut.dev/v1
            kind: Strategy
            metadata: {name: test_long}
            spec:
              timeframe: 1Sec
              universe: u
              entries:
                long: {when: [rsi14 < 30], confidence: \(confidence), reasons: [oversold]}
            \(extraEntries)  exits:
                long: {when: [rsi14 > 70], confidence: {base: 0.55}, reasons: [overbought]}
              sizing: {max_notional_usd: 1000\(sizing)}
            \(spec)
            ---
            apiVersion: torghut.dev/v1
            kind: Universe
            metadata: {name: u}
            spec: {symbols: [AAPL, MSFT]}

            """
        let (documents, yaml) = YAMLLoader().load(SourceFile(path: "t.yaml", text: text))
        let session = DecodeSession()
        let specs = documents.compactMap { SpecDocument.decode($0, in: session) }
        precondition(yaml.isEmpty && session.diagnostics.items.isEmpty, "\(yaml) \(session.diagnostics.items)")
        let output = PlanCompiler(features: .catalog).compile(specs)
        precondition(output.diagnostics.isEmpty, "\(output.diagnostics)")
        return try! CompiledStrategy(output.plan.strategies[0])
    }

    static let aapl = Symbol("AAPL")!
    static let msft = Symbol("MSFT")!
    static let open: TimestampNanos = 1_767_364_200_000_000_000
    static let day = CivilDate(year: 2026, month: 1, day: 2)

    static func features(rsi: Double, spreadBps: Double? = nil, vol: Double? = nil) -> FeatureVector {
        var vector = FeatureVector()
        vector.set(.rsi14, rsi)
        vector.set(.spreadBps, spreadBps)
        vector.set(.volRealizedW60s, vol)
        return vector
    }

    static func signal(
        _ symbol: Symbol = aapl, seconds: Int64, price: String, session: CivilDate = day, minutesBeforeClose: Double = 300
    ) -> SignalContext {
        SignalContext(
            symbol: symbol, eventTime: open + seconds * 1_000_000_000, session: session,
            clock: EvaluationContext(minutesAfterOpen: Double(seconds) / 60, minutesBeforeClose: minutesBeforeClose),
            sizing: SizingContext(price: Decimal(price)!, equity: Decimal(100_000)))
    }

    /// Enters AAPL at `price` and fills it.
    static func entered(_ book: inout StrategyBook, price: String = "100", seconds: Int64 = 0) {
        let decision = book.evaluate(features(rsi: 20), signal(seconds: seconds, price: price)).decision
        precondition(decision?.action == .buy)
        book.applyFill(symbol: aapl, action: .buy, quantity: decision!.quantity, price: Decimal(price)!,
                       time: open + seconds * 1_000_000_000)
    }

    @Test func stopLossFiresPastItsThresholdIncludingSpreadAndVolatility() {
        var book = StrategyBook(Self.compile(
            "  overlays: {stop_loss: {loss_bps: 30, spread_bps_multiplier: 1, volatility_bps_multiplier: 2}}"))
        Self.entered(&book)
        // Threshold = 30 + 4 (spread) + 2 × 3 (vol 0.0003 = 3 bps) = 40 bps.
        let inside = book.evaluate(Self.features(rsi: 50, spreadBps: 4, vol: 0.0003), Self.signal(seconds: 10, price: "99.62"))
        #expect(inside.decision == nil)
        let past = book.evaluate(Self.features(rsi: 50, spreadBps: 4, vol: 0.0003), Self.signal(seconds: 11, price: "99.58"))
        #expect(past.decision?.action == .sell)
        #expect(past.decision?.reasons == ["stop_loss"])
        #expect(past.decision?.quantity == Decimal(10))
    }

    @Test func trailingStopArmsAtActivationAndFiresOnDrawdown() {
        var book = StrategyBook(Self.compile(
            "  overlays: {trailing_stop: {activation_profit_bps: 20, drawdown: {drawdown_bps: 10}}}"))
        Self.entered(&book)
        // Up 15 bps: not armed, so a 12 bps fall does nothing.
        #expect(book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 1, price: "100.15")).decision == nil)
        #expect(book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 2, price: "100.03")).decision == nil)
        // Up 30 bps arms it; a fall of about 5 bps holds, about 15 bps exits.
        #expect(book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 3, price: "100.30")).decision == nil)
        #expect(book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 4, price: "100.25")).decision == nil)
        let exit = book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 5, price: "100.15")).decision
        #expect(exit?.reasons == ["trailing_stop"])
    }

    @Test func maxHoldAndSessionFlatten() {
        var book = StrategyBook(Self.compile("  overlays: {max_hold_seconds: 900, flatten_minutes_before_close: 10}"))
        Self.entered(&book)
        #expect(book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 899, price: "100")).decision == nil)
        #expect(book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 900, price: "100")).decision?.reasons
            == ["max_hold"])
        var flat = StrategyBook(Self.compile("  overlays: {flatten_minutes_before_close: 10}"))
        Self.entered(&flat)
        #expect(flat.evaluate(Self.features(rsi: 50), Self.signal(seconds: 5, price: "100", minutesBeforeClose: 10.5))
            .decision == nil)
        #expect(flat.evaluate(Self.features(rsi: 50), Self.signal(seconds: 6, price: "100", minutesBeforeClose: 10))
            .decision?.reasons == ["session_flatten"])
    }

    @Test func signalExitWaitsForMinHoldAndNeedsProfitWhenAsked() {
        var book = StrategyBook(Self.compile(
            "  overlays: {min_hold_seconds: 300, require_profit_for_signal_exit: true}"))
        Self.entered(&book)
        let early = book.evaluate(Self.features(rsi: 80), Self.signal(seconds: 299, price: "101"))
        #expect(early.decision == nil)
        #expect(early.outcomes.first?.result == .policy(.minHold))
        let losing = book.evaluate(Self.features(rsi: 80), Self.signal(seconds: 300, price: "99"))
        #expect(losing.outcomes.first?.result == .policy(.signalExitNeedsProfit))
        let exit = book.evaluate(Self.features(rsi: 80), Self.signal(seconds: 301, price: "101")).decision
        #expect(exit?.action == .sell)
        #expect(exit?.reasons == ["overbought"])
        #expect(exit?.confidence == Decimal("0.55"))
    }

    @Test func entryCooldownAndPerSessionCapResetWithTheSession() {
        var book = StrategyBook(Self.compile("  trade_policy: {entry_cooldown_seconds: 600, max_entries_per_session: 2}"))
        Self.entered(&book, seconds: 0)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal(101), time: Self.open + 60_000_000_000)
        let cooling = book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 599, price: "100"))
        #expect(cooling.outcomes.first?.result == .policy(.entryCooldown))
        Self.entered(&book, seconds: 600)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal(101), time: Self.open + 700_000_000_000)
        let capped = book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 1300, price: "100"))
        #expect(capped.outcomes.first?.result == .policy(.maxEntriesPerSession))
        let nextDay = book.evaluate(
            Self.features(rsi: 20),
            Self.signal(seconds: 86_400, price: "100", session: CivilDate(year: 2026, month: 1, day: 5)))
        #expect(nextDay.decision?.action == .buy)
    }

    @Test func stopLossExitLocksTheSymbolOutAndCounts() {
        var book = StrategyBook(Self.compile(
            "  overlays: {stop_loss: {loss_bps: 30}}\n  trade_policy: {stop_loss_lockout_seconds: 3600, "
                + "max_stop_loss_exits_per_session: 2}"))
        Self.entered(&book)
        let stop = book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 10, price: "99.5")).decision
        #expect(stop?.reasons == ["stop_loss"])
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal("99.5")!,
                       time: Self.open + 10_000_000_000, reason: "stop_loss")
        #expect(book.stopLossExitsThisSession == 1)
        #expect(book.negativeExitsThisSession == 1)
        let locked = book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 3609, price: "100"))
        #expect(locked.outcomes.first?.result == .policy(.lockout))
        #expect(book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 3610, price: "100")).decision?.action == .buy)
    }

    @Test func maxConcurrentPositionsCountsOtherSymbols() {
        var book = StrategyBook(Self.compile("  trade_policy: {max_concurrent_positions: 1}"))
        Self.entered(&book)
        let other = book.evaluate(Self.features(rsi: 20), Self.signal(Self.msft, seconds: 5, price: "50"))
        #expect(other.outcomes.first?.result == .policy(.maxConcurrentPositions))
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal(100), time: Self.open + 6_000_000_000)
        #expect(book.evaluate(Self.features(rsi: 20), Self.signal(Self.msft, seconds: 7, price: "50")).decision?.quantity
            == Decimal(20))
    }

    @Test func notionalMultiplierScalesTheBudgetFromConfidence() {
        // base confidence 0.6 → 0.2 + (0.6 − 0.6) × 4 = 0.2 → $200 at $100 = 2 shares.
        var book = StrategyBook(Self.compile("", sizing: ", notional_multiplier: 'min(1, 0.2 + (confidence - 0.6) * 4)'"))
        #expect(book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 0, price: "100")).decision?.quantity
            == Decimal(2))
        // Clamped to 1 at most, truncated to 4 decimals: 1.7 → 1 → 10 shares; 0.33339 → 0.3333 → $333.3 → 3 shares.
        var capped = StrategyBook(Self.compile("", sizing: ", notional_multiplier: '1.7'"))
        #expect(capped.evaluate(Self.features(rsi: 20), Self.signal(seconds: 0, price: "100")).decision?.quantity
            == Decimal(10))
        var truncated = StrategyBook(Self.compile("", sizing: ", notional_multiplier: '0.33339'"))
        #expect(truncated.evaluate(Self.features(rsi: 20), Self.signal(seconds: 0, price: "33.33")).decision?.quantity
            == Decimal(10))
        // A multiplier that reads a missing feature sizes the entry to zero: no decision.
        var missing = StrategyBook(Self.compile("", sizing: ", notional_multiplier: 'spread_bps / 10'"))
        let evaluation = missing.evaluate(Self.features(rsi: 20), Self.signal(seconds: 0, price: "100"))
        #expect(evaluation.decision == nil)
        #expect(evaluation.outcomes.first?.result == .sizedToZero)
    }

    @Test func aBlockedEntryDoesNotFallThroughToTheOppositeRule() {
        // Both directions' conditions hold at rsi 20; the long entry is cooling down, so nothing may act.
        var book = StrategyBook(Self.compile(
            "  trade_policy: {entry_cooldown_seconds: 600}", extraEntries: "    short: {when: [rsi14 < 40], confidence: {base: 0.5}}\n"))
        Self.entered(&book)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal(100), time: Self.open + 1)
        let evaluation = book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 10, price: "100"))
        #expect(evaluation.decision == nil)
        #expect(evaluation.outcomes.map(\.result) == [.policy(.entryCooldown)])
    }

    @Test func anOppositeEntryWaitsForTheMinimumHold() {
        // Short conditions hold at rsi 20 too; while long inside min_hold, the short may not close and reverse it.
        var book = StrategyBook(Self.compile(
            "  overlays: {min_hold_seconds: 300}", extraEntries: "    short: {when: [rsi14 < 40], confidence: {base: 0.5}}\n"))
        Self.entered(&book)
        let early = book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 100, price: "100"))
        #expect(early.decision == nil)
        #expect(early.outcomes.map(\.result) == [.failedCondition(0), .skippedHeldDirection, .policy(.minHold)])
        #expect(book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 300, price: "100")).decision?.action == .sell)
    }

    @Test func unknownEquitySizesACappedEntryToZero() {
        var book = StrategyBook(Self.compile("", sizing: ", max_position_fraction_of_equity: 0.5"))
        let signal = SignalContext(
            symbol: Self.aapl, eventTime: Self.open, session: Self.day,
            clock: EvaluationContext(minutesAfterOpen: 0, minutesBeforeClose: 390),
            sizing: SizingContext(price: Decimal(100), equity: nil))
        let evaluation = book.evaluate(Self.features(rsi: 20), signal)
        #expect(evaluation.decision == nil)
        #expect(evaluation.outcomes.first?.result == .sizedToZero)
    }

    @Test func aFillThatFlipsThePositionStartsAFreshOne() {
        var book = StrategyBook(Self.compile(""))
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(10), price: Decimal(100), time: Self.open)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(15), price: Decimal(90), time: Self.open + 5)
        let state = book.state(of: Self.aapl)
        #expect(state.quantity == Decimal(-5))
        #expect(state.averageEntryPrice == Decimal(90))
        #expect(state.entryTime == Self.open + 5)
        #expect(book.negativeExitsThisSession == 1)
    }

    @Test func aFillInANewSessionStartsItsCounters() {
        var book = StrategyBook(Self.compile("  trade_policy: {max_entries_per_session: 1}"))
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(1), price: Decimal(100), time: Self.open,
                       session: Self.day)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(1), price: Decimal(100), time: Self.open + 1,
                       session: Self.day)
        #expect(book.entriesThisSession == 1)
        let next = CivilDate(year: 2026, month: 1, day: 5)
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(1), price: Decimal(100),
                       time: Self.open + 86_400_000_000_000 * 3, session: next)
        #expect(book.session == next)
        #expect(book.entriesThisSession == 1)
    }

    @Test func dynamicBonusAddsAComputedAmountRoundedToFourPlacesThenCaps() {
        var book = StrategyBook(Self.compile("", confidence: "{base: 0.55, dynamic_bonus: '(30 - rsi14) / 100', cap: 0.6}"))
        // (30 − 27.12345) / 100 = 0.0287655 → 0.0288 → 0.5788.
        #expect(book.evaluate(Self.features(rsi: 27.12345), Self.signal(seconds: 0, price: "100")).decision?.confidence
            == Decimal("0.5788"))
        var capped = StrategyBook(Self.compile("", confidence: "{base: 0.55, dynamic_bonus: '(30 - rsi14) / 100', cap: 0.6}"))
        #expect(capped.evaluate(Self.features(rsi: 10), Self.signal(seconds: 0, price: "100")).decision?.confidence
            == Decimal("0.6"))
        var missing = StrategyBook(Self.compile("", confidence: "{base: 0.55, dynamic_bonus: 'spread_bps', cap: 0.9}"))
        #expect(missing.evaluate(Self.features(rsi: 20), Self.signal(seconds: 0, price: "100")).decision?.confidence
            == Decimal("0.55"))
    }

    @Test func trailingStopCanRequireAConditionAndAProfit() {
        var book = StrategyBook(Self.compile(
            "  overlays: {trailing_stop: {activation_profit_bps: 20, drawdown: {drawdown_bps: 10}, "
                + "when: 'rsi14 < 45', require_profit: true}}"))
        Self.entered(&book)
        #expect(book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 1, price: "100.30")).decision == nil)
        // A 15 bps fall from the best, in profit, but the condition does not hold: hold.
        #expect(book.evaluate(Self.features(rsi: 50), Self.signal(seconds: 2, price: "100.15")).decision == nil)
        // The condition holds: exit.
        #expect(book.evaluate(Self.features(rsi: 40), Self.signal(seconds: 3, price: "100.15")).decision?.reasons
            == ["trailing_stop"])
        var losing = StrategyBook(Self.compile(
            "  overlays: {trailing_stop: {activation_profit_bps: 20, drawdown: {drawdown_bps: 10}, require_profit: true}}"))
        Self.entered(&losing)
        _ = losing.evaluate(Self.features(rsi: 50), Self.signal(seconds: 1, price: "100.30"))
        // Fallen below the entry price: the trailing stop may not exit at a loss.
        #expect(losing.evaluate(Self.features(rsi: 50), Self.signal(seconds: 2, price: "99.90")).decision == nil)
    }

    @Test func sessionLossBudgetStopsEntries() {
        var book = StrategyBook(Self.compile("  trade_policy: {max_session_negative_exit_bps: 15}"))
        Self.entered(&book)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal("99.9")!, time: Self.open + 1)
        #expect(book.negativeExitBPSThisSession == Decimal(10))
        Self.entered(&book, seconds: 2)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal("99.9")!, time: Self.open + 3)
        let blocked = book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 4, price: "100"))
        #expect(blocked.outcomes.first?.result == .policy(.maxSessionNegativeExitBPS))
    }

    @Test func lossesAreSummedExactlyAndALossAtTheThresholdCounts() {
        // 5 + 3 bps from $100: 8 bps exactly (floating point would give 7.9999999999998).
        var book = StrategyBook(Self.compile("  trade_policy: {max_session_negative_exit_bps: 8, negative_exit_loss_bps: 3}"))
        Self.entered(&book)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal("99.95")!, time: Self.open + 1)
        #expect(book.negativeExitsThisSession == 1)
        Self.entered(&book, seconds: 2)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(10), price: Decimal("99.97")!, time: Self.open + 3)
        #expect(book.negativeExitBPSThisSession == Decimal(8))
        #expect(book.negativeExitsThisSession == 2)  // a 3 bps loss reaches negative_exit_loss_bps 3, so it counts
        let blocked = book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 4, price: "100"))
        #expect(blocked.outcomes.first?.result == .policy(.maxSessionNegativeExitBPS))
    }

    @Test func multiplierMayExceedOneUpToItsMaximum() {
        var book = StrategyBook(Self.compile("", sizing: ", notional_multiplier: '1.4', max_notional_multiplier: 1.5"))
        #expect(book.evaluate(Self.features(rsi: 20), Self.signal(seconds: 0, price: "100")).decision?.quantity
            == Decimal(14))
        var clamped = StrategyBook(Self.compile("", sizing: ", notional_multiplier: '1.7', max_notional_multiplier: 1.5"))
        #expect(clamped.evaluate(Self.features(rsi: 20), Self.signal(seconds: 0, price: "100")).decision?.quantity
            == Decimal(15))
    }

    @Test func averageEntryPriceFollowsAddedFills() {
        var book = StrategyBook(Self.compile(""))
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(10), price: Decimal(100), time: Self.open)
        book.applyFill(symbol: Self.aapl, action: .buy, quantity: Decimal(30), price: Decimal(104), time: Self.open + 1)
        #expect(book.state(of: Self.aapl).averageEntryPrice == Decimal(103))
        #expect(book.state(of: Self.aapl).entryTime == Self.open)
        book.applyFill(symbol: Self.aapl, action: .sell, quantity: Decimal(40), price: Decimal(105), time: Self.open + 2)
        #expect(book.state(of: Self.aapl).quantity == .zero)
        #expect(book.state(of: Self.aapl).averageEntryPrice == nil)
    }
}
