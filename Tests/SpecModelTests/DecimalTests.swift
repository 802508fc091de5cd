import SpecModel
import Testing

/// One row of a table-driven test; `label` is what Swift Testing shows for the case.
struct ParseCase: Sendable, CustomTestStringConvertible {
    let label: String
    let input: String
    let expected: Result<Int64, DecimalParseError>
    var testDescription: String { label }

    static func accept(_ label: String, _ input: String, units: Int64) -> ParseCase {
        ParseCase(label: label, input: input, expected: .success(units))
    }

    static func reject(_ label: String, _ input: String, _ error: DecimalParseError) -> ParseCase {
        ParseCase(label: label, input: input, expected: .failure(error))
    }
}

private let maxUnits = Int64.max  // 9223372036.854775807

let parseCases: [ParseCase] = [
    .accept("zero", "0", units: 0),
    .accept("negative zero is zero", "-0", units: 0),
    .accept("plus sign", "+1", units: 1_000_000_000),
    .accept("trailing dot", "1.", units: 1_000_000_000),
    .accept("leading dot", ".5", units: 500_000_000),
    .accept("signed leading dot", "-.5", units: -500_000_000),
    .accept("trailing fractional zeros", "0.00030", units: 300_000),
    .accept("leading integer zeros", "000000000000000001.5", units: 1_500_000_000),
    .accept("nine fraction digits", "123456789.123456789", units: 123_456_789_123_456_789),
    .accept("smallest unit", "0.000000001", units: 1),
    .accept("ten fraction digits, last is zero", "0.0000000010", units: 1),
    .accept("many trailing zeros", "1.000000000000000000000000000000", units: 1_000_000_000),
    .accept("exponent", "1e3", units: 1_000_000_000_000),
    .accept("capital exponent, negative", "2.5E-3", units: 2_500_000),
    .accept("exponent with plus", "1E+2", units: 100_000_000_000),
    .accept("exponent to smallest unit", "1e-9", units: 1),
    .accept("exponent cancels extra digit", "10e-10", units: 1),
    .accept("exponent shifts fraction into range", "0.0000000000015e6", units: 1_500),
    .accept("exponent with leading zeros", "1e-000000000000000000000000009", units: 1),
    .accept("zero with huge exponent", "0e999999999", units: 0),
    .accept("zero with huge negative exponent", "0.000e-99999999999999999999999", units: 0),
    .accept("max units", "9223372036.854775807", units: maxUnits),
    .accept("negative max units", "-9223372036.854775807", units: -maxUnits),
    .accept("max units via exponent", "9223372036854775807e-9", units: maxUnits),
    .accept("max units with trailing zeros", "9223372036.8547758070000", units: maxUnits),
    .accept("10,000 digits reducing to one unit", "1" + String(repeating: "0", count: 9_999) + "e-10008", units: 1),
    .accept("10,000 fractional zeros", "0." + String(repeating: "0", count: 10_000), units: 0),
    .accept("10,000 leading zeros", String(repeating: "0", count: 10_000) + "42", units: 42_000_000_000),

    .reject("empty", "", .malformed),
    .reject("space", " ", .malformed),
    .reject("leading space", " 1", .malformed),
    .reject("trailing space", "1 ", .malformed),
    .reject("trailing newline", "1\n", .malformed),
    .reject("underscore", "1_000", .malformed),
    .reject("hex", "0x10", .malformed),
    .reject("inf", "inf", .malformed),
    .reject("Infinity", "-Infinity", .malformed),
    .reject("nan", "nan", .malformed),
    .reject("sign only", "-", .malformed),
    .reject("plus only", "+", .malformed),
    .reject("dot only", ".", .malformed),
    .reject("signed dot", "-.", .malformed),
    .reject("exponent without mantissa", "e5", .malformed),
    .reject("dot then exponent only", ".e5", .malformed),
    .reject("exponent without digits", "1e", .malformed),
    .reject("exponent sign without digits", "1e+", .malformed),
    .reject("fractional exponent", "1e5.5", .malformed),
    .reject("two dots", "1.2.3", .malformed),
    .reject("double sign", "--1", .malformed),
    .reject("mixed signs", "+-1", .malformed),
    .reject("fullwidth digit", "\u{FF11}", .malformed),
    .reject("Arabic-Indic digit", "\u{0663}", .malformed),
    .reject("comma decimal separator", "1,5", .malformed),
    .reject("ten fraction digits, last non-zero", "0.0000000001", .tooManyFractionDigits),
    .reject("eleven fraction digits", "0.00000000011", .tooManyFractionDigits),
    .reject("ten digits after exponent", "1e-10", .tooManyFractionDigits),
    .reject("exponent pushes digit below unit", "1.5e-9", .tooManyFractionDigits),
    .reject("huge negative exponent", "1e-999999999", .tooManyFractionDigits),
    .reject("saturated negative exponent", "7e-99999999999999999999999999999", .tooManyFractionDigits),
    .reject("one past max units", "9223372036.854775808", .outOfRange),
    .reject("one past negative max units", "-9223372036.854775808", .outOfRange),
    .reject("too large integer", "9223372037", .outOfRange),
    .reject("huge exponent", "1e999999999", .outOfRange),
    .reject("saturated exponent", "1e99999999999999999999999999999", .outOfRange),
    .reject("twenty significant digits", "12345678901.234567891", .outOfRange),
    .reject("10,000 nines", String(repeating: "9", count: 10_000), .outOfRange),
    .reject("10,000 digits, tiny tail", "0." + String(repeating: "0", count: 9_999) + "1", .tooManyFractionDigits),
]

struct DescriptionCase: Sendable, CustomTestStringConvertible {
    let label: String
    let units: Int64
    let text: String
    var testDescription: String { label }
}

let descriptionCases: [DescriptionCase] = [
    DescriptionCase(label: "zero", units: 0, text: "0"),
    DescriptionCase(label: "trailing zeros stripped", units: 300_000, text: "0.0003"),
    DescriptionCase(label: "integer", units: 1_000_000_000_000, text: "1000"),
    DescriptionCase(label: "one", units: 1_000_000_000, text: "1"),
    DescriptionCase(label: "ten", units: 10_000_000_000, text: "10"),
    DescriptionCase(label: "negative half", units: -1_500_000_000, text: "-1.5"),
    DescriptionCase(label: "smallest unit", units: 1, text: "0.000000001"),
    DescriptionCase(label: "negative smallest unit", units: -1, text: "-0.000000001"),
    DescriptionCase(label: "ten units", units: 10, text: "0.00000001"),
    DescriptionCase(label: "tenth", units: 100_000_000, text: "0.1"),
    DescriptionCase(label: "all nine digits", units: 123_456_789_123_456_789, text: "123456789.123456789"),
    DescriptionCase(label: "max", units: .max, text: "9223372036.854775807"),
    DescriptionCase(label: "negative max", units: -.max, text: "-9223372036.854775807"),
]

struct RoundingCase: Sendable, CustomTestStringConvertible {
    let value: String
    let step: String
    let rule: RoundingRule
    let expected: String
    var testDescription: String { "\(value) to \(step) \(rule) = \(expected)" }
}

/// Expected multiples of the step for each rule, in `RoundingRule.allCases` order:
/// down, up, halfUp, halfEven, floor, ceiling.
private let roundingTable: [(multiples: String, expected: [String])] = [
    ("2.5", ["2", "3", "3", "2", "2", "3"]),
    ("-2.5", ["-2", "-3", "-3", "-2", "-3", "-2"]),
    ("2.4", ["2", "3", "2", "2", "2", "3"]),
    ("-2.4", ["-2", "-3", "-2", "-2", "-3", "-2"]),
    ("2.6", ["2", "3", "3", "3", "2", "3"]),
    ("-2.6", ["-2", "-3", "-3", "-3", "-3", "-2"]),
    ("3.5", ["3", "4", "4", "4", "3", "4"]),
    ("-3.5", ["-3", "-4", "-4", "-4", "-4", "-3"]),
    ("3", ["3", "3", "3", "3", "3", "3"]),
    ("0", ["0", "0", "0", "0", "0", "0"]),
]

/// The table applied with step 1 and with step 0.01 (values and results scaled by 0.01).
let roundingCases: [RoundingCase] = {
    precondition(RoundingRule.allCases == [.down, .up, .halfUp, .halfEven, .floor, .ceiling])
    var cases: [RoundingCase] = []
    for (step, scale) in [("1", ""), ("0.01", "e-2")] {
        for row in roundingTable {
            for (rule, expected) in zip(RoundingRule.allCases, row.expected) {
                let value = Decimal(row.multiples + scale)!.description
                let result = Decimal(expected + scale)!.description
                cases.append(RoundingCase(value: value, step: step, rule: rule, expected: result))
            }
        }
    }
    cases += [
        RoundingCase(value: "1.025", step: "0.05", rule: .halfEven, expected: "1"),
        RoundingCase(value: "1.025", step: "0.05", rule: .halfUp, expected: "1.05"),
        RoundingCase(value: "0.123456789", step: "0.0001", rule: .down, expected: "0.1234"),
        RoundingCase(value: "-0.123456789", step: "0.0001", rule: .down, expected: "-0.1234"),
        RoundingCase(value: "101.005", step: "0.01", rule: .halfUp, expected: "101.01"),
        RoundingCase(value: "7", step: "0.25", rule: .ceiling, expected: "7"),
        RoundingCase(value: "0.000000001", step: "0.000000001", rule: .up, expected: "0.000000001"),
    ]
    return cases
}()

struct ArithmeticCase: Sendable, CustomTestStringConvertible {
    let label: String
    let lhs: String
    let rhs: String
    let rule: RoundingRule
    /// nil when the operation must report failure.
    let expected: String?
    var testDescription: String { label }

    init(_ label: String, _ lhs: String, _ rhs: String, _ rule: RoundingRule, _ expected: String?) {
        self.label = label
        self.lhs = lhs
        self.rhs = rhs
        self.rule = rule
        self.expected = expected
    }
}

let multiplicationCases: [ArithmeticCase] = [
    ArithmeticCase("exact", "1.5", "1.5", .down, "2.25"),
    ArithmeticCase("exact negative", "-1.5", "4", .down, "-6"),
    ArithmeticCase("half unit down", "0.000000001", "0.5", .down, "0"),
    ArithmeticCase("half unit up", "0.000000001", "0.5", .up, "0.000000001"),
    ArithmeticCase("half unit halfUp", "0.000000001", "0.5", .halfUp, "0.000000001"),
    ArithmeticCase("half unit halfEven", "0.000000001", "0.5", .halfEven, "0"),
    ArithmeticCase("1.5 units halfEven", "0.000000003", "0.5", .halfEven, "0.000000002"),
    ArithmeticCase("neg half unit floor", "-0.000000001", "0.5", .floor, "-0.000000001"),
    ArithmeticCase("neg half unit ceiling", "-0.000000001", "0.5", .ceiling, "0"),
    ArithmeticCase("neg half unit halfUp", "-0.000000001", "0.5", .halfUp, "-0.000000001"),
    ArithmeticCase("below half halfUp", "0.000000001", "0.4", .halfUp, "0"),
    ArithmeticCase("price × qty", "101.25", "0.0003", .halfEven, "0.030375"),
    ArithmeticCase("max × 1", "9223372036.854775807", "1", .down, "9223372036.854775807"),
    ArithmeticCase("overflow", "100000", "100000", .down, nil),
    ArithmeticCase("max × 2 overflows", "9223372036.854775807", "2", .down, nil),
    ArithmeticCase("max × -1.000000001", "9223372036.854775807", "-1.000000001", .down, nil),
]

let divisionCases: [ArithmeticCase] = [
    ArithmeticCase("exact", "10", "4", .down, "2.5"),
    ArithmeticCase("third down", "1", "3", .down, "0.333333333"),
    ArithmeticCase("third up", "1", "3", .up, "0.333333334"),
    ArithmeticCase("third halfUp", "1", "3", .halfUp, "0.333333333"),
    ArithmeticCase("two thirds halfUp", "2", "3", .halfUp, "0.666666667"),
    ArithmeticCase("two thirds down", "2", "3", .down, "0.666666666"),
    ArithmeticCase("neg two thirds floor", "-2", "3", .floor, "-0.666666667"),
    ArithmeticCase("neg two thirds ceiling", "-2", "3", .ceiling, "-0.666666666"),
    ArithmeticCase("negative divisor floor", "2", "-3", .floor, "-0.666666667"),
    ArithmeticCase("both negative ceiling", "-2", "-3", .ceiling, "0.666666667"),
    ArithmeticCase("tie halfEven to even", "0.000000005", "2", .halfEven, "0.000000002"),
    ArithmeticCase("tie halfEven odd up", "0.000000007", "2", .halfEven, "0.000000004"),
    ArithmeticCase("by smallest unit", "1", "0.000000001", .down, "1000000000"),
    ArithmeticCase("zero divisor", "1", "0", .down, nil),
    ArithmeticCase("zero by zero", "0", "0", .down, nil),
    ArithmeticCase("overflow", "9223372036", "0.5", .down, nil),
    ArithmeticCase("max by unit", "9223372036.854775807", "0.000000001", .down, nil),
]

@Suite struct DecimalTests {
    /// a × b / c with one rounding, where a × b alone would leave the range.
    @Test func multipliedByDividedByRoundsOnce() {
        let basis = Decimal(9_000_000_000)
        #expect(basis.multiplied(by: Decimal(100), rounding: .halfEven) == nil)
        #expect(basis.multiplied(by: Decimal(100), dividedBy: Decimal(300), rounding: .halfEven) == Decimal(3_000_000_000))
        #expect(Decimal("300.02")!.multiplied(by: Decimal(1), dividedBy: Decimal(3), rounding: .halfEven)
            == Decimal("100.006666667")!)
        #expect(Decimal("300.02")!.multiplied(by: Decimal(1), dividedBy: Decimal(3), rounding: .down)
            == Decimal("100.006666666")!)
        #expect(Decimal("-300.02")!.multiplied(by: Decimal(2), dividedBy: Decimal(-3), rounding: .halfEven)
            == Decimal("200.013333333")!)
        #expect(Decimal(1).multiplied(by: Decimal(1), dividedBy: .zero, rounding: .halfEven) == nil)
    }

    @Test(arguments: parseCases)
    func parse(_ testCase: ParseCase) {
        let result = Decimal.parse(testCase.input[...]).map(\.units)
        #expect(result == testCase.expected, "\(testCase.label)")
        if case .success(let units) = testCase.expected {
            #expect(Decimal(testCase.input) == Decimal(units: units), "\(testCase.label)")
        } else {
            #expect(Decimal(testCase.input) == nil, "\(testCase.label)")
        }
    }

    @Test func parseSubstringSlice() {
        let text = "price=101.25;"
        let slice = text.dropFirst(6).dropLast()
        #expect(Decimal.parse(slice) == .success(Decimal(units: 101_250_000_000)))
    }

    @Test(arguments: descriptionCases)
    func description(_ testCase: DescriptionCase) {
        #expect(Decimal(units: testCase.units).description == testCase.text, "\(testCase.label)")
        #expect(Decimal.parse(testCase.text[...]) == .success(Decimal(units: testCase.units)), "\(testCase.label)")
    }

    @Test func descriptionOfParsedForms() {
        #expect(Decimal("0.00030")?.description == "0.0003")
        #expect(Decimal("1e3")?.description == "1000")
        #expect(Decimal("-0.0")?.description == "0")
        #expect(Decimal("1e-9")?.description == "0.000000001")
    }

    @Test func errorDescriptionsAreSentences() {
        for error in [DecimalParseError.malformed, .tooManyFractionDigits, .outOfRange] {
            #expect(error.description.hasSuffix("."), "\(error)")
        }
    }

    @Test func integerConversions() {
        #expect(Decimal(5).units == 5_000_000_000)
        #expect(Decimal(-7).units == -7_000_000_000)
        #expect(Decimal.exactly(9_223_372_036)?.units == 9_223_372_036_000_000_000)
        #expect(Decimal.exactly(-9_223_372_036)?.units == -9_223_372_036_000_000_000)
        #expect(Decimal.exactly(9_223_372_037) == nil)
        #expect(Decimal.exactly(Int.min) == nil)
        #expect(Decimal.exactly(Int.max) == nil)
        #expect(Decimal.fractionDigits == 9)
        #expect(Decimal.zero.units == 0)
    }

    @Test(arguments: roundingCases)
    func roundedToStep(_ testCase: RoundingCase) throws {
        let value = try #require(Decimal(testCase.value))
        let step = try #require(Decimal(testCase.step))
        #expect(value.rounded(toMultipleOf: step, rule: testCase.rule) == Decimal(testCase.expected))
    }

    @Test func roundedRejectsBadStepAndOverflow() throws {
        let value = try #require(Decimal("1.5"))
        #expect(value.rounded(toMultipleOf: .zero, rule: .down) == nil)
        #expect(value.rounded(toMultipleOf: Decimal(-1), rule: .down) == nil)
        #expect(Decimal(units: .max).rounded(toMultipleOf: Decimal(1), rule: .up) == nil)
        #expect(Decimal(units: -.max).rounded(toMultipleOf: Decimal(1), rule: .floor) == nil)
        #expect(Decimal(units: .max).rounded(toMultipleOf: Decimal(1), rule: .down) == Decimal(9_223_372_036))
    }

    @Test(arguments: multiplicationCases)
    func multiplied(_ testCase: ArithmeticCase) throws {
        let lhs = try #require(Decimal(testCase.lhs))
        let rhs = try #require(Decimal(testCase.rhs))
        let expected = testCase.expected.map { Decimal($0)! }
        #expect(lhs.multiplied(by: rhs, rounding: testCase.rule) == expected, "\(testCase.label)")
        #expect(rhs.multiplied(by: lhs, rounding: testCase.rule) == expected, "\(testCase.label) (commuted)")
    }

    @Test(arguments: divisionCases)
    func divided(_ testCase: ArithmeticCase) throws {
        let lhs = try #require(Decimal(testCase.lhs))
        let rhs = try #require(Decimal(testCase.rhs))
        let expected = testCase.expected.map { Decimal($0)! }
        #expect(lhs.divided(by: rhs, rounding: testCase.rule) == expected, "\(testCase.label)")
    }

    @Test func additionAndSubtraction() throws {
        let max = Decimal(units: .max)
        let unit = Decimal(units: 1)
        #expect(max.adding(unit) == nil)
        #expect(max.negated.subtracting(unit) == nil, "Int64.min units is outside the symmetric range")
        #expect(max.subtracting(unit.negated) == nil)
        #expect(max.adding(max.negated) == .zero)
        #expect(Decimal("0.1")! + Decimal("0.2")! == Decimal("0.3")!)
        #expect(Decimal(1) - Decimal("1.5")! == Decimal("-0.5")!)
        #expect(-Decimal(2) == Decimal(-2))
    }

    @Test func signAndMagnitude() throws {
        let negative = try #require(Decimal("-2.5"))
        #expect(negative.isNegative && !negative.isZero && negative.signum == -1)
        #expect(negative.magnitude == Decimal("2.5"))
        #expect(negative.negated == Decimal("2.5"))
        #expect(Decimal.zero.isZero && !Decimal.zero.isNegative && Decimal.zero.signum == 0)
        #expect(Decimal(3).signum == 1)
        #expect(Decimal(units: -.max).magnitude == Decimal(units: .max))
    }

    @Test func ordering() {
        let values = ["1", "-2", "0.5", "0", "-0.000000001", "1e3"].map { Decimal($0)! }
        #expect(values.sorted().map(\.description) == ["-2", "-0.000000001", "0", "0.5", "1", "1000"])
    }

    @Test func doubleValue() {
        #expect(Decimal("0.1")!.doubleValue == 0.1)
        #expect(Decimal("-2.5")!.doubleValue == -2.5)
        #expect(Decimal(units: .max).doubleValue == 9223372036.854775807)
        #expect(Decimal("123456789.123456789")!.doubleValue == 123456789.123456789)
    }

    /// Property: the canonical text always parses back to the same value (fixed seed, so failures reproduce).
    @Test func descriptionRoundTrips() {
        var generator = SplitMix64(seed: 0x7047_6875_7400_0001)
        for _ in 0..<20_000 {
            let raw = generator.next()
            // Vary magnitude: shift by 0...63 so small values and short fractions are well covered.
            let shifted = Int64(bitPattern: raw) >> Int64(generator.next() % 64)
            guard shifted != .min else { continue }
            let value = Decimal(units: shifted)
            let reparsed = Decimal.parse(value.description[...])
            #expect(reparsed == .success(value), "units \(shifted) -> \(value.description)")
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fixed-seed, deterministic across platforms.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
