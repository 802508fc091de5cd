extension Array where Element == UInt8 {
    /// Appends a literal's UTF-8 bytes in one copy. `append(contentsOf: "…".utf8)` walks the string's view
    /// generically, which on the per-event paths (JSON lines) cost more than the rest of the line.
    @inlinable
    public mutating func append(literal: StaticString) {
        literal.withUTF8Buffer { self.append(contentsOf: $0) }
    }
}

/// Writes bytes into a fixed buffer, for short lines of a known shape on a hot path: each `Array.append` checks
/// uniqueness and capacity and costs far more than the bytes it copies, so a line is composed here and appended
/// once. Every write reports whether it fit; once one does not, `fits` stays false and the caller takes its
/// general path (nothing is ever truncated silently). Numbers are written in place and need room for their longest
/// form.
public struct ByteCursor {
    public let buffer: UnsafeMutableBufferPointer<UInt8>
    public private(set) var count = 0
    public private(set) var fits = true

    public init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// The bytes written so far.
    public var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: self.buffer[..<self.count]) }

    @inline(__always)
    private mutating func room(_ needed: Int) -> Bool {
        if self.fits, self.buffer.count - self.count >= needed { return true }
        self.fits = false
        return false
    }

    @inlinable
    public mutating func put(_ literal: StaticString) {
        literal.withUTF8Buffer { self.put(bytes: $0) }
    }

    public mutating func put(bytes: UnsafeBufferPointer<UInt8>) {
        guard self.room(bytes.count), let base = bytes.baseAddress else { return }
        (self.buffer.baseAddress! + self.count).update(from: base, count: bytes.count)
        self.count += bytes.count
    }

    /// Decimal digits, left-padded with zeros to `minimumWidth` (at most 20), written in place.
    public mutating func putDigits(_ value: UInt64, minimumWidth: Int = 1) {
        self.put(maximum: max(20, minimumWidth)) { writeDigits(value, minimumWidth: minimumWidth, into: $0) }
    }

    public mutating func putInteger(_ value: Int64) {
        if value < 0 { self.put("-") }
        self.putDigits(value.magnitude)
    }

    /// `JSONWriter.appendDecimal`: the quoted canonical text, written in place.
    public mutating func putDecimal(_ decimal: Decimal) {
        self.put(maximum: Decimal.maximumCanonicalLength + 2) { buffer in
            buffer[0] = UInt8(ascii: "\"")
            let count = decimal.writeCanonical(into: UnsafeMutableBufferPointer(rebasing: buffer[1...]))
            buffer[count + 1] = UInt8(ascii: "\"")
            return count + 2
        }
    }

    /// Lets `body` write up to `maximum` bytes at the cursor; it returns how many it wrote.
    public mutating func put(maximum: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        guard self.room(maximum) else { return }
        self.count += body(UnsafeMutableBufferPointer(rebasing: self.buffer[self.count..<(self.count + maximum)]))
    }
}
