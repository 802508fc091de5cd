/// A bar that became final, with the last quote seen for its symbol before the bar's end.
public struct AssembledBar: Sendable, Hashable {
    public var bar: MarketBar
    public var quote: MarketQuote?
}

/// What the assembler dropped or corrected; nothing is dropped silently.
public struct BarAssemblyCounters: Sendable, Hashable {
    public var trades = 0
    public var quotes = 0
    public var bars = 0
    /// Trades for a bucket that was already emitted (later than the out-of-order allowance).
    public var lateTrades = 0
    /// Trades whose id was already seen for the symbol within the id window (at least the open buckets').
    public var duplicateTrades = 0
    /// Trades with a non-finite or non-positive price, or a negative or non-finite size.
    public var invalidTrades = 0
    /// Quotes older than the closed buckets: applied to later bars only (never to bars already emitted).
    public var lateQuotes = 0
    /// Quotes with a non-finite or negative price or size.
    public var invalidQuotes = 0
    /// External bars whose window ended at or before the watermark when they arrived.
    public var lateBars = 0
    /// External bars that replaced a pending bar of the same window (Alpaca `updatedBars`).
    public var replacedBars = 0
    public var emittedBars = 0

    public init() {}
}

/// Turns trades, quotes and external (1-minute) bars into final bars, in a deterministic total order.
///
/// - Microbars: trades are bucketed per whole second (OHLCV, Σ price·size, count). Open and close are the prices of
///   the earliest and latest trade by time (ties: first and last delivered), so any delivery order within the
///   allowance gives the same bar.
/// - Event-time watermark `W = max event time seen − allowance` over all records. A bucket is final, and emitted,
///   once its end is ≤ W; `allowance = 0` emits a bucket as soon as a later second's record arrives. Records for an
///   emitted bucket are late: trades and bars are dropped and counted, quotes count for later bars only.
/// - Emission order: (end, symbol name in UTF-8 byte order, `1Min` before `1Sec`).
/// - Quote snapshot: the latest quote (by time; ties: last delivered) with time < the bar's end.
///
/// The output depends only on the sequence of records, never on how it was chunked. Not thread-safe.
public struct BarAssembler: Sendable {
    public let allowance: Int64
    public private(set) var counters = BarAssemblyCounters()
    /// The watermark: every window ending at or before it has been emitted.
    public private(set) var watermark: Int64 = .min

    private struct Slot: Sendable {
        var second: Int64 = .min  // .min: empty
        var count: Int64 = 0
        var open = 0.0
        var high = 0.0
        var low = 0.0
        var close = 0.0
        var volume = 0.0
        var priceVolume = 0.0
        var openTime: Int64 = 0
        var closeTime: Int64 = 0
        var quote: MarketQuote?
    }

    /// A bar waiting for the watermark: a microbar slot or an external bar in `pendingBars`.
    private struct Pending: Sendable {
        var end: Int64
        var symbol: Int32
        var interval: BarInterval
        var reference: Int32
    }

    private let ringSize: Int
    private let ringMask: Int64
    private var slots: [Slot] = []
    private var committedQuotes: [MarketQuote?] = []
    private var names: [String] = []
    /// The first 8 bytes of each name, big-endian and zero-padded: orders names as their bytes do whenever the
    /// prefixes differ, so the heap rarely compares whole strings.
    private var namePrefixes: [UInt64] = []
    private var maxEventTime: Int64 = .min
    private var heap: [Pending] = []
    private var tradeIDs: TradeIDSet
    private var pendingBars: [MarketBar] = []
    private var freePendingBars: [Int32] = []
    private var pendingBarIndex: [PendingBarKey: Int32] = [:]

    private struct PendingBarKey: Hashable, Sendable {
        var symbol: Int32
        var interval: BarInterval
        var start: Int64
    }

    /// - Parameter allowance: how far (ns) a record may arrive behind the newest one and still count; the Flink job's
    ///   `TA_MAX_OUT_OF_ORDER_MS` is 2 s.
    public init(allowance: Int64 = 2 * Timestamp.nanosPerSecond) {
        precondition(allowance >= 0, "the out-of-order allowance cannot be negative")
        self.allowance = allowance
        // Enough slots that a slot's previous second is always closed before the slot is reused.
        let seconds = (allowance + Timestamp.nanosPerSecond - 1) / Timestamp.nanosPerSecond + 2
        var size = 1
        while size < seconds { size *= 2 }
        self.ringSize = size
        self.ringMask = Int64(size - 1)
        // An epoch spans at least the open window, so every open bucket is in the newest or the previous epoch.
        self.tradeIDs = TradeIDSet(epochSeconds: Int64(size))
    }

    /// Registers a symbol's name (needed for ordering); call in id order before its first record.
    public mutating func register(_ symbols: SymbolTable) {
        while self.names.count < symbols.count {
            let name = symbols.names[self.names.count]
            var prefix: UInt64 = 0
            var taken = 0
            for byte in name.utf8.prefix(8) {
                prefix = prefix << 8 | UInt64(byte)
                taken += 1
            }
            self.namePrefixes.append(taken == 0 ? 0 : prefix << (8 * UInt64(8 - taken)))
            self.names.append(name)
            self.committedQuotes.append(nil)
            self.slots.append(contentsOf: repeatElement(Slot(), count: self.ringSize))
        }
    }

    /// Feeds one record; appends every bar it makes final to `output`.
    public mutating func process(_ event: MarketEvent, into output: inout [AssembledBar]) {
        precondition(Int(event.symbol.index) < self.names.count, "register the symbol table before processing")
        let time = event.eventTime
        if time > self.maxEventTime {
            self.maxEventTime = time
            self.emitDue(upTo: time &- self.allowance, into: &output)
        }
        switch event {
        case .trade(let trade): self.add(trade)
        case .quote(let quote): self.add(quote)
        case .bar(let bar): self.add(bar)
        }
    }

    /// Event time has reached `time` with no record (a live timer): emits what became final.
    public mutating func advance(to time: Int64, into output: inout [AssembledBar]) {
        guard time > self.maxEventTime else { return }
        self.maxEventTime = time
        self.emitDue(upTo: time &- self.allowance, into: &output)
    }

    /// End of input: emits every pending bar. Later records are all late.
    public mutating func finish(into output: inout [AssembledBar]) {
        self.maxEventTime = .max
        self.emitDue(upTo: .max, into: &output)
    }

    // MARK: Records

    private mutating func add(_ trade: MarketTrade) {
        self.counters.trades += 1
        guard trade.price.isFinite, trade.price > 0, trade.size.isFinite, trade.size >= 0 else {
            self.counters.invalidTrades += 1
            return
        }
        let second = Timestamp.floorDivide(trade.time, Timestamp.nanosPerSecond)
        guard !self.isClosed(second) else {
            self.counters.lateTrades += 1
            return
        }
        let symbol = trade.symbol.index
        if let id = trade.id {
            guard self.tradeIDs.insert(symbol: symbol, id: id, second: second) else {
                self.counters.duplicateTrades += 1
                return
            }
        }
        let index = self.slotIndex(symbol: symbol, second: second)
        self.claim(index, second: second, symbol: symbol)
        // In place through one buffer pointer: element-wise writes would each repeat the uniqueness check, and a
        // copy of the slot would move its quote too.
        let price = trade.price
        let time = trade.time
        let opened = self.slots.withUnsafeMutableBufferPointer { slots -> Bool in
            let opened = slots[index].count == 0
            if opened {
                slots[index].open = price
                slots[index].high = price
                slots[index].low = price
                slots[index].close = price
                slots[index].openTime = time
                slots[index].closeTime = time
            } else {
                if time < slots[index].openTime {
                    slots[index].open = price
                    slots[index].openTime = time
                }
                if time >= slots[index].closeTime {
                    slots[index].close = price
                    slots[index].closeTime = time
                }
                slots[index].high = max(slots[index].high, price)
                slots[index].low = min(slots[index].low, price)
            }
            slots[index].count += 1
            slots[index].volume += trade.size
            slots[index].priceVolume += price * trade.size
            return opened
        }
        if opened {
            self.push(
                Pending(
                    end: (second + 1) * Timestamp.nanosPerSecond, symbol: symbol, interval: .oneSecond,
                    reference: Int32(index)))
        }
    }

    private mutating func add(_ quote: MarketQuote) {
        self.counters.quotes += 1
        guard quote.bidPrice.isFinite, quote.askPrice.isFinite, quote.bidSize.isFinite, quote.askSize.isFinite,
            quote.bidPrice >= 0, quote.askPrice >= 0, quote.bidSize >= 0, quote.askSize >= 0
        else {
            self.counters.invalidQuotes += 1
            return
        }
        let symbol = quote.symbol.index
        let second = Timestamp.floorDivide(quote.time, Timestamp.nanosPerSecond)
        if self.isClosed(second) {
            // Counts for bars not yet emitted. Only this quote is folded in: the open seconds' quotes are later and
            // join when their seconds close, so an earlier bar never sees them.
            self.counters.lateQuotes += 1
            Self.fold(quote, into: &self.committedQuotes[Int(symbol)])
            return
        }
        let index = self.slotIndex(symbol: symbol, second: second)
        self.claim(index, second: second, symbol: symbol)
        Self.fold(quote, into: &self.slots[index].quote)
    }

    private mutating func add(_ bar: MarketBar) {
        self.counters.bars += 1
        let end = bar.end
        guard end > self.watermark else {
            self.counters.lateBars += 1
            return
        }
        let key = PendingBarKey(symbol: bar.symbol.index, interval: bar.interval, start: bar.start)
        if let existing = self.pendingBarIndex[key] {
            self.pendingBars[Int(existing)] = bar
            self.counters.replacedBars += 1
            return
        }
        let reference: Int32
        if let free = self.freePendingBars.popLast() {
            reference = free
            self.pendingBars[Int(free)] = bar
        } else {
            reference = Int32(self.pendingBars.count)
            self.pendingBars.append(bar)
        }
        self.pendingBarIndex[key] = reference
        self.push(Pending(end: end, symbol: bar.symbol.index, interval: bar.interval, reference: reference))
    }

    // MARK: Slots and quotes

    @inline(__always)
    private func isClosed(_ second: Int64) -> Bool {
        (second + 1) * Timestamp.nanosPerSecond <= self.watermark
    }

    @inline(__always)
    private func slotIndex(symbol: Int32, second: Int64) -> Int {
        Int(symbol) * self.ringSize + Int(second & self.ringMask)
    }

    /// Makes slot `index` hold `second`. A previous occupant is always an older, closed second (the ring is sized
    /// for that) whose bar was emitted; its quote still counts for later bars.
    @inline(__always)
    private mutating func claim(_ index: Int, second: Int64, symbol: Int32) {
        guard self.slots[index].second != second else { return }
        if let quote = self.slots[index].quote {
            Self.fold(quote, into: &self.committedQuotes[Int(symbol)])
        }
        self.slots[index] = Slot(second: second)
    }

    /// Moves the quotes of `symbol`'s slots up to `throughSecond` into its committed quote.
    private mutating func foldQuotes(symbol: Int32, throughSecond: Int64) {
        let base = Int(symbol) * self.ringSize
        for index in base..<(base + self.ringSize) {
            let slot = self.slots[index]
            guard slot.second != .min, slot.second <= throughSecond, let quote = slot.quote else { continue }
            Self.fold(quote, into: &self.committedQuotes[Int(symbol)])
            self.slots[index].quote = nil
            if slot.count == 0 { self.slots[index].second = .min }
        }
    }

    @inline(__always)
    private static func fold(_ quote: MarketQuote, into current: inout MarketQuote?) {
        if let existing = current, existing.time > quote.time { return }
        current = quote
    }

    // MARK: Emission

    private mutating func emitDue(upTo watermark: Int64, into output: inout [AssembledBar]) {
        guard watermark > self.watermark else { return }
        self.watermark = watermark
        while let first = self.heap.first, first.end <= watermark {
            self.popHeap()
            output.append(self.finalize(first))
            self.counters.emittedBars += 1
        }
    }

    private mutating func finalize(_ pending: Pending) -> AssembledBar {
        let symbol = pending.symbol
        switch pending.interval {
        case .oneSecond:
            let index = Int(pending.reference)
            let slot = self.slots[index]
            self.foldQuotes(symbol: symbol, throughSecond: slot.second)
            self.slots[index] = Slot()
            let bar = MarketBar(
                symbol: SymbolID(symbol), interval: .oneSecond, start: slot.second * Timestamp.nanosPerSecond,
                open: slot.open, high: slot.high, low: slot.low, close: slot.close, volume: slot.volume,
                priceVolume: slot.priceVolume, tradeCount: slot.count)
            return AssembledBar(bar: bar, quote: self.committedQuotes[Int(symbol)])
        case .oneMinute:
            let bar = self.pendingBars[Int(pending.reference)]
            self.pendingBarIndex[PendingBarKey(symbol: symbol, interval: bar.interval, start: bar.start)] = nil
            self.freePendingBars.append(pending.reference)
            // Quotes up to the bar's end are final too (its end ≤ the watermark).
            self.foldQuotes(symbol: symbol, throughSecond: Timestamp.floorDivide(pending.end, Timestamp.nanosPerSecond) - 1)
            return AssembledBar(bar: bar, quote: self.committedQuotes[Int(symbol)])
        }
    }

    // MARK: Heap ordered by (end, symbol name, interval)

    @inline(__always)
    private func precedes(_ a: Pending, _ b: Pending) -> Bool {
        if a.end != b.end { return a.end < b.end }
        if a.symbol != b.symbol {
            let (left, right) = (self.namePrefixes[Int(a.symbol)], self.namePrefixes[Int(b.symbol)])
            if left != right { return left < right }
            return self.names[Int(a.symbol)].utf8Precedes(self.names[Int(b.symbol)])
        }
        return a.interval < b.interval
    }

    private mutating func push(_ pending: Pending) {
        self.heap.append(pending)
        var child = self.heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.precedes(self.heap[child], self.heap[parent]) else { break }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popHeap() {
        let last = self.heap.removeLast()
        guard !self.heap.isEmpty else { return }
        self.heap[0] = last
        var parent = 0
        let count = self.heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var smallest = left
            if left + 1 < count && self.precedes(self.heap[left + 1], self.heap[left]) { smallest = left + 1 }
            guard self.precedes(self.heap[smallest], self.heap[parent]) else { break }
            self.heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
