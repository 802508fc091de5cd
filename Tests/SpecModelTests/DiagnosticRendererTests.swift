import SpecModel
import Testing

@Suite struct DiagnosticRendererTests {
    let source = SourceFile(path: "specs/risk/p.yaml", text: "limits:\n  max_notionl_usd: 1000\n\tcooldown: 5\n")

    func diagnostic(line: Int = 2, column: Int = 3, endColumn: Int? = 18, notes: [String] = []) -> Diagnostic {
        Diagnostic(
            .unknownKey, "unknown key 'max_notionl_usd'",
            at: SourceSpan(
                file: "specs/risk/p.yaml", start: SourceLocation(line: line, column: column),
                end: endColumn.map { SourceLocation(line: line, column: $0) }),
            notes: notes)
    }

    @Test func textShowsLineCaretAndNotes() {
        let text = DiagnosticRenderer(sources: [source.path: source]).text(diagnostic(notes: ["did you mean 'x'?"]))
        #expect(
            text == """
                specs/risk/p.yaml:2:3: error[SPEC012]: unknown key 'max_notionl_usd'
                2 |   max_notionl_usd: 1000
                  |   ^^^^^^^^^^^^^^^
                  = note: did you mean 'x'?

                """)
    }

    @Test func caretKeepsTabsSoItLinesUp() {
        let text = DiagnosticRenderer(sources: [source.path: source]).text(diagnostic(line: 3, column: 2, endColumn: 10))
        #expect(text.hasSuffix("3 | \tcooldown: 5\n  | \t^^^^^^^^\n"))
    }

    @Test func withoutSourceOnlyTheHeadlineIsPrinted() {
        #expect(
            DiagnosticRenderer().text(diagnostic())
                == "specs/risk/p.yaml:2:3: error[SPEC012]: unknown key 'max_notionl_usd'\n")
    }

    @Test func fileLevelDiagnosticsHaveNoPosition() {
        let item = Diagnostic(.noSpecFiles, "no .yaml or .yml files under 'x'", at: .file("x"))
        #expect(DiagnosticRenderer().text(item) == "x: error[SPEC009]: no .yaml or .yml files under 'x'\n")
    }

    @Test func longLinesAreCutAroundTheCaret() {
        let long = String(repeating: "a", count: 500) + "BAD" + String(repeating: "b", count: 500)
        let file = SourceFile(path: "l.yaml", text: long)
        let item = Diagnostic(
            .yamlSyntax, "m",
            at: SourceSpan(file: "l.yaml", start: SourceLocation(line: 1, column: 501), end: SourceLocation(line: 1, column: 504)))
        let lines = DiagnosticRenderer(sources: ["l.yaml": file]).text(item).split(separator: "\n")
        #expect(lines[1].contains("BAD"))
        #expect(lines[1].count < 180)
        let caretOffset = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
        let badOffset = lines[1].firstRange(of: "BAD").map { lines[1].distance(from: lines[1].startIndex, to: $0.lowerBound) }
        #expect(caretOffset == badOffset)
    }

    @Test func githubAnnotationEscapesPropertiesAndData() {
        let item = Diagnostic(
            .wrongType, "50% off, now\nwith newline",
            at: SourceSpan(file: "a,b:c.yaml", start: SourceLocation(line: 4, column: 7), end: SourceLocation(line: 4, column: 9)),
            notes: ["n"])
        #expect(
            DiagnosticRenderer().github(item)
                == "::error file=a%2Cb%3Ac.yaml,line=4,col=7,endColumn=9,title=SPEC014 wrong value type::"
                + "50%25 off, now%0Awith newline%0Anote: n\n")
        let warning = Diagnostic(.fractionAboveOne, "w", at: .file("f"))
        #expect(DiagnosticRenderer().github(warning) == "::warning file=f,title=SPEC027 fraction above 1.0::w\n")
    }

    @Test func jsonCarriesEveryField() throws {
        let value = DiagnosticRenderer().jsonValue(diagnostic(notes: ["n"]))
        let bytes = try JSONWriter.canonical(value)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"{"code":"SPEC012","column":3,"endColumn":18,"endLine":2,"file":"specs/risk/p.yaml","line":2,"#
                + #""message":"unknown key 'max_notionl_usd'","notes":["n"],"severity":"error"}"#)
    }

    @Test func sarifDeclaresCodePointColumnsAndRules() throws {
        let log = DiagnosticRenderer().sarif([diagnostic(), Diagnostic(.fractionAboveOne, "w", at: .file("f"))])
        let text = try JSONWriter.pretty(log)
        #expect(text.contains(#""columnKind": "unicodeCodePoints""#))
        #expect(text.contains(#""version": "2.1.0""#))
        guard case .object(let root) = log, case .array(let runs) = root["runs"], case .object(let run) = runs[0],
            case .array(let results) = run["results"], case .object(let tool) = run["tool"],
            case .object(let driver) = tool["driver"], case .array(let rules) = driver["rules"]
        else {
            Issue.record("unexpected SARIF shape")
            return
        }
        #expect(results.count == 2)
        #expect(rules.count == 2)
        guard case .object(let first) = results[0] else { return }
        #expect(first["ruleId"] == "SPEC012")
        #expect(first["level"] == "error")
        guard case .object(let second) = results[1] else { return }
        #expect(second["level"] == "warning")
    }

    @Test func diagnosticsSortByFileThenPositionThenCode() {
        let a = Diagnostic(.unknownKey, "a", at: SourceSpan(file: "b.yaml", start: SourceLocation(line: 1, column: 1)))
        let b = Diagnostic(.wrongType, "b", at: SourceSpan(file: "a.yaml", start: SourceLocation(line: 9, column: 1)))
        let c = Diagnostic(.missingKey, "c", at: SourceSpan(file: "a.yaml", start: SourceLocation(line: 9, column: 1)))
        let d = Diagnostic(.noSpecFiles, "d", at: .file("a.yaml"))
        #expect(Diagnostic.sorted([a, b, c, d]).map(\.message) == ["d", "c", "b", "a"])
    }
}

@Suite struct DiagnosticsDocTests {
    static let docPath: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/") + "/docs/diagnostics.md"
    }()

    @Test func docsDiagnosticsMatchesTheCodeTable() throws {
        let generated = DiagnosticCode.markdownReference()
        if let flag = getenv("TORGHUT_RECORD_SNAPSHOTS"), String(cString: flag) == "1" {
            let file = fopen(Self.docPath, "w")
            fputs(generated, file)
            fclose(file)
            Issue.record("rewrote docs/diagnostics.md; verify the diff and commit")
            return
        }
        guard let file = fopen(Self.docPath, "r") else {
            Issue.record("docs/diagnostics.md is missing")
            return
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        #expect(String(decoding: bytes, as: UTF8.self) == generated, "docs/diagnostics.md is stale")
    }

    @Test func codesAreUniqueNamespacedAndDocumented() {
        let ids = DiagnosticCode.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for code in DiagnosticCode.all {
            let namespaced = ["SPEC", "PLAN", "DATA", "GOLD"].contains(code.id.prefix(4)) || code.id.hasPrefix("SIM")
            #expect(namespaced && code.id.count == (code.id.hasPrefix("SIM") ? 6 : 7), "\(code.id)")
            #expect(!code.title.isEmpty && code.explanation.hasSuffix("."), "\(code.id)")
            #expect(DiagnosticCode(id: code.id) == code)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
