import SpecModel
import Testing

private func canonicalText(_ value: JSONValue) throws -> String {
    String(decoding: try JSONWriter.canonical(value), as: UTF8.self)
}

struct DoubleCase: Sendable, CustomTestStringConvertible {
    let value: Double
    let text: String
    var testDescription: String { "\(value) -> \(text)" }
}

/// Expected texts are what `JSON.stringify` prints in Node.js (ECMAScript Number::toString), checked by hand.
let doubleCases: [DoubleCase] = [
    DoubleCase(value: 0.1, text: "0.1"),
    DoubleCase(value: 100.0, text: "100"),
    DoubleCase(value: 1e21, text: "1e+21"),
    DoubleCase(value: 1.5e21, text: "1.5e+21"),
    DoubleCase(value: 1e20, text: "100000000000000000000"),
    DoubleCase(value: 9.999999999999999e20, text: "999999999999999900000"),
    DoubleCase(value: 1e-7, text: "1e-7"),
    DoubleCase(value: -1e-7, text: "-1e-7"),
    DoubleCase(value: 1.2345e-7, text: "1.2345e-7"),
    DoubleCase(value: 123456789012345683968, text: "123456789012345680000"),
    DoubleCase(value: .leastNonzeroMagnitude, text: "5e-324"),
    DoubleCase(value: 3 * .leastNonzeroMagnitude, text: "1.5e-323"),
    DoubleCase(value: .greatestFiniteMagnitude, text: "1.7976931348623157e+308"),
    DoubleCase(value: -0.0, text: "0"),
    DoubleCase(value: 0.0, text: "0"),
    DoubleCase(value: 0.000001, text: "0.000001"),
    DoubleCase(value: 1.23e-18, text: "1.23e-18"),
    DoubleCase(value: 1.5, text: "1.5"),
    DoubleCase(value: -1.5, text: "-1.5"),
    DoubleCase(value: 123.456, text: "123.456"),
    DoubleCase(value: 0.3 - 0.1, text: "0.19999999999999998"),
    DoubleCase(value: 1.0 / 3.0, text: "0.3333333333333333"),
    DoubleCase(value: 9007199254740992, text: "9007199254740992"),
    DoubleCase(value: 9223372036854775808, text: "9223372036854776000"),
    DoubleCase(value: 1e16, text: "10000000000000000"),
]

@Suite struct JSONWriterTests {
    @Test func keysSortedByUTF8Bytes() throws {
        // UTF-8 order: "" < "B" < "Z" < "a" < "aa" < "z" < "é" (C3 A9) < "ｚ" (EF BD 9A) < "😀" (F0 9F 98 80).
        // UTF-16 order would put "😀" (D83D) before "ｚ" (FF5A); String `<` would not be byte order either.
        let value: JSONValue = ["a": 1, "😀": 2, "B": 3, "é": 4, "ｚ": 5, "Z": 6, "aa": 7, "": 8, "z": 9]
        #expect(try canonicalText(value) == #"{"":8,"B":3,"Z":6,"a":1,"aa":7,"z":9,"é":4,"ｚ":5,"😀":2}"#)
    }

    @Test func decimalsAreCanonicalStrings() throws {
        let padded = JSONValue.decimal(try #require(Decimal("0.00030")))
        let plain = JSONValue.decimal(try #require(Decimal("0.0003")))
        #expect(try canonicalText(padded) == #""0.0003""#)
        #expect(try JSONWriter.canonical(padded) == JSONWriter.canonical(plain))
        #expect(try canonicalText(.decimal(Decimal(units: -1))) == #""-0.000000001""#)
        #expect(try canonicalText(.decimal(.zero)) == #""0""#)
    }

    @Test func integers() throws {
        #expect(try canonicalText(.integer(0)) == "0")
        #expect(try canonicalText(.integer(-42)) == "-42")
        #expect(try canonicalText(.integer(.max)) == "9223372036854775807")
        #expect(try canonicalText(.integer(.min)) == "-9223372036854775808")
    }

    @Test(arguments: doubleCases)
    func doubles(_ testCase: DoubleCase) throws {
        #expect(try canonicalText(.double(testCase.value)) == testCase.text)
        #expect(try JSONWriter.pretty(.double(testCase.value)) == testCase.text + "\n")
    }

    @Test(arguments: [Double.nan, -.nan, .signalingNaN, .infinity, -.infinity])
    func nonFiniteDoublesThrow(_ value: Double) {
        #expect(throws: JSONWriterError.nonFiniteNumber) { try JSONWriter.canonical(.double(value)) }
        #expect(throws: JSONWriterError.nonFiniteNumber) { try JSONWriter.canonical(["k": [.double(value)]]) }
        #expect(throws: JSONWriterError.nonFiniteNumber) { try JSONWriter.pretty([.double(value)]) }
    }

    @Test func stringEscapes() throws {
        let text = "a\"b\\c\u{01}\n\t\u{08}\u{0C}\r\u{1F}\u{7F}😀\u{2028}é/"
        // Only `"`, `\` and C0 controls are escaped; DEL, the emoji, U+2028, é and "/" stay raw UTF-8.
        let expected = #""a\"b\\c\u0001\n\t\b\f\r\u001f"# + "\u{7F}😀\u{2028}é/\""
        #expect(try canonicalText(.string(text)) == expected)
        #expect(try JSONWriter.canonical(.string("😀")) == [0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22])
        #expect(try canonicalText(.string("\u{00}")) == #""\u0000""#)
        #expect(try canonicalText(["\u{0B}k\"": "v"]) == #"{"\u000bk\"":"v"}"#)
    }

    @Test func scalarsAndLiterals() throws {
        let value: JSONValue = [nil, true, false, 7, "s", [], [:]]
        #expect(try canonicalText(value) == #"[null,true,false,7,"s",[],{}]"#)
    }

    @Test func nestedStructures() throws {
        let value: JSONValue = [
            "orders": [
                ["side": "buy", "qty": .decimal(Decimal("1.50")!), "px": .double(101.25)],
                ["side": "sell", "tags": ["a", ["b": nil]]],
            ],
            "count": 2,
            "meta": ["empty": [:], "list": []],
        ]
        let expected = #"{"count":2,"meta":{"empty":{},"list":[]},"orders":[{"px":101.25,"qty":"1.5","side":"buy"},"#
            + #"{"side":"sell","tags":["a",{"b":null}]}]}"#
        #expect(try canonicalText(value) == expected)
    }

    @Test func deepNesting() throws {
        var value: JSONValue = .integer(1)
        for level in 0..<1_000 {
            value = level.isMultiple(of: 2) ? .array([value]) : .object(["k": value])
        }
        let bytes = try JSONWriter.canonical(value)
        #expect(bytes.count == 500 * 2 + 500 * 6 + 1)
        #expect(try JSONWriter.pretty(value).hasSuffix("}\n"))
    }

    @Test func prettyExactText() throws {
        let value: JSONValue = [
            "name": "torghut",
            "tick": .decimal(Decimal("0.0100")!),
            "ratio": .double(0.5),
            "tags": ["a", 2, nil],
            "empty": [:],
            "none": [],
            "nested": ["ok": true],
        ]
        let expected = """
            {
              "empty": {},
              "name": "torghut",
              "nested": {
                "ok": true
              },
              "none": [],
              "ratio": 0.5,
              "tags": [
                "a",
                2,
                null
              ],
              "tick": "0.01"
            }

            """
        #expect(try JSONWriter.pretty(value) == expected)
        #expect(try JSONWriter.pretty([:]) == "{}\n")
        #expect(try JSONWriter.pretty("x\n") == "\"x\\n\"\n")
    }
}
