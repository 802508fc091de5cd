/// A parsed rule expression such as `macd_hist >= 2 * bullish_hist_min and rsi14 in [52, 62]`.
///
/// Offsets are 0-based Unicode-scalar offsets into the expression text; `ExpressionText.span(of:)` maps them to a
/// file position through the YAML scalar the text came from.
public struct Expression: Sendable, Hashable {
    public indirect enum Node: Sendable, Hashable {
        case number(Decimal)
        case boolean(Bool)
        /// A feature, parameter or named value; `optional` (written `name?`) makes a comparison pass when it is missing.
        case name(String, optional: Bool)
        case negate(Expression)
        case arithmetic(ArithmeticOperator, Expression, Expression)
        case comparison(ComparisonOperator, Expression, Expression)
        /// `value in [low, high]`, both bounds inclusive.
        case between(Expression, low: Expression, high: Expression)
        case logical(LogicalOperator, [Expression])
        case not(Expression)
        case call(String, [Expression])
    }

    public enum ArithmeticOperator: String, Sendable, Hashable {
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
    }

    public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case equal = "=="
        case notEqual = "!="
    }

    public enum LogicalOperator: String, Sendable, Hashable {
        case and
        case or
    }

    public var node: Node
    /// Scalar offsets `[start, end)` in the source text.
    public var start: Int
    public var end: Int

    public init(_ node: Node, start: Int, end: Int) {
        self.node = node
        self.start = start
        self.end = end
    }

    /// Canonical text: fully parenthesised where needed, single spaces, canonical decimals. Used for hashing and
    /// `explain`, so formatting and comments never change a plan.
    public var canonicalText: String {
        switch self.node {
        case .number(let value): return value.description
        case .boolean(let value): return value ? "true" : "false"
        case .name(let name, let optional): return optional ? name + "?" : name
        case .negate(let operand): return "-" + operand.parenthesizedText
        case .arithmetic(let op, let left, let right):
            return "\(left.parenthesizedText) \(op.rawValue) \(right.parenthesizedText)"
        case .comparison(let op, let left, let right):
            return "\(left.parenthesizedText) \(op.rawValue) \(right.parenthesizedText)"
        case .between(let value, let low, let high):
            return "\(value.parenthesizedText) in [\(low.canonicalText), \(high.canonicalText)]"
        case .logical(let op, let operands):
            return operands.map(\.parenthesizedText).joined(separator: " \(op.rawValue) ")
        case .not(let operand): return "not " + operand.parenthesizedText
        case .call(let name, let arguments):
            return "\(name)(\(arguments.map(\.canonicalText).joined(separator: ", ")))"
        }
    }

    private var parenthesizedText: String {
        switch self.node {
        case .number(let value) where value.isNegative: return "(\(self.canonicalText))"
        case .number, .boolean, .name, .call: return self.canonicalText
        default: return "(\(self.canonicalText))"
        }
    }

    /// Every name the expression mentions, in first-appearance order.
    public var names: [String] {
        var seen: [String] = []
        self.visit { expression in
            if case .name(let name, _) = expression.node, !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    /// Depth-first, parents before children.
    public func visit(_ body: (Expression) -> Void) {
        body(self)
        switch self.node {
        case .number, .boolean, .name: break
        case .negate(let operand), .not(let operand): operand.visit(body)
        case .arithmetic(_, let left, let right), .comparison(_, let left, let right):
            left.visit(body)
            right.visit(body)
        case .between(let value, let low, let high):
            value.visit(body)
            low.visit(body)
            high.visit(body)
        case .logical(_, let operands): for operand in operands { operand.visit(body) }
        case .call(_, let arguments): for argument in arguments { argument.visit(body) }
        }
    }
}
