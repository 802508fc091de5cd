/// Output formats shared by every checking command (`--format`).
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    case text
    case json
    case github
    case sarif
}

/// Renders diagnostics. `sources` supplies file text for the source line and caret in `text` format; `excerpts`
/// supplies single lines (by file and 1-based line number) of files too large to keep, such as market data.
public struct DiagnosticRenderer: Sendable {
    public var sources: [String: SourceFile]
    public var excerpts: [String: [Int: String]]

    public init(sources: [String: SourceFile] = [:], excerpts: [String: [Int: String]] = [:]) {
        self.sources = sources
        self.excerpts = excerpts
    }

    private func sourceLine(_ file: String, _ number: Int) -> String? {
        self.sources[file]?.line(number) ?? self.excerpts[file]?[number]
    }

    /// Longest source line shown; longer lines are cut around the caret.
    static let maxShownColumns = 160

    // MARK: text

    /// `file:line:col: error[CODE]: message`, then the source line, a caret line and notes, like rustc.
    public func text(_ diagnostic: Diagnostic) -> String {
        var out = "\(Self.location(diagnostic.span)): \(diagnostic.severity.rawValue)[\(diagnostic.code.id)]: "
        out += diagnostic.message + "\n"
        var gutter = 0
        if let start = diagnostic.span.start, let line = self.sourceLine(diagnostic.span.file, start.line) {
            let number = String(start.line)
            gutter = number.count
            let scalars = Array(line.unicodeScalars)
            let caretStart = min(max(start.column - 1, 0), scalars.count)
            var width = 1
            if let end = diagnostic.span.end, end.line == start.line, end.column > start.column {
                width = end.column - start.column
            }
            width = max(1, min(width, max(scalars.count - caretStart, 1)))
            var first = 0
            if scalars.count > Self.maxShownColumns {
                first = max(0, min(caretStart - Self.maxShownColumns / 2, scalars.count - Self.maxShownColumns))
            }
            let last = min(scalars.count, first + Self.maxShownColumns)
            var shown = String(String.UnicodeScalarView(scalars[first..<last]))
            if first > 0 { shown = "…" + shown }
            if last < scalars.count { shown += "…" }
            // Keep tabs in the padding so the caret lines up under tab-indented text.
            var padding = first > 0 ? " " : ""
            for scalar in scalars[first..<caretStart] { padding.unicodeScalars.append(scalar == "\t" ? "\t" : " ") }
            let pad = String(repeating: " ", count: gutter)
            out += "\(number) | \(shown)\n"
            out += "\(pad) | \(padding)\(String(repeating: "^", count: min(width, Self.maxShownColumns)))\n"
        }
        for note in diagnostic.notes {
            out += "\(String(repeating: " ", count: gutter)) = note: \(note)\n"
        }
        return out
    }

    public static func location(_ span: SourceSpan) -> String {
        guard let start = span.start else { return span.file }
        return "\(span.file):\(start.line):\(start.column)"
    }

    // MARK: github

    /// GitHub Actions workflow commands, which annotate the offending line of a pull request.
    public func github(_ diagnostic: Diagnostic) -> String {
        let command = diagnostic.severity == .error ? "error" : (diagnostic.severity == .warning ? "warning" : "notice")
        var properties = ["file=\(Self.escapeProperty(diagnostic.span.file))"]
        if let start = diagnostic.span.start {
            properties.append("line=\(start.line)")
            properties.append("col=\(start.column)")
            if let end = diagnostic.span.end, end.line == start.line, end.column > start.column {
                properties.append("endColumn=\(end.column)")
            }
        }
        properties.append("title=\(Self.escapeProperty("\(diagnostic.code.id) \(diagnostic.code.title)"))")
        var message = diagnostic.message
        for note in diagnostic.notes { message += "\nnote: \(note)" }
        return "::\(command) \(properties.joined(separator: ","))::\(Self.escapeData(message))\n"
    }

    static func escapeData(_ text: String) -> String {
        text.replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacing(":", with: "%3A").replacing(",", with: "%2C")
    }

    // MARK: json

    public func jsonValue(_ diagnostic: Diagnostic) -> JSONValue {
        var object: [String: JSONValue] = [
            "code": .string(diagnostic.code.id),
            "severity": .string(diagnostic.severity.rawValue),
            "file": .string(diagnostic.span.file),
            "message": .string(diagnostic.message),
            "notes": .array(diagnostic.notes.map { .string($0) }),
        ]
        if let start = diagnostic.span.start {
            object["line"] = .integer(Int64(start.line))
            object["column"] = .integer(Int64(start.column))
        }
        if let end = diagnostic.span.end {
            object["endLine"] = .integer(Int64(end.line))
            object["endColumn"] = .integer(Int64(end.column))
        }
        return .object(object)
    }

    // MARK: sarif

    /// A SARIF 2.1.0 log with one run; columns are Unicode code points, as libyaml counts them.
    public func sarif(_ diagnostics: [Diagnostic]) -> JSONValue {
        var ruleIDs: [String] = []
        for diagnostic in diagnostics where !ruleIDs.contains(diagnostic.code.id) { ruleIDs.append(diagnostic.code.id) }
        ruleIDs.sort()
        let rules: [JSONValue] = ruleIDs.compactMap { id in
            guard let code = DiagnosticCode(id: id) else { return nil }
            return .object([
                "id": .string(id), "name": .string(code.title),
                "shortDescription": .object(["text": .string(code.title)]),
                "fullDescription": .object(["text": .string(code.explanation)]),
                "helpUri": .string("docs/diagnostics.md#\(id.lowercased())"),
            ])
        }
        let results: [JSONValue] = diagnostics.map { diagnostic in
            var region: [String: JSONValue] = [:]
            if let start = diagnostic.span.start {
                region["startLine"] = .integer(Int64(start.line))
                region["startColumn"] = .integer(Int64(start.column))
                if let end = diagnostic.span.end, end.line == start.line, end.column > start.column {
                    region["endColumn"] = .integer(Int64(end.column))
                }
            }
            var physical: [String: JSONValue] = ["artifactLocation": .object(["uri": .string(diagnostic.span.file)])]
            if !region.isEmpty { physical["region"] = .object(region) }
            var text = diagnostic.message
            for note in diagnostic.notes { text += "\nnote: \(note)" }
            let level = diagnostic.severity == .note ? "note" : diagnostic.severity.rawValue
            return .object([
                "ruleId": .string(diagnostic.code.id), "level": .string(level),
                "message": .object(["text": .string(text)]),
                "locations": .array([.object(["physicalLocation": .object(physical)])]),
            ])
        }
        return .object([
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": .array([
                .object([
                    "tool": .object([
                        "driver": .object([
                            "name": "torghut", "informationUri": "https://torghut.dev",
                            "rules": .array(rules),
                        ])
                    ]),
                    "columnKind": "unicodeCodePoints",
                    "results": .array(results),
                ])
            ]),
        ])
    }
}
