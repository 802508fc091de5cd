import SpecModel
import Testing

@Suite struct ExpressionParserTests {
    func canonical(_ text: String) -> String? {
        guard case .success(let expression) = ExpressionParser.parse(text) else { return nil }
        return expression.canonicalText
    }

    @Test(arguments: [
        ("a > 1 and b < 2 or c == 3", "((a > 1) and (b < 2)) or (c == 3)"),
        ("a + b * c - d / e", "(a + (b * c)) - (d / e)"),
        ("not a > 1 and b", "(not (a > 1)) and b"),
        ("-a >= -0.5", "(-a) >= (-0.5)"),
        ("x? in [lo, hi]", "x? in [lo, hi]"),
        ("max(a, b, 0.00030) < 1e-3", "max(a, b, 0.0003) < 0.001"),
        ("((a))", "a"),
        ("a != b", "a != b"),
        ("if(a > 1, 2, 3) <= 4", "if(a > 1, 2, 3) <= 4"),
        (".5 < a", "0.5 < a"),
    ])
    func precedenceAndCanonicalText(_ text: String, _ expected: String) {
        #expect(self.canonical(text) == expected, "\(text)")
    }

    @Test(arguments: [
        ("a > ", "expected a number, a name or '(', found end of expression", 4),
        ("a > 1 and and b", "expected a value, found the keyword 'and'", 10),
        ("a in [1 2]", "expected ',' between the range bounds, found number 2", 8),
        ("(a > 1", "expected ')' to close '(', found end of expression", 6),
        ("a > 1)", "unexpected ')' after a complete expression", 5),
        ("a # b", "unexpected character '#'", 2),
        ("a > 0.0000000001", "'0.0000000001' is not a decimal number with at most 9 fractional digits", 4),
        ("f(a,", "expected a number, a name or '(', found end of expression", 4),
    ])
    func syntaxErrorsPointAtTheCharacter(_ text: String, _ message: String, _ offset: Int) {
        guard case .failure(let error) = ExpressionParser.parse(text) else {
            Issue.record("\(text) should not parse")
            return
        }
        #expect(error.message == message, "\(text)")
        #expect(error.start == offset, "\(text)")
    }

    @Test func deepNestingAndLongTextAreBounded() {
        let deep = String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000)
        guard case .failure(let error) = ExpressionParser.parse(deep) else {
            Issue.record("10,000 levels should be rejected")
            return
        }
        #expect(error.message.contains("longer than") || error.message.contains("deeper than"))
        let nested = String(repeating: "(", count: 60) + "a" + String(repeating: ")", count: 60)
        guard case .failure(let depthError) = ExpressionParser.parse(nested) else {
            Issue.record("60 levels should be rejected")
            return
        }
        #expect(depthError.message == "expression nests deeper than 48 levels")
        let negations = String(repeating: "not ", count: 60) + "a"
        #expect((try? ExpressionParser.parse(negations).get()) == nil)
    }

    @Test func namesAreListedInFirstAppearanceOrder() throws {
        let expression = try ExpressionParser.parse("b > a and c < b and f(a, d)").get()
        #expect(expression.names == ["b", "a", "c", "d"])
    }
}
