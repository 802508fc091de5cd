import SpecCompiler
import SpecModel

/// One rule of a strategy, resolved for evaluation.
public struct CompiledRule: Sendable {
    public var direction: PlanRule.Direction
    public var window: ClosedRange<Int>?
    public var mode: StrategySpec.Rule.Mode
    /// Operation indices in the strategy's `RuleProgram`.
    public var conditions: [Int]
    public var confidenceBase: Decimal
    public var bonuses: [(condition: Int, add: Decimal)]
    public var dynamicBonus: Int?
    public var confidenceCap: Decimal
    public var reasons: [String]

    init(_ rule: PlanRule, into program: inout RuleProgram) throws(RuleProgram.ResolutionError) {
        self.direction = rule.direction
        self.window = rule.window
        self.mode = rule.mode
        self.conditions = []
        for condition in rule.conditions { self.conditions.append(try program.add(condition)) }
        self.confidenceBase = rule.confidenceBase
        self.bonuses = []
        for bonus in rule.bonuses { self.bonuses.append((try program.add(bonus.condition), bonus.add)) }
        self.dynamicBonus = try rule.dynamicBonus.map { (item) throws(RuleProgram.ResolutionError) in try program.add(item) }
        self.confidenceCap = rule.confidenceCap
        self.reasons = rule.reasons
    }
}

/// A plan strategy resolved against the feature catalog.
public struct CompiledStrategy: Sendable {
    public var id: Identifier
    public var contentHash: ContentHash
    public var enabled: Bool
    public var timeframe: String
    public var symbols: Set<Symbol>
    public let entries: [CompiledRule]
    public let exits: [CompiledRule]
    public var maxNotionalUSD: Decimal
    public var maxPositionFractionOfEquity: Decimal?
    public let notionalMultiplier: Int?
    public var maxNotionalMultiplier: Decimal
    public let trailingCondition: Int?
    /// Every expression of the strategy, deduplicated.
    public let program: RuleProgram
    /// `program` and the rules' gates lowered for the per-signal path.
    let code: ProgramCode
    public var overlays: StrategySpec.Overlays
    public var tradePolicy: StrategySpec.TradePolicy

    public init(_ strategy: PlanStrategy) throws(RuleProgram.ResolutionError) {
        var program = RuleProgram()
        self.id = strategy.id
        self.contentHash = strategy.contentHash
        self.enabled = strategy.enabled
        self.timeframe = strategy.timeframe
        self.symbols = Set(strategy.symbols)
        var entries: [CompiledRule] = []
        for rule in strategy.entries { entries.append(try CompiledRule(rule, into: &program)) }
        self.entries = entries
        var exits: [CompiledRule] = []
        for rule in strategy.exits { exits.append(try CompiledRule(rule, into: &program)) }
        self.exits = exits
        self.maxNotionalUSD = strategy.maxNotionalUSD
        self.maxPositionFractionOfEquity = strategy.maxPositionFractionOfEquity
        self.notionalMultiplier = try strategy.notionalMultiplier.map { (item) throws(RuleProgram.ResolutionError) in
            try program.add(item)
        }
        self.maxNotionalMultiplier = strategy.maxNotionalMultiplier
        self.trailingCondition = try strategy.trailingCondition.map { (item) throws(RuleProgram.ResolutionError) in
            try program.add(item)
        }
        self.program = program
        self.code = ProgramCode(program, entries: entries, exits: exits)
        self.overlays = strategy.overlays
        self.tradePolicy = strategy.tradePolicy
    }
}

extension CompiledStrategy {
    /// Every feature the strategy can read: those its rule programs name, and the spread and volatility its overlay
    /// thresholds add.
    public var featuresRead: [FeatureID] {
        var features: [FeatureID] = [.spreadBps, .volRealizedW60s]
        for operation in self.program.operations {
            switch operation {
            case .feature(let slot, _), .present(let slot):
                if let feature = FeatureID(slot: slot) { features.append(feature) }
            default: break
            }
        }
        return features
    }
}

/// The strategy's current holding in a symbol (positions are isolated per strategy).
public struct StrategyPosition: Sendable, Hashable {
    /// Signed share quantity: positive long, negative short.
    public var quantity: Decimal

    public init(quantity: Decimal) { self.quantity = quantity }

    public static let flat = StrategyPosition(quantity: .zero)
}

/// What the strategy wants to do for one signal, before risk.
public struct Decision: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable {
        case buy
        case sell
    }

    public enum Intent: String, Sendable, Hashable {
        case entry
        case exit
    }

    public var strategy: Identifier
    public var symbol: Symbol
    public var eventTime: TimestampNanos
    public var action: Action
    public var intent: Intent
    public var direction: PlanRule.Direction
    public var confidence: Decimal
    public var quantity: Decimal
    public var reasons: [String]
    public var clientOrderID: String
    /// The price the decision was sized with (the strategy's `price` feature): the arrival price orders are priced
    /// and slippage is measured from.
    public var referencePrice: Decimal

    public init(
        strategy: Identifier, symbol: Symbol, eventTime: TimestampNanos, action: Action, intent: Intent,
        direction: PlanRule.Direction, confidence: Decimal, quantity: Decimal, reasons: [String], clientOrderID: String,
        referencePrice: Decimal
    ) {
        self.strategy = strategy
        self.symbol = symbol
        self.eventTime = eventTime
        self.action = action
        self.intent = intent
        self.direction = direction
        self.confidence = confidence
        self.quantity = quantity
        self.reasons = reasons
        self.clientOrderID = clientOrderID
        self.referencePrice = referencePrice
    }
}

/// Why a rule did not fire: the first failing gate, for traces rendered later (no allocation per gate).
public struct RuleOutcome: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        case fired
        case outsideWindow
        /// Index of the first condition that was false or unknown (`when`), or nil when none held (`when_any`).
        case failedCondition(Int?)
        case skippedHeldDirection
        case sizedToZero
        /// An overlay or trade-policy gate decided.
        case policy(PolicyGate)
    }

    /// The overlay or trade-policy gate that decided; the raw value is its snake_case reason code. An enum rather
    /// than text, so an outcome is a plain value (traces are buffered for every rule of every signal).
    public enum PolicyGate: String, Sendable, Hashable, CaseIterable {
        case stopLoss = "stop_loss"
        case trailingStop = "trailing_stop"
        case maxHold = "max_hold"
        case sessionFlatten = "session_flatten"
        case minHold = "min_hold"
        case signalExitNeedsProfit = "signal_exit_needs_profit"
        case signalExitProfitBelowMin = "signal_exit_profit_below_min"
        case lockout = "lockout"
        case entryCooldown = "entry_cooldown"
        case exitCooldown = "exit_cooldown"
        case maxEntriesPerSession = "max_entries_per_session"
        case maxStopLossExitsPerSession = "max_stop_loss_exits_per_session"
        case maxNegativeExitsPerSession = "max_negative_exits_per_session"
        case maxSessionNegativeExitBPS = "max_session_negative_exit_bps"
        case maxConcurrentPositions = "max_concurrent_positions"
    }

    public var intent: Decision.Intent
    public var direction: PlanRule.Direction
    public var result: Result
}

public struct Evaluation: Sendable, Hashable {
    public var decision: Decision?
    public var outcomes: [RuleOutcome]
}

/// Quantity rounding for entries: the notional budget (capped by the fraction of equity, net of the current
/// position) divided by the price, rounded down to the step.
public struct SizingContext: Sendable {
    public var price: Decimal
    public var equity: Decimal?
    public var stepShares: Decimal

    public init(price: Decimal, equity: Decimal?, stepShares: Decimal = Decimal(1)) {
        self.price = price
        self.equity = equity
        self.stepShares = stepShares
    }
}

