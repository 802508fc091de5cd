import SpecModel
import Testing

/// Owns a copy of the bytes so a tape and the text it points into live together.
private final class Parsed {
    let storage: UnsafeMutableBufferPointer<UInt8>
    var tape = JSONTape()
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(self.storage) }

    init(_ bytes: [UInt8]) throws {
        self.storage = .allocate(capacity: bytes.count)
        _ = self.storage.initialize(from: bytes)
        try self.tape.parse(self.bytes)
    }

    convenience init(_ text: String) throws { try self.init(Array(text.utf8)) }

    deinit { self.storage.deallocate() }

    var tokens: [JSONTape.Token] { self.tape.tokens }
    func member(_ object: Int, _ key: StaticString) -> Int? { self.tape.member(object, key, in: self.bytes) }
    func string(_ token: Int) -> String? { self.tape.string(token, in: self.bytes) }
    func double(_ token: Int) -> Double? { self.tape.double(token, in: self.bytes) }
    func int64(_ token: Int) -> Int64? { self.tape.int64(token, in: self.bytes) }
    func raw(_ token: Int) -> String { String(decoding: self.tape.rawBytes(token, in: self.bytes), as: UTF8.self) }

    /// "kind start..<end →next" for each token, to compare whole tapes.
    var layout: [String] {
        self.tape.tokens.map { "\($0.kind) \($0.start)..<\($0.end) →\($0.next)" + ($0.hasEscapes ? " esc" : "") }
    }

    /// The tape read back as a tree (integers when `int64` accepts the number, doubles otherwise).
    func value(_ token: Int = 0) -> JSONValue {
        switch self.tokens[token].kind {
        case .null: return .null
        case .true, .false: return .bool(self.tape.bool(token)!)
        case .number: return self.int64(token).map(JSONValue.integer) ?? .double(self.double(token)!)
        case .string: return .string(self.string(token)!)
        case .array: return .array(self.tape.elements(token).map { self.value($0) })
        case .object:
            var members: [String: JSONValue] = [:]
            self.tape.forEachMember(token) { key, value in members[self.string(key)!] = self.value(value) }
            return .object(members)
        }
    }
}

private func parseError(_ bytes: [UInt8]) -> JSONSyntaxError? {
    var tape = JSONTape()
    do {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try tape.parse(buffer) }
        return nil
    } catch {
        #expect(tape.tokens.isEmpty)
        return error
    }
}

struct JSONTapeInvalidCase: Sendable, CustomTestStringConvertible {
    let bytes: [UInt8]
    let offset: Int
    let message: String
    init(_ text: String, _ offset: Int, _ message: String) {
        self.init(Array(text.utf8), offset, message)
    }
    init(_ bytes: [UInt8], _ offset: Int, _ message: String) {
        self.bytes = bytes
        self.offset = offset
        self.message = message
    }
    var testDescription: String {
        let shown = self.bytes.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x\(hex($0))" }
        return "\(shown.joined()) → \(self.offset): \(self.message)"
    }
    private func hex(_ byte: UInt8) -> String { (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
}

private let quote: UInt8 = 0x22

let jsonTapeInvalidCases: [JSONTapeInvalidCase] = [
    .init("", 0, "unexpected end of input"),
    .init(" \n\t\r", 4, "unexpected end of input"),
    .init("[", 1, "unexpected end of input"),
    .init("[1,2", 4, "unexpected end of input"),
    .init("[1, ", 4, "unexpected end of input"),
    .init("{", 1, "unexpected end of input"),
    .init(#"{"a""#, 4, "unexpected end of input"),
    .init(#"{"a":"#, 5, "unexpected end of input"),
    .init(#"{"a":1"#, 6, "unexpected end of input"),
    // Structure.
    .init("[1,]", 3, "trailing comma before ']'"),
    .init("[1, \n]", 5, "trailing comma before ']'"),
    .init(#"{"a":1,}"#, 7, "trailing comma before '}'"),
    .init(#"{"a" 1}"#, 5, "expected ':' after object key"),
    .init(#"{"a"}"#, 4, "expected ':' after object key"),
    .init(#"{"a",1}"#, 4, "expected ':' after object key"),
    .init("{1:2}", 1, "expected a string object key"),
    .init(#"{"a":1,2:3}"#, 7, "expected a string object key"),
    .init("{,}", 1, "expected a string object key"),
    .init("[1 2]", 3, "expected ',' or ']' after array element"),
    .init("[1}", 2, "expected ',' or ']' after array element"),
    .init(#"{"a":1 "b":2}"#, 7, "expected ',' or '}' after object member"),
    .init(#"{"a":1]"#, 6, "expected ',' or '}' after object member"),
    .init("]", 0, "expected a JSON value"),
    .init("[,1]", 1, "expected a JSON value"),
    .init(#"{"a":}"#, 5, "expected a JSON value"),
    .init("+1", 0, "expected a JSON value"),
    .init(".5", 0, "expected a JSON value"),
    .init("'a'", 0, "expected a JSON value"),
    .init("\u{0B}1", 0, "expected a JSON value"),  // vertical tab is not JSON whitespace
    .init("\u{FEFF}1", 0, "expected a JSON value"),  // nor is a byte order mark
    .init("1 2", 2, "trailing characters after the JSON value"),
    .init("{}x", 2, "trailing characters after the JSON value"),
    .init("[] ]", 3, "trailing characters after the JSON value"),
    .init("nullx", 4, "trailing characters after the JSON value"),
    .init("1.5.", 3, "trailing characters after the JSON value"),
    .init("\"a\"\"b\"", 3, "trailing characters after the JSON value"),
    .init("-1-", 2, "trailing characters after the JSON value"),
    // Depth: 64 is fine (see `depthLimit`), the 65th bracket is reported.
    .init(String(repeating: "[", count: 65) + String(repeating: "]", count: 65), 64, "nesting deeper than 64"),
    .init(String(repeating: #"{"a":"#, count: 64) + "[1]", 320, "nesting deeper than 64"),
    // Numbers.
    .init("01", 1, "invalid number"),
    .init("-01", 2, "invalid number"),
    .init("[00]", 2, "invalid number"),
    .init("-", 1, "invalid number"),
    .init("[-]", 2, "invalid number"),
    .init("-x", 1, "invalid number"),
    .init("- 1", 1, "invalid number"),
    .init("1.", 2, "invalid number"),
    .init("1.e5", 2, "invalid number"),
    .init("1e", 2, "invalid number"),
    .init("1e+", 3, "invalid number"),
    .init("[1E-]", 4, "invalid number"),
    // Literals.
    .init("tru", 3, "invalid literal"),
    .init("trve", 2, "invalid literal"),
    .init("[nul]", 4, "invalid literal"),
    .init("fals", 4, "invalid literal"),
    .init("True", 0, "expected a JSON value"),
    // Strings.
    .init(#""abc"#, 0, "unterminated string"),
    .init(#"["a", "abcdefghijklmnop"#, 6, "unterminated string"),
    .init(#""a\"#, 0, "unterminated string"),
    .init(#"{"a\""#, 1, "unterminated string"),
    .init(#""a\qb""#, 2, #"invalid escape '\q'"#),
    .init(#""\x41""#, 1, #"invalid escape '\x'"#),
    .init(#""\U0041""#, 1, #"invalid escape '\U'"#),
    .init([quote, 0x5C, 0x01, quote], 1, #"invalid escape '\' followed by byte 0x01"#),
    .init([quote, 0x5C, 0xC3, 0xA9, quote], 1, #"invalid escape '\' followed by byte 0xC3"#),
    .init(#""\u12""#, 1, #"invalid \u escape"#),
    .init(#""\u12g4""#, 1, #"invalid \u escape"#),
    .init(#""\u004"#, 1, #"invalid \u escape"#),
    .init(#""\ud800""#, 1, #"invalid \u escape"#),
    .init(#""x\uDBFF\u0041""#, 2, #"invalid \u escape"#),
    .init(#""\ud800\n""#, 1, #"invalid \u escape"#),
    .init(#""\ud800\ud800""#, 1, #"invalid \u escape"#),
    .init(#""\udc00""#, 1, #"invalid \u escape"#),
    .init(#""\ud83d\ude00\ude00""#, 13, #"invalid \u escape"#),
    .init("\"a\u{01}b\"", 2, "control character in string"),
    .init("\"tab\there\"", 4, "control character in string"),
    .init("\"abcdefghijklmnopqrstu\nv\"", 22, "control character in string"),
    .init([quote, 0x00, quote], 1, "control character in string"),
    // UTF-8.
    .init([quote, 0xC0, 0x80, quote], 1, "invalid UTF-8"),  // overlong NUL
    .init([quote, 0xC1, 0xBF, quote], 1, "invalid UTF-8"),  // overlong
    .init([quote, 0x61, 0xED, 0xA0, 0x80, quote], 2, "invalid UTF-8"),  // U+D800 encoded
    .init([quote, 0xED, 0xBF, 0xBF, quote], 1, "invalid UTF-8"),  // U+DFFF encoded
    .init([quote, 0xE0, 0x9F, 0xBF, quote], 1, "invalid UTF-8"),  // overlong 3-byte
    .init([quote, 0xF0, 0x8F, 0xBF, 0xBF, quote], 1, "invalid UTF-8"),  // overlong 4-byte
    .init([quote, 0xF4, 0x90, 0x80, 0x80, quote], 1, "invalid UTF-8"),  // U+110000
    .init([quote, 0xF5, 0x80, 0x80, 0x80, quote], 1, "invalid UTF-8"),
    .init([quote, 0xFF, quote], 1, "invalid UTF-8"),
    .init([quote, 0x80, quote], 1, "invalid UTF-8"),  // lone continuation byte
    .init([quote, 0xE2, 0x82, quote], 1, "invalid UTF-8"),  // truncated by the quote
    .init([quote, 0xF0, 0x9F, 0x98, 0x41, quote], 1, "invalid UTF-8"),  // truncated by a letter
    .init([quote, 0xC3], 1, "invalid UTF-8"),  // truncated by the end of input
    .init(Array(#""abcdefghijk"#.utf8) + [0xC0, 0x80, quote], 12, "invalid UTF-8"),  // found by the 8-byte scan
]

@Suite struct JSONTapeTests {
    // MARK: Layout

    @Test func scalarRoots() throws {
        #expect(try Parsed("  42 ").layout == ["number 2..<4 →1"])
        #expect(try Parsed("-1.5e+3").layout == ["number 0..<7 →1"])
        #expect(try Parsed(#""abc""#).layout == ["string 0..<5 →1"])
        #expect(try Parsed(#""a\nb""#).layout == ["string 0..<6 →1 esc"])
        #expect(try Parsed("\ttrue\n").layout == ["true 1..<5 →1"])
        #expect(try Parsed("false").layout == ["false 0..<5 →1"])
        #expect(try Parsed("\r\nnull").layout == ["null 2..<6 →1"])
        #expect(try Parsed("[]").layout == ["array 0..<2 →1"])
        #expect(try Parsed(" { } ").layout == ["object 1..<4 →1"])
    }

    @Test func nestedLayout() throws {
        // 0         1         2
        // 0123456789012345678901234567
        // {"a":[1,{"b":null}],"c":"x"}
        let parsed = try Parsed(#"{"a":[1,{"b":null}],"c":"x"}"#)
        #expect(
            parsed.layout == [
                "object 0..<28 →9",
                "string 1..<4 →2",
                "array 5..<19 →7",
                "number 6..<7 →4",
                "object 8..<18 →7",
                "string 9..<12 →6",
                "null 13..<17 →7",
                "string 20..<23 →8",
                "string 24..<27 →9",
            ])
    }

    @Test func whitespaceEverywhere() throws {
        let parsed = try Parsed(" [ 1 , { \"k\" : [ ] , \"e\" : { } } , \"s\" ]\n")
        #expect(
            parsed.layout == [
                "array 1..<40 →8",
                "number 3..<4 →2",
                "object 7..<32 →7",
                "string 9..<12 →4",
                "array 15..<18 →5",
                "string 21..<24 →6",
                "object 27..<30 →7",
                "string 35..<38 →8",
            ])
    }

    @Test func depthLimit() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let parsed = try Parsed(text)
        #expect(parsed.tokens.count == 64)
        #expect(parsed.tokens.last.map { "\($0.start)..<\($0.end) →\($0.next)" } == "63..<65 →64")
        #expect(parsed.tokens[0].next == 64)
        let objects = String(repeating: #"{"a":"#, count: 64) + "1" + String(repeating: "}", count: 64)
        #expect(try Parsed(objects).tokens.count == 129)
        // Depth is nesting, not the number of containers.
        let siblings =
            "["
            + Array(
                repeating: String(repeating: "[", count: 63) + String(repeating: "]", count: 63),
                count: 3
            ).joined(separator: ",") + "]"
        #expect(try Parsed(siblings).tokens.count == 1 + 3 * 63)
    }

    // MARK: Navigation

    @Test func memberLookup() throws {
        let parsed = try Parsed(
            #"{"p\u0061yload":{"x":1},"a":1,"a":2,"\u00e9":3,"":4,"a\/b":5,"é":6,"lo":"ng","lon":7}"#)
        let payload = try #require(parsed.member(0, "payload"))
        #expect(parsed.tokens[payload].kind == .object)
        #expect(parsed.member(payload, "x").flatMap(parsed.int64) == 1)
        #expect(parsed.member(0, "a").flatMap(parsed.int64) == 2)  // duplicate: last wins
        #expect(parsed.member(0, "é").flatMap(parsed.int64) == 6)  // "\u00e9" then raw "é": last wins
        #expect(parsed.member(0, "").flatMap(parsed.int64) == 4)
        #expect(parsed.member(0, "a/b").flatMap(parsed.int64) == 5)
        #expect(parsed.member(0, "lon").flatMap(parsed.int64) == 7)
        #expect(parsed.member(0, "lo").flatMap(parsed.string) == "ng")
        #expect(parsed.member(0, "p\\u0061yload") == nil)  // compared unescaped, never on the raw text
        #expect(parsed.member(0, "x") == nil)  // only direct members
        #expect(parsed.member(0, "A") == nil)
        #expect(parsed.member(0, "payloa") == nil)
        #expect(parsed.member(0, "payloads") == nil)
        #expect(parsed.member(payload + 1, "x") == nil)  // a key token is not an object
        let array = try Parsed(#"[{"a":1}]"#)
        #expect(array.member(0, "a") == nil)
        #expect(array.member(1, "a") == 3)
        #expect(try Parsed("{}").member(0, "a") == nil)
    }

    @Test func keyEquals() throws {
        let parsed = try Parsed(#"{"sym\u0062ol":1,"ts":2,"\ud83d\ude00":3}"#)
        #expect(parsed.tape.keyEquals(1, "symbol", in: parsed.bytes))
        #expect(!parsed.tape.keyEquals(1, "symbo", in: parsed.bytes))
        #expect(!parsed.tape.keyEquals(1, "symbolx", in: parsed.bytes))
        #expect(parsed.tape.keyEquals(3, "ts", in: parsed.bytes))
        #expect(!parsed.tape.keyEquals(4, "2", in: parsed.bytes))  // a number is not a key
        #expect(parsed.tape.keyEquals(5, "😀", in: parsed.bytes))
    }

    @Test func membersAndElements() throws {
        let parsed = try Parsed(#"{"b":[1,[2,3],{"x":[]},4],"a":null,"b":true}"#)
        var seen: [String] = []
        parsed.tape.forEachMember(0) { key, value in seen.append("\(parsed.string(key)!)=\(parsed.raw(value))") }
        #expect(seen == [#"b=[1,[2,3],{"x":[]},4]"#, "a=null", "b=true"])
        let array = try #require(parsed.tape.tokens.indices.first { parsed.tokens[$0].kind == .array })
        #expect(parsed.tape.elements(array).map(parsed.raw) == ["1", "[2,3]", #"{"x":[]}"#, "4"])
        var viaForEach: [Int] = []
        parsed.tape.forEachElement(array) { viaForEach.append($0) }
        #expect(viaForEach == Array(parsed.tape.elements(array)))
        #expect(parsed.tape.count(0) == 3)
        #expect(parsed.tape.count(array) == 4)
        #expect(parsed.tape.count(array + 1) == nil)
        // The wrong kind gives nothing.
        #expect(Array(parsed.tape.elements(0)).isEmpty)
        parsed.tape.forEachMember(array) { _, _ in Issue.record("an array has no members") }
        parsed.tape.forEachElement(0) { _ in Issue.record("an object has no elements") }
        #expect(Array(try Parsed("[]").tape.elements(0)).isEmpty)
        #expect(try Parsed("{}").tape.count(0) == 0)
    }

    // MARK: Values

    @Test func strings() throws {
        let parsed = try Parsed(
            #"["plain","q\"b\\s\/b\bf\fn\nr\rt\t","\u0041\u00e9\u20AC\ud83d\ude00","héllo €😀","\u0000",""]"#)
        #expect(parsed.string(1) == "plain")
        #expect(parsed.string(2) == "q\"b\\s/b\u{08}f\u{0C}n\nr\rt\t")
        #expect(parsed.string(3) == "Aé€😀")
        #expect(parsed.string(4) == "héllo €😀")
        #expect(parsed.string(5) == "\u{0}")
        #expect(parsed.string(6) == "")
        #expect(parsed.raw(2) == #"q\"b\\s\/b\bf\fn\nr\rt\t"#)  // escapes not resolved
        #expect(parsed.raw(6) == "")
        #expect(parsed.tokens.map(\.hasEscapes) == [false, false, true, true, false, true, false])
        #expect(parsed.string(0) == nil)
        #expect(try Parsed("1").string(0) == nil)
        let long = String(repeating: "abcdefé", count: 40) + "\\n" + String(repeating: "x", count: 17)
        #expect(
            try Parsed("\"\(long)\"").string(0) == String(repeating: "abcdefé", count: 40) + "\n"
                + String(repeating: "x", count: 17))
    }

    /// Puts each special byte at every position of strings long enough for the 8-byte scan, at every alignment.
    @Test func specialBytesAtEveryPosition() throws {
        for length in 0..<24 {
            for position in 0..<length {
                var body = Array(repeating: UInt8(ascii: "a"), count: length)
                body[position] = 0x1F
                #expect(parseError([quote] + body + [quote])?.byteOffset == 1 + position)
                body[position] = 0xFF
                #expect(parseError([quote] + body + [quote])?.byteOffset == 1 + position)
                body[position] = 0x7F  // DEL is allowed raw
                #expect(try Parsed([quote] + body + [quote]).string(0)?.utf8.count == length)
                body[position] = quote  // ends the string early: the next byte is reported
                let error = parseError([UInt8(ascii: "["), quote] + body + [quote, UInt8(ascii: "]")])
                let message = "expected ',' or ']' after array element"
                #expect(error == JSONSyntaxError(byteOffset: position + 3, message: message))
                body[position] = UInt8(ascii: "\\")
                body.insert(UInt8(ascii: "n"), at: position + 1)
                let escaped = try Parsed([quote] + body + [quote])
                #expect(escaped.tokens[0].hasEscapes)
                #expect(
                    escaped.string(0) == String(repeating: "a", count: position) + "\n"
                        + String(repeating: "a", count: length - position - 1))
            }
        }
    }

    /// Every lead byte with every second byte, and with the boundary second bytes and sample further bytes, against
    /// the standard library's validation.
    @Test func utf8MatchesStandardLibrary() throws {
        var bodies: [[UInt8]] = []
        for lead in UInt8(0x80)...0xFF {
            for second in UInt8(0)...0xFF {
                bodies += [[lead, second, 0x80, 0x80], [lead, second, 0x80, 0x41], [lead, second, 0x41, 0x41]]
            }
            for second: UInt8 in [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF] {
                for third: UInt8 in [0x41, 0x80, 0xBF, 0xC0] {
                    for fourth: UInt8 in [0x41, 0x80, 0xBF, 0xC0] { bodies.append([lead, second, third, fourth]) }
                }
            }
        }
        var accepted = 0
        for body in bodies {
            let expected = String(validating: body, as: UTF8.self)
            let error = parseError([quote] + body + [quote])
            #expect((expected == nil) == (error != nil), "\(body)")
            if let error {
                #expect(error.message == "invalid UTF-8" && (1...4).contains(error.byteOffset), "\(body)")
            } else {
                #expect(try Parsed([quote] + body + [quote]).string(0) == expected)
                accepted += 1
            }
        }
        #expect(accepted > 1_000)
    }

    @Test(
        arguments: [
            ("181.23", 181.23), ("1e-7", 1e-7), ("0", 0), ("-0", -0.0), ("-0.0", -0.0), ("0e400", 0), ("-0e-5", -0.0),
            ("1", 1), ("-1.5", -1.5), ("123.456", 123.456), ("1E2", 100), ("1e+2", 100), ("0.1", 0.1),
            ("9007199254740993", 9_007_199_254_740_992), ("9007199254740995", 9_007_199_254_740_996),
            ("1e22", 1e22), ("1e23", 1e23), ("1.7976931348623157e308", .greatestFiniteMagnitude),
            ("5e-324", .leastNonzeroMagnitude), ("2.4e-324", 0), ("1e-400", 0),
            ("0.000000000000000000000000000001", 1e-30),
            ("123456789012345678901234567890", 123456789012345678901234567890.0),
            ("-9223372036854775808", -9_223_372_036_854_775_808), ("0.30000000000000004", 0.30000000000000004),
        ] as [(String, Double)])
    func doubles(_ text: String, _ expected: Double) throws {
        let value = try #require(try Parsed(text).double(0))
        #expect(value.bitPattern == expected.bitPattern, "\(value)")
    }

    @Test func nonFiniteAndWrongKindDoubles() throws {
        #expect(try Parsed("1e400").double(0) == nil)
        #expect(try Parsed("-1e400").double(0) == nil)
        #expect(try Parsed("1.8e308").double(0) == nil)
        #expect(try Parsed(#""1""#).double(0) == nil)
        #expect(try Parsed("true").double(0) == nil)
    }

    /// Random decimal texts against `Double(String)`, covering both the exact fast path and the fallback.
    @Test func doublesMatchStandardLibrary() throws {
        var random = SplitMix64(seed: 7)  // from DecimalTests
        for _ in 0..<20_000 {
            var text = random.next() % 4 == 0 ? "-" : ""
            let integerDigits = Int(random.next() % 22)
            text += integerDigits == 0 ? "0" : String(random.next() % 9 + 1)
            for _ in 0..<max(integerDigits - 1, 0) { text += String(random.next() % 10) }
            if random.next() % 2 == 0 {
                text += "."
                for _ in 0...random.next() % 20 { text += String(random.next() % 10) }
            }
            if random.next() % 2 == 0 { text += "e" + String(Int(random.next() % 80) - 40) }
            let expected = try #require(Double(text))
            #expect(try Parsed(text).double(0)?.bitPattern == expected.bitPattern, "\(text)")
        }
    }

    @Test func int64Boundaries() throws {
        #expect(try Parsed("9223372036854775807").int64(0) == .max)
        #expect(try Parsed("-9223372036854775808").int64(0) == .min)
        #expect(try Parsed("9223372036854775808").int64(0) == nil)
        #expect(try Parsed("-9223372036854775809").int64(0) == nil)
        #expect(try Parsed("99999999999999999999").int64(0) == nil)
        #expect(try Parsed("0").int64(0) == 0)
        #expect(try Parsed("-0").int64(0) == 0)
        #expect(try Parsed("42").int64(0) == 42)
        #expect(try Parsed("1.0").int64(0) == nil)
        #expect(try Parsed("1e2").int64(0) == nil)
        #expect(try Parsed(#""1""#).int64(0) == nil)
    }

    @Test func literals() throws {
        let parsed = try Parsed("[true,false,null,0]")
        #expect(parsed.tape.bool(1) == true)
        #expect(parsed.tape.bool(2) == false)
        #expect(parsed.tape.bool(3) == nil)
        #expect(parsed.tape.bool(4) == nil)
        #expect(parsed.tape.isNull(3))
        #expect(!parsed.tape.isNull(4))
        #expect(!parsed.tape.isNull(0))
        #expect(parsed.raw(0) == "[true,false,null,0]")
        #expect(parsed.raw(3) == "null")
    }

    // MARK: Errors

    @Test(arguments: jsonTapeInvalidCases)
    func invalid(_ testCase: JSONTapeInvalidCase) {
        let error = parseError(testCase.bytes)
        #expect(error == JSONSyntaxError(byteOffset: testCase.offset, message: testCase.message))
        #expect(error?.description == testCase.message)
    }

    @Test func inputTooLarge() throws {
        // Never read: the size is checked first.
        let byte = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        defer { byte.deallocate() }
        byte.initialize(to: UInt8(ascii: "1"))
        var tape = JSONTape()
        let huge = UnsafeBufferPointer(start: UnsafePointer(byte), count: Int(Int32.max) + 1)
        #expect(throws: JSONSyntaxError(byteOffset: Int(Int32.max), message: "input too large")) {
            try tape.parse(huge)
        }
        try tape.parse(UnsafeBufferPointer(start: UnsafePointer(byte), count: 1))
        #expect(tape.tokens.count == 1)
    }

    @Test func failedParseEmptiesTheTape() throws {
        let parsed = try Parsed("[1,2,3]")
        #expect(parsed.tokens.count == 4)
        let bad = Array("[1,2,".utf8)
        #expect(throws: JSONSyntaxError.self) {
            try bad.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try parsed.tape.parse(buffer) }
        }
        #expect(parsed.tokens.isEmpty)
    }

    // MARK: Reuse

    @Test func reuseShowsOnlyTheLatestDocument() throws {
        let big = "[" + (0..<500).map { #"{"i":\#($0),"s":"x\#($0)"}"# }.joined(separator: ",") + "]"
        let small = #"{"k":[true]}"#
        var tape = JSONTape(capacity: 0)
        try Array(big.utf8).withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try tape.parse(buffer) }
        #expect(tape.tokens.count == 1 + 500 * 5)
        let capacity = tape.tokens.capacity
        let smallBytes = Array(small.utf8)
        try smallBytes.withUnsafeBufferPointer { buffer in
            try tape.parse(buffer)
            #expect(
                tape.tokens.map { "\($0.kind) \($0.start)..<\($0.end) →\($0.next)" } == [
                    "object 0..<12 →4", "string 1..<4 →2", "array 5..<11 →4", "true 6..<10 →4",
                ])
            #expect(tape.member(0, "k", in: buffer) == 2)
            #expect(tape.member(0, "i", in: buffer) == nil)
        }
        #expect(tape.tokens.capacity == capacity)
    }

    @Test func secondParseOfATypicalLineKeepsCapacity() throws {
        let line = Array(envelopeLine.utf8)
        var tape = JSONTape()
        try line.withUnsafeBufferPointer { buffer in
            try tape.parse(buffer)
            let capacity = tape.tokens.capacity
            let count = tape.tokens.count
            try tape.parse(buffer)
            #expect(tape.tokens.capacity == capacity)
            #expect(tape.tokens.count == count)
            // The fields a market-data reader needs.
            let payload = try #require(tape.member(0, "payload", in: buffer))
            #expect(tape.member(0, "symbol", in: buffer).flatMap { tape.string($0, in: buffer) } == "AAPL")
            #expect(tape.member(0, "seq", in: buffer).flatMap { tape.int64($0, in: buffer) } == 184_467)
            #expect(tape.member(payload, "bp", in: buffer).flatMap { tape.double($0, in: buffer) } == 181.23)
            #expect(tape.member(payload, "ap", in: buffer).flatMap { tape.double($0, in: buffer) } == 181.25)
            #expect(tape.member(payload, "c", in: buffer).map { tape.isNull($0) } == false)
        }
    }

    // MARK: Round trips

    @Test func roundTripsJSONWriterOutput() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<300 {
            let value = randomValue(&random, depth: 0)
            let canonical = try JSONWriter.canonical(value)
            #expect(try JSONWriter.canonical(Parsed(canonical).value()) == canonical)
            let pretty = Array(try JSONWriter.pretty(value).utf8)
            #expect(try JSONWriter.canonical(Parsed(pretty).value()) == canonical)
        }
    }
}

private let envelopeLine =
    #"{"v":1,"type":"quote","source":"alpaca","symbol":"AAPL","seq":184467,"#
    + #""ts":"2024-03-15T14:30:00.123456Z","received_at":"2024-03-15T14:30:00.124001Z","#
    + #""payload":{"bp":181.23,"bs":3,"ap":181.25,"as":5,"bx":"Q","ax":"P","c":["R"],"z":"C"},"#
    + #""meta":{"venue":"iex","feed":"sip","latency_us":551,"replay":false}}"#

private func randomString(_ random: inout SplitMix64) -> String {
    let pool: [Unicode.Scalar] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1F}", "\n", "\t", "\u{7F}",
        "é", "€", "\u{2028}", "😀", "\u{10FFFF}", "\u{FFFD}",
    ]
    var text = ""
    for _ in 0..<random.next() % 20 { text.unicodeScalars.append(pool[Int(random.next() % UInt64(pool.count))]) }
    return text
}

private func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
    switch random.next() % (depth < 6 ? 8 : 6) {
    case 0: return .null
    case 1: return .bool(random.next() % 2 == 0)
    case 2: return .integer(Int64(bitPattern: random.next()) >> (random.next() % 64))
    case 3:
        let value = Double(bitPattern: random.next())
        return .double(value.isFinite ? value : Double(Int64(bitPattern: random.next()) % 100_000) / 64)
    case 4, 5: return .string(randomString(&random))
    case 6: return .array((0..<random.next() % 5).map { _ in randomValue(&random, depth: depth + 1) })
    default:
        var members: [String: JSONValue] = [:]
        for _ in 0..<random.next() % 5 { members[randomString(&random)] = randomValue(&random, depth: depth + 1) }
        return .object(members)
    }
}
