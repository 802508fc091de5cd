/// One ranked input of the cross-section: the session feature, its rank and ratio outputs, and the level above
/// which a value counts as "positive" for the ratio.
struct CrossSectionInput: Sendable {
    var input: FeatureID
    var rank: FeatureID
    var ratio: FeatureID
    var positiveAbove: Double
}

/// Cross-sectional percentile ranks and ratios (reference 01, Appendix A.2) over the symbols that have a value in the
/// current session.
///
/// - For each input feature the ranker keeps every symbol's **latest** value of the session (a symbol whose latest
///   signal lacks the value drops out of that input's set), sorted ascending by (value, symbol name in UTF-8 byte
///   order). A symbol's rank is its index / (n − 1) in that order right after its own update; with n = 1 the rank is
///   0.5 (no evidence either way). Equal values are ordered by name, so they get distinct ranks.
/// - A ratio is the share of the n symbols whose value is > 0 (> 0.5 for the range position, whose values lie in
///   [0, 1]); it is emitted whenever n ≥ 1, even when the symbol's own value is missing.
/// - Composites: drive rank = prev-close drive rank when the symbol has one, else session-open drive rank; likewise
///   the opening-window rank. `continuation_rank` = mean(drive, opening window, range position, vwap_w5m, recent
///   imbalance ranks); `reversal_rank` = mean(1 − each of the first four, recent imbalance rank);
///   `continuation_breadth` = mean(positive drive ratio, positive opening-window ratio, above-vwap_w5m ratio, positive
///   imbalance ratio), prev-close ratios preferred when present. Any missing component makes the composite missing.
/// - Processing order: a symbol's features see the other symbols' latest values as of its own signal. Feeding the
///   same set of signals for one instant in another symbol order changes only the `cross_section_*` features of that
///   round; the ranker's state after the round (everyone's latest value) is the same.
/// - The first signal of a newer session empties every set; signals of an older session are ignored.
///
/// Per update: O(log n) search plus O(n) shifting of flat `Double`/`Int32` arrays, no allocation; each
/// storage array is checked for uniqueness once per update, not once per element write.
struct CrossSectionRanker: Sendable {
    static let inputs: [CrossSectionInput] = [
        .init(
            input: .priceVsSessionOpenBps, rank: .crossSectionSessionOpenDriveRank,
            ratio: .crossSectionPositiveSessionOpenDriveRatio, positiveAbove: 0),
        .init(
            input: .priceVsPrevSessionCloseBps, rank: .crossSectionPrevCloseDriveRank,
            ratio: .crossSectionPositivePrevCloseDriveRatio, positiveAbove: 0),
        .init(
            input: .openingWindowReturnBps, rank: .crossSectionOpeningWindowReturnRank,
            ratio: .crossSectionPositiveOpeningWindowReturnRatio, positiveAbove: 0),
        .init(
            input: .openingWindowReturnFromPrevCloseBps, rank: .crossSectionOpeningWindowReturnFromPrevCloseRank,
            ratio: .crossSectionPositiveOpeningWindowReturnFromPrevCloseRatio, positiveAbove: 0),
        .init(
            input: .pricePositionInSessionRange, rank: .crossSectionRangePositionRank,
            ratio: .crossSectionUpperHalfRangePositionRatio, positiveAbove: 0.5),
        .init(
            input: .priceVsVwapW5mBps, rank: .crossSectionVwapW5mRank, ratio: .crossSectionAboveVwapW5mRatio,
            positiveAbove: 0),
        .init(
            input: .recentImbalancePressureAvg, rank: .crossSectionRecentImbalanceRank,
            ratio: .crossSectionPositiveRecentImbalanceRatio, positiveAbove: 0),
        .init(
            input: .prevSessionOpeningReturn45mBps, rank: .crossSectionPrevSessionOpeningReturn45mRank,
            ratio: .crossSectionPositivePrevSessionOpeningReturn45mRatio, positiveAbove: 0),
        .init(
            input: .prevSessionOpeningReturn60mBps, rank: .crossSectionPrevSessionOpeningReturn60mRank,
            ratio: .crossSectionPositivePrevSessionOpeningReturn60mRatio, positiveAbove: 0),
    ]

    private(set) var capacity: Int
    private var sessionOpen: TimestampNanos?
    /// Position of each symbol id in UTF-8 byte order of the names.
    private var nameOrder: [Int32]
    /// Latest value per (input, symbol): `[input × capacity + symbol]`.
    private var latest: [Double]
    private var hasLatest: [Bool]
    /// Per input, `counts[input]` entries sorted by (value, name order) at `[input × capacity ..< + count]`: the
    /// values, and the name order of each entry's symbol (the tie-break, compared without an indirection).
    private var sortedValues: [Double]
    private var sortedOrders: [Int32]
    /// Per (input, symbol): the symbol's index in that input's sorted run (meaningful while `hasLatest`), so an
    /// update starts from where the symbol is and walks to where it now sorts: bars move a value a few places at
    /// most, so an update costs a few comparisons instead of a search over the universe.
    private var positions: [Int32]
    /// Symbol id per name order (to keep `positions` of the entries an update shifts).
    private var idOfOrder: [Int32]
    private var counts: [Int]
    private var positiveCounts: [Int]

    init(symbolNames: [String]) {
        self.capacity = 0
        self.nameOrder = []
        self.latest = []
        self.hasLatest = []
        self.sortedValues = []
        self.sortedOrders = []
        self.positions = []
        self.idOfOrder = []
        self.counts = [Int](repeating: 0, count: Self.inputs.count)
        self.positiveCounts = [Int](repeating: 0, count: Self.inputs.count)
        self.resize(symbolNames: symbolNames)
    }

    /// Re-lays the arrays out for a new universe (existing ids keep their values). Allocates; not per event.
    mutating func resize(symbolNames: [String]) {
        let newCapacity = symbolNames.count
        precondition(newCapacity >= self.capacity, "symbols can only be added")
        let order = (0..<newCapacity).sorted { symbolNames[$0].utf8.lexicographicallyPrecedes(symbolNames[$1].utf8) }
        var nameOrder = [Int32](repeating: 0, count: newCapacity)
        for (position, id) in order.enumerated() {
            if position > 0 {
                precondition(symbolNames[order[position - 1]] != symbolNames[id], "duplicate symbol \(symbolNames[id])")
            }
            nameOrder[id] = Int32(position)
        }
        var idOfOrder = [Int](repeating: 0, count: self.capacity)
        for id in 0..<self.capacity { idOfOrder[Int(self.nameOrder[id])] = id }
        var latest = [Double](repeating: 0, count: Self.inputs.count * newCapacity)
        var hasLatest = [Bool](repeating: false, count: Self.inputs.count * newCapacity)
        var sortedValues = [Double](repeating: 0, count: Self.inputs.count * newCapacity)
        var sortedOrders = [Int32](repeating: 0, count: Self.inputs.count * newCapacity)
        var positions = [Int32](repeating: 0, count: Self.inputs.count * newCapacity)
        for input in 0..<Self.inputs.count {
            for symbol in 0..<self.capacity {
                latest[input * newCapacity + symbol] = self.latest[input * self.capacity + symbol]
                hasLatest[input * newCapacity + symbol] = self.hasLatest[input * self.capacity + symbol]
                positions[input * newCapacity + symbol] = self.positions[input * self.capacity + symbol]
            }
            for entry in 0..<self.counts[input] {
                sortedValues[input * newCapacity + entry] = self.sortedValues[input * self.capacity + entry]
                // Stored as name orders, which new names can shift: re-map through the symbol id.
                let id = idOfOrder[Int(self.sortedOrders[input * self.capacity + entry])]
                sortedOrders[input * newCapacity + entry] = nameOrder[id]
            }
        }
        // Adding names never reorders existing names relative to each other, so the sorted runs stay sorted.
        self.capacity = newCapacity
        self.nameOrder = nameOrder
        self.latest = latest
        self.hasLatest = hasLatest
        self.sortedValues = sortedValues
        self.sortedOrders = sortedOrders
        self.positions = positions
        var newIdOfOrder = [Int32](repeating: 0, count: newCapacity)
        for id in 0..<newCapacity { newIdOfOrder[Int(nameOrder[id])] = Int32(id) }
        self.idOfOrder = newIdOfOrder
    }

    /// Updates the symbol's values from `vector` (its session features) and writes the cross-section features.
    /// Returns false (writing nothing) for a signal of an older session than the current one.
    /// `inputs` (bit `i` for `Self.inputs[i]`) are the inputs kept and written; the others stay missing.
    mutating func update(
        symbol: Int, sessionOpen: TimestampNanos, inputs: UInt16 = .max, vector: inout FeatureVectorWriter
    ) -> Bool {
        if self.sessionOpen != sessionOpen {
            if let current = self.sessionOpen, sessionOpen < current { return false }
            self.startSession(sessionOpen)
        }
        let capacity = self.capacity
        let order = self.nameOrder[symbol]
        Self.withStorage(
            latest: &self.latest, hasLatest: &self.hasLatest, sortedValues: &self.sortedValues,
            sortedOrders: &self.sortedOrders, positions: &self.positions, idOfOrder: self.idOfOrder,
            counts: &self.counts, positiveCounts: &self.positiveCounts
        ) { storage in
            for input in 0..<Self.inputs.count where inputs & (1 << input) != 0 {
                let spec = Self.inputs[input]
                let cell = input * capacity + symbol
                let base = input * capacity
                let hadOld = storage.hasLatest[cell]
                let newValue = vector[spec.input]
                var count = storage.counts[input]
                let run = CrossSectionRun(
                    values: storage.sortedValues + base, orders: storage.sortedOrders + base,
                    positions: storage.positions + base, idOfOrder: storage.idOfOrder)
                var oldPosition = -1
                if hadOld {
                    oldPosition = Int(run.positions[symbol])
                    precondition(
                        oldPosition < count && run.orders[oldPosition] == order, "cross-section index out of sync")
                    // An unchanged value stays where it is (its neighbours sort around it already) and leaves the
                    // positive count as it was: most inputs hold still between a symbol's signals.
                    if let value = newValue, value == storage.latest[cell] {
                        vector.set(spec.rank, count == 1 ? 0.5 : Double(oldPosition) / Double(count - 1))
                        vector.set(spec.ratio, Double(storage.positiveCounts[input]) / Double(count))
                        continue
                    }
                    if storage.latest[cell] > spec.positiveAbove { storage.positiveCounts[input] -= 1 }
                    storage.hasLatest[cell] = false
                }
                if let value = newValue {
                    let position: Int
                    if hadOld {
                        position = run.move(from: oldPosition, count: count, value: value, order: order)
                    } else {
                        position = storage.lowerBound(base: base, count: count, value: value, order: order)
                        run.open(at: position, count: count)
                        count += 1
                    }
                    run.put(value, order: order, symbol: symbol, at: position)
                    if value > spec.positiveAbove { storage.positiveCounts[input] += 1 }
                    storage.latest[cell] = value
                    storage.hasLatest[cell] = true
                    vector.set(spec.rank, count == 1 ? 0.5 : Double(position) / Double(count - 1))
                } else if hadOld {
                    run.close(at: oldPosition, count: count)
                    count -= 1
                }
                storage.counts[input] = count
                if count > 0 {
                    vector.set(spec.ratio, Double(storage.positiveCounts[input]) / Double(count))
                }
            }
        }

        let driveRank = vector[.crossSectionPrevCloseDriveRank] ?? vector[.crossSectionSessionOpenDriveRank]
        let windowRank =
            vector[.crossSectionOpeningWindowReturnFromPrevCloseRank] ?? vector[.crossSectionOpeningWindowReturnRank]
        if let driveRank, let windowRank, let rangeRank = vector[.crossSectionRangePositionRank],
            let vwapRank = vector[.crossSectionVwapW5mRank],
            let imbalanceRank = vector[.crossSectionRecentImbalanceRank]
        {
            vector.set(
                .crossSectionContinuationRank, (driveRank + windowRank + rangeRank + vwapRank + imbalanceRank) / 5)
            vector.set(
                .crossSectionReversalRank,
                ((1 - driveRank) + (1 - windowRank) + (1 - rangeRank) + (1 - vwapRank) + imbalanceRank) / 5)
        }
        let driveRatio =
            vector[.crossSectionPositivePrevCloseDriveRatio] ?? vector[.crossSectionPositiveSessionOpenDriveRatio]
        let windowRatio =
            vector[.crossSectionPositiveOpeningWindowReturnFromPrevCloseRatio]
            ?? vector[.crossSectionPositiveOpeningWindowReturnRatio]
        if let driveRatio, let windowRatio, let vwapRatio = vector[.crossSectionAboveVwapW5mRatio],
            let imbalanceRatio = vector[.crossSectionPositiveRecentImbalanceRatio]
        {
            vector.set(.crossSectionContinuationBreadth, (driveRatio + windowRatio + vwapRatio + imbalanceRatio) / 4)
        }
        return true
    }

    @inline(__always)
    private static func withStorage(
        latest: inout [Double], hasLatest: inout [Bool], sortedValues: inout [Double], sortedOrders: inout [Int32],
        positions: inout [Int32], idOfOrder: [Int32], counts: inout [Int], positiveCounts: inout [Int],
        _ body: (CrossSectionPointers) -> Void
    ) {
        latest.withUnsafeMutableBufferPointer { latest in
            hasLatest.withUnsafeMutableBufferPointer { hasLatest in
                sortedValues.withUnsafeMutableBufferPointer { sortedValues in
                    sortedOrders.withUnsafeMutableBufferPointer { sortedOrders in
                        positions.withUnsafeMutableBufferPointer { positions in
                            idOfOrder.withUnsafeBufferPointer { idOfOrder in
                                counts.withUnsafeMutableBufferPointer { counts in
                                    positiveCounts.withUnsafeMutableBufferPointer { positiveCounts in
                                        body(
                                            CrossSectionPointers(
                                                latest: latest.baseAddress!, hasLatest: hasLatest.baseAddress!,
                                                sortedValues: sortedValues.baseAddress!,
                                                sortedOrders: sortedOrders.baseAddress!,
                                                positions: positions.baseAddress!, idOfOrder: idOfOrder.baseAddress!,
                                                counts: counts.baseAddress!, positiveCounts: positiveCounts.baseAddress!
                                            ))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private mutating func startSession(_ sessionOpen: TimestampNanos) {
        self.sessionOpen = sessionOpen
        for index in 0..<self.hasLatest.count {
            self.hasLatest[index] = false
        }
        for input in 0..<Self.inputs.count {
            self.counts[input] = 0
            self.positiveCounts[input] = 0
        }
    }
}

/// Raw views of `CrossSectionRanker`'s arrays, valid only inside `CrossSectionRanker.withStorage`.
struct CrossSectionPointers {
    let latest: UnsafeMutablePointer<Double>
    let hasLatest: UnsafeMutablePointer<Bool>
    let sortedValues: UnsafeMutablePointer<Double>
    let sortedOrders: UnsafeMutablePointer<Int32>
    let positions: UnsafeMutablePointer<Int32>
    let idOfOrder: UnsafePointer<Int32>
    let counts: UnsafeMutablePointer<Int>
    let positiveCounts: UnsafeMutablePointer<Int>

    /// First index in the run `[base ..< base + count]` whose (value, name order) is not below (value, order):
    /// the number of entries below it, counted in one pass.
    ///
    /// A count rather than a binary search: the comparisons are independent (no chain of dependent loads and no
    /// data-dependent branch), which for the tens of symbols of a universe is several times faster, and the update
    /// that follows shifts O(n) entries anyway.
    @inline(__always)
    func lowerBound(base: Int, count: Int, value: Double, order: Int32) -> Int {
        var below = 0
        for index in base..<(base + count) {
            let probe = self.sortedValues[index]
            let less = Self.bit(probe < value)
            let tie = Self.bit(probe == value) & Self.bit(self.sortedOrders[index] < order)
            below &+= less | tie
        }
        return below
    }

    @inline(__always)
    private static func bit(_ condition: Bool) -> Int { Int(unsafeBitCast(condition, to: UInt8.self)) }
}

/// One input's sorted run, as raw views valid inside `CrossSectionRanker.withStorage`: entries `0..<count` sorted
/// by (value, name order), and each symbol's index in it.
struct CrossSectionRun {
    let values: UnsafeMutablePointer<Double>
    let orders: UnsafeMutablePointer<Int32>
    /// Indexed by symbol id.
    let positions: UnsafeMutablePointer<Int32>
    let idOfOrder: UnsafePointer<Int32>

    /// (a, aOrder) sorts strictly below (b, bOrder).
    @inline(__always)
    static func below(_ a: Double, _ aOrder: Int32, _ b: Double, _ bOrder: Int32) -> Bool {
        a < b || (a == b && aOrder < bOrder)
    }

    /// Moves the entry at `position` to where (value, order) sorts, shifting the entries it passes by one place;
    /// returns its new index (the caller writes it there).
    @inline(__always)
    func move(from position: Int, count: Int, value: Double, order: Int32) -> Int {
        var index = position
        while index + 1 < count, Self.below(self.values[index + 1], self.orders[index + 1], value, order) {
            self.shift(from: index + 1, to: index)
            index += 1
        }
        while index > 0, Self.below(value, order, self.values[index - 1], self.orders[index - 1]) {
            self.shift(from: index - 1, to: index)
            index -= 1
        }
        return index
    }

    /// Opens a gap at `position` by moving `position..<count` up one place.
    @inline(__always)
    func open(at position: Int, count: Int) {
        var index = count
        while index > position {
            self.shift(from: index - 1, to: index)
            index -= 1
        }
    }

    /// Closes the entry at `position` by moving `position + 1..<count` down one place.
    @inline(__always)
    func close(at position: Int, count: Int) {
        var index = position
        while index + 1 < count {
            self.shift(from: index + 1, to: index)
            index += 1
        }
    }

    @inline(__always)
    func put(_ value: Double, order: Int32, symbol: Int, at index: Int) {
        self.values[index] = value
        self.orders[index] = order
        self.positions[symbol] = Int32(index)
    }

    @inline(__always)
    private func shift(from source: Int, to destination: Int) {
        self.values[destination] = self.values[source]
        self.orders[destination] = self.orders[source]
        self.positions[Int(self.idOfOrder[Int(self.orders[source])])] = Int32(destination)
    }
}
