import Runtime
import Simulator
import SpecCompiler
import SpecModel
import Testing

/// Faults end to end: the generator's price shock, resolving `spec.faults` (instants, SIM001 at the fault), and
/// scenario runs with faults (deterministic, the window sees faulted times).
@Suite struct ScenarioFaultRunTests {
    static let session = MarketCalendar.nyse.session(on: CivilDate(year: 2026, month: 3, day: 6))!

    // MARK: Price shock

    static func events(_ kind: MarketGenerator.Kind, shocks: [MarketGenerator.PriceShock]? = nil) -> [MarketEvent] {
        var settings = MarketGenerator.Settings(
            kind: kind, seed: 7, session: Self.session, symbols: ["AAPL", "NVDA"], minutes: 20)
        if let shocks { settings.priceShocks = shocks }
        var symbols = SymbolTable()
        var generator = MarketGenerator(settings, symbols: &symbols)
        var events: [MarketEvent] = []
        while let event = generator.next() { events.append(event) }
        return events
    }

    static func price(_ event: MarketEvent) -> Double {
        switch event {
        case .trade(let trade): trade.price
        case .quote(let quote): quote.bidPrice
        case .bar: .nan
        }
    }

    /// The event with its prices set to zero: what a shock must not change.
    static func withoutPrices(_ event: MarketEvent) -> MarketEvent {
        switch event {
        case .trade(var trade):
            trade.price = 0
            return .trade(trade)
        case .quote(var quote):
            quote.bidPrice = 0
            quote.askPrice = 0
            return .quote(quote)
        case .bar: return event
        }
    }

    @Test(arguments: MarketGenerator.Kind.allCases)
    func aPriceShockGapsOneSymbolFromItsSecondOn(kind: MarketGenerator.Kind) throws {
        let plain = Self.events(kind)
        #expect(Self.events(kind, shocks: []) == plain, "no shocks: the same stream")
        #expect(Self.events(kind, shocks: [.init(minuteAfterOpen: 10, factor: 1.1, symbols: ["MSFT"])]) == plain)
        let shocked = Self.events(kind, shocks: [.init(minuteAfterOpen: 10, factor: 1.1, symbols: ["AAPL"])])
        let shockTime = Self.session.open + 10 * Timestamp.nanosPerMinute
        #expect(shocked.count == plain.count)
        var before = 0
        var after = 0
        var problems: [String] = []
        for (index, (a, b)) in zip(plain, shocked).enumerated() {
            if a.eventTime < shockTime || a.symbol.index == 1 {
                if a != b { problems.append("event \(index) before the shock or of NVDA changed") }
                before += a.eventTime < shockTime ? 1 : 0
                continue
            }
            after += 1
            // Same draws: time, size, id and kind are untouched; the price is 1.1 times, up to cent rounding.
            if Self.withoutPrices(a) != Self.withoutPrices(b) { problems.append("event \(index) moved or resized") }
            if abs(Self.price(b) - 1.1 * Self.price(a)) > 0.02 {
                problems.append("event \(index): \(Self.price(a)) became \(Self.price(b)), not 1.1 times")
            }
            switch b {
            case .quote(let quote):
                let cents = (quote.askPrice * 100).rounded() - (quote.bidPrice * 100).rounded()
                if cents != 2 || (quote.bidPrice * 100).rounded() / 100 != quote.bidPrice {
                    problems.append("event \(index): quote off the cent grid or spread")
                }
            case .trade(let trade):
                if (trade.price * 100).rounded() / 100 != trade.price {
                    problems.append("event \(index): off the grid")
                }
            case .bar: problems.append("event \(index): a bar")
            }
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.first ?? "")")
        #expect(before > 1_000 && after > 1_000)
        // A gap, once: the last AAPL print before the shock and the first after it are about 10 % apart, and so are
        // the two streams' last AAPL prints (the gap persists, also on a mean-reverting day, and does not compound).
        let aaplBefore = try #require(shocked.last { $0.symbol.index == 0 && $0.eventTime < shockTime })
        let aaplAfter = try #require(shocked.first { $0.symbol.index == 0 && $0.eventTime >= shockTime })
        let jump = Self.price(aaplAfter) / Self.price(aaplBefore)
        #expect(jump > 1.09 && jump < 1.11, "\(jump)")
        let lastPlain = try #require(plain.last { $0.symbol.index == 0 })
        let lastShocked = try #require(shocked.last { $0.symbol.index == 0 })
        let ratio = Self.price(lastShocked) / Self.price(lastPlain)
        #expect(ratio > 1.099 && ratio < 1.101, "\(ratio)")
    }

    @Test func shocksWithoutSymbolsMoveEverySymbolAndApplyInOrder() {
        let plain = Self.events(.trendDay)
        let shocked = Self.events(
            .trendDay, shocks: [.init(minuteAfterOpen: 5, factor: 0.5), .init(minuteAfterOpen: 5, factor: 0.8)])
        let shockTime = Self.session.open + 5 * Timestamp.nanosPerMinute
        let last = plain.indices.last!
        #expect(plain[last].eventTime >= shockTime)
        for index in [last, last - 1] {
            #expect(abs(Self.price(shocked[index]) - 0.4 * Self.price(plain[index])) <= 0.02)
        }
        #expect(
            plain.last { $0.symbol.index == 1 }.map(Self.price)! > Self.price(shocked.last { $0.symbol.index == 1 }!))
    }

    // MARK: Resolving

    static let universe = """
        apiVersion: torghut.dev/v1
        kind: Universe
        metadata:
          name: u
        spec:
          symbols: [AAPL, MSFT, NVDA]

        """

    /// A tree of the universe and one scenario (`spec` lines after `universe: u`, indented by two spaces).
    static func tree(_ spec: String) throws -> (SpecTree, SpecDocument) {
        let directory = "/tmp/torghut-faults-\(UInt64.random(in: 0...UInt64.max))"
        try FileSystem.makeDirectories(directory).get()
        let scenario = "apiVersion: torghut.dev/v1\nkind: Scenario\nmetadata:\n  name: s\nspec:\n  universe: u\n" + spec
        try FileSystem.write(FileSystem.join(directory, "scenario.yaml"), Array(scenario.utf8)).get()
        try FileSystem.write(FileSystem.join(directory, "universe.yaml"), Array(Self.universe.utf8)).get()
        defer {
            FileSystem.remove(FileSystem.join(directory, "scenario.yaml"))
            FileSystem.remove(FileSystem.join(directory, "universe.yaml"))
        }
        let tree = SpecTreeLoader().load(paths: [directory])
        #expect(tree.diagnostics.isEmpty, "\(tree.diagnostics)")
        return (tree, try #require(tree.documents(of: .scenario).first))
    }

    static let window = "  session: {date: 2026-03-06, start_minutes_after_open: 10, minutes: 30}\n"
    static let generator = "  source: {generator: {kind: trend_day, seed: 7}}\n  account: {starting_cash_usd: 100000}\n"

    static func minute(_ minutes: Int64) -> TimestampNanos { Self.session.open + minutes * Timestamp.nanosPerMinute }

    @Test func faultsResolveToInstantsInListOrder() throws {
        let (tree, document) = try Self.tree(
            "  symbols: [AAPL, NVDA]\n" + Self.window + Self.generator
                + """
                  faults:
                    - {kind: clock_skew, symbol: NVDA, at_minutes_after_open: 39, skew_seconds: -90}
                    - {kind: price_shock, at_minutes_after_open: 12, move_fraction: -0.1, symbols: [NVDA]}
                    - {kind: bad_tick, symbol: AAPL, at_minutes_after_open: 20, price_factor: 100}
                    - {kind: nan_price, symbol: NVDA, at_minutes_after_open: 21, minutes: 3}
                    - {kind: price_shock, at_minutes_after_open: 15, move_fraction: 0.25}
                    - {kind: duplicate_burst, symbol: AAPL, at_minutes_after_open: 22, minutes: 2, copies: 5}
                    - {kind: feed_delay, symbol: NVDA, at_minutes_after_open: 30, minutes: 10}

                """)
        let run = try ScenarioResolver.resolve(document, in: tree).get()
        #expect(
            run.faults == [
                .clockSkew(symbol: "NVDA", at: Self.minute(39), skew: -90 * Timestamp.nanosPerSecond),
                .badTick(symbol: "AAPL", at: Self.minute(20), priceFactor: 100),
                .nanPrice(symbol: "NVDA", window: Self.minute(21)..<Self.minute(24)),
                .duplicateBurst(symbol: "AAPL", window: Self.minute(22)..<Self.minute(24), copies: 5),
                .feedDelay(symbol: "NVDA", window: Self.minute(30)..<Self.minute(40)),
            ])
        guard case .generator(let settings) = run.source else {
            Issue.record("not a generator")
            return
        }
        #expect(
            settings.priceShocks == [
                .init(minuteAfterOpen: 12, factor: 0.9, symbols: ["NVDA"]), .init(minuteAfterOpen: 15, factor: 1.25),
            ])
        // Without faults the run has none and the generator's settings are the plain ones.
        let (plainTree, plainDocument) = try Self.tree("  symbols: [AAPL, NVDA]\n" + Self.window + Self.generator)
        let plain = try ScenarioResolver.resolve(plainDocument, in: plainTree).get()
        #expect(plain.faults.isEmpty)
        guard case .generator(let plainSettings) = plain.source else { return }
        #expect(plainSettings.priceShocks.isEmpty)
        var unshocked = settings
        unshocked.priceShocks = []
        #expect(unshocked == plainSettings)
    }

    static func at(_ span: SourceSpan) -> String {
        guard let start = span.start, let slash = span.file.lastIndex(of: "/") else { return span.file }
        return "\(span.file[span.file.index(after: slash)...]):\(start.line):\(start.column)"
    }

    @Test func aPriceShockOnADatasetCannotRun() throws {
        let (tree, document) = try Self.tree(
            Self.window
                + """
                  source: {dataset: {path: day.tgds}}
                  account: {starting_cash_usd: 100000}
                  faults:
                    - {kind: bad_tick, symbol: AAPL, at_minutes_after_open: 20, price_factor: 100}
                    - {kind: price_shock, at_minutes_after_open: 12, move_fraction: -0.1}

                """)
        let result = ScenarioResolver.resolve(document, in: tree)
        guard case .failure(let diagnostic) = result else {
            Issue.record("a price shock on a dataset resolved")
            return
        }
        #expect(diagnostic.code == .scenarioNotRunnable)
        #expect(Self.at(diagnostic.span) == "scenario.yaml:12:14")
        #expect(
            diagnostic.message
                == "faults[1] is a price_shock, which only a generator source can apply; this scenario replays a dataset"
        )
    }

    @Test func aFaultOnASymbolOutsideTheUniverseCannotRun() throws {
        let (tree, document) = try Self.tree(
            Self.window + Self.generator
                + "  faults:\n    - {kind: feed_delay, symbol: TSLA, at_minutes_after_open: 20, minutes: 2}\n")
        guard case .failure(let diagnostic) = ScenarioResolver.resolve(document, in: tree) else {
            Issue.record("a fault outside the universe resolved")
            return
        }
        #expect(diagnostic.code == .scenarioNotRunnable)
        #expect(Self.at(diagnostic.span) == "scenario.yaml:11:34")
        #expect(diagnostic.message == "faults[0] names 'TSLA', which the run does not cover (universe 'u')")
        // A universe symbol is fine without 'symbols'.
        let (okTree, okDocument) = try Self.tree(
            Self.window + Self.generator
                + "  faults:\n    - {kind: feed_delay, symbol: MSFT, at_minutes_after_open: 20, minutes: 2}\n")
        #expect(try ScenarioResolver.resolve(okDocument, in: okTree).get().faults.count == 1)
    }

    // MARK: Runs

    static func plan() throws -> ExecutionPlan {
        let (_, output) = SpecTreeLoader().loadAndCompile(
            paths: [FileSystem.join(TestPaths.repository, "examples/torghut-aded76ac0f")], features: .catalog)
        return try #require(output).plan
    }

    static let everyFault = """
          faults:
            - {kind: price_shock, at_minutes_after_open: 12, move_fraction: -0.05, symbols: [NVDA]}
            - {kind: bad_tick, symbol: AAPL, at_minutes_after_open: 14, price_factor: 100}
            - {kind: nan_price, symbol: NVDA, at_minutes_after_open: 16, minutes: 2}
            - {kind: duplicate_burst, symbol: AAPL, at_minutes_after_open: 18, minutes: 1, copies: 3}
            - {kind: feed_delay, symbol: NVDA, at_minutes_after_open: 20, minutes: 2}
            - {kind: clock_skew, symbol: AAPL, at_minutes_after_open: 22, skew_seconds: -30}

        """

    @Test func aScenarioWithFaultsRunsIdenticallyTwice() throws {
        let spec =
            "  symbols: [AAPL, NVDA]\n  session: {date: 2026-03-06, start_minutes_after_open: 10, minutes: 15}\n"
            + Self.generator
        let (tree, document) = try Self.tree(spec + Self.everyFault)
        let run = try ScenarioResolver.resolve(document, in: tree).get()
        #expect(run.faults.count == 5)
        let plan = try Self.plan()
        let first = try ScenarioRunner.run(run, plan: plan)
        let second = try ScenarioRunner.run(try ScenarioResolver.resolve(document, in: tree).get(), plan: plan)
        #expect(first.eventsHash == second.eventsHash && first.metricsHash == second.metricsHash)
        #expect(first.eventCount == second.eventCount && first.decisions == second.decisions)
        // The faults changed the run.
        let (plainTree, plainDocument) = try Self.tree(spec)
        let plain = try ScenarioRunner.run(try ScenarioResolver.resolve(plainDocument, in: plainTree).get(), plan: plan)
        #expect(plain.eventsHash != first.eventsHash)
        #expect(first.metrics.signals > plain.metrics.signals, "the duplicate burst adds signals")
    }

    /// A generated run's signals, and the run itself, with the given faults.
    static func generatedRun(_ faults: [ScenarioRun.Fault]) -> ScenarioRun {
        ScenarioRun(
            name: "faults",
            source: .generator(
                MarketGenerator.Settings(
                    kind: .trendDay, seed: 7, session: Self.session, symbols: ["AAPL", "NVDA"], startMinute: 0,
                    minutes: 10)),
            settings: SimulationSettings(startingCash: Decimal(100_000)), window: ScenarioRun.window(from: Self.minute(0), to: Self.minute(10)),
            faults: faults)
    }

    static func signals(_ run: ScenarioRun) throws -> [SignalRecord] {
        var signals: [SignalRecord] = []
        try SignalSource.forEach(run.source, ta: run.ta) { signals.append($0) }
        return signals
    }

    @Test func theWindowSeesFaultedTimesAndDuplicatesReachTheSimulation() throws {
        let plan = try Self.plan()
        let baseline = try ScenarioRunner.run(Self.generatedRun([]), plan: plan)
        let signals = try Self.signals(Self.generatedRun([]))
        // Bars ending in (open, open + 10 min]: the window's own end is in.
        #expect(baseline.metrics.signals == signals.count { $0.eventTime > Self.minute(0) && $0.eventTime <= Self.minute(10) })

        // Skewed past the window's end, AAPL's last minute of signals is no longer simulated.
        let skewed = try ScenarioRunner.run(
            Self.generatedRun([.clockSkew(symbol: "AAPL", at: Self.minute(9), skew: 120 * Timestamp.nanosPerSecond)]),
            plan: plan)
        let lastMinute = signals.count {
            $0.symbol == "AAPL" && $0.eventTime >= Self.minute(9) && $0.eventTime <= Self.minute(10)
        }
        #expect(lastMinute > 30)
        #expect(skewed.metrics.signals == baseline.metrics.signals - lastMinute)

        // Each signal of NVDA's burst reaches the simulation three times.
        let burst = try ScenarioRunner.run(
            Self.generatedRun([.duplicateBurst(symbol: "NVDA", window: Self.minute(3)..<Self.minute(5), copies: 2)]),
            plan: plan)
        let inBurst = signals.count {
            $0.symbol == "NVDA" && $0.eventTime >= Self.minute(3) && $0.eventTime < Self.minute(5)
        }
        #expect(inBurst > 60)
        #expect(burst.metrics.signals == baseline.metrics.signals + 2 * inBurst)
        #expect(burst.eventCount > baseline.eventCount)
    }
}
