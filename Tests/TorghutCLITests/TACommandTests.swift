import Foundation
import Testing

/// `torghut ta` as a user runs it: output file, summary on stderr, diagnostics with positions, nothing written on
/// errors, two processes giving the same bytes.
@Suite struct TACommandTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-ta-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let inputs = ["Tests/Fixtures/ta/trades.jsonl", "Tests/Fixtures/ta/bars.csv"]

    @Test func writesSignalsAndSummarizes() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("signals.jsonl").path
        let result = try CLI.run(["ta", "--in"] + Self.inputs + ["--out", out])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "1577 signals from 3763 trades, 683 quotes, 711 bars\n")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1577)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["symbol"] as? String == "SPY" && first?["seq"] as? Int == 1 && first?["source"] as? String == "ta")
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
        // A second process writes the same bytes (no Dictionary order, clock or randomness in the output).
        let again = directory.appendingPathComponent("again.jsonl").path
        #expect(try CLI.run(["ta", "--in"] + Self.inputs + ["--out", again]).status == 0)
        #expect(FileManager.default.contents(atPath: out) == FileManager.default.contents(atPath: again))
    }

    @Test func parityAndStandardOutput() throws {
        let result = try CLI.run(["ta", "--in", "Tests/Fixtures/ta/bars.csv", "--out", "-", "--torghut-parity"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 711)
        #expect(lines.allSatisfy { $0.contains(#""timeframe":"1Min""#) })
        #expect(result.stderr == "711 signals from 0 trades, 0 quotes, 711 bars\n")
    }

    @Test func badLinesAreAllReportedAndNothingIsWritten() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("trades.jsonl")
        try """
            {"channel":"trades","symbol":"NVDA","payload":{"p":1,"s":1,"t":"2026-03-06T14:30:00Z"}}
            {"channel":"trades","symbol":"NVDA","payload":{"p":0,"s":1,"t":"2026-03-06T14:30:00Z"}}
            {"channel":"status","symbol":"NVDA","payload":{"status":"healthy"}}
            {"channel":"trades","symbol":"Ünï","payload":{"p":1,"s":1,"t":"2026-03-06 14:30"}}
            {"channel":"trades",

            """.write(to: input, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("signals.jsonl").path
        try "previous".write(toFile: out, atomically: true, encoding: .utf8)
        let result = try CLI.run(["ta", "--in", input.path, "--out", out])
        #expect(result.status == 2)
        let path = input.path
        #expect(result.stderr == """
            \(path):2:52: error[DATA003]: `p` must be a positive price, not 0.0
            2 | {"channel":"trades","symbol":"NVDA","payload":{"p":0,"s":1,"t":"2026-03-06T14:30:00Z"}}
              |                                                    ^
            \(path):3:1: warning[DATA004]: `status` records carry no market data; skipped
            3 | {"channel":"status","symbol":"NVDA","payload":{"status":"healthy"}}
              | ^
            \(path):4:63: error[DATA003]: `t` is not an ISO-8601 UTC timestamp (e.g. 2026-03-06T14:30:00.123456Z)
            4 | {"channel":"trades","symbol":"Ünï","payload":{"p":1,"s":1,"t":"2026-03-06 14:30"}}
              |                                                               ^
            \(path):5:21: error[DATA001]: unexpected end of input
            5 | {"channel":"trades",
              |                     ^
            not written: 3 errors in the input (1 trade, 0 quotes, 0 bars read)

            """)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "previous", "the old output is untouched")
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
    }

    @Test func jsonFormatAndUnreadableInput() throws {
        let result = try CLI.run(["ta", "--in", "no/such/file.jsonl", "--out", "-", "--format", "json"])
        #expect(result.status == 2)
        let report = try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: Any]
        let diagnostics = report?["diagnostics"] as? [[String: Any]]
        #expect(diagnostics?.first?["code"] as? String == "SPEC008")
        #expect((report?["summary"] as? [String: Any])?["errors"] as? Int == 1)
    }

    @Test func usageErrors() throws {
        #expect(try CLI.run(["ta", "--out", "x"]).status == 64)
        // An output that is an input (however spelt) would be renamed over the data it came from.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-ta-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("trades.jsonl")
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("Tests/Fixtures/ta/trades.jsonl"), to: input)
        let before = try Data(contentsOf: input)
        let same = try CLI.run(["ta", "--in", input.path, "--out", directory.path + "/./trades.jsonl"])
        #expect(same.status == 64 && same.stderr.contains("is the input"))
        #expect(try Data(contentsOf: input) == before)
        #expect(try CLI.run(["ta", "--in", "a", "--out", "x", "--allowance-ms", "-1"]).status == 64)
    }
}
