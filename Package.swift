// swift-tools-version:6.0
import PackageDescription

// Dependency direction: SpecModel ← SpecCompiler ← Runtime ← {Simulator, Live} ← torghut (see docs/architecture.md).
let package = Package(
    name: "torghut",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "torghut", targets: ["torghut"]),
        .library(name: "SpecModel", targets: ["SpecModel"]),
        .library(name: "SpecCompiler", targets: ["SpecCompiler"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "Simulator", targets: ["Simulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]),
        .systemLibrary(
            name: "CXXHash", pkgConfig: "libxxhash",
            providers: [.apt(["libxxhash-dev"]), .brew(["xxhash"])]),
        .systemLibrary(
            name: "CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"]), .brew(["librdkafka"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .target(name: "SpecModel", dependencies: ["CYAML", "CXXHash"]),
        .target(name: "SpecCompiler", dependencies: ["SpecModel"]),
        // The pure deterministic core: no IO, no wall clock, no randomness.
        .target(name: "Runtime", dependencies: ["SpecModel", "SpecCompiler"]),
        // Deterministic market: datasets, (later) generators, fills, metrics, goldens.
        .target(name: "Simulator", dependencies: ["SpecModel", "SpecCompiler", "Runtime"]),
        .executableTarget(
            name: "torghut",
            dependencies: [
                "SpecModel", "SpecCompiler", "Runtime", "Simulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "SpecModelTests", dependencies: ["SpecModel"]),
        .testTarget(name: "SpecCompilerTests", dependencies: ["SpecCompiler", "SpecModel", "Runtime"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "SpecModel"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "Runtime", "SpecCompiler", "SpecModel"]),
        .testTarget(name: "TorghutCLITests", dependencies: ["torghut"], exclude: ["Snapshots"]),
        // Proves each system-library module resolves through pkg-config and links.
        .testTarget(name: "SystemLibraryTests", dependencies: ["CYAML", "CXXHash", "CRdKafka", "CLibPQ"]),
    ]
)
