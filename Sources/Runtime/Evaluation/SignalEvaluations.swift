import SpecModel

/// The evaluations of one signal by every matching strategy, in strategy-id order, written into storage that is
/// reused from signal to signal: `PlanRunner.process(_:equity:stepShares:into:)` empties it (keeping capacity) and
/// appends, so a warm runner evaluates a signal that decides nothing without allocating. The traces of all strategies
/// share one outcome buffer; `outcomes(of:)` slices it.
public struct SignalEvaluations: Sendable {
    /// One strategy's evaluation: its decision, if any, and where its trace lies in `allOutcomes`.
    public struct Entry: Sendable {
        public var strategy: Identifier
        public var decision: Decision?
        public var outcomeRange: Range<Int>
    }

    public private(set) var entries: [Entry] = []
    /// Every entry's rule outcomes, one after another in entry order.
    public internal(set) var allOutcomes: [RuleOutcome] = []

    public init() {}

    /// The number of strategies that evaluated the signal.
    public var count: Int { self.entries.count }

    /// The trace of `entry`: every rule it tried, in order.
    public func outcomes(of entry: Entry) -> ArraySlice<RuleOutcome> { self.allOutcomes[entry.outcomeRange] }

    /// The evaluations as `PlanRunner.StrategyResult` values (allocates a trace array per strategy).
    public var results: [PlanRunner.StrategyResult] {
        self.entries.map { entry in
            PlanRunner.StrategyResult(
                strategy: entry.strategy,
                evaluation: Evaluation(decision: entry.decision, outcomes: Array(self.outcomes(of: entry))))
        }
    }

    mutating func removeAll() {
        // `removeAll(keepingCapacity:)` is a generic range replacement even on an empty array: skip it when empty.
        if !self.entries.isEmpty { self.entries.removeAll(keepingCapacity: true) }
        if !self.allOutcomes.isEmpty { self.allOutcomes.removeAll(keepingCapacity: true) }
    }

    /// Records the evaluation whose outcomes were appended to `allOutcomes` since `outcomeStart`.
    mutating func append(strategy: Identifier, decision: Decision?, outcomeStart: Int) {
        self.entries.append(
            Entry(strategy: strategy, decision: decision, outcomeRange: outcomeStart..<self.allOutcomes.count))
    }
}
