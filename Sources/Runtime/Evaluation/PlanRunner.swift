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
    private var parityVector = FeatureVector()
    private var symbolIDs = SymbolIndex()
    /// In front of `symbolIDs`: the same symbol's name arrives with the same bytes signal after signal.
    private var symbolIdentities = StringIdentityCache()
    /// Per symbol id: the name as a validated `Symbol` (nil when it is not a valid ticker), checked once.
    private var symbols: [Symbol?] = []
    /// Per symbol id, per book (`id * books.count + book`): the book is enabled and trades the symbol. Replaces a
    /// `Set<Symbol>` lookup (a string hash) per book and signal.
    private var trades: [Bool] = []
    /// Per book: whether it reads prices the way Torghut did (session VWAP first).
    private let parity: [Bool]
    /// Whether an enabled book reads the parity features: only then are they computed (disabled books never read them).
    private let needsParity: Bool
    /// Per book: whether it reads `matchedTimeframe`'s signals. Signals of one run almost always share a timeframe,
    /// so the strategies' timeframes are compared with it once, not once per signal and book.
    private var timeframeMatches: [Bool] = []
    private var matchedTimeframe: Timeframe?
    /// Per book: the strategy id (for `SignalEvaluations`).
    private let strategyIDs: [Identifier]
    /// One memo for every book's rule programs (books are evaluated one after another), sized to the largest.
    private var memo = ProgramMemo()
    private let memoSlots: Int
    /// Reused by the `[StrategyResult]` form of `process`.
    private var scratch = SignalEvaluations()
    /// The session of the last signal: signals arrive in time order, so the next one almost always falls in it and
    /// the calendar (a civil-date computation) is asked only at session boundaries.
    private var lastSession: TradingSession?

    public init(plan: ExecutionPlan, calendar: MarketCalendar = .nyse) throws(RuleProgram.ResolutionError) {
        self.books = try plan.strategies.map { (strategy) throws(RuleProgram.ResolutionError) in
            StrategyBook(try CompiledStrategy(strategy))
        }
        self.calendar = calendar
        var names = Set(plan.universes.flatMap(\.symbols).map(\.rawValue))
        names.formUnion(plan.strategies.flatMap(\.symbols).map(\.rawValue))
        let sorted = names.sorted { $0.utf8Precedes($1) }
        self.parity = plan.strategies.map { $0.parity == "torghut" }
        // Each extractor computes what its enabled strategies read (disabled strategies are never evaluated).
        let (books, parity) = (self.books, self.parity)
        func demand(parity wanted: Bool) -> FeatureDemand {
            let readers = books.indices.filter { books[$0].strategy.enabled && parity[$0] == wanted }
            return FeatureDemand(reading: readers.flatMap { books[$0].strategy.featuresRead })
        }
        self.nativeFeatures = FeatureExtractor(
            symbols: sorted, configuration: .init(priceSource: .close, demand: demand(parity: false)))
        self.parityFeatures = FeatureExtractor(
            symbols: sorted, configuration: .init(priceSource: .torghutParity, demand: demand(parity: true)))
        self.strategyIDs = plan.strategies.map(\.id)
        self.memoSlots = self.books.map(\.strategy.code.slotCount).max() ?? 0
        self.needsParity = zip(plan.strategies, self.parity).contains { $0.enabled && $1 }
        for name in sorted { self.intern(name) }
    }

    /// One strategy's evaluation of one signal: its decision, if any, and the trace of every rule it tried.
    public struct StrategyResult: Sendable, Hashable {
        public var strategy: Identifier
        public var evaluation: Evaluation
    }

    /// The evaluations of one signal by every matching strategy, in strategy-id order.
    public mutating func process(_ signal: SignalRecord, equity: Decimal?, stepShares: Decimal = Decimal(1))
        -> [StrategyResult]
    {
        var results = SignalEvaluations()
        swap(&results, &self.scratch)
        defer { swap(&results, &self.scratch) }
        self.process(signal, equity: equity, stepShares: stepShares, into: &results)
        return results.results
    }

    /// `process(_:equity:stepShares:)` into `results` (emptied first; reuse one across signals): allocation-free for a
    /// known symbol once the buffers are warm, unless a strategy decides.
    public mutating func process(
        _ signal: SignalRecord, equity: Decimal?, stepShares: Decimal = Decimal(1), into results: inout SignalEvaluations
    ) {
        results.removeAll()
        // Equal arrays sharing storage compare by identity, so this is one check after the first signal.
        if results.strategies != self.strategyIDs { results.strategies = self.strategyIDs }
        let symbolID = self.symbolID(signal.symbol)
        let session = self.session(containing: signal.eventTime)
        self.nativeFeatures.update(symbol: symbolID, signal: signal, session: session, into: &self.vector)
        // Parity strategies see Torghut's session: rule clock, session context and per-session counters on its
        // fixed clock.
        var torghutSession: TradingSession? = nil
        if self.needsParity {
            torghutSession = Self.torghutSession(containing: signal.eventTime)
            self.parityFeatures.update(
                symbol: symbolID, signal: signal, session: torghutSession, into: &self.parityVector)
        }
        guard let symbol = self.symbols[symbolID] else { return }
        let clock = Self.clock(session, at: signal.eventTime)
        // Each vector's price as a decimal and each book kind's context, once per signal rather than once per book.
        let price = self.vector[.price].flatMap(Self.decimal)
        let nativeContext = SignalContext(
            symbol: symbol, eventTime: signal.eventTime, session: session?.date, clock: clock,
            sizing: SizingContext(price: price ?? .zero, equity: equity, stepShares: stepShares), slot: symbolID)
        // Only parity books read it (a copy of the native context is not free: it holds the symbol's name).
        var parityContext: SignalContext? = nil
        var parityPrice: Decimal? = nil
        if self.needsParity {
            parityPrice = self.parityVector[.price].flatMap(Self.decimal)
            var context = nativeContext
            context.session = torghutSession?.date
            context.clock = Self.clock(torghutSession, at: signal.eventTime)
            context.sizing.price = parityPrice ?? .zero
            parityContext = context
        }
        let nativePriced = price.map { $0 > .zero } ?? false
        let parityPriced = parityPrice.map { $0 > .zero } ?? false
        if signal.timeframe != self.matchedTimeframe {
            self.matchedTimeframe = signal.timeframe
            self.timeframeMatches = self.books.map { $0.strategy.timeframe == signal.timeframe.rawValue }
        }
        // Held locally: one reference each for the whole loop rather than per book; the memo moves out and back so
        // it stays uniquely referenced.
        let vector = self.vector
        let parityVector = self.parityVector
        var memo = ProgramMemo()
        swap(&memo, &self.memo)
        defer { swap(&memo, &self.memo) }
        // The books too, so the loop reaches them through one uniqueness check rather than one per book.
        var books: [StrategyBook] = []
        swap(&books, &self.books)
        defer { swap(&books, &self.books) }
        memo.withScratch(count: self.memoSlots) { scratch in
            vector.withReader { reader in
                parityVector.withReader { parityReader in
                    books.withUnsafeMutableBufferPointer { books in
                        let bookCount = books.count
                        for index in 0..<bookCount
                        where self.trades[symbolID * bookCount + index] && self.timeframeMatches[index] {
                            let parity = self.parity[index]
                            guard parity ? parityPriced : nativePriced else { continue }
                            let outcomeStart = results.outcomeList.count
                            let decision =
                                parity
                                ? books[index].evaluate(
                                    parityVector, parityReader, parityContext!, memo: &scratch,
                                    outcomes: &results.outcomeList)
                                : books[index].evaluate(
                                    vector, reader, nativeContext, memo: &scratch, outcomes: &results.outcomeList)
                            if let decision {
                                results.append(book: index, decision: decision, outcomeStart: outcomeStart)
                            } else {
                                results.append(book: index, outcomeStart: outcomeStart)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The dense id of `name`; an unknown name is added.
    private mutating func symbolID(_ name: String) -> Int {
        if let id = self.symbolIdentities.value(for: name) { return id }
        let id = self.symbolIDs.id(of: name) ?? self.addSymbol(name)
        self.symbolIdentities.remember(name, as: id)
        return id
    }

    /// A symbol outside every universe still feeds cross-sections deterministically (arrival order).
    private mutating func addSymbol(_ name: String) -> Int {
        let id = self.nativeFeatures.addSymbol(name)
        _ = self.parityFeatures.addSymbol(name)
        self.intern(name)
        return id
    }

    /// Registers the next symbol id for `name` with its per-book eligibility.
    private mutating func intern(_ name: String) {
        let id = self.symbolIDs.insert(name)
        assert(id == self.symbols.count)
        let symbol = Symbol(name)
        self.symbols.append(symbol)
        for book in self.books {
            self.trades.append(symbol.map { book.strategy.enabled && book.strategy.symbols.contains($0) } ?? false)
        }
    }

    /// Gives `strategy`'s book a position held before the first signal (a scenario's starting position, positions
    /// restored from the broker). False when the plan has no such strategy.
    public mutating func startPosition(_ state: SymbolState, of symbol: Symbol, heldBy strategy: Identifier) -> Bool {
        guard let index = self.books.firstIndex(where: { $0.strategy.id == strategy }) else { return false }
        self.books[index].setState(state, for: symbol)
        return true
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

    /// `calendar.session(containing:)`, answered from the last session when `time` lies in it.
    private mutating func session(containing time: TimestampNanos) -> TradingSession? {
        if let last = self.lastSession, time >= last.open, time < last.close { return last }
        let session = self.calendar.session(containing: time)
        if session != nil { self.lastSession = session }
        return session
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
