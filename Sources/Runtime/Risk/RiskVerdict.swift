import SpecModel

/// Where a limit's value came from: the tightest of the scopes that apply wins, and the verdict says which.
public enum RiskLimitOrigin: UInt8, Sendable, Hashable {
    case global
    case strategy
    case symbol
    /// A policy field outside `limits` (shorts, hours, symbol lists, buying power, PDT).
    case policy

    init(_ scope: RiskScope) {
        switch scope {
        case .global: self = .global
        case .strategy: self = .strategy
        case .symbol: self = .symbol
        }
    }

    public var name: String {
        switch self {
        case .global: "global"
        case .strategy: "strategy"
        case .symbol: "symbol"
        case .policy: "policy"
        }
    }
}

/// One check's objection: which check, its reason code, the values it compared, and (for a clamp) the quantity
/// before and after.
public struct RiskFinding: Sendable, Hashable {
    public var check: RiskCheck
    public var reasonCode: RiskReason
    /// Snake_case, stable (`RiskCheck.reasons`).
    public var reason: String { self.reasonCode.rawValue }
    public var origin: RiskLimitOrigin
    /// The limit compared (nil for checks configured by other policy fields). An enum, not its key string, so a
    /// finding is plain data: storing and clearing one costs no reference counting.
    public var limitKey: RiskLimitKey?
    /// The `limits` key compared.
    public var key: String? { self.limitKey?.key }
    /// The limit and the observed value, in the limit's unit (USD, shares, seconds, bps, count, fraction).
    public var limit: Decimal?
    /// The observed value as the chain compared it; `value` derives the decimal when read, so the divisions a ratio
    /// needs are paid by whoever reports the finding, not by the chain.
    public var observed: RiskObservedValue
    public var value: Decimal? { self.observed.decimal }
    public var quantityBefore: Decimal
    public var quantityAfter: Decimal

    public init(
        check: RiskCheck, reason: RiskReason, origin: RiskLimitOrigin, key: RiskLimitKey? = nil, limit: Decimal?,
        value: Decimal?, quantityBefore: Decimal, quantityAfter: Decimal
    ) {
        self.init(
            check: check, reason: reason, origin: origin, key: key, limit: limit,
            observed: value.map(RiskObservedValue.decimal) ?? .none, quantityBefore: quantityBefore,
            quantityAfter: quantityAfter)
    }

    init(
        check: RiskCheck, reason: RiskReason, origin: RiskLimitOrigin, key: RiskLimitKey?, limit: Decimal?,
        observed: RiskObservedValue, quantityBefore: Decimal, quantityAfter: Decimal
    ) {
        self.check = check
        self.reasonCode = reason
        self.origin = origin
        self.limitKey = key
        self.limit = limit
        self.observed = observed
        self.quantityBefore = quantityBefore
        self.quantityAfter = quantityAfter
    }
}

/// An observed value in the form a check has it: a decimal, or the exact operands of one (a notional at 10⁻¹⁸, a
/// ratio, a distance in basis points), turned into a decimal only when read.
public enum RiskObservedValue: Sendable, Hashable {
    case none
    case decimal(Decimal)
    /// A notional at 10⁻¹⁸ (`Decimal.product`), toward zero.
    case wide(Int128)
    /// `numerator / denominator`, toward zero (nil for a zero denominator).
    case ratio(Decimal, of: Decimal)
    /// A notional at 10⁻¹⁸ as a fraction of `denominator`.
    case wideRatio(Int128, of: Decimal)
    /// |price − reference| in basis points of the reference.
    case bps(price: Decimal, reference: Decimal)

    public var decimal: Decimal? {
        switch self {
        case .none: nil
        case .decimal(let value): value
        case .wide(let wide): Decimal.narrow(wide)
        case .ratio(let numerator, let denominator): numerator.ratio(denominator)
        case .wideRatio(let wide, let denominator): Decimal.narrow(wide).ratio(denominator)
        case .bps(let price, let reference):
            price.minus(reference).magnitude.multiplied(by: .tenThousand, rounding: .halfEven)?.ratio(reference)
        }
    }
}

/// The chain's answer for one intent: allowed with a (possibly clamped) quantity, or denied by the first check that
/// refused it. Reuse one verdict across intents: `clamps` keeps its capacity, so evaluation does not allocate.
public struct RiskVerdict: Sendable, Hashable {
    public var quantity: Decimal = .zero
    public var denial: RiskFinding?
    /// Every clamp applied, in chain order.
    public var clamps: [RiskFinding] = []

    public init() {}

    public var isAllowed: Bool { self.denial == nil }

    mutating func reset(quantity: Decimal) {
        self.quantity = quantity
        self.denial = nil
        // `removeAll(keepingCapacity:)` costs a generic call even on an empty array.
        if !self.clamps.isEmpty { self.clamps.removeAll(keepingCapacity: true) }
    }
}
