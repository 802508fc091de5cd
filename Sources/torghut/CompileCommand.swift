import ArgumentParser
import SpecCompiler
import SpecModel

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile a spec tree into one execution plan and print its hash.",
        discussion: """
            Writes the plan (canonical JSON with its XXH3-128 hash) to the output file and the source map (plan \
            path → file:line:column) beside it as <output minus .json>.sourcemap.json. The hash covers behaviour only: \
            comments, formatting, key order, descriptions and value names never change it. Standard output is the hash \
            alone; warnings go to standard error.
            """)

    @Argument(help: "Spec directories or files.")
    var paths: [String] = ["specs"]

    @Option(name: .shortAndLong, help: "Where to write the plan.")
    var output: String = "plan.json"

    func run() throws {
        let pipeline = SpecPipeline(paths: self.paths)
        let compiled = try pipeline.requireCompiled()
        if !pipeline.tree.diagnostics.isEmpty {
            // Warnings go to standard error so standard output is the hash alone, for scripts.
            try pipeline.report(summaryLine: "compiled with \(plural(pipeline.warnings, "warning"))").print(.text, to: .standardError)
        }
        let planText = try JSONWriter.pretty(compiled.plan.document)
        let mapPath = (self.output.hasSuffix(".json") ? String(self.output.dropLast(5)) : self.output) + ".sourcemap.json"
        // The source map first: a written plan always has its map beside it.
        for (path, text) in [(mapPath, try JSONWriter.pretty(compiled.sourceMapValue)), (self.output, planText)] {
            if case .failure(let failure) = FileSystem.write(path, Array(text.utf8)) {
                print("\(path): error: cannot write: \(failure.reason)")
                throw ExitCode.invalidInput
            }
        }
        print(compiled.plan.hash.description)
    }
}
