import Runtime
import SpecModel
import Testing

/// The evaluation semantics of rule expressions, one operator at a time, at its boundaries.
@Suite struct RuleProgramTests {
    static let context = EvaluationContext(minutesAfterOpen: 90, minutesBeforeClose: 300)

    func truth(_ text: String, _ vector: FeatureVector = Self.vector, _ context: EvaluationContext = Self.context)
        throws -> Truth
    {
        var program = RuleProgram()
        let root = try program.add(try ExpressionParser.parse(text).get())
        var evaluation = ProgramEvaluation(program, features: vector, context: context)
        return evaluation.truth(at: root)
    }

    /// rsi14 = 50, macd = 0.25, ema12 missing.
    static let vector: FeatureVector = {
        var vector = FeatureVector()
        vector.set(.rsi14, 50)
        vector.set(.macd, 0.25)
        return vector
    }()

    @Test(arguments: [
        ("rsi14 < 50", Truth.no), ("rsi14 <= 50", .yes), ("rsi14 > 50", .no), ("rsi14 >= 50", .yes),
        ("rsi14 == 50", .yes), ("rsi14 != 50", .no), ("rsi14 < 50.000001", .yes), ("rsi14 > 49.999999", .yes),
        ("rsi14 in [50, 60]", .yes), ("rsi14 in [40, 50]", .yes), ("rsi14 in [50.000001, 60]", .no),
        ("rsi14 in [60, 40]", .no),
        // The constant on the left (lowered with the operator mirrored), and a feature with a feature.
        ("50 > rsi14", .no), ("50 >= rsi14", .yes), ("50 < rsi14", .no), ("50 <= rsi14", .yes), ("50 == rsi14", .yes),
        ("50 != rsi14", .no), ("49.999999 < rsi14", .yes), ("50.000001 > rsi14", .yes), ("macd < rsi14", .yes),
        ("rsi14 <= macd", .no), ("rsi14 == rsi14", .yes), ("rsi14 != rsi14", .no), ("macd >= rsi14", .no),
        // A negated feature between two constants (lowered into one instruction).
        ("-rsi14 in [-50, -40]", .yes), ("-rsi14 in [-60, -50]", .yes), ("-rsi14 in [-49.999999, -40]", .no),
        ("-rsi14 in [40, 60]", .no),
    ])
    func comparisonsAtTheBoundary(_ text: String, _ expected: Truth) throws {
        #expect(try self.truth(text) == expected, "\(text)")
    }

    @Test(arguments: [
        ("ema12 > 1", Truth.unknown), ("ema12? > 1", .yes), ("1 < ema12", .unknown), ("1 < ema12?", .yes),
        ("ema12? > macd", .yes), ("rsi14 > ema12", .unknown), ("ema12? in [1, 2]", .yes), ("ema12 in [1, 2]", .unknown), ("ema12 + 1 > 0", .unknown),
        ("ema12? + 1 > 0", .yes), ("ema12 > 1 and rsi14 > 60", .no), ("ema12 > 1 and rsi14 > 40", .unknown),
        ("ema12 > 1 or rsi14 > 40", .yes), ("ema12 > 1 or rsi14 > 60", .unknown), ("not (ema12 > 1)", .unknown),
        ("present(ema12)", .no), ("missing(ema12)", .yes), ("present(rsi14)", .yes),
        ("rsi14 / 0 > 1", .unknown), ("ema12? > boll_mid", .unknown), ("ema12? > boll_mid?", .yes), ("boll_mid > ema12?", .unknown),
        ("macd > ema12?", .yes), ("-ema12 in [1, 2]", .unknown), ("-ema12? in [1, 2]", .yes), ("ema12? in [boll_lower, 1]", .unknown), ("if(ema12 > 1, 1, 2) > 0", .unknown), ("min(rsi14, ema12) < 100", .unknown),
    ])
    func missingValuesFollowThreeValuedLogic(_ text: String, _ expected: Truth) throws {
        #expect(try self.truth(text) == expected, "\(text)")
    }

    @Test(arguments: [
        ("decay(20, 10, 60, 180) == 17.5", 90.0, Truth.yes),  // a quarter of the way: 20 − 10 × 30/120
        ("decay(20, 10, 60, 180) == 20", 60.0, .yes),
        ("decay(20, 10, 60, 180) == 20", 0.0, .yes),
        ("decay(20, 10, 60, 180) == 10", 180.0, .yes),
        ("decay(20, 10, 60, 180) == 10", 390.0, .yes),
        ("minutes_after_open >= 30", 30.0, .yes),
        ("minutes_after_open >= 30", 29.0, .no),
    ])
    func decayIsLinearInSessionMinutes(_ text: String, _ minute: Double, _ expected: Truth) throws {
        let context = EvaluationContext(minutesAfterOpen: minute, minutesBeforeClose: 390 - minute)
        #expect(try self.truth(text, Self.vector, context) == expected, "\(text) at minute \(minute)")
    }

    @Test func outsideASessionTheClockIsMissing() throws {
        let closed = EvaluationContext(minutesAfterOpen: nil, minutesBeforeClose: nil)
        #expect(try self.truth("minutes_after_open >= 0", Self.vector, closed) == .unknown)
        #expect(try self.truth("decay(2, 1, 0, 10) > 0", Self.vector, closed) == .unknown)
    }

    @Test func arithmeticFunctionsAndConditionals() throws {
        #expect(try self.truth("abs(-rsi14) == 50") == .yes)
        #expect(try self.truth("max(rsi14, 60, 55) == 60") == .yes)
        #expect(try self.truth("min(rsi14, 60) == 50") == .yes)
        #expect(try self.truth("if(rsi14 > 40, 1, 2) == 1") == .yes)
        #expect(try self.truth("if(rsi14 > 60, 1, 2) == 2") == .yes)
        #expect(try self.truth("macd * 4 - 1 == 0") == .yes)
    }

    @Test func identicalSubexpressionsAreStoredOnce() throws {
        var program = RuleProgram()
        let first = try program.add(try ExpressionParser.parse("macd - macd_signal >= 0.005").get())
        let count = program.operations.count
        let second = try program.add(try ExpressionParser.parse("macd - macd_signal >= 0.005").get())
        #expect(first == second)
        #expect(program.operations.count == count)
        _ = try program.add(try ExpressionParser.parse("-(macd - macd_signal) >= 0.004").get())
        // Only the negation, the constant and the comparison are new: the subtraction and its operands are shared.
        #expect(program.operations.count == count + 3)
    }

    @Test func memoisedEvaluationMatchesAFreshOne() throws {
        var program = RuleProgram()
        let a = try program.add(try ExpressionParser.parse("rsi14 > 40 and macd > 0").get())
        let b = try program.add(try ExpressionParser.parse("not (rsi14 > 40) or macd > 0").get())
        var shared = ProgramEvaluation(program, features: Self.vector, context: Self.context)
        #expect(shared.truth(at: a) == .yes)
        #expect(shared.truth(at: b) == .yes)
        var fresh = ProgramEvaluation(program, features: Self.vector, context: Self.context)
        #expect(fresh.truth(at: b) == .yes)
    }
}
