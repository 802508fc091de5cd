import SpecCompiler
import SpecModel

// Checks on every order: price, quantity, symbol lists, hours, staleness, price band, duplicates, order rates.
extension RiskEngine {
    @inline(__always)
    static func checkPrice(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let price = input.intent.limitPrice, price > .zero else { return .deny(.init(reason: .missingPrice)) }
        return .allow
    }

    @inline(__always)
    static func checkQuantity(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        input.intent.quantity > .zero
            ? .allow : .deny(.init(reason: .qtyNonPositive, limit: .zero, value: input.intent.quantity))
    }

    @inline(__always)
    func checkSymbolDenied(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let symbol = input.intent.symbol,
            self.denied[input.intent.strategy * self.symbols.count + symbol]
        else { return .allow }
        return .deny(.init(reason: .symbolDenied))
    }

    @inline(__always)
    func checkSymbolAllowed(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let symbol = input.intent.symbol, self.allowed[input.intent.strategy * self.symbols.count + symbol] else {
            return .deny(.init(reason: .symbolNotAllowed))
        }
        return .allow
    }

    /// Entries (the risk-increasing part) inside the entry window, everything inside the exit window; outside a
    /// session only with `extended_hours`. Values in minutes after the open.
    @inline(__always)
    static func checkTradingHours(_ input: borrowing RiskCheckInput, session: TradingSession?) -> RiskCheckResult {
        guard let session, input.now >= session.open, input.now < session.close else {
            return input.rules.extendedHours ? .allow : .deny(.init(reason: .outsideTradingHours))
        }
        let window = session.kind == .earlyClose ? input.rules.earlyClose : input.rules.regular
        let minute = Timestamp.nanosPerMinute
        // Instants, not minutes: no division unless the check refuses and reports minutes after the open.
        if input.now >= session.close - Int64(window.exitsEndMinutesBeforeClose) * minute {
            return .deny(.init(
                reason: .outsideTradingHours, limit: Self.minutes(session.close, window.exitsEndMinutesBeforeClose, session),
                value: Self.elapsed(input.now, session)))
        }
        guard input.split.increase > .zero else { return .allow }
        if input.now < session.open + Int64(window.entriesStartMinutesAfterOpen) * minute {
            return .limitIncrease(
                to: .zero, .init(reason: .outsideTradingHours, limit: .count(window.entriesStartMinutesAfterOpen),
                                 value: Self.elapsed(input.now, session)))
        }
        if input.now >= session.close - Int64(window.entriesEndMinutesBeforeClose) * minute {
            return .limitIncrease(
                to: .zero, .init(reason: .outsideTradingHours,
                                 limit: Self.minutes(session.close, window.entriesEndMinutesBeforeClose, session),
                                 value: Self.elapsed(input.now, session)))
        }
        return .allow
    }

    /// Minutes after the open of `minutesBeforeClose` before the close (a window bound, for reports).
    private static func minutes(_ close: TimestampNanos, _ minutesBeforeClose: Int, _ session: TradingSession) -> Decimal {
        .count(session.lengthMinutes - minutesBeforeClose)
    }

    /// Exact minutes after the open (10⁻⁹ resolution), for reports.
    private static func elapsed(_ now: TimestampNanos, _ session: TradingSession) -> Decimal {
        Decimal(units: (now - session.open) / 60)
    }

    @inline(__always)
    func checkSignalAge(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let (limit, origin) = self.limit(.maxSignalAge, input) else { return .allow }
        let age = input.now - input.intent.signalTime
        if age > limit.units {
            return .deny(.init(reason: .signalStale, origin: origin, key: .maxSignalAge, limit: limit, value: .seconds(nanos: age)))
        }
        if -age > limit.units {
            return .deny(
                .init(reason: .signalTimeInFuture, origin: origin, key: .maxSignalAge, limit: limit,
                      value: .seconds(nanos: age)))
        }
        return .allow
    }

    @inline(__always)
    func checkQuoteAge(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let quoteTime = input.intent.quoteTime, let (limit, origin) = self.limit(.maxQuoteAge, input) else {
            return .allow
        }
        let age = input.now - quoteTime
        guard age > limit.units else { return .allow }
        return .deny(.init(reason: .quoteStale, origin: origin, key: .maxQuoteAge, limit: limit, value: .seconds(nanos: age)))
    }

    /// |limit price − reference| × 10⁴ > band × reference, compared exactly; the distance in bps is computed only
    /// for the report.
    @inline(__always)
    func checkPriceBand(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let reference = input.intent.bandReference, reference > .zero,
            let (band, origin) = self.limit(.priceBand, input)
        else { return .allow }
        let distance = input.price.minus(reference).magnitude
        guard Decimal.product(distance, .tenThousand) > Decimal.product(band, reference) else { return .allow }
        let bps = distance.multiplied(by: .tenThousand, rounding: .halfEven)?.ratio(reference)
        return .deny(.init(reason: .priceBandExceeded, origin: origin, key: .priceBand, limit: band, value: bps))
    }

    @inline(__always)
    func checkDuplicateIntent(_ input: borrowing RiskCheckInput, _ state: RiskState) -> RiskCheckResult {
        guard input.intent.symbol != nil, let (window, origin) = self.limit(.duplicateIntentWindow, input) else {
            return .allow
        }
        let last = state.lastIntent[Self.intentSlot(input.intent, symbols: self.symbols.count)]
        guard last != .min else { return .allow }
        let elapsed = input.now - last
        guard elapsed < window.units else { return .allow }
        return .deny(
            .init(reason: .duplicateIntent, origin: origin, key: .duplicateIntentWindow, limit: window,
                  value: .seconds(nanos: elapsed)))
    }

    @inline(__always)
    func checkOrderRate(_ input: borrowing RiskCheckInput, _ state: RiskState) -> RiskCheckResult {
        guard let (limit, origin) = self.limit(.maxOrdersPerMinute, input) else { return .allow }
        let cap = Self.count(limit)
        guard state.accountOrders.holds(cap, after: input.now - Timestamp.nanosPerMinute) else { return .allow }
        let count = cap
        return .deny(
            .init(reason: .orderRateExceeded, origin: origin, key: .maxOrdersPerMinute, limit: limit,
                  value: .count(count)))
    }

    @inline(__always)
    func checkSymbolOrderRate(_ input: borrowing RiskCheckInput, _ state: RiskState) -> RiskCheckResult {
        guard let symbol = input.intent.symbol, let (limit, origin) = self.limit(.maxOrdersPerMinutePerSymbol, input)
        else { return .allow }
        let cap = Self.count(limit)
        guard state.symbolOrders[symbol].holds(cap, after: input.now - Timestamp.nanosPerMinute) else { return .allow }
        let count = cap
        return .deny(
            .init(reason: .symbolOrderRateExceeded, origin: origin, key: .maxOrdersPerMinutePerSymbol,
                  limit: limit, value: .count(count)))
    }

    @inline(__always)
    static func count(_ limit: Decimal) -> Int { Int(limit.units / Decimal.unitsPerWhole) }
}
