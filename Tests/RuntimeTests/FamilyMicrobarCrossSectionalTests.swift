import Runtime
import SpecCompiler
import SpecModel
import Testing

/// specs/strategies/microbar-cross-sectional-{long,short}.yaml against Torghut's documented rule (reference 01
/// Appendix A.3): enter only while the whole minutes since the open equal entry_minute_after_open (0); continuation
/// mode buys rank ≥ high = (n − top_n)/(n − 1) (long) or sells rank ≤ low = (top_n − 1)/(n − 1) (short); confidence
/// min(0.95, 0.55 + distance beyond the threshold), the distance rounded half-even to 4 decimals (the language's rule
/// for a dynamic bonus); an exit intent with confidence 0.51 once the minutes reach exit_minute_after_open (390 =
/// close, flattened in the session's last minute).
@Suite struct FamilyMicrobarCrossSectionalTests {
    static let root = FamilyFixture.root

    static func load(_ file: String) -> (diagnostics: [Diagnostic], plan: ExecutionPlan?) { FamilyFixture.load(file) }

    static let longFile = load("microbar-cross-sectional-long.yaml")
    static let shortFile = load("microbar-cross-sectional-short.yaml")
    static let long = try! CompiledStrategy(longFile.plan!.strategies[0])
    static let short = try! CompiledStrategy(shortFile.plan!.strategies[0])

    /// The bundled spec with some parameters changed (`universe_size`, `top_n`, `exit_minute_after_open`), compiled
    /// with the bundled universe, to reach thresholds below 1 and an exit inside the session.
    static func variant(_ file: String, _ replacements: [(String, String)]) -> CompiledStrategy {
        func read(_ path: String) -> String {
            guard case .success(let bytes) = FileSystem.read(root + "/" + path, limit: 1 << 20) else {
                preconditionFailure("cannot read \(path)")
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var strategy = read("specs/strategies/" + file)
        for (from, to) in replacements {
            precondition(strategy.contains(from), "\(from) not in \(file)")
            strategy = strategy.replacing(from, with: to)
        }
        let text = strategy + "---\n" + read("specs/universe/us-equities.yaml")
        let (documents, yaml) = YAMLLoader().load(SourceFile(path: file, text: text))
        let session = DecodeSession()
        let specs = documents.compactMap { SpecDocument.decode($0, in: session) }
        precondition(yaml.isEmpty && session.diagnostics.items.isEmpty, "\(yaml) \(session.diagnostics.items)")
        let output = PlanCompiler(features: .catalog).compile(specs)
        precondition(output.diagnostics.isEmpty, "\(output.diagnostics)")
        return try! CompiledStrategy(output.plan.strategies[0])
    }

    /// n = 5, top_n = 3: high = 2/4 = 0.5 and low = 2/4 = 0.5, exact in binary, so distances are exact.
    static let longHalf = variant(
        "microbar-cross-sectional-long.yaml", [("universe_size: 15", "universe_size: 5"), ("top_n: 1", "top_n: 3")])
    static let shortHalf = variant(
        "microbar-cross-sectional-short.yaml", [("universe_size: 15", "universe_size: 5"), ("top_n: 1", "top_n: 3")])

    static let aapl = Symbol("AAPL")!
    static let open: TimestampNanos = 1_767_364_200_000_000_000  // 2026-01-02 09:30 New York
    static let day = CivilDate(year: 2026, month: 1, day: 2)

    /// `minute` is `session_minutes_elapsed` (whole minutes, floor); nil = outside the session.
    static func features(minute: Double?, rank: Double?) -> FeatureVector {
        var vector = FeatureVector()
        vector.set(.sessionMinutesElapsed, minute)
        vector.set(.crossSectionPrevCloseDriveRank, rank)
        return vector
    }

    static func evaluate(
        _ strategy: CompiledStrategy, _ vector: FeatureVector, position: StrategyPosition = .flat
    ) -> Evaluation {
        let minute = vector[.sessionMinutesElapsed]
        return StrategyEvaluator.evaluate(
            strategy, symbol: aapl, eventTime: open + Int64((minute ?? 0) * 60) * 1_000_000_000, features: vector,
            context: EvaluationContext(minutesAfterOpen: minute, minutesBeforeClose: minute.map { 390 - $0 }),
            position: position, sizing: SizingContext(price: Decimal(100), equity: Decimal(100_000)))
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var vector: FeatureVector
        var action: Decision.Action?
        var confidence: String?
        var testDescription: String { self.name }
    }

    // MARK: Bundled specs: top_n 1, so high = 14/14 = 1 and low = 0/14 = 0.

    @Test func bothSpecsCompileWithoutDiagnostics() {
        #expect(Self.longFile.diagnostics.isEmpty, "\(Self.longFile.diagnostics)")
        #expect(Self.shortFile.diagnostics.isEmpty, "\(Self.shortFile.diagnostics)")
        for strategy in [Self.long, Self.short] {
            #expect(strategy.enabled == false)
            #expect(strategy.timeframe == "1Sec")
            #expect(strategy.symbols.count == 15)
            #expect(strategy.maxNotionalUSD == Decimal(1000))
            #expect(strategy.maxPositionFractionOfEquity == nil)
            #expect(strategy.overlays.flattenMinutesBeforeClose == 1)
            #expect(strategy.overlays.requireProfitForSignalExit == false)
        }
        #expect(Self.long.id.rawValue == "microbar_cross_sectional_long_v1@research")
        #expect(Self.short.id.rawValue == "microbar_cross_sectional_short_v1@research")
        #expect(Self.long.entries.map(\.direction) == [.long])
        #expect(Self.long.exits.map(\.direction) == [.long])
        #expect(Self.short.entries.map(\.direction) == [.short])
        #expect(Self.short.exits.map(\.direction) == [.short])
    }

    static let longCases: [Case] = [
        // The entry minute (0): only while whole minutes elapsed equal it.
        Case(name: "minute 0, top rank: buy at 0.55", vector: features(minute: 0, rank: 1), action: .buy,
             confidence: "0.55"),
        Case(name: "before the open (no session minutes)", vector: features(minute: nil, rank: 1), action: nil,
             confidence: nil),
        Case(name: "minute -1", vector: features(minute: -1, rank: 1), action: nil, confidence: nil),
        Case(name: "minute 1", vector: features(minute: 1, rank: 1), action: nil, confidence: nil),
        Case(name: "minute 60", vector: features(minute: 60, rank: 1), action: nil, confidence: nil),
        // Rank against high = 1.
        Case(name: "rank just under high", vector: features(minute: 0, rank: 0.9375), action: nil, confidence: nil),
        Case(name: "rank missing", vector: features(minute: 0, rank: nil), action: nil, confidence: nil),
        Case(name: "bottom rank does not buy", vector: features(minute: 0, rank: 0), action: nil, confidence: nil),
    ]

    @Test(arguments: longCases)
    func longEntryMatchesTheReferenceRule(_ testCase: Case) {
        let decision = Self.evaluate(Self.long, testCase.vector).decision
        #expect(decision?.action == testCase.action, "\(testCase.name)")
        #expect(decision?.confidence.description == testCase.confidence, "\(testCase.name)")
    }

    static let shortCases: [Case] = [
        Case(name: "minute 0, bottom rank: sell at 0.55", vector: features(minute: 0, rank: 0), action: .sell,
             confidence: "0.55"),
        Case(name: "before the open", vector: features(minute: nil, rank: 0), action: nil, confidence: nil),
        Case(name: "minute 1", vector: features(minute: 1, rank: 0), action: nil, confidence: nil),
        Case(name: "rank just over low", vector: features(minute: 0, rank: 0.0625), action: nil, confidence: nil),
        Case(name: "rank missing", vector: features(minute: 0, rank: nil), action: nil, confidence: nil),
        Case(name: "top rank does not sell", vector: features(minute: 0, rank: 1), action: nil, confidence: nil),
    ]

    @Test(arguments: shortCases)
    func shortEntryMatchesTheReferenceRule(_ testCase: Case) {
        let decision = Self.evaluate(Self.short, testCase.vector).decision
        #expect(decision?.action == testCase.action, "\(testCase.name)")
        #expect(decision?.confidence.description == testCase.confidence, "\(testCase.name)")
        #expect(decision.map { $0.intent == .entry && $0.direction == .short } ?? true, "\(testCase.name)")
    }

    @Test func reasonsAndQuantity() throws {
        let buy = try #require(Self.evaluate(Self.long, Self.features(minute: 0, rank: 1)).decision)
        #expect(buy.reasons == ["cross_sectional_rank_long", "scheduled_entry"])
        #expect(buy.quantity == Decimal(10))  // $1000 at $100
        let sell = try #require(Self.evaluate(Self.short, Self.features(minute: 0, rank: 0)).decision)
        #expect(sell.reasons == ["cross_sectional_rank_short", "scheduled_entry"])
        #expect(sell.quantity == Decimal(10))
    }

    // MARK: Thresholds below 1 and the confidence (n = 5, top_n = 3: high = low = 0.5)

    /// Expected: Torghut's min(0.95, 0.55 + d), d to 4 decimals.
    static let gradedLongCases: [Case] = [
        Case(name: "rank just under high", vector: features(minute: 0, rank: 0.4375), action: nil, confidence: nil),
        Case(name: "rank equal to high: d 0 → 0.55", vector: features(minute: 0, rank: 0.5), action: .buy,
             confidence: "0.55"),
        Case(name: "d 0.0625 → 0.6125", vector: features(minute: 0, rank: 0.5625), action: .buy,
             confidence: "0.6125"),
        Case(name: "d 0.1234 → 0.6734", vector: features(minute: 0, rank: 0.6234), action: .buy,
             confidence: "0.6734"),
        Case(name: "d 0.12346 → 0.1235 → 0.6735", vector: features(minute: 0, rank: 0.62346), action: .buy,
             confidence: "0.6735"),
        Case(name: "d 0.12344 → 0.1234 → 0.6734", vector: features(minute: 0, rank: 0.62344), action: .buy,
             confidence: "0.6734"),
        Case(name: "d 0.03125: half-even → 0.0312 → 0.5812", vector: features(minute: 0, rank: 0.53125),
             action: .buy, confidence: "0.5812"),
        Case(name: "d 0.25 → 0.80", vector: features(minute: 0, rank: 0.75), action: .buy, confidence: "0.8"),
        Case(name: "d 0.375 → 0.925", vector: features(minute: 0, rank: 0.875), action: .buy, confidence: "0.925"),
        Case(name: "d 0.3999: just under the cap, 0.9499", vector: features(minute: 0, rank: 0.8999), action: .buy,
             confidence: "0.9499"),
        Case(name: "d 0.40 exactly: at the cap 0.95", vector: features(minute: 0, rank: 0.9), action: .buy,
             confidence: "0.95"),
        Case(name: "d 0.5: capped at 0.95 (min(0.95, 1.05))", vector: features(minute: 0, rank: 1),
             action: .buy, confidence: "0.95"),
        Case(name: "wrong minute", vector: features(minute: 1, rank: 1), action: nil, confidence: nil),
    ]

    @Test(arguments: gradedLongCases)
    func longConfidenceAddsTheDistanceBeyondHigh(_ testCase: Case) {
        let decision = Self.evaluate(Self.longHalf, testCase.vector).decision
        #expect(decision?.action == testCase.action, "\(testCase.name)")
        #expect(decision?.confidence.description == testCase.confidence, "\(testCase.name)")
    }

    static let gradedShortCases: [Case] = [
        Case(name: "rank just over low", vector: features(minute: 0, rank: 0.5625), action: nil, confidence: nil),
        Case(name: "rank equal to low: d 0 → 0.55", vector: features(minute: 0, rank: 0.5), action: .sell,
             confidence: "0.55"),
        Case(name: "d 0.0625 → 0.6125", vector: features(minute: 0, rank: 0.4375), action: .sell,
             confidence: "0.6125"),
        Case(name: "d 0.1234 → 0.6734", vector: features(minute: 0, rank: 0.3766), action: .sell,
             confidence: "0.6734"),
        Case(name: "d 0.25 → 0.80", vector: features(minute: 0, rank: 0.25), action: .sell, confidence: "0.8"),
        Case(name: "d 0.375 → 0.925", vector: features(minute: 0, rank: 0.125), action: .sell, confidence: "0.925"),
        Case(name: "d 0.3999: just under the cap, 0.9499", vector: features(minute: 0, rank: 0.1001), action: .sell,
             confidence: "0.9499"),
        Case(name: "d 0.40 exactly: at the cap 0.95", vector: features(minute: 0, rank: 0.1), action: .sell,
             confidence: "0.95"),
        Case(name: "d 0.5: capped at 0.95", vector: features(minute: 0, rank: 0), action: .sell, confidence: "0.95"),
    ]

    @Test(arguments: gradedShortCases)
    func shortConfidenceAddsTheDistanceBelowLow(_ testCase: Case) {
        let decision = Self.evaluate(Self.shortHalf, testCase.vector).decision
        #expect(decision?.action == testCase.action, "\(testCase.name)")
        #expect(decision?.confidence.description == testCase.confidence, "\(testCase.name)")
    }

    // MARK: Exits

    static func signal(minute: Double, price: String, minutesBeforeClose: Double? = nil) -> SignalContext {
        SignalContext(
            symbol: aapl, eventTime: open + Int64(minute * 60) * 1_000_000_000, session: day,
            clock: EvaluationContext(minutesAfterOpen: minute, minutesBeforeClose: minutesBeforeClose ?? 390 - minute),
            sizing: SizingContext(price: Decimal(price)!, equity: Decimal(100_000)))
    }

    /// Enters at minute 0 at $100 and fills.
    static func entered(_ strategy: CompiledStrategy, rank: Double) -> StrategyBook {
        var book = StrategyBook(strategy)
        let decision = book.evaluate(features(minute: 0, rank: rank), signal(minute: 0, price: "100")).decision!
        book.applyFill(symbol: aapl, action: decision.action, quantity: decision.quantity, price: Decimal(100),
                       time: open)
        return book
    }

    @Test func longExitsWhenTheExitMinuteIsReachedWhateverTheProfit() throws {
        // exit_minute_after_open 30: an exit inside the session.
        let strategy = Self.variant("microbar-cross-sectional-long.yaml", [("exit_minute_after_open: 390", "exit_minute_after_open: 30")])
        var book = Self.entered(strategy, rank: 1)
        #expect(book.evaluate(Self.features(minute: 29, rank: 1), Self.signal(minute: 29.5, price: "99")).decision == nil)
        // Reached at minute 30, at a loss: a time exit needs no profit.
        let exit = try #require(book.evaluate(Self.features(minute: 30, rank: 1), Self.signal(minute: 30, price: "99")).decision)
        #expect(exit.action == .sell)
        #expect(exit.intent == .exit)
        #expect(exit.quantity == Decimal(10))
        #expect(exit.confidence == Decimal("0.51"))
        #expect(exit.reasons == ["scheduled_exit"])
        // Still reached after it (the position was not filled yet).
        #expect(book.evaluate(Self.features(minute: 31, rank: 1), Self.signal(minute: 31, price: "101")).decision?
            .reasons == ["scheduled_exit"])
        // Outside the session the minutes are unknown: no exit (and no flatten: no minutes before the close).
        let after = SignalContext(
            symbol: Self.aapl, eventTime: Self.open + 400 * 60_000_000_000, session: nil,
            clock: EvaluationContext(minutesAfterOpen: nil, minutesBeforeClose: nil),
            sizing: SizingContext(price: Decimal(101), equity: Decimal(100_000)))
        #expect(book.evaluate(Self.features(minute: nil, rank: 1), after).decision == nil)
    }

    @Test func closeExitAndTheSessionFlatten() throws {
        var book = Self.entered(Self.long, rank: 1)
        // Minute 388, 1.5 minutes left: held.
        #expect(book.evaluate(Self.features(minute: 388, rank: 1), Self.signal(minute: 388.5, price: "101")).decision
            == nil)
        // One minute left: the flatten overlay sells the whole position (confidence 1).
        let flatten = try #require(
            book.evaluate(Self.features(minute: 389, rank: 1), Self.signal(minute: 389, price: "101")).decision)
        #expect(flatten.action == .sell)
        #expect(flatten.reasons == ["session_flatten"])
        #expect(flatten.confidence == Decimal(1))
        // A signal at the close itself (390 minutes elapsed; the clock is outside the session): the exit rule.
        let atClose = try #require(
            book.evaluate(Self.features(minute: 390, rank: 1),
                          SignalContext(symbol: Self.aapl, eventTime: Self.open + 390 * 60_000_000_000, session: Self.day,
                                        clock: EvaluationContext(minutesAfterOpen: nil, minutesBeforeClose: nil),
                                        sizing: SizingContext(price: Decimal(101), equity: Decimal(100_000)))).decision)
        #expect(atClose.reasons == ["scheduled_exit"])
        #expect(atClose.confidence == Decimal("0.51"))
    }

    @Test func shortCoversAtTheExitMinuteAndFlattens() throws {
        let strategy = Self.variant("microbar-cross-sectional-short.yaml", [("exit_minute_after_open: 390", "exit_minute_after_open: 30")])
        var book = Self.entered(strategy, rank: 0)
        #expect(book.state(of: Self.aapl).quantity == Decimal(-10))
        #expect(book.evaluate(Self.features(minute: 29, rank: 0), Self.signal(minute: 29, price: "101")).decision == nil)
        let cover = try #require(book.evaluate(Self.features(minute: 30, rank: 0), Self.signal(minute: 30, price: "101")).decision)
        #expect(cover.action == .buy)
        #expect(cover.intent == .exit)
        #expect(cover.quantity == Decimal(10))
        #expect(cover.confidence == Decimal("0.51"))
        #expect(cover.reasons == ["scheduled_exit"])
        var bundled = Self.entered(Self.short, rank: 0)
        #expect(bundled.evaluate(Self.features(minute: 389, rank: 0), Self.signal(minute: 389, price: "99")).decision?
            .reasons == ["session_flatten"])
    }

    @Test func heldPositionIsNotReenteredInTheEntryMinute() {
        var book = Self.entered(Self.long, rank: 1)
        let again = book.evaluate(Self.features(minute: 0, rank: 1), Self.signal(minute: 0.5, price: "100"))
        #expect(again.decision == nil)
        #expect(again.outcomes.map(\.result) == [.failedCondition(0), .skippedHeldDirection])
    }
}
