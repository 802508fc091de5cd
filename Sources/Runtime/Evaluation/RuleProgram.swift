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
    // Stored as plain doubles and a presence mask: four `Double?` lay out at 57 bytes, which every strategy's frame
    // copied with overlapping unaligned moves that stalled the loads after them.
    private var storedMinutesAfterOpen = 0.0
    private var storedMinutesBeforeClose = 0.0
    private var storedConfidence = 0.0
    private var storedUTCMinuteOfDay = 0.0
    private var present: UInt8 = 0

    public var minutesAfterOpen: Double? {
        get { self.present & 1 != 0 ? self.storedMinutesAfterOpen : nil }
        set { Self.store(newValue, in: &self.storedMinutesAfterOpen, bit: 1, of: &self.present) }
    }

    public var minutesBeforeClose: Double? {
        get { self.present & 2 != 0 ? self.storedMinutesBeforeClose : nil }
        set { Self.store(newValue, in: &self.storedMinutesBeforeClose, bit: 2, of: &self.present) }
    }

    public var confidence: Double? {
        get { self.present & 4 != 0 ? self.storedConfidence : nil }
        set { Self.store(newValue, in: &self.storedConfidence, bit: 4, of: &self.present) }
    }

    /// Exact minutes since 00:00 UTC of the event.
    public var utcMinuteOfDay: Double? {
        get { self.present & 8 != 0 ? self.storedUTCMinuteOfDay : nil }
        set { Self.store(newValue, in: &self.storedUTCMinuteOfDay, bit: 8, of: &self.present) }
    }

    public init(
        minutesAfterOpen: Double?, minutesBeforeClose: Double?, confidence: Double? = nil, utcMinuteOfDay: Double? = nil
    ) {
        self.minutesAfterOpen = minutesAfterOpen
        self.minutesBeforeClose = minutesBeforeClose
        self.confidence = confidence
        self.utcMinuteOfDay = utcMinuteOfDay
    }

    @inline(__always)
    private static func store(_ value: Double?, in slot: inout Double, bit: UInt8, of present: inout UInt8) {
        if let value {
            slot = value
            present |= bit
        } else {
            slot = 0
            present &= ~bit
        }
    }
}

/// Evaluates a `RuleProgram` for one signal, memoising results (for tests and one-off use; the strategy books
/// evaluate their lowered `ProgramCode` through `ProgramFrame` directly). Not thread-safe.
public struct ProgramEvaluation {
    private let code: ProgramCode
    private var memo = ProgramMemo()
    public let features: FeatureVector
    public let context: EvaluationContext

    public init(_ program: RuleProgram, features: FeatureVector, context: EvaluationContext) {
        self.init(code: ProgramCode(program), features: features, context: context)
    }

    init(code: ProgramCode, features: FeatureVector, context: EvaluationContext) {
        self.code = code
        self.features = features
        self.context = context
        // One generation for the evaluation's life: results stay memoised across calls.
        _ = self.memo.withScratch(count: code.slotCount) { $0.next() }
    }

    public func truth(_ index: Int) -> Truth {
        var copy = self
        return copy.truth(at: index)
    }

    public mutating func truth(at index: Int) -> Truth {
        self.withFrame { $0.truth(at: index) }
    }

    public mutating func number(at index: Int) -> NumberValue {
        self.withFrame { $0.number(at: index) }
    }

    private mutating func withFrame<R>(_ body: (ProgramFrame) -> R) -> R {
        let (code, features, context) = (self.code, self.features, self.context)
        return self.memo.withScratch(count: code.slotCount) { scratch in
            // `code` (held by this evaluation) keeps the view's buffers alive.
            features.withReader { body(code.view.frame(continuing: scratch, features: $0, context: context)) }
        }
    }
}
