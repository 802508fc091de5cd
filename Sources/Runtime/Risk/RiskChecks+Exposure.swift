import SpecCompiler
import SpecModel

// Checks on the risk-increasing part of an order: loss limits, cooldown, PDT, shorts, position count, size and
// exposure caps, buying power, quantity step. The chain skips them for an order that only reduces a position.
// Differences of two decimals are taken in Int128, exactly, so no saturation branch runs on the hot path.
extension RiskEngine {
    /// The loss since the session's opening equity, the worst of today (latched) and now.
    @inline(__always)
    func checkDailyLoss(
        _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds,
        _ state: borrowing RiskState
    ) -> RiskCheckResult {
        // No `??`/`&&` on the inputs: their autoclosures would copy them.
        let equity = account.equity
        var opening = equity
        if let first = state.openingEquity { opening = first }
        let loss = max(Int128(state.worstLoss.units), Int128(opening.units) - Int128(equity.units))
        if loss > Int128(bounds.maxDailyLoss) {
            return .limitIncrease(
                to: .zero, self.objection(.dailyLossLimitExceeded, .maxDailyLoss, row: input.row, value: .decimal(Self.saturating(loss))))
        }
        if bounds.hasDailyLossFraction,
            Decimal.wide(units: loss) > Decimal.product(Decimal(units: bounds.maxDailyLossFraction), opening)
        {
            return .limitIncrease(
                to: .zero,
                self.objection(
                    .dailyLossLimitExceeded, .maxDailyLossFraction, row: input.row,
                    value: .ratio(Self.saturating(loss), of: opening)))
        }
        return .allow
    }

    /// The deepest fall from the day's high-water mark so far (latched), or the current one if deeper.
    @inline(__always)
    func checkDrawdown(
        _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds,
        _ state: borrowing RiskState
    ) -> RiskCheckResult {
        guard bounds.hasDrawdownFraction else { return .allow }
        let fraction = Decimal(units: bounds.maxDrawdownFraction)
        // The deepest fall so far today (latched), then the fall now; exact products, no division unless refused.
        let equity = account.equity
        var breach: (peak: Decimal, trough: Decimal)?
        let worst = state.worstDrawdown
        if worst.peak > .zero, Self.fallWide(worst.peak, worst.trough) > Decimal.product(fraction, worst.peak) {
            breach = worst
        } else {
            let peak = max(state.highWaterMark, equity)
            if peak > .zero, Self.fallWide(peak, equity) > Decimal.product(fraction, peak) { breach = (peak, equity) }
        }
        guard let breach else { return .allow }
        return .limitIncrease(
            to: .zero,
            self.objection(
                .maxDrawdownExceeded, .maxDrawdownFraction, row: input.row,
                value: .ratio(breach.peak.minus(breach.trough), of: breach.peak)))
    }

    /// (peak − trough) at 10⁻¹⁸, exact.
    @inline(__always)
    private static func fallWide(_ peak: Decimal, _ trough: Decimal) -> Int128 {
        Decimal.wide(units: Int128(peak.units) - Int128(trough.units))
    }

    /// An exact difference as a decimal for reports, saturating at the decimal range.
    private static func saturating(_ units: Int128) -> Decimal {
        Decimal(units: Int64(clamping: max(-Int128(Int64.max), units)))
    }

    @inline(__always)
    func checkCooldown(
        _ intent: borrowing RiskIntent, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds,
        _ state: borrowing RiskState
    ) -> RiskCheckResult {
        guard let symbol = intent.symbol else { return .allow }
        let last = state.lastIncrease[symbol]
        guard last != .min, input.now - last < bounds.cooldown else { return .allow }
        return .limitIncrease(
            to: .zero, self.objection(.cooldownActive, .cooldown, row: input.row, value: .decimal(.seconds(nanos: input.now - last))))
    }

    /// Below the equity minimum, an entry that could become a day trade is refused once the day trades of the last
    /// five sessions plus the positions opened today and still held (each a day trade if closed today) would pass
    /// the allowance. Adding to a position already opened today creates no new one.
    @inline(__always)
    static func checkPatternDayTrader(
        _ intent: borrowing RiskIntent, _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput,
        _ rules: borrowing RiskRules, _ state: borrowing RiskState
    ) -> RiskCheckResult {
        guard rules.patternDayTraderEnabled, account.equity < rules.patternDayTraderMinEquity,
            let symbol = intent.symbol
        else { return .allow }
        let held = !account.position.isZero
        let adding = input.split.reduce.isZero
        let alreadyPending = state.openedToday[symbol] && held && adding
        let potential = state.dayTradesInWindow + state.openedTodayHeld + (alreadyPending ? 0 : 1)
        guard potential > rules.maxDayTrades else { return .allow }
        return .limitIncrease(
            to: .zero, .init(reason: .patternDayTraderLimit, limit: .count(rules.maxDayTrades),
                             value: .decimal(.count(potential))))
    }

    @inline(__always)
    static func checkShorts(_ intent: borrowing RiskIntent, _ rules: borrowing RiskRules) -> RiskCheckResult {
        guard intent.action == .sell, !rules.shortsAllowed else { return .allow }
        return .limitIncrease(to: .zero, .init(reason: .shortsNotAllowed))
    }

    @inline(__always)
    static func checkBorrow(
        _ intent: borrowing RiskIntent, _ account: borrowing RiskAccount, _ rules: borrowing RiskRules
    ) -> RiskCheckResult {
        guard intent.action == .sell, rules.requireEasyToBorrow else { return .allow }
        guard let asset = account.asset else {
            switch rules.whenBorrowDataMissing {
            case .allow: return .allow
            case .rejectInLive where account.mode != .live: return .allow
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
    func checkOpenPositions(
        _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds
    ) -> RiskCheckResult {
        guard account.position.isZero, Decimal.count(account.openPositions).units >= bounds.maxOpenPositions else {
            return .allow
        }
        return .limitIncrease(
            to: .zero,
            self.objection(.maxPositionsExceeded, .maxOpenPositions, row: input.row, value: .decimal(.count(account.openPositions))))
    }

    @inline(__always)
    func checkMaxQuantity(_ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds) -> RiskCheckResult {
        guard input.split.increase.units > bounds.maxQuantity else { return .allow }
        return .limitIncrease(
            to: .zero, self.objection(.maxQuantityExceeded, .maxQuantityPerOrder, row: input.row, value: .decimal(input.split.increase)))
    }

    @inline(__always)
    func checkMaxNotional(_ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds) -> RiskCheckResult {
        guard input.notional > bounds.maxNotional else { return .allow }
        return .limitIncrease(
            to: .zero,
            self.objection(.maxNotionalExceeded, .maxNotionalPerTrade, row: input.row, value: .wide(input.notional)))
    }

    @inline(__always)
    func checkParticipation(
        _ intent: borrowing RiskIntent, _ input: borrowing RiskCheckInput, _ rules: borrowing RiskRules,
        _ bounds: borrowing RiskBounds
    ) -> RiskCheckResult {
        guard bounds.hasParticipation else { return .allow }
        guard let adv = intent.averageDailyVolumeUSD, adv > .zero else {
            guard rules.rejectWhenADVMissing else { return .allow }
            return .limitIncrease(to: .zero, self.objection(.missingAdv, .maxParticipation, row: input.row, value: .none))
        }
        guard input.notional > Decimal.product(Decimal(units: bounds.maxParticipation), adv) else { return .allow }
        return .limitIncrease(
            to: .zero,
            self.objection(
                .participationExceedsMax, .maxParticipation, row: input.row, value: .wideRatio(input.notional, of: adv)))
    }

    /// The position the increasing part adds to, valued at the order price (wide): the current one when adding,
    /// none after a flip.
    @inline(__always)
    static func baseValue(_ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput) -> Int128 {
        input.split.reduce.isZero ? Decimal.product(account.position.magnitude, input.price) : 0
    }

    /// Clamps so |position| × price ≤ cap.
    @inline(__always)
    func checkPositionNotional(
        _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds
    ) -> RiskCheckResult {
        let base = Self.baseValue(account, input)
        let projected = base + input.notional
        let cap = bounds.maxPositionNotional
        guard projected > cap else { return .allow }
        return .limitIncrease(
            to: Decimal.quantity(cap - base, at: input.price),
            self.objection(.symbolCapacityExhausted, .maxPositionNotional, row: input.row, value: .wide(projected)))
    }

    /// Clamps so |position| × price ≤ fraction × equity.
    @inline(__always)
    func checkPositionFraction(
        _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds
    ) -> RiskCheckResult {
        guard bounds.hasPositionFraction else { return .allow }
        let base = Self.baseValue(account, input)
        let projected = base + input.notional
        let cap = Decimal.product(Decimal(units: bounds.maxPositionFraction), account.equity)
        guard projected > cap else { return .allow }
        return .limitIncrease(
            to: Decimal.quantity(cap - base, at: input.price),
            self.objection(
                .maxPositionPctExceeded, .maxPositionFraction, row: input.row,
                value: .wideRatio(projected, of: account.equity)))
    }

    /// Gross exposure after the order: the reducing part lowers it (at the mark), the increasing part adds.
    @inline(__always)
    func checkGrossExposure(
        _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds
    ) -> RiskCheckResult {
        let mark = account.mark > .zero ? account.mark : input.price
        let base = account.grossExposure.wide - Decimal.product(input.split.reduce, mark)
        return self.clampExposure(
            account, input, base: base, usdCap: bounds.maxGross, usd: .maxGrossExposure,
            fraction: bounds.hasGrossFraction ? bounds.maxGrossFraction : nil, fractionKey: .maxGrossExposureFraction,
            reason: .grossExposureCapacityExhausted)
    }

    /// Net exposure moves only in the order's direction, so only `direction × net ≤ cap` binds.
    @inline(__always)
    func checkNetExposure(
        _ intent: borrowing RiskIntent, _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput,
        _ bounds: borrowing RiskBounds
    ) -> RiskCheckResult {
        let mark = account.mark > .zero ? account.mark : input.price
        let signedNet = intent.action == .buy ? account.netExposure.wide : -account.netExposure.wide
        return self.clampExposure(
            account, input, base: signedNet + Decimal.product(input.split.reduce, mark), usdCap: bounds.maxNet,
            usd: .maxNetExposure, fraction: bounds.hasNetFraction ? bounds.maxNetFraction : nil,
            fractionKey: .maxNetExposureFraction, reason: .netExposureCapacityExhausted)
    }

    /// The tighter of the USD cap and the fraction-of-equity cap binds; the order keeps what fits under it.
    @inline(__always)
    private func clampExposure(
        _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput, base: Int128, usdCap: Int128,
        usd: RiskLimitKey, fraction: Int64?, fractionKey: RiskLimitKey, reason: RiskReason
    ) -> RiskCheckResult {
        let projected = base + input.notional
        // `.max` when nothing binds (an unset USD cap is `.max`, and a product of two decimals is far below it).
        var bindingCap = Int128.max
        var bindingKey = usd
        if projected > usdCap { bindingCap = usdCap }
        if let fraction {
            let cap = Decimal.product(Decimal(units: fraction), account.equity)
            if projected > cap, cap < bindingCap { (bindingCap, bindingKey) = (cap, fractionKey) }
        }
        guard bindingCap != .max else { return .allow }
        let value: RiskObservedValue = bindingKey == usd ? .wide(projected) : .wideRatio(projected, of: account.equity)
        return .limitIncrease(
            to: Decimal.quantity(bindingCap - base, at: input.price),
            self.objection(reason, bindingKey, row: input.row, value: value))
    }

    @inline(__always)
    static func checkBuyingPower(
        _ account: borrowing RiskAccount, _ input: borrowing RiskCheckInput, _ rules: borrowing RiskRules
    ) -> RiskCheckResult {
        guard rules.buyingPowerRequired else { return .allow }
        var available = Int128(account.buyingPower.units)
        if rules.buyingPowerIncludesPendingOrders { available -= Int128(account.pendingOrderNotional.units) }
        guard input.notional > Decimal.wide(units: available) else { return .allow }
        return .limitIncrease(
            to: .zero,
            .init(reason: .insufficientBuyingPower, limit: Self.saturating(available),
                  value: .wide(input.notional)))
    }

    /// Rounds the increasing part down to the step: whole shares unless fractional equities are on, and whole
    /// shares for a short-increasing sell when `whole_shares_only`. The reducing part is left exact, so a
    /// position can always be closed in full.
    @inline(__always)
    static func checkQuantityStep(
        _ intent: borrowing RiskIntent, _ input: borrowing RiskCheckInput, _ rules: borrowing RiskRules
    ) -> RiskCheckResult {
        var step = rules.step
        if intent.action == .sell, rules.shortsWholeSharesOnly { step = .one }
        // The increasing part is positive, so rounding down is dropping the remainder.
        // The usual steps as literals, so the remainder is a multiply, not a 64-bit division (about 10 ns). The
        // three branches are kept different on purpose (unsigned, signed, a call): identical `%` in each let the
        // optimizer merge them back into one division by a variable.
        let units = input.split.increase.units
        let remainder: Int64
        switch step.units {
        case 1_000_000_000: remainder = Int64(UInt64(bitPattern: units) % 1_000_000_000)
        case 100_000: remainder = units % 100_000
        default: remainder = Self.remainder(units, step.units)
        }
        guard remainder != 0 else { return .allow }
        let rounded = Decimal(units: input.split.increase.units - remainder)
        let nothingLeft = input.split.reduce.isZero
        let reason: RiskReason = rounded.isZero && nothingLeft ? .qtyBelowMin : .qtyInvalidIncrement
        return .limitIncrease(to: rounded, .init(reason: reason, limit: step, value: .decimal(input.split.increase)))
    }

    @inline(never)
    private static func remainder(_ units: Int64, _ step: Int64) -> Int64 { units % step }

    @inline(__always)
    func checkMinNotional(_ input: borrowing RiskCheckInput, _ bounds: borrowing RiskBounds) -> RiskCheckResult {
        guard input.notional < bounds.minNotional else { return .allow }
        return .limitIncrease(
            to: .zero,
            self.objection(.minNotionalNotMet, .minNotionalPerTrade, row: input.row, value: .wide(input.notional)))
    }
}
