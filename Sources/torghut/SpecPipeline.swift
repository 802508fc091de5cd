import ArgumentParser
import Runtime
import SpecCompiler
import SpecModel

/// Load, validate and (when the specs are structurally valid) compile, as every spec-reading command does.
struct SpecPipeline {
    var tree: SpecTree
    var compiled: PlanCompiler.Output?

    init(paths: [String]) {
        (self.tree, self.compiled) = SpecTreeLoader().loadAndCompile(paths: paths, features: .catalog)
    }

    var errors: Int { self.tree.diagnostics.count { $0.severity == .error } }
    var warnings: Int { self.tree.diagnostics.count { $0.severity == .warning } }

    func report(summaryLine: String) -> DiagnosticReport {
        DiagnosticReport(
            diagnostics: self.tree.diagnostics, sources: self.tree.sources,
            summary: [
                ("documents", self.tree.documents.count), ("files", self.tree.files.count), ("errors", self.errors),
                ("warnings", self.warnings),
            ],
            summaryLine: summaryLine)
    }

    /// The compiled plan, or — when any spec is invalid — the diagnostics printed with a "not compiled" summary and
    /// exit status 2.
    func requireCompiled() throws -> PlanCompiler.Output {
        guard self.errors == 0, let compiled = self.compiled else {
            try self.report(
                summaryLine: "not compiled: \(self.counts), \(plural(self.errors, "error")), "
                    + plural(self.warnings, "warning")
            ).print(.text)
            throw ExitCode.invalidInput
        }
        return compiled
    }

    var counts: String {
        "\(plural(self.tree.documents.count, "document")) in \(plural(self.tree.files.count, "file"))"
    }
}
