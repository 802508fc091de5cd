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
    /// Buying power = multiplier × equity − gross exposure: 2 is a Reg T margin account, 1 a cash account.
    public var buyingPowerMultiplier: Decimal
    /// Starting positions a strategy holds: its book starts with the position, so its exits, stops and hold limits
    /// apply. The other starting positions are the account's alone.
    public var positionHolders: [(symbol: Symbol, strategy: Identifier)] = []
    /// When the held starting positions count as entered (the run's start), for hold limits; nil: no entry time.
    public var positionsEnteredAt: TimestampNanos?

    public init(
        startingCash: Decimal, positions: [(symbol: Symbol, quantity: Decimal, averagePrice: Decimal)] = [],
        execution: TorghutExecutionModel = TorghutExecutionModel(), costs: TorghutCostModel = TorghutCostModel(),
        stepShares: Decimal = Decimal(1), buyingPowerMultiplier: Decimal = Decimal(2)
    ) {
        self.startingCash = startingCash
        self.positions = positions
        self.execution = execution
        self.costs = costs
        self.stepShares = stepShares
        self.buyingPowerMultiplier = buyingPowerMultiplier
    }
}

/// The deterministic simulation loop: each signal (in stream order; its event time is the only clock) goes through
/// the plan; every decision becomes a priced order, goes through the risk chain (the same `RiskEngine` the live
/// runtime uses), and, if allowed, a fill and a position update. A pure function of (plan, signals, settings,
/// `engineVersion`). Not thread-safe.
public struct Simulation: Sendable {
    public static let engineVersion = "torghut-sim-2026.1"

    public let settings: SimulationSettings
    private var runner: PlanRunner
    public private(set) var portfolio: Portfolio
    /// Per symbol name's bytes: its position's index + 1 when held, 0 when not; forgotten after every fill (positions
    /// open, close and shift). Every signal asks, and most symbols are not held.
    private var heldByName = StringIdentityCache()
    private let startingEquity: Decimal
    private var accumulator: MetricsAccumulator
    private var eventCount = 0
    /// Reused from signal to signal: a warm loop allocates only when a strategy decides.
    private var evaluations = SignalEvaluations()
    public let risk: RiskEngine
    public private(set) var riskState: RiskState
    private var verdict = RiskVerdict()
    /// Strategy id → index in the plan (the risk engine's strategy numbering).
    private let strategyIndices: [Identifier: Int]
    private let averageDailyVolume: Decimal?

    public init(plan: ExecutionPlan, settings: SimulationSettings) throws {
        self.settings = settings
        self.runner = try PlanRunner(plan: plan)
        self.risk = try RiskEngine(plan: plan, calendar: self.runner.calendar)
        self.riskState = self.risk.makeState()
        var indices: [Identifier: Int] = [:]
        for (index, strategy) in plan.strategies.enumerated() { indices[strategy.id] = index }
        self.strategyIndices = indices
        self.averageDailyVolume = settings.costs.advUSD > 0 ? PlanRunner.decimalValue(settings.costs.advUSD) : nil
        self.portfolio = Portfolio(cash: settings.startingCash, positions: settings.positions)
        self.startingEquity = try self.portfolio.equity()
        self.accumulator = MetricsAccumulator(startingEquity: self.startingEquity)
        // The first session's loss is measured from the account as it starts, every position at its own price.
        self.riskState.baselineEquity = self.startingEquity
        for (symbol, strategy) in settings.positionHolders {
            guard let position = self.portfolio.position(symbol) else {
                throw SimulationError("strategy \(strategy) holds \(symbol), which is not a starting position")
            }
            let state = SymbolState(
                quantity: position.quantity, averageEntryPrice: position.averagePrice,
                entryTime: settings.positionsEnteredAt)
            guard self.runner.startPosition(state, of: symbol, heldBy: strategy) else {
                throw SimulationError("strategy \(strategy), which holds \(symbol) at the start, is not in the plan")
            }
        }
    }

    /// Runs one signal; `emit` receives the events it caused, numbered from 1 across the run.
    public mutating func process(
        _ signal: SignalRecord, emit: (Int, SimulationEvent) throws -> Void
    ) throws {
        try withoutActuallyEscaping(emit) { emit in
            var sink = ClosureEventSink(emit: emit)
            try self.process(signal, into: &sink)
        }
    }

    /// Runs one signal into `sink`: the signal event is handed over as the record itself (no event value is built
    /// for it, the bulk of a run's events), the rest as `SimulationEvent`s, numbered from 1 across the run.
    public mutating func process<Sink: SimulationEventSink>(_ signal: SignalRecord, into sink: inout Sink) throws {
        self.eventCount += 1
        try sink.signal(number: self.eventCount, signal)
        try self.process(afterSignal: signal) { number, event in try sink.event(number: number, event) }
    }

    /// `portfolio.index(ofName:)`, remembered for the name's bytes until the next fill.
    private mutating func heldIndex(ofName name: String) -> Int? {
        if let known = self.heldByName.value(for: name) { return known == 0 ? nil : known - 1 }
        let index = self.portfolio.index(ofName: name)
        self.heldByName.remember(name, as: index.map { $0 + 1 } ?? 0)
        return index
    }

    private mutating func process(
        afterSignal signal: SignalRecord, emit: (Int, SimulationEvent) throws -> Void
    ) throws {
        self.accumulator.metrics.signals += 1
        // Only held positions are marked, found by name (a symbol that is held is a valid one).
        if let index = self.heldIndex(ofName: signal.symbol),
            let close = signal.close.flatMap(PlanRunner.decimalValue), close > .zero
        {
            self.portfolio.mark(at: index, close)
        }
        let equity = try self.portfolio.equity()
        self.risk.observe(&self.riskState, time: signal.eventTime, equity: equity)
        self.runner.process(signal, equity: equity, stepShares: self.settings.stepShares, into: &self.evaluations)
        self.accumulator.metrics.evaluations += self.evaluations.count
        for entry in self.evaluations.entries {
            guard entry.decisionIndex >= 0 else { continue }
            let decision = self.evaluations.decisions[entry.decisionIndex]
            self.accumulator.metrics.decisions += 1
            try self.emit(.decision(decision, trace: Array(self.evaluations.outcomes(of: entry))), emit)
            guard decision.quantity > .zero else { continue }
            var order = try self.settings.execution.order(for: decision, quote: signal.imbalance)
            let intent = self.intent(for: order, decision: decision, signal: signal)
            let account = try self.account(for: order.symbol)
            self.risk.evaluate(intent, account: account, state: self.riskState, into: &self.verdict)
            if let denial = self.verdict.denial {
                self.accumulator.metrics.riskRejected += 1
                try self.emit(.riskRejected(order, denial), emit)
                continue
            }
            if !self.verdict.clamps.isEmpty {
                self.accumulator.metrics.riskClamped += 1
                order.requestedQuantity = order.quantity
                order.quantity = self.verdict.quantity
                order.riskClamps = self.verdict.clamps
            }
            self.risk.record(intent, allowed: order.quantity, account: account, in: &self.riskState)
            self.accumulator.metrics.orders += 1
            if self.settings.costs.exceedsCapacity(quantity: order.quantity, price: order.limitPrice) {
                order.overCapacity = true
                self.accumulator.metrics.ordersOverCapacity += 1
            }
            try self.emit(.order(order), emit)
            let cost = try self.settings.costs.cost(
                quantity: order.quantity, price: order.limitPrice, volatilityPerSecond: signal.volRealized?.w60s)
            let fill = self.settings.execution.fill(order, cost: cost)
            self.accumulator.metrics.fills += 1
            self.accumulator.record(fill)
            try self.emit(.fill(fill, symbol: order.symbol, action: order.action), emit)
            let signed = order.action == .buy ? fill.quantity : fill.quantity.negated
            let before = self.portfolio.position(order.symbol)?.quantity ?? .zero
            // Forgotten first: `apply` may add a position and then fail.
            self.heldByName.removeAll()
            let realized = try self.portfolio.apply(symbol: order.symbol, quantity: signed, price: fill.price, cost: cost)
            if let symbol = intent.symbol {
                self.risk.recordFill(
                    symbol: symbol, positionBefore: before,
                    positionAfter: self.portfolio.position(order.symbol)?.quantity ?? .zero, in: &self.riskState)
            }
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

    /// The order as the risk chain sees it: the band is checked against the quote midpoint (else the bar close), and
    /// the quote is as old as the signal that carried it.
    private func intent(for order: SimulatedOrder, decision: Decision, signal: SignalRecord) -> RiskIntent {
        var reference: Decimal?
        var quoteTime: TimestampNanos?
        if let quote = signal.imbalance, quote.isQuote {
            reference = PlanRunner.decimalValue((quote.bidPx + quote.askPx) / 2)
            quoteTime = signal.eventTime
        } else if let close = signal.close, close.isFinite, close > 0 {
            reference = PlanRunner.decimalValue(close)
        }
        return RiskIntent(
            strategy: self.strategyIndices[decision.strategy] ?? 0, symbol: self.risk.symbolIndex(of: order.symbol),
            action: order.action, quantity: order.quantity, limitPrice: order.limitPrice > .zero ? order.limitPrice : nil,
            bandReference: reference, signalTime: decision.eventTime, quoteTime: quoteTime,
            averageDailyVolumeUSD: self.averageDailyVolume)
    }

    /// The account from the portfolio: a Reg T style buying power (`multiplier × equity − gross`), no pending
    /// orders (fills are immediate), no borrow data (the policy's `when_borrow_data_missing` decides).
    private func account(for symbol: Symbol) throws(SimulationError) -> RiskAccount {
        var gross = Decimal.zero
        var net = Decimal.zero
        for position in self.portfolio.positions {
            let value = try exact(position.quantity.multiplied(by: position.mark, rounding: .halfEven), "a position value")
            gross = try exact(gross.adding(value.magnitude), "gross exposure")
            net = try exact(net.adding(value), "net exposure")
        }
        let equity = try self.portfolio.equity()
        // Past the decimal's range (multiplier × equity beyond about ±9.2 billion) the difference is taken in 128
        // bits and saturates at the range, rather than stopping the run; gross exposure is still subtracted.
        let power =
            equity.multiplied(by: self.settings.buyingPowerMultiplier, rounding: .halfEven)?.subtracting(gross)
            ?? Self.saturatedBuyingPower(equity, self.settings.buyingPowerMultiplier, gross)
        let position = self.portfolio.position(symbol)
        return RiskAccount(
            equity: equity, buyingPower: max(.zero, power), grossExposure: gross, netExposure: net,
            openPositions: self.portfolio.positions.count, position: position?.quantity ?? .zero,
            mark: position?.mark ?? .zero, mode: .simulation)
    }

    /// multiplier × equity − gross in 128 bits (truncated to 10⁻⁹, the scale's rounding is immaterial this far
    /// out), clamped to the decimal's range.
    static func saturatedBuyingPower(_ equity: Decimal, _ multiplier: Decimal, _ gross: Decimal) -> Decimal {
        let wide =
            Int128(equity.units) * Int128(multiplier.units) / Int128(Decimal.unitsPerWhole) - Int128(gross.units)
        let limit = Int128(Int64.max)  // the range is symmetric: ±(2⁶³ − 1) units
        return Decimal(units: Int64(max(-limit, min(limit, wide))))
    }

    private mutating func emit(_ event: SimulationEvent, _ sink: (Int, SimulationEvent) throws -> Void) throws {
        self.eventCount += 1
        try sink(self.eventCount, event)
    }
}

/// Where a simulation's events go. A protocol (with a generic `process`) rather than a closure so the per-signal
/// path is statically dispatched and the receiver's state is a plain `inout` value.
public protocol SimulationEventSink {
    /// The `signal` event of `record`.
    mutating func signal(number: Int, _ record: SignalRecord) throws
    /// Every other event.
    mutating func event(number: Int, _ event: SimulationEvent) throws
}

/// A closure as a sink: signal events become `SimulationEvent.signal`.
private struct ClosureEventSink: SimulationEventSink {
    let emit: (Int, SimulationEvent) throws -> Void

    func signal(number: Int, _ record: SignalRecord) throws { try self.emit(number, .signal(record)) }
    func event(number: Int, _ event: SimulationEvent) throws { try self.emit(number, event) }
}
