import ArgumentParser
import SpecCompiler
import SpecModel

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and validate every spec under the given directories or files.",
        discussion: "Exits 0 when every document is valid (warnings allowed), 2 when any is not.")

    @Argument(help: "Spec directories or files.")
    var paths: [String] = ["specs"]

    @OptionGroup var output: OutputOptions

    func run() throws {
        let tree = SpecTreeLoader().load(paths: self.paths)
        let errors = tree.diagnostics.count { $0.severity == .error }
        let warnings = tree.diagnostics.count { $0.severity == .warning }
        let counts = "\(plural(tree.documents.count, "document")) in \(plural(tree.files.count, "file"))"
        let report = DiagnosticReport(
            diagnostics: tree.diagnostics, sources: tree.sources,
            summary: [
                ("documents", tree.documents.count), ("files", tree.files.count), ("errors", errors),
                ("warnings", warnings),
            ],
            summaryLine: "\(errors == 0 ? "valid" : "invalid"): \(counts), \(plural(errors, "error")), "
                + plural(warnings, "warning"))
        try report.print(self.output.format)
        if errors > 0 { throw ExitCode.invalidInput }
    }
}
