/// (a − b) / b × 10000, or nil when either side is missing, b ≤ 0, or the result is not finite.
@inline(__always)
func basisPoints(_ a: Double?, over b: Double?) -> Double? {
    guard let a, let b, b > 0 else { return nil }
    let result = (a - b) / b * 10_000
    return result.isFinite ? result : nil
}

/// Per-symbol session state. Plain data (no references), kept in one flat array indexed by symbol id.
struct SymbolSessionState: Sendable {
    /// `TradingSession.open` of the session this state belongs to; nil before the symbol's first in-session signal.
    var sessionOpen: TimestampNanos?
    var openPrice: Double?
    var highPrice: Double?
    var lowPrice: Double?
    var openingRangeHigh: Double?
    var openingRangeLow: Double?
    var openingWindowClose: Double?
    /// Last valid price with event time ≤ open + 45 min / + 60 min.
    var checkpoint45Price: Double?
    var checkpoint60Price: Double?
    var lastPrice: Double?
    var lastValidMid: Double?
    var prevClose: Double?
    var prevOpeningReturn45Bps: Double?
    var prevOpeningReturn60Bps: Double?

    /// Ends the current session: if it had a valid price, its last price becomes the previous close and its
    /// 45/60-minute opening returns become the previous session's; otherwise the older values are kept (a symbol
    /// with no valid price in a session keeps the close of the last session in which it had one). Then clears the
    /// intraday state.
    mutating func roll(to sessionOpen: TimestampNanos) {
        if let last = self.lastPrice {
            self.prevClose = last
            self.prevOpeningReturn45Bps = basisPoints(self.checkpoint45Price, over: self.openPrice)
            self.prevOpeningReturn60Bps = basisPoints(self.checkpoint60Price, over: self.openPrice)
        }
        self.sessionOpen = sessionOpen
        self.openPrice = nil
        self.highPrice = nil
        self.lowPrice = nil
        self.openingRangeHigh = nil
        self.openingRangeLow = nil
        self.openingWindowClose = nil
        self.checkpoint45Price = nil
        self.checkpoint60Price = nil
        self.lastPrice = nil
        self.lastValidMid = nil
    }
}

/// The series kept over the recent window, one value (or missing) per signal.
enum RecentSeries: Int, CaseIterable {
    case spreadBps
    case imbalancePressure
    /// 1 when the signal's quote is missing or invalid, else 0.
    case quoteInvalid
    case quoteJumpBps
    case micropriceBiasBps
    case aboveOpeningRangeHigh
    case aboveOpeningWindowClose
    case aboveVwapW5m

    static let count = 8

    var tracksMaximum: Bool { self == .spreadBps || self == .quoteJumpBps }
}

/// Rolling windows of the last K signals per symbol, for every `RecentSeries`, in flat arrays
/// (`values[((symbol × seriesCount) + series) × K + slot]`). Each entry is a value or missing; means and ratios are
/// over the present entries, and are missing when none is present.
///
/// Means use a running sum, re-summed exactly (left to right over the buffer, slot 0 first) every K signals, i.e.
/// whenever the ring cursor wraps. Between re-summations at most 2K additions/subtractions touch the sum, each of
/// partial sums of at most K + 1 values, so the **absolute** error of a mean, relative to a fresh left-to-right sum of
/// the window, is at most 2K(K + 1)·2⁻⁵³·max|x| over the values seen since the last re-summation (K = 30: below
/// 2.1 × 10⁻¹³ · max|x|, e.g. under 10⁻¹⁰ bps for spreads below 500 bps). Ratios sum 0/1 values and are exact.
/// Maxima are exact (rescanned when the maximum leaves the window).
struct RecentWindowStore: Sendable {
    let capacity: Int
    private(set) var symbolCount: Int
    private var values: [Double]
    private var present: [Bool]
    private var sums: [Double]
    private var counts: [Int]
    private var maxima: [Double]
    private var cursors: [Int]
    private var filled: [Int]

    init(symbolCount: Int, capacity: Int) {
        precondition(capacity >= 1, "recent window must hold at least one signal")
        self.capacity = capacity
        self.symbolCount = 0
        self.values = []
        self.present = []
        self.sums = []
        self.counts = []
        self.maxima = []
        self.cursors = []
        self.filled = []
        self.grow(to: symbolCount)
    }

    /// Adds empty windows for new symbols (allocates; not for the per-event path).
    mutating func grow(to symbolCount: Int) {
        let added = symbolCount - self.symbolCount
        guard added > 0 else { return }
        let series = added * RecentSeries.count
        self.values.append(contentsOf: repeatElement(0, count: series * self.capacity))
        self.present.append(contentsOf: repeatElement(false, count: series * self.capacity))
        self.sums.append(contentsOf: repeatElement(0, count: series))
        self.counts.append(contentsOf: repeatElement(0, count: series))
        self.maxima.append(contentsOf: repeatElement(0, count: series))
        self.cursors.append(contentsOf: repeatElement(0, count: added))
        self.filled.append(contentsOf: repeatElement(0, count: added))
        self.symbolCount = symbolCount
    }

    /// Empties the symbol's windows (new session).
    mutating func reset(symbol: Int) {
        for series in 0..<RecentSeries.count {
            let index = symbol * RecentSeries.count + series
            self.sums[index] = 0
            self.counts[index] = 0
            self.maxima[index] = 0
            let base = index * self.capacity
            for slot in 0..<self.capacity {
                self.present[base + slot] = false
            }
        }
        self.cursors[symbol] = 0
        self.filled[symbol] = 0
    }

    /// Writes the current signal's value of one series (evicting the oldest entry once the window is full). Call once
    /// per series, then `advance(symbol:)`.
    mutating func record(symbol: Int, series: RecentSeries, value: Double?) {
        let index = symbol * RecentSeries.count + series.rawValue
        let slot = index * self.capacity + self.cursors[symbol]
        var rescan = false
        if self.filled[symbol] == self.capacity, self.present[slot] {
            let old = self.values[slot]
            self.sums[index] -= old
            self.counts[index] -= 1
            if series.tracksMaximum, old >= self.maxima[index] { rescan = true }
        }
        if let value {
            self.values[slot] = value
            self.present[slot] = true
            self.sums[index] += value
            self.counts[index] += 1
            if series.tracksMaximum, !rescan, self.counts[index] == 1 || value > self.maxima[index] {
                self.maxima[index] = value
            }
        } else {
            self.present[slot] = false
        }
        if self.counts[index] == 0 { self.sums[index] = 0 }
        if rescan { self.rescanMaximum(index: index) }
    }

    /// `record(symbol:series:value:)` for every series in `RecentSeries` order, then
    /// `advance(symbol:)`, with one uniqueness check per storage array instead of one per element write.
    mutating func recordSignal(symbol: Int, _ values: RecentSignalValues, keeping series: UInt16 = .max) {
        let capacity = self.capacity
        let full = self.filled[symbol] == capacity
        let cursor = self.cursors[symbol]
        let wraps = cursor + 1 == capacity
        Self.withStorage(
            values: &self.values, present: &self.present, sums: &self.sums, counts: &self.counts,
            maxima: &self.maxima
        ) { storage in
            let first = symbol * RecentSeries.count
            @inline(__always) func put(_ kind: RecentSeries, _ value: Double?) {
                guard series & (1 << kind.rawValue) != 0 else { return }
                storage.record(
                    index: first + kind.rawValue, slotOffset: cursor, capacity: capacity, full: full,
                    tracksMaximum: kind.tracksMaximum, value)
            }
            put(.spreadBps, values.spreadBps)
            put(.imbalancePressure, values.imbalancePressure)
            put(.quoteInvalid, values.quoteInvalid)
            put(.quoteJumpBps, values.quoteJumpBps)
            put(.micropriceBiasBps, values.micropriceBiasBps)
            put(.aboveOpeningRangeHigh, values.aboveOpeningRangeHigh)
            put(.aboveOpeningWindowClose, values.aboveOpeningWindowClose)
            put(.aboveVwapW5m, values.aboveVwapW5m)
            if wraps {
                for kind in 0..<RecentSeries.count where series & (1 << kind) != 0 {
                    storage.resum(index: first + kind, capacity: capacity)
                }
            }
        }
        if !full { self.filled[symbol] += 1 }
        self.cursors[symbol] = wraps ? 0 : cursor + 1
    }

    @inline(__always)
    private static func withStorage(
        values: inout [Double], present: inout [Bool], sums: inout [Double], counts: inout [Int],
        maxima: inout [Double], _ body: (RecentWindowPointers) -> Void
    ) {
        values.withUnsafeMutableBufferPointer { values in
            present.withUnsafeMutableBufferPointer { present in
                sums.withUnsafeMutableBufferPointer { sums in
                    counts.withUnsafeMutableBufferPointer { counts in
                        maxima.withUnsafeMutableBufferPointer { maxima in
                            body(
                                RecentWindowPointers(
                                    values: values.baseAddress!, present: present.baseAddress!,
                                    sums: sums.baseAddress!, counts: counts.baseAddress!, maxima: maxima.baseAddress!))
                        }
                    }
                }
            }
        }
    }

    /// Moves the symbol's cursor past the current signal; re-sums exactly when it wraps.
    mutating func advance(symbol: Int) {
        if self.filled[symbol] < self.capacity { self.filled[symbol] += 1 }
        var cursor = self.cursors[symbol] + 1
        if cursor == self.capacity {
            cursor = 0
            for series in 0..<RecentSeries.count {
                self.resum(index: symbol * RecentSeries.count + series)
            }
        }
        self.cursors[symbol] = cursor
    }

    /// Mean of the present entries, or nil when none is present.
    @inline(__always)
    func mean(symbol: Int, series: RecentSeries) -> Double? {
        let index = symbol * RecentSeries.count + series.rawValue
        let count = self.counts[index]
        return count > 0 ? self.sums[index] / Double(count) : nil
    }

    /// Maximum of the present entries (only for series that track it), or nil when none is present.
    @inline(__always)
    func maximum(symbol: Int, series: RecentSeries) -> Double? {
        precondition(series.tracksMaximum, "series \(series) keeps no maximum")
        let index = symbol * RecentSeries.count + series.rawValue
        return self.counts[index] > 0 ? self.maxima[index] : nil
    }

    private mutating func resum(index: Int) {
        let base = index * self.capacity
        var sum = 0.0
        for slot in 0..<self.capacity where self.present[base + slot] {
            sum += self.values[base + slot]
        }
        self.sums[index] = sum
    }

    private mutating func rescanMaximum(index: Int) {
        let base = index * self.capacity
        var best = 0.0
        var found = false
        for slot in 0..<self.capacity where self.present[base + slot] {
            let value = self.values[base + slot]
            if !found || value > best {
                best = value
                found = true
            }
        }
        self.maxima[index] = best
    }
}

/// One signal's values of every `RecentSeries` (nil = missing), for `RecentWindowStore.recordSignal`.
struct RecentSignalValues {
    var spreadBps: Double?
    var imbalancePressure: Double?
    var quoteInvalid: Double?
    var quoteJumpBps: Double?
    var micropriceBiasBps: Double?
    var aboveOpeningRangeHigh: Double?
    var aboveOpeningWindowClose: Double?
    var aboveVwapW5m: Double?
}

/// Raw views of `RecentWindowStore`'s arrays, valid only inside `RecentWindowStore.withStorage`. Same arithmetic, in
/// the same order, as `record(symbol:series:value:)`, `resum(index:)` and `rescanMaximum(index:)`.
struct RecentWindowPointers {
    let values: UnsafeMutablePointer<Double>
    let present: UnsafeMutablePointer<Bool>
    let sums: UnsafeMutablePointer<Double>
    let counts: UnsafeMutablePointer<Int>
    let maxima: UnsafeMutablePointer<Double>

    @inline(__always)
    func record(index: Int, slotOffset: Int, capacity: Int, full: Bool, tracksMaximum: Bool, _ value: Double?) {
        let slot = index * capacity + slotOffset
        var rescan = false
        if full, self.present[slot] {
            let old = self.values[slot]
            self.sums[index] -= old
            self.counts[index] -= 1
            if tracksMaximum, old >= self.maxima[index] { rescan = true }
        }
        if let value {
            self.values[slot] = value
            self.present[slot] = true
            self.sums[index] += value
            self.counts[index] += 1
            if tracksMaximum, !rescan, self.counts[index] == 1 || value > self.maxima[index] {
                self.maxima[index] = value
            }
        } else {
            self.present[slot] = false
        }
        if self.counts[index] == 0 { self.sums[index] = 0 }
        if rescan { self.rescanMaximum(index: index, capacity: capacity) }
    }

    @inline(__always)
    func resum(index: Int, capacity: Int) {
        let base = index * capacity
        var sum = 0.0
        for slot in 0..<capacity where self.present[base + slot] {
            sum += self.values[base + slot]
        }
        self.sums[index] = sum
    }

    func rescanMaximum(index: Int, capacity: Int) {
        let base = index * capacity
        var best = 0.0
        var found = false
        for slot in 0..<capacity where self.present[base + slot] {
            let value = self.values[base + slot]
            if !found || value > best {
                best = value
                found = true
            }
        }
        self.maxima[index] = best
    }
}

/// Session context (Torghut's `SessionContextTracker`, reference 01 Appendix A.2) per symbol and New York session.
///
/// A signal takes part when the caller passes its `TradingSession` and `session.open ≤ event_ts ≤ session.close`.
/// The first such signal of a new session (by `open`) rolls the symbol's state over; a signal for a session older
/// than the symbol's current one is ignored (signals must arrive in order). Prices come from the vector's `price`
/// slot (the extractor's price source); a price is valid when present (finite and > 0).
///
/// - Opening window: event_ts − open ≤ `openingRangeMinutes` (inclusive, because event_ts is the bar *end*). The
///   opening range, opening-window close and the features built on them are emitted as of now while the window is
///   still open (the range so far), and frozen after it.
/// - Recent window: the last K in-session signals of the symbol (reset each session), whatever their content.
/// - Quote jump: |mid − previous valid mid| / previous valid mid × 10000 between consecutive valid quotes of the
///   session; a quote is valid when the extractor could compute `spread_bps` (see `FeatureExtractor`).
/// - `recent_above_*` compare the signal's price with the level as it stood at that signal.
struct SessionContextTracker: Sendable {
    let openingRangeNanos: Int64
    private(set) var states: [SymbolSessionState]
    private var recent: RecentWindowStore

    private static let nanosPerMinute: Int64 = 60_000_000_000

    init(symbolCount: Int, openingRangeMinutes: Int, recentWindowSignals: Int) {
        precondition(openingRangeMinutes >= 1, "opening range must last at least one minute")
        self.openingRangeNanos = Int64(openingRangeMinutes) * Self.nanosPerMinute
        self.states = [SymbolSessionState](repeating: SymbolSessionState(), count: symbolCount)
        self.recent = RecentWindowStore(symbolCount: symbolCount, capacity: recentWindowSignals)
    }

    mutating func grow(to symbolCount: Int) {
        if symbolCount > self.states.count {
            self.states.append(contentsOf: repeatElement(SymbolSessionState(), count: symbolCount - self.states.count))
        }
        self.recent.grow(to: symbolCount)
    }

    /// Updates the symbol's state with this signal and writes the session features. Returns false (writing nothing)
    /// when the signal is outside the session or belongs to an older session than the symbol's current one.
    /// `recentSeries` (bits by `RecentSeries.rawValue`) are the series kept and written; the others stay missing.
    mutating func update(
        symbol: Int, eventTime: TimestampNanos, session: TradingSession, mid: Double?, recentSeries: UInt16 = .max,
        vector: inout FeatureVectorWriter
    ) -> Bool {
        guard eventTime >= session.open, eventTime <= session.close else { return false }
        let openingRangeNanos = self.openingRangeNanos
        // The symbol's state is updated in place (no copy out and back of the whole struct).
        return Self.withState(states: &self.states, symbol: symbol) { state in
            Self.update(
                state: &state, recent: &self.recent, openingRangeNanos: openingRangeNanos, symbol: symbol,
                eventTime: eventTime, session: session, mid: mid, recentSeries: recentSeries, vector: &vector)
        }
    }

    @inline(__always)
    private static func withState(
        states: inout [SymbolSessionState], symbol: Int, _ body: (inout SymbolSessionState) -> Bool
    ) -> Bool {
        states.withUnsafeMutableBufferPointer { buffer in body(&buffer[symbol]) }
    }

    @inline(__always)
    private static func update(
        state: inout SymbolSessionState, recent: inout RecentWindowStore, openingRangeNanos: Int64, symbol: Int,
        eventTime: TimestampNanos, session: TradingSession, mid: Double?, recentSeries: UInt16,
        vector: inout FeatureVectorWriter
    ) -> Bool {
        if state.sessionOpen != session.open {
            if let current = state.sessionOpen, session.open < current { return false }
            state.roll(to: session.open)
            recent.reset(symbol: symbol)
        }
        let elapsed = eventTime - session.open
        let price = vector[.price]
        if let price {
            if state.openPrice == nil { state.openPrice = price }
            state.highPrice = max(state.highPrice ?? price, price)
            state.lowPrice = min(state.lowPrice ?? price, price)
            if elapsed <= openingRangeNanos {
                state.openingRangeHigh = max(state.openingRangeHigh ?? price, price)
                state.openingRangeLow = min(state.openingRangeLow ?? price, price)
                state.openingWindowClose = price
            }
            if elapsed <= 45 * Self.nanosPerMinute { state.checkpoint45Price = price }
            if elapsed <= 60 * Self.nanosPerMinute { state.checkpoint60Price = price }
            state.lastPrice = price
        }

        vector.set(.sessionMinutesElapsed, Double(elapsed / Self.nanosPerMinute))
        vector.set(.sessionOpenPrice, state.openPrice)
        vector.set(.prevSessionClosePrice, state.prevClose)
        vector.set(.sessionHighPrice, state.highPrice)
        vector.set(.sessionLowPrice, state.lowPrice)
        vector.set(.openingRangeHigh, state.openingRangeHigh)
        vector.set(.openingRangeLow, state.openingRangeLow)
        vector.set(.openingWindowClosePrice, state.openingWindowClose)
        vector.set(.openingRangeWidthBps, basisPoints(state.openingRangeHigh, over: state.openingRangeLow))
        vector.set(.sessionRangeBps, basisPoints(state.highPrice, over: state.lowPrice))
        vector.set(.priceVsSessionOpenBps, basisPoints(price, over: state.openPrice))
        vector.set(.priceVsPrevSessionCloseBps, basisPoints(price, over: state.prevClose))
        vector.set(.openingWindowReturnBps, basisPoints(state.openingWindowClose, over: state.openPrice))
        vector.set(.openingWindowReturnFromPrevCloseBps, basisPoints(state.openingWindowClose, over: state.prevClose))
        vector.set(.priceVsSessionHighBps, basisPoints(price, over: state.highPrice))
        vector.set(.priceVsSessionLowBps, basisPoints(price, over: state.lowPrice))
        vector.set(.priceVsOpeningRangeHighBps, basisPoints(price, over: state.openingRangeHigh))
        vector.set(.priceVsOpeningRangeLowBps, basisPoints(price, over: state.openingRangeLow))
        vector.set(.priceVsOpeningWindowCloseBps, basisPoints(price, over: state.openingWindowClose))
        if let price, let high = state.highPrice, let low = state.lowPrice {
            vector.set(.pricePositionInSessionRange, high > low ? (price - low) / (high - low) : 0.5)
        }
        vector.set(.prevSessionOpeningReturn45mBps, state.prevOpeningReturn45Bps)
        vector.set(.prevSessionOpeningReturn60mBps, state.prevOpeningReturn60Bps)

        var jump: Double? = nil
        if let mid {
            if let previous = state.lastValidMid, let move = basisPoints(mid, over: previous) { jump = abs(move) }
            state.lastValidMid = mid
        }
        recent.recordSignal(
            symbol: symbol,
            RecentSignalValues(
                spreadBps: vector[.spreadBps], imbalancePressure: vector[.imbalancePressure],
                quoteInvalid: mid == nil ? 1 : 0, quoteJumpBps: jump, micropriceBiasBps: vector[.micropriceBiasBps],
                aboveOpeningRangeHigh: Self.above(price, state.openingRangeHigh),
                aboveOpeningWindowClose: Self.above(price, state.openingWindowClose),
                aboveVwapW5m: Self.above(price, vector[.vwapW5m])),
            keeping: recentSeries)

        @inline(__always) func keeps(_ series: RecentSeries) -> Bool { recentSeries & (1 << series.rawValue) != 0 }
        if keeps(.spreadBps) {
            vector.set(.recentSpreadBpsAvg, recent.mean(symbol: symbol, series: .spreadBps))
            vector.set(.recentSpreadBpsMax, recent.maximum(symbol: symbol, series: .spreadBps))
        }
        if keeps(.imbalancePressure) {
            vector.set(.recentImbalancePressureAvg, recent.mean(symbol: symbol, series: .imbalancePressure))
        }
        if keeps(.quoteInvalid) {
            vector.set(.recentQuoteInvalidRatio, recent.mean(symbol: symbol, series: .quoteInvalid))
        }
        if keeps(.quoteJumpBps) {
            vector.set(.recentQuoteJumpBpsAvg, recent.mean(symbol: symbol, series: .quoteJumpBps))
            vector.set(.recentQuoteJumpBpsMax, recent.maximum(symbol: symbol, series: .quoteJumpBps))
        }
        if keeps(.micropriceBiasBps) {
            vector.set(.recentMicropriceBiasBpsAvg, recent.mean(symbol: symbol, series: .micropriceBiasBps))
        }
        if keeps(.aboveOpeningRangeHigh) {
            vector.set(.recentAboveOpeningRangeHighRatio, recent.mean(symbol: symbol, series: .aboveOpeningRangeHigh))
        }
        if keeps(.aboveOpeningWindowClose) {
            vector.set(
                .recentAboveOpeningWindowCloseRatio, recent.mean(symbol: symbol, series: .aboveOpeningWindowClose))
        }
        if keeps(.aboveVwapW5m) {
            vector.set(.recentAboveVwapW5mRatio, recent.mean(symbol: symbol, series: .aboveVwapW5m))
        }

        return true
    }

    /// 1 when price > level, 0 when not, nil when either is missing (or the level is not a positive price).
    @inline(__always)
    private static func above(_ price: Double?, _ level: Double?) -> Double? {
        guard let price, let level, level > 0 else { return nil }
        return price > level ? 1 : 0
    }
}
