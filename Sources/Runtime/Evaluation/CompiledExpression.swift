import SpecCompiler
import SpecModel

/// A plan expression with names resolved to feature slots, ready to evaluate against a `FeatureVector`.
///
/// Three-valued semantics: a comparison with a missing operand is *unknown* and fails its gate, unless the missing
/// operand was marked optional (`vol_realized_w60s? in [a, b]`), in which case the comparison passes (Torghut's
/// "fail open when the feature is null"). `and`/`or`/`not` follow Kleene logic. Division by zero is missing.
public indirect enum CompiledExpression: Sendable {
    case constant(Double)
    case boolean(Bool)
    case feature(slot: Int, optional: Bool)
    case minutesAfterOpen
    case minutesBeforeClose
    /// The firing rule's confidence (sizing expressions only).
    case confidence
    case negate(CompiledExpression)
    case arithmetic(Expression.ArithmeticOperator, CompiledExpression, CompiledExpression)
    case comparison(Expression.ComparisonOperator, CompiledExpression, CompiledExpression)
    case between(CompiledExpression, CompiledExpression, CompiledExpression)
    case all([CompiledExpression])
    case any([CompiledExpression])
    case not(CompiledExpression)
    case minimum([CompiledExpression])
    case maximum([CompiledExpression])
    case absolute(CompiledExpression)
    case choose(CompiledExpression, CompiledExpression, CompiledExpression)
    case decay(CompiledExpression, CompiledExpression, CompiledExpression, CompiledExpression)
    case present(slot: Int)

    public struct ResolutionError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Resolves a checked plan expression against the feature catalog.
    public static func resolve(_ expression: Expression) throws(ResolutionError) -> CompiledExpression {
        switch expression.node {
        case .number(let value): return .constant(value.doubleValue)
        case .boolean(let value): return .boolean(value)
        case .name("minutes_after_open", _): return .minutesAfterOpen
        case .name("minutes_before_close", _): return .minutesBeforeClose
        case .name("confidence", _): return .confidence
        case .name(let name, let optional):
            guard let id = FeatureCatalog.named(name) else { throw ResolutionError(description: "unknown feature '\(name)'") }
            return .feature(slot: id.slot, optional: optional)
        case .negate(let inner): return .negate(try resolve(inner))
        case .arithmetic(let op, let left, let right): return .arithmetic(op, try resolve(left), try resolve(right))
        case .comparison(let op, let left, let right): return .comparison(op, try resolve(left), try resolve(right))
        case .between(let value, let low, let high): return .between(try resolve(value), try resolve(low), try resolve(high))
        case .logical(.and, let operands): return .all(try operands.map { (item) throws(ResolutionError) in try resolve(item) })
        case .logical(.or, let operands): return .any(try operands.map { (item) throws(ResolutionError) in try resolve(item) })
        case .not(let inner): return .not(try resolve(inner))
        case .call(let name, let arguments):
            let resolved = try arguments.map { (item) throws(ResolutionError) in try resolve(item) }
            switch (name, resolved.count) {
            case ("min", 2...): return .minimum(resolved)
            case ("max", 2...): return .maximum(resolved)
            case ("abs", 1): return .absolute(resolved[0])
            case ("if", 3): return .choose(resolved[0], resolved[1], resolved[2])
            case ("decay", 4): return .decay(resolved[0], resolved[1], resolved[2], resolved[3])
            case ("present", 1), ("missing", 1):
                guard case .feature(let slot, _) = resolved[0] else {
                    throw ResolutionError(description: "\(name) takes a feature")
                }
                return name == "present" ? .present(slot: slot) : .not(.present(slot: slot))
            default: throw ResolutionError(description: "unknown call \(name)/\(resolved.count)")
            }
        }
    }
}

/// A number, or why there is none.
public enum NumberValue: Sendable, Equatable {
    case value(Double)
    case missing
    /// Missing, from a feature marked optional: comparisons with it pass.
    case missingOptional
}

/// Kleene truth values.
public enum Truth: Sendable, Equatable {
    case yes
    case no
    case unknown
}

/// What an expression reads besides features.
public struct EvaluationContext: Sendable {
    public var minutesAfterOpen: Double?
    public var minutesBeforeClose: Double?
    public var confidence: Double?

    public init(minutesAfterOpen: Double?, minutesBeforeClose: Double?, confidence: Double? = nil) {
        self.minutesAfterOpen = minutesAfterOpen
        self.minutesBeforeClose = minutesBeforeClose
        self.confidence = confidence
    }
}

extension CompiledExpression {
    public func number(_ features: FeatureVector, _ context: EvaluationContext) -> NumberValue {
        func combine(_ values: [NumberValue], _ body: ([Double]) -> Double?) -> NumberValue {
            var numbers: [Double] = []
            numbers.reserveCapacity(values.count)
            var optionalMissing = false
            for value in values {
                switch value {
                case .value(let number): numbers.append(number)
                case .missing: return .missing
                case .missingOptional: optionalMissing = true
                }
            }
            if optionalMissing { return .missingOptional }
            guard let result = body(numbers), result.isFinite else { return .missing }
            return .value(result)
        }
        switch self {
        case .constant(let value): return .value(value)
        case .feature(let slot, let optional):
            if let value = features.value(slot: slot) { return .value(value) }
            return optional ? .missingOptional : .missing
        case .minutesAfterOpen: return context.minutesAfterOpen.map(NumberValue.value) ?? .missing
        case .minutesBeforeClose: return context.minutesBeforeClose.map(NumberValue.value) ?? .missing
        case .confidence: return context.confidence.map(NumberValue.value) ?? .missing
        case .negate(let inner): return combine([inner.number(features, context)]) { -$0[0] }
        case .arithmetic(let op, let left, let right):
            return combine([left.number(features, context), right.number(features, context)]) { values in
                switch op {
                case .add: values[0] + values[1]
                case .subtract: values[0] - values[1]
                case .multiply: values[0] * values[1]
                case .divide: values[1] == 0 ? nil : values[0] / values[1]
                }
            }
        case .minimum(let items): return combine(items.map { $0.number(features, context) }) { $0.min() }
        case .maximum(let items): return combine(items.map { $0.number(features, context) }) { $0.max() }
        case .absolute(let inner): return combine([inner.number(features, context)]) { Swift.abs($0[0]) }
        case .choose(let condition, let then, let otherwise):
            switch condition.truth(features, context) {
            case .yes: return then.number(features, context)
            case .no: return otherwise.number(features, context)
            case .unknown: return .missing
            }
        case .decay(let from, let to, let start, let end):
            let minute: NumberValue = context.minutesAfterOpen.map(NumberValue.value) ?? .missing
            return combine([from, to, start, end].map { $0.number(features, context) } + [minute]) { v in
                let (from, to, start, end, minute) = (v[0], v[1], v[2], v[3], v[4])
                if minute <= start || end <= start { return from }
                if minute >= end { return to }
                return from + (to - from) * (minute - start) / (end - start)
            }
        case .boolean, .comparison, .between, .all, .any, .not, .present:
            return .missing
        }
    }

    public func truth(_ features: FeatureVector, _ context: EvaluationContext) -> Truth {
        switch self {
        case .boolean(let value): return value ? .yes : .no
        case .present(let slot): return features.isPresent(slot: slot) ? .yes : .no
        case .comparison(let op, let left, let right):
            let l = left.number(features, context)
            let r = right.number(features, context)
            if l == .missingOptional || r == .missingOptional { return .yes }
            guard case .value(let a) = l, case .value(let b) = r else { return .unknown }
            let result: Bool
            switch op {
            case .less: result = a < b
            case .lessOrEqual: result = a <= b
            case .greater: result = a > b
            case .greaterOrEqual: result = a >= b
            case .equal: result = a == b
            case .notEqual: result = a != b
            }
            return result ? .yes : .no
        case .between(let value, let low, let high):
            let v = value.number(features, context)
            let l = low.number(features, context)
            let h = high.number(features, context)
            if v == .missingOptional || l == .missingOptional || h == .missingOptional { return .yes }
            guard case .value(let x) = v, case .value(let a) = l, case .value(let b) = h else { return .unknown }
            return a <= x && x <= b ? .yes : .no
        case .all(let items):
            var sawUnknown = false
            for item in items {
                switch item.truth(features, context) {
                case .no: return .no
                case .unknown: sawUnknown = true
                case .yes: break
                }
            }
            return sawUnknown ? .unknown : .yes
        case .any(let items):
            var sawUnknown = false
            for item in items {
                switch item.truth(features, context) {
                case .yes: return .yes
                case .unknown: sawUnknown = true
                case .no: break
                }
            }
            return sawUnknown ? .unknown : .no
        case .not(let inner):
            switch inner.truth(features, context) {
            case .yes: return .no
            case .no: return .yes
            case .unknown: return .unknown
            }
        default:
            return .unknown
        }
    }
}
