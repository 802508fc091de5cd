import SpecCompiler
import SpecModel

/// What one check says about an intent. Checks are pure functions of the intent, the account, the limit row and the
/// state; the chain applies their results.
enum RiskCheckResult: Sendable {
    case allow
    /// Refuse the whole order.
    case deny(Objection)
    /// Reduce the risk-increasing part to `increase` (0 removes it; the order keeps its reducing part, or is refused
    /// when it has none).
    case limitIncrease(to: Decimal, Objection)

    struct Objection: Sendable {
        var reason: RiskReason
        var origin: RiskLimitOrigin = .policy
        var key: RiskLimitKey? = nil
        var limit: Decimal? = nil
        var value: RiskObservedValue = .none
    }
}

/// What the chain derives from an intent once and updates as clamps cut it: small, so building it copies nothing
/// large (the intent, the account and the limit row are passed to the checks as they are).
struct RiskCheckInput: Sendable {
    /// The order's limit price (positive once the `price` check passed).
    let price: Decimal
    var split: RiskSplit
    /// increase × price at 10⁻¹⁸ (`Decimal.product`), kept in step with `split.increase`.
    var notional: Int128
    let now: TimestampNanos
    /// The intent's (strategy, symbol) row in the limit table.
    let row: Int
}

extension RiskEngine {
    /// Runs every check in `RiskCheck` order and writes the verdict: the first check that refuses the order ends the
    /// chain; clamps reduce the risk-increasing part and the chain goes on with the smaller order. Pure: reads the
    /// state, never changes it. Allocation-free once `verdict` has held a few clamps.
    public func evaluate(
        _ intent: RiskIntent, account: RiskAccount, state: RiskState, into verdict: inout RiskVerdict
    ) {
        verdict.reset(quantity: intent.quantity)
        let price = intent.limitPrice ?? .zero
        let split = RiskSplit(action: intent.action, quantity: intent.quantity, position: account.position)
        let row = self.limits.row(strategy: intent.strategy, symbol: intent.symbol)
        var input = RiskCheckInput(
            price: price, split: split, notional: Decimal.product(split.increase, price),
            now: state.now == .min ? intent.signalTime : state.now, row: row)
        self.limits.bounds.withUnsafeBufferPointer { rows in
            // One bounds check for the whole chain instead of one per limit read (a symbol index from outside the
            // engine's table traps here, as an array subscript would).
            precondition(row >= 0 && row < rows.count, "risk intent names a strategy or symbol outside the plan")
            let bounds = rows.baseAddress! + row
            self.run(intent, account, state, bounds, &input, &verdict)
        }
    }

    /// The chain proper, in `RiskCheck` order (the catalog `torghut explain` prints); each call is a pure check,
    /// inlined here.
    @inline(__always)
    private func run(
        _ intent: borrowing RiskIntent, _ account: borrowing RiskAccount, _ state: borrowing RiskState,
        _ bounds: UnsafePointer<RiskBounds>, _ input: inout RiskCheckInput,
        _ verdict: inout RiskVerdict
    ) {
        if self.apply(.price, Self.checkPrice(intent), &input, &verdict) { return }
        if self.apply(.quantity, Self.checkQuantity(intent), &input, &verdict) { return }
        if self.apply(.symbolDenied, Self.checkSymbolDenied(bounds.pointee), &input, &verdict) { return }
        if self.apply(.symbolAllowed, Self.checkSymbolAllowed(bounds.pointee), &input, &verdict) { return }
        if self.apply(.tradingHours, Self.checkTradingHours(input, bounds.pointee.rules, session: state.session, day: state.daySession), &input, &verdict) {
            return
        }
        if self.apply(.signalAge, self.checkSignalAge(intent, input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.quoteAge, self.checkQuoteAge(intent, input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.priceBand, self.checkPriceBand(intent, input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.duplicateIntent, self.checkDuplicateIntent(intent, input, bounds.pointee, state), &input, &verdict) {
            return
        }
        if self.apply(.orderRate, self.checkOrderRate(input, bounds.pointee, state), &input, &verdict) { return }
        if self.apply(.symbolOrderRate, self.checkSymbolOrderRate(intent, input, bounds.pointee, state), &input, &verdict) {
            return
        }
        // From here on only the risk-increasing part is checked; a purely reducing order is done.
        guard input.split.increase > .zero else { return }
        if self.apply(.dailyLoss, self.checkDailyLoss(account, input, bounds.pointee, state), &input, &verdict) { return }
        if self.apply(.drawdown, self.checkDrawdown(account, input, bounds.pointee, state), &input, &verdict) { return }
        if self.apply(.cooldown, self.checkCooldown(intent, input, bounds.pointee, state), &input, &verdict) { return }
        if self.apply(.patternDayTrader, Self.checkPatternDayTrader(intent, account, input, bounds.pointee.rules, state), &input, &verdict) {
            return
        }
        if self.apply(.shorts, Self.checkShorts(intent, bounds.pointee.rules), &input, &verdict) { return }
        if self.apply(.borrow, Self.checkBorrow(intent, account, bounds.pointee.rules), &input, &verdict) { return }
        if self.apply(.openPositions, self.checkOpenPositions(account, input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.maxQuantity, self.checkMaxQuantity(input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.maxNotional, self.checkMaxNotional(input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.participation, self.checkParticipation(intent, input, bounds.pointee.rules, bounds.pointee), &input, &verdict) { return }
        if self.apply(.positionNotional, self.checkPositionNotional(account, input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.positionFraction, self.checkPositionFraction(account, input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.grossExposure, self.checkGrossExposure(account, input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.netExposure, self.checkNetExposure(intent, account, input, bounds.pointee), &input, &verdict) { return }
        if self.apply(.buyingPower, Self.checkBuyingPower(account, input, bounds.pointee.rules), &input, &verdict) { return }
        if self.apply(.quantityStep, Self.checkQuantityStep(intent, input, bounds.pointee.rules), &input, &verdict) { return }
        _ = self.apply(.minNotional, self.checkMinNotional(input, bounds.pointee), &input, &verdict)
    }

    /// Applies one check's result; true when the chain ends (the order is refused, or nothing risk-increasing is
    /// left for the checks after a clamp to the reducing part to look at). Only `allow` is handled inline: the rest
    /// is out of line, so 28 inlined checks do not carry 28 copies of the finding-writing code.
    @inline(__always)
    private func apply(
        _ check: RiskCheck, _ result: RiskCheckResult, _ input: inout RiskCheckInput, _ verdict: inout RiskVerdict
    ) -> Bool {
        if case .allow = result { return false }
        return Self.object(check, result, &input, &verdict)
    }

    @inline(never)
    private static func object(
        _ check: RiskCheck, _ result: RiskCheckResult, _ input: inout RiskCheckInput, _ verdict: inout RiskVerdict
    ) -> Bool {
        switch result {
        case .allow:
            return false
        case .deny(let objection):
            verdict.denial = Self.finding(check, objection, before: verdict.quantity, after: .zero)
            verdict.quantity = .zero
            return true
        case .limitIncrease(let increase, let objection):
            let kept = max(.zero, min(increase, input.split.increase))
            let after = Decimal(units: input.split.reduce.units + kept.units)
            let finding = Self.finding(check, objection, before: verdict.quantity, after: after)
            guard after > .zero else {
                verdict.denial = finding
                verdict.quantity = .zero
                return true
            }
            verdict.clamps.append(finding)
            input.split.increase = kept
            input.notional = Decimal.product(kept, input.price)
            verdict.quantity = after
            return kept.isZero && check.applies == .riskIncreasing
        }
    }

    private static func finding(
        _ check: RiskCheck, _ objection: RiskCheckResult.Objection, before: Decimal, after: Decimal
    ) -> RiskFinding {
        RiskFinding(
            check: check, reason: objection.reason, origin: objection.origin, key: objection.key,
            limit: objection.limit, observed: objection.value, quantityBefore: before, quantityAfter: after)
    }

    /// A finding's limit and scope, read from the table only when a check objects.
    @inline(never)
    func objection(
        _ reason: RiskReason, _ key: RiskLimitKey, row: Int, value: RiskObservedValue
    ) -> RiskCheckResult.Objection {
        let (limit, origin) = self.limits.value(key, row: row) ?? (.zero, .policy)
        return .init(reason: reason, origin: origin, key: key, limit: limit, value: value)
    }
}

// MARK: - Arithmetic helpers (exact; a value out of the decimal range fails closed)

extension Decimal {
    /// The exact product of two decimals at 10⁻¹⁸ (a "wide" value): one 64×64→128-bit multiply, no rounding and
    /// no division, so the chain compares products such as `fraction × equity` with notionals exactly and cheaply.
    @inline(__always)
    static func product(_ a: Decimal, _ b: Decimal) -> Int128 {
        let (high, low) = a.units.multipliedFullWidth(by: b.units)
        return Int128(high) << 64 | Int128(low)
    }

    /// `units` at 10⁻¹⁸ without an overflow check: callers pass values below 2⁶⁵ in magnitude (differences of two
    /// decimals), whose product with 10⁹ fits easily.
    @inline(__always)
    static func wide(units: Int128) -> Int128 { units &* 1_000_000_000 }

    /// This value at 10⁻¹⁸: one 64×64→128-bit multiply (a checked `Int128` multiply costs several times that, and
    /// this one cannot overflow).
    @inline(__always)
    var wide: Int128 {
        let (high, low) = self.units.multipliedFullWidth(by: 1_000_000_000)
        return Int128(high) << 64 | Int128(low)
    }

    /// A wide value as a decimal, toward zero, saturating (reports and clamps only).
    static func narrow(_ wide: Int128) -> Decimal {
        Decimal(units: Int64(clamping: wide / 1_000_000_000))
    }

    /// Shares a wide notional buys at `price`, toward zero, never negative (clamps only).
    static func quantity(_ wide: Int128, at price: Decimal) -> Decimal {
        guard wide > 0, price.units > 0 else { return .zero }
        return Decimal(units: Int64(clamping: wide / Int128(price.units)))
    }

    /// `self / divisor` toward zero; nil for a zero divisor (reports only).
    func ratio(_ divisor: Decimal) -> Decimal? {
        self.divided(by: divisor, rounding: .down)
    }

    /// `self − other`, saturating at the decimal range (reports: the chain compares exact `Int128` differences).
    func minus(_ other: Decimal) -> Decimal {
        let (difference, overflow) = self.units.subtractingReportingOverflow(other.units)
        if overflow || difference == .min { return other.isNegative ? .maximum : .minimum }
        return Decimal(units: difference)
    }

    /// A whole number as a decimal without the overflow check of `Decimal(_:)` (counts and minutes, far below 9.2
    /// billion).
    @inline(__always)
    static func count(_ value: Int) -> Decimal { Decimal(units: Int64(value) &* Decimal.unitsPerWhole) }

    static let tenThousand = Decimal(units: 10_000 * Decimal.unitsPerWhole)
    static let one = Decimal(units: Decimal.unitsPerWhole)

    static let maximum = Decimal(units: Int64.max)
    static let minimum = Decimal(units: -Int64.max)

    /// Nanoseconds as seconds (one unit of `Decimal` is 10⁻⁹).
    @inline(__always)
    static func seconds(nanos: Int64) -> Decimal { Decimal(units: nanos) }
}
