import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
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
    var excerpts: [String: [Int: String]] = [:]
    var summary: [(String, Int)]
    var summaryLine: String
    /// What the command produced, for `--format json` (`results`), e.g. each scenario's hashes and metrics.
    var results: JSONValue? = nil

    enum Stream {
        case standardOutput
        case standardError
    }

    func print(_ format: DiagnosticFormat, to stream: Stream = .standardOutput) throws {
        let renderer = DiagnosticRenderer(sources: self.sources, excerpts: self.excerpts)
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
            var object: [String: JSONValue] = [
                "diagnostics": .array(self.diagnostics.map(renderer.jsonValue)), "summary": .object(summary),
            ]
            if let results = self.results { object["results"] = results }
            out = try JSONWriter.pretty(.object(object))
        case .sarif:
            out = try JSONWriter.pretty(renderer.sarif(self.diagnostics))
        }
        switch stream {
        case .standardOutput: Swift.print(out, terminator: "")
        // FileHandle would pull in Foundation; write(2) to descriptor 2 is all that is needed.
        case .standardError: _ = out.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        }
    }
}

func plural(_ count: Int, _ noun: String, _ pluralForm: String? = nil) -> String {
    "\(count) \(count == 1 ? noun : (pluralForm ?? noun + "s"))"
}
