import SpecModel

/// The most recent event times, newest last, in a fixed-size ring (order-rate windows).
struct EventTimeRing: Sendable {
    private var times: [TimestampNanos]
    private var next = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.times = Array(repeating: 0, count: max(1, capacity))
    }

    mutating func append(_ time: TimestampNanos) {
        self.times[self.next] = time
        self.next = self.next + 1 == self.times.count ? 0 : self.next + 1
        self.count = min(self.count + 1, self.times.count)
    }

    /// Whether at least `count` of the times are after `start`: the times are in order, so only the `count`-th
    /// newest needs looking at (O(1)). `count` 0 always holds.
    @inline(__always)
    func holds(_ count: Int, after start: TimestampNanos) -> Bool {
        guard count > 0 else { return true }
        guard count <= self.count else { return false }
        var index = self.next - count
        if index < 0 { index += self.times.count }
        return self.times[index] > start
    }
}

/// What the risk chain remembers between intents: the clock, the session, the day's equity path, accepted orders
/// and day trades. The chain only reads it; `RiskEngine.observe` and `RiskEngine.record` change it, so every change
/// is an explicit step of the caller (simulator or live loop), never a side effect of a check.
public struct RiskState: Sendable {
    /// The newest time seen: every age and window is measured from here (event time in the simulator).
    public internal(set) var now: TimestampNanos = .min
    /// The New York session containing `now`, if any, and the session date the day's counters belong to.
    public internal(set) var session: TradingSession?
    public internal(set) var sessionDate: CivilDate?
    /// The regular session of `sessionDate` (nil on a weekend or holiday), for the extended-hours sessions around it.
    public internal(set) var daySession: TradingSession?
    /// Until when `session`/`sessionDate` hold without asking the calendar again.
    var sessionValidUntil: TimestampNanos = .min

    /// The session's baseline equity (see `baselineEquity`), its high-water mark, the largest loss from the
    /// baseline and the deepest fall from a high-water mark seen so far today (peak and trough), so a breach stays
    /// breached all day.
    public internal(set) var openingEquity: Decimal?
    /// What the next session's loss is measured from: the equity last observed before the session rolled (the
    /// broker's "last equity"), or what the caller sets before the first observation (the simulator: the starting
    /// equity). Nil: the session's first observation. Not the first observation when there is one: at the first
    /// signal only that signal's symbol has a fresh price, and every other position would enter the baseline at
    /// a stale mark, its first fresh price then counting as today's gain or loss.
    public var baselineEquity: Decimal?
    public internal(set) var highWaterMark: Decimal = .zero
    public internal(set) var worstLoss: Decimal = .zero
    public internal(set) var worstDrawdown: (peak: Decimal, trough: Decimal) = (.zero, .zero)
    /// The equity `observe` saw last this session (nil when none; a new session clears it with `openingEquity`).
    var lastObservedEquity: Decimal? = nil

    var accountOrders: EventTimeRing
    var symbolOrders: [EventTimeRing]
    /// Per (strategy, symbol, side): the time of the last accepted intent; `.min` when none.
    var lastIntent: [TimestampNanos]
    /// Per symbol: the time of the last accepted risk-increasing order.
    var lastIncrease: [TimestampNanos]

    /// Day trades per session, newest last, for the sessions of the rolling five-session window.
    public internal(set) var dayTrades: [(date: CivilDate, count: Int)] = []
    /// Per symbol: a position opened or added to this session and still held (a day trade waiting to happen).
    var openedToday: [Bool]
    public internal(set) var openedTodayHeld = 0

    init(strategies: Int, symbols: Int, accountRateCapacity: Int, symbolRateCapacity: Int) {
        self.accountOrders = EventTimeRing(capacity: accountRateCapacity)
        self.symbolOrders = Array(repeating: EventTimeRing(capacity: symbolRateCapacity), count: symbols)
        self.lastIntent = Array(repeating: .min, count: strategies * symbols * 2)
        self.lastIncrease = Array(repeating: .min, count: symbols)
        self.openedToday = Array(repeating: false, count: symbols)
    }

    /// Day trades counted in the rolling window (today included).
    public var dayTradesInWindow: Int { self.dayTrades.reduce(0) { $0 + $1.count } }

    /// Tracks the day's equity path. `equity` is today's current value.
    mutating func observe(equity: Decimal) {
        if self.openingEquity == nil {
            let baseline = self.baselineEquity ?? equity
            self.openingEquity = baseline
            self.lastObservedEquity = baseline
            self.highWaterMark = baseline
            self.worstDrawdown = (baseline, baseline)
        }
        guard let opening = self.openingEquity else { return }
        // The same equity again (nothing held moved) changes none of the three: skip them.
        if equity == self.lastObservedEquity { return }
        self.lastObservedEquity = equity
        if equity > self.highWaterMark { self.highWaterMark = equity }
        if let loss = opening.subtracting(equity), loss > self.worstLoss { self.worstLoss = loss }
        if Self.deeper(peak: self.highWaterMark, trough: equity, than: self.worstDrawdown) {
            self.worstDrawdown = (self.highWaterMark, equity)
        }
    }

    /// (peak − trough) / peak > (other peak − other trough) / other peak, by cross-multiplying (no division).
    static func deeper(peak: Decimal, trough: Decimal, than other: (peak: Decimal, trough: Decimal)) -> Bool {
        guard peak.units > 0 else { return false }
        let fall = Int128(peak.units) - Int128(trough.units)
        let otherFall = Int128(other.peak.units) - Int128(other.trough.units)
        guard other.peak.units > 0 else { return fall > 0 }
        let (left, leftOverflow) = fall.multipliedReportingOverflow(by: Int128(other.peak.units))
        let (right, rightOverflow) = otherFall.multipliedReportingOverflow(by: Int128(peak.units))
        // Only near the edge of the decimal range (billions of dollars below zero): compare approximately.
        if leftOverflow || rightOverflow { return Double(fall) / peak.doubleValue > Double(otherFall) / other.peak.doubleValue }
        return left > right
    }
}
