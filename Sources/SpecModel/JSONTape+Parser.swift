// The tokenizer behind `JSONTape.parse`.

/// Where the parser appends tokens: a block of `blockSize` scratch slots, copied to `tokens` whenever it fills and at
/// the end. Token `index` is in `tokens` below `flushed` and in the scratch block from there on.
struct TokenSink {
    typealias Token = JSONTape.Token
    /// At most 1 KiB, so `withUnsafeTemporaryAllocation` always uses the stack: past that it asks the runtime
    /// whether the stack has room and may fall back to the heap (measured: one allocation per parse at 5 KiB).
    static var blockSize: Int { 1024 / MemoryLayout<Token>.stride }

    var tokens: [Token] = []
    let scratch: UnsafeMutablePointer<Token>
    var buffered = 0
    var flushed = 0

    init(scratch: UnsafeMutablePointer<Token>) {
        self.scratch = scratch
    }

    /// The number of tokens so far, which is the index the next one gets.
    var count: Int {
        @inline(__always) get { self.flushed + self.buffered }
    }

    @inline(__always)
    mutating func append(_ kind: JSONTape.Kind, _ start: Int, _ end: Int, next: Int, hasEscapes: Bool = false) {
        if self.buffered == Self.blockSize { self.flush() }
        self.scratch[self.buffered] = Token(
            kind: kind, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end),
            next: Int32(truncatingIfNeeded: next), hasEscapes: hasEscapes)
        self.buffered += 1
    }

    mutating func flush() {
        self.tokens.append(contentsOf: UnsafeBufferPointer(start: self.scratch, count: self.buffered))
        self.flushed += self.buffered
        self.buffered = 0
    }

    @inline(__always)
    subscript(index: Int) -> Token {
        get { index >= self.flushed ? self.scratch[index - self.flushed] : self.tokens[index] }
        set {
            if index >= self.flushed {
                self.scratch[index - self.flushed] = newValue
            } else {
                self.tokens[index] = newValue
            }
        }
    }
}

/// The tokenizer. Byte-level helpers take the base pointer, an index and the count, and return the index just past
/// what they consumed; indices never exceed `count`, so reads are at `index < count` only.
enum JSONTapeParser {
    typealias Token = JSONTape.Token

    static var quote: UInt8 { UInt8(ascii: "\"") }
    static var backslash: UInt8 { UInt8(ascii: "\\") }

    static func run(_ p: UnsafePointer<UInt8>, _ n: Int, into tokens: inout TokenSink) throws(JSONSyntaxError) {
        var i = skipWhitespace(p, 0, n)
        var current = -1  // the innermost open container; while open, its `next` holds its parent's index
        var currentIsObject = false
        var depth = 0
        value: while true {
            guard i < n else { throw JSONSyntaxError(byteOffset: n, message: "unexpected end of input") }
            let byte = p[i]
            switch byte {
            case quote:
                i = try scanString(p, i, n, &tokens)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                i = try scanNumber(p, i, n, &tokens)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= JSONTape.maxDepth else {
                    throw JSONSyntaxError(byteOffset: i, message: "nesting deeper than \(JSONTape.maxDepth)")
                }
                let isObject = byte == UInt8(ascii: "{")
                tokens.append(isObject ? .object : .array, i, 0, next: current)
                current = tokens.count - 1
                currentIsObject = isObject
                i = skipWhitespace(p, i + 1, n)
                guard i < n else { throw JSONSyntaxError(byteOffset: n, message: "unexpected end of input") }
                if p[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i += 1
                    close(&current, &currentIsObject, at: i, &tokens)
                    depth -= 1
                } else if isObject {
                    i = try scanKeyAndColon(p, i, n, &tokens)
                    continue value
                } else {
                    continue value
                }
            case UInt8(ascii: "t"):
                i = try scanLiteral(p, i, n, "true", .true, &tokens)
            case UInt8(ascii: "f"):
                i = try scanLiteral(p, i, n, "false", .false, &tokens)
            case UInt8(ascii: "n"):
                i = try scanLiteral(p, i, n, "null", .null, &tokens)
            default:
                throw JSONSyntaxError(byteOffset: i, message: "expected a JSON value")
            }
            // A value is complete: continue the enclosing container, close it, or finish.
            while true {
                i = skipWhitespace(p, i, n)
                guard current >= 0 else { break value }
                guard i < n else { throw JSONSyntaxError(byteOffset: n, message: "unexpected end of input") }
                let byte = p[i]
                if byte == UInt8(ascii: ",") {
                    i = skipWhitespace(p, i + 1, n)
                    guard i < n else { throw JSONSyntaxError(byteOffset: n, message: "unexpected end of input") }
                    if currentIsObject {
                        if p[i] == UInt8(ascii: "}") {
                            throw JSONSyntaxError(byteOffset: i, message: "trailing comma before '}'")
                        }
                        i = try scanKeyAndColon(p, i, n, &tokens)
                    } else if p[i] == UInt8(ascii: "]") {
                        throw JSONSyntaxError(byteOffset: i, message: "trailing comma before ']'")
                    }
                    continue value
                }
                if byte == (currentIsObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    i += 1
                    close(&current, &currentIsObject, at: i, &tokens)
                    depth -= 1
                    continue
                }
                throw JSONSyntaxError(
                    byteOffset: i,
                    message: currentIsObject
                        ? "expected ',' or '}' after object member" : "expected ',' or ']' after array element")
            }
        }
        guard i == n else {
            throw JSONSyntaxError(byteOffset: i, message: "trailing characters after the JSON value")
        }
    }

    /// Closes the innermost container, whose closing bracket ends just before `end`, and makes its parent current.
    @inline(__always)
    static func close(_ current: inout Int, _ currentIsObject: inout Bool, at end: Int, _ tokens: inout TokenSink) {
        var container = tokens[current]
        let parent = Int(container.next)
        container.end = Int32(truncatingIfNeeded: end)
        container.next = Int32(truncatingIfNeeded: tokens.count)
        tokens[current] = container
        current = parent
        currentIsObject = parent >= 0 && tokens[parent].kind == .object
    }

    @inline(__always)
    static func skipWhitespace(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int {
        var i = start
        while i < n {
            let byte = p[i]
            guard byte <= 0x20, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { break }
            i += 1
        }
        return i
    }

    /// At a member's key: the key string, optional whitespace, ':' and optional whitespace.
    @inline(__always)
    static func scanKeyAndColon(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ tokens: inout TokenSink
    ) throws(JSONSyntaxError) -> Int {
        guard p[start] == quote else {
            throw JSONSyntaxError(byteOffset: start, message: "expected a string object key")
        }
        var i = skipWhitespace(p, try scanString(p, start, n, &tokens), n)
        guard i < n else { throw JSONSyntaxError(byteOffset: n, message: "unexpected end of input") }
        guard p[i] == UInt8(ascii: ":") else {
            throw JSONSyntaxError(byteOffset: i, message: "expected ':' after object key")
        }
        i = skipWhitespace(p, i + 1, n)
        return i
    }

    static func scanLiteral(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ word: StaticString, _ kind: JSONTape.Kind,
        _ tokens: inout TokenSink
    ) throws(JSONSyntaxError) -> Int {
        let length = word.utf8CodeUnitCount
        let text = word.utf8Start
        for k in 1..<length where start + k >= n || p[start + k] != text[k] {
            throw JSONSyntaxError(byteOffset: Swift.min(start + k, n), message: "invalid literal")
        }
        let end = start + length
        tokens.append(kind, start, end, next: tokens.count + 1)
        return end
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func scanNumber(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ tokens: inout TokenSink
    ) throws(JSONSyntaxError) -> Int {
        var i = start
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, isDigit(p[i]) else { throw JSONSyntaxError(byteOffset: i, message: "invalid number") }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < n, isDigit(p[i]) { throw JSONSyntaxError(byteOffset: i, message: "invalid number") }
        } else {
            i += 1
            while i < n, isDigit(p[i]) { i += 1 }
        }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(p[i]) else { throw JSONSyntaxError(byteOffset: i, message: "invalid number") }
            i += 1
            while i < n, isDigit(p[i]) { i += 1 }
        }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, isDigit(p[i]) else { throw JSONSyntaxError(byteOffset: i, message: "invalid number") }
            i += 1
            while i < n, isDigit(p[i]) { i += 1 }
        }
        tokens.append(.number, start, i, next: tokens.count + 1)
        return i
    }

    /// At an opening quote: validates the string (escapes, control characters, UTF-8) and appends its token.
    @inline(__always)
    static func scanString(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ tokens: inout TokenSink
    ) throws(JSONSyntaxError) -> Int {
        var i = start + 1
        var hasEscapes = false
        while true {
            // Eight bytes at a time while none is special: '"', '\', < 0x20 or >= 0x80. Only the lowest flagged
            // byte is exact (borrows may flag bytes above it), which is the one taken, straight from the register.
            let byte: UInt8
            if i + 8 <= n {
                let word = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                let quotes = word ^ (ones &* UInt64(quote))
                let backslashes = word ^ (ones &* UInt64(backslash))
                let special =
                    ((word &- ones &* 0x20) | (quotes &- ones) | (backslashes &- ones)) & ~word & highs | word & highs
                if special == 0 {
                    i += 8
                    continue
                }
                let shift = special.trailingZeroBitCount & ~7  // 8 × the index of the first flagged byte
                i += shift >> 3
                byte = UInt8(truncatingIfNeeded: word >> shift)
            } else {
                guard i < n else { throw JSONSyntaxError(byteOffset: start, message: "unterminated string") }
                byte = p[i]
            }
            if byte == quote { break }
            if byte == backslash {
                hasEscapes = true
                i = try scanEscape(p, i, n, stringStart: start)
            } else if byte < 0x20 {
                throw JSONSyntaxError(byteOffset: i, message: "control character in string")
            } else if byte < 0x80 {
                i += 1
            } else {
                i = try scanUTF8Sequence(p, i, n)
            }
        }
        i += 1
        tokens.append(.string, start, i, next: tokens.count + 1, hasEscapes: hasEscapes)
        return i
    }

    /// At a backslash inside a string.
    static func scanEscape(
        _ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, stringStart: Int
    ) throws(JSONSyntaxError) -> Int {
        guard start + 1 < n else { throw JSONSyntaxError(byteOffset: stringStart, message: "unterminated string") }
        switch p[start + 1] {
        case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "r"), UInt8(ascii: "t"):
            return start + 2
        case UInt8(ascii: "u"):
            let invalid = JSONSyntaxError(byteOffset: start, message: "invalid \\u escape")
            guard let unit = hex4(p, start + 2, n) else { throw invalid }
            switch unit {
            case 0xD800...0xDBFF:
                guard start + 7 < n, p[start + 6] == backslash, p[start + 7] == UInt8(ascii: "u"),
                    let low = hex4(p, start + 8, n), (0xDC00...0xDFFF).contains(low)
                else { throw invalid }
                return start + 12
            case 0xDC00...0xDFFF:
                throw invalid
            default:
                return start + 6
            }
        case let other:
            let shown =
                (0x21...0x7E).contains(other)
                ? "'\\\(Character(Unicode.Scalar(other)))'" : "'\\' followed by byte 0x\(hexByte(other))"
            throw JSONSyntaxError(byteOffset: start, message: "invalid escape \(shown)")
        }
    }

    /// The value of four hex digits at `start`, or nil if there are not four.
    @inline(__always)
    static func hex4(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> UInt32? {
        guard start + 4 <= n else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            guard let digit = hexDigit(p[start + k]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    @inline(__always)
    static func hexDigit(_ byte: UInt8) -> UInt8? {
        if isDigit(byte) { return byte &- UInt8(ascii: "0") }
        let lower = byte | 0x20
        if lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "f") { return lower &- UInt8(ascii: "a") &+ 10 }
        return nil
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0" + digits : digits
    }

    /// At a byte >= 0x80: one well-formed UTF-8 sequence (Unicode Table 3-7: no overlongs, no surrogates, nothing
    /// above U+10FFFF), or "invalid UTF-8" at its first byte.
    static func scanUTF8Sequence(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) throws(JSONSyntaxError) -> Int {
        let lead = p[start]
        var length = 3
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: break
        case 0xED: high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: throw JSONSyntaxError(byteOffset: start, message: "invalid UTF-8")
        }
        guard start + length <= n, p[start + 1] >= low, p[start + 1] <= high else {
            throw JSONSyntaxError(byteOffset: start, message: "invalid UTF-8")
        }
        for k in 2..<length where p[start + k] & 0xC0 != 0x80 {
            throw JSONSyntaxError(byteOffset: start, message: "invalid UTF-8")
        }
        return start + length
    }
}
