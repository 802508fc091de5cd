@testable import Runtime
import SpecCompiler
import SpecModel
import Testing

/// The plan runner lends one memo scratch to every book (a fresh generation per evaluation). Evaluating all eleven
/// bundled families in turn through that shared scratch must give exactly what each book gives with its own memo.
@Suite struct SharedMemoTests {
    static let strategies: [CompiledStrategy] = {
        let (_, output) = SpecTreeLoader().loadAndCompile(
            paths: [FamilyFixture.root + "/specs/universe", FamilyFixture.root + "/specs/strategies"],
            features: .catalog)
        return output!.plan.strategies.map { try! CompiledStrategy($0) }
    }()

    /// Seeded features around each family's thresholds: every slot present with a value in a wide range, a few
    /// missing, so rules pass, fail and meet missing operands.
    static func vector(_ random: inout SplitMix64) -> FeatureVector {
        var vector = FeatureVector()
        for id in FeatureID.allCases where random.next() % 8 != 0 {
            let unit = Double(random.next() % 10_000) / 10_000
            switch id {
            case .price: vector.set(id, 90 + 20 * unit)
            case .rsi14: vector.set(id, 100 * unit)
            case .sessionMinutesElapsed: vector.set(id, (390 * unit).rounded(.down))
            default: vector.set(id, id.group == .crossSection ? unit : 200 * unit - 100)
            }
        }
        return vector
    }

    @Test func booksSharingOneMemoMatchBooksAlone() throws {
        #expect(Self.strategies.count == 11)
        var shared = Self.strategies.map(StrategyBook.init)
        var alone = Self.strategies.map(StrategyBook.init)
        var memo = ProgramMemo()
        let slots = Self.strategies.map(\.code.slotCount).max()!
        var random = SplitMix64(seed: 7)
        var fired = 0
        for step in 0..<2_000 {
            let vector = Self.vector(&random)
            let minute = Double(step % 400)
            let price = Decimal(units: Int64(100_000_000_000 + Int64(step % 50) * 10_000_000))
            let context = SignalContext(
                symbol: Symbol("AAPL")!, eventTime: FamilyFixture.open + Int64(step) * 60_000_000_000,
                session: FamilyFixture.day,
                clock: EvaluationContext(minutesAfterOpen: minute, minutesBeforeClose: 390 - minute),
                sizing: SizingContext(price: price, equity: Decimal(100_000)), slot: 0)
            var sharedOutcomes = RuleOutcomeList()
            var sharedDecisions: [Decision?] = []
            memo.withScratch(count: slots) { scratch in
                vector.withReader { reader in
                    for index in shared.indices {
                        sharedDecisions.append(
                            shared[index].evaluate(vector, reader, context, memo: &scratch, outcomes: &sharedOutcomes))
                    }
                }
            }
            var aloneOutcomes: [RuleOutcome] = []
            var aloneDecisions: [Decision?] = []
            for index in alone.indices {
                aloneDecisions.append(alone[index].evaluate(vector, context, outcomes: &aloneOutcomes))
            }
            #expect(Array(sharedOutcomes.all) == aloneOutcomes, "step \(step)")
            #expect(sharedDecisions == aloneDecisions, "step \(step)")
            fired += sharedDecisions.compactMap { $0 }.count
        }
        // The stream exercises decisions, not only failed gates.
        #expect(fired > 0)
    }

    /// A flat book outside every entry window skips evaluation: all eleven families, flat and holding, in and out of
    /// their windows and outside any session, give the same outcomes and decisions either way.
    @Test func skippingClosedWindowsChangesNothing() throws {
        var fast = Self.strategies.map(StrategyBook.init)
        var full = Self.strategies.map { strategy -> StrategyBook in
            var book = StrategyBook(strategy)
            book.skipsClosedWindows = false
            return book
        }
        let symbols = ["AAPL", "MSFT"].map { Symbol($0)! }
        var random = SplitMix64(seed: 11)
        var skipped = 0
        for step in 0..<3_000 {
            let vector = Self.vector(&random)
            let symbol = symbols[step % 2]
            // A position now and then, so held books (which never skip) are compared too.
            if step % 97 == 0 {
                let held = SymbolState(
                    quantity: step % 194 == 0 ? Decimal(5) : .zero, averageEntryPrice: Decimal(100),
                    entryTime: FamilyFixture.open)
                for index in fast.indices {
                    fast[index].setState(held, for: symbol)
                    full[index].setState(held, for: symbol)
                }
            }
            let minute: Double? = step % 50 == 49 ? nil : Double(step % 400) + (step % 3 == 0 ? 0 : 0.5)
            let context = SignalContext(
                symbol: symbol, eventTime: FamilyFixture.open + Int64(step) * 60_000_000_000,
                session: FamilyFixture.day,
                clock: EvaluationContext(minutesAfterOpen: minute, minutesBeforeClose: minute.map { 390 - $0 }),
                sizing: SizingContext(price: Decimal(100), equity: Decimal(100_000)), slot: step % 2)
            for index in fast.indices {
                let code = Self.strategies[index].code.view
                if code.entriesAllWindowed, fast[index].state(of: symbol).held == nil, code.entriesClosed(at: minute) {
                    skipped += 1
                }
                var fastOutcomes: [RuleOutcome] = []
                var fullOutcomes: [RuleOutcome] = []
                let fastDecision = fast[index].evaluate(vector, context, outcomes: &fastOutcomes)
                let fullDecision = full[index].evaluate(vector, context, outcomes: &fullOutcomes)
                #expect(fastOutcomes == fullOutcomes, "step \(step) book \(index)")
                #expect(fastDecision == fullDecision, "step \(step) book \(index)")
                #expect(fast[index].state(of: symbol) == full[index].state(of: symbol))
            }
        }
        // Both paths were exercised.
        #expect(skipped > 1_000)
    }
}
