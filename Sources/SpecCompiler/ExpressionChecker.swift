import SpecModel

/// The names a strategy's expressions may use besides its own params and values. Runtime supplies the feature
/// catalog; the compiler only needs names, so plans refer to features by name and never by slot.
public struct FeatureSchema: Sendable {
    public var names: [String]
    private var lookup: Set<String>

    public init(names: [String]) {
        self.names = names
        self.lookup = Set(names)
    }

    public func contains(_ name: String) -> Bool { self.lookup.contains(name) }

    /// Clock values every strategy may read: minutes after the New York open and before the close (exact, missing
    /// outside a session), and the UTC minute of day of the event (Torghut's clock, for `parity: torghut`).
    public static let sessionNames = ["minutes_after_open", "minutes_before_close", "utc_minute_of_day"]
}

/// Type-checks expressions and inlines parameters (as numbers) and named values (as their expressions), so the
/// compiled rule depends only on behaviour: renaming a value or reformatting never changes the plan.
struct ExpressionChecker {
    enum ValueType: String {
        case number
        case condition
    }

    struct Function {
        var arity: ClosedRange<Int>
        var arguments: ValueType?
        var result: ValueType
        var usage: String
    }

    static let functions: [String: Function] = [
        "min": Function(arity: 2...16, arguments: .number, result: .number, usage: "min(a, b, ...)"),
        "max": Function(arity: 2...16, arguments: .number, result: .number, usage: "max(a, b, ...)"),
        "abs": Function(arity: 1...1, arguments: .number, result: .number, usage: "abs(x)"),
        "if": Function(arity: 3...3, arguments: nil, result: .number, usage: "if(condition, then, else)"),
        "decay": Function(
            arity: 4...4, arguments: .number, result: .number,
            usage: "decay(from, to, start_minute, end_minute): linear in minutes after the open"),
        "present": Function(arity: 1...1, arguments: nil, result: .condition, usage: "present(feature)"),
        "missing": Function(arity: 1...1, arguments: nil, result: .condition, usage: "missing(feature)"),
    ]

    static var functionList: String {
        Self.functions.keys.sorted().map { Self.functions[$0]!.usage }.joined(separator: "; ")
    }

    var features: FeatureSchema
    var params: [String: Decimal]
    var values: [String: (expression: Expression, type: ValueType)] = [:]
    /// Values defined later in the document, to tell "defined after use" from "unknown".
    var laterValues: Set<String> = []
    /// Values whose own expression failed; uses of them fail silently (the cause is already reported).
    var failedValues: Set<String> = []
    private(set) var usedParams: Set<String> = []
    private(set) var usedValues: Set<String> = []
    /// Whether `confidence` (the firing rule's confidence) may be read: only in sizing.
    var allowsConfidence = false

    init(features: FeatureSchema, params: [String: Decimal]) {
        self.features = features
        self.params = params
    }

    /// Checks `located` against `expected` (nil: either type); returns the inlined expression and its type, or nil
    /// after reporting.
    mutating func check(
        _ located: LocatedExpression, expecting expected: ValueType?, into diagnostics: inout [Diagnostic]
    ) -> (Expression, ValueType)? {
        var failed = false
        let result = self.check(located.expression, in: located, diagnostics: &diagnostics, failed: &failed)
        guard !failed, let (expression, type) = result else { return nil }
        if let expected, type != expected {
            diagnostics.append(
                Diagnostic(
                    .typeMismatch, "expected a \(expected.rawValue), but this is a \(type.rawValue)",
                    at: located.span(of: located.expression),
                    notes: expected == .condition ? ["compare it, e.g. '\(located.expression.canonicalText) > 0'"] : []))
            return nil
        }
        return (expression, type)
    }

    private mutating func check(
        _ expression: Expression, in located: LocatedExpression, diagnostics: inout [Diagnostic], failed: inout Bool
    ) -> (Expression, ValueType)? {
        func fail(_ code: DiagnosticCode, _ message: String, at node: Expression, notes: [String] = [])
            -> (Expression, ValueType)?
        {
            diagnostics.append(Diagnostic(code, message, at: located.span(of: node), notes: notes))
            failed = true
            return nil
        }
        func operand(_ node: Expression, _ type: ValueType) -> Expression? {
            guard let (checked, actual) = self.check(node, in: located, diagnostics: &diagnostics, failed: &failed)
            else { return nil }
            guard actual == type else {
                _ = fail(.typeMismatch, "expected a \(type.rawValue), found a \(actual.rawValue)", at: node)
                return nil
            }
            return checked
        }
        let rebuilt = { (node: Expression.Node) in Expression(node, start: expression.start, end: expression.end) }

        switch expression.node {
        case .number: return (expression, .number)
        case .boolean: return (expression, .condition)
        case .name(let name, let optional):
            if self.features.contains(name) || FeatureSchema.sessionNames.contains(name) {
                return (expression, .number)
            }
            if name == "confidence", self.allowsConfidence, !optional { return (expression, .number) }
            if let value = self.params[name] {
                self.usedParams.insert(name)
                if optional { return fail(.typeMismatch, "'\(name)?': only features can be optional", at: expression) }
                return (rebuilt(.number(value)), .number)
            }
            if let value = self.values[name] {
                self.usedValues.insert(name)
                if optional { return fail(.typeMismatch, "'\(name)?': only features can be optional", at: expression) }
                return (Expression(value.expression.node, start: expression.start, end: expression.end), value.type)
            }
            if self.failedValues.contains(name) {
                self.usedValues.insert(name)
                failed = true
                return nil
            }
            if self.laterValues.contains(name) {
                self.usedValues.insert(name)
                return fail(.valueCycle, "'\(name)' is used before it is defined in 'values'", at: expression)
            }
            let known = self.features.names + Array(self.params.keys) + Array(self.values.keys)
                + FeatureSchema.sessionNames
            var notes: [String] = []
            if let guess = closestMatch(to: name, in: known.sorted()) { notes.append("did you mean '\(guess)'?") }
            notes.append("names are features (docs/features.md), params, or earlier values")
            return fail(.unknownName, "unknown name '\(name)'", at: expression, notes: notes)
        case .negate(let inner):
            guard let checked = operand(inner, .number) else { return nil }
            return (rebuilt(.negate(checked)), .number)
        case .arithmetic(let op, let left, let right):
            let l = operand(left, .number)
            let r = operand(right, .number)
            guard let l, let r else { return nil }
            return (rebuilt(.arithmetic(op, l, r)), .number)
        case .comparison(let op, let left, let right):
            let l = operand(left, .number)
            let r = operand(right, .number)
            guard let l, let r else { return nil }
            return (rebuilt(.comparison(op, l, r)), .condition)
        case .between(let value, let low, let high):
            let v = operand(value, .number)
            let l = operand(low, .number)
            let h = operand(high, .number)
            guard let v, let l, let h else { return nil }
            return (rebuilt(.between(v, low: l, high: h)), .condition)
        case .logical(let op, let operands):
            var checked: [Expression] = []
            for item in operands { if let c = operand(item, .condition) { checked.append(c) } }
            guard checked.count == operands.count else { return nil }
            return (rebuilt(.logical(op, checked)), .condition)
        case .not(let inner):
            guard let checked = operand(inner, .condition) else { return nil }
            return (rebuilt(.not(checked)), .condition)
        case .call(let name, let arguments):
            guard let function = Self.functions[name] else {
                return fail(.badCall, "unknown function '\(name)'", at: expression, notes: ["functions: \(Self.functionList)"])
            }
            guard function.arity.contains(arguments.count) else {
                return fail(
                    .badCall, "'\(name)' takes \(Self.arityText(function.arity)), not \(arguments.count)",
                    at: expression, notes: ["usage: \(function.usage)"])
            }
            switch name {
            case "present", "missing":
                guard case .name(let feature, false) = arguments[0].node, self.features.contains(feature) else {
                    return fail(.badCall, "'\(name)' takes one feature name", at: arguments[0],
                                notes: ["usage: \(function.usage)"])
                }
                return (expression, .condition)
            case "if":
                let condition = operand(arguments[0], .condition)
                let then = operand(arguments[1], .number)
                let otherwise = operand(arguments[2], .number)
                guard let condition, let then, let otherwise else { return nil }
                return (rebuilt(.call(name, [condition, then, otherwise])), .number)
            default:
                var checked: [Expression] = []
                for argument in arguments { if let c = operand(argument, .number) { checked.append(c) } }
                guard checked.count == arguments.count else { return nil }
                return (rebuilt(.call(name, checked)), .number)
            }
        }
    }

    private static func arityText(_ arity: ClosedRange<Int>) -> String {
        if arity.lowerBound == arity.upperBound {
            return "\(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
        }
        return "\(arity.lowerBound) to \(arity.upperBound) arguments"
    }
}
