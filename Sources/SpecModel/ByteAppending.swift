extension Array where Element == UInt8 {
    /// Appends a literal's UTF-8 bytes in one copy. `append(contentsOf: "…".utf8)` walks the string's view
    /// generically, which on the per-event paths (JSON lines) cost more than the rest of the line.
    @inlinable
    public mutating func append(literal: StaticString) {
        literal.withUTF8Buffer { self.append(contentsOf: $0) }
    }
}
