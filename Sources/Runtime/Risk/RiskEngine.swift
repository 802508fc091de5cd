import SpecCompiler
import SpecModel

/// The pre-trade risk chain of a plan. Each strategy trades under the `RiskPolicy` of its universe (or the built-in
/// default when none covers it). `evaluate` is pure: it reads the intent, the account and the `RiskState` and returns
/// a verdict; `observe` and `record` are the only ways state changes. The simulator and the live runtime call the
/// same three functions, so both enforce the same limits the same way.
public struct RiskEngine: Sendable {
    /// Per strategy (plan order): the policy it trades under.
    public let policies: [PlanRiskPolicy]
    /// Every symbol the plan can name, in byte order; indices are `RiskIntent.symbol`.
    public let symbols: [Symbol]
    /// `symbols.count`, stored: the chain indexes per-(strategy, symbol) tables with it on every intent.
    let symbolCount: Int
    public let calendar: MarketCalendar
    let limits: RiskLimitTable
    private let symbolIndices: [Symbol: Int]

    public init(plan: ExecutionPlan, calendar: MarketCalendar = .nyse) throws(PlanRiskPolicy.DecodingError) {
        let decoded = try plan.riskPolicies.map { (json) throws(PlanRiskPolicy.DecodingError) in
            try PlanRiskPolicy(json: json)
        }
        self.policies = plan.strategies.map { strategy in
            decoded.first { $0.universe == strategy.universe } ?? .builtInDefault(universe: strategy.universe)
        }
        var names = Set(plan.universes.flatMap(\.symbols))
        names.formUnion(plan.strategies.flatMap(\.symbols))
        names.formUnion(decoded.flatMap { $0.allow + $0.deny })
        self.symbols = names.sorted { $0.rawValue.utf8Precedes($1.rawValue) }
        self.symbolCount = self.symbols.count
        self.calendar = calendar
        var indices: [Symbol: Int] = [:]
        for (index, symbol) in self.symbols.enumerated() { indices[symbol] = index }
        self.symbolIndices = indices
        let universes = self.policies.map { policy in
            Set(plan.universes.first { $0.name == policy.universe }?.symbols ?? [])
        }
        let allowLists = self.policies.map { Set($0.allow) }
        let denyLists = self.policies.map { Set($0.deny) }
        self.limits = RiskLimitTable(
            policies: self.policies, strategyIDs: plan.strategies.map(\.id), symbols: self.symbols,
            symbolAllowed: { strategy, symbol in
                universes[strategy].contains(symbol)
                    && (allowLists[strategy].isEmpty || allowLists[strategy].contains(symbol))
            },
            symbolDenied: { strategy, symbol in denyLists[strategy].contains(symbol) })
    }

    public func symbolIndex(of symbol: Symbol) -> Int? { self.symbolIndices[symbol] }

    /// The limit that applies to `strategy` trading `symbol` (nil: a symbol outside the plan), if any scope sets it.
    public func limit(
        _ key: RiskLimitKey, strategy: Int, symbol: Int?
    ) -> (value: Decimal, origin: RiskLimitOrigin)? {
        self.limits.value(key, strategy: strategy, symbol: symbol)
    }

    /// A fresh state. `dayTrades` seeds the pattern-day-trader window (the broker's `daytrade_count` in live).
    public func makeState(dayTrades: [(date: CivilDate, count: Int)] = []) -> RiskState {
        func capacity(_ key: RiskLimitKey) -> Int {
            guard let largest = self.limits.largest(key) else { return 1 }
            return Int(min(largest, Decimal(1_000_000)).units / Decimal.unitsPerWhole) + 1
        }
        var state = RiskState(
            strategies: self.policies.count, symbols: self.symbols.count,
            accountRateCapacity: capacity(.maxOrdersPerMinute),
            symbolRateCapacity: capacity(.maxOrdersPerMinutePerSymbol))
        state.dayTrades = dayTrades
        return state
    }

    /// Advances the clock to `time` (never backwards) and records the account's equity there. A new session date
    /// restarts the day's equity path and rolls the day-trade window. Call once per event before evaluating.
    public func observe(_ state: inout RiskState, time: TimestampNanos, equity: Decimal) {
        if time > state.now { state.now = time }
        if state.now >= state.sessionValidUntil { self.rollSession(&state) }
        state.observe(equity: equity)
    }

    private func rollSession(_ state: inout RiskState) {
        let now = state.now
        state.session = self.calendar.session(containing: now)
        let date = self.calendar.sessionDate(for: now)
        // Inside a session nothing changes before its close; before the open, nothing before the open; otherwise
        // look again a minute later (the date rolls at New York midnight).
        if let session = state.session {
            state.sessionValidUntil = session.close
        } else if let today = self.calendar.session(on: date), now < today.open {
            state.sessionValidUntil = today.open
        } else {
            state.sessionValidUntil = now + Timestamp.nanosPerMinute
        }
        guard date != state.sessionDate else { return }
        state.sessionDate = date
        state.daySession = self.calendar.session(on: date)
        if let last = state.lastObservedEquity { state.baselineEquity = last }
        state.openingEquity = nil
        state.lastObservedEquity = nil
        state.worstLoss = .zero
        state.highWaterMark = .zero
        state.worstDrawdown = (.zero, .zero)
        for index in state.openedToday.indices { state.openedToday[index] = false }
        state.openedTodayHeld = 0
        // Keep the day-trade counts of the five sessions ending today.
        var oldest = date
        for _ in 0..<4 { oldest = self.calendar.previousSession(before: oldest)?.date ?? oldest }
        state.dayTrades.removeAll { $0.date < oldest }
        if self.calendar.isTradingDay(date) { state.dayTrades.append((date, 0)) }
    }

    /// Records an order the chain allowed and that was sent (its allowed quantity): order-rate windows, the
    /// duplicate-intent window and the cooldown start here.
    public func record(_ intent: RiskIntent, allowed quantity: Decimal, account: RiskAccount, in state: inout RiskState) {
        state.accountOrders.append(state.now)
        guard let symbol = intent.symbol else { return }
        state.symbolOrders[symbol].append(state.now)
        state.lastIntent[Self.intentSlot(intent, symbols: self.symbolCount)] = state.now
        let split = RiskSplit(action: intent.action, quantity: quantity, position: account.position)
        if split.increase > .zero { state.lastIncrease[symbol] = state.now }
    }

    /// Records a fill for the pattern-day-trader count: reducing a position opened this session is a day trade;
    /// adding to or opening one marks it as opened this session. A round trip counts once however many fills close
    /// it (FINRA: buy 10, sell 5, sell 5 is one day trade); adding again after a counted reduction opens another.
    public func recordFill(
        symbol: Int, positionBefore: Decimal, positionAfter: Decimal, in state: inout RiskState
    ) {
        let reduced = !positionBefore.isZero
            && (positionAfter.signum != positionBefore.signum || positionAfter.magnitude < positionBefore.magnitude)
        let increased = !positionAfter.isZero
            && (positionAfter.signum != positionBefore.signum || positionAfter.magnitude > positionBefore.magnitude)
        let wasHeld = state.openedToday[symbol] && !positionBefore.isZero
        if reduced, state.openedToday[symbol] {
            if state.dayTrades.isEmpty, let date = state.sessionDate { state.dayTrades.append((date, 0)) }
            if !state.dayTrades.isEmpty { state.dayTrades[state.dayTrades.count - 1].count += 1 }
            // Counted: the rest of the position closes the same round trip.
            state.openedToday[symbol] = false
        }
        if increased { state.openedToday[symbol] = true }
        let isHeld = state.openedToday[symbol] && !positionAfter.isZero
        state.openedTodayHeld += (isHeld ? 1 : 0) - (wasHeld ? 1 : 0)
    }

    @inline(__always)
    static func intentSlot(_ intent: RiskIntent, symbols: Int) -> Int {
        ((intent.strategy * symbols) + (intent.symbol ?? 0)) * 2 + (intent.action == .buy ? 0 : 1)
    }
}

/// An order split against the position it trades: the part that reduces the position and the part that opens or
/// adds to one (a flip has both).
struct RiskSplit: Sendable {
    var reduce: Decimal
    var increase: Decimal

    @inline(__always)
    init(action: Decision.Action, quantity: Decimal, position: Decimal) {
        let opposite = action == .buy ? position.isNegative : (position.signum > 0)
        self.reduce = opposite ? min(quantity, position.magnitude) : .zero
        self.increase = Decimal(units: quantity.units - self.reduce.units)
    }
}

/// A policy's non-numeric rules as plain values, read once per intent.
struct RiskRules: Sendable {
    enum BorrowDataMissing: Sendable {
        case reject
        case rejectInLive
        case allow
    }

    var extendedHours: Bool
    /// A session type's windows as offsets in nanoseconds (from the open for the entry start, before the close for
    /// the ends), so the hours check compares instants without multiplying; minutes are kept for reports.
    struct Window: Sendable {
        var minutes: PlanRiskPolicy.Window
        var entriesStart: Int64
        var entriesEnd: Int64
        var exitsEnd: Int64

        init(_ minutes: PlanRiskPolicy.Window) {
            self.minutes = minutes
            self.entriesStart = Int64(minutes.entriesStartMinutesAfterOpen) * Timestamp.nanosPerMinute
            self.entriesEnd = Int64(minutes.entriesEndMinutesBeforeClose) * Timestamp.nanosPerMinute
            self.exitsEnd = Int64(minutes.exitsEndMinutesBeforeClose) * Timestamp.nanosPerMinute
        }
    }

    var regular: Window
    var earlyClose: Window
    var shortsAllowed: Bool
    var shortsWholeSharesOnly: Bool
    var requireEasyToBorrow: Bool
    var whenBorrowDataMissing: BorrowDataMissing
    var step: Decimal
    var buyingPowerRequired: Bool
    var buyingPowerIncludesPendingOrders: Bool
    var patternDayTraderEnabled: Bool
    var patternDayTraderMinEquity: Decimal
    var maxDayTrades: Int
    var rejectWhenADVMissing: Bool

    init(_ policy: PlanRiskPolicy) {
        self.extendedHours = policy.extendedHours
        self.regular = Window(policy.regularHours)
        self.earlyClose = Window(policy.earlyCloseHours)
        self.shortsAllowed = policy.shortsAllowed
        self.shortsWholeSharesOnly = policy.shortsWholeSharesOnly
        self.requireEasyToBorrow = policy.requireEasyToBorrow
        switch policy.whenBorrowDataMissing {
        case "allow": self.whenBorrowDataMissing = .allow
        case "reject": self.whenBorrowDataMissing = .reject
        default: self.whenBorrowDataMissing = .rejectInLive
        }
        self.step = policy.fractionalEquities ? policy.fractionalStepShares : Decimal(1)
        self.buyingPowerRequired = policy.buyingPowerRequired
        self.buyingPowerIncludesPendingOrders = policy.buyingPowerIncludesPendingOrders
        self.patternDayTraderEnabled = policy.patternDayTraderEnabled
        self.patternDayTraderMinEquity = policy.patternDayTraderMinEquityUSD
        self.maxDayTrades = policy.maxDayTradesPerFiveSessions
        self.rejectWhenADVMissing = policy.whenADVMissing == "reject"
    }
}
