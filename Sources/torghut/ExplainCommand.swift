import ArgumentParser
import SpecCompiler
import SpecModel

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a plan does: features, rules after defaults, sizing, overlays, risk chain, hash.",
        discussion: """
            Takes a spec tree (compiled on the fly) or a plan.json written by compile; a plan's source map is read \
            from <plan minus .json>.sourcemap.json beside it when present. A plan whose content no longer matches \
            its hash is refused (PLAN008).
            """)

    @Argument(help: "A plan.json, or spec directories or files.")
    var paths: [String] = ["specs"]

    @Option(help: "Only this strategy id.")
    var strategy: String?

    func validate() throws {
        if let strategy, Identifier(strategy) == nil {
            throw ValidationError("'\(strategy)' is not a strategy identifier")
        }
    }

    func run() throws {
        let plan: ExecutionPlan
        var locations: [String: String] = [:]
        if self.paths.count == 1, self.paths[0].hasSuffix(".json") {
            switch PlanDecoder.load(path: self.paths[0]) {
            case .failure(let failure):
                print(DiagnosticRenderer().text(failure.diagnostic), terminator: "")
                throw ExitCode.invalidInput
            case .success(let loaded):
                plan = loaded
            }
            let mapPath = String(self.paths[0].dropLast(5)) + ".sourcemap.json"
            if FileSystem.type(of: mapPath) == .file, case .success(let map) = SourceMapReader.load(path: mapPath) {
                locations = map
            }
        } else {
            let pipeline = SpecPipeline(paths: self.paths)
            let compiled = try pipeline.requireCompiled()
            plan = compiled.plan
            locations = Dictionary(compiled.sourceMap.map { ($0.path, $0.location) }, uniquingKeysWith: { a, _ in a })
        }
        let selected = self.strategy.flatMap(Identifier.init)
        if let selected, !plan.strategies.contains(where: { $0.id == selected }) {
            let known = plan.strategies.map(\.id.rawValue).joined(separator: ", ")
            print("error: no strategy '\(selected)' in the plan (strategies: \(known))")
            throw ExitCode.invalidInput
        }
        print(PlanExplanation.render(plan, locations: locations, strategy: selected), terminator: "")
    }
}
