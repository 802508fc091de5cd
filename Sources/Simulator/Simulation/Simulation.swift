import Runtime
import SpecCompiler
import SpecModel

/// What a run starts from besides the plan and the data.
public struct SimulationSettings: Sendable {
    public var startingCash: Decimal
    public var positions: [(symbol: Symbol, quantity: Decimal, averagePrice: Decimal)]
    public var execution: TorghutExecutionModel
    public var costs: TorghutCostModel
    /// Share step for sizing (Torghut: whole shares for equities).
    public var stepShares: Decimal

    public init(
        startingCash: Decimal, positions: [(symbol: Symbol, quantity: Decimal, averagePrice: Decimal)] = [],
        execution: TorghutExecutionModel = TorghutExecutionModel(), costs: TorghutCostModel = TorghutCostModel(),
        stepShares: Decimal = Decimal(1)
    ) {
        self.startingCash = startingCash
        self.positions = positions
        self.execution = execution
        self.costs = costs
        self.stepShares = stepShares
    }
}

/// The deterministic simulation loop: each signal (in stream order; its event time is the only clock) goes through
/// the plan; every decision becomes an order, a fill and a position update. A pure function of (plan, signals,
/// settings, `engineVersion`). Not thread-safe.
public struct Simulation: Sendable {
    public static let engineVersion = "torghut-sim-2026.1"

    public let settings: SimulationSettings
    private var runner: PlanRunner
    public private(set) var portfolio: Portfolio
    private let startingEquity: Decimal
    private var accumulator = MetricsAccumulator()
    private var eventCount = 0
    /// Reused from signal to signal: a warm loop allocates only when a strategy decides.
    private var evaluations = SignalEvaluations()

    public init(plan: ExecutionPlan, settings: SimulationSettings) throws {
        self.settings = settings
        self.runner = try PlanRunner(plan: plan)
        self.portfolio = Portfolio(cash: settings.startingCash, positions: settings.positions)
        self.startingEquity = try self.portfolio.equity()
    }

    /// Runs one signal; `emit` receives the events it caused, numbered from 1 across the run.
    public mutating func process(
        _ signal: SignalRecord, emit: (Int, SimulationEvent) throws -> Void
    ) throws {
        try self.emit(.signal(signal), emit)
        self.accumulator.metrics.signals += 1
        if let symbol = Symbol(signal.symbol), let close = signal.close.flatMap(PlanRunner.decimalValue), close > .zero {
            self.portfolio.mark(symbol, at: close)
        }
        let equity = try self.portfolio.equity()
        self.runner.process(signal, equity: equity, stepShares: self.settings.stepShares, into: &self.evaluations)
        self.accumulator.metrics.evaluations += self.evaluations.count
        for entry in self.evaluations.entries {
            guard let decision = entry.decision else { continue }
            self.accumulator.metrics.decisions += 1
            try self.emit(.decision(decision, trace: Array(self.evaluations.outcomes(of: entry))), emit)
            guard decision.quantity > .zero else { continue }
            let order = try self.settings.execution.order(for: decision, quote: signal.imbalance)
            self.accumulator.metrics.orders += 1
            try self.emit(.order(order), emit)
            let cost = try self.settings.costs.cost(
                quantity: order.quantity, price: order.limitPrice, volatilityPerSecond: signal.volRealized?.w60s)
            let fill = self.settings.execution.fill(order, cost: cost)
            self.accumulator.metrics.fills += 1
            self.accumulator.record(fill)
            try self.emit(.fill(fill, symbol: order.symbol, action: order.action), emit)
            let signed = order.action == .buy ? fill.quantity : fill.quantity.negated
            let realized = try self.portfolio.apply(symbol: order.symbol, quantity: signed, price: fill.price, cost: cost)
            self.runner.applyFill(decision, quantity: fill.quantity, price: fill.price, time: fill.time)
            try self.emit(
                .position(
                    symbol: order.symbol, position: self.portfolio.position(order.symbol), realizedPnL: realized,
                    cash: self.portfolio.cash, equity: try self.portfolio.equity(), time: fill.time), emit)
        }
        self.accumulator.observe(equity: try self.portfolio.equity(), at: signal.eventTime)
    }

    public func metrics() throws(SimulationError) -> SimulationMetrics {
        try self.accumulator.finish(self.portfolio, startingEquity: self.startingEquity)
    }

    private mutating func emit(_ event: SimulationEvent, _ sink: (Int, SimulationEvent) throws -> Void) throws {
        self.eventCount += 1
        try sink(self.eventCount, event)
    }
}
