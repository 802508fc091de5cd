import SpecCompiler
import SpecModel

/// One rule of a strategy, resolved for evaluation.
public struct CompiledRule: Sendable {
    public var direction: PlanRule.Direction
    public var window: ClosedRange<Int>?
    public var mode: StrategySpec.Rule.Mode
    public var conditions: [CompiledExpression]
    public var confidenceBase: Decimal
    public var bonuses: [(condition: CompiledExpression, add: Decimal)]
    public var confidenceCap: Decimal
    public var reasons: [String]

    init(_ rule: PlanRule) throws(CompiledExpression.ResolutionError) {
        self.direction = rule.direction
        self.window = rule.window
        self.mode = rule.mode
        self.conditions = try rule.conditions.map { (item) throws(CompiledExpression.ResolutionError) in
            try CompiledExpression.resolve(item)
        }
        self.confidenceBase = rule.confidenceBase
        self.bonuses = try rule.bonuses.map { (item) throws(CompiledExpression.ResolutionError) in
            (try CompiledExpression.resolve(item.condition), item.add)
        }
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
    public var entries: [CompiledRule]
    public var exits: [CompiledRule]
    public var maxNotionalUSD: Decimal
    public var maxPositionFractionOfEquity: Decimal?

    public init(_ strategy: PlanStrategy) throws(CompiledExpression.ResolutionError) {
        self.id = strategy.id
        self.contentHash = strategy.contentHash
        self.enabled = strategy.enabled
        self.timeframe = strategy.timeframe
        self.symbols = Set(strategy.symbols)
        self.entries = try strategy.entries.map { (rule) throws(CompiledExpression.ResolutionError) in try CompiledRule(rule) }
        self.exits = try strategy.exits.map { (rule) throws(CompiledExpression.ResolutionError) in try CompiledRule(rule) }
        self.maxNotionalUSD = strategy.maxNotionalUSD
        self.maxPositionFractionOfEquity = strategy.maxPositionFractionOfEquity
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

/// Evaluates a compiled strategy for one signal. Pure: same inputs, same evaluation.
///
/// Order: with a position, the exit rule of the held direction first (a fired exit flattens the position); then the
/// entry rules in the strategy's order, skipping the held direction (no pyramiding). The first rule that fires
/// decides; confidence = base + bonuses whose condition holds, capped.
public enum StrategyEvaluator {
    public static func evaluate(
        _ strategy: CompiledStrategy, symbol: Symbol, eventTime: TimestampNanos, features: FeatureVector,
        context: EvaluationContext, position: StrategyPosition, sizing: SizingContext, ordinal: Int = 0
    ) -> Evaluation {
        var outcomes: [RuleOutcome] = []
        let held: PlanRule.Direction? = position.quantity.isZero ? nil : (position.quantity.isNegative ? .short : .long)
        if let held {
            for rule in strategy.exits where rule.direction == held {
                let result = Self.check(rule, features, context)
                outcomes.append(RuleOutcome(intent: .exit, direction: held, result: result))
                guard result == .fired else { continue }
                let decision = Self.decision(
                    strategy, rule, intent: .exit, action: held == .long ? .sell : .buy, quantity: position.quantity.magnitude,
                    symbol: symbol, eventTime: eventTime, features: features, context: context, ordinal: ordinal)
                return Evaluation(decision: decision, outcomes: outcomes)
            }
        }
        for rule in strategy.entries {
            if rule.direction == held {
                outcomes.append(RuleOutcome(intent: .entry, direction: rule.direction, result: .skippedHeldDirection))
                continue
            }
            let result = Self.check(rule, features, context)
            guard result == .fired else {
                outcomes.append(RuleOutcome(intent: .entry, direction: rule.direction, result: result))
                continue
            }
            let quantity = Self.entryQuantity(strategy, position: position, sizing: sizing)
            guard quantity > .zero else {
                outcomes.append(RuleOutcome(intent: .entry, direction: rule.direction, result: .sizedToZero))
                continue
            }
            outcomes.append(RuleOutcome(intent: .entry, direction: rule.direction, result: .fired))
            let decision = Self.decision(
                strategy, rule, intent: .entry, action: rule.direction == .long ? .buy : .sell, quantity: quantity,
                symbol: symbol, eventTime: eventTime, features: features, context: context, ordinal: ordinal)
            return Evaluation(decision: decision, outcomes: outcomes)
        }
        return Evaluation(decision: nil, outcomes: outcomes)
    }

    static func check(_ rule: CompiledRule, _ features: FeatureVector, _ context: EvaluationContext) -> RuleOutcome.Result {
        if let window = rule.window {
            guard let minute = context.minutesAfterOpen, minute >= Double(window.lowerBound),
                minute < Double(window.upperBound)
            else { return .outsideWindow }
        }
        switch rule.mode {
        case .all:
            for (index, condition) in rule.conditions.enumerated() where condition.truth(features, context) != .yes {
                return .failedCondition(index)
            }
            return .fired
        case .any:
            return rule.conditions.contains { $0.truth(features, context) == .yes } ? .fired : .failedCondition(nil)
        }
    }

    static func confidence(_ rule: CompiledRule, _ features: FeatureVector, _ context: EvaluationContext) -> Decimal {
        var value = rule.confidenceBase
        for bonus in rule.bonuses where bonus.condition.truth(features, context) == .yes {
            value = value.adding(bonus.add) ?? value
        }
        return min(value, rule.confidenceCap)
    }

    static func entryQuantity(_ strategy: CompiledStrategy, position: StrategyPosition, sizing: SizingContext) -> Decimal {
        guard sizing.price > .zero else { return .zero }
        var budget = strategy.maxNotionalUSD
        if let fraction = strategy.maxPositionFractionOfEquity, let equity = sizing.equity,
            let cap = equity.multiplied(by: fraction, rounding: .down)
        {
            let held = position.quantity.magnitude.multiplied(by: sizing.price, rounding: .up) ?? .zero
            let room = cap.subtracting(held) ?? .zero
            budget = min(budget, max(room, .zero))
        }
        guard let raw = budget.divided(by: sizing.price, rounding: .down),
            let quantity = raw.rounded(toMultipleOf: sizing.stepShares, rule: .down)
        else { return .zero }
        return quantity
    }

    private static func decision(
        _ strategy: CompiledStrategy, _ rule: CompiledRule, intent: Decision.Intent, action: Decision.Action,
        quantity: Decimal, symbol: Symbol, eventTime: TimestampNanos, features: FeatureVector,
        context: EvaluationContext, ordinal: Int
    ) -> Decision {
        Decision(
            strategy: strategy.id, symbol: symbol, eventTime: eventTime, action: action, intent: intent,
            direction: rule.direction, confidence: Self.confidence(rule, features, context), quantity: quantity,
            reasons: rule.reasons,
            clientOrderID: ClientOrderID.make(
                strategyHash: strategy.contentHash, symbol: symbol, eventTimeNanos: eventTime, action: action.rawValue,
                ordinal: ordinal))
    }
}
