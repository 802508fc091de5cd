import SpecCompiler
import SpecModel

/// Executes a plan over a stream of signals, in order: per signal it computes the features (with the New York
/// session the signal falls in), then evaluates every enabled strategy whose timeframe and symbols match. Pure and
/// deterministic: the same plan and signals give the same decisions; fills come back through `applyFill`.
public struct PlanRunner: Sendable {
    public private(set) var books: [StrategyBook]
    public let calendar: MarketCalendar
    private var nativeFeatures: FeatureExtractor
    private var parityFeatures: FeatureExtractor
    private var vector = FeatureVector()
    private var symbolIDs: [String: Int] = [:]

    public init(plan: ExecutionPlan, calendar: MarketCalendar = .nyse) throws(RuleProgram.ResolutionError) {
        self.books = try plan.strategies.map { (strategy) throws(RuleProgram.ResolutionError) in
            StrategyBook(try CompiledStrategy(strategy))
        }
        self.calendar = calendar
        var names = Set(plan.universes.flatMap(\.symbols).map(\.rawValue))
        names.formUnion(plan.strategies.flatMap(\.symbols).map(\.rawValue))
        let sorted = names.sorted { $0.utf8Precedes($1) }
        self.nativeFeatures = FeatureExtractor(symbols: sorted, configuration: .init(priceSource: .close))
        self.parityFeatures = FeatureExtractor(symbols: sorted, configuration: .init(priceSource: .torghutParity))
        for (index, name) in sorted.enumerated() { self.symbolIDs[name] = index }
        self.parity = plan.strategies.map { $0.parity == "torghut" }
    }

    /// Per book: whether it reads prices the way Torghut did (session VWAP first).
    private let parity: [Bool]

    /// One strategy's evaluation of one signal: its decision, if any, and the trace of every rule it tried.
    public struct StrategyResult: Sendable, Hashable {
        public var strategy: Identifier
        public var evaluation: Evaluation
    }

    /// The evaluations of one signal by every matching strategy, in strategy-id order.
    public mutating func process(_ signal: SignalRecord, equity: Decimal?, stepShares: Decimal = Decimal(1))
        -> [StrategyResult]
    {
        let symbolID: Int
        if let known = self.symbolIDs[signal.symbol] {
            symbolID = known
        } else {
            // A symbol outside every universe still feeds cross-sections deterministically (arrival order).
            symbolID = self.nativeFeatures.addSymbol(signal.symbol)
            _ = self.parityFeatures.addSymbol(signal.symbol)
            self.symbolIDs[signal.symbol] = symbolID
        }
        let session = self.calendar.session(containing: signal.eventTime)
        // Parity strategies see Torghut's session: rule clock, session context and per-session counters on its
        // fixed clock.
        let torghutSession = Self.torghutSession(containing: signal.eventTime)
        var parityVector = FeatureVector()
        self.nativeFeatures.update(symbol: symbolID, signal: signal, session: session, into: &self.vector)
        let needsParity = self.parity.contains(true)
        if needsParity {
            self.parityFeatures.update(symbol: symbolID, signal: signal, session: torghutSession, into: &parityVector)
        }
        guard let symbol = Symbol(signal.symbol) else { return [] }
        let clock = Self.clock(session, at: signal.eventTime)
        let parityClock = Self.clock(torghutSession, at: signal.eventTime)
        var results: [StrategyResult] = []
        for index in self.books.indices {
            let strategy = self.books[index].strategy
            guard strategy.enabled, strategy.timeframe == signal.timeframe.rawValue, strategy.symbols.contains(symbol)
            else { continue }
            let features = self.parity[index] ? parityVector : self.vector
            let strategyClock = self.parity[index] ? parityClock : clock
            guard let price = features[.price].flatMap(Self.decimal), price > .zero else { continue }
            let context = SignalContext(
                symbol: symbol, eventTime: signal.eventTime,
                session: self.parity[index] ? torghutSession?.date : session?.date, clock: strategyClock,
                sizing: SizingContext(price: price, equity: equity, stepShares: stepShares))
            results.append(StrategyResult(strategy: strategy.id, evaluation: self.books[index].evaluate(features, context)))
        }
        return results
    }

    /// Records a fill for the strategy that decided it, counted in the session of the fill's time.
    public mutating func applyFill(_ decision: Decision, quantity: Decimal, price: Decimal, time: TimestampNanos) {
        guard let index = self.books.firstIndex(where: { $0.strategy.id == decision.strategy }) else { return }
        self.books[index].applyFill(
            symbol: decision.symbol, action: decision.action, quantity: quantity, price: price, time: time,
            reason: decision.intent == .exit ? decision.reasons.first : nil,
            session: self.parity[index]
                ? Self.torghutSession(containing: time)?.date : self.calendar.session(containing: time)?.date)
    }

    /// The clock names at `time`: exact (fractional) minutes after the open and before the close of `session` — flooring
    /// would let a 10-minute flatten fire with 10:59 left — and the UTC minute of day.
    static func clock(_ session: TradingSession?, at time: TimestampNanos) -> EvaluationContext {
        var clock = EvaluationContext(
            minutesAfterOpen: nil, minutesBeforeClose: nil,
            utcMinuteOfDay: Double(Timestamp.utcNanosOfDay(of: time)) / 60_000_000_000)
        if let session, time >= session.open, time < session.close {
            clock.minutesAfterOpen = Double(time - session.open) / 60_000_000_000
            clock.minutesBeforeClose = Double(session.close - time) / 60_000_000_000
        }
        return clock
    }

    /// Torghut's fixed session for the UTC date of `time` (`parity: torghut`): 13:30 to 20:00 UTC on every day, with no
    /// DST, no weekend check and no holiday or half-day table (reference 01 Appendix A.2); nil outside it.
    static func torghutSession(containing time: TimestampNanos) -> TradingSession? {
        let day = Timestamp.utcDaysSinceEpoch(of: time)
        let midnight = Int64(day) * Timestamp.nanosPerDay
        let session = TradingSession(
            date: CivilDate(daysSinceEpoch: day), kind: .regular, open: midnight + 810 * Timestamp.nanosPerMinute,
            close: midnight + 1200 * Timestamp.nanosPerMinute)
        return time >= session.open && time < session.close ? session : nil
    }

    /// A feature price as an exact decimal: rounded to 10⁻⁹ (the decimal's resolution), never through text.
    /// A feature value as an exact decimal (rounded to 10⁻⁹); nil when not finite or out of range.
    public static func decimalValue(_ value: Double) -> Decimal? { Self.decimal(value) }

    static func decimal(_ value: Double) -> Decimal? {
        let units = (value * 1e9).rounded()
        guard units.isFinite, abs(units) < 9.2e18 else { return nil }
        return Decimal(units: Int64(units))
    }
}

extension Array where Element == PlanRunner.StrategyResult {
    /// The decisions among the results, in strategy-id order.
    public var decisions: [Decision] { self.compactMap(\.evaluation.decision) }
}
