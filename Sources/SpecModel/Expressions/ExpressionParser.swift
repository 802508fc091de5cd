/// A syntax error in an expression: message and the scalar offsets it covers.
public struct ExpressionSyntaxError: Error, Sendable, Hashable {
    public var message: String
    public var start: Int
    public var end: Int
}

/// Recursive-descent parser for rule expressions. Grammar, loosest binding first:
///
///     expr    := and ('or' and)*
///     and     := not ('and' not)*
///     not     := 'not' not | compare
///     compare := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum | 'in' '[' sum ',' sum ']')?
///     sum     := product (('+' | '-') product)*
///     product := unary (('*' | '/') unary)*
///     unary   := '-' unary | primary
///     primary := number | 'true' | 'false' | name '?'? | name '(' (expr (',' expr)*)? ')' | '(' expr ')'
///
/// Bounded: at most `maxLength` scalars and `maxDepth` nested levels, so hostile text cannot exhaust the stack.
public struct ExpressionParser {
    public static let maxLength = 2_000
    public static let maxDepth = 48

    private enum Token: Equatable {
        case number(Decimal, text: String)
        case name(String)
        case symbol(String)
        case end
    }

    private var scalars: [Unicode.Scalar]
    private var tokens: [(token: Token, start: Int, end: Int)] = []
    private var position = 0
    private var depth = 0

    public static func parse(_ text: String) -> Result<Expression, ExpressionSyntaxError> {
        var parser = ExpressionParser(scalars: Array(text.unicodeScalars))
        do {
            guard parser.scalars.count <= Self.maxLength else {
                throw ExpressionSyntaxError(
                    message: "expression is longer than \(Self.maxLength) characters", start: 0, end: 1)
            }
            try parser.tokenize()
            let expression = try parser.parseOr()
            guard case .end = parser.current.token else {
                throw parser.error("unexpected \(parser.describeCurrent()) after a complete expression")
            }
            return .success(expression)
        } catch let error as ExpressionSyntaxError {
            return .failure(error)
        } catch {
            return .failure(ExpressionSyntaxError(message: "\(error)", start: 0, end: 1))
        }
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    // MARK: Lexer

    private mutating func tokenize() throws {
        var index = 0
        while index < self.scalars.count {
            let scalar = self.scalars[index]
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                index += 1
                continue
            }
            let start = index
            if Self.isDigit(scalar) || (scalar == "." && index + 1 < self.scalars.count
                && Self.isDigit(self.scalars[index + 1]))
            {
                while index < self.scalars.count, Self.isDigit(self.scalars[index]) || self.scalars[index] == "." {
                    index += 1
                }
                if index < self.scalars.count, self.scalars[index] == "e" || self.scalars[index] == "E" {
                    index += 1
                    if index < self.scalars.count, self.scalars[index] == "+" || self.scalars[index] == "-" {
                        index += 1
                    }
                    while index < self.scalars.count, Self.isDigit(self.scalars[index]) { index += 1 }
                }
                let text = String(String.UnicodeScalarView(self.scalars[start..<index]))
                guard case .success(let value) = Decimal.parse(Substring(text)) else {
                    throw ExpressionSyntaxError(
                        message: "'\(text)' is not a decimal number with at most 9 fractional digits", start: start,
                        end: index)
                }
                self.tokens.append((.number(value, text: text), start, index))
                continue
            }
            if Self.isNameStart(scalar) {
                while index < self.scalars.count, Self.isNamePart(self.scalars[index]) { index += 1 }
                self.tokens.append((.name(String(String.UnicodeScalarView(self.scalars[start..<index]))), start, index))
                continue
            }
            let twoCharacter = index + 1 < self.scalars.count ? "\(scalar)\(self.scalars[index + 1])" : ""
            if ["<=", ">=", "==", "!="].contains(twoCharacter) {
                self.tokens.append((.symbol(twoCharacter), start, index + 2))
                index += 2
                continue
            }
            if "<>+-*/()[],?".unicodeScalars.contains(scalar) {
                self.tokens.append((.symbol(String(scalar)), start, index + 1))
                index += 1
                continue
            }
            throw ExpressionSyntaxError(message: "unexpected character '\(scalar)'", start: start, end: start + 1)
        }
        self.tokens.append((.end, self.scalars.count, self.scalars.count))
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }
    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }
    private static func isNamePart(_ scalar: Unicode.Scalar) -> Bool { isNameStart(scalar) || isDigit(scalar) }

    // MARK: Parser

    private var current: (token: Token, start: Int, end: Int) { self.tokens[self.position] }

    private mutating func advance() { if self.position < self.tokens.count - 1 { self.position += 1 } }

    private func error(_ message: String) -> ExpressionSyntaxError {
        let token = self.current
        return ExpressionSyntaxError(message: message, start: token.start, end: max(token.end, token.start + 1))
    }

    private func describeCurrent() -> String {
        switch self.current.token {
        case .number(_, let text): "number \(text)"
        case .name(let name): "'\(name)'"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "end of expression"
        }
    }

    private func isKeyword(_ word: String) -> Bool {
        if case .name(word) = self.current.token { return true }
        return false
    }

    private func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(symbol) = self.current.token { return true }
        return false
    }

    private mutating func expect(_ symbol: String, _ context: String) throws {
        guard self.isSymbol(symbol) else { throw self.error("expected '\(symbol)' \(context), found \(self.describeCurrent())") }
        self.advance()
    }

    private mutating func nested<T>(_ body: (inout ExpressionParser) throws -> T) throws -> T {
        self.depth += 1
        defer { self.depth -= 1 }
        guard self.depth <= Self.maxDepth else { throw self.error("expression nests deeper than \(Self.maxDepth) levels") }
        return try body(&self)
    }

    private mutating func parseOr() throws -> Expression {
        try self.nested { parser in
            let first = try parser.parseAnd()
            var operands = [first]
            while parser.isKeyword("or") {
                parser.advance()
                operands.append(try parser.parseAnd())
            }
            guard operands.count > 1 else { return first }
            return Expression(.logical(.or, operands), start: first.start, end: operands.last!.end)
        }
    }

    private mutating func parseAnd() throws -> Expression {
        let first = try self.parseNot()
        var operands = [first]
        while self.isKeyword("and") {
            self.advance()
            operands.append(try self.parseNot())
        }
        guard operands.count > 1 else { return first }
        return Expression(.logical(.and, operands), start: first.start, end: operands.last!.end)
    }

    private mutating func parseNot() throws -> Expression {
        guard self.isKeyword("not") else { return try self.parseComparison() }
        let start = self.current.start
        self.advance()
        let operand = try self.nested { try $0.parseNot() }
        return Expression(.not(operand), start: start, end: operand.end)
    }

    private mutating func parseComparison() throws -> Expression {
        let left = try self.parseSum()
        if case .symbol(let symbol) = self.current.token, let op = Expression.ComparisonOperator(rawValue: symbol) {
            self.advance()
            let right = try self.parseSum()
            return Expression(.comparison(op, left, right), start: left.start, end: right.end)
        }
        if self.isKeyword("in") {
            self.advance()
            try self.expect("[", "to open a range")
            let low = try self.parseSum()
            try self.expect(",", "between the range bounds")
            let high = try self.parseSum()
            let end = self.current.end
            try self.expect("]", "to close the range")
            return Expression(.between(left, low: low, high: high), start: left.start, end: end)
        }
        return left
    }

    private mutating func parseSum() throws -> Expression {
        var left = try self.parseProduct()
        while case .symbol(let symbol) = self.current.token, symbol == "+" || symbol == "-" {
            self.advance()
            let right = try self.parseProduct()
            left = Expression(
                .arithmetic(symbol == "+" ? .add : .subtract, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func parseProduct() throws -> Expression {
        var left = try self.parseUnary()
        while case .symbol(let symbol) = self.current.token, symbol == "*" || symbol == "/" {
            self.advance()
            let right = try self.parseUnary()
            left = Expression(
                .arithmetic(symbol == "*" ? .multiply : .divide, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func parseUnary() throws -> Expression {
        guard self.isSymbol("-") else { return try self.parsePrimary() }
        let start = self.current.start
        self.advance()
        let operand = try self.nested { try $0.parseUnary() }
        if case .number(let value) = operand.node { return Expression(.number(value.negated), start: start, end: operand.end) }
        return Expression(.negate(operand), start: start, end: operand.end)
    }

    private mutating func parsePrimary() throws -> Expression {
        let token = self.current
        switch token.token {
        case .number(let value, _):
            self.advance()
            return Expression(.number(value), start: token.start, end: token.end)
        case .name(let name) where ["and", "or", "not", "in"].contains(name):
            throw self.error("expected a value, found the keyword '\(name)'")
        case .name("true"), .name("false"):
            self.advance()
            return Expression(.boolean(token.token == .name("true")), start: token.start, end: token.end)
        case .name(let name):
            self.advance()
            if self.isSymbol("(") {
                self.advance()
                var arguments: [Expression] = []
                if !self.isSymbol(")") {
                    arguments.append(try self.nested { try $0.parseOr() })
                    while self.isSymbol(",") {
                        self.advance()
                        arguments.append(try self.nested { try $0.parseOr() })
                    }
                }
                let end = self.current.end
                try self.expect(")", "to close the call of \(name)")
                return Expression(.call(name, arguments), start: token.start, end: end)
            }
            if self.isSymbol("?") {
                let end = self.current.end
                self.advance()
                return Expression(.name(name, optional: true), start: token.start, end: end)
            }
            return Expression(.name(name, optional: false), start: token.start, end: token.end)
        case .symbol("("):
            self.advance()
            let inner = try self.nested { try $0.parseOr() }
            let end = self.current.end
            try self.expect(")", "to close '('")
            return Expression(inner.node, start: token.start, end: end)
        default:
            throw self.error("expected a number, a name or '(', found \(self.describeCurrent())")
        }
    }
}
