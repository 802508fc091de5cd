import SpecModel
import Testing

@Suite struct YAMLLoaderTests {
    func load(_ text: String, limits: YAMLLoader.Limits = .init()) -> ([YAMLDocument], [Diagnostic]) {
        let result = YAMLLoader(limits: limits).load(SourceFile(path: "t.yaml", text: text))
        return (result.documents, result.diagnostics)
    }

    func mapping(_ node: YAMLNode) -> [YAMLPair] {
        if case .mapping(let pairs) = node.content { return pairs }
        Issue.record("not a mapping: \(node.shapeDescription)")
        return []
    }

    func scalar(_ node: YAMLNode) -> String? {
        if case .scalar(let text, _) = node.content { return text }
        return nil
    }

    @Test func spansAreOneBasedAndCountUnicodeScalars() {
        let (documents, diagnostics) = load("a: 1\nb: {é: \"ü\", zz: 2}\n")
        #expect(diagnostics.isEmpty)
        let pairs = mapping(documents[0].root)
        #expect(pairs[0].key.span.start == SourceLocation(line: 1, column: 1))
        #expect(pairs[0].value.span.start == SourceLocation(line: 1, column: 4))
        let inner = mapping(pairs[1].value)
        #expect(inner[0].value.span.start == SourceLocation(line: 2, column: 8))
        // "b: {é: "ü", " is 12 scalars, so zz starts at column 13 (bytes would say 15).
        #expect(inner[1].key.span.start == SourceLocation(line: 2, column: 13))
        #expect(inner[1].key.span.end == SourceLocation(line: 2, column: 15))
    }

    @Test func scalarStylesAreKept() {
        let (documents, _) = load("p: NO\ns: 'NO'\nd: \"NO\"\nl: |\n  NO\nf: >\n  NO\n")
        let styles = mapping(documents[0].root).map { pair -> ScalarStyle? in
            if case .scalar(_, let style) = pair.value.content { return style }
            return nil
        }
        #expect(styles == [.plain, .singleQuoted, .doubleQuoted, .literal, .folded])
    }

    @Test func aliasesExpandToTheAnchoredNode() {
        let (documents, diagnostics) = load("base: &b [AAPL, MSFT]\ncopy: *b\n")
        #expect(diagnostics.isEmpty)
        let pairs = mapping(documents[0].root)
        guard case .sequence(let items) = pairs[1].value.content else {
            Issue.record("alias did not expand to a list")
            return
        }
        #expect(items.compactMap(scalar) == ["AAPL", "MSFT"])
    }

    @Test func mergeKeysLetExplicitKeysWinAndEarlierSourcesWin() {
        let text = """
            a: &a {x: 1, y: 1}
            b: &b {y: 2, z: 2}
            c:
              <<: [*a, *b]
              x: 9
            """
        let (documents, diagnostics) = load(text)
        #expect(diagnostics.isEmpty)
        let merged = mapping(mapping(documents[0].root)[2].value)
        #expect(merged.map(\.keyText) == ["x", "y", "z"])
        #expect(merged.map { scalar($0.value) } == ["9", "1", "2"])
    }

    @Test func mergeOfAScalarIsRejected() {
        let (_, diagnostics) = load("a: 1\nb:\n  <<: 5\n")
        #expect(diagnostics.map(\.code) == [.unsupportedYAML])
        #expect(diagnostics.first?.span.start == SourceLocation(line: 3, column: 7))
    }

    @Test func duplicateKeysAreReportedWithBothPositions() {
        let (documents, diagnostics) = load("a: 1\nb: 2\na: 3\n")
        #expect(diagnostics.map(\.code) == [.duplicateKey])
        #expect(diagnostics.first?.span.start == SourceLocation(line: 3, column: 1))
        #expect(diagnostics.first?.notes == ["first defined at line 1, column 1"])
        // The first value is kept; loading goes on.
        #expect(mapping(documents[0].root).map { scalar($0.value) } == ["1", "2"])
    }

    @Test func multipleDocumentsKeepTheirIndexAndSkipEmptyOnes() {
        let (documents, diagnostics) = load("---\na: 1\n---\n---\nb: 2\n...\n")
        #expect(diagnostics.isEmpty)
        #expect(documents.map(\.index) == [0, 2])
    }

    @Test func aliasBombStopsAtTheBudget() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        let names = Array("abcdefghij")
        for level in 1..<names.count {
            let refs = Array(repeating: "*\(names[level - 1])", count: 10).joined(separator: ", ")
            text += "\(names[level]): &\(names[level]) [\(refs)]\n"
        }
        let (documents, diagnostics) = load(text)
        #expect(documents.isEmpty)
        #expect(diagnostics.map(\.code) == [.aliasBudgetExceeded])
    }

    @Test func aliasesWithinTheBudgetLoad() {
        var limits = YAMLLoader.Limits()
        limits.aliasExpansionBudget = 30
        let (_, ok) = load("a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n", limits: limits)
        #expect(ok.isEmpty)
        let (_, over) = load("a: &a [1, 2, 3, 4]\nb: [*a, *a, *a, *a, *a, *a, *a]\n", limits: limits)
        #expect(over.map(\.code) == [.aliasBudgetExceeded])
    }

    @Test func tenThousandLevelsOfNestingFailAtTheDepthLimit() {
        let text = "a: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        let (documents, diagnostics) = load(text)
        #expect(documents.isEmpty)
        #expect(diagnostics.map(\.code) == [.nestingTooDeep])
        #expect(diagnostics.first?.span.start == SourceLocation(line: 1, column: 67))
    }

    @Test func deepBlockMappingsAlsoHitTheLimit() {
        var text = ""
        for depth in 0..<100 { text += String(repeating: " ", count: depth) + "k:\n" }
        let (_, diagnostics) = load(text)
        #expect(diagnostics.map(\.code) == [.nestingTooDeep])
    }

    @Test func oversizedFilesAreRejectedBeforeParsing() {
        var limits = YAMLLoader.Limits()
        limits.maxFileBytes = 10
        let (_, diagnostics) = load("a: 1234567890\n", limits: limits)
        #expect(diagnostics.map(\.code) == [.fileTooLarge])
        #expect(diagnostics.first?.span.start == nil)
    }

    @Test func utf16IsRejected() {
        let file = SourceFile(path: "u.yaml", bytes: [0xFF, 0xFE, 0x61, 0x00])
        #expect(YAMLLoader().load(file).diagnostics.map(\.code) == [.unsupportedYAML])
    }

    @Test func invalidUTF8IsASyntaxErrorAtItsByte() {
        let file = SourceFile(path: "b.yaml", bytes: Array("a: 1\nb: ".utf8) + [0xC3, 0x28] + [0x0A])
        let diagnostics = YAMLLoader().load(file).diagnostics
        #expect(diagnostics.map(\.code) == [.yamlSyntax])
        #expect(diagnostics.first?.span.start == SourceLocation(line: 2, column: 4))
    }

    @Test func controlCharactersAreASyntaxError() {
        let (_, diagnostics) = load("a: \u{07}\n")
        #expect(diagnostics.map(\.code) == [.yamlSyntax])
    }

    @Test func coreSchemaTagsAreAcceptedAndOthersRejected() {
        let (_, ok) = load("a: !!str 010\nb: ! x\n")
        #expect(ok.isEmpty)
        let (_, bad) = load("a: !!python/object:os.system x\n")
        #expect(bad.map(\.code) == [.unsupportedYAML])
    }

    @Test func nullDetectionIsByPlainSpelling() {
        let (documents, _) = load("a: ~\nb: null\nc:\nd: 'null'\n")
        #expect(mapping(documents[0].root).map(\.value.isNull) == [true, true, true, false])
    }
}
