import SpecCompiler
import SpecModel

// Checks on every order: price, quantity, symbol lists, hours, staleness, price band, duplicates, order rates.
// Limits are read from the intent's `RiskBounds` row, where an unset limit can never fire; a finding's limit and
// scope come from the table through `objection` (only when the check objects).
extension RiskEngine {
    @inline(__always)
    static func checkPrice(_ intent: borrowing RiskIntent) -> RiskCheckResult {
        guard let price = intent.limitPrice, price > .zero else { return .deny(.init(reason: .missingPrice)) }
        return .allow
    }

    @inline(__always)
    static func checkQuantity(_ intent: borrowing RiskIntent) -> RiskCheckResult {
        intent.quantity > .zero
            ? .allow : .deny(.init(reason: .qtyNonPositive, limit: .zero, value: .decimal(intent.quantity)))
    }

    @inline(__always)
    static func checkSymbolDenied(_ bounds: borrowing RiskBounds) -> RiskCheckResult {
        bounds.symbolDenied ? .deny(.init(reason: .symbolDenied)) : .allow
    }

    /// A symbol outside the plan has a row of its own, where `symbolAllowed` is false.
    @inline(__always)
    static func checkSymbolAllowed(_ bounds: borrowing RiskBounds) -> RiskCheckResult {
        bounds.symbolAllowed ? .allow : .deny(.init(reason: .symbolNotAllowed))
    }

    /// Entries (the risk-increasing part) inside the entry window, everything inside the exit window; outside the
    /// regular session only with `extended_hours`, and then only in the extended sessions of a trading day
    /// (`day`): from 04:00 New York time to the open, and from the close for four hours (to 20:00, 17:00 on a half
    /// day), as the broker trades them. Values in minutes after the open.
    @inline(__always)
    static func checkTradingHours(
        _ input: borrowing RiskCheckInput, _ rules: borrowing RiskRules, session: TradingSession?, day: TradingSession?
    ) -> RiskCheckResult {
        guard let session, input.now >= session.open, input.now < session.close else {
            guard rules.extendedHours, let day, input.now >= day.open - Self.preMarket,
                input.now < day.close + Self.afterHours
            else { return .deny(.init(reason: .outsideTradingHours)) }
            return .allow
        }
        let window = session.kind == .earlyClose ? rules.earlyClose : rules.regular
        // Instants, not minutes: no division unless the check refuses and reports minutes after the open.
        if input.now >= session.close - window.exitsEnd {
            return .deny(.init(
                reason: .outsideTradingHours,
                limit: Self.minutes(session.close, window.minutes.exitsEndMinutesBeforeClose, session),
                value: .decimal(Self.elapsed(input.now, session))))
        }
        guard input.split.increase > .zero else { return .allow }
        if input.now < session.open + window.entriesStart {
            return .limitIncrease(
                to: .zero,
                .init(reason: .outsideTradingHours, limit: .count(window.minutes.entriesStartMinutesAfterOpen),
                      value: .decimal(Self.elapsed(input.now, session))))
        }
        if input.now >= session.close - window.entriesEnd {
            return .limitIncrease(
                to: .zero,
                .init(reason: .outsideTradingHours,
                      limit: Self.minutes(session.close, window.minutes.entriesEndMinutesBeforeClose, session),
                      value: .decimal(Self.elapsed(input.now, session))))
        }
        return .allow
    }

    /// The extended sessions around a regular one: 04:00 to the 09:30 open, and four hours after the close.
    static let preMarket: Int64 = 330 * Timestamp.nanosPerMinute
    static let afterHours: Int64 = 240 * Timestamp.nanosPerMinute

    /// Minutes after the open of `minutesBeforeClose` before the close (a window bound, for reports).
    private static func minutes(_ close: TimestampNanos, _ minutesBeforeClose: Int, _ session: TradingSession) -> Decimal {
        .count(session.lengthMinutes - minutesBeforeClose)
    }

    /// Exact minutes after the open (10⁻⁹ resolution), for reports.
    private static func elapsed(_ now: TimestampNanos, _ session: TradingSession) -> Decimal {
        Decimal(units: (now - session.open) / 60)
    }

    @inline(__always)
    func checkSignalAge(
        _ intent: borrowing RiskIntent, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds
    ) -> RiskCheckResult {
        let age = input.now - intent.signalTime
        if age > bounds.maxSignalAge {
            return .deny(self.objection(.signalStale, .maxSignalAge, row: input.row, value: .decimal(.seconds(nanos: age))))
        }
        if -age > bounds.maxSignalAge {
            return .deny(self.objection(.signalTimeInFuture, .maxSignalAge, row: input.row, value: .decimal(.seconds(nanos: age))))
        }
        return .allow
    }

    @inline(__always)
    func checkQuoteAge(
        _ intent: borrowing RiskIntent, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds
    ) -> RiskCheckResult {
        guard let quoteTime = intent.quoteTime else { return .allow }
        let age = input.now - quoteTime
        guard age > bounds.maxQuoteAge else { return .allow }
        return .deny(self.objection(.quoteStale, .maxQuoteAge, row: input.row, value: .decimal(.seconds(nanos: age))))
    }

    /// |limit price − reference| × 10⁴ > band × reference, compared exactly; the distance in bps is computed only
    /// for the report.
    @inline(__always)
    func checkPriceBand(
        _ intent: borrowing RiskIntent, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds
    ) -> RiskCheckResult {
        guard bounds.hasPriceBand, let reference = intent.bandReference, reference > .zero else { return .allow }
        // |difference| < 2⁶⁴ units, times 10⁴ as a decimal (10¹³ units): below 2¹⁰⁸, no overflow check needed.
        let distance = (Int128(input.price.units) - Int128(reference.units)).magnitude
        let band = Decimal.product(Decimal(units: bounds.priceBand), reference)
        guard Int128(distance) &* 10_000_000_000_000 > band else { return .allow }
        return .deny(
            self.objection(
                .priceBandExceeded, .priceBand, row: input.row, value: .bps(price: input.price, reference: reference)))
    }

    @inline(__always)
    func checkDuplicateIntent(
        _ intent: borrowing RiskIntent, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds,
        _ state: borrowing RiskState
    ) -> RiskCheckResult {
        guard intent.symbol != nil else { return .allow }
        let last = state.lastIntent[Self.intentSlot(intent, symbols: self.symbolCount)]
        guard last != .min else { return .allow }
        let elapsed = input.now - last
        guard elapsed < bounds.duplicateWindow else { return .allow }
        return .deny(self.objection(.duplicateIntent, .duplicateIntentWindow, row: input.row, value: .decimal(.seconds(nanos: elapsed))))
    }

    @inline(__always)
    func checkOrderRate(
        _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds, _ state: borrowing RiskState
    ) -> RiskCheckResult {
        let cap = bounds.maxOrdersPerMinute
        guard state.accountOrders.holds(cap, after: input.now - Timestamp.nanosPerMinute) else { return .allow }
        return .deny(self.objection(.orderRateExceeded, .maxOrdersPerMinute, row: input.row, value: .decimal(.count(cap))))
    }

    @inline(__always)
    func checkSymbolOrderRate(
        _ intent: borrowing RiskIntent, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds,
        _ state: borrowing RiskState
    ) -> RiskCheckResult {
        guard let symbol = intent.symbol else { return .allow }
        let cap = bounds.maxOrdersPerMinutePerSymbol
        guard state.symbolOrders[symbol].holds(cap, after: input.now - Timestamp.nanosPerMinute) else { return .allow }
        return .deny(
            self.objection(.symbolOrderRateExceeded, .maxOrdersPerMinutePerSymbol, row: input.row, value: .decimal(.count(cap))))
    }
}
