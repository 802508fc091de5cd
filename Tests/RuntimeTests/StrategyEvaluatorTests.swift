import Runtime
import SpecCompiler
import SpecModel
import Testing

/// Compiles the aded76ac0f TSMOM tree (examples/torghut-aded76ac0f) the way `torghut compile` does and evaluates
/// hand-built signals against Torghut's documented rule (reference 01 §2.3, 1-second profile deployed at aded76ac0f).
@Suite struct TSMOMEvaluationTests {
    static let strategy: CompiledStrategy = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        let root = components.joined(separator: "/")
        let (tree, output) = SpecTreeLoader().loadAndCompile(
            paths: [root + "/examples/torghut-aded76ac0f"], features: .catalog)
        precondition(!tree.hasErrors, "the aded76ac0f example must compile: \(tree.diagnostics)")
        let plan = output!.plan.strategies.first { $0.id.rawValue == "intraday_tsmom_v1@prod" }!
        return try! CompiledStrategy(plan)
    }()

    static let aapl = Symbol("AAPL")!
    static let context = EvaluationContext(minutesAfterOpen: 45, minutesBeforeClose: 345)

    /// A signal; `macdSignal` 0 keeps `hist = macd` exact in binary floating point, so boundaries compare exactly.
    static func signal(
        ema12: Double = 101, ema26: Double = 100.5, macd: Double, macdSignal: Double = 0, rsi: Double,
        vol: Double? = 0.00025
    ) -> FeatureVector {
        var vector = FeatureVector()
        vector.set(.ema12, ema12)
        vector.set(.ema26, ema26)
        vector.set(.macd, macd)
        vector.set(.macdSignal, macdSignal)
        vector.set(.rsi14, rsi)
        vector.set(.volRealizedW60s, vol)
        return vector
    }

    static func evaluate(_ vector: FeatureVector, position: StrategyPosition = .flat, price: Decimal = Decimal(100))
        -> Evaluation
    {
        StrategyEvaluator.evaluate(
            strategy, symbol: aapl, eventTime: 1_767_364_200_000_000_000, features: vector, context: context,
            position: position, sizing: SizingContext(price: price, equity: Decimal(100_000)))
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var vector: FeatureVector
        var action: Decision.Action?
        var confidence: String?
        var testDescription: String { self.name }
    }

    static let cases: [Case] = [
        // Long: trend_up ∧ vol in [0, 0.0003] (or missing) ∧ hist ≥ 0.005 ∧ 52 ≤ rsi ≤ 62.
        Case(name: "long base", vector: signal(macd: 0.007, rsi: 56), action: .buy, confidence: "0.64"),
        Case(name: "hist equal to min", vector: signal(macd: 0.005, rsi: 56), action: .buy, confidence: "0.64"),
        Case(name: "hist just under min", vector: signal(macd: 0.004999, rsi: 56), action: nil, confidence: nil),
        Case(name: "hist at 2x min: +0.05", vector: signal(macd: 0.01, rsi: 56), action: .buy, confidence: "0.69"),
        Case(name: "hist just under 2x", vector: signal(macd: 0.009999, rsi: 56), action: .buy, confidence: "0.64"),
        Case(name: "rsi at lower bound", vector: signal(macd: 0.007, rsi: 52), action: .buy, confidence: "0.64"),
        Case(name: "rsi under lower bound", vector: signal(macd: 0.007, rsi: 51.99), action: nil, confidence: nil),
        Case(name: "rsi at upper bound: +0.02", vector: signal(macd: 0.007, rsi: 62), action: .buy, confidence: "0.66"),
        Case(name: "rsi over upper bound", vector: signal(macd: 0.007, rsi: 62.01), action: nil, confidence: nil),
        Case(name: "vol at ceiling", vector: signal(macd: 0.007, rsi: 56, vol: 0.0003), action: .buy, confidence: "0.64"),
        Case(name: "vol over ceiling", vector: signal(macd: 0.007, rsi: 56, vol: 0.00031), action: nil, confidence: nil),
        Case(name: "vol missing passes, no bonus", vector: signal(macd: 0.007, rsi: 56, vol: nil), action: .buy,
             confidence: "0.64"),
        Case(name: "vol at bonus threshold: +0.03", vector: signal(macd: 0.007, rsi: 56, vol: 0.0002), action: .buy,
             confidence: "0.67"),
        Case(name: "all long bonuses", vector: signal(macd: 0.01, rsi: 62, vol: 0.0001), action: .buy, confidence: "0.74"),
        Case(name: "no trend: ema12 = ema26", vector: signal(ema12: 100.5, macd: 0.007, rsi: 56), action: nil,
             confidence: nil),
        // Short (only when no long): trend_down ∧ −hist ≥ 0.004 ∧ rsi ≤ 45 ∧ −hist ≤ 0.03; +0.03 when rsi ≤ 45.
        Case(name: "short base", vector: signal(ema12: 100, ema26: 100.5, macd: -0.01, rsi: 40), action: .sell,
             confidence: "0.65"),
        Case(name: "short -hist equal to min", vector: signal(ema12: 100, ema26: 100.5, macd: -0.004, rsi: 40),
             action: .sell, confidence: "0.65"),
        Case(name: "short -hist under min", vector: signal(ema12: 100, ema26: 100.5, macd: -0.003999, rsi: 40),
             action: nil, confidence: nil),
        Case(name: "short -hist at cap", vector: signal(ema12: 100, ema26: 100.5, macd: -0.03, rsi: 40), action: .sell,
             confidence: "0.65"),
        Case(name: "short -hist over cap", vector: signal(ema12: 100, ema26: 100.5, macd: -0.030001, rsi: 40),
             action: nil, confidence: nil),
        Case(name: "short rsi at max", vector: signal(ema12: 100, ema26: 100.5, macd: -0.01, rsi: 45), action: .sell,
             confidence: "0.65"),
        Case(name: "short rsi over max", vector: signal(ema12: 100, ema26: 100.5, macd: -0.01, rsi: 45.01), action: nil,
             confidence: nil),
        Case(name: "short ignores the volatility budget",
             vector: signal(ema12: 100, ema26: 100.5, macd: -0.01, rsi: 40, vol: 0.5), action: .sell,
             confidence: "0.65"),
    ]

    @Test(arguments: cases)
    func decisionMatchesTheReferenceRule(_ testCase: Case) {
        let evaluation = Self.evaluate(testCase.vector)
        #expect(evaluation.decision?.action == testCase.action, "\(testCase.name)")
        #expect(evaluation.decision?.confidence.description == testCase.confidence, "\(testCase.name)")
    }

    @Test func decisionCarriesReasonsQuantityAndAStableClientOrderID() throws {
        let decision = try #require(Self.evaluate(Self.signal(macd: 0.007, rsi: 56), price: Decimal(150)).decision)
        #expect(decision.reasons == ["tsmom_trend_up", "momentum_confirmed", "volatility_within_budget"])
        #expect(decision.intent == .entry)
        // $1000 budget at $150, whole shares, rounded down.
        #expect(decision.quantity == Decimal(6))
        #expect(decision.clientOrderID.count <= 48)
        #expect(decision.clientOrderID.hasPrefix("tg-"))
        let again = try #require(Self.evaluate(Self.signal(macd: 0.007, rsi: 56), price: Decimal(150)).decision)
        #expect(again.clientOrderID == decision.clientOrderID)
    }

    @Test func sizingRespectsTheEquityFractionOfTheResultingPosition() throws {
        let short = Self.signal(ema12: 100, ema26: 100.5, macd: -0.01, rsi: 40)
        func quantity(position: Decimal, equity: Decimal) throws -> Decimal {
            let decision = StrategyEvaluator.evaluate(
                Self.strategy, symbol: Self.aapl, eventTime: 1_767_364_200_000_000_000, features: short,
                context: Self.context, position: StrategyPosition(quantity: position),
                sizing: SizingContext(price: Decimal(100), equity: equity)).decision
            return try #require(decision).quantity
        }
        // Flat, $5,000 equity: 0.08 × 5,000 = $400 → 4 shares, below the $1,000 budget's 10.
        #expect(try quantity(position: .zero, equity: Decimal(5_000)) == Decimal(4))
        // Flat, $100,000 equity: the $1,000 budget binds → 10 shares.
        #expect(try quantity(position: .zero, equity: Decimal(100_000)) == Decimal(10))
        // Long 3 at $5,000 equity: selling closes 3 and may open up to 4 short → 7 (budget 10).
        #expect(try quantity(position: Decimal(3), equity: Decimal(5_000)) == Decimal(7))
    }

    @Test func heldDirectionIsNotReentered() {
        let evaluation = Self.evaluate(Self.signal(macd: 0.007, rsi: 56), position: StrategyPosition(quantity: Decimal(3)))
        #expect(evaluation.decision == nil)
        #expect(evaluation.outcomes.first?.result == .skippedHeldDirection)
    }

    @Test func firstFailingConditionIsTraced() {
        let evaluation = Self.evaluate(Self.signal(macd: 0.007, rsi: 70))
        #expect(evaluation.outcomes.map(\.result) == [.failedCondition(3), .failedCondition(0)])
    }

    @Test func missingRequiredFeatureFailsClosed() {
        var vector = Self.signal(macd: 0.007, rsi: 56)
        vector.clear(.rsi14)
        #expect(Self.evaluate(vector).decision == nil)
    }
}
