@testable import Runtime
import SpecModel
import Testing

/// Every numeric limit at its boundary: just under and equal pass, just over refuses (or clamps), with the reason
/// code, the key and the values compared.
@Suite struct RiskLimitBoundaryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var limits: String
        /// (intent quantity, price, account) for under, equal, over.
        var under: (String, String)
        var equal: (String, String)
        var over: (String, String)
        var account: RiskAccount = RiskHarness.account()
        var action: Decision.Action = .buy
        var expected: String
        var key: String
        var limit: String
        var overValue: String?
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        Case(
            name: "max notional", limits: "max_notional_per_trade_usd: 1000", under: ("10", "99.99"),
            equal: ("10", "100"), over: ("10", "100.01"), expected: "max_notional_exceeded",
            key: "max_notional_per_trade_usd", limit: "1000", overValue: "1000.1"),
        Case(
            name: "max quantity", limits: "max_quantity_per_order_shares: 10", under: ("9", "100"), equal: ("10", "100"),
            over: ("11", "100"), expected: "max_quantity_exceeded", key: "max_quantity_per_order_shares", limit: "10",
            overValue: "11"),
        Case(
            name: "participation", limits: "max_participation_fraction_of_adv: 0.1", under: ("10", "99.99"),
            equal: ("10", "100"), over: ("10", "100.01"), expected: "participation_exceeds_max",
            key: "max_participation_fraction_of_adv", limit: "0.1", overValue: "0.10001"),
        Case(
            name: "open positions", limits: "max_open_positions: 2", under: ("1", "100"), equal: ("1", "100"),
            over: ("1", "100"), account: RiskHarness.account(open: 2), expected: "max_positions_exceeded",
            key: "max_open_positions", limit: "2", overValue: "2"),
        Case(
            name: "buying power", limits: "", under: ("10", "99.99"), equal: ("10", "100"), over: ("10", "100.01"),
            account: RiskHarness.account(buyingPower: "1000"), expected: "insufficient_buying_power", key: "",
            limit: "1000", overValue: "1000.1"),
    ]

    @Test(arguments: cases)
    func rejectsJustOverTheLimit(_ test: Case) throws {
        let harness = try RiskHarness(limits: test.limits)
        let adv = test.name == "participation" ? "10000" : nil
        let account = test.name == "open positions" ? RiskHarness.account(open: 1) : test.account
        for (quantity, price) in [test.under, test.equal] {
            let verdict = harness.evaluate(harness.intent(test.action, quantity, at: price, adv: adv), account)
            #expect(verdict.summary == "allow", "\(test.name) \(quantity) @ \(price)")
        }
        let verdict = harness.evaluate(
            harness.intent(test.action, test.over.0, at: test.over.1, adv: adv), test.account)
        #expect(verdict.summary == test.expected)
        #expect(verdict.denial?.limit == d(test.limit))
        #expect(verdict.denial?.value == test.overValue.map(d))
        #expect(verdict.denial?.key == (test.key.isEmpty ? nil : test.key))
        #expect(verdict.quantity == .zero)
    }

    @Test func minNotionalRefusesJustUnder() throws {
        let harness = try RiskHarness(limits: "min_notional_per_trade_usd: 1000")
        #expect(harness.evaluate(harness.intent(.buy, "10", at: "99.99")).summary == "min_notional_not_met")
        #expect(harness.evaluate(harness.intent(.buy, "10", at: "100")).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "10", at: "100.01")).summary == "allow")
        // A risk-reducing sell below the minimum still closes the position.
        let closing = harness.evaluate(harness.intent(.sell, "1", at: "100"), RiskHarness.account(position: "1"))
        #expect(closing.summary == "allow")
    }

    /// Caps that clamp: under and equal pass whole; one share over is cut back to the room left.
    @Test(arguments: [
        ("max_position_notional_usd: 1000", "symbol_capacity_exhausted", RiskHarness.account(position: "5")),
        ("max_position_fraction_of_equity: 0.01", "max_position_pct_exceeded", RiskHarness.account(position: "5")),
        ("max_gross_exposure_usd: 1000", "gross_exposure_capacity_exhausted", RiskHarness.account(gross: "500")),
        (
            "max_gross_exposure_fraction_of_equity: 0.01", "gross_exposure_capacity_exhausted",
            RiskHarness.account(gross: "500")
        ),
        ("max_net_exposure_usd: 1000", "net_exposure_capacity_exhausted", RiskHarness.account(net: "500")),
        (
            "max_net_exposure_fraction_of_equity: 0.01", "net_exposure_capacity_exhausted",
            RiskHarness.account(net: "500")
        ),
    ])
    func clampsToTheRoomLeft(limits: String, reason: String, account: RiskAccount) throws {
        let harness = try RiskHarness(limits: limits)
        #expect(harness.evaluate(harness.intent(.buy, "4"), account).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "5"), account).summary == "allow")
        let over = harness.evaluate(harness.intent(.buy, "6"), account)
        #expect(over.summary == "clamp 5 \(reason)")
        #expect(over.clamps.first?.quantityBefore == d("6"))
        #expect(over.clamps.first?.quantityAfter == d("5"))
        // With no room at all the order is refused with the same reason.
        let full = harness.evaluate(harness.intent(.buy, "1"), Self.filled(account))
        #expect(full.summary == reason)
    }

    /// The account with the cap already used up: 1000 of exposure, or a 10-share position.
    static func filled(_ account: RiskAccount) -> RiskAccount {
        var account = account
        if !account.position.isZero { account.position = d("10") }
        if !account.grossExposure.isZero { account.grossExposure = d("1000") }
        if !account.netExposure.isZero { account.netExposure = d("1000") }
        return account
    }

    @Test func netExposureBindsOnlyInTheOrdersDirection() throws {
        let harness = try RiskHarness(limits: "max_net_exposure_usd: 1000")
        // Net long 500: a short sale may take net down to −1000 (15 shares at 100), no further.
        let account = RiskHarness.account(net: "500")
        #expect(harness.evaluate(harness.intent(.sell, "15"), account).summary == "allow")
        #expect(harness.evaluate(harness.intent(.sell, "16"), account).summary == "clamp 15 net_exposure_capacity_exhausted")
    }

    @Test func priceBand() throws {
        let harness = try RiskHarness(limits: "price_band_bps: 100")
        #expect(harness.evaluate(harness.intent(.buy, "1", at: "100.99", band: "100")).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "1", at: "101", band: "100")).summary == "allow")
        let over = harness.evaluate(harness.intent(.buy, "1", at: "101.01", band: "100"))
        #expect(over.summary == "price_band_exceeded")
        #expect(over.denial?.value == d("101"))
        #expect(harness.evaluate(harness.intent(.sell, "1", at: "98.99", band: "100")).summary == "price_band_exceeded")
        // Without a reference there is nothing to compare with.
        #expect(harness.evaluate(harness.intent(.buy, "1", at: "150")).summary == "allow")
    }

    @Test func signalAndQuoteAge() throws {
        let harness = try RiskHarness(limits: "max_signal_age_seconds: 120, max_quote_age_seconds: 15")
        #expect(harness.evaluate(harness.intent(.buy, "1", signalAge: 119)).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "1", signalAge: 120)).summary == "allow")
        let stale = harness.evaluate(harness.intent(.buy, "1", signalAge: 121))
        #expect(stale.summary == "signal_stale")
        #expect(stale.denial?.value == d("121"))
        #expect(harness.evaluate(harness.intent(.buy, "1", signalAge: -121)).summary == "signal_time_in_future")
        #expect(harness.evaluate(harness.intent(.buy, "1", signalAge: -120)).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "1", quoteAge: 15)).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "1", quoteAge: 16)).summary == "quote_stale")
        // Stale data stops exits too: a decision on a stale signal is refused whatever it does.
        let exit = harness.evaluate(harness.intent(.sell, "1", signalAge: 121), RiskHarness.account(position: "1"))
        #expect(exit.summary == "signal_stale")
    }

    @Test func dailyLossLatchesForTheDay() throws {
        var harness = try RiskHarness(limits: "max_daily_loss_usd: 200", equity: d("10000"))
        let at = { (equity: String) in RiskHarness.account(equity: equity) }
        #expect(harness.evaluate(harness.intent(.buy, "1"), at("9801")).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "1"), at("9800")).summary == "allow")
        let over = harness.evaluate(harness.intent(.buy, "1"), at("9799.99"))
        #expect(over.summary == "daily_loss_limit_exceeded")
        #expect(over.denial?.value == d("200.01"))
        // Once breached, a recovery does not re-open entries; exits still pass.
        harness.advance(seconds: 1, equity: d("9799"))
        harness.advance(seconds: 1, equity: d("10100"))
        #expect(harness.evaluate(harness.intent(.buy, "1"), at("10100")).summary == "daily_loss_limit_exceeded")
        #expect(harness.evaluate(harness.intent(.sell, "1"), RiskHarness.account(equity: "10100", position: "3")).summary == "allow")
    }

    /// The day's loss is measured from a baseline: what the caller sets before the first observation (the
    /// simulator's starting equity), then the equity last observed before each session rolls. A first observation
    /// with stale marks (only one symbol priced yet) never becomes the baseline when there is one.
    @Test func dailyLossIsMeasuredFromTheBaseline() throws {
        let harness = try RiskHarness(limits: "max_daily_loss_usd: 200", equity: d("10000"))
        var state = harness.engine.makeState()
        state.baselineEquity = d("10000")
        harness.engine.observe(&state, time: RiskHarness.now, equity: d("9700"))
        #expect(state.openingEquity == d("10000") && state.worstLoss == d("300"))
        // Without a baseline the first observation is it (a live loop before its first broker snapshot).
        var bare = harness.engine.makeState()
        harness.engine.observe(&bare, time: RiskHarness.now, equity: d("9700"))
        #expect(bare.openingEquity == d("9700") && bare.worstLoss == .zero)
        // The next session starts from the last equity of this one, not from its own first observation.
        harness.engine.observe(&state, time: RiskHarness.now + 3_600 * RiskHarness.second, equity: d("9750"))
        harness.engine.observe(&state, time: RiskHarness.now + 86_400 * RiskHarness.second, equity: d("9600"))
        #expect(state.openingEquity == d("9750") && state.worstLoss == d("150"))
        #expect(state.highWaterMark == d("9750"))
    }

    @Test func dailyLossFraction() throws {
        let harness = try RiskHarness(limits: "max_daily_loss_fraction_of_equity: 0.02", equity: d("10000"))
        #expect(harness.evaluate(harness.intent(.buy, "1"), RiskHarness.account(equity: "9800")).summary == "allow")
        let over = harness.evaluate(harness.intent(.buy, "1"), RiskHarness.account(equity: "9799"))
        #expect(over.summary == "daily_loss_limit_exceeded")
        #expect(over.denial?.value == d("0.0201"))
    }

    @Test func drawdownFromTheDaysHighWaterMark() throws {
        var harness = try RiskHarness(limits: "max_drawdown_fraction_from_high_water_mark: 0.05", equity: d("10000"))
        harness.advance(seconds: 1, equity: d("10500"))
        let at = { (equity: String) in RiskHarness.account(equity: equity) }
        #expect(harness.evaluate(harness.intent(.buy, "1"), at("9976")).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "1"), at("9975")).summary == "allow")
        let over = harness.evaluate(harness.intent(.buy, "1"), at("9974"))
        #expect(over.summary == "max_drawdown_exceeded")
        harness.advance(seconds: 1, equity: d("9974"))
        harness.advance(seconds: 1, equity: d("10600"))
        #expect(harness.evaluate(harness.intent(.buy, "1"), at("10600")).summary == "max_drawdown_exceeded")
        // The next session (Monday 2026-01-05) starts clean.
        harness.advance(seconds: 3 * 86_400, equity: d("10600"))
        #expect(harness.evaluate(harness.intent(.buy, "1"), at("10600")).summary == "allow")
    }

    @Test func orderRatePerAccountAndPerSymbol() throws {
        var harness = try RiskHarness(limits: "max_orders_per_minute: 3, max_orders_per_minute_per_symbol: 2")
        #expect(harness.submit(harness.intent(.buy, "1", symbol: "AAPL")).summary == "allow")
        harness.advance(seconds: 10)
        #expect(harness.submit(harness.intent(.buy, "1", symbol: "AAPL")).summary == "allow")
        harness.advance(seconds: 10)
        let symbol = harness.submit(harness.intent(.buy, "1", symbol: "AAPL"))
        #expect(symbol.summary == "symbol_order_rate_exceeded")
        #expect(symbol.denial?.value == d("2"))
        #expect(harness.submit(harness.intent(.buy, "1", symbol: "MSFT")).summary == "allow")
        harness.advance(seconds: 1)
        #expect(harness.submit(harness.intent(.buy, "1", symbol: "NVDA")).summary == "order_rate_exceeded")
        // 60 s after the first order it leaves the window: (now − 60 s, now].
        harness.advance(seconds: 39)
        #expect(harness.evaluate(harness.intent(.buy, "1", symbol: "NVDA")).summary == "allow")
    }

    @Test func duplicateIntentWindow() throws {
        var harness = try RiskHarness(limits: "duplicate_intent_window_seconds: 5")
        #expect(harness.submit(harness.intent(.buy, "1")).summary == "allow")
        harness.advance(seconds: 4)
        let duplicate = harness.evaluate(harness.intent(.buy, "1"))
        #expect(duplicate.summary == "duplicate_intent")
        #expect(duplicate.denial?.value == d("4"))
        #expect(harness.evaluate(harness.intent(.sell, "1"), RiskHarness.account(position: "1")).summary == "allow")
        #expect(harness.evaluate(harness.intent(.buy, "1", symbol: "MSFT")).summary == "allow")
        harness.advance(seconds: 1)
        #expect(harness.evaluate(harness.intent(.buy, "1")).summary == "allow")
    }

    @Test func cooldownBlocksRiskIncreasingOrdersOnly() throws {
        var harness = try RiskHarness(limits: "cooldown_seconds: 30")
        #expect(harness.submit(harness.intent(.buy, "1")).summary == "allow")
        harness.advance(seconds: 29)
        #expect(harness.evaluate(harness.intent(.buy, "1"), RiskHarness.account(position: "1")).summary == "cooldown_active")
        #expect(harness.evaluate(harness.intent(.sell, "1"), RiskHarness.account(position: "1")).summary == "allow")
        harness.advance(seconds: 1)
        #expect(harness.evaluate(harness.intent(.buy, "1"), RiskHarness.account(position: "1")).summary == "allow")
    }
}
