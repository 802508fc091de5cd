import ArgumentParser
import Runtime
import Simulator
import SpecCompiler
import SpecModel

struct Golden: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify or refresh the golden files of every scenario.",
        subcommands: [GoldenVerify.self, GoldenUpdate.self])
}

/// Options shared by `golden verify` and `golden update`.
struct GoldenOptions: ParsableArguments {
    @Argument(help: "Spec tree (directories or files).")
    var paths: [String] = ["specs"]

    @Option(help: "Golden directory (default: Tests/Golden beside the first spec path).")
    var goldenDir: String?

    var directory: String {
        if let goldenDir = self.goldenDir { return goldenDir }
        var parts = (self.paths.first ?? "specs").split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while parts.count > 1 && parts.last == "" { parts.removeLast() }
        parts.removeLast()
        if parts.isEmpty { return "Tests/Golden" }
        let parent = parts.joined(separator: "/")
        return FileSystem.join(parent.isEmpty ? "/" : parent, "Tests/Golden")
    }

    /// Runs every scenario of the tree and renders its golden file. A scenario that cannot run (damaged data) is
    /// reported with the others' diagnostics and exits 2: nothing is verified or written.
    func goldens(format: DiagnosticFormat) throws -> (ScenarioSelection, [(name: String, golden: GoldenFile)]) {
        let selection = try ScenarioSelection(paths: self.paths, names: [], format: format)
        var goldens: [(String, GoldenFile)] = []
        var problems: [Diagnostic] = []
        for (document, run) in selection.runs {
            do {
                goldens.append((run.name, GoldenFile(try ScenarioRunner.run(run, plan: selection.plan))))
            } catch {
                problems.append(ScenarioSelection.diagnostic(for: error, scenario: run.name, at: document.span))
            }
        }
        guard problems.isEmpty else {
            try ScenarioSelection.stop(
                problems, selection.tree, "golden: \(plural(problems.count, "scenario")) could not run", format)
        }
        return (selection, goldens)
    }
}

struct GoldenVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run every scenario and compare with its golden file (exit 1 on any difference).")

    @OptionGroup var options: GoldenOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let (_, goldens) = try self.options.goldens(format: self.outputOptions.format)
        var diagnostics: [Diagnostic] = []
        var malformed = false
        for (name, actual) in goldens {
            let path = FileSystem.join(self.options.directory, "\(name).golden")
            guard case .success(let bytes) = FileSystem.read(path, limit: 64 << 20), FileSystem.type(of: path) == .file
            else {
                diagnostics.append(
                    Diagnostic(
                        .goldenMissing, "scenario \(name) has no golden file", at: .file(path),
                        notes: ["run `torghut golden update`, review the new file and commit it"]))
                continue
            }
            switch GoldenFile.parse(String(decoding: bytes, as: UTF8.self)) {
            case .failure(let error):
                malformed = true
                diagnostics.append(
                    Diagnostic(
                        .goldenMalformed, "cannot read this golden file",
                        at: SourceSpan(file: path, start: SourceLocation(line: error.line, column: 1))))
            case .success(let expected):
                let differences = actual.differences(from: expected)
                if !differences.isEmpty {
                    diagnostics.append(
                        Diagnostic(
                            .goldenMismatch, "scenario \(name) no longer reproduces its golden file", at: .file(path),
                            notes: differences))
                }
            }
        }
        let failed = diagnostics.count
        try DiagnosticReport(
            diagnostics: diagnostics, sources: [:],
            summary: [("scenarios", goldens.count), ("failed", failed)],
            summaryLine: failed == 0
                ? "golden: \(plural(goldens.count, "scenario")) verified"
                : "golden: \(failed) of \(plural(goldens.count, "scenario")) failed"
        ).print(self.outputOptions.format)
        if malformed { throw ExitCode.invalidInput }
        if failed > 0 { throw ExitCode.checkFailed }
    }
}

struct GoldenUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Run every scenario and rewrite its golden file (never in CI).")

    @OptionGroup var options: GoldenOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let (_, goldens) = try self.options.goldens(format: self.outputOptions.format)
        if case .failure(let failure) = FileSystem.makeDirectories(self.options.directory) {
            print("\(failure.path): error: cannot create: \(failure.reason)")
            throw ExitCode.invalidInput
        }
        var changed: [String] = []
        for (name, golden) in goldens {
            let path = FileSystem.join(self.options.directory, "\(name).golden")
            let text = golden.render()
            let old = try? FileSystem.read(path, limit: 64 << 20).get()
            guard old != Array(text.utf8) else { continue }
            if case .failure(let failure) = FileSystem.write(path, Array(text.utf8)) {
                print("\(failure.path): error: cannot write: \(failure.reason)")
                throw ExitCode.invalidInput
            }
            changed.append(path)
        }
        for path in changed { print("updated \(path)") }
        print("golden: \(plural(goldens.count, "scenario")), \(changed.count) updated")
    }
}
