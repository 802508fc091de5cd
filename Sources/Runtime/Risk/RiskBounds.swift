import SpecModel

/// One (strategy, symbol) row of limits in the form the chain compares them, built once per plan.
///
/// An unset maximum is stored as the largest value of its type (and an unset minimum or window as the smallest), so
/// its comparison can never fire and the chain needs no "is it set?" branch. Fractions, whose comparisons are
/// products with a live value that may be zero or negative, carry an explicit flag instead. Caps compared with an
/// order's notional are stored at 10⁻¹⁸ ("wide", `Decimal.product`'s scale), so no conversion happens per intent.
/// The values and scopes reported in findings still come from `RiskLimitTable` (only when a check objects).
struct RiskBounds: Sendable {
    /// The strategy's non-numeric rules, repeated in each of its rows so the chain reads one record.
    let rules: RiskRules
    /// The symbol may trade (universe ∩ allow list) / is on the deny list. Both false for the row of a symbol
    /// outside the plan.
    var symbolAllowed = false
    var symbolDenied = false

    // Compared with notionals (wide).
    var maxNotional: Int128 = .max
    var minNotional: Int128 = .min
    var maxPositionNotional: Int128 = .max
    var maxGross: Int128 = .max
    var maxNet: Int128 = .max

    // Units (10⁻⁹ shares, seconds, USD or count).
    var maxQuantity: Int64 = .max
    var maxOpenPositions: Int64 = .max
    var maxSignalAge: Int64 = .max
    var maxQuoteAge: Int64 = .max
    var maxDailyLoss: Int64 = .max
    /// A window `elapsed < window` never holds for `.min`.
    var duplicateWindow: Int64 = .min
    var cooldown: Int64 = .min
    /// Order counts per minute; `Int.max` never fills.
    var maxOrdersPerMinute: Int = .max
    var maxOrdersPerMinutePerSymbol: Int = .max

    // Fractions and ratios (units), each with its flag.
    var priceBand: Int64 = 0
    var hasPriceBand = false
    var maxParticipation: Int64 = 0
    var hasParticipation = false
    var maxPositionFraction: Int64 = 0
    var hasPositionFraction = false
    var maxGrossFraction: Int64 = 0
    var hasGrossFraction = false
    var maxNetFraction: Int64 = 0
    var hasNetFraction = false
    var maxDailyLossFraction: Int64 = 0
    var hasDailyLossFraction = false
    var maxDrawdownFraction: Int64 = 0
    var hasDrawdownFraction = false

    init(rules: RiskRules) {
        self.rules = rules
    }

    /// Sets `key` to `units` (a value the table holds).
    mutating func set(_ key: RiskLimitKey, units: Int64) {
        let wide = Decimal(units: units).wide
        switch key {
        case .maxNotionalPerTrade: self.maxNotional = wide
        case .minNotionalPerTrade: self.minNotional = wide
        case .maxQuantityPerOrder: self.maxQuantity = units
        case .maxPositionNotional: self.maxPositionNotional = wide
        case .maxPositionFraction: (self.maxPositionFraction, self.hasPositionFraction) = (units, true)
        case .maxGrossExposure: self.maxGross = wide
        case .maxGrossExposureFraction: (self.maxGrossFraction, self.hasGrossFraction) = (units, true)
        case .maxNetExposure: self.maxNet = wide
        case .maxNetExposureFraction: (self.maxNetFraction, self.hasNetFraction) = (units, true)
        case .maxOpenPositions: self.maxOpenPositions = units
        case .maxParticipation: (self.maxParticipation, self.hasParticipation) = (units, true)
        case .priceBand: (self.priceBand, self.hasPriceBand) = (units, true)
        case .maxQuoteAge: self.maxQuoteAge = units
        case .maxSignalAge: self.maxSignalAge = units
        case .maxDailyLoss: self.maxDailyLoss = units
        case .maxDailyLossFraction: (self.maxDailyLossFraction, self.hasDailyLossFraction) = (units, true)
        case .maxDrawdownFraction: (self.maxDrawdownFraction, self.hasDrawdownFraction) = (units, true)
        case .maxOrdersPerMinute: self.maxOrdersPerMinute = Int(units / Decimal.unitsPerWhole)
        case .maxOrdersPerMinutePerSymbol: self.maxOrdersPerMinutePerSymbol = Int(units / Decimal.unitsPerWhole)
        case .duplicateIntentWindow: self.duplicateWindow = units
        case .cooldown: self.cooldown = units
        }
    }
}
