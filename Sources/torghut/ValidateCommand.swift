import ArgumentParser
import SpecCompiler
import SpecModel

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and validate every spec under the given directories or files.",
        discussion: """
            Structure is checked first (SPEC codes); once every document is structurally valid, the compiler's \
            checks run too (PLAN codes: expression names and types). Exits 0 when every document is valid \
            (warnings allowed), 2 when any is not.
            """)

    @Argument(help: "Spec directories or files.")
    var paths: [String] = ["specs"]

    @OptionGroup var output: OutputOptions

    func run() throws {
        let pipeline = SpecPipeline(paths: self.paths)
        let status = pipeline.errors == 0 ? "valid" : "invalid"
        try pipeline.report(
            summaryLine: "\(status): \(pipeline.counts), \(plural(pipeline.errors, "error")), "
                + plural(pipeline.warnings, "warning")
        ).print(self.output.format)
        if pipeline.errors > 0 { throw ExitCode.invalidInput }
    }
}
