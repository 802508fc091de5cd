import SpecModel

/// Where orders go: limits that depend on it (borrow data) are strict in live mode only, as in Torghut.
public enum TradingMode: String, Sendable, Hashable {
    case simulation
    case paper
    case live
}

/// One order as the strategy wants it, priced, before risk. Indices come from `RiskEngine`, so the chain never
/// hashes a string.
public struct RiskIntent: Sendable, Hashable {
    /// Index of the strategy in the plan (`plan.strategies`).
    public var strategy: Int
    /// `RiskEngine.symbolIndex(of:)`; nil for a symbol outside every universe of the plan.
    public var symbol: Int?
    public var action: Decision.Action
    public var quantity: Decimal
    /// The order's limit price; nil when the decision had no usable (finite, positive) price.
    public var limitPrice: Decimal?
    /// An independent market price the limit is compared with for the price band: the quote midpoint, else the
    /// last trade. Nil skips the band check.
    public var bandReference: Decimal?
    /// Event time of the signal the decision acted on.
    public var signalTime: TimestampNanos
    /// Time of the quote the limit was priced from; nil when no quote priced it.
    public var quoteTime: TimestampNanos?
    /// Average daily dollar volume of the symbol, for the participation limit.
    public var averageDailyVolumeUSD: Decimal?

    public init(
        strategy: Int, symbol: Int?, action: Decision.Action, quantity: Decimal, limitPrice: Decimal?,
        bandReference: Decimal? = nil, signalTime: TimestampNanos, quoteTime: TimestampNanos? = nil,
        averageDailyVolumeUSD: Decimal? = nil
    ) {
        self.strategy = strategy
        self.symbol = symbol
        self.action = action
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.bandReference = bandReference
        self.signalTime = signalTime
        self.quoteTime = quoteTime
        self.averageDailyVolumeUSD = averageDailyVolumeUSD
    }
}

/// Broker data about an asset, for short-increasing sells.
public struct AssetStatus: Sendable, Hashable {
    public var tradable: Bool
    public var shortable: Bool
    public var easyToBorrow: Bool

    public init(tradable: Bool, shortable: Bool, easyToBorrow: Bool) {
        self.tradable = tradable
        self.shortable = shortable
        self.easyToBorrow = easyToBorrow
    }
}

/// The account as the intent sees it: account totals plus the intent's symbol. The caller (simulator or live
/// runtime) fills it from its own books; pending (open, unfilled) orders are included where the caller has them.
public struct RiskAccount: Sendable, Hashable {
    public var equity: Decimal
    /// The broker's buying power (the simulator: `multiplier × equity − gross exposure`).
    public var buyingPower: Decimal
    /// Notional of open orders not yet filled; subtracted from buying power when the policy says so.
    public var pendingOrderNotional: Decimal
    /// Σ |quantity × mark| over positions.
    public var grossExposure: Decimal
    /// Σ quantity × mark (signed).
    public var netExposure: Decimal
    /// Symbols with a non-zero position.
    public var openPositions: Int
    /// Signed position in the intent's symbol, with open orders in that symbol added when known.
    public var position: Decimal
    /// The price the position is valued at (its last mark).
    public var mark: Decimal
    /// Nil when the broker's asset data is unknown.
    public var asset: AssetStatus?
    public var mode: TradingMode

    public init(
        equity: Decimal, buyingPower: Decimal, pendingOrderNotional: Decimal = .zero, grossExposure: Decimal = .zero,
        netExposure: Decimal = .zero, openPositions: Int = 0, position: Decimal = .zero, mark: Decimal = .zero,
        asset: AssetStatus? = nil, mode: TradingMode = .simulation
    ) {
        self.equity = equity
        self.buyingPower = buyingPower
        self.pendingOrderNotional = pendingOrderNotional
        self.grossExposure = grossExposure
        self.netExposure = netExposure
        self.openPositions = openPositions
        self.position = position
        self.mark = mark
        self.asset = asset
        self.mode = mode
    }
}
