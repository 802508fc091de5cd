// Spec-loading micro-benchmarks for ordo-one/benchmark. Every group has an in-process baseline measured in the same
// run, so RESULTS.md can report ratios that survive a change of machine better than absolute times.
//
// Run from the Benchmarks folder: `swift package benchmark` (release build; see README.md).

import Benchmark
import SpecCompiler
import SpecModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Baselines are the denominators of every ratio: report them in nanoseconds so the table keeps their precision
/// (the automatic unit would print e.g. "10 μs").
func baselineConfiguration() -> Benchmark.Configuration { .init(timeUnits: .nanoseconds) }

let benchmarks: @Sendable () -> Void = {
    // Short runs: each benchmark stops after 1 s or 10,000 iterations, whichever comes first, so the whole suite
    // (17 benchmarks) finishes well under two minutes including the release build of an already-resolved package.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )

    registerSpecTreeBenchmarks()
    registerDecimalBenchmarks()
    registerCanonicalJSONBenchmarks()
    registerLargeYAMLBenchmarks()
    registerEvaluationBenchmarks()
    registerTechnicalAnalysisBenchmarks()
}

// MARK: - Bundled specs (the main package's `specs/`)

/// The main package's `specs` folder. `TORGHUT_SPECS` overrides; otherwise it is found from this source file's path
/// (`<root>/Benchmarks/SpecBenchmarks/SpecBenchmarks.swift`), so it does not depend on the working directory the
/// benchmark plugin chooses; the working directory's `../specs` and `specs` are the last resorts.
func locateSpecsDirectory() -> String {
    if let override = getenv("TORGHUT_SPECS") {
        return String(cString: override)
    }
    var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(3)
    let candidates = [components.joined(separator: "/") + "/specs", "../specs", "specs"]
    for candidate in candidates where FileSystem.type(of: candidate) == .directory {
        return candidate
    }
    fatalError("cannot find the specs folder (tried \(candidates)); set TORGHUT_SPECS")
}

/// Every `.yaml`/`.yml` file under `directory`, in byte order (the order `SpecTreeLoader` uses).
func specFiles(under directory: String) -> [String] {
    guard case .success(let names) = FileSystem.list(directory) else { return [] }
    var paths: [String] = []
    for name in names where !name.hasPrefix(".") {
        let path = FileSystem.join(directory, name)
        switch FileSystem.type(of: path) {
        case .directory: paths += specFiles(under: path)
        case .file where name.hasSuffix(".yaml") || name.hasSuffix(".yml"): paths.append(path)
        default: break
        }
    }
    return paths
}

func registerSpecTreeBenchmarks() {
    let directory = locateSpecsDirectory()
    let paths = specFiles(under: directory)
    precondition(!paths.isEmpty, "no spec files under \(directory)")
    let limit = YAMLLoader.Limits().maxFileBytes

    // Sanity check once, outside any measurement: the bundled specs must load without errors, or the numbers would
    // measure an error path.
    let check = SpecTreeLoader().load(paths: [directory])
    precondition(!check.hasErrors && check.documents.count == paths.count, "bundled specs do not load cleanly")

    Benchmark("specs/1 read bytes (baseline)", configuration: baselineConfiguration()) { benchmark in
        for _ in benchmark.scaledIterations {
            for path in paths {
                guard case .success(let bytes) = FileSystem.read(path, limit: limit) else { fatalError(path) }
                blackHole(bytes)
            }
        }
    }

    Benchmark("specs/2 read + YAMLLoader.load") { benchmark in
        let loader = YAMLLoader()
        for _ in benchmark.scaledIterations {
            for path in paths {
                guard case .success(let bytes) = FileSystem.read(path, limit: limit) else { fatalError(path) }
                blackHole(loader.load(SourceFile(path: path, bytes: bytes)))
            }
        }
    }

    Benchmark("specs/3 read + YAMLLoader.load + SpecDocument.decode") { benchmark in
        let loader = YAMLLoader()
        for _ in benchmark.scaledIterations {
            let session = DecodeSession()
            for path in paths {
                guard case .success(let bytes) = FileSystem.read(path, limit: limit) else { fatalError(path) }
                for document in loader.load(SourceFile(path: path, bytes: bytes)).documents {
                    blackHole(SpecDocument.decode(document, in: session))
                }
            }
            blackHole(session)
        }
    }

    Benchmark("specs/4 SpecTreeLoader.load(paths:)") { benchmark in
        let loader = SpecTreeLoader()
        for _ in benchmark.scaledIterations {
            blackHole(loader.load(paths: [directory]))
        }
    }
}

// MARK: - Decimal parsing

/// Prices, quantities and limits as they appear in specs; all valid.
let decimalStrings: [String] = [
    "0", "1", "-1", "15", "100.25", "187.345", "-42.5", "0.75", "0.0125", "0.000000001", "3.14159265",
    "1000000.5", "9223372036.854775807", "-9223372036.854775807", "1e3", "2.5E-3", "12.", ".5", "+7.000", "250000",
]
/// Integers of similar lengths, for the `Int64(String)` baseline and the same strings through `Decimal.parse`.
let integerStrings: [String] = [
    "0", "1", "-1", "15", "10025", "187345", "-425", "75", "125", "1", "314159265",
    "10000005", "9223372036", "-9223372036", "1000", "25", "12", "5", "+7000", "250000",
]

func registerDecimalBenchmarks() {
    // Each scaled iteration parses the whole 20-string list; 1,000 scaled iterations per measured iteration.
    let configuration = Benchmark.Configuration(scalingFactor: .kilo)

    Benchmark("decimal/1 Int64(String) x20 integers (baseline)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            for text in integerStrings {
                blackHole(Int64(text))
            }
        }
    }

    Benchmark("decimal/2 Decimal.parse x20 same integers", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            for text in integerStrings {
                blackHole(Decimal.parse(text[...]))
            }
        }
    }

    Benchmark("decimal/3 Decimal.parse x20 decimals", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            for text in decimalStrings {
                blackHole(Decimal.parse(text[...]))
            }
        }
    }
}

// MARK: - Canonical JSON and content hash

/// A 1,000-member object whose members are small objects mixing every scalar case, like a compiled spec's tables.
func mediumJSONValue(doubles: Bool = true) -> JSONValue {
    var members: [String: JSONValue] = [:]
    for index in 0..<1_000 {
        let key = "member-\(String(index, radix: 16))-\(index % 7)"
        members[key] = .object([
            "id": .integer(Int64(index)),
            "name": .string("Symbol \(index) \"quoted\" ünïcode"),
            "price": .decimal(Decimal(units: Int64(index) * 1_234_567_891)),
            // Without doubles the member holds an integer of similar length, to isolate the double formatter's cost.
            "ratio": doubles ? .double(Double(index) / 7) : .integer(Int64(index) * 142_857_142_857),
            "enabled": .bool(index % 2 == 0),
            "tags": .array([.string("a"), .string("b\(index)"), .null]),
        ])
    }
    return .object(members)
}

func registerCanonicalJSONBenchmarks() {
    let value = mediumJSONValue()
    let bytes: [UInt8]
    do { bytes = try JSONWriter.canonical(value) } catch { fatalError("\(error)") }

    Benchmark(
        "json/1 ContentHash.of precomputed bytes (baseline, \(bytes.count) B)", configuration: baselineConfiguration()
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ContentHash.of(bytes: bytes))
        }
    }

    Benchmark("json/2 JSONWriter.canonical (1,000-member object)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONWriter.canonical(value))
        }
    }

    Benchmark("json/3 JSONWriter.canonical + ContentHash.of") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ContentHash.of(bytes: try JSONWriter.canonical(value)))
        }
    }

    // Diagnostic split: the same shape with every `.double` replaced by an integer.
    let withoutDoubles = mediumJSONValue(doubles: false)
    Benchmark("json/4 JSONWriter.canonical, same object without doubles") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONWriter.canonical(withoutDoubles))
        }
    }
}

// MARK: - Large generated specs

/// A Universe spec with `count` distinct symbols in block-list form (`  - S000001`).
func generatedUniverse(symbols count: Int) -> [UInt8] {
    var text = """
        apiVersion: torghut.dev/v1
        kind: Universe
        metadata:
          name: generated
          description: A generated universe for benchmarks.
        spec:
          asset_class: equity
          symbols:

        """
    text.reserveCapacity(count * 12 + 256)
    for index in 0..<count {
        var digits = String(index)
        digits = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        text += "    - S\(digits)\n"
    }
    text += "  require_non_empty: true\n"
    return Array(text.utf8)
}

func registerLargeYAMLBenchmarks() {
    let universe10k = generatedUniverse(symbols: 10_000)
    let universe1MB = generatedUniverse(symbols: 80_000)
    precondition(universe1MB.count >= 1_000_000 && universe1MB.count < YAMLLoader.Limits().maxFileBytes)

    // Outside measurement: both must decode to one Universe without errors.
    for bytes in [universe10k, universe1MB] {
        let (documents, diagnostics) = YAMLLoader().load(SourceFile(path: "generated.yaml", bytes: bytes))
        let session = DecodeSession()
        precondition(diagnostics.isEmpty && documents.count == 1)
        precondition(SpecDocument.decode(documents[0], in: session) != nil && session.diagnostics.items.isEmpty)
    }

    for (label, bytes) in [("10k symbols, \(universe10k.count) B", universe10k),
                           ("80k symbols, \(universe1MB.count) B", universe1MB)] {
        Benchmark(
            "large/\(label)/1 ContentHash.of bytes (baseline scan)", configuration: baselineConfiguration()
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(ContentHash.of(bytes: bytes))
            }
        }

        Benchmark("large/\(label)/2 SourceFile + YAMLLoader.load") { benchmark in
            let loader = YAMLLoader()
            for _ in benchmark.scaledIterations {
                blackHole(loader.load(SourceFile(path: "generated.yaml", bytes: bytes)))
            }
        }

        Benchmark("large/\(label)/3 YAMLLoader.load + SpecDocument.decode") { benchmark in
            let loader = YAMLLoader()
            for _ in benchmark.scaledIterations {
                let session = DecodeSession()
                for document in loader.load(SourceFile(path: "generated.yaml", bytes: bytes)).documents {
                    blackHole(SpecDocument.decode(document, in: session))
                }
                blackHole(session)
            }
        }
    }
}
