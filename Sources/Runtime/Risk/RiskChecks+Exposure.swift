import SpecCompiler
import SpecModel

// Checks on the risk-increasing part of an order: loss limits, cooldown, PDT, shorts, position count, size and
// exposure caps, buying power, quantity step. The chain skips them for an order that only reduces a position.
extension RiskEngine {
    /// The loss since the session's opening equity, the worst of today (latched) and now.
    @inline(__always)
    func checkDailyLoss(_ input: borrowing RiskCheckInput, _ state: RiskState) -> RiskCheckResult {
        // No `??`/`&&` on `input`: their autoclosures would copy it.
        let equity = input.account.equity
        let opening = state.openingEquity ?? equity
        let loss = max(state.worstLoss, opening.minus(equity))
        if let (limit, origin) = self.limit(.maxDailyLoss, input), loss > limit {
            return .limitIncrease(
                to: .zero, .init(reason: .dailyLossLimitExceeded, origin: origin, key: .maxDailyLoss, limit: limit,
                                 value: loss))
        }
        if let (fraction, origin) = self.limit(.maxDailyLossFraction, input),
            loss.wide > Decimal.product(fraction, opening)
        {
            return .limitIncrease(
                to: .zero, .init(reason: .dailyLossLimitExceeded, origin: origin, key: .maxDailyLossFraction,
                                 limit: fraction, value: loss.ratio(opening)))
        }
        return .allow
    }

    /// The deepest fall from the day's high-water mark so far (latched), or the current one if deeper.
    @inline(__always)
    func checkDrawdown(_ input: borrowing RiskCheckInput, _ state: RiskState) -> RiskCheckResult {
        guard let (fraction, origin) = self.limit(.maxDrawdownFraction, input) else { return .allow }
        // The deepest fall so far today (latched), then the fall now; exact products, no division unless refused.
        let equity = input.account.equity
        var breach: (peak: Decimal, trough: Decimal)?
        let worst = state.worstDrawdown
        if worst.peak > .zero, worst.peak.minus(worst.trough).wide > Decimal.product(fraction, worst.peak) {
            breach = worst
        } else {
            let peak = max(state.highWaterMark, equity)
            if peak > .zero, peak.minus(equity).wide > Decimal.product(fraction, peak) { breach = (peak, equity) }
        }
        guard let breach else { return .allow }
        return .limitIncrease(
            to: .zero, .init(reason: .maxDrawdownExceeded, origin: origin, key: .maxDrawdownFraction,
                             limit: fraction, value: breach.peak.minus(breach.trough).ratio(breach.peak)))
    }

    @inline(__always)
    func checkCooldown(_ input: borrowing RiskCheckInput, _ state: RiskState) -> RiskCheckResult {
        guard let symbol = input.intent.symbol, let (cooldown, origin) = self.limit(.cooldown, input) else { return .allow }
        let last = state.lastIncrease[symbol]
        guard last != .min, input.now - last < cooldown.units else { return .allow }
        return .limitIncrease(
            to: .zero, .init(reason: .cooldownActive, origin: origin, key: .cooldown, limit: cooldown,
                             value: .seconds(nanos: input.now - last)))
    }

    /// Below the equity minimum, an entry that could become a day trade is refused once the day trades of the last
    /// five sessions plus the positions opened today and still held (each a day trade if closed today) would pass
    /// the allowance. Adding to a position already opened today creates no new one.
    @inline(__always)
    static func checkPatternDayTrader(_ input: borrowing RiskCheckInput, _ state: RiskState) -> RiskCheckResult {
        let rules = input.rules
        guard rules.patternDayTraderEnabled, input.account.equity < rules.patternDayTraderMinEquity,
            let symbol = input.intent.symbol
        else { return .allow }
        let held = !input.account.position.isZero
        let adding = input.split.reduce.isZero
        let alreadyPending = state.openedToday[symbol] && held && adding
        let potential = state.dayTradesInWindow + state.openedTodayHeld + (alreadyPending ? 0 : 1)
        guard potential > rules.maxDayTrades else { return .allow }
        return .limitIncrease(
            to: .zero, .init(reason: .patternDayTraderLimit, limit: .count(rules.maxDayTrades),
                             value: .count(potential)))
    }

    @inline(__always)
    static func checkShorts(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard input.intent.action == .sell, !input.rules.shortsAllowed else { return .allow }
        return .limitIncrease(to: .zero, .init(reason: .shortsNotAllowed))
    }

    @inline(__always)
    static func checkBorrow(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard input.intent.action == .sell, input.rules.requireEasyToBorrow else { return .allow }
        guard let asset = input.account.asset else {
            switch input.rules.whenBorrowDataMissing {
            case .allow: return .allow
            case .rejectInLive where input.account.mode != .live: return .allow
            default: return .limitIncrease(to: .zero, .init(reason: .shortingMetadataUnavailable))
            }
        }
        if !asset.tradable { return .limitIncrease(to: .zero, .init(reason: .localSymbolNotTradable)) }
        if !asset.shortable { return .limitIncrease(to: .zero, .init(reason: .localSymbolNotShortable)) }
        if !asset.easyToBorrow { return .limitIncrease(to: .zero, .init(reason: .localSymbolNotEasyToBorrow)) }
        return .allow
    }

    /// Only an order that opens a symbol the account does not hold adds a position.
    @inline(__always)
    func checkOpenPositions(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard input.account.position.isZero, let (limit, origin) = self.limit(.maxOpenPositions, input),
            Decimal.count(input.account.openPositions) >= limit
        else { return .allow }
        return .limitIncrease(
            to: .zero, .init(reason: .maxPositionsExceeded, origin: origin, key: .maxOpenPositions, limit: limit,
                             value: .count(input.account.openPositions)))
    }

    @inline(__always)
    func checkMaxQuantity(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let (limit, origin) = self.limit(.maxQuantityPerOrder, input), input.split.increase > limit else {
            return .allow
        }
        return .limitIncrease(
            to: .zero, .init(reason: .maxQuantityExceeded, origin: origin, key: .maxQuantityPerOrder, limit: limit,
                             value: input.split.increase))
    }

    @inline(__always)
    func checkMaxNotional(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let (limit, origin) = self.limit(.maxNotionalPerTrade, input) else { return .allow }
        guard input.notional > limit.wide else { return .allow }
        return .limitIncrease(
            to: .zero, .init(reason: .maxNotionalExceeded, origin: origin, key: .maxNotionalPerTrade, limit: limit,
                             value: Decimal.narrow(input.notional)))
    }

    @inline(__always)
    func checkParticipation(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let (cap, origin) = self.limit(.maxParticipation, input) else { return .allow }
        guard let adv = input.intent.averageDailyVolumeUSD, adv > .zero else {
            return input.rules.rejectWhenADVMissing
                ? .limitIncrease(to: .zero, .init(reason: .missingAdv, origin: origin, key: .maxParticipation, limit: cap))
                : .allow
        }
        guard input.notional > Decimal.product(cap, adv) else { return .allow }
        return .limitIncrease(
            to: .zero, .init(reason: .participationExceedsMax, origin: origin, key: .maxParticipation, limit: cap,
                             value: Decimal.narrow(input.notional).ratio(adv)))
    }

    /// The position the increasing part adds to, valued at the order price (wide): the current one when adding,
    /// none after a flip.
    @inline(__always)
    static func baseValue(_ input: borrowing RiskCheckInput) -> Int128 {
        input.split.reduce.isZero ? Decimal.product(input.account.position.magnitude, input.price) : 0
    }

    /// Clamps so |position| × price ≤ cap.
    @inline(__always)
    func checkPositionNotional(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let (cap, origin) = self.limit(.maxPositionNotional, input) else { return .allow }
        let base = Self.baseValue(input)
        let projected = base + input.notional
        guard projected > cap.wide else { return .allow }
        return .limitIncrease(
            to: Decimal.quantity(cap.wide - base, at: input.price),
            .init(reason: .symbolCapacityExhausted, origin: origin, key: .maxPositionNotional, limit: cap,
                  value: Decimal.narrow(projected)))
    }

    /// Clamps so |position| × price ≤ fraction × equity.
    @inline(__always)
    func checkPositionFraction(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let (fraction, origin) = self.limit(.maxPositionFraction, input) else { return .allow }
        let base = Self.baseValue(input)
        let projected = base + input.notional
        let cap = Decimal.product(fraction, input.account.equity)
        guard projected > cap else { return .allow }
        return .limitIncrease(
            to: Decimal.quantity(cap - base, at: input.price),
            .init(reason: .maxPositionPctExceeded, origin: origin, key: .maxPositionFraction, limit: fraction,
                  value: Decimal.narrow(projected).ratio(input.account.equity)))
    }

    /// Gross exposure after the order: the reducing part lowers it (at the mark), the increasing part adds.
    @inline(__always)
    func checkGrossExposure(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        let mark = input.account.mark > .zero ? input.account.mark : input.price
        let base = input.account.grossExposure.wide - Decimal.product(input.split.reduce, mark)
        return self.clampExposure(
            input, base: base, usd: .maxGrossExposure, fraction: .maxGrossExposureFraction,
            reason: .grossExposureCapacityExhausted)
    }

    /// Net exposure moves only in the order's direction, so only `direction × net ≤ cap` binds.
    @inline(__always)
    func checkNetExposure(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        let mark = input.account.mark > .zero ? input.account.mark : input.price
        let signedNet = input.intent.action == .buy ? input.account.netExposure.wide : -input.account.netExposure.wide
        return self.clampExposure(
            input, base: signedNet + Decimal.product(input.split.reduce, mark), usd: .maxNetExposure,
            fraction: .maxNetExposureFraction, reason: .netExposureCapacityExhausted)
    }

    /// The tighter of the USD cap and the fraction-of-equity cap binds; the order keeps what fits under it.
    @inline(__always)
    private func clampExposure(
        _ input: borrowing RiskCheckInput, base: Int128, usd: RiskLimitKey, fraction: RiskLimitKey, reason: RiskReason
    ) -> RiskCheckResult {
        let projected = base + input.notional
        var binding: (cap: Int128, objection: RiskCheckResult.Objection)?
        if let (cap, origin) = self.limit(usd, input), projected > cap.wide {
            binding = (cap.wide, .init(reason: reason, origin: origin, key: usd, limit: cap, value: Decimal.narrow(projected)))
        }
        if let (limit, origin) = self.limit(fraction, input) {
            let cap = Decimal.product(limit, input.account.equity)
            if projected > cap, binding == nil || cap < binding!.cap {
                let value = Decimal.narrow(projected).ratio(input.account.equity)
                binding = (cap, .init(reason: reason, origin: origin, key: fraction, limit: limit, value: value))
            }
        }
        guard let binding else { return .allow }
        return .limitIncrease(to: Decimal.quantity(binding.cap - base, at: input.price), binding.objection)
    }

    @inline(__always)
    static func checkBuyingPower(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard input.rules.buyingPowerRequired else { return .allow }
        var available = input.account.buyingPower
        if input.rules.buyingPowerIncludesPendingOrders { available = available.minus(input.account.pendingOrderNotional) }
        guard input.notional > available.wide else { return .allow }
        return .limitIncrease(
            to: .zero, .init(reason: .insufficientBuyingPower, limit: available, value: Decimal.narrow(input.notional)))
    }

    /// Rounds the increasing part down to the step: whole shares unless fractional equities are on, and whole
    /// shares for a short-increasing sell when `whole_shares_only`. The reducing part is left exact, so a
    /// position can always be closed in full.
    @inline(__always)
    static func checkQuantityStep(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        var step = input.rules.step
        if input.intent.action == .sell, input.rules.shortsWholeSharesOnly { step = .one }
        // The increasing part is positive, so rounding down is dropping the remainder.
        // The usual steps as literals, so the remainder is a multiply, not a 64-bit division (about 10 ns).
        let units = input.split.increase.units
        let remainder: Int64
        switch step.units {
        case 1_000_000_000: remainder = units % 1_000_000_000
        case 100_000: remainder = units % 100_000
        default: remainder = units % step.units
        }
        guard remainder != 0 else { return .allow }
        let rounded = Decimal(units: input.split.increase.units - remainder)
        let nothingLeft = input.split.reduce.isZero
        let reason: RiskReason = rounded.isZero && nothingLeft ? .qtyBelowMin : .qtyInvalidIncrement
        return .limitIncrease(to: rounded, .init(reason: reason, limit: step, value: input.split.increase))
    }

    @inline(__always)
    func checkMinNotional(_ input: borrowing RiskCheckInput) -> RiskCheckResult {
        guard let (minimum, origin) = self.limit(.minNotionalPerTrade, input) else { return .allow }
        guard input.notional < minimum.wide else { return .allow }
        return .limitIncrease(
            to: .zero, .init(reason: .minNotionalNotMet, origin: origin, key: .minNotionalPerTrade, limit: minimum,
                             value: Decimal.narrow(input.notional)))
    }
}
