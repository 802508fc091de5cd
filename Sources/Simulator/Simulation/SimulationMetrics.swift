import Runtime
import SpecModel

/// The summary of a run (`metrics.json`). Money is exact; ratios are doubles reported rounded to 10⁻⁶.
public struct SimulationMetrics: Sendable, Hashable {
    public var startingEquity: Decimal = .zero
    public var endingEquity: Decimal = .zero
    public var realizedPnL: Decimal = .zero
    public var unrealizedPnL: Decimal = .zero
    public var costs: Decimal = .zero
    /// realized + unrealized (before costs).
    public var grossPnL: Decimal = .zero
    /// gross − costs = ending − starting equity.
    public var netPnL: Decimal = .zero
    /// Annualized Sharpe ratio of one-minute equity returns (√(252 × 390)); 0 without variation.
    public var sharpe: Double = 0
    /// Largest fall from the running equity high, as a fraction of that high.
    public var maxDrawdownFraction: Double = 0
    /// Position legs closed at a profit (before costs) over legs closed.
    public var winRate: Double = 0
    public var fillRate: Double = 0
    public var slippageBpsMedian: Double = 0
    public var slippageBpsP95: Double = 0
    /// Σ |fill notional| / starting equity.
    public var turnover: Double = 0
    /// costs / Σ |fill notional| in basis points.
    public var costBps: Double = 0
    /// The decision funnel.
    public var signals = 0
    public var evaluations = 0
    public var decisions = 0
    public var orders = 0
    public var fills = 0
    /// Decisions the risk chain refused, and orders it reduced.
    public var riskRejected = 0
    public var riskClamped = 0
    /// Orders above the cost model's participation cap (`max_participation_fraction_of_adv` × `adv_usd`).
    public var ordersOverCapacity = 0

    /// The value a `Scenario` gate checks (money as a double).
    public func value(of metric: ScenarioMetric) -> Double {
        switch metric {
        case .netPnLUSD: self.netPnL.doubleValue
        case .grossPnLUSD: self.grossPnL.doubleValue
        case .realizedPnLUSD: self.realizedPnL.doubleValue
        case .unrealizedPnLUSD: self.unrealizedPnL.doubleValue
        case .costsUSD: self.costs.doubleValue
        case .sharpe: self.sharpe
        case .maxDrawdownFraction: self.maxDrawdownFraction
        case .winRate: self.winRate
        case .fillRate: self.fillRate
        case .slippageBPSMedian: self.slippageBpsMedian
        case .slippageBPSP95: self.slippageBpsP95
        case .turnover: self.turnover
        case .costBPS: self.costBps
        case .orders: Double(self.orders)
        case .fills: Double(self.fills)
        case .ordersOverCapacity: Double(self.ordersOverCapacity)
        case .decisions: Double(self.decisions)
        case .signals: Double(self.signals)
        }
    }

    public var json: JSONValue {
        .object([
            "pnl": .object([
                "starting_equity_usd": .decimal(self.startingEquity), "ending_equity_usd": .decimal(self.endingEquity),
                "realized_usd": .decimal(self.realizedPnL), "unrealized_usd": .decimal(self.unrealizedPnL),
                "gross_usd": .decimal(self.grossPnL), "costs_usd": .decimal(self.costs), "net_usd": .decimal(self.netPnL),
            ]),
            "risk": .object([
                "sharpe": SimulationEvent.rounded(self.sharpe),
                "max_drawdown_fraction": SimulationEvent.rounded(self.maxDrawdownFraction),
            ]),
            "trading": .object([
                "win_rate": SimulationEvent.rounded(self.winRate), "fill_rate": SimulationEvent.rounded(self.fillRate),
                "slippage_bps_median": SimulationEvent.rounded(self.slippageBpsMedian),
                "slippage_bps_p95": SimulationEvent.rounded(self.slippageBpsP95),
                "turnover": SimulationEvent.rounded(self.turnover), "cost_bps": SimulationEvent.rounded(self.costBps),
            ]),
            "funnel": .object([
                "signals": .integer(Int64(self.signals)), "evaluations": .integer(Int64(self.evaluations)),
                "decisions": .integer(Int64(self.decisions)), "orders": .integer(Int64(self.orders)),
                "fills": .integer(Int64(self.fills)), "risk_rejected": .integer(Int64(self.riskRejected)),
                "risk_clamped": .integer(Int64(self.riskClamped)),
                "over_capacity": .integer(Int64(self.ordersOverCapacity)),
            ]),
        ])
    }
}

/// Accumulates what the metrics need, O(1) per event apart from the slippage list (one double per fill).
///
/// Both risk metrics start from the starting equity: the drawdown's high-water mark is at least it, and the first
/// minute's return is measured against it. A minute's equity is the last observed in it (after that signal's
/// fills), and the last minute is closed by `finish`.
struct MetricsAccumulator: Sendable {
    var metrics = SimulationMetrics()
    private var slippages: [Double] = []
    private var tradedNotional = 0.0
    private var highWater: Double
    /// The minute of the latest observation (`.min` before the first) and the equity observed last.
    private var minute: Int64 = .min
    private var lastEquity: Double
    /// The equity that closed the previous minute (the starting equity before the first).
    private var previousClose: Double
    private var returns = 0
    private var returnSum = 0.0
    private var returnSquares = 0.0

    init(startingEquity: Decimal) {
        let starting = startingEquity.doubleValue
        self.highWater = starting
        self.lastEquity = starting
        self.previousClose = starting
    }

    mutating func observe(equity: Decimal, at time: TimestampNanos) {
        let value = equity.doubleValue
        if value > self.highWater { self.highWater = value }
        if self.highWater > 0 {
            self.metrics.maxDrawdownFraction = max(self.metrics.maxDrawdownFraction, (self.highWater - value) / self.highWater)
        }
        let minute = Timestamp.floorDivide(time, Timestamp.nanosPerMinute)
        if minute != self.minute {
            if self.minute != .min { self.closeMinute() }
            self.minute = minute
        }
        self.lastEquity = value
    }

    /// Adds the return of the minute that ends with `lastEquity`.
    private mutating func closeMinute() {
        if self.previousClose > 0 {
            let r = self.lastEquity / self.previousClose - 1
            self.returns += 1
            self.returnSum += r
            self.returnSquares += r * r
        }
        self.previousClose = self.lastEquity
    }

    mutating func record(_ fill: SimulatedFill) {
        self.slippages.append(fill.slippageBps)
        self.tradedNotional += (fill.quantity.magnitude.doubleValue * fill.price.doubleValue)
    }

    func finish(_ portfolio: Portfolio, startingEquity: Decimal) throws(SimulationError) -> SimulationMetrics {
        var closed = self
        if closed.minute != .min { closed.closeMinute() }
        var metrics = closed.metrics
        metrics.startingEquity = startingEquity
        metrics.endingEquity = try portfolio.equity()
        metrics.realizedPnL = portfolio.realizedPnL
        metrics.unrealizedPnL = try portfolio.unrealizedPnL()
        metrics.costs = portfolio.costs
        metrics.grossPnL = try exact(metrics.realizedPnL.adding(metrics.unrealizedPnL), "gross PnL")
        metrics.netPnL = try exact(metrics.endingEquity.subtracting(startingEquity), "net PnL")
        metrics.winRate = portfolio.closedLegs > 0 ? Double(portfolio.winningLegs) / Double(portfolio.closedLegs) : 0
        metrics.fillRate = metrics.orders > 0 ? Double(metrics.fills) / Double(metrics.orders) : 0
        let sorted = self.slippages.sorted()
        metrics.slippageBpsMedian = Self.percentile(sorted, 0.5)
        metrics.slippageBpsP95 = Self.percentile(sorted, 0.95)
        let starting = startingEquity.doubleValue
        metrics.turnover = starting > 0 ? self.tradedNotional / starting : 0
        metrics.costBps = self.tradedNotional > 0 ? portfolio.costs.doubleValue / self.tradedNotional * 10_000 : 0
        if closed.returns > 1 {
            let n = Double(closed.returns)
            let mean = closed.returnSum / n
            let variance = max(0, (closed.returnSquares - n * mean * mean) / (n - 1))
            metrics.sharpe = variance > 0 ? mean / variance.squareRoot() * (252.0 * 390).squareRoot() : 0
        }
        return metrics
    }

    /// Nearest-rank percentile of sorted values; 0 when empty.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
