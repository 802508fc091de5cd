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

    var counts: String {
        "\(plural(self.tree.documents.count, "document")) in \(plural(self.tree.files.count, "file"))"
    }
}
