import ArgumentParser
import Runtime
import Simulator
import SpecCompiler
import SpecModel

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scenarios through the compiled plan in the deterministic simulator.",
        discussion: """
            Compiles the spec tree, then runs each selected Scenario (all of them without --scenario): its market \
            (a seeded generator or dataset files) through the TA pipeline, every signal through the plan, every \
            decision through the torghut execution and cost models. With --out, writes DIR/<scenario>/events.jsonl \
            and metrics.json, byte-identical across runs. Exit 1 when a gate fails. See docs/simulation.md.
            """)

    @Argument(help: "Spec tree (directories or files).")
    var paths: [String] = ["specs"]

    @Option(help: "Scenario name (metadata.name) to run; repeatable. Default: every scenario in the tree.")
    var scenario: [String] = []

    @Option(help: "Override the generator seed of the selected scenarios.")
    var seed: UInt64?

    @Option(help: "Write each scenario's outputs to OUT/<scenario>/.")
    var out: String?

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let selection = try ScenarioSelection(paths: self.paths, names: self.scenario, format: self.outputOptions.format)
        var diagnostics: [Diagnostic] = []
        var runErrors: [Diagnostic] = []
        var lines: [String] = []
        var results: [JSONValue] = []
        for (document, var run) in selection.runs {
            if let seed = self.seed, case .generator(var settings) = run.source {
                settings.seed = seed
                run.source = .generator(settings)
            }
            let directory = self.out.map { FileSystem.join($0, run.name) }
            let result: ScenarioResult
            do {
                result = try ScenarioRunner.run(
                    run, plan: selection.plan, outputDirectory: directory, decisionLines: false)
            } catch {
                runErrors.append(ScenarioSelection.diagnostic(for: error, scenario: run.name, at: document.span))
                continue
            }
            let m = result.metrics
            lines.append(
                "\(run.name): \(m.signals) signals, \(m.decisions) decisions, \(m.fills) fills, net PnL \(m.netPnL) USD "
                    + "(costs \(m.costs)), events \(result.eventsHash) (\(result.eventCount)), metrics \(result.metricsHash)"
                    + (directory.map { " → \($0)" } ?? ""))
            results.append(Self.json(result, directory: directory))
            for failure in result.failedGates {
                diagnostics.append(Diagnostic(.gateFailed, "scenario \(run.name): gate \(failure)", at: document.span))
            }
        }
        let failed = diagnostics.count
        let ran = selection.runs.count - runErrors.count
        var summary = "simulated \(plural(ran, "scenario"))"
        if ran > 0 { summary += failed == 0 ? ", every gate passed" : ", \(plural(failed, "gate")) failed" }
        if !runErrors.isEmpty { summary += "; \(plural(runErrors.count, "scenario")) could not run" }
        let report = DiagnosticReport(
            diagnostics: runErrors + diagnostics, sources: selection.tree.sources,
            summary: [("scenarios", ran), ("failed_gates", failed), ("errors", runErrors.count)],
            summaryLine: lines.map { $0 + "\n" }.joined() + summary, results: .array(results))
        try report.print(self.outputOptions.format)
        // A scenario that could not run is unusable input (2), which outranks a failed gate (1).
        if !runErrors.isEmpty { throw ExitCode.invalidInput }
        if failed > 0 { throw ExitCode.checkFailed }
    }
}

extension Simulate {
    /// One scenario's line of the summary, as `--format json` lists it under `results`.
    static func json(_ result: ScenarioResult, directory: String?) -> JSONValue {
        let m = result.metrics
        var object: [String: JSONValue] = [
            "scenario": .string(result.scenario), "signals": .integer(Int64(m.signals)),
            "decisions": .integer(Int64(m.decisions)), "orders": .integer(Int64(m.orders)),
            "fills": .integer(Int64(m.fills)), "net_pnl_usd": .decimal(m.netPnL), "costs_usd": .decimal(m.costs),
            "events": .object([
                "xxh3_128": .string(result.eventsHash.description), "lines": .integer(Int64(result.eventCount)),
            ]),
            "metrics": .object(["xxh3_128": .string(result.metricsHash.description)]),
            "failed_gates": .array(result.failedGates.map { .string($0) }),
        ]
        if let directory { object["out"] = .string(directory) }
        return .object(object)
    }
}

/// The compiled plan and the resolved scenarios of a spec tree; prints diagnostics and exits 2 when unusable.
struct ScenarioSelection {
    /// The diagnostic for a run that stopped: at the file at fault (a damaged dataset, an output that cannot be
    /// written), else at the scenario's document.
    static func diagnostic(for error: any Error, scenario: String, at span: SourceSpan) -> Diagnostic {
        switch error {
        case let error as SimulationError:
            return Diagnostic(
                error.code, "scenario \(scenario) stopped: \(error.message)", at: error.path.map { .file($0) } ?? span)
        case let failure as FileSystem.Failure:
            return Diagnostic(
                .unreadableInput, "scenario \(scenario) stopped: cannot write: \(failure.reason)", at: .file(failure.path))
        default:
            return Diagnostic(.scenarioNotRunnable, "scenario \(scenario) stopped: \(error)", at: span)
        }
    }

    var tree: SpecTree
    var plan: ExecutionPlan
    var runs: [(document: SpecDocument, run: ScenarioRun)] = []

    init(paths: [String], names: [String], format: DiagnosticFormat) throws {
        let pipeline = SpecPipeline(paths: paths)
        self.plan = try pipeline.requireCompiled().plan
        self.tree = pipeline.tree
        let scenarios = self.tree.documents(of: .scenario).sorted { $0.name.rawValue.utf8Precedes($1.name.rawValue) }
        var problems: [Diagnostic] = []
        for name in names where !scenarios.contains(where: { $0.name.rawValue == name }) {
            let known = scenarios.map(\.name.rawValue).joined(separator: ", ")
            problems.append(
                Diagnostic(
                    .scenarioNotFound, "no scenario named '\(name)' in \(paths.joined(separator: " "))",
                    at: .file(paths.first ?? "specs"), notes: ["scenarios: \(known.isEmpty ? "none" : known)"]))
        }
        for document in scenarios where names.isEmpty || names.contains(document.name.rawValue) {
            switch ScenarioResolver.resolve(document, in: self.tree) {
            case .success(let run): self.runs.append((document, run))
            case .failure(let diagnostic): problems.append(diagnostic)
            }
        }
        if self.runs.isEmpty && problems.isEmpty {
            problems.append(
                Diagnostic(.scenarioNotFound, "the spec tree has no Scenario documents", at: .file(paths.first ?? "specs")))
        }
        guard problems.isEmpty else {
            try Self.stop(problems, self.tree, "not simulated: \(plural(problems.count, "error"))", format)
        }
    }

    /// Prints `problems` (errors that make the input unusable) with `summaryLine` and exits 2.
    static func stop(_ problems: [Diagnostic], _ tree: SpecTree, _ summaryLine: String, _ format: DiagnosticFormat)
        throws -> Never
    {
        try DiagnosticReport(
            diagnostics: problems, sources: tree.sources, summary: [("errors", problems.count)], summaryLine: summaryLine
        ).print(format)
        throw ExitCode.invalidInput
    }
}
