// swift-tools-version:6.1
import PackageDescription

// A separate package so the main build never resolves or compiles ordo-one/benchmark (DESIGN.md, "Dependencies").
// Run from this folder: `swift package benchmark` (see README.md).
let package = Package(
    name: "TorghutBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "torghut", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The plugin discovers benchmark targets whose folder sits directly in a folder named `Benchmarks`.
        .executableTarget(
            name: "SpecBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpecModel", package: "torghut"),
                .product(name: "SpecCompiler", package: "torghut"),
                .product(name: "Runtime", package: "torghut"),
            ],
            path: "SpecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A long simulation run for memory and end-to-end rate (see README.md).
        .executableTarget(
            name: "SimulationSoak",
            dependencies: [
                .product(name: "SpecModel", package: "torghut"),
                .product(name: "SpecCompiler", package: "torghut"),
                .product(name: "Runtime", package: "torghut"),
                .product(name: "Simulator", package: "torghut"),
            ],
            path: "SimulationSoak"
        ),
        // The time-stamp counter for RiskLatency (x86-64; reads 0 elsewhere).
        .target(name: "CycleCounter", path: "CycleCounter"),
        // Per-intent latency of the risk chain (see README.md).
        .executableTarget(
            name: "RiskLatency",
            dependencies: [
                "CycleCounter",
                .product(name: "SpecModel", package: "torghut"),
                .product(name: "SpecCompiler", package: "torghut"),
                .product(name: "Runtime", package: "torghut"),
            ],
            path: "RiskLatency"
        ),
    ]
)
