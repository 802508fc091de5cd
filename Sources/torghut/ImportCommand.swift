import ArgumentParser
import SpecCompiler
import SpecModel

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert configuration from the original Torghut into specs.",
        subcommands: [ImportTorghutCatalog.self, ImportTorghutSimulation.self])
}

struct ImportTorghutCatalog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torghut-catalog",
        abstract: "Convert a Torghut strategy catalog (the torghut-strategy-config ConfigMap) into Strategy specs.",
        discussion: """
            Each catalog entry is matched by strategy_type to the family spec whose spec.family names it (the \
            templates, by default specs/strategies); the template is copied with the entry's id, enabled flag, \
            symbols, notional and params written over its values. Params the family spec does not define are \
            dropped with a warning; fractions of equity above 1 are warned (SPEC027). Writes DIR/strategies/*.yaml.
            """)

    @Argument(help: "The ConfigMap or catalog file.")
    var file: String

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String

    @Option(help: "Directory of family specs used as templates.")
    var templates: String = "specs/strategies"

    @Flag(help: "Write parity: torghut into every spec (Torghut's fixed UTC session clock and VWAP price).")
    var torghutParity = false

    func run() throws {
        var importer = CatalogImporter(templateDirectory: self.templates)
        if self.torghutParity { importer.parity = "torghut" }
        guard case .success(let bytes) = FileSystem.read(self.file, limit: 16 << 20) else {
            print("\(self.file): error[SPEC008]: cannot read the catalog")
            throw ExitCode.invalidInput
        }
        let result = importer.importCatalog(SourceFile(path: self.file, bytes: bytes))
        let renderer = DiagnosticRenderer(sources: [self.file: SourceFile(path: self.file, bytes: bytes)])
        var out = ""
        for diagnostic in importer.templateDiagnostics + result.diagnostics { out += renderer.text(diagnostic) }
        let errors = (importer.templateDiagnostics + result.diagnostics).count { $0.severity == .error }
        let directory = FileSystem.join(self.output, "strategies")
        if errors == 0 {
            if case .failure(let failure) = FileSystem.makeDirectories(directory) {
                print("\(failure.path): error: cannot create: \(failure.reason)")
                throw ExitCode.invalidInput
            }
            for (name, text) in result.files {
                if case .failure(let failure) = FileSystem.write(FileSystem.join(directory, name), Array(text.utf8)) {
                    print("\(failure.path): error: cannot write: \(failure.reason)")
                    throw ExitCode.invalidInput
                }
            }
        }
        let warnings = (importer.templateDiagnostics + result.diagnostics).count { $0.severity == .warning }
        out += errors == 0
            ? "imported \(plural(result.files.count, "strategy", "strategies")) into \(directory), \(plural(warnings, "warning"))\n"
            : "not imported: \(plural(errors, "error")), \(plural(warnings, "warning"))\n"
        print(out, terminator: "")
        if errors > 0 { throw ExitCode.invalidInput }
    }
}

struct ImportTorghutSimulation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torghut-simulation",
        abstract: "Convert Torghut historical-simulation manifests into Scenario specs on synthetic stand-in data.",
        discussion: """
            Each equity manifest becomes DIR/scenarios/<name>.yaml, named after its dataset_id: the trading day and \
            window (UTC, converted to minutes after the New York open), gates from monitor.min_trade_decisions \
            (decisions) and monitor.min_executions (orders), costs from reporting, and origin. Its ClickHouse dump \
            does not exist here, so the scenario is marked synthetic: true and runs a seeded trend_day generator \
            (seed from the dataset_id). Thresholds without a one-to-one metric are warned about; options manifests \
            are skipped with a warning; a manifest giving the same scenario as an earlier one is skipped.
            """)

    @Argument(help: "The manifest files (services/torghut/config/simulation/*.yaml).")
    var files: [String]

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String

    @Option(help: "The Universe the scenarios trade.")
    var universe: String = "us-equities"

    @Option(help: "Cash at the start of every scenario (USD).")
    var startingCashUsd: String = "100000"

    func validate() throws {
        guard Identifier(self.universe) != nil else {
            throw ValidationError("'\(self.universe)' is not a valid identifier for --universe")
        }
        guard let cash = Decimal(self.startingCashUsd), cash > .zero else {
            throw ValidationError("--starting-cash-usd must be a positive decimal, found '\(self.startingCashUsd)'")
        }
    }

    func run() throws {
        let importer = SimulationManifestImporter(
            universe: Identifier(self.universe)!, startingCashUSD: Decimal(self.startingCashUsd)!)
        var sources: [String: SourceFile] = [:]
        var manifests: [SourceFile] = []
        var out = ""
        var unreadable = 0
        for path in self.files {
            guard case .success(let bytes) = FileSystem.read(path, limit: 4 << 20) else {
                out += "\(path): error[SPEC008]: cannot read the manifest\n"
                unreadable += 1
                continue
            }
            let file = SourceFile(path: path, bytes: bytes)
            sources[path] = file
            manifests.append(file)
        }
        let result = importer.importManifests(manifests)
        let renderer = DiagnosticRenderer(sources: sources)
        for diagnostic in result.diagnostics { out += renderer.text(diagnostic) }
        let errors = unreadable + result.diagnostics.count { $0.severity == .error }
        let warnings = result.diagnostics.count { $0.severity == .warning }
        let directory = FileSystem.join(self.output, "scenarios")
        if errors == 0, !result.files.isEmpty {
            if case .failure(let failure) = FileSystem.makeDirectories(directory) {
                print(out + "\(failure.path): error: cannot create: \(failure.reason)")
                throw ExitCode.invalidInput
            }
            for (name, text) in result.files {
                if case .failure(let failure) = FileSystem.write(FileSystem.join(directory, name), Array(text.utf8)) {
                    print(out + "\(failure.path): error: cannot write: \(failure.reason)")
                    throw ExitCode.invalidInput
                }
            }
        }
        out += errors == 0
            ? "imported \(plural(result.files.count, "scenario")) into \(directory), \(plural(warnings, "warning"))\n"
            : "not imported: \(plural(errors, "error")), \(plural(warnings, "warning"))\n"
        print(out, terminator: "")
        if errors > 0 { throw ExitCode.invalidInput }
    }
}
