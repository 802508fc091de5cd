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
    /// One array of (units, origin) rather than two, so a lookup is one bounds check and one cache line.
    private struct Entry: Sendable {
        var units: Int64
        var origin: RiskLimitOrigin
    }

    private var entries: [Entry]
    /// Per (strategy, row): the same limits as the chain compares them.
    private(set) var bounds: [RiskBounds]

    init(
        policies: [PlanRiskPolicy], strategyIDs: [Identifier], symbols: [Symbol],
        symbolAllowed: (_ strategy: Int, _ symbol: Symbol) -> Bool, symbolDenied: (_ strategy: Int, _ symbol: Symbol) -> Bool
    ) {
        self.rowsPerStrategy = symbols.count + 1
        let size = strategyIDs.count * self.rowsPerStrategy * Self.keyCount
        self.entries = Array(repeating: Entry(units: Self.absent, origin: .global), count: size)
        self.bounds = []
        self.bounds.reserveCapacity(strategyIDs.count * self.rowsPerStrategy)
        for (strategy, policy) in policies.enumerated() {
            // The policy's non-numeric rules, repeated in each of the strategy's rows.
            let rules = RiskRules(policy)
            for row in 0..<self.rowsPerStrategy {
                var bounds = RiskBounds(rules: rules)
                if row < symbols.count {
                    bounds.symbolAllowed = symbolAllowed(strategy, symbols[row])
                    bounds.symbolDenied = symbolDenied(strategy, symbols[row])
                }
                self.bounds.append(bounds)
            }
        }
        for (strategy, (policy, id)) in zip(policies, strategyIDs).enumerated() {
            for row in 0..<self.rowsPerStrategy {
                let symbol = row < symbols.count ? symbols[row] : nil
                for key in RiskLimitKey.allCases {
                    guard let (value, scope) = policy.tightest(key.key, strategy: id, symbol: symbol) else { continue }
                    let index = self.index(strategy: strategy, row: row, key: key)
                    self.entries[index] = Entry(units: value.units, origin: RiskLimitOrigin(scope))
                    self.bounds[strategy * self.rowsPerStrategy + row].set(key, units: value.units)
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

    /// An intent's row (an index into `bounds`): computed once per intent.
    @inline(__always)
    func row(strategy: Int, symbol: Int?) -> Int {
        strategy * self.rowsPerStrategy + (symbol ?? (self.rowsPerStrategy - 1))
    }

    /// The value and scope of `key` in `row`, for findings (the chain compares `bounds`).
    func value(_ key: RiskLimitKey, row: Int) -> (value: Decimal, origin: RiskLimitOrigin)? {
        let entry = self.entries[row * Self.keyCount + key.rawValue]
        return entry.units == Self.absent ? nil : (Decimal(units: entry.units), entry.origin)
    }

    /// The largest value of `key` anywhere in the table (sizes the order-rate history).
    func largest(_ key: RiskLimitKey) -> Decimal? {
        var best: Int64?
        var index = key.rawValue
        while index < self.entries.count {
            let units = self.entries[index].units
            if units != Self.absent { best = max(best ?? units, units) }
            index += Self.keyCount
        }
        return best.map { Decimal(units: $0) }
    }
}
