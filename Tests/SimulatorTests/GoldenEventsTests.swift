import Runtime
import Simulator
import SpecCompiler
import SpecModel
import Testing

/// The golden file's `events` section: what it records, how it round-trips, and the first differing event that
/// `differences(from:)` reports.
@Suite struct GoldenEventsTests {
    static let hash = "0123456789abcdef0123456789abcdef"

    /// The ScenarioRunTests market (TSMOM trades on it), with a flat fee per fill when `fee` is given.
    static func golden(fee: String? = nil, seed: UInt64 = 7) throws -> GoldenFile {
        var run = ScenarioRunTests.scenario(seed: seed)
        if let fee { run.settings.costs = TorghutCostModel(perTradeFeeUSD: try #require(Decimal(fee))) }
        return GoldenFile(try ScenarioRunner.run(run, plan: try ScenarioRunTests.plan()))
    }

    /// The file as written before the events section existed: everything up to its comment line.
    static func withoutEvents(_ text: String) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("# events:") })
        return lines[..<start].joined(separator: "\n") + "\n"
    }

    @Test func aFeeChangeNamesTheFirstDifferingFillWithBothLines() throws {
        let base = try Self.golden()
        let fee = try Self.golden(fee: "0.65")
        let old = try #require(base.events)
        let new = try #require(fee.events)
        // The cost model moves no decision and no signal: the same event numbers, the same signal checkpoints.
        #expect(new.lines.map(\.number) == old.lines.map(\.number))
        #expect(!new.checkpoints.isEmpty && new.checkpoints.map(\.hash) == old.checkpoints.map(\.hash))
        let index = try #require(old.lines.firstIndex { $0.text.hasPrefix("fill ") })
        let oldFill = old.lines[index]
        let newFill = new.lines[index]
        // Only the cost differs, by exactly the fee.
        let oldParts = oldFill.text.split(separator: " ")
        let newParts = newFill.text.split(separator: " ")
        #expect(oldParts.dropLast() == newParts.dropLast() && oldParts.dropLast().last == "cost")
        let oldCost = try #require(Decimal(String(oldParts.last!)))
        #expect(Decimal(String(newParts.last!)) == oldCost.adding(try #require(Decimal("0.65"))))

        let differences = fee.differences(from: base)
        #expect(!differences.contains { $0.hasPrefix("strategy ") }, "\(differences)")
        let at = try #require(differences.firstIndex(of: "first differing event \(oldFill.number):"), "\(differences)")
        #expect(Array(differences[(at + 1)...].prefix(2)) == ["  - \(oldFill.rendered)", "  + \(newFill.rendered)"])
        #expect(oldFill.rendered.hasPrefix("event \(oldFill.number) fill "))
        #expect(differences.contains { $0.hasPrefix("metric costs_usd: ") })
    }

    @Test func aChangedMarketNamesTheFirstChangedSignalCheckpoint() throws {
        let base = try Self.golden()
        let other = try Self.golden(seed: 8)
        let first = try #require(other.events?.checkpoints.first)
        #expect(first.first == 1 && first.last >= GoldenEvents.signalsPerCheckpoint)
        let differences = other.differences(from: base)
        let header = "first differing event: signals in events 1-\(first.last) changed"
        let at = try #require(differences.firstIndex(of: header), "\(differences)")
        #expect(differences[at + 1].hasPrefix("  this run's first signal there: event 1 signal 2026-03-06T"))
    }

    @Test func aGoldenWithEventsRoundTrips() throws {
        let golden = try Self.golden()
        let text = golden.render()
        let events = try #require(golden.events)
        #expect(events.lines.contains { $0.text.hasPrefix("fill ") })
        #expect(events.lines.contains { $0.text.hasPrefix("position ") })
        #expect(text.contains("\nevents\nsignals 1-"))
        let parsed = try GoldenFile.parse(text).get()
        #expect(parsed.render() == text)
        #expect(parsed.events?.lines == events.lines)
        #expect(parsed.events?.checkpoints.map(\.rendered) == events.checkpoints.map(\.rendered))
        // Checkpoints and events come out merged by event number.
        let numbers = try #require(parsed.events).renderedLines.map { line in
            Int(line.split(separator: " ")[1].split(separator: "-")[0])!
        }
        #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count)
        #expect(golden.differences(from: parsed).isEmpty)
        // A run that keeps no decision lines keeps no events either.
        let lean = try ScenarioRunner.run(
            ScenarioRunTests.scenario(), plan: try ScenarioRunTests.plan(), decisionLines: false)
        #expect(lean.events == nil)
    }

    @Test(arguments: [
        ("unknown kind", "event 1002 teleport AAPL\n", 7),
        ("a kind without text", "event 1002 fill\n", 7),
        ("a number that repeats", "event 1001 order AAPL buy 1 limit 2\n", 7),
        ("a number that is not digits", "event 1e4 fill AAPL buy 1 @ 2 cost 0\n", 7),
        ("a short hash", "signals 1002-2000 0123abc\n", 7),
        ("a reversed range", "signals 2000-1002 \(Self.hash)\n", 7),
        ("a checkpoint inside the last", "signals 1002-2000 \(Self.hash)\nsignals 1500-2600 \(Self.hash)\n", 8),
        ("a second header", "events\n", 7),
        ("a decision line in the section", "  2026-03-06T14:30:08Z NVDA sell entry 3 @ 298 (x)\n", 7),
        ("a metric after the section", "metric signals 1\n", 7),
    ])
    func malformedEventLinesFailAtTheirLine(name: String, tail: String, line: Int) {
        let head =
            "scenario x\nengine e\ngenerator g\nevents\nsignals 1-1000 \(Self.hash)\n"
            + "event 1001 fill AAPL buy 1 @ 2 cost 0\n"
        #expect((try? GoldenFile.parse(head).get()) != nil)
        #expect(GoldenFile.parse(head + tail).map { _ in 0 } == .failure(GoldenParseError(line: line)), "\(name)")
    }

    @Test func eventLinesOutsideTheSectionFail() {
        #expect(
            GoldenFile.parse("scenario x\nevent 1 fill AAPL buy 1 @ 2 cost 0\n").map { _ in 0 }
                == .failure(GoldenParseError(line: 2)))
        #expect(
            GoldenFile.parse("scenario x\nsignals 1-1000 \(Self.hash)\n").map { _ in 0 }
                == .failure(GoldenParseError(line: 2)))
    }

    @Test func aGoldenWithoutEventsStillVerifiesAndSaysWhatItLacks() throws {
        let base = try Self.golden()
        let oldText = try Self.withoutEvents(base.render())
        let old = try GoldenFile.parse(oldText).get()
        #expect(old.events == nil && old.render() == oldText)
        // The run reproduces everything the old file holds.
        #expect(base.differences(from: old).isEmpty)
        // A change is reported from what the file has, with one line saying the event is unknown.
        let differences = try Self.golden(fee: "0.65").differences(from: old)
        let note = "the golden file has no events section (it predates it), so the first differing event is unknown"
        #expect(differences.filter { $0 == note }.count == 1, "\(differences)")
        #expect(!differences.contains { $0.hasPrefix("first differing event") })
        #expect(differences.contains { $0.hasPrefix("metric costs_usd: ") })
        #expect(differences.contains { $0.hasPrefix("output events.jsonl: ") })
    }
}
