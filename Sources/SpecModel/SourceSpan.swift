/// A position in a spec file. Both numbers are 1-based; `column` counts Unicode scalars, as libyaml does.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A range in one file: `start` is inclusive, `end` exclusive. A span without a location names a whole file.
public struct SourceSpan: Sendable, Hashable, Comparable {
    public var file: String
    public var start: SourceLocation?
    public var end: SourceLocation?

    public init(file: String, start: SourceLocation? = nil, end: SourceLocation? = nil) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// The span of a whole file (for diagnostics such as "unreadable file").
    public static func file(_ path: String) -> SourceSpan { SourceSpan(file: path) }

    public static func < (a: SourceSpan, b: SourceSpan) -> Bool {
        if a.file != b.file { return a.file.utf8Precedes(b.file) }
        switch (a.start, b.start) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?): return x < y
        }
    }
}

/// A value read from a spec, with the span it came from. Equality and hashing ignore the span, so moving a value in
/// its file never changes behaviour.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var span: SourceSpan

    public init(_ value: Value, span: SourceSpan) {
        self.value = value
        self.span = span
    }
}

extension Located: Equatable where Value: Equatable {
    public static func == (a: Located, b: Located) -> Bool { a.value == b.value }
}

extension Located: Hashable where Value: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(self.value) }
}
