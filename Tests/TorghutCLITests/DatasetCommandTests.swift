import Foundation
import Testing

/// `torghut dataset convert` and `inspect` as a user runs them: summary on stderr, header on stdout, identical bytes
/// from two processes, diagnostics with positions, nothing written on errors, damaged files refused.
@Suite struct DatasetCommandTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let marketData = ["Tests/Fixtures/ta/trades.jsonl", "Tests/Fixtures/ta/bars.csv"]

    /// `123456` → `123,456`, as the summary prints sizes.
    static func grouped(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = ","
        formatter.groupingSize = 3
        formatter.usesGroupingSeparator = true
        return formatter.string(from: NSNumber(value: value))!
    }

    static func size(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    }

    @Test func convertMarketDataThenInspect() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("signals.tgds").path
        let result = try CLI.run(["dataset", "convert"] + Self.marketData + [out])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let bytes = try Self.size(out)
        #expect(
            result.stderr
                == "wrote 1577 signals (3 symbols, 1 block) to \(out), \(Self.grouped(bytes)) bytes, from 3763 trades, "
                + "683 quotes, 711 bars\n")
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))

        let inspect = try CLI.run(["dataset", "inspect", out])
        #expect(inspect.status == 0)
        #expect(inspect.stderr.isEmpty)
        #expect(
            inspect.stdout == """
                \(out): torghut signal dataset, format version 1, \(Self.grouped(bytes)) bytes
                rows: 1,577 in 1 block of up to 4096 rows
                event time: 2026-03-06T03:01:00Z to 2026-03-06T14:51:00Z
                symbols (3): SPY, AAPL, NVDA
                timeframes (2): 1Min, 1Sec
                strings (3): ta, PT1M, PT1S
                verified: 1 block, every checksum matches

                """)

        // A second process writes the same bytes (no Dictionary order, clock or randomness in the file).
        let again = directory.appendingPathComponent("again.tgds").path
        #expect(try CLI.run(["dataset", "convert"] + Self.marketData + [again]).status == 0)
        #expect(FileManager.default.contents(atPath: out) == FileManager.default.contents(atPath: again))
        // Parity mode gives other indicator values, so other bytes.
        let parity = directory.appendingPathComponent("parity.tgds").path
        #expect(try CLI.run(["dataset", "convert", "--torghut-parity"] + Self.marketData + [parity]).status == 0)
        #expect(FileManager.default.contents(atPath: out) != FileManager.default.contents(atPath: parity))
    }

    @Test func convertSignalRowsAndInspectAsJSON() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The TA command's own output (nested Avro shape) and the flat ClickHouse rows give the same records.
        let nested = directory.appendingPathComponent("signals.jsonl").path
        #expect(try CLI.run(["ta", "--in"] + Self.marketData + ["--out", nested]).status == 0)
        let fromNested = directory.appendingPathComponent("nested.tgds").path
        let result = try CLI.run(["dataset", "convert", nested, fromNested])
        #expect(result.status == 0)
        #expect(
            result.stderr
                == "wrote 1577 signals (3 symbols, 1 block) to \(fromNested), \(Self.grouped(try Self.size(fromNested))) bytes\n"
        )
        let fromMarketData = directory.appendingPathComponent("direct.tgds").path
        #expect(try CLI.run(["dataset", "convert"] + Self.marketData + [fromMarketData]).status == 0)
        #expect(
            FileManager.default.contents(atPath: fromNested) == FileManager.default.contents(atPath: fromMarketData))

        let flat = directory.appendingPathComponent("flat.tgds").path
        #expect(try CLI.run(["dataset", "convert", "Tests/Fixtures/ta/expected-native.jsonl", flat]).status == 0)
        let inspect = try CLI.run(["dataset", "inspect", "--format", "json", flat])
        #expect(inspect.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any]
        let dataset = object?["dataset"] as? [String: Any]
        #expect(dataset?["rows"] as? Int == 1577 && dataset?["blocks"] as? Int == 1)
        #expect(dataset?["symbols"] as? [String] == ["SPY", "AAPL", "NVDA"])
        #expect(dataset?["strings"] as? [String] == [], "the flat rows carry no source or window")
        #expect((object?["summary"] as? [String: Int])?["errors"] == 0)
    }

    @Test func badSignalRowsExitTwoWithExactDiagnosticsAndNothingIsWritten() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("rows.jsonl")
        try """
        {"event_ts":"2026-03-06T14:30:02Z","symbol":"NVDA","seq":1,"close":181.2}
        {"event_ts":"2026-03-06T14:30:01Z","symbol":"NVDA","seq":2,"close":181.3}
        {"event_ts":"2026-03-06T14:30:03Z","symbol":"Ünï","seq":"3"}
        {"event_ts":"2026-03-06T14:30:04Z",

        """.write(to: input, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("signals.tgds").path
        let result = try CLI.run(["dataset", "convert", input.path, out])
        #expect(result.status == 2)
        let path = input.path
        #expect(
            result.stderr == """
                \(path):2:13: error[DATA003]: `event_ts` 2026-03-06T14:30:01Z is earlier than line 1's 2026-03-06T14:30:02Z; a signal file must be in event-time order
                2 | {"event_ts":"2026-03-06T14:30:01Z","symbol":"NVDA","seq":2,"close":181.3}
                  |             ^
                \(path):3:57: error[DATA002]: `seq` must be an integer
                3 | {"event_ts":"2026-03-06T14:30:03Z","symbol":"Ünï","seq":"3"}
                  |                                                         ^
                \(path):4:36: error[DATA001]: unexpected end of input
                4 | {"event_ts":"2026-03-06T14:30:04Z",
                  |                                    ^
                not written: 3 errors in the input (2 signals read)

                """)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
    }

    @Test func aDamagedDatasetFailsInspectWithTheBlockAndOffset() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("signals.tgds").path
        #expect(try CLI.run(["dataset", "convert"] + Self.marketData + [out]).status == 0)
        var bytes = try #require(FileManager.default.contents(atPath: out))
        bytes[100_000] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: out))
        let result = try CLI.run(["dataset", "inspect", out])
        #expect(result.status == 2)
        #expect(result.stdout.contains("\n\(out): error[DATA007]: block 0 at byte 16: checksum mismatch (stored "))
        #expect(result.stdout.hasSuffix("): the block is damaged\ninvalid: 1 error\n"))

        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: out))
        let truncated = try CLI.run(["dataset", "inspect", out])
        #expect(truncated.status == 2)
        #expect(
            truncated.stdout == "\(out): error[DATA007]: byte \(bytes.count - 100): truncated: no end marker at byte "
                + "\(bytes.count - 100) (the file was cut short or not finished)\ninvalid: 1 error\n")
        #expect(try CLI.run(["dataset", "inspect", "Tests/Fixtures/ta/bars.csv"]).status == 2)
    }

    @Test func usageErrors() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("x.tgds").path
        #expect(try CLI.run(["dataset", "convert", out]).status == 64)
        #expect(try CLI.run(["dataset", "convert", "Tests/Fixtures/ta/bars.csv", "-"]).status == 64)
        let mixed = try CLI.run([
            "dataset", "convert", "Tests/Fixtures/ta/expected-native.jsonl", "Tests/Fixtures/ta/bars.csv", out,
        ])
        #expect(mixed.status == 64)
        #expect(
            mixed.stderr.contains(
                "cannot mix signal files (Tests/Fixtures/ta/expected-native.jsonl) and market-data files"))
        // A forgotten OUT: the last input would be overwritten; it is refused and left alone.
        let input = directory.appendingPathComponent("trades.jsonl").path
        try "{}\n".write(toFile: input, atomically: true, encoding: .utf8)
        let forgotten = try CLI.run(["dataset", "convert", "Tests/Fixtures/ta/trades.jsonl", input])
        #expect(forgotten.status == 64)
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "{}\n")
        let missing = try CLI.run(["dataset", "convert", "no/such/file.jsonl", out])
        #expect(missing.status == 2)
        #expect(
            missing.stderr
                == "no/such/file.jsonl: error[SPEC008]: cannot read: No such file or directory\nnot written: 1 error\n")
    }
}
