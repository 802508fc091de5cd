import SpecCompiler
import SpecModel

/// What one strategy holds and has done in one symbol. Updated by `StrategyBook.applyFill`; positions are isolated
/// per strategy.
public struct SymbolState: Sendable, Hashable {
    /// Signed shares: positive long, negative short.
    public var quantity: Decimal = .zero
    public var averageEntryPrice: Decimal?
    public var entryTime: TimestampNanos?
    /// The most favourable price since entry (highest for a long, lowest for a short), for the trailing stop.
    public var bestPrice: Double?
    public var lastEntryTime: TimestampNanos?
    public var lastExitTime: TimestampNanos?
    public var lockedUntil: TimestampNanos?

    public init() {}

    public init(quantity: Decimal, averageEntryPrice: Decimal? = nil, entryTime: TimestampNanos? = nil) {
        self.quantity = quantity
        self.averageEntryPrice = averageEntryPrice
        self.entryTime = entryTime
    }

    var held: PlanRule.Direction? { self.quantity.isZero ? nil : (self.quantity.isNegative ? .short : .long) }
}

/// The inputs of one evaluation besides features.
public struct SignalContext: Sendable {
    public var symbol: Symbol
    public var eventTime: TimestampNanos
    /// The New York session date, for per-session counters; nil outside a session.
    public var session: CivilDate?
    public var clock: EvaluationContext
    public var sizing: SizingContext
    public var ordinal: Int
    /// The caller's dense id for `symbol` (the plan runner's), stable for the book's life; with it the book finds the
    /// symbol's state by index instead of hashing the symbol. Nil: looked up by symbol.
    public var slot: Int?

    public init(
        symbol: Symbol, eventTime: TimestampNanos, session: CivilDate?, clock: EvaluationContext, sizing: SizingContext,
        ordinal: Int = 0, slot: Int? = nil
    ) {
        self.symbol = symbol
        self.eventTime = eventTime
        self.session = session
        self.clock = clock
        self.sizing = sizing
        self.ordinal = ordinal
        self.slot = slot
    }
}

/// One strategy's rules plus its state across symbols: overlays, signal exits, trade policy and entries.
///
/// Order for a signal: with a position, the overlays (stop loss, trailing stop, max hold, session flatten), then the
/// held direction's signal exit (after `min_hold_seconds`, and with the profit requirements); then entries in the
/// strategy's order, skipping the held direction, each behind the trade-policy gates. The first that fires decides.
/// Session counters (entries, stop-loss and losing exits) are per strategy and reset when the session date changes.
public struct StrategyBook: Sendable {
    public let strategy: CompiledStrategy
    /// Each symbol's state, in the order symbols were first seen, found by symbol through `stateIndices` or by the
    /// caller's slot through `slotIndices` (−1 until the slot is first seen).
    private var stateList: [SymbolState] = []
    private var stateSymbols: [Symbol] = []
    private var stateIndices: [Symbol: Int] = [:]
    private var slotIndices: [Int32] = []
    public private(set) var session: CivilDate?
    public private(set) var entriesThisSession = 0
    public private(set) var stopLossExitsThisSession = 0
    public private(set) var negativeExitsThisSession = 0
    /// The summed loss, in bps of entry, of this session's losing exits (exact).
    public private(set) var negativeExitBPSThisSession = Decimal.zero
    private var openPositions = 0
    /// `strategy.code` as plain pointers: `strategy` keeps the buffers alive for the book's life.
    private let code: ProgramCode.View
    /// Whether a flat book outside every entry window records the outcomes without evaluating (off only in the test
    /// that compares both paths).
    var skipsClosedWindows = true
    /// Scratch memo for the program frames of evaluations the caller does not lend one to.
    private var memo = ProgramMemo()

    public init(_ strategy: CompiledStrategy) {
        self.strategy = strategy
        self.code = strategy.code.view
    }

    /// Every symbol's state (a copy; for inspection, not the per-signal path).
    public var states: [Symbol: SymbolState] {
        Dictionary(uniqueKeysWithValues: zip(self.stateSymbols, self.stateList))
    }

    public func state(of symbol: Symbol) -> SymbolState {
        self.stateIndices[symbol].map { self.stateList[$0] } ?? SymbolState()
    }

    /// Replaces a symbol's state (e.g. positions restored from the broker).
    public mutating func setState(_ state: SymbolState, for symbol: Symbol) {
        if self.state(of: symbol).held != nil { self.openPositions -= 1 }
        if state.held != nil { self.openPositions += 1 }
        self.stateList[self.stateIndex(of: symbol)] = state
    }

    /// The index of `symbol`'s state, adding a fresh state the first time.
    private mutating func stateIndex(of symbol: Symbol) -> Int {
        if let index = self.stateIndices[symbol] { return index }
        let index = self.stateList.count
        self.stateList.append(SymbolState())
        self.stateSymbols.append(symbol)
        self.stateIndices[symbol] = index
        return index
    }

    /// `stateIndex(of: signal.symbol)`, through the caller's slot when it has one (no hashing once seen).
    private mutating func stateIndex(for signal: SignalContext) -> Int {
        guard let slot = signal.slot, slot >= 0 else { return self.stateIndex(of: signal.symbol) }
        if slot < self.slotIndices.count, self.slotIndices[slot] >= 0 { return Int(self.slotIndices[slot]) }
        let index = self.stateIndex(of: signal.symbol)
        if slot >= self.slotIndices.count {
            self.slotIndices.append(contentsOf: repeatElement(-1, count: slot + 1 - self.slotIndices.count))
        }
        self.slotIndices[slot] = Int32(index)
        return index
    }

    public mutating func evaluate(_ features: FeatureVector, _ signal: SignalContext) -> Evaluation {
        var outcomes: [RuleOutcome] = []
        let decision = self.evaluate(features, signal, outcomes: &outcomes)
        return Evaluation(decision: decision, outcomes: outcomes)
    }

    /// `evaluate(_:_:)` appending the trace to `outcomes` (a buffer the caller reuses), so a warm evaluation that
    /// decides nothing does not allocate.
    public mutating func evaluate(
        _ features: FeatureVector, _ signal: SignalContext, outcomes: inout [RuleOutcome]
    ) -> Decision? {
        var list = RuleOutcomeList()
        defer { outcomes.append(contentsOf: list.all) }
        // The memo moves out of the book and back, so it stays uniquely referenced (no copy on write).
        var memo = ProgramMemo()
        swap(&memo, &self.memo)
        defer { swap(&memo, &self.memo) }
        let count = self.code.slotCount
        return memo.withScratch(count: count) { scratch in
            features.withReader { reader in
                self.evaluate(features, reader, signal, memo: &scratch, outcomes: &list)
            }
        }
    }

    /// `evaluate(_:_:outcomes:)` over a feature reader and memo scratch the caller holds for all its books (the plan
    /// runner sets both up once per signal). `reader` reads `features`.
    mutating func evaluate(
        _ features: FeatureVector, _ reader: FeatureReader, _ signal: SignalContext, memo: inout MemoScratch,
        outcomes: inout RuleOutcomeList
    ) -> Decision? {
        self.rollSession(to: signal.session)
        // Read through the index, write back through it.
        let stateIndex = self.stateIndex(for: signal)
        // Flat, with every entry windowed and the minute outside all the windows: the full evaluation could only
        // record each entry as outside its window (most books, most of the day).
        let code = self.code
        if self.skipsClosedWindows, code.entriesAllWindowed, self.stateList[stateIndex].held == nil,
            code.entriesClosed(at: signal.clock.minutesAfterOpen)
        {
            for gate in code.entries {
                outcomes.append(RuleOutcome(intent: .entry, direction: gate.direction, result: .outsideWindow))
            }
            return nil
        }
        var state = self.stateList[stateIndex]
        // `decide` changes the state only while a position is held (its best price).
        defer { if state.held != nil { self.stateList[stateIndex] = state } }
        let frame = code.frame(memo: &memo, features: reader, context: signal.clock)
        return self.decide(features, signal, frame, &state, &outcomes)
    }

    /// The body of `evaluate`: overlays and signal exits for a held position, then entries.
    private mutating func decide(
        _ features: FeatureVector, _ signal: SignalContext, _ frame: ProgramFrame, _ state: inout SymbolState,
        _ outcomes: inout RuleOutcomeList
    ) -> Decision? {
        if let held = state.held {
            let price = signal.sizing.price.doubleValue
            if let best = state.bestPrice {
                state.bestPrice = held == .long ? max(best, price) : min(best, price)
            } else {
                state.bestPrice = price
            }
            if let reason = self.overlayExit(held, state, features, signal, frame) {
                outcomes.append(RuleOutcome(intent: .exit, direction: held, result: .policy(reason)))
                return self.decision(
                    intent: .exit, direction: held, quantity: state.quantity.magnitude, confidence: Decimal(1),
                    reasons: [reason.rawValue], signal)
            }
            for index in frame.exits.indices where frame.exits[index].direction == held {
                var result = frame.check(frame.exits[index])
                if result == .fired, let blocked = self.signalExitBlock(held, state, signal) { result = .policy(blocked) }
                outcomes.append(RuleOutcome(intent: .exit, direction: held, result: result))
                guard result == .fired else { continue }
                return self.decision(
                    intent: .exit, direction: held, quantity: state.quantity.magnitude,
                    confidence: Self.confidence(self.strategy.exits[index], frame),
                    reasons: self.strategy.exits[index].reasons, signal)
            }
        }
        // Gates are plain values; the compiled rule (arrays) is read only when one fires.
        for index in frame.entries.indices {
            let direction = frame.entries[index].direction
            if direction == state.held {
                outcomes.append(RuleOutcome(intent: .entry, direction: direction, result: .skippedHeldDirection))
                continue
            }
            var result = frame.check(frame.entries[index])
            if result == .fired, let blocked = self.entryBlock(state, signal) { result = .policy(blocked) }
            // Entering against a held position closes it first, so it obeys the same hold and profit rules as exits.
            if result == .fired, let held = state.held, let blocked = self.signalExitBlock(held, state, signal) {
                result = .policy(blocked)
            }
            // Confidence and sizing only matter for a rule that fired (expressions are pure, so skipping them
            // otherwise changes nothing but the time spent).
            var confidence = Decimal.zero
            var quantity = Decimal.zero
            if result == .fired {
                confidence = Self.confidence(self.strategy.entries[index], frame)
                let multiplier = self.notionalMultiplier(confidence, features, frame.context)
                quantity = self.entryQuantity(state, signal.sizing, direction: direction, multiplier: multiplier)
                if quantity <= .zero { result = .sizedToZero }
            }
            outcomes.append(RuleOutcome(intent: .entry, direction: direction, result: result))
            switch result {
            case .fired: break
            // The rule's conditions held but a policy or sizing stopped it: the signal is spent, and no later rule
            // (the opposite direction) may act on it.
            case .policy, .sizedToZero: return nil
            default: continue
            }
            return self.decision(
                intent: .entry, direction: direction, quantity: quantity, confidence: confidence,
                reasons: self.strategy.entries[index].reasons, signal)
        }
        return nil
    }

    /// Records an executed order. `reason` is the exit's first reason code (`stop_loss` counts as a stop-loss exit);
    /// `session` is the New York date of the fill, so a fill that opens a session starts its counters afresh.
    public mutating func applyFill(
        symbol: Symbol, action: Decision.Action, quantity: Decimal, price: Decimal, time: TimestampNanos,
        reason: String? = nil, session: CivilDate? = nil
    ) {
        self.rollSession(to: session)
        var state = self.state(of: symbol)
        let wasHeld = state.held
        let signed = action == .buy ? quantity : quantity.negated
        let newQuantity = state.quantity.adding(signed) ?? state.quantity
        let increases = wasHeld == nil || (wasHeld == .long) == (action == .buy)
        let flips = !increases && !newQuantity.isZero && newQuantity.isNegative != state.quantity.isNegative
        if flips {
            // Close the old position at this price, then open the remainder as a fresh position.
            let closing = state.quantity.magnitude
            self.applyFill(symbol: symbol, action: action, quantity: closing, price: price, time: time, reason: reason)
            let remainder = quantity.subtracting(closing) ?? .zero
            self.applyFill(symbol: symbol, action: action, quantity: remainder, price: price, time: time)
            return
        }
        if increases {
            let oldNotional = state.quantity.magnitude.multiplied(by: state.averageEntryPrice ?? price, rounding: .halfEven)
            let addNotional = quantity.multiplied(by: price, rounding: .halfEven)
            if let oldNotional, let addNotional, let total = oldNotional.adding(addNotional), !newQuantity.isZero {
                state.averageEntryPrice = total.divided(by: newQuantity.magnitude, rounding: .halfEven)
            }
            if wasHeld == nil {
                state.entryTime = time
                state.bestPrice = price.doubleValue
            }
            state.lastEntryTime = time
            self.entriesThisSession += 1
        } else if let entry = state.averageEntryPrice, entry > .zero {
            // The exit's result in bps of the entry, exactly: losses are summed and compared with caps.
            let difference = (wasHeld == .long ? price.subtracting(entry) : entry.subtracting(price)) ?? .zero
            let move = difference.multiplied(by: Decimal(10_000), rounding: .halfEven)
                .flatMap { $0.divided(by: entry, rounding: .halfEven) } ?? .zero
            if reason == "stop_loss" {
                self.stopLossExitsThisSession += 1
                if let lockout = self.strategy.tradePolicy.stopLossLockoutSeconds {
                    state.lockedUntil = max(state.lockedUntil ?? time, time + Int64(lockout) * 1_000_000_000)
                }
            }
            if move.isNegative { self.negativeExitBPSThisSession = self.negativeExitBPSThisSession.adding(move.magnitude) ?? self.negativeExitBPSThisSession }
            // A losing exit counts once its loss reaches negative_exit_loss_bps ("a loss below this is not counted").
            if move.isNegative, move.magnitude >= self.strategy.tradePolicy.negativeExitLossBPS {
                self.negativeExitsThisSession += 1
                if let lockout = self.strategy.tradePolicy.negativeExitLockoutSeconds {
                    state.lockedUntil = max(state.lockedUntil ?? time, time + Int64(lockout) * 1_000_000_000)
                }
            }
            state.lastExitTime = time
        }
        state.quantity = newQuantity
        if newQuantity.isZero {
            state.averageEntryPrice = nil
            state.entryTime = nil
            state.bestPrice = nil
        }
        self.setState(state, for: symbol)
    }

    // MARK: Gates

    private mutating func rollSession(to date: CivilDate?) {
        guard let date, date != self.session else { return }
        self.session = date
        self.entriesThisSession = 0
        self.stopLossExitsThisSession = 0
        self.negativeExitsThisSession = 0
        self.negativeExitBPSThisSession = .zero
    }

    /// Profit of the position at `price`, in bps of the average entry (positive = in the position's favour).
    private static func moveBPS(_ held: PlanRule.Direction, entry: Decimal?, price: Double) -> Double? {
        guard let entry, entry > .zero else { return nil }
        let entryPrice = entry.doubleValue
        return (price - entryPrice) / entryPrice * 10_000 * (held == .long ? 1 : -1)
    }

    private static func thresholdBPS(_ threshold: StrategySpec.Overlays.Threshold, _ features: FeatureVector) -> Double {
        // A missing spread or volatility adds nothing: the fixed part still protects the position.
        let spread = features[.spreadBps] ?? 0
        let volatility = (features[.volRealizedW60s] ?? 0) * 10_000
        return threshold.bps.doubleValue + spread * threshold.spreadMultiplier.doubleValue
            + volatility * threshold.volatilityMultiplier.doubleValue
    }

    private func overlayExit(
        _ held: PlanRule.Direction, _ state: SymbolState, _ features: FeatureVector, _ signal: SignalContext,
        _ frame: ProgramFrame
    ) -> RuleOutcome.PolicyGate? {
        let overlays = self.strategy.overlays
        let price = signal.sizing.price.doubleValue
        if let stop = overlays.stopLoss, let move = Self.moveBPS(held, entry: state.averageEntryPrice, price: price),
            -move >= Self.thresholdBPS(stop, features)
        {
            return .stopLoss
        }
        if let trailing = overlays.trailingStop, let best = state.bestPrice,
            let bestMove = Self.moveBPS(held, entry: state.averageEntryPrice, price: best),
            bestMove >= trailing.activationProfitBPS.doubleValue, best > 0
        {
            let drawdown = (best - price) / best * 10_000 * (held == .long ? 1 : -1)
            let profitable = (Self.moveBPS(held, entry: state.averageEntryPrice, price: price) ?? 0) > 0
            let conditionHolds = self.strategy.trailingCondition.map { frame.truth(at: $0) == .yes } ?? true
            if drawdown >= Self.thresholdBPS(trailing.drawdown, features), conditionHolds,
                !trailing.requireProfit || profitable
            {
                return .trailingStop
            }
        }
        if let maxHold = overlays.maxHoldSeconds, let entered = state.entryTime,
            signal.eventTime - entered >= Int64(maxHold) * 1_000_000_000
        {
            return .maxHold
        }
        if let flatten = overlays.flattenMinutesBeforeClose, let left = signal.clock.minutesBeforeClose,
            left <= Double(flatten)
        {
            return .sessionFlatten
        }
        return nil
    }

    private func signalExitBlock(_ held: PlanRule.Direction, _ state: SymbolState, _ signal: SignalContext) -> RuleOutcome.PolicyGate? {
        let overlays = self.strategy.overlays
        if let minHold = overlays.minHoldSeconds, let entered = state.entryTime,
            signal.eventTime - entered < Int64(minHold) * 1_000_000_000
        {
            return .minHold
        }
        let move = Self.moveBPS(held, entry: state.averageEntryPrice, price: signal.sizing.price.doubleValue)
        if overlays.requireProfitForSignalExit, let move, move <= 0 { return .signalExitNeedsProfit }
        if let least = overlays.minSignalExitProfitBPS, let move, move < least.doubleValue {
            return .signalExitProfitBelowMin
        }
        return nil
    }

    private func entryBlock(_ state: SymbolState, _ signal: SignalContext) -> RuleOutcome.PolicyGate? {
        let policy = self.strategy.tradePolicy
        let now = signal.eventTime
        if let until = state.lockedUntil, now < until { return .lockout }
        if let cooldown = policy.entryCooldownSeconds, let last = state.lastEntryTime,
            now - last < Int64(cooldown) * 1_000_000_000
        {
            return .entryCooldown
        }
        if let cooldown = policy.exitCooldownSeconds, let last = state.lastExitTime,
            now - last < Int64(cooldown) * 1_000_000_000
        {
            return .exitCooldown
        }
        if let cap = policy.maxEntriesPerSession, self.entriesThisSession >= cap { return .maxEntriesPerSession }
        if let cap = policy.maxStopLossExitsPerSession, self.stopLossExitsThisSession >= cap {
            return .maxStopLossExitsPerSession
        }
        if let cap = policy.maxNegativeExitsPerSession, self.negativeExitsThisSession >= cap {
            return .maxNegativeExitsPerSession
        }
        if let cap = policy.maxSessionNegativeExitBPS, self.negativeExitBPSThisSession >= cap {
            return .maxSessionNegativeExitBPS
        }
        if let cap = policy.maxConcurrentPositions, state.held == nil, self.openPositions >= cap {
            return .maxConcurrentPositions
        }
        return nil
    }

    // MARK: Rules and sizing

    static func confidence(_ rule: CompiledRule, _ frame: ProgramFrame) -> Decimal {
        var value = rule.confidenceBase
        for bonus in rule.bonuses where frame.truth(at: bonus.condition) == .yes {
            value = value.adding(bonus.add) ?? value
        }
        if let dynamic = rule.dynamicBonus, case .value(let extra) = frame.number(at: dynamic),
            let added = value.adding(Self.fourDecimals(extra))
        {
            value = added
        }
        return max(.zero, min(value, rule.confidenceCap))
    }

    /// A computed number as a decimal, rounded half-even to 4 places (Torghut rounded confidence to 4 dp).
    static func fourDecimals(_ value: Double) -> Decimal {
        let scaled = (value * 10_000).rounded(.toNearestOrEven)
        guard scaled.isFinite, abs(scaled) < 9e12 else { return .zero }
        return Decimal(units: Int64(scaled) * 100_000)
    }

    /// The sizing multiplier in [0, max_notional_multiplier], truncated to 4 decimals; 1 without an expression, 0 when
    /// it is missing.
    func notionalMultiplier(_ confidence: Decimal, _ features: FeatureVector, _ context: EvaluationContext) -> Decimal {
        guard let expression = self.strategy.notionalMultiplier else { return Decimal(1) }
        // `confidence` is the only input that differs per rule; a fresh evaluation keeps the memo honest.
        var context = context
        context.confidence = confidence.doubleValue
        var sizing = ProgramEvaluation(code: self.strategy.code, features: features, context: context)
        guard case .value(let value) = sizing.number(at: expression) else { return .zero }
        let clamped = min(max(value, 0), self.strategy.maxNotionalMultiplier.doubleValue)
        return Decimal(units: Int64((clamped * 10_000).rounded(.down)) * 100_000)
    }

    /// The entry quantity: the notional budget × multiplier ÷ price, rounded down to the share step, and no more
    /// than keeps the resulting position within the equity-fraction cap. Same-direction entries never happen (no
    /// pyramiding), so the cap bounds a fresh position, or what remains after an opposite entry closes the held one.
    func entryQuantity(
        _ state: SymbolState, _ sizing: SizingContext, direction: PlanRule.Direction, multiplier: Decimal = Decimal(1)
    ) -> Decimal {
        guard sizing.price > .zero,
            let budget = self.strategy.maxNotionalUSD.multiplied(by: multiplier, rounding: .down),
            var quantity = budget.divided(by: sizing.price, rounding: .down)
        else { return .zero }
        if let fraction = self.strategy.maxPositionFractionOfEquity {
            // Without equity the cap cannot be checked: size to zero rather than trade uncapped.
            guard let equity = sizing.equity, let cap = equity.multiplied(by: fraction, rounding: .down),
                let capShares = cap.divided(by: sizing.price, rounding: .down)
            else { return .zero }
            let closing = state.held != nil && state.held != direction ? state.quantity.magnitude : .zero
            quantity = min(quantity, capShares.adding(closing) ?? capShares)
        }
        return quantity.rounded(toMultipleOf: sizing.stepShares, rule: .down) ?? .zero
    }

    private func decision(
        intent: Decision.Intent, direction: PlanRule.Direction, quantity: Decimal, confidence: Decimal,
        reasons: [String], _ signal: SignalContext
    ) -> Decision {
        let action: Decision.Action = (intent == .entry) == (direction == .long) ? .buy : .sell
        return Decision(
            strategy: self.strategy.id, symbol: signal.symbol, eventTime: signal.eventTime, action: action,
            intent: intent, direction: direction, confidence: confidence, quantity: quantity, reasons: reasons,
            clientOrderID: ClientOrderID.make(
                strategyHash: self.strategy.contentHash, symbol: signal.symbol, eventTimeNanos: signal.eventTime,
                action: action.rawValue, ordinal: signal.ordinal),
            referencePrice: signal.sizing.price)
    }
}

/// One-shot evaluation without history: the position is given, no overlays' history or policy counters apply
/// beyond it.
public enum StrategyEvaluator {
    public static func evaluate(
        _ strategy: CompiledStrategy, symbol: Symbol, eventTime: TimestampNanos, features: FeatureVector,
        context: EvaluationContext, position: StrategyPosition, sizing: SizingContext, ordinal: Int = 0
    ) -> Evaluation {
        var book = StrategyBook(strategy)
        book.setState(SymbolState(quantity: position.quantity, averageEntryPrice: sizing.price), for: symbol)
        return book.evaluate(
            features,
            SignalContext(
                symbol: symbol, eventTime: eventTime, session: nil, clock: context, sizing: sizing, ordinal: ordinal))
    }
}
