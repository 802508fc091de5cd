import ArgumentParser
import SpecCompiler
import SpecModel

extension DiagnosticFormat: ExpressibleByArgument {}

/// `--format`, shared by every checking command.
struct OutputOptions: ParsableArguments {
    @Option(help: "Diagnostic format: text, json, github (workflow annotations) or sarif.")
    var format: DiagnosticFormat = .text
}

/// Prints a checking command's diagnostics and summary in the chosen format.
struct DiagnosticReport {
    var diagnostics: [Diagnostic]
    var sources: [String: SourceFile]
    var summary: [(String, Int)]
    var summaryLine: String

    func print(_ format: DiagnosticFormat) throws {
        let renderer = DiagnosticRenderer(sources: self.sources)
        var out = ""
        switch format {
        case .text:
            for diagnostic in self.diagnostics { out += renderer.text(diagnostic) }
            out += self.summaryLine + "\n"
        case .github:
            for diagnostic in self.diagnostics { out += renderer.github(diagnostic) }
            out += self.summaryLine + "\n"
        case .json:
            var summary: [String: JSONValue] = [:]
            for (key, value) in self.summary { summary[key] = .integer(Int64(value)) }
            out = try JSONWriter.pretty(
                .object([
                    "diagnostics": .array(self.diagnostics.map(renderer.jsonValue)), "summary": .object(summary),
                ]))
        case .sarif:
            out = try JSONWriter.pretty(renderer.sarif(self.diagnostics))
        }
        Swift.print(out, terminator: "")
    }
}

func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
