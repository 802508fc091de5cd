@testable import Runtime
import Testing

@Suite struct SignalEvaluationsTests {
    /// Emptying keeps the storage and only resets counts: what a reused list or evaluation set shows afterwards is
    /// exactly what was appended since, never an earlier signal's leftovers.
    @Test func reuseShowsOnlyWhatWasAppendedSince() {
        var list = RuleOutcomeList()
        let fired = RuleOutcome(intent: .entry, direction: .long, result: .fired)
        let failed = RuleOutcome(intent: .entry, direction: .short, result: .failedCondition(2))
        let window = RuleOutcome(intent: .exit, direction: .long, result: .outsideWindow)
        for outcome in [fired, failed, window] { list.append(outcome) }
        list.removeAll()
        list.append(window)
        #expect(Array(list.all) == [window] && list.count == 1)
        list.append(failed)
        #expect(Array(list[1..<2]) == [failed])

        var evaluations = SignalEvaluations()
        evaluations.outcomeList.append(fired)
        evaluations.outcomeList.append(failed)
        evaluations.append(book: 3, outcomeStart: 0)
        evaluations.outcomeList.append(window)
        evaluations.append(book: 5, outcomeStart: 2)
        #expect(evaluations.count == 2)
        evaluations.removeAll()
        #expect(evaluations.count == 0 && evaluations.entries.isEmpty && evaluations.allOutcomes.isEmpty)
        evaluations.outcomeList.append(window)
        evaluations.append(book: 7, outcomeStart: 0)
        #expect(evaluations.entries.map(\.book) == [7])
        #expect(Array(evaluations.outcomes(of: evaluations.entries[0])) == [window])
    }
}
