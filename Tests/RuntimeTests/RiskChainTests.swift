@testable import Runtime
import SpecModel
import Testing

/// The chain's semantics beyond single limits: scopes, symbol lists, shorts and borrow, quantity steps, buying
/// power with pending orders, the pattern-day-trader guard, trading hours, risk-reducing orders, and check order.
@Suite struct RiskChainTests {
    static let strategy = "intraday_tsmom_v1@prod"

    @Test func theTightestScopeWinsAndTheVerdictNamesIt() throws {
        let harness = try RiskHarness(
            limits: "max_notional_per_trade_usd: 5000",
            overrides: "{strategy: \(Self.strategy), limits: {max_notional_per_trade_usd: 2000}},"
                + " {symbol: NVDA, limits: {max_notional_per_trade_usd: 1000}},"
                + " {symbol: MSFT, limits: {max_notional_per_trade_usd: 9000}}")
        let aapl = harness.evaluate(harness.intent(.buy, "21"))
        #expect(aapl.summary == "max_notional_exceeded")
        #expect(aapl.denial?.origin == .strategy)
        #expect(aapl.denial?.limit == d("2000"))
        #expect(harness.evaluate(harness.intent(.buy, "20")).summary == "allow")
        let nvda = harness.evaluate(harness.intent(.buy, "11", symbol: "NVDA"))
        #expect(nvda.denial?.origin == .symbol)
        #expect(nvda.denial?.limit == d("1000"))
        // A looser symbol override never loosens the strategy's limit.
        let msft = harness.evaluate(harness.intent(.buy, "21", symbol: "MSFT"))
        #expect(msft.denial?.origin == .strategy)
        #expect(harness.engine.limit(.maxNotionalPerTrade, strategy: 0, symbol: harness.engine.symbolIndex(of: Symbol("MSFT")!))?.value == d("2000"))
    }

    @Test func minimumsTakeTheLargestValue() throws {
        let harness = try RiskHarness(
            limits: "min_notional_per_trade_usd: 100",
            overrides: "{symbol: NVDA, limits: {min_notional_per_trade_usd: 500}}")
        #expect(harness.evaluate(harness.intent(.buy, "2", symbol: "NVDA")).summary == "min_notional_not_met")
        #expect(harness.evaluate(harness.intent(.buy, "2", symbol: "AAPL")).summary == "allow")
    }

    @Test func symbolListsAndTheUniverse() throws {
        let harness = try RiskHarness(
            policy: "  shorts: {allowed: true}\n  pattern_day_trader: {enabled: false}\n"
                + "  symbols: {allow: [AAPL, NVDA], deny: [TSLA]}")
        #expect(harness.evaluate(harness.intent(.buy, "1", symbol: "AAPL")).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "1", symbol: "MSFT")).summary == "symbol_not_allowed")
        #expect(harness.evaluate(harness.intent(.buy, "1", symbol: "TSLA")).summary == "symbol_denied")
        var outside = harness.intent(.buy, "1")
        outside.symbol = nil
        #expect(harness.evaluate(outside).summary == "symbol_not_allowed")
    }

    @Test func shortsSplitAFlipIntoItsReducingPart() throws {
        let harness = try RiskHarness(
            policy: "  shorts: {allowed: false}\n  pattern_day_trader: {enabled: false}")
        #expect(harness.evaluate(harness.intent(.sell, "5")).summary == "shorts_not_allowed")
        #expect(harness.evaluate(harness.intent(.sell, "5"), RiskHarness.account(position: "5")).summary == "allow")
        let flip = harness.evaluate(harness.intent(.sell, "8"), RiskHarness.account(position: "5"))
        #expect(flip.summary == "clamp 5 shorts_not_allowed")
    }

    @Test func borrowDataIsStrictInLiveOnlyByDefault() throws {
        let harness = try RiskHarness()
        #expect(harness.evaluate(harness.intent(.sell, "5")).summary == "allow")
        #expect(harness.evaluate(harness.intent(.sell, "5"), RiskHarness.account(mode: .live)).summary == "shorting_metadata_unavailable")
        let hard = AssetStatus(tradable: true, shortable: true, easyToBorrow: false)
        #expect(harness.evaluate(harness.intent(.sell, "5"), RiskHarness.account(asset: hard)).summary == "local_symbol_not_easy_to_borrow")
        let none = AssetStatus(tradable: true, shortable: false, easyToBorrow: false)
        #expect(harness.evaluate(harness.intent(.sell, "5"), RiskHarness.account(asset: none)).summary == "local_symbol_not_shortable")
        let halted = AssetStatus(tradable: false, shortable: true, easyToBorrow: true)
        #expect(harness.evaluate(harness.intent(.sell, "5"), RiskHarness.account(asset: halted)).summary == "local_symbol_not_tradable")
        let fine = AssetStatus(tradable: true, shortable: true, easyToBorrow: true)
        #expect(harness.evaluate(harness.intent(.sell, "5"), RiskHarness.account(asset: fine, mode: .live)).summary == "allow")
    }

    @Test func quantityStepsRoundTheIncreasingPartDown() throws {
        let whole = try RiskHarness()
        #expect(whole.evaluate(whole.intent(.buy, "10.5")).summary == "clamp 10 qty_invalid_increment")
        #expect(whole.evaluate(whole.intent(.buy, "0.5")).summary == "qty_below_min")
        // A fractional position can always be closed exactly.
        #expect(whole.evaluate(whole.intent(.sell, "2.5"), RiskHarness.account(position: "2.5")).summary == "allow")
        let fractional = try RiskHarness(
            policy: "  shorts: {allowed: true}\n  pattern_day_trader: {enabled: false}\n"
                + "  quantity: {fractional_equities: true, fractional_step_shares: 0.0001}")
        #expect(fractional.evaluate(fractional.intent(.buy, "0.00015")).summary == "clamp 0.0001 qty_invalid_increment")
        #expect(fractional.evaluate(fractional.intent(.buy, "0.0001")).summary == "allow")
        // Short-increasing sells stay whole shares.
        #expect(fractional.evaluate(fractional.intent(.sell, "2.5")).summary == "clamp 2 qty_invalid_increment")
    }

    @Test func buyingPowerCountsPendingOrdersWhenAsked() throws {
        let harness = try RiskHarness()
        let account = RiskHarness.account(buyingPower: "1500", pending: "600")
        #expect(harness.evaluate(harness.intent(.buy, "9"), account).summary == "allow")
        let over = harness.evaluate(harness.intent(.buy, "10"), account)
        #expect(over.summary == "insufficient_buying_power")
        #expect(over.denial?.limit == d("900"))
        let ignoring = try RiskHarness(
            policy: "  shorts: {allowed: true}\n  pattern_day_trader: {enabled: false}\n"
                + "  buying_power: {include_pending_orders: false}")
        #expect(ignoring.evaluate(ignoring.intent(.buy, "10"), account).summary == "allow")
    }

    @Test func patternDayTraderGuard() throws {
        var harness = try RiskHarness(policy: "  shorts: {allowed: true}", equity: d("20000"))
        let small = RiskHarness.account(equity: "20000")
        // Three day trades already this window: no entry that could become a fourth.
        harness.state.dayTrades = [(CivilDate(year: 2026, month: 1, day: 2), 3)]
        let blocked = harness.evaluate(harness.intent(.buy, "1"), small)
        #expect(blocked.summary == "pattern_day_trader_limit")
        #expect(blocked.denial?.value == d("4"))
        #expect(harness.evaluate(harness.intent(.buy, "1"), RiskHarness.account(equity: "25000")).summary == "allow")
        // Two used and one position opened today and still held: a new symbol would make four.
        harness.state.dayTrades = [(CivilDate(year: 2026, month: 1, day: 2), 2)]
        let aapl = harness.engine.symbolIndex(of: Symbol("AAPL")!)!
        harness.engine.recordFill(symbol: aapl, positionBefore: .zero, positionAfter: d("5"), in: &harness.state)
        #expect(harness.evaluate(harness.intent(.buy, "1", symbol: "MSFT"), small).summary == "pattern_day_trader_limit")
        // Adding to the position opened today creates no new day trade.
        #expect(harness.evaluate(harness.intent(.buy, "1"), RiskHarness.account(equity: "20000", position: "5")).summary == "allow")
        // Closing it counts as the third day trade.
        harness.engine.recordFill(symbol: aapl, positionBefore: d("5"), positionAfter: .zero, in: &harness.state)
        #expect(harness.state.dayTradesInWindow == 3)
        #expect(harness.state.openedTodayHeld == 0)
    }

    /// A scale-out is one day trade (FINRA's buy 10, sell 5, sell 5), and the half-closed position is not counted
    /// again as a day trade waiting to happen; adding after the counted reduction opens another round trip.
    @Test func aScaleOutIsOneDayTrade() throws {
        var harness = try RiskHarness(policy: "  shorts: {allowed: true}", equity: d("20000"))
        harness.state.dayTrades = [(CivilDate(year: 2026, month: 1, day: 2), 1)]
        let msft = harness.engine.symbolIndex(of: Symbol("MSFT")!)!
        harness.engine.recordFill(symbol: msft, positionBefore: .zero, positionAfter: d("10"), in: &harness.state)
        harness.engine.recordFill(symbol: msft, positionBefore: d("10"), positionAfter: d("5"), in: &harness.state)
        #expect(harness.state.dayTradesInWindow == 2 && harness.state.openedTodayHeld == 0)
        // A new entry in another symbol could make the third: allowed (the limit is three).
        let small = RiskHarness.account(equity: "20000")
        #expect(harness.evaluate(harness.intent(.buy, "1", symbol: "AAPL"), small).summary == "allow")
        harness.engine.recordFill(symbol: msft, positionBefore: d("5"), positionAfter: .zero, in: &harness.state)
        #expect(harness.state.dayTradesInWindow == 2)
        // Buy, sell, buy, sell: two round trips.
        harness.engine.recordFill(symbol: msft, positionBefore: .zero, positionAfter: d("4"), in: &harness.state)
        #expect(harness.state.openedTodayHeld == 1)
        harness.engine.recordFill(symbol: msft, positionBefore: d("4"), positionAfter: .zero, in: &harness.state)
        #expect(harness.state.dayTradesInWindow == 3 && harness.state.openedTodayHeld == 0)
    }

    @Test func dayTradesOlderThanFiveSessionsRollOff() throws {
        var harness = try RiskHarness(policy: "  shorts: {allowed: true}", equity: d("20000"))
        harness.state.dayTrades = [(CivilDate(year: 2025, month: 12, day: 24), 3)]
        // 2026-01-05 is the fifth session after 2025-12-24 (holidays on 12-25 and 01-01): the old trades leave.
        harness.advance(seconds: 3 * 86_400, equity: d("20000"))
        #expect(harness.state.sessionDate == CivilDate(year: 2026, month: 1, day: 5))
        #expect(harness.state.dayTradesInWindow == 0)
        #expect(harness.evaluate(harness.intent(.buy, "1"), RiskHarness.account(equity: "20000")).summary == "allow")
    }

    @Test func tradingHoursWindowsPerSessionType() throws {
        let policy = "  shorts: {allowed: true}\n  pattern_day_trader: {enabled: false}\n"
            + "  trading_hours: {regular: {entries_start_minutes_after_open: 10, entries_end_minutes_before_close: 5,"
            + " exits_end_minutes_before_close: 1}}"
        let open = Timestamp.parse("2026-01-02T14:30:00Z")!
        let minute = Timestamp.nanosPerMinute
        func verdicts(at time: TimestampNanos) throws -> (entry: String, exit: String) {
            let harness = try RiskHarness(policy: policy, at: time)
            return (
                harness.evaluate(harness.intent(.buy, "1")).summary,
                harness.evaluate(harness.intent(.sell, "1"), RiskHarness.account(position: "1")).summary
            )
        }
        #expect(try verdicts(at: open + 10 * minute - 1) == ("outside_trading_hours", "allow"))
        #expect(try verdicts(at: open + 10 * minute) == ("allow", "allow"))
        #expect(try verdicts(at: open + 385 * minute - 1) == ("allow", "allow"))
        #expect(try verdicts(at: open + 385 * minute) == ("outside_trading_hours", "allow"))
        #expect(try verdicts(at: open + 389 * minute) == ("outside_trading_hours", "outside_trading_hours"))
        #expect(try verdicts(at: open - 1) == ("outside_trading_hours", "outside_trading_hours"))
        // A flip during the exit-only window keeps its closing part.
        let late = try RiskHarness(policy: policy, at: open + 386 * minute)
        #expect(late.evaluate(late.intent(.sell, "3"), RiskHarness.account(position: "1")).summary == "clamp 1 outside_trading_hours")
        // Extended hours: the pre-market from 04:00 and the four hours after the close of a trading day, not the
        // night, not a weekend (2026-01-03 is a Saturday).
        func extended(at time: TimestampNanos) throws -> String {
            let harness = try RiskHarness(
                policy: "  shorts: {allowed: true}\n  pattern_day_trader: {enabled: false}\n"
                    + "  trading_hours: {extended_hours: true}", at: time)
            return harness.evaluate(harness.intent(.buy, "1")).summary
        }
        #expect(try extended(at: open - minute) == "allow")
        #expect(try extended(at: open - 330 * minute) == "allow")
        #expect(try extended(at: open - 330 * minute - 1) == "outside_trading_hours")
        #expect(try extended(at: open + 390 * minute) == "allow")
        #expect(try extended(at: open + 630 * minute - 1) == "allow")
        #expect(try extended(at: open + 630 * minute) == "outside_trading_hours")
        #expect(try extended(at: open + 1_440 * minute) == "outside_trading_hours")
        // On a half day the after-hours end four hours after the 13:00 close.
        let halfDayClose = Timestamp.parse("2026-11-27T18:00:00Z")!
        #expect(try extended(at: halfDayClose + 240 * minute - 1) == "allow")
        #expect(try extended(at: halfDayClose + 240 * minute) == "outside_trading_hours")
        // 2026-11-27 is a half day (13:00 close): the early-close window applies.
        let halfDay = Timestamp.parse("2026-11-27T17:56:00Z")!
        let early = try RiskHarness(
            policy: "  shorts: {allowed: true}\n  pattern_day_trader: {enabled: false}\n"
                + "  trading_hours: {early_close: {entries_end_minutes_before_close: 5}}", at: halfDay)
        #expect(early.evaluate(early.intent(.buy, "1")).summary == "outside_trading_hours")
        #expect(early.evaluate(early.intent(.sell, "1"), RiskHarness.account(position: "1")).summary == "allow")
    }

    @Test func riskReducingOrdersPassEveryExposureCap() throws {
        let harness = try RiskHarness(
            limits: "max_notional_per_trade_usd: 0, max_quantity_per_order_shares: 1, max_position_notional_usd: 0,"
                + " max_gross_exposure_usd: 0, max_net_exposure_usd: 0, max_open_positions: 0,"
                + " max_participation_fraction_of_adv: 0, max_daily_loss_usd: 0, cooldown_seconds: 100000",
            equity: d("10000"))
        let losing = RiskHarness.account(equity: "9000", buyingPower: "0", gross: "5000", net: "5000", open: 1, position: "50")
        #expect(harness.evaluate(harness.intent(.sell, "50", adv: "1"), losing).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "1", adv: "1"), losing).summary == "daily_loss_limit_exceeded")
    }

    @Test func missingPriceAndNonPositiveQuantityComeFirst() throws {
        let harness = try RiskHarness(limits: "max_notional_per_trade_usd: 1")
        var noPrice = harness.intent(.buy, "1")
        noPrice.limitPrice = nil
        #expect(harness.evaluate(noPrice).summary == "missing_price")
        #expect(harness.evaluate(harness.intent(.buy, "0")).summary == "qty_non_positive")
        #expect(harness.evaluate(harness.intent(.buy, "-1")).summary == "qty_non_positive")
    }

    @Test func theFirstFailingCheckInChainOrderDecides() throws {
        let harness = try RiskHarness(limits: "max_signal_age_seconds: 1, max_notional_per_trade_usd: 1, price_band_bps: 1")
        // Stale, out of band and too large: staleness comes first in the chain.
        let verdict = harness.evaluate(harness.intent(.buy, "10", at: "100", band: "90", signalAge: 5))
        #expect(verdict.denial?.check == .signalAge)
        #expect(RiskCheck.signalAge.rawValue < RiskCheck.priceBand.rawValue)
        #expect(RiskCheck.priceBand.rawValue < RiskCheck.maxNotional.rawValue)
    }

    @Test func clampsCompoundInChainOrder() throws {
        let harness = try RiskHarness(limits: "max_position_notional_usd: 1000, max_gross_exposure_usd: 700")
        let verdict = harness.evaluate(harness.intent(.buy, "20"))
        #expect(verdict.summary == "clamp 7 symbol_capacity_exhausted,gross_exposure_capacity_exhausted")
        #expect(verdict.clamps.map(\.quantityAfter) == [d("10"), d("7")])
    }

    /// Unset limits are stored as values their comparison can never reach (`RiskBounds`): with no numeric limit,
    /// extreme orders and accounts pass every numeric check, and a limit of zero still binds.
    @Test func unsetLimitsNeverFireEvenAtExtremes() throws {
        let open = try RiskHarness(policy: "  shorts: {allowed: true}\n  pattern_day_trader: {enabled: false}\n  buying_power: {required: false}")
        let extreme = RiskHarness.account(
            equity: "-9000000000", buyingPower: "0", gross: "9000000000", net: "-9000000000", open: 2_000_000_000,
            position: "0", mark: "0.000000001")
        var huge = open.intent(.buy, "9000000", at: "1000", band: "0.000000001", signalAge: 0, quoteAge: 0, adv: "0.000000001")
        #expect(open.evaluate(huge, extreme).summary == "allow")
        huge.action = .sell
        #expect(open.evaluate(huge, extreme).summary == "allow")
        // The same extremes against limits of zero: each binds.
        let zero = try RiskHarness(limits: "max_open_positions: 0", policy: "  shorts: {allowed: true}\n  pattern_day_trader: {enabled: false}\n  buying_power: {required: false}")
        #expect(zero.evaluate(open.intent(.buy, "1"), extreme).summary == "max_positions_exceeded")
        // A symbol outside the plan has its own row: not allowed, whatever the limits.
        var outside = open.intent(.buy, "1")
        outside.symbol = nil
        #expect(open.evaluate(outside).summary == "symbol_not_allowed")
    }

    @Test func limitKeysFollowTheSpecDefinitions() {
        #expect(RiskLimitKey.allCases.map(\.key) == RiskLimits.definitions.map(\.key))
        let used = Set(RiskCheck.allCases.flatMap(\.limitKeys))
        #expect(used == Set(RiskLimits.definitions.map(\.key)), "every limit is read by a check")
    }

    @Test func evaluationDoesNotAllocateOnceWarm() throws {
        let harness = try RiskHarness(
            limits: "max_position_notional_usd: 1000, max_gross_exposure_usd: 700, max_orders_per_minute: 30")
        var verdict = RiskVerdict()
        let intent = harness.intent(.buy, "20")
        harness.engine.evaluate(intent, account: RiskHarness.account(), state: harness.state, into: &verdict)
        let capacity = verdict.clamps.capacity
        for _ in 0..<100 {
            harness.engine.evaluate(intent, account: RiskHarness.account(), state: harness.state, into: &verdict)
        }
        #expect(verdict.clamps.capacity == capacity)
        #expect(verdict.clamps.count == 2)
    }
}
