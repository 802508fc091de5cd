import Runtime
@testable import SpecCompiler
import SpecModel
import Testing

/// `import torghut-catalog` on the two deployed catalogs: importing onto the family specs must reproduce exactly the
/// strategies the bundled specs (and the aded76ac0f example tree) compile to.
@Suite struct CatalogImporterTests {
    static let fixtures = TestPaths.root + "/Tests/Fixtures/torghut-config/"

    static func catalog(_ name: String) throws -> SourceFile {
        guard case .success(let bytes) = FileSystem.read(fixtures + name, limit: 1 << 20) else {
            throw TemporaryDirectory.Failure()
        }
        return SourceFile(path: name, bytes: bytes)
    }

    /// Writes the imported files beside copies of `support` files and compiles the lot.
    static func compileImported(_ files: [(name: String, text: String)], support: [String]) throws -> ExecutionPlan {
        let directory = try TemporaryDirectory()
        for (name, text) in files { directory.write(name, text) }
        for path in support {
            guard case .success(let bytes) = FileSystem.read(TestPaths.path(path), limit: 1 << 20) else {
                throw TemporaryDirectory.Failure()
            }
            directory.write(path.replacing("/", with: "-"), String(decoding: bytes, as: UTF8.self))
        }
        let (tree, output) = SpecTreeLoader().loadAndCompile(paths: [directory.path], features: .catalog)
        #expect(!tree.hasErrors, "\(tree.diagnostics)")
        return try #require(output?.plan)
    }

    static func strategies(of paths: [String]) throws -> [String: [UInt8]] {
        let (tree, output) = SpecTreeLoader().loadAndCompile(paths: paths.map(TestPaths.path), features: .catalog)
        #expect(!tree.hasErrors)
        var result: [String: [UInt8]] = [:]
        for strategy in try #require(output?.plan).strategies {
            result[strategy.id.rawValue] = try JSONWriter.canonical(strategy.canonicalValue)
        }
        return result
    }

    @Test func laterCatalogRoundTripsOntoTheBundledFamilies() throws {
        let importer = CatalogImporter(templateDirectory: TestPaths.path("specs/strategies"))
        #expect(importer.templateDiagnostics.isEmpty)
        let output = importer.importCatalog(try Self.catalog("strategy-configmap-e551647657.yaml"))
        #expect(output.diagnostics.allSatisfy { $0.severity == .warning })
        #expect(output.files.count == 7)
        // Warned, not silently dropped: 4 fractions of equity above 1, and 14 values with no place in a strategy
        // (position_isolation_mode ×6, max_gross_exposure_pct_equity ×5, max_position_pct_equity ≤ 1 ×3).
        #expect(output.diagnostics.filter { $0.code == .fractionAboveOne }.count == 4)
        #expect(output.diagnostics.filter { $0.code == .unknownKey }.count == 14)
        let plan = try Self.compileImported(
            output.files, support: ["specs/universe/us-equities.yaml", "specs/risk/torghut-prod.yaml"])
        let bundled = try Self.strategies(of: ["specs"])
        for strategy in plan.strategies {
            let bytes = try JSONWriter.canonical(strategy.canonicalValue)
            #expect(bundled[strategy.id.rawValue] == bytes, "\(strategy.id) differs from the bundled family spec")
        }
    }

    @Test func earlierCatalogRoundTripsOntoTheExampleTree() throws {
        let importer = CatalogImporter(templateDirectory: TestPaths.path("examples/torghut-aded76ac0f/strategies"))
        let output = importer.importCatalog(try Self.catalog("strategy-configmap-aded76ac0f.yaml"))
        // Only the risk value, which belongs in a RiskPolicy override, is not imported.
        #expect(output.diagnostics.map(\.message) == ["max_position_pct_equity 0.08 is not imported into the strategy"])
        #expect(output.files.map(\.name) == ["intraday-tsmom-v1-prod.yaml"])
        let plan = try Self.compileImported(output.files, support: ["examples/torghut-aded76ac0f/universe/us-equities.yaml"])
        let example = try Self.strategies(of: ["examples/torghut-aded76ac0f"])
        let bytes = try JSONWriter.canonical(try #require(plan.strategies.first).canonicalValue)
        #expect(example["intraday_tsmom_v1@prod"] == bytes)
    }

    @Test func unknownFamiliesPointIntoTheConfigMap() throws {
        let importer = CatalogImporter(templateDirectory: TestPaths.path("specs/strategies"))
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: torghut-strategy-config}
            data:
              strategies.yaml: |
                strategies:
                  - strategy_id: mystery@prod
                    strategy_type: mystery_v9

            """
        let output = importer.importCatalog(SourceFile(path: "cm.yaml", text: text))
        #expect(output.files.isEmpty)
        #expect(output.diagnostics.map(\.code) == [.unresolvedReference])
        #expect(output.diagnostics.first?.span.file == "cm.yaml")
        #expect(output.diagnostics.first?.span.start == SourceLocation(line: 8, column: 24))
    }

    @Test func parityOptionWritesTorghutSemanticsIntoEverySpec() throws {
        var importer = CatalogImporter(templateDirectory: TestPaths.path("specs/strategies"))
        importer.parity = "torghut"
        let output = importer.importCatalog(try Self.catalog("strategy-configmap-e551647657.yaml"))
        #expect(output.files.count == 7)
        let plan = try Self.compileImported(output.files, support: ["specs/universe/us-equities.yaml"])
        #expect(plan.strategies.allSatisfy { $0.parity == "torghut" })
    }

    @Test func editedValuesLandInTheTemplateText() throws {
        let importer = CatalogImporter(templateDirectory: TestPaths.path("examples/torghut-aded76ac0f/strategies"))
        let text = """
            strategies:
              - strategy_id: intraday_tsmom_v1@paper
                strategy_type: intraday_tsmom
                enabled: false
                universe_symbols: "AAPL, MSFT"
                max_notional_per_trade: 2500
                params: {bullish_hist_min: "0.0070"}

            """
        let output = importer.importCatalog(SourceFile(path: "c.yaml", text: text))
        #expect(output.diagnostics.isEmpty)
        let file = try #require(output.files.first)
        #expect(file.text.contains("  name: intraday_tsmom_v1@paper\n"))
        #expect(file.text.contains("  enabled: false\n"))
        #expect(file.text.contains("bullish_hist_min: 0.007\n"))
        #expect(file.text.contains("max_notional_usd: 2500\n"))
        let plan = try Self.compileImported(output.files, support: ["specs/universe/us-equities.yaml"])
        #expect(plan.strategies.first?.symbols.map(\.rawValue) == ["AAPL", "MSFT"])
    }
}
