/// The risk chain's checks in the fixed order the engine runs them. The engine (Runtime) implements each; this
/// catalog states what each one compares, whether it rejects or clamps, and its reason codes, so `torghut explain`
/// and the docs show the same order the engine uses.
public enum RiskCheck: Int, Sendable, Hashable, CaseIterable {
    case price
    case quantity
    case symbolDenied
    case symbolAllowed
    case tradingHours
    case signalAge
    case quoteAge
    case priceBand
    case duplicateIntent
    case orderRate
    case symbolOrderRate
    case dailyLoss
    case drawdown
    case cooldown
    case patternDayTrader
    case shorts
    case borrow
    case openPositions
    case maxQuantity
    case maxNotional
    case participation
    case positionNotional
    case positionFraction
    case grossExposure
    case netExposure
    case buyingPower
    case quantityStep
    case minNotional

    /// What a failing check does to the order.
    public enum Effect: String, Sendable {
        /// The order (or, for a check on the risk-increasing part, that part) is refused.
        case reject
        /// The order's risk-increasing part is reduced to what the limit allows; refused when nothing is left.
        case clamp
    }

    /// Which part of an order a check looks at.
    public enum Applies: String, Sendable {
        /// Every order, risk-reducing ones included.
        case allOrders = "all orders"
        /// Only the part of an order that opens or adds to a position (see docs/risk.md); a risk-reducing order, or
        /// the reducing part of a flip, always passes.
        case riskIncreasing = "risk-increasing part"
    }

    /// The snake_case name shown by `torghut explain` and in verdicts.
    public var name: String {
        switch self {
        case .price: "price"
        case .quantity: "quantity"
        case .symbolDenied: "symbol_denied"
        case .symbolAllowed: "symbol_allowed"
        case .tradingHours: "trading_hours"
        case .signalAge: "signal_age"
        case .quoteAge: "quote_age"
        case .priceBand: "price_band"
        case .duplicateIntent: "duplicate_intent"
        case .orderRate: "order_rate"
        case .symbolOrderRate: "symbol_order_rate"
        case .dailyLoss: "daily_loss"
        case .drawdown: "drawdown"
        case .cooldown: "cooldown"
        case .patternDayTrader: "pattern_day_trader"
        case .shorts: "shorts"
        case .borrow: "borrow"
        case .openPositions: "open_positions"
        case .maxQuantity: "max_quantity"
        case .maxNotional: "max_notional"
        case .participation: "participation"
        case .positionNotional: "position_notional"
        case .positionFraction: "position_fraction"
        case .grossExposure: "gross_exposure"
        case .netExposure: "net_exposure"
        case .buyingPower: "buying_power"
        case .quantityStep: "quantity_step"
        case .minNotional: "min_notional"
        }
    }

    public var effect: Effect {
        switch self {
        case .positionNotional, .positionFraction, .grossExposure, .netExposure, .quantityStep: .clamp
        default: .reject
        }
    }

    public var applies: Applies {
        self.rawValue >= RiskCheck.dailyLoss.rawValue ? .riskIncreasing : .allOrders
    }

    /// The `RiskLimits` keys the check reads (empty for checks configured by other policy fields).
    public var limitKeys: [String] {
        switch self {
        case .signalAge: ["max_signal_age_seconds"]
        case .quoteAge: ["max_quote_age_seconds"]
        case .priceBand: ["price_band_bps"]
        case .duplicateIntent: ["duplicate_intent_window_seconds"]
        case .orderRate: ["max_orders_per_minute"]
        case .symbolOrderRate: ["max_orders_per_minute_per_symbol"]
        case .dailyLoss: ["max_daily_loss_usd", "max_daily_loss_fraction_of_equity"]
        case .drawdown: ["max_drawdown_fraction_from_high_water_mark"]
        case .cooldown: ["cooldown_seconds"]
        case .openPositions: ["max_open_positions"]
        case .maxQuantity: ["max_quantity_per_order_shares"]
        case .maxNotional: ["max_notional_per_trade_usd"]
        case .participation: ["max_participation_fraction_of_adv"]
        case .positionNotional: ["max_position_notional_usd"]
        case .positionFraction: ["max_position_fraction_of_equity"]
        case .grossExposure: ["max_gross_exposure_usd", "max_gross_exposure_fraction_of_equity"]
        case .netExposure: ["max_net_exposure_usd", "max_net_exposure_fraction_of_equity"]
        case .minNotional: ["min_notional_per_trade_usd"]
        default: []
        }
    }

    /// The policy fields (outside `limits`) that configure the check.
    public var policyFields: [String] {
        switch self {
        case .symbolDenied: ["symbols.deny"]
        case .symbolAllowed: ["universe", "symbols.allow"]
        case .tradingHours: ["trading_hours"]
        case .patternDayTrader: ["pattern_day_trader"]
        case .shorts: ["shorts.allowed"]
        case .borrow: ["shorts.require_easy_to_borrow", "shorts.when_borrow_data_missing"]
        case .participation: ["when_adv_missing"]
        case .buyingPower: ["buying_power"]
        case .quantityStep: ["quantity", "shorts.whole_shares_only"]
        default: []
        }
    }

    /// Every reason code the check can give, the main one first.
    public var reasons: [RiskReason] {
        switch self {
        case .price: [.missingPrice]
        case .quantity: [.qtyNonPositive]
        case .symbolDenied: [.symbolDenied]
        case .symbolAllowed: [.symbolNotAllowed]
        case .tradingHours: [.outsideTradingHours]
        case .signalAge: [.signalStale, .signalTimeInFuture]
        case .quoteAge: [.quoteStale]
        case .priceBand: [.priceBandExceeded]
        case .duplicateIntent: [.duplicateIntent]
        case .orderRate: [.orderRateExceeded]
        case .symbolOrderRate: [.symbolOrderRateExceeded]
        case .dailyLoss: [.dailyLossLimitExceeded]
        case .drawdown: [.maxDrawdownExceeded]
        case .cooldown: [.cooldownActive]
        case .patternDayTrader: [.patternDayTraderLimit]
        case .shorts: [.shortsNotAllowed]
        case .borrow:
            [
                .localSymbolNotTradable, .localSymbolNotShortable, .localSymbolNotEasyToBorrow,
                .shortingMetadataUnavailable,
            ]
        case .openPositions: [.maxPositionsExceeded]
        case .maxQuantity: [.maxQuantityExceeded]
        case .maxNotional: [.maxNotionalExceeded]
        case .participation: [.participationExceedsMax, .missingAdv]
        case .positionNotional: [.symbolCapacityExhausted]
        case .positionFraction: [.maxPositionPctExceeded]
        case .grossExposure: [.grossExposureCapacityExhausted]
        case .netExposure: [.netExposureCapacityExhausted]
        case .buyingPower: [.insufficientBuyingPower]
        case .quantityStep: [.qtyInvalidIncrement, .qtyBelowMin]
        case .minNotional: [.minNotionalNotMet]
        }
    }
}

/// Every reason code a risk check can give (snake_case, stable: events, goldens and alerts key on them).
public enum RiskReason: String, Sendable, Hashable, CaseIterable {
    case missingPrice = "missing_price"
    case qtyNonPositive = "qty_non_positive"
    case symbolDenied = "symbol_denied"
    case symbolNotAllowed = "symbol_not_allowed"
    case outsideTradingHours = "outside_trading_hours"
    case signalStale = "signal_stale"
    case signalTimeInFuture = "signal_time_in_future"
    case quoteStale = "quote_stale"
    case priceBandExceeded = "price_band_exceeded"
    case duplicateIntent = "duplicate_intent"
    case orderRateExceeded = "order_rate_exceeded"
    case symbolOrderRateExceeded = "symbol_order_rate_exceeded"
    case dailyLossLimitExceeded = "daily_loss_limit_exceeded"
    case maxDrawdownExceeded = "max_drawdown_exceeded"
    case cooldownActive = "cooldown_active"
    case patternDayTraderLimit = "pattern_day_trader_limit"
    case shortsNotAllowed = "shorts_not_allowed"
    case localSymbolNotTradable = "local_symbol_not_tradable"
    case localSymbolNotShortable = "local_symbol_not_shortable"
    case localSymbolNotEasyToBorrow = "local_symbol_not_easy_to_borrow"
    case shortingMetadataUnavailable = "shorting_metadata_unavailable"
    case maxPositionsExceeded = "max_positions_exceeded"
    case maxQuantityExceeded = "max_quantity_exceeded"
    case maxNotionalExceeded = "max_notional_exceeded"
    case participationExceedsMax = "participation_exceeds_max"
    case missingAdv = "missing_adv"
    case symbolCapacityExhausted = "symbol_capacity_exhausted"
    case maxPositionPctExceeded = "max_position_pct_exceeded"
    case grossExposureCapacityExhausted = "gross_exposure_capacity_exhausted"
    case netExposureCapacityExhausted = "net_exposure_capacity_exhausted"
    case insufficientBuyingPower = "insufficient_buying_power"
    case qtyInvalidIncrement = "qty_invalid_increment"
    case qtyBelowMin = "qty_below_min"
    case minNotionalNotMet = "min_notional_not_met"
}
