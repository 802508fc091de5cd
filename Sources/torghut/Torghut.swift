import ArgumentParser

@main
struct Torghut: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torghut",
        abstract: "Declarative, config-driven intraday trading engine.",
        discussion: """
            Exit status: 0 all good; 1 the input is valid but a check failed; 2 an input file is invalid or \
            unusable; 64 command-line usage error.
            """,
        version: "0.1.0",
        subcommands: [
            Validate.self, Schema.self, Compile.self, Explain.self, Import.self, TA.self, Dataset.self, Simulate.self,
            Golden.self,
        ])
}
