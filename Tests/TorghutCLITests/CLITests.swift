import Foundation
import Testing

/// Runs the built `torghut` binary as a user would and compares stdout and exit status exactly.
struct CLI {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The binary sits beside the test bundle in SwiftPM's build folder.
    static let binary: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("torghut")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], in directory: URL = root) throws -> Result {
        let process = Process()
        process.executableURL = self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("Tests/Fixtures/bad-specs/\(name)"), encoding: .utf8)
    }
}

@Suite struct ValidateCommandTests {
    @Test func bundledSpecsAreValid() throws {
        let result = try CLI.run(["validate", "specs"])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("valid: 15 documents in 15 files, 0 errors, 4 warnings\n"))
        #expect(result.stdout.components(separatedBy: "warning[SPEC027]").count == 5)
    }

    @Test func defaultDirectoryIsSpecs() throws {
        let result = try CLI.run(["validate"])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("valid: 15 documents in 15 files, 0 errors, 4 warnings\n"))
    }

    @Test func unknownKeyExitsTwoWithTheExactDiagnostic() throws {
        let path = "Tests/Fixtures/bad-specs/SPEC012-unknown-key.yaml"
        let result = try CLI.run(["validate", path])
        #expect(result.status == 2)
        let expected = try CLI.fixture("SPEC012-unknown-key.expected")
        #expect(result.stdout == expected + "invalid: 2 documents in 1 file, 1 error, 0 warnings\n")
        #expect(result.stdout.hasPrefix("\(path):10:5: error[SPEC012]: unknown key 'max_notionl_per_trade_usd'"))
    }

    @Test func jsonFormatCarriesCodeAndPosition() throws {
        let result = try CLI.run(["validate", "--format", "json", "Tests/Fixtures/bad-specs/SPEC015-negative-notional.yaml"])
        #expect(result.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let diagnostics = object?["diagnostics"] as? [[String: Any]]
        #expect(diagnostics?.count == 1)
        #expect(diagnostics?.first?["code"] as? String == "SPEC015")
        #expect(diagnostics?.first?["line"] as? Int == 10)
        #expect(diagnostics?.first?["column"] as? Int == 33)
        let summary = object?["summary"] as? [String: Int]
        #expect(summary == ["documents": 2, "files": 1, "errors": 1, "warnings": 0])
    }

    @Test func githubFormatAnnotatesTheLine() throws {
        let result = try CLI.run(["validate", "--format", "github", "Tests/Fixtures/bad-specs/SPEC023-empty-universe.yaml"])
        #expect(result.status == 2)
        #expect(
            result.stdout == "::error file=Tests/Fixtures/bad-specs/SPEC023-empty-universe.yaml,line=6,col=12,"
                + "endColumn=14,title=SPEC023 empty list::'symbols' must list at least one entry\n"
                + "invalid: 1 document in 1 file, 1 error, 0 warnings\n")
    }

    @Test func sarifFormatIsValidSarif() throws {
        let result = try CLI.run(["validate", "--format", "sarif", "Tests/Fixtures/bad-specs/SPEC022-lowercase-symbol.yaml"])
        #expect(result.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["version"] as? String == "2.1.0")
        let run = (object?["runs"] as? [[String: Any]])?.first
        #expect(run?["columnKind"] as? String == "unicodeCodePoints")
        let region = (((run?["results"] as? [[String: Any]])?.first?["locations"] as? [[String: Any]])?.first?[
            "physicalLocation"] as? [String: Any])?["region"] as? [String: Int]
        #expect(region == ["startLine": 6, "startColumn": 19, "endColumn": 23])
    }

    @Test func warningsAloneExitZero() throws {
        let result = try CLI.run(["validate", "Tests/Fixtures/bad-specs/SPEC027-fraction-above-one.yaml"])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("valid: 2 documents in 1 file, 0 errors, 1 warning\n"))
    }

    @Test func hostileInputsExitTwo() throws {
        for (name, code) in [
            ("SPEC004-alias-bomb.yaml", "SPEC004"), ("SPEC005-deep-nesting.yaml", "SPEC005"),
            ("SPEC002-tab-indentation.yaml", "SPEC002"), ("SPEC001-unclosed-flow-list.yaml", "SPEC001"),
        ] {
            let result = try CLI.run(["validate", "Tests/Fixtures/bad-specs/\(name)"])
            #expect(result.status == 2, "\(name)")
            #expect(result.stdout.contains("error[\(code)]"), "\(name)")
        }
    }

    @Test func missingPathExitsTwo() throws {
        let result = try CLI.run(["validate", "no/such/dir"])
        #expect(result.status == 2)
        #expect(result.stdout == "no/such/dir: error[SPEC008]: no such file or directory\n"
            + "invalid: 0 documents in 0 files, 1 error, 0 warnings\n")
    }

    @Test func badFormatIsAUsageError() throws {
        let result = try CLI.run(["validate", "--format", "xml", "specs"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("xml"))
    }

    /// Dictionary order is seeded per process, so determinism is checked across processes.
    @Test func outputIsIdenticalAcrossProcesses() throws {
        for format in ["text", "json", "sarif", "github"] {
            let first = try CLI.run(["validate", "--format", format, "specs", "Tests/Fixtures/bad-specs"])
            let second = try CLI.run(["validate", "--format", format, "specs", "Tests/Fixtures/bad-specs"])
            #expect(first.status == 2)
            #expect(first.stdout == second.stdout, "\(format)")
        }
    }
}

@Suite struct SchemaCommandTests {
    @Test func riskPolicySchemaDescribesTheKind() throws {
        let result = try CLI.run(["schema", "RiskPolicy"])
        #expect(result.status == 0)
        let schema = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(schema?["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
        #expect(schema?["additionalProperties"] as? Bool == false)
        #expect(Set(schema?["required"] as? [String] ?? []) == ["apiVersion", "kind", "metadata", "spec"])
        let properties = schema?["properties"] as? [String: Any]
        #expect((properties?["kind"] as? [String: Any])?["const"] as? String == "RiskPolicy")
        let spec = properties?["spec"] as? [String: Any]
        let limits = (spec?["properties"] as? [String: Any])?["limits"] as? [String: Any]
        let limitKeys = Set(((limits?["properties"] as? [String: Any]) ?? [:]).keys)
        #expect(limitKeys.contains("max_notional_per_trade_usd"))
        #expect(limitKeys.count == 21)
        let notional = (limits?["properties"] as? [String: Any])?["max_notional_per_trade_usd"] as? [String: Any]
        #expect(notional?["type"] as? String == "number")
        #expect(notional?["minimum"] as? Int == 0)
    }

    @Test func universeSchemaRequiresSymbols() throws {
        let result = try CLI.run(["schema", "Universe"])
        #expect(result.status == 0)
        let schema = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let spec = (schema?["properties"] as? [String: Any])?["spec"] as? [String: Any]
        #expect(spec?["required"] as? [String] == ["symbols"])
        let symbols = (spec?["properties"] as? [String: Any])?["symbols"] as? [String: Any]
        #expect(symbols?["minItems"] as? Int == 1)
        #expect(symbols?["uniqueItems"] as? Bool == true)
    }

    @Test func schemaIsIdenticalAcrossProcesses() throws {
        #expect(try CLI.run(["schema", "RiskPolicy"]).stdout == CLI.run(["schema", "RiskPolicy"]).stdout)
    }

    @Test func scenarioSchemaDescribesSourcesGatesAndDefaults() throws {
        let result = try CLI.run(["schema", "Scenario"])
        #expect(result.status == 0)
        let schema = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let spec = (schema?["properties"] as? [String: Any])?["spec"] as? [String: Any]
        #expect(Set(spec?["required"] as? [String] ?? []) == ["universe", "session", "source", "account"])
        let properties = spec?["properties"] as? [String: Any]
        let source = properties?["source"] as? [String: Any]
        #expect((source?["oneOf"] as? [[String: [String]]]) == [["required": ["generator"]], ["required": ["dataset"]]])
        let generator = ((source?["properties"] as? [String: Any])?["generator"] as? [String: Any])?["properties"]
            as? [String: Any]
        #expect((generator?["kind"] as? [String: Any])?["enum"] as? [String] == ["trend_day", "mean_reverting_day"])
        #expect((generator?["drift_fraction"] as? [String: Any])?["default"] as? Double == 0.02)
        let session = (properties?["session"] as? [String: Any])?["properties"] as? [String: Any]
        #expect((session?["minutes"] as? [String: Any])?["maximum"] as? Int == 390)
        #expect((session?["date"] as? [String: Any])?["pattern"] as? String == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        let gate = (properties?["gates"] as? [String: Any])?["items"] as? [String: Any]
        let metric = (gate?["properties"] as? [String: Any])?["metric"] as? [String: Any]
        #expect((metric?["enum"] as? [String])?.count == 18)
        #expect((gate?["anyOf"] as? [[String: [String]]]) == [["required": ["min"]], ["required": ["max"]]])
    }

    @Test func unknownKindIsAUsageError() throws {
        let result = try CLI.run(["schema", "GuardrailPolicy"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Universe"))
    }
}

/// Output quoted in the docs is real: the quoted `torghut validate specs` run must match the binary.
@Suite struct DocumentedOutputTests {
    @Test func riskPolicyReferenceQuotesTheRealValidateOutput() throws {
        let doc = try String(
            contentsOf: CLI.root.appendingPathComponent("docs/spec-reference/risk-policy.md"), encoding: .utf8)
        let marker = "$ torghut validate specs\n"
        let start = try #require(doc.range(of: marker)).upperBound
        let end = try #require(doc.range(of: "```", range: start..<doc.endIndex)).lowerBound
        #expect(String(doc[start..<end]) == (try CLI.run(["validate", "specs"]).stdout))
    }

    @Test func readmeQuotesTheRealFirstWarning() throws {
        let readme = try String(contentsOf: CLI.root.appendingPathComponent("README.md"), encoding: .utf8)
        let output = try CLI.run(["validate", "specs"]).stdout
        let firstFour = output.split(separator: "\n", omittingEmptySubsequences: false).prefix(4).joined(separator: "\n")
        #expect(readme.contains(firstFour + "\n...\nvalid: 15 documents in 15 files, 0 errors, 4 warnings\n"))
    }
}
