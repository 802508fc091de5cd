import Foundation
import Testing

/// `torghut import torghut-simulation` as a user runs it: every manifest of the fixture folder at once.
@Suite struct ImportSimulationCommandTests {
    static let manifests: [String] = {
        let folder = CLI.root.appendingPathComponent("Tests/Fixtures/torghut-config")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("simulation-") }.sorted().map { folder.appendingPathComponent($0).path }
    }()

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("torghut-import-\(UUID().uuidString)")
    }

    @Test func importWritesScenariosThatValidateAndRepeatByteForByte() throws {
        let first = Self.temporaryDirectory()
        let second = Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        #expect(Self.manifests.count == 10)
        let result = try CLI.run(["import", "torghut-simulation"] + Self.manifests + ["-o", first.path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.hasSuffix("imported 6 scenarios into \(first.path)/scenarios, 21 warnings\n"))
        #expect(result.stdout.contains("warning[SPEC026]: options simulation manifests are not imported"))
        #expect(result.stdout.contains("simulation-full-day-2026-03-13-warm.yaml:1:13: warning[SPEC020]: "))
        let names = try FileManager.default.contentsOfDirectory(atPath: first.appendingPathComponent("scenarios").path)
        #expect(
            names.sorted() == [
                "torghut-full-day-20260306.yaml", "torghut-full-day-20260313-0f50f32d.yaml",
                "torghut-full-day-20260318-884bec35.yaml", "torghut-smoke-open-30m-20260306.yaml",
                "torghut-smoke-open-hour-20260306.yaml", "torghut-trades-2025q4.yaml",
            ])
        let validate = try CLI.run(["validate", first.path, "specs/universe"])
        #expect(validate.status == 0, "\(validate.stdout)")
        #expect(validate.stdout == "valid: 7 documents in 7 files, 0 errors, 0 warnings\n")

        // A second process writes the same bytes.
        let again = try CLI.run(["import", "torghut-simulation"] + Self.manifests + ["-o", second.path])
        #expect(again.status == 0)
        for name in names {
            let a = try Data(contentsOf: first.appendingPathComponent("scenarios/\(name)"))
            let b = try Data(contentsOf: second.appendingPathComponent("scenarios/\(name)"))
            #expect(a == b, "\(name)")
        }
    }

    @Test func badWindowExitsTwoAndWritesNothing() throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = directory.appendingPathComponent("m.yaml")
        try """
        dataset_id: late
        window:
          trading_day: '2026-03-06'
          start: '2026-03-06T20:30:00Z'
          end: '2026-03-06T21:30:00Z'

        """.write(to: manifest, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try CLI.run(["import", "torghut-simulation", manifest.path, "-o", out.path])
        #expect(result.status == 2)
        #expect(
            result.stdout.contains(
                "\(manifest.path):5:8: error[SPEC015]: the window 2026-03-06T20:30:00Z to "
                    + "2026-03-06T21:30:00Z is outside the regular session of 2026-03-06 (09:30-16:00 New York, UTC-5)")
        )
        #expect(result.stdout.hasSuffix("not imported: 1 error, 0 warnings\n"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let result = try CLI.run(["import", "torghut-simulation", "x.yaml", "-o", "/tmp/x", "--starting-cash-usd", "0"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--starting-cash-usd must be a positive decimal"))
    }
}
