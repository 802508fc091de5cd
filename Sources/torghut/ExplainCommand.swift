import ArgumentParser
import SpecCompiler
import SpecModel

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a spec tree compiles to: features, rules after defaults, sizing, risk chain, hash.",
        discussion: "Reading a written plan.json is not supported yet; pass the spec directory.")

    @Argument(help: "Spec directories or files.")
    var paths: [String] = ["specs"]

    @Option(help: "Only this strategy id.")
    var strategy: String?

    func validate() throws {
        if let strategy, Identifier(strategy) == nil {
            throw ValidationError("'\(strategy)' is not a strategy identifier")
        }
    }

    func run() throws {
        let pipeline = SpecPipeline(paths: self.paths)
        guard pipeline.errors == 0, let compiled = pipeline.compiled else {
            try pipeline.report(
                summaryLine: "not compiled: \(pipeline.counts), \(plural(pipeline.errors, "error")), "
                    + plural(pipeline.warnings, "warning")
            ).print(.text)
            throw ExitCode.invalidInput
        }
        let selected = self.strategy.flatMap(Identifier.init)
        if let selected, !compiled.plan.strategies.contains(where: { $0.id == selected }) {
            let known = compiled.plan.strategies.map(\.id.rawValue).joined(separator: ", ")
            print("error: no strategy '\(selected)' in the plan (strategies: \(known))")
            throw ExitCode.invalidInput
        }
        print(PlanExplanation.render(compiled, documents: pipeline.tree.documents, strategy: selected), terminator: "")
    }
}
