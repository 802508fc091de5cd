import Runtime
import SpecModel

/// An order as the execution model prices it.
public struct SimulatedOrder: Sendable, Hashable {
    public var clientOrderID: String
    public var strategy: Identifier
    public var symbol: Symbol
    public var action: Decision.Action
    public var quantity: Decimal
    public var limitPrice: Decimal
    /// The decision's price (arrival price for slippage).
    public var referencePrice: Decimal
    public var time: TimestampNanos
    /// Set when the risk chain clamped the order: the quantity the strategy asked for, and each clamp.
    public var requestedQuantity: Decimal? = nil
    public var riskClamps: [RiskFinding] = []
    /// The notional exceeds the cost model's participation cap (`TorghutCostModel.exceedsCapacity`); it still fills.
    public var overCapacity = false
}

extension SignalRecord.Imbalance {
    /// Whether this is a quote at all: both sides finite, a positive bid, the ask not below it. Only then does it
    /// price an order or serve as the risk band's reference.
    var isQuote: Bool { self.bidPx.isFinite && self.askPx.isFinite && self.bidPx > 0 && self.askPx >= self.bidPx }
}

public struct SimulatedFill: Sendable, Hashable {
    public var clientOrderID: String
    public var quantity: Decimal
    public var price: Decimal
    public var cost: Decimal
    public var time: TimestampNanos
    /// direction × (fill − reference) / reference in basis points; positive is a cost.
    public var slippageBps: Double
}

/// The original's simulated execution (reference 03 §2.1), made deterministic: a decision becomes a near-touch
/// limit order at reference ± half the quoted spread (the reference itself without a quote), rounded half-up to the
/// tick ($0.01 from $1, $0.0001 below), and fills immediately and completely at its limit, at the signal time.
public struct TorghutExecutionModel: Sendable, Hashable {
    public init() {}

    public static let name = "torghut"

    public func order(for decision: Decision, quote: SignalRecord.Imbalance?) throws(SimulationError) -> SimulatedOrder {
        var limit = decision.referencePrice
        if let quote, quote.isQuote, quote.spread.isFinite, quote.spread > 0,
            let halfSpread = PlanRunner.decimalValue(quote.spread / 2)
        {
            limit = try exact(
                decision.action == .buy ? limit.adding(halfSpread) : limit.subtracting(halfSpread), "a limit price")
        }
        let tick = limit >= Decimal(1) ? Decimal(units: 10_000_000) : Decimal(units: 100_000)
        limit = try exact(limit.rounded(toMultipleOf: tick, rule: .halfUp), "a limit price")
        // A sell whose reference lies within half the spread of zero sells into the lowest price, one tick: a
        // worse quote never gives a better fill.
        if limit <= .zero { limit = tick }
        return SimulatedOrder(
            clientOrderID: decision.clientOrderID, strategy: decision.strategy, symbol: decision.symbol,
            action: decision.action, quantity: decision.quantity, limitPrice: limit,
            referencePrice: decision.referencePrice, time: decision.eventTime)
    }

    public func fill(_ order: SimulatedOrder, cost: Decimal) -> SimulatedFill {
        let direction = order.action == .buy ? 1.0 : -1.0
        let reference = order.referencePrice.doubleValue
        let slippage = reference > 0 ? direction * (order.limitPrice.doubleValue - reference) / reference * 10_000 : 0
        return SimulatedFill(
            clientOrderID: order.clientOrderID, quantity: order.quantity, price: order.limitPrice, cost: cost,
            time: order.time, slippageBps: slippage)
    }
}

/// Torghut's transaction cost model (reference 03 §2.3) for a filled limit order: no spread cost (limits are passive
/// there), volatility cost `σ_minute × execution_seconds/60 × 10⁴` bps, impact `impact_at_full × notional / ADV`,
/// commission `notional × bps + shares × per_share` floored at the minimum, plus a flat fee per execution. The bps
/// are computed in doubles and rounded to 10⁻⁴ bps; the cost itself is exact, rounded half-up to the cent.
public struct TorghutCostModel: Sendable, Hashable {
    public var enabled: Bool
    public var commissionBps: Decimal
    public var commissionPerShareUSD: Decimal
    public var minCommissionUSD: Decimal
    public var perTradeFeeUSD: Decimal
    public var impactBpsAtFullParticipation: Double
    public var executionSeconds: Int
    public var advUSD: Double
    /// Participation (notional / `advUSD`) above which an order is reported as exceeding capacity.
    public var maxParticipationFraction: Double

    public init(
        enabled: Bool = true, commissionBps: Decimal = .zero, commissionPerShareUSD: Decimal = .zero,
        minCommissionUSD: Decimal = .zero, perTradeFeeUSD: Decimal = .zero, impactBpsAtFullParticipation: Double = 50,
        executionSeconds: Int = 60, advUSD: Double = 50_000_000, maxParticipationFraction: Double = 0.1
    ) {
        self.enabled = enabled
        self.commissionBps = commissionBps
        self.commissionPerShareUSD = commissionPerShareUSD
        self.minCommissionUSD = minCommissionUSD
        self.perTradeFeeUSD = perTradeFeeUSD
        self.impactBpsAtFullParticipation = impactBpsAtFullParticipation
        self.executionSeconds = executionSeconds
        self.advUSD = advUSD
        self.maxParticipationFraction = maxParticipationFraction
    }

    /// Whether an order of `quantity` at `price` takes more than `maxParticipationFraction` of the average daily
    /// volume (never without an ADV). Reported, not refused: the risk policy's own participation cap refuses.
    public func exceedsCapacity(quantity: Decimal, price: Decimal) -> Bool {
        guard self.advUSD > 0, let notional = quantity.magnitude.multiplied(by: price, rounding: .halfEven) else {
            return false
        }
        return notional.doubleValue / self.advUSD > self.maxParticipationFraction
    }

    /// - Parameter volatilityPerSecond: the signal's `vol_realized.w60s` (per-bar σ of 1-second bars); scaled to a
    ///   minute by √60.
    public func cost(
        quantity: Decimal, price: Decimal, volatilityPerSecond: Double?
    ) throws(SimulationError) -> Decimal {
        guard self.enabled else { return .zero }
        let notional = try exact(quantity.magnitude.multiplied(by: price, rounding: .halfEven), "a notional")
        let sigmaMinute = (volatilityPerSecond ?? 0).isFinite ? (volatilityPerSecond ?? 0) * (60.0).squareRoot() : 0
        let volatilityBps = sigmaMinute * Double(self.executionSeconds) / 60 * 10_000
        let impactBps = self.advUSD > 0 ? self.impactBpsAtFullParticipation * notional.doubleValue / self.advUSD : 0
        let bps = try exact(PlanRunner.decimalValue(((volatilityBps + impactBps) * 10_000).rounded() / 10_000), "cost bps")
        let marketCost = try exact(
            notional.multiplied(by: bps, rounding: .halfEven)?.divided(by: Decimal(10_000), rounding: .halfEven),
            "a cost")
        var commission = try exact(
            notional.multiplied(by: self.commissionBps, rounding: .halfEven)?.divided(by: Decimal(10_000), rounding: .halfEven),
            "a commission")
        let perShare = try exact(quantity.magnitude.multiplied(by: self.commissionPerShareUSD, rounding: .halfEven), "a commission")
        commission = try exact(commission.adding(perShare), "a commission")
        commission = max(commission, self.minCommissionUSD)
        let total = try exact(marketCost.adding(commission)?.adding(self.perTradeFeeUSD), "a cost")
        return try exact(total.rounded(toMultipleOf: Decimal(units: 10_000_000), rule: .halfUp), "a cost")
    }
}
