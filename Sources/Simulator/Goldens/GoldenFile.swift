import Runtime
import SpecModel

/// `Tests/Golden/<scenario>.golden`: what a scenario run must reproduce, in a text form made for review.
///
/// ```
/// # Golden outputs of scenario trend-day. `torghut golden update` rewrites this file; CI only verifies it.
/// scenario trend-day
/// engine torghut-sim-2026.1
/// generator torghut-gen-2026.1
/// output events.jsonl 2c30c3b4f7b4033e80305fda856107c6 14432
/// output metrics.json 0f4e…
/// metric net_pnl_usd -129.04
/// strategy intraday_tsmom_v1@prod 170
///   2026-03-06T14:30:08Z NVDA sell entry 3 @ 298 (tsmom_trend_down, momentum_reversal_exit)
/// events
/// signals 1-1110 3be77ebd30df5199c82189434faaf5f3
/// event 27 decision 2026-03-06T14:30:11Z intraday_tsmom_v1@prod NVDA sell entry 3 @ 298.01
/// ```
/// A spec change shows up in review as changed metric, decision and event lines, not only as a new hash. The
/// `events` section (`GoldenEvents`) is absent from files written before it existed.
public struct GoldenFile: Sendable, Hashable {
    public var scenario: String
    public var engine: String
    public var generator: String
    /// (file name, XXH3-128, line count or nil).
    public var outputs: [Output]
    public var metrics: [(name: String, value: String)]
    public var strategies: [ScenarioResult.StrategyDecisions]
    /// Nil for a golden file written before the section existed.
    public var events: GoldenEvents?

    public struct Output: Sendable, Hashable {
        public var name: String
        public var hash: String
        public var lines: Int?
    }

    public static func == (a: GoldenFile, b: GoldenFile) -> Bool { a.render() == b.render() }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.render()) }

    /// Every metric, in the order golden files list them: the funnel first, then money, then ratios.
    public static let metricOrder: [ScenarioMetric] = [
        .signals, .decisions, .orders, .fills, .ordersOverCapacity, .netPnLUSD, .grossPnLUSD, .realizedPnLUSD, .unrealizedPnLUSD,
        .costsUSD, .sharpe, .maxDrawdownFraction, .winRate, .fillRate, .slippageBPSMedian, .slippageBPSP95, .turnover,
        .costBPS,
    ]

    public init(_ result: ScenarioResult) {
        self.scenario = result.scenario
        self.engine = Simulation.engineVersion
        self.generator = MarketGenerator.version
        self.outputs = [
            Output(name: "events.jsonl", hash: result.eventsHash.description, lines: result.eventCount),
            Output(name: "metrics.json", hash: result.metricsHash.description, lines: nil),
        ]
        let m = result.metrics
        self.metrics = Self.metricOrder.map { metric in
            let exact: Decimal? =
                switch metric {
                case .netPnLUSD: m.netPnL
                case .grossPnLUSD: m.grossPnL
                case .realizedPnLUSD: m.realizedPnL
                case .unrealizedPnLUSD: m.unrealizedPnL
                case .costsUSD: m.costs
                default: nil
                }
            if let exact { return (metric.rawValue, exact.description) }
            let value = m.value(of: metric)
            let rounded = PlanRunner.decimalValue((value * 1_000_000).rounded() / 1_000_000)
            return (metric.rawValue, rounded?.description ?? "\(value)")
        }
        self.strategies = result.decisions
        self.events = result.events
    }

    public func render() -> String {
        var out = "# Golden outputs of scenario \(self.scenario). `torghut golden update` rewrites this file; CI only "
        out += "verifies it.\n"
        out += "scenario \(self.scenario)\nengine \(self.engine)\ngenerator \(self.generator)\n"
        for output in self.outputs {
            out += "output \(output.name) \(output.hash)" + (output.lines.map { " \($0)" } ?? "") + "\n"
        }
        for (name, value) in self.metrics { out += "metric \(name) \(value)\n" }
        for strategy in self.strategies {
            out += "strategy \(strategy.strategy) \(strategy.lines.count)\n"
            for line in strategy.lines { out += "  \(line)\n" }
        }
        if let events = self.events {
            out += "# events: each decision, order, risk rejection, fill and position; signals as XXH3-128 checkpoints "
            out += "of \(GoldenEvents.signalsPerCheckpoint) signals\n"
            out += "events\n"
            for line in events.renderedLines { out += line + "\n" }
        }
        return out
    }

    /// Parses a golden file; nil with the 1-based line number of the first line it does not understand.
    public static func parse(_ text: String) -> Result<GoldenFile, GoldenParseError> {
        var file = GoldenFile(scenario: "", engine: "", generator: "", outputs: [], metrics: [], strategies: [])
        var lineNumber = 0
        // The event number the next `events` line must pass (they are in increasing order).
        var lastEvent = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if file.events != nil {
                // The section is last: every line after its header belongs to it.
                guard file.events?.parse(line, after: &lastEvent) == true else {
                    return .failure(GoldenParseError(line: lineNumber))
                }
                continue
            }
            if line.hasPrefix("  ") {
                guard !file.strategies.isEmpty else { return .failure(GoldenParseError(line: lineNumber)) }
                file.strategies[file.strategies.count - 1].lines.append(String(line.dropFirst(2)))
                continue
            }
            let fields = line.split(separator: " ").map(String.init)
            switch (fields.first, fields.count) {
            case ("scenario", 2): file.scenario = fields[1]
            case ("engine", 2): file.engine = fields[1]
            case ("generator", 2): file.generator = fields[1]
            case ("output", 3), ("output", 4):
                file.outputs.append(Output(name: fields[1], hash: fields[2], lines: fields.count == 4 ? Int(fields[3]) : nil))
            case ("metric", 3): file.metrics.append((fields[1], fields[2]))
            case ("strategy", 3): file.strategies.append(.init(strategy: fields[1], lines: []))
            case ("events", 1): file.events = GoldenEvents()
            default: return .failure(GoldenParseError(line: lineNumber))
            }
        }
        guard !file.scenario.isEmpty else { return .failure(GoldenParseError(line: max(1, lineNumber))) }
        return .success(file)
    }

    private init(
        scenario: String, engine: String, generator: String, outputs: [Output], metrics: [(name: String, value: String)],
        strategies: [ScenarioResult.StrategyDecisions]
    ) {
        self.scenario = scenario
        self.engine = engine
        self.generator = generator
        self.outputs = outputs
        self.metrics = metrics
        self.strategies = strategies
    }

    /// What differs from `expected`, as readable lines; empty when the run reproduces the golden exactly.
    public func differences(from expected: GoldenFile) -> [String] {
        // A file from before the events section verifies on what it has.
        var comparable = self
        if expected.events == nil { comparable.events = nil }
        guard comparable.render() != expected.render() else { return [] }
        var out: [String] = []
        if self.engine != expected.engine { out.append("engine changed: \(expected.engine) → \(self.engine)") }
        if self.generator != expected.generator {
            out.append("generator changed: \(expected.generator) → \(self.generator)")
        }
        let strategies = Set(self.strategies.map(\.strategy)).union(expected.strategies.map(\.strategy))
        for name in strategies.sorted(by: { $0.utf8Precedes($1) }) {
            let old = expected.strategies.first { $0.strategy == name }?.lines ?? []
            let new = self.strategies.first { $0.strategy == name }?.lines ?? []
            guard old != new else { continue }
            out.append("strategy \(name): decisions changed (\(old.count) → \(new.count))")
            let index = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
            out.append("  first difference at decision \(index + 1):")
            if index < old.count { out.append("  - \(old[index])") }
            if index < new.count { out.append("  + \(new[index])") }
        }
        switch (expected.events, self.events) {
        case (let old?, let new?):
            if let first = new.firstDifference(from: old) { out += first }
        case (nil, _?):
            out.append(
                "the golden file has no events section (it predates it), so the first differing event is unknown")
        default:
            break
        }
        for (name, value) in self.metrics {
            let old = expected.metrics.first { $0.name == name }?.value
            if old != value { out.append("metric \(name): \(old ?? "absent") → \(value)") }
        }
        for output in self.outputs {
            let old = expected.outputs.first { $0.name == output.name }
            if old?.hash != output.hash { out.append("output \(output.name): \(old?.hash ?? "absent") → \(output.hash)") }
        }
        if out.isEmpty { out.append("the golden file differs in form; run `torghut golden update` and review the diff") }
        return out
    }
}

public struct GoldenParseError: Error, Sendable, Hashable {
    /// 1-based line of the golden file that could not be read.
    public var line: Int

    public init(line: Int) {
        self.line = line
    }
}
