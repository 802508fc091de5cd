import SpecCompiler
import SpecModel

/// Every expression of a strategy flattened into one array of operations over earlier operations, with identical
/// sub-expressions stored once (hash-consing): `macd - macd_signal` used by four rules is computed once per signal.
///
/// Three-valued semantics: a comparison with a missing operand is *unknown* and fails its gate, unless the missing
/// operand was marked optional (`vol_realized_w60s? in [a, b]`), in which case the comparison passes (Torghut's
/// "fail open when the feature is null"). `and`/`or`/`not` follow Kleene logic. Division by zero is missing.
/// Evaluation is lazy and memoised per signal, so `and`/`or` still short-circuit.
public struct RuleProgram: Sendable {
    public enum Operation: Sendable, Hashable {
        case constant(Double)
        case boolean(Bool)
        case feature(slot: Int, optional: Bool)
        case minutesAfterOpen
        case minutesBeforeClose
        case utcMinuteOfDay
        /// The firing rule's confidence (sizing expressions only).
        case confidence
        case negate(Int)
        case arithmetic(Expression.ArithmeticOperator, Int, Int)
        case comparison(Expression.ComparisonOperator, Int, Int)
        case between(Int, Int, Int)
        case all([Int])
        case any([Int])
        case not(Int)
        case minimum([Int])
        case maximum([Int])
        case absolute(Int)
        case choose(Int, Int, Int)
        case decay(Int, Int, Int, Int)
        case present(slot: Int)
    }

    public struct ResolutionError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public private(set) var operations: [Operation] = []
    private var indexOf: [Operation: Int] = [:]

    public init() {}

    /// Adds a checked plan expression; returns the index of its root operation.
    public mutating func add(_ expression: Expression) throws(ResolutionError) -> Int {
        func children(_ items: [Expression]) throws(ResolutionError) -> [Int] {
            var result: [Int] = []
            for item in items { result.append(try self.add(item)) }
            return result
        }
        let operation: Operation
        switch expression.node {
        case .number(let value): operation = .constant(value.doubleValue)
        case .boolean(let value): operation = .boolean(value)
        case .name("minutes_after_open", _): operation = .minutesAfterOpen
        case .name("minutes_before_close", _): operation = .minutesBeforeClose
        case .name("utc_minute_of_day", _): operation = .utcMinuteOfDay
        case .name("confidence", _): operation = .confidence
        case .name(let name, let optional):
            guard let id = FeatureCatalog.named(name) else { throw ResolutionError(description: "unknown feature '\(name)'") }
            operation = .feature(slot: id.slot, optional: optional)
        case .negate(let inner): operation = .negate(try self.add(inner))
        case .arithmetic(let op, let left, let right): operation = .arithmetic(op, try self.add(left), try self.add(right))
        case .comparison(let op, let left, let right): operation = .comparison(op, try self.add(left), try self.add(right))
        case .between(let value, let low, let high):
            operation = .between(try self.add(value), try self.add(low), try self.add(high))
        case .logical(.and, let operands): operation = .all(try children(operands))
        case .logical(.or, let operands): operation = .any(try children(operands))
        case .not(let inner): operation = .not(try self.add(inner))
        case .call(let name, let arguments):
            switch (name, arguments.count) {
            case ("min", 2...): operation = .minimum(try children(arguments))
            case ("max", 2...): operation = .maximum(try children(arguments))
            case ("abs", 1): operation = .absolute(try self.add(arguments[0]))
            case ("if", 3):
                let items = try children(arguments)
                operation = .choose(items[0], items[1], items[2])
            case ("decay", 4):
                let items = try children(arguments)
                operation = .decay(items[0], items[1], items[2], items[3])
            case ("present", 1), ("missing", 1):
                guard case .name(let feature, _) = arguments[0].node, let id = FeatureCatalog.named(feature) else {
                    throw ResolutionError(description: "\(name) takes a feature")
                }
                let present = self.intern(.present(slot: id.slot))
                operation = name == "present" ? .present(slot: id.slot) : .not(present)
            default: throw ResolutionError(description: "unknown call \(name)/\(arguments.count)")
            }
        }
        return self.intern(operation)
    }

    private mutating func intern(_ operation: Operation) -> Int {
        if let existing = self.indexOf[operation] { return existing }
        self.operations.append(operation)
        self.indexOf[operation] = self.operations.count - 1
        return self.operations.count - 1
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
    /// Exact minutes since 00:00 UTC of the event.
    public var utcMinuteOfDay: Double?

    public init(
        minutesAfterOpen: Double?, minutesBeforeClose: Double?, confidence: Double? = nil, utcMinuteOfDay: Double? = nil
    ) {
        self.minutesAfterOpen = minutesAfterOpen
        self.minutesBeforeClose = minutesBeforeClose
        self.confidence = confidence
        self.utcMinuteOfDay = utcMinuteOfDay
    }
}

/// Memo storage for `ProgramEvaluation`, reusable across signals: a slot per operation is valid only when its stamp
/// equals the current generation, so starting the next signal is one increment, not a clear or an allocation.
struct ProgramMemo: Sendable {
    enum Cached: Sendable {
        case number(NumberValue)
        case truth(Truth)
    }

    fileprivate var values: [Cached] = []
    fileprivate var stamps: [UInt32] = []
    fileprivate var generation: UInt32 = 0

    init() {}

    init(count: Int) { self.reset(count: count) }

    /// Invalidates every slot and makes room for `count` operations (allocates only when growing).
    mutating func reset(count: Int) {
        if self.values.count < count {
            self.values.append(contentsOf: repeatElement(.truth(.unknown), count: count - self.values.count))
            self.stamps.append(contentsOf: repeatElement(0, count: count - self.stamps.count))
        }
        self.generation &+= 1
        if self.generation == 0 {
            // Wrapped after 2³² signals: stale stamps could look current again.
            for index in self.stamps.indices { self.stamps[index] = 0 }
            self.generation = 1
        }
    }
}

/// Evaluates a `RuleProgram` for one signal; results are memoised until `reset`. Not thread-safe: one per book.
public struct ProgramEvaluation {
    private let program: RuleProgram
    private(set) var memo: ProgramMemo
    public var features: FeatureVector
    public var context: EvaluationContext

    public init(_ program: RuleProgram, features: FeatureVector, context: EvaluationContext) {
        self.init(program, features: features, context: context, memo: ProgramMemo())
    }

    /// Reuses `memo` (taken from the previous evaluation with `memo`), so a warm evaluation does not allocate.
    init(_ program: RuleProgram, features: FeatureVector, context: EvaluationContext, memo: ProgramMemo) {
        self.program = program
        self.memo = memo
        self.memo.reset(count: program.operations.count)
        self.features = features
        self.context = context
    }

    public func truth(_ index: Int) -> Truth {
        var copy = self
        return copy.truth(at: index)
    }

    public mutating func truth(at index: Int) -> Truth {
        if self.memo.stamps[index] == self.memo.generation, case .truth(let value) = self.memo.values[index] {
            return value
        }
        let value = self.computeTruth(index)
        self.memo.values[index] = .truth(value)
        self.memo.stamps[index] = self.memo.generation
        return value
    }

    public mutating func number(at index: Int) -> NumberValue {
        if self.memo.stamps[index] == self.memo.generation, case .number(let value) = self.memo.values[index] {
            return value
        }
        let value = self.computeNumber(index)
        self.memo.values[index] = .number(value)
        self.memo.stamps[index] = self.memo.generation
        return value
    }

    /// Operands read left to right, as a number operation sees them: the first required operand that is missing
    /// decides, and later ones are not read; an optional missing one makes the result optional-missing. Reading
    /// operands one by one instead of collecting them keeps evaluation free of allocations.
    private struct Operands {
        var failure: NumberValue? = nil

        var stopped: Bool { self.failure == .missing }

        /// The result: the failure when an operand was missing, else `value` when it is finite, else missing.
        func result(_ value: Double?) -> NumberValue {
            if let failure = self.failure { return failure }
            guard let value, value.isFinite else { return .missing }
            return .value(value)
        }
    }

    /// The value of operand `index` (0 when it has none; `operands` then records why).
    @inline(__always)
    private mutating func read(_ index: Int, _ operands: inout Operands) -> Double {
        guard !operands.stopped else { return 0 }
        switch self.number(at: index) {
        case .value(let number): return number
        case .missing: operands.failure = .missing
        case .missingOptional: operands.failure = .missingOptional
        }
        return 0
    }

    private mutating func computeNumber(_ index: Int) -> NumberValue {
        var operands = Operands()
        switch self.program.operations[index] {
        case .constant(let value): return .value(value)
        case .feature(let slot, let optional):
            if let value = self.features.value(slot: slot) { return .value(value) }
            return optional ? .missingOptional : .missing
        case .minutesAfterOpen: return self.context.minutesAfterOpen.map(NumberValue.value) ?? .missing
        case .minutesBeforeClose: return self.context.minutesBeforeClose.map(NumberValue.value) ?? .missing
        case .confidence: return self.context.confidence.map(NumberValue.value) ?? .missing
        case .utcMinuteOfDay: return self.context.utcMinuteOfDay.map(NumberValue.value) ?? .missing
        case .negate(let inner): return operands.result(-self.read(inner, &operands))
        case .arithmetic(let op, let left, let right):
            let a = self.read(left, &operands)
            let b = self.read(right, &operands)
            switch op {
            case .add: return operands.result(a + b)
            case .subtract: return operands.result(a - b)
            case .multiply: return operands.result(a * b)
            case .divide: return operands.result(b == 0 ? nil : a / b)
            }
        case .minimum(let items):
            // Like `Array.min()`: the first of equal values wins.
            var result = 0.0
            for (position, item) in items.enumerated() {
                let value = self.read(item, &operands)
                if position == 0 || value < result { result = value }
            }
            return operands.result(result)
        case .maximum(let items):
            var result = 0.0
            for (position, item) in items.enumerated() {
                let value = self.read(item, &operands)
                if position == 0 || result < value { result = value }
            }
            return operands.result(result)
        case .absolute(let inner): return operands.result(Swift.abs(self.read(inner, &operands)))
        case .choose(let condition, let then, let otherwise):
            switch self.truth(at: condition) {
            case .yes: return self.number(at: then)
            case .no: return self.number(at: otherwise)
            case .unknown: return .missing
            }
        case .decay(let fromIndex, let toIndex, let startIndex, let endIndex):
            guard let minute = self.context.minutesAfterOpen else { return .missing }
            let from = self.read(fromIndex, &operands)
            let to = self.read(toIndex, &operands)
            let start = self.read(startIndex, &operands)
            let end = self.read(endIndex, &operands)
            if minute <= start || end <= start { return operands.result(from) }
            if minute >= end { return operands.result(to) }
            return operands.result(from + (to - from) * (minute - start) / (end - start))
        case .boolean, .comparison, .between, .all, .any, .not, .present:
            return .missing
        }
    }

    private mutating func computeTruth(_ index: Int) -> Truth {
        switch self.program.operations[index] {
        case .boolean(let value): return value ? .yes : .no
        case .present(let slot): return self.features.isPresent(slot: slot) ? .yes : .no
        case .comparison(let op, let left, let right):
            let l = self.number(at: left)
            let r = self.number(at: right)
            // A required operand that is missing wins over an optional one: `x? > y` with y missing is unknown.
            if l == .missing || r == .missing { return .unknown }
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
            let v = self.number(at: value)
            let l = self.number(at: low)
            let h = self.number(at: high)
            if v == .missing || l == .missing || h == .missing { return .unknown }
            if v == .missingOptional || l == .missingOptional || h == .missingOptional { return .yes }
            guard case .value(let x) = v, case .value(let a) = l, case .value(let b) = h else { return .unknown }
            return a <= x && x <= b ? .yes : .no
        case .all(let items):
            var sawUnknown = false
            for item in items {
                switch self.truth(at: item) {
                case .no: return .no
                case .unknown: sawUnknown = true
                case .yes: break
                }
            }
            return sawUnknown ? .unknown : .yes
        case .any(let items):
            var sawUnknown = false
            for item in items {
                switch self.truth(at: item) {
                case .yes: return .yes
                case .unknown: sawUnknown = true
                case .no: break
                }
            }
            return sawUnknown ? .unknown : .no
        case .not(let inner):
            switch self.truth(at: inner) {
            case .yes: return .no
            case .no: return .yes
            case .unknown: return .unknown
            }
        default:
            return .unknown
        }
    }
}
