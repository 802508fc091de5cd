import SpecCompiler
import SpecModel

/// The numeric limits, indexed like `RiskLimits.definitions` (a test keeps the two in step).
public enum RiskLimitKey: Int, Sendable, CaseIterable {
    case maxNotionalPerTrade
    case minNotionalPerTrade
    case maxQuantityPerOrder
    case maxPositionNotional
    case maxPositionFraction
    case maxGrossExposure
    case maxGrossExposureFraction
    case maxNetExposure
    case maxNetExposureFraction
    case maxOpenPositions
    case maxParticipation
    case priceBand
    case maxQuoteAge
    case maxSignalAge
    case maxDailyLoss
    case maxDailyLossFraction
    case maxDrawdownFraction
    case maxOrdersPerMinute
    case maxOrdersPerMinutePerSymbol
    case duplicateIntentWindow
    case cooldown

    /// The spec key (`max_notional_per_trade_usd`, ...).
    public var key: String { Self.keys[self.rawValue] }

    private static let keys = RiskLimits.definitions.map(\.key)
}

/// Every limit resolved once per (strategy, symbol) by `PlanRiskPolicy.tightest` (the rule `torghut explain` prints),
/// with the scope it came from. A flat array of units, so a lookup is two multiplies.
struct RiskLimitTable: Sendable {
    private static let absent = Int64.min
    private static let keyCount = RiskLimitKey.allCases.count

    /// Rows per strategy: one per symbol, then one for a symbol outside the plan (global and strategy scope only).
    let rowsPerStrategy: Int
    private var units: [Int64]
    private var origins: [RiskLimitOrigin]

    init(policies: [PlanRiskPolicy], strategyIDs: [Identifier], symbols: [Symbol]) {
        self.rowsPerStrategy = symbols.count + 1
        let size = strategyIDs.count * self.rowsPerStrategy * Self.keyCount
        self.units = Array(repeating: Self.absent, count: size)
        self.origins = Array(repeating: .global, count: size)
        for (strategy, (policy, id)) in zip(policies, strategyIDs).enumerated() {
            for row in 0..<self.rowsPerStrategy {
                let symbol = row < symbols.count ? symbols[row] : nil
                for key in RiskLimitKey.allCases {
                    guard let (value, scope) = policy.tightest(key.key, strategy: id, symbol: symbol) else { continue }
                    let index = self.index(strategy: strategy, row: row, key: key)
                    self.units[index] = value.units
                    self.origins[index] = RiskLimitOrigin(scope)
                }
            }
        }
    }

    @inline(__always)
    private func index(strategy: Int, row: Int, key: RiskLimitKey) -> Int {
        (strategy * self.rowsPerStrategy + row) * Self.keyCount + key.rawValue
    }

    /// The limit for an intent, or nil when no scope sets it. `symbol` nil is a symbol outside the plan.
    @inline(__always)
    func value(_ key: RiskLimitKey, strategy: Int, symbol: Int?) -> (value: Decimal, origin: RiskLimitOrigin)? {
        self.value(key, row: self.row(strategy: strategy, symbol: symbol))
    }

    /// Where an intent's limits start: computed once per intent, so each lookup is one add.
    @inline(__always)
    func row(strategy: Int, symbol: Int?) -> Int {
        self.index(strategy: strategy, row: symbol ?? (self.rowsPerStrategy - 1), key: .maxNotionalPerTrade)
    }

    @inline(__always)
    func value(_ key: RiskLimitKey, row: Int) -> (value: Decimal, origin: RiskLimitOrigin)? {
        let index = row + key.rawValue
        let units = self.units[index]
        return units == Self.absent ? nil : (Decimal(units: units), self.origins[index])
    }

    /// The largest value of `key` anywhere in the table (sizes the order-rate history).
    func largest(_ key: RiskLimitKey) -> Decimal? {
        var best: Int64?
        var index = key.rawValue
        while index < self.units.count {
            if self.units[index] != Self.absent { best = max(best ?? self.units[index], self.units[index]) }
            index += Self.keyCount
        }
        return best.map { Decimal(units: $0) }
    }
}
