import Runtime
import SpecCompiler
import SpecModel

/// Everything one scenario run needs besides the plan, resolved from a `Scenario` spec.
public struct ScenarioRun: Sendable {
    public enum Source: Sendable {
        /// A seeded synthetic market through the TA pipeline.
        case generator(MarketGenerator.Settings)
        /// Market-data or signal files (see `SignalSource`).
        case files([String])
    }

    /// A pass/fail threshold on a metric.
    public struct Gate: Sendable, Hashable {
        public var metric: ScenarioMetric
        public var min: Double?
        public var max: Double?

        public init(metric: ScenarioMetric, min: Double? = nil, max: Double? = nil) {
            self.metric = metric
            self.min = min
            self.max = max
        }
    }

    public var name: String
    public var source: Source
    public var ta: TechnicalAnalysisConfiguration
    public var settings: SimulationSettings
    /// The event times simulated; other signals still warm the indicators up. A signal is stamped at its bar's end,
    /// so a window from `start` to `end` takes the bars ending in (start, end]: `ScenarioRun.window(from:to:)`.
    public var window: ClosedRange<TimestampNanos>?
    public var gates: [Gate]
    /// Signal-level faults (SignalFaults.swift), applied in list order between the source and the window filter.
    /// Price shocks live in the generator's settings.
    public var faults: [Fault]

    public init(
        name: String, source: Source, ta: TechnicalAnalysisConfiguration = TechnicalAnalysisConfiguration(),
        settings: SimulationSettings, window: ClosedRange<TimestampNanos>? = nil, gates: [Gate] = [], faults: [Fault] = []
    ) {
        self.name = name
        self.source = source
        self.ta = ta
        self.settings = settings
        self.window = window
        self.gates = gates
        self.faults = faults
    }

    /// The window of bars ending after `start` and up to `end`: the bar that ends at the open (trades before it) is
    /// out, the one that ends at `end` is in.
    public static func window(from start: TimestampNanos, to end: TimestampNanos) -> ClosedRange<TimestampNanos> {
        (start + 1)...max(start + 1, end)
    }
}

/// What a run produced: the hashes of its output files, the metrics, each strategy's decisions in readable form
/// (what goldens keep), and the gates that failed.
public struct ScenarioResult: Sendable {
    public struct StrategyDecisions: Sendable, Hashable {
        public var strategy: String
        /// One line per decision: `time symbol action intent quantity @ reference_price (reasons)`.
        public var lines: [String]
    }

    public var scenario: String
    public var eventCount = 0
    public var eventsHash = ContentHash(high: 0, low: 0)
    public var metrics = SimulationMetrics()
    public var metricsBytes: [UInt8] = []
    public var metricsHash = ContentHash(high: 0, low: 0)
    public var decisions: [StrategyDecisions] = []
    /// A golden file's `events` section; nil unless the run kept its decision lines.
    public var events: GoldenEvents?
    public var failedGates: [String] = []
}

public enum ScenarioRunner {
    /// Runs a scenario. With `outputDirectory`, writes `events.jsonl` and `metrics.json` there; the hashes are
    /// computed either way. `decisionLines` keeps every decision's readable line and every non-signal event's (what
    /// goldens hold): memory then grows with the decisions, so long runs (`torghut simulate`) leave it off and stay
    /// flat.
    public static func run(
        _ run: ScenarioRun, plan: ExecutionPlan, outputDirectory: String? = nil, decisionLines: Bool = true
    ) throws -> ScenarioResult {
        var result = ScenarioResult(scenario: run.name)
        let simulation = try Simulation(plan: plan, settings: run.settings)
        var writer: BufferedFileWriter?
        // Written beside their final names and renamed once the run has finished: a run that stops (damaged data,
        // a full disk) leaves the previous outputs as they were, never a truncated events file beside them.
        let eventsPath = outputDirectory.map { FileSystem.join($0, "events.jsonl") }
        let metricsPath = outputDirectory.map { FileSystem.join($0, "metrics.json") }
        let partial = ".partial"
        defer {
            if let eventsPath { FileSystem.remove(eventsPath + partial) }
            if let metricsPath { FileSystem.remove(metricsPath + partial) }
        }
        if let outputDirectory, let eventsPath {
            try FileSystem.makeDirectories(outputDirectory).get()
            writer = try BufferedFileWriter(path: eventsPath + partial)
        }
        var loop = RunLoop(
            simulation: simulation, output: EventOutput(writer: writer, keepsDecisionLines: decisionLines),
            faults: SignalFaults(run.faults), window: run.window)
        try SignalSource.forEach(run.source, ta: run.ta, into: &loop)
        try loop.finish()
        let output = loop.output
        result.eventCount = output.eventCount
        let hasher = output.hasher
        let decisions = output.decisions
        if decisionLines {
            var recorder = output.golden
            recorder.finish()
            result.events = recorder.events
        }
        result.eventsHash = hasher.finalize()
        result.metrics = try loop.simulation.metrics()
        result.metricsBytes = Array(try JSONWriter.pretty(result.metrics.json).utf8)
        result.metricsHash = ContentHash.of(bytes: result.metricsBytes)
        if let eventsPath, let metricsPath {
            try FileSystem.write(metricsPath + partial, result.metricsBytes).get()
            // Checked before either is renamed, so a target that cannot be replaced (a directory in its place)
            // leaves both old files, never a new events file beside old metrics.
            for target in [eventsPath, metricsPath] where ![.file, .missing].contains(FileSystem.type(of: target)) {
                throw FileSystem.Failure(path: target, reason: "exists and is not a regular file")
            }
            try FileSystem.rename(eventsPath + partial, to: eventsPath).get()
            try FileSystem.rename(metricsPath + partial, to: metricsPath).get()
        }
        // Sorted by strategy id (bytes), never by Dictionary order.
        result.decisions = decisions.keys.sorted { $0.utf8Precedes($1) }.map {
            ScenarioResult.StrategyDecisions(strategy: $0, lines: decisions[$0]!)
        }
        for gate in run.gates {
            let value = result.metrics.value(of: gate.metric)
            let name = gate.metric.rawValue
            if let min = gate.min, value < min { result.failedGates.append("\(name) = \(value) < min \(min)") }
            if let max = gate.max, value > max { result.failedGates.append("\(name) = \(value) > max \(max)") }
        }
        return result
    }

    /// A run's signal path: faults, then the window, then the simulation into the output. A consumer (not closures
    /// capturing each part) so the per-signal path is statically dispatched and touches plain stored properties.
    private struct RunLoop: SignalConsumer {
        var simulation: Simulation
        var output: EventOutput
        /// Faults come first, so the window sees faulted event times.
        var faults: SignalFaults
        let window: ClosedRange<TimestampNanos>?

        mutating func consume(_ signal: inout SignalRecord) throws {
            guard !self.faults.isEmpty else { return try self.deliver(signal) }
            // Moved out while it runs, so its output can reach `deliver` (which mutates `self`).
            var faults = SignalFaults([])
            swap(&faults, &self.faults)
            defer { swap(&faults, &self.faults) }
            try faults.process(signal) { try self.deliver($0) }
        }

        mutating func finish() throws {
            var faults = SignalFaults([])
            swap(&faults, &self.faults)
            try faults.finish { try self.deliver($0) }
            try self.output.flush()
            try self.output.writer?.close()
        }

        private mutating func deliver(_ signal: SignalRecord) throws {
            if let window = self.window, !window.contains(signal.eventTime) { return }
            try self.simulation.process(signal, into: &self.output)
        }
    }

    /// Writes, hashes and counts the events of a run and keeps each strategy's decision lines and the golden file's
    /// event lines.
    private struct EventOutput: SimulationEventSink {
        var writer: BufferedFileWriter?
        var hasher = ContentHasher()
        var eventCount = 0
        var decisions: [String: [String]] = [:]
        let keepsDecisionLines: Bool
        var golden = GoldenEvents.Recorder()
        var pending = PendingLines(capacity: Self.blockSize + SignalLineWriter.maximumLength + 1)
        static let blockSize = 64 * 1024
        var lines = SignalLineWriter()
        /// A decision line's bytes (kept for its capacity).
        var line: [UInt8] = []

        init(writer: BufferedFileWriter?, keepsDecisionLines: Bool) {
            self.writer = writer
            self.keepsDecisionLines = keepsDecisionLines
        }

        mutating func signal(number: Int, _ record: SignalRecord) throws {
            self.pending.reserve(SignalLineWriter.maximumLength)
            if let count = self.lines.write(record, number: number, at: self.pending.base + self.pending.count) {
                self.pending.commit(count)
            } else {
                var line: [UInt8] = []
                SimulationEvent.appendSignalLineInGeneral(record, number: number, to: &line)
                self.pending.append(line)
            }
            try self.finishLine()
            if self.keepsDecisionLines { self.golden.signal(number: number, record) }
        }

        mutating func event(number: Int, _ event: SimulationEvent) throws {
            switch event {
            case .signal(let record):
                return try self.signal(number: number, record)
            case .decision(let decision, let trace):
                self.line.removeAll(keepingCapacity: true)
                SimulationEvent.appendDecisionLine(decision, trace: trace, number: number, to: &self.line)
                self.pending.append(self.line)
            case .riskRejected(let order, let finding):
                self.line.removeAll(keepingCapacity: true)
                SimulationEvent.appendRiskRejectedLine(order, finding, number: number, to: &self.line)
                self.pending.append(self.line)
            default:
                self.pending.append(try JSONWriter.canonical(event.json(number: number)))
            }
            try self.finishLine()
            guard self.keepsDecisionLines else { return }
            self.golden.event(number: number, event)
            switch event {
            case .decision(let decision, _):
                self.decisions[decision.strategy.rawValue, default: []].append(ScenarioRunner.summary(decision))
            case .riskRejected(let order, let finding):
                // The decision's line (the strategy's last) says what risk did to it.
                self.decisions[order.strategy.rawValue]?.mutateLast { $0 += " -> risk rejected: \(finding.reason)" }
            case .order(let order) where !order.riskClamps.isEmpty:
                let reasons = order.riskClamps.map(\.reason).joined(separator: ", ")
                self.decisions[order.strategy.rawValue]?.mutateLast {
                    $0 += " -> risk clamped to \(order.quantity): \(reasons)"
                }
            default:
                break
            }
        }

        private mutating func finishLine() throws {
            self.pending.append(byte: UInt8(ascii: "\n"))
            self.eventCount += 1
            if self.pending.count >= Self.blockSize { try self.flush() }
        }

        /// Hashes and writes the pending lines.
        mutating func flush() throws {
            guard self.pending.count > 0 else { return }
            self.hasher.update(self.pending.bytes)
            try self.writer?.write(self.pending.bytes)
            self.pending.removeAll()
        }
    }

    static func summary(_ decision: Decision) -> String {
        "\(Timestamp.format(decision.eventTime)) \(decision.symbol) \(decision.action.rawValue) "
            + "\(decision.intent.rawValue) \(decision.quantity) @ \(decision.referencePrice) "
            + "(\(decision.reasons.joined(separator: ", ")))"
    }
}

/// Receives the signals of a source, in stream order (see `SignalSource.forEach(_:ta:into:)`).
public protocol SignalConsumer {
    /// `signal` is lent in place (`inout`, so it is passed by address rather than copied: a record is 400 bytes with
    /// a dozen references); the source does not read it again, so the consumer may change it.
    mutating func consume(_ signal: inout SignalRecord) throws
}

/// Signals of a scenario source in stream order.
public enum SignalSource {
    public static func forEach(
        _ source: ScenarioRun.Source, ta: TechnicalAnalysisConfiguration, _ body: (SignalRecord) throws -> Void
    ) throws {
        try withoutActuallyEscaping(body) { body in
            var consumer = ClosureConsumer(body: body)
            try Self.forEach(source, ta: ta, into: &consumer)
        }
    }

    private struct ClosureConsumer: SignalConsumer {
        let body: (SignalRecord) throws -> Void
        func consume(_ signal: inout SignalRecord) throws { try self.body(signal) }
    }

    /// `forEach(_:ta:_:)` into a consumer: statically dispatched, for the simulator's per-signal path.
    public static func forEach<Consumer: SignalConsumer>(
        _ source: ScenarioRun.Source, ta: TechnicalAnalysisConfiguration, into consumer: inout Consumer
    ) throws {
        switch source {
        case .generator(let settings):
            var pipeline = TechnicalAnalysisPipeline(configuration: ta)
            var generator = MarketGenerator(settings, symbols: &pipeline.symbols)
            var signals: [TechnicalSignal] = []
            while let event = generator.next() {
                pipeline.process(event, into: &signals)
                for signal in signals {
                    var record = SignalRecord(signal, symbols: pipeline.symbols, source: ta.source)
                    try consumer.consume(&record)
                }
                signals.removeAll(keepingCapacity: true)
            }
            pipeline.finish(into: &signals)
            for signal in signals {
                var record = SignalRecord(signal, symbols: pipeline.symbols, source: ta.source)
                try consumer.consume(&record)
            }
        case .files(let paths):
            try Self.files(paths, ta: ta, into: &consumer)
        }
    }

    /// Binary datasets are replayed as they are; `ta.signals` JSON lines are merged by event time; market data goes
    /// through the TA pipeline. The files of one source must all be of one kind.
    static func files<Consumer: SignalConsumer>(
        _ paths: [String], ta: TechnicalAnalysisConfiguration, into consumer: inout Consumer
    ) throws {
        var kinds: Set<String> = []
        for path in paths {
            do {
                // Opened to check the file (a bad trailer fails before the run starts), then closed: a reader holds
                // a block's buffers, and a run over many files needs one at a time.
                _ = try SignalDatasetReader(path: path)
                kinds.insert("binary dataset")
            } catch where error.kind == .badMagic {
                switch DatasetInputKind.detect(path: path) {
                case .success(.signals): kinds.insert("ta.signals rows")
                case .success(.marketData): kinds.insert("market data")
                case .failure(let failure):
                    throw SimulationError(failure.reason, code: .unreadableInput, path: failure.path)
                }
            } catch {
                throw SimulationError.dataset(error)
            }
        }
        guard kinds.count <= 1 else {
            throw SimulationError(
                "a scenario's files must be of one kind, found \(kinds.sorted().joined(separator: " and "))")
        }
        switch kinds.first {
        case "binary dataset":
            var records: [SignalRecord] = []
            for path in paths {
                do {
                    var reader = try SignalDatasetReader(path: path)
                    while try reader.nextBlock(into: &records) {
                        // Each record is lent in place (the next block overwrites them all).
                        for index in records.indices { try consumer.consume(&records[index]) }
                    }
                } catch let error as DatasetError {
                    throw SimulationError.dataset(error)
                }
            }
        case "ta.signals rows":
            let report = try SignalFilesJob(inputs: paths).run { record in
                var record = record
                try consumer.consume(&record)
            }
            if report.errorCount > 0 {
                throw SimulationError(
                    "the scenario's signal files have \(report.errorCount) errors; run `torghut dataset convert` on "
                        + "them to see them")
            }
        default:
            let report = try TechnicalAnalysisJob(inputs: paths, configuration: ta).run { record in
                var record = record
                try consumer.consume(&record)
            }
            if report.errorCount > 0 {
                throw SimulationError("the scenario's data has \(report.errorCount) errors; run `torghut ta` on it to see them")
            }
        }
    }
}

extension SimulationError {
    /// A dataset that cannot be read (`SPEC008`) or is damaged (`DATA007`), at its file.
    static func dataset(_ error: DatasetError) -> SimulationError {
        SimulationError("\(error.location): \(error.message)", code: error.code, path: error.path)
    }
}

extension Array {
    fileprivate mutating func mutateLast(_ body: (inout Element) -> Void) {
        guard !self.isEmpty else { return }
        body(&self[self.count - 1])
    }
}
