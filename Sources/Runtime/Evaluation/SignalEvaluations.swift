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

    /// The entries, in storage kept from signal to signal (`entryCount` of it is this signal's).
    private var entryStorage: [Entry] = []
    private var entryCount = 0
    public var entries: ArraySlice<Entry> { self.entryStorage[0..<self.entryCount] }
    /// The decisions of the entries that decided, in entry order.
    public private(set) var decisions: [Decision] = []
    /// The plan's strategy ids, in plan order (set by the runner).
    public internal(set) var strategies: [Identifier] = []
    /// Every entry's rule outcomes, one after another in entry order.
    var outcomeList = RuleOutcomeList()
    public var allOutcomes: ArraySlice<RuleOutcome> { self.outcomeList.all }

    public init() {}

    /// The number of strategies that evaluated the signal.
    public var count: Int { self.entryCount }

    /// The decision of `entry`, if it made one.
    public func decision(of entry: Entry) -> Decision? {
        entry.decisionIndex >= 0 ? self.decisions[entry.decisionIndex] : nil
    }

    /// The id of the strategy that made `entry`.
    public func strategy(of entry: Entry) -> Identifier { self.strategies[entry.book] }

    /// The trace of `entry`: every rule it tried, in order.
    public func outcomes(of entry: Entry) -> ArraySlice<RuleOutcome> { self.outcomeList[entry.outcomeRange] }

    /// The evaluations as `PlanRunner.StrategyResult` values (allocates a trace array per strategy).
    public var results: [PlanRunner.StrategyResult] {
        self.entries.map { entry in
            PlanRunner.StrategyResult(
                strategy: self.strategy(of: entry),
                evaluation: Evaluation(decision: self.decision(of: entry), outcomes: Array(self.outcomes(of: entry))))
        }
    }

    mutating func removeAll() {
        // Counts reset; an array's `removeAll(keepingCapacity:)` is a generic range replacement, paid per signal.
        self.entryCount = 0
        self.outcomeList.removeAll()
        if !self.decisions.isEmpty { self.decisions.removeAll(keepingCapacity: true) }
    }

    /// Records an evaluation that decided nothing, whose outcomes were appended to `allOutcomes` since
    /// `outcomeStart`.
    @inline(__always)
    mutating func append(book: Int, outcomeStart: Int) {
        self.appendEntry(Entry(book: book, decisionIndex: -1, outcomeRange: outcomeStart..<self.outcomeList.count))
    }

    /// Records an evaluation that made `decision`.
    mutating func append(book: Int, decision: Decision, outcomeStart: Int) {
        self.appendEntry(
            Entry(book: book, decisionIndex: self.decisions.count, outcomeRange: outcomeStart..<self.outcomeList.count))
        self.decisions.append(decision)
    }

    @inline(__always)
    private mutating func appendEntry(_ entry: Entry) {
        if self.entryCount < self.entryStorage.count {
            self.entryStorage[self.entryCount] = entry
        } else {
            self.entryStorage.append(entry)
        }
        self.entryCount += 1
    }
}

/// Rule outcomes one after another, in storage kept from use to use: emptying it sets a count.
public struct RuleOutcomeList: Sendable {
    private var storage: [RuleOutcome] = []
    public private(set) var count = 0

    public init() {}

    public var all: ArraySlice<RuleOutcome> { self.storage[0..<self.count] }

    public subscript(range: Range<Int>) -> ArraySlice<RuleOutcome> {
        precondition(range.upperBound <= self.count, "outcome range past the list")
        return self.storage[range]
    }

    @inline(__always)
    mutating func append(_ outcome: RuleOutcome) {
        if self.count < self.storage.count {
            self.storage[self.count] = outcome
        } else {
            self.storage.append(outcome)
        }
        self.count += 1
    }

    mutating func removeAll() {
        self.count = 0
    }
}
