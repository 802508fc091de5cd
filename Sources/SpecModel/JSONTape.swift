/// A JSON text parsed into a flat token array ("tape"); reusable: `parse` keeps the array's capacity, so parsing line
/// after line allocates nothing once warmed up. Values are read lazily from the original bytes.
///
/// Grammar: strict RFC 8259. Exactly one value with optional surrounding whitespace (space, tab, CR, LF); strings must
/// be valid UTF-8 without raw control characters (< 0x20) and with only the RFC escapes (a `\u` surrogate must be
/// half of a valid pair); numbers are `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; containers nest at most
/// `maxDepth` deep; the input is at most `Int32.max` bytes. The parser is iterative (no recursion).
///
/// Tape layout, in document order (pre-order):
/// - Every value is one token. A container's token is followed by its descendants' tokens, and its `next` points
///   past all of them, so `index + 1 ..< tokens[index].next` is exactly its subtree.
/// - An object's children alternate key, value, key, value, ... Keys are `.string` tokens whose `next` is the
///   index of their value (key index + 1).
/// - A scalar's `next` is its own index + 1. The root is token 0 and its `next` is `tokens.count`.
///
/// Token indices passed to the navigation and value methods must be valid indices of `tokens` (out-of-range indices
/// trap). Methods that read text take the same bytes that were parsed; the tape stores offsets only.
///
/// Reuse keeps the token array's capacity; it stays allocation-free only while `tokens` is not shared (a copy of
/// `tokens` held elsewhere, or a live `ElementIndices`, makes the next `parse` copy the array).
public struct JSONTape: Sendable {
    /// The nesting limit: containers may nest this deep; one more opening bracket is an error.
    public static let maxDepth = 64

    public enum Kind: UInt8, Sendable {
        case object, array, string, number, `true`, `false`, null
    }

    public struct Token: Sendable {
        public var kind: Kind
        /// Byte offset of the token's first byte ('{', '[', '"', digit or '-', 't', 'f', 'n').
        public var start: Int32
        /// Byte offset one past the token's last byte: for containers one past the closing bracket, for strings one
        /// past the closing quote.
        public var end: Int32
        /// Index of the first token after this value and all its descendants (skip pointer).
        public var next: Int32
        /// Strings only (keys included): the raw text contains at least one backslash escape. Always false for
        /// other kinds.
        public var hasEscapes: Bool
    }

    /// The tokens of the last successful `parse`, in document order; empty before the first parse and after a
    /// failed one.
    public private(set) var tokens: [Token]

    /// `capacity` is the number of tokens reserved up front; the array grows as needed and keeps its size.
    public init(capacity: Int = 64) {
        self.tokens = []
        self.tokens.reserveCapacity(capacity)
    }

    /// Replaces the tape with the tokens of `bytes`, which must hold exactly one JSON value (surrounding whitespace
    /// allowed). On error the tape is left empty.
    ///
    /// Error offsets: the offending byte; `bytes.count` where the input ended while a structural character or value
    /// was still expected ("unexpected end of input"); the opening quote for "unterminated string"; the backslash for
    /// escape errors; the first byte of an ill-formed UTF-8 sequence (including one cut short); the first byte that
    /// cannot continue a number or literal, which is `bytes.count` if the input ended inside it.
    public mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        self.tokens.removeAll(keepingCapacity: true)
        guard bytes.count <= Int(Int32.max) else {
            throw JSONSyntaxError(byteOffset: Int(Int32.max), message: "input too large")
        }
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONSyntaxError(byteOffset: 0, message: "unexpected end of input")
        }
        // Tokens go to a stack buffer first and reach the array in blocks: a per-token `append` would check the
        // array's uniqueness each time, which costs more than the rest of the tokenizing. The array is moved (not
        // copied) in and out of the sink, so it stays uniquely referenced.
        var tokens: [Token] = []
        swap(&tokens, &self.tokens)
        defer { swap(&tokens, &self.tokens) }
        try withUnsafeTemporaryAllocation(of: Token.self, capacity: TokenSink.blockSize) {
            scratch throws(JSONSyntaxError) in
            var sink = TokenSink(scratch: scratch.baseAddress!)
            swap(&sink.tokens, &tokens)
            defer { swap(&sink.tokens, &tokens) }
            do throws(JSONSyntaxError) {
                try JSONTapeParser.run(base, bytes.count, into: &sink)
                sink.flush()
            } catch {
                sink.tokens.removeAll(keepingCapacity: true)
                throw error
            }
        }
    }
}

/// Why `JSONTape.parse` rejected its input. `byteOffset` is in `0 ... bytes.count` (see `parse` for which byte).
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Offset of the offending byte, or `bytes.count` at an unexpected end of input.
    public var byteOffset: Int
    /// A short lowercase phrase without the position, e.g. "expected ':' after object key".
    public var message: String

    public init(byteOffset: Int, message: String) {
        self.byteOffset = byteOffset
        self.message = message
    }

    public var description: String { self.message }
}

// MARK: - Navigation

extension JSONTape {
    /// The value token of the member named `key` (compared on the key's unescaped UTF-8 bytes, no normalisation);
    /// nil if there is none or `object` is not an object. With duplicate keys the last one wins.
    public func member(_ object: Int, _ key: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard self.tokens[object].kind == .object else { return nil }
        precondition(Int(self.tokens[object].end) <= bytes.count, "JSONTape: bytes are not the ones that were parsed")
        return self.tokens.withUnsafeBufferPointer { tokens in
            key.withUTF8Buffer { expected in
                // Member keys lie inside the object's bytes, checked above, so `bytes` is not empty here.
                let text = bytes.baseAddress!
                let end = Int(tokens[object].next)
                var found: Int?
                var index = object + 1
                while index < end {
                    let keyToken = tokens[index]
                    if keyToken.hasEscapes {
                        if self.keyBytesEqual(index, expected, in: bytes) { found = index + 1 }
                    } else if Int(keyToken.end &- keyToken.start) &- 2 == expected.count,
                        Self.equal(text + Int(keyToken.start) + 1, expected)
                    {
                        found = index + 1
                    }
                    index = Int(tokens[index + 1].next)
                }
                return found
            }
        }
    }

    /// Calls `body` with each member's key and value token, in document order (duplicates included); does nothing
    /// if `object` is not an object.
    @inlinable
    public func forEachMember(_ object: Int, _ body: (_ keyToken: Int, _ valueToken: Int) throws -> Void) rethrows {
        guard self.tokens[object].kind == .object else { return }
        let end = Int(self.tokens[object].next)
        var index = object + 1
        while index < end {
            try body(index, index + 1)
            index = Int(self.tokens[index + 1].next)
        }
    }

    /// Calls `body` with each element's token, in order; does nothing if `array` is not an array.
    @inlinable
    public func forEachElement(_ array: Int, _ body: (_ elementToken: Int) throws -> Void) rethrows {
        guard self.tokens[array].kind == .array else { return }
        let end = Int(self.tokens[array].next)
        var index = array + 1
        while index < end {
            try body(index)
            index = Int(self.tokens[index].next)
        }
    }

    /// The element tokens of `array`, in order; empty if `array` is not an array. The sequence shares the token
    /// array, so drop it before the next `parse` (or that parse copies the array). `forEachElement` has no such
    /// caveat.
    @inlinable
    public func elements(_ array: Int) -> ElementIndices {
        guard self.tokens[array].kind == .array else {
            return ElementIndices(tokens: self.tokens, position: 0, end: 0)
        }
        return ElementIndices(tokens: self.tokens, position: array + 1, end: Int(self.tokens[array].next))
    }

    /// Element token indices of one array, following skip pointers.
    public struct ElementIndices: Sequence, IteratorProtocol, Sendable {
        @usableFromInline let tokens: [Token]
        @usableFromInline var position: Int
        @usableFromInline let end: Int

        @inlinable
        init(tokens: [Token], position: Int, end: Int) {
            self.tokens = tokens
            self.position = position
            self.end = end
        }

        @inlinable
        public mutating func next() -> Int? {
            guard self.position < self.end else { return nil }
            let current = self.position
            self.position = Int(self.tokens[current].next)
            return current
        }
    }

    /// The number of members of an object or elements of an array; nil for scalars.
    public func count(_ container: Int) -> Int? {
        let kind = self.tokens[container].kind
        guard kind == .object || kind == .array else { return nil }
        var count = 0
        var index = container + 1
        let end = Int(self.tokens[container].next)
        while index < end {
            if kind == .object { index += 1 }
            index = Int(self.tokens[index].next)
            count += 1
        }
        return count
    }

    /// True for a `null` token.
    @inlinable
    public func isNull(_ token: Int) -> Bool { self.tokens[token].kind == .null }
}
