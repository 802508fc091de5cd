import Runtime
import SpecCompiler
import SpecModel
import Testing

@Suite struct PlanDecoderTests {
    static func compiled() throws -> ExecutionPlan {
        let (tree, output) = SpecTreeLoader().loadAndCompile(paths: [TestPaths.path("specs")], features: .catalog)
        #expect(!tree.hasErrors)
        return try #require(output?.plan)
    }

    static func file(_ text: String) -> SourceFile { SourceFile(path: "plan.json", text: text) }

    @Test func aWrittenPlanReadsBackToTheSameBytesAndHash() throws {
        let plan = try Self.compiled()
        let text = try JSONWriter.pretty(plan.document)
        guard case .success(let loaded) = PlanDecoder.decode(Self.file(text)) else {
            Issue.record("the compiled plan should load")
            return
        }
        #expect(loaded.hash == plan.hash)
        #expect(try JSONWriter.canonical(loaded.canonicalValue) == JSONWriter.canonical(plan.canonicalValue))
        // The loaded plan runs: its strategies resolve against the catalog.
        #expect(throws: Never.self) { _ = try PlanRunner(plan: loaded) }
    }

    @Test func aHandEditedPlanIsRefusedWithBothHashes() throws {
        let plan = try Self.compiled()
        let text = try JSONWriter.pretty(plan.document).replacing("\"0.64\"", with: "\"0.65\"")
        guard case .failure(let failure) = PlanDecoder.decode(Self.file(text)) else {
            Issue.record("an edited plan must be refused")
            return
        }
        #expect(failure.diagnostic.code == .planHashMismatch)
        #expect(failure.diagnostic.message.hasSuffix("but the file records \(plan.hash)"))
    }

    @Test(arguments: [
        ("[]", "malformed plan: expected {\"hash\": ..., \"plan\": {...}}"),
        ("{\"hash\": \"x\", \"plan\": {\"format\": \"torghut.plan/v0\"}}",
         "malformed plan: unsupported plan format 'torghut.plan/v0'; this version reads torghut.plan/v1"),
        ("{\"hash\": \"x\", \"plan\": {\"format\": \"torghut.plan/v1\", \"strategies\": 3}}",
         "malformed plan: 'strategies' must be a list"),
    ])
    func malformedPlansArePLAN007(_ text: String, _ message: String) {
        guard case .failure(let failure) = PlanDecoder.decode(Self.file(text)) else {
            Issue.record("\(text) must be refused")
            return
        }
        #expect(failure.diagnostic.code == .malformedPlan, "\(text)")
        #expect(failure.diagnostic.message == message)
    }

    @Test func brokenJSONIsASyntaxError() {
        guard case .failure(let failure) = PlanDecoder.decode(Self.file("{\"hash\": ")) else {
            Issue.record("broken JSON must be refused")
            return
        }
        #expect(failure.diagnostic.code == .yamlSyntax)
    }
}
