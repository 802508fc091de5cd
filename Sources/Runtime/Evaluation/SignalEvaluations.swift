import SpecModel

/// The evaluations of one signal by every matching strategy, in strategy-id order, written into storage that is
/// reused from signal to signal: `PlanRunner.process(_:equity:stepShares:into:)` empties it (keeping capacity) and
/// appends, so a warm runner evaluates a signal that decides nothing without allocating. The traces of all strategies
/// share one outcome buffer; `outcomes(of:)` slices it.
public struct SignalEvaluations: Sendable {
    /// One strategy's evaluation: its decision, if any, and where its trace lies in `allOutcomes`.
    /// Plain values (indices), so emptying the entries from signal to signal destroys nothing.
    public struct Entry: Sendable {
        /// The strategy's index in the plan (`strategy(of:)` names it).
        public var book: Int
        /// Where the entry's decision is in `decisions`, or −1 when it decided nothing (`decision(of:)` reads it).
        public var decisionIndex: Int
        public var outcomeRange: Range<Int>
    }

    public private(set) var entries: [Entry] = []
    /// The decisions of the entries that decided, in entry order.
    public private(set) var decisions: [Decision] = []
    /// The plan's strategy ids, in plan order (set by the runner).
    public internal(set) var strategies: [Identifier] = []
    /// Every entry's rule outcomes, one after another in entry order.
    public internal(set) var allOutcomes: [RuleOutcome] = []

    public init() {}

    /// The number of strategies that evaluated the signal.
    public var count: Int { self.entries.count }

    /// The decision of `entry`, if it made one.
    public func decision(of entry: Entry) -> Decision? {
        entry.decisionIndex >= 0 ? self.decisions[entry.decisionIndex] : nil
    }

    /// The id of the strategy that made `entry`.
    public func strategy(of entry: Entry) -> Identifier { self.strategies[entry.book] }

    /// The trace of `entry`: every rule it tried, in order.
    public func outcomes(of entry: Entry) -> ArraySlice<RuleOutcome> { self.allOutcomes[entry.outcomeRange] }

    /// The evaluations as `PlanRunner.StrategyResult` values (allocates a trace array per strategy).
    public var results: [PlanRunner.StrategyResult] {
        self.entries.map { entry in
            PlanRunner.StrategyResult(
                strategy: self.strategy(of: entry),
                evaluation: Evaluation(decision: self.decision(of: entry), outcomes: Array(self.outcomes(of: entry))))
        }
    }

    mutating func removeAll() {
        // `removeAll(keepingCapacity:)` is a generic range replacement even on an empty array: skip it when empty.
        if !self.entries.isEmpty { self.entries.removeAll(keepingCapacity: true) }
        if !self.allOutcomes.isEmpty { self.allOutcomes.removeAll(keepingCapacity: true) }
        if !self.decisions.isEmpty { self.decisions.removeAll(keepingCapacity: true) }
    }

    /// Records an evaluation that decided nothing, whose outcomes were appended to `allOutcomes` since
    /// `outcomeStart`.
    @inline(__always)
    mutating func append(book: Int, outcomeStart: Int) {
        self.entries.append(Entry(book: book, decisionIndex: -1, outcomeRange: outcomeStart..<self.allOutcomes.count))
    }

    /// Records an evaluation that made `decision`.
    mutating func append(book: Int, decision: Decision, outcomeStart: Int) {
        self.entries.append(
            Entry(book: book, decisionIndex: self.decisions.count, outcomeRange: outcomeStart..<self.allOutcomes.count))
        self.decisions.append(decision)
    }
}
