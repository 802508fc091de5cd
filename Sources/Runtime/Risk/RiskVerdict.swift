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
    public var value: Decimal?
    public var quantityBefore: Decimal
    public var quantityAfter: Decimal

    public init(
        check: RiskCheck, reason: RiskReason, origin: RiskLimitOrigin, key: RiskLimitKey? = nil, limit: Decimal?,
        value: Decimal?, quantityBefore: Decimal, quantityAfter: Decimal
    ) {
        self.check = check
        self.reasonCode = reason
        self.origin = origin
        self.limitKey = key
        self.limit = limit
        self.value = value
        self.quantityBefore = quantityBefore
        self.quantityAfter = quantityAfter
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
