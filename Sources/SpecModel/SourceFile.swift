/// The bytes of one spec file, kept so diagnostics can show the offending line. Not thread-safe to mutate; share it
/// as an immutable value.
public struct SourceFile: Sendable {
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line; line N (1-based) starts at `lineStarts[N - 1]`.
    private let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    public var lineCount: Int { self.lineStarts.count }

    /// The text of a 1-based line without its line break, or nil past the end. Invalid UTF-8 is repaired.
    public func line(_ number: Int) -> String? {
        guard number >= 1, number <= self.lineStarts.count else { return nil }
        let start = self.lineStarts[number - 1]
        var end = number < self.lineStarts.count ? self.lineStarts[number] - 1 : self.bytes.count
        if end > start, self.bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: self.bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// Converts a byte offset (as libyaml's reader reports) to a line and a column counted in Unicode scalars.
    public func location(ofByteOffset offset: Int) -> SourceLocation {
        let clamped = min(max(offset, 0), self.bytes.count)
        var low = 0
        var high = self.lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if self.lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var index = self.lineStarts[low]
        while index < clamped {
            // Count only the leading byte of each UTF-8 sequence.
            if self.bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return SourceLocation(line: low + 1, column: column)
    }
}

extension SourceFile {
    /// The byte offset of a location (line 1-based, column in Unicode scalars), clamped to the line's end.
    public func byteOffset(of location: SourceLocation) -> Int {
        guard location.line >= 1 else { return 0 }
        var line = 1
        var index = 0
        while line < location.line, index < self.bytes.count {
            if self.bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
        var column = 1
        while column < location.column, index < self.bytes.count, self.bytes[index] != UInt8(ascii: "\n") {
            index += 1
            while index < self.bytes.count, self.bytes[index] & 0xC0 == 0x80 { index += 1 }
            column += 1
        }
        return index
    }
}
