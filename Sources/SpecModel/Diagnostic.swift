/// How bad a diagnostic is. Errors make a command exit 2; warnings never change the exit status.
public enum Severity: String, Sendable, Hashable, Comparable {
    case error
    case warning
    case note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One problem found in the specs, as a value: code, severity, where, what, and optional notes (hints, the values
/// compared). Rendering is separate (`DiagnosticRenderer`).
public struct Diagnostic: Sendable, Hashable {
    public var code: DiagnosticCode
    public var severity: Severity
    public var span: SourceSpan
    public var message: String
    public var notes: [String]

    public init(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan, severity: Severity? = nil,
        notes: [String] = []
    ) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.span = span
        self.message = message
        self.notes = notes
    }

    /// Deterministic order: by file (UTF-8 bytes), position, code, then message.
    public static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.sorted { a, b in
            if a.span != b.span { return a.span < b.span }
            if a.code != b.code { return a.code.id < b.code.id }
            return a.message.utf8Precedes(b.message)
        }
    }
}

/// A list of diagnostics being collected by a pass. Passes run to the end and report everything at once, up to
/// `limit`: past it diagnostics are only counted, so a file with 300,000 bad entries still fails in well under a
/// second with a readable report.
public struct DiagnosticBag: Sendable {
    public private(set) var items: [Diagnostic] = []
    /// Diagnostics dropped because `limit` was reached.
    public private(set) var suppressed = 0
    public var limit: Int

    public init(limit: Int = .max) {
        self.limit = limit
    }

    public mutating func append(_ diagnostic: Diagnostic) {
        if self.items.count < self.limit { self.items.append(diagnostic) } else { self.suppressed += 1 }
    }

    public mutating func append(contentsOf other: [Diagnostic]) {
        for diagnostic in other { self.append(diagnostic) }
    }

    public mutating func error(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan, notes: [String] = []
    ) {
        self.append(Diagnostic(code, message, at: span, severity: .error, notes: notes))
    }

    public mutating func warning(
        _ code: DiagnosticCode, _ message: String, at span: SourceSpan, notes: [String] = []
    ) {
        self.append(Diagnostic(code, message, at: span, severity: .warning, notes: notes))
    }

    public var hasErrors: Bool { self.items.contains { $0.severity == .error } }
    public var errorCount: Int { self.items.count { $0.severity == .error } }
    public var warningCount: Int { self.items.count { $0.severity == .warning } }
}

/// A diagnostic can be thrown or carried in a `Result` by code that stops at its first problem.
extension Diagnostic: Error {}
