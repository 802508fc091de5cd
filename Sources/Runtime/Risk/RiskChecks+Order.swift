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
        let length = Int64(session.lengthMinutes)
        let minute = Timestamp.nanosPerMinute
        let elapsed = Decimal(units: (input.now - session.open) / 60)  // exact minutes (10⁻⁹ resolution)
        let exitsEnd = length - Int64(window.exitsEndMinutesBeforeClose)
        if input.now >= session.open + exitsEnd * minute {
            return .deny(.init(reason: .outsideTradingHours, limit: Decimal(Int(exitsEnd)), value: elapsed))
        }
        guard input.split.increase > .zero else { return .allow }
        let entriesStart = Int64(window.entriesStartMinutesAfterOpen)
        let entriesEnd = length - Int64(window.entriesEndMinutesBeforeClose)
        if input.now < session.open + entriesStart * minute {
            return .limitIncrease(
                to: .zero, .init(reason: .outsideTradingHours, limit: Decimal(Int(entriesStart)), value: elapsed))
        }
        if input.now >= session.open + entriesEnd * minute {
            return .limitIncrease(
                to: .zero, .init(reason: .outsideTradingHours, limit: Decimal(Int(entriesEnd)), value: elapsed))
        }
        return .allow
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
        guard Decimal.product(distance, Decimal(10_000)) > Decimal.product(band, reference) else { return .allow }
        let bps = distance.multiplied(by: Decimal(10_000), rounding: .halfEven)?.ratio(reference)
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
        let count = state.accountOrders.count(after: input.now - Timestamp.nanosPerMinute, upTo: cap)
        guard count >= cap else { return .allow }
        return .deny(
            .init(reason: .orderRateExceeded, origin: origin, key: .maxOrdersPerMinute, limit: limit,
                  value: Decimal(count)))
    }

    @inline(__always)
    func checkSymbolOrderRate(_ input: borrowing RiskCheckInput, _ state: RiskState) -> RiskCheckResult {
        guard let symbol = input.intent.symbol, let (limit, origin) = self.limit(.maxOrdersPerMinutePerSymbol, input)
        else { return .allow }
        let cap = Self.count(limit)
        let count = state.symbolOrders[symbol].count(after: input.now - Timestamp.nanosPerMinute, upTo: cap)
        guard count >= cap else { return .allow }
        return .deny(
            .init(reason: .symbolOrderRateExceeded, origin: origin, key: .maxOrdersPerMinutePerSymbol,
                  limit: limit, value: Decimal(count)))
    }

    @inline(__always)
    static func count(_ limit: Decimal) -> Int { Int(limit.units / Decimal.unitsPerWhole) }
}
