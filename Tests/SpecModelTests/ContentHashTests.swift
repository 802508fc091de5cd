import SpecModel
import Testing

struct HashVector: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let hex: String
    var testDescription: String { label }
}

/// Independent reference values: computed with the Python `xxhash` package 4.1.0 (bundling libxxhash 0.8.4) via
/// `xxhash.xxh3_128_hexdigest(data)`, not with this code. Do not regenerate them from `ContentHash`.
let hashVectors: [HashVector] = [
    HashVector(label: "empty", bytes: [], hex: "99aa06d3014798d86001c324468d497f"),
    HashVector(label: "a", bytes: Array("a".utf8), hex: "a96faf705af16834e6c632b61e964e1f"),
    HashVector(label: "abc", bytes: Array("abc".utf8), hex: "06b05ab6733a618578af5f94892f3950"),
    HashVector(label: "torghut", bytes: Array("torghut".utf8), hex: "7aa17d21706ce853b192c9303316a735"),
    HashVector(label: "1000 bytes i % 251", bytes: patternBytes, hex: "18bf41bc8229e27733ef703fb2b20ed1"),
    HashVector(label: "canonical JSON", bytes: Array(canonicalJSONText.utf8), hex: canonicalJSONHex),
]

/// `bytes(i % 251 for i in range(1000))`.
let patternBytes: [UInt8] = (0..<1_000).map { UInt8($0 % 251) }

/// Produced in Python with `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` on
/// `{"price": "0.0003", "é名": [1, [True, None], "line\nbreak\u0001"], "B": -3, "a": 1.5,`
/// ` "emoji😀": {"x": "-12.5"}}` (decimals written as their canonical strings by hand; Python sorts keys by code
/// point, which equals UTF-8 byte order).
let canonicalJSONText = #"{"B":-3,"a":1.5,"emoji😀":{"x":"-12.5"},"price":"0.0003","#
    + #""é名":[1,[true,null],"line\nbreak\u0001"]}"#
let canonicalJSONHex = "a2b41ee51e67ffa6a0ac70351f36c5d6"

/// The same document as a `JSONValue`, with a non-canonical decimal spelling on purpose.
let canonicalJSONValue: JSONValue = [
    "price": .decimal(Decimal("0.00030")!),
    "é名": [1, [true, nil], "line\nbreak\u{01}"],
    "B": -3,
    "a": .double(1.5),
    "emoji😀": ["x": .decimal(Decimal("-12.50")!)],
]

@Suite struct ContentHashTests {
    @Test(arguments: hashVectors)
    func knownVectors(_ vector: HashVector) {
        let hash = ContentHash.of(bytes: vector.bytes)
        #expect(hash.description == vector.hex, "\(vector.label)")
        #expect(vector.bytes.withUnsafeBytes { ContentHash.of($0) } == hash, "\(vector.label)")
        #expect(ContentHash(hex: vector.hex) == hash, "\(vector.label)")
    }

    @Test func canonicalWriterMatchesPythonBytes() throws {
        let bytes = try JSONWriter.canonical(canonicalJSONValue)
        #expect(bytes == Array(canonicalJSONText.utf8))
        #expect(try ContentHash.of(canonical: canonicalJSONValue).description == canonicalJSONHex)
    }

    @Test func emptyHashParts() {
        let empty = ContentHash.of(bytes: [])
        #expect(empty.high == 0x99aa_06d3_0147_98d8)
        #expect(empty.low == 0x6001_c324_468d_497f)
        #expect(ContentHash.of(UnsafeRawBufferPointer(start: nil, count: 0)) == empty)
    }

    @Test func hexParsing() {
        #expect(ContentHash(hex: "99AA06D3014798D86001C324468D497F")?.description == "99aa06d3014798d86001c324468d497f")
        #expect(ContentHash(hex: "00000000000000000000000000000001") == ContentHash(high: 0, low: 1))
        #expect(ContentHash(high: 0, low: 1).description == "00000000000000000000000000000001")
        #expect(ContentHash(hex: "") == nil)
        #expect(ContentHash(hex: "99aa06d3014798d86001c324468d497") == nil)
        #expect(ContentHash(hex: "99aa06d3014798d86001c324468d497f0") == nil)
        #expect(ContentHash(hex: "99aa06d3014798d86001c324468d497g") == nil)
        #expect(ContentHash(hex: "0x99aa06d3014798d86001c324468d49") == nil)
        #expect(ContentHash(hex: "99aa06d3014798d86001c324468d497é") == nil)
    }

    @Test func orderingMatchesHexOrdering() {
        let hashes = hashVectors.map { ContentHash.of(bytes: $0.bytes) }
        #expect(hashes.sorted().map(\.description) == hashes.map(\.description).sorted())
        #expect(ContentHash(high: 1, low: 0) > ContentHash(high: 0, low: .max))
    }

    @Test func streamingEqualsOneShotForAnyChunking() {
        let data = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 3) }
        let expected = ContentHash.of(bytes: data)
        var generator = SplitMix64(seed: 42)
        // Fixed chunk sizes around XXH3's internal 64-byte stripe and 1024-byte block, then random chunkings.
        var chunkings: [[Int]] = [[1], [63], [64], [65], [240], [1_024], [1_025], [5_000]].map { $0 }
        for _ in 0..<50 {
            chunkings.append((0..<8).map { _ in Int(generator.next() % 700) })
        }
        for sizes in chunkings {
            var hasher = ContentHasher()
            var offset = 0
            var turn = 0
            while offset < data.count {
                let size = min(max(sizes[turn % sizes.count], 0), data.count - offset)
                turn += 1
                hasher.update(Array(data[offset..<(offset + size)]))
                offset += size
                if turn > 100_000 { break }  // All-zero random chunking; covered below.
            }
            if offset < data.count {
                hasher.update(Array(data[offset...]))
            }
            #expect(hasher.finalize() == expected, "chunk sizes \(sizes)")
        }
    }

    @Test func streamingKnownVectorsAndEmpty() {
        #expect(ContentHasher().finalize().description == "99aa06d3014798d86001c324468d497f")
        var hasher = ContentHasher()
        hasher.update(Array("tor".utf8))
        hasher.update([])
        Array("ghut".utf8).withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalize().description == "7aa17d21706ce853b192c9303316a735")
    }

    @Test func hasherCopiesAreIndependent() {
        var first = ContentHasher()
        first.update(Array("tor".utf8))
        var second = first
        second.update(Array("ghut".utf8))
        #expect(first.finalize() == ContentHash.of(bytes: Array("tor".utf8)))
        #expect(second.finalize().description == "7aa17d21706ce853b192c9303316a735")
        first.update(Array("ghut".utf8))
        #expect(first.finalize() == second.finalize())
        // finalize does not consume: more updates continue the same stream.
        first.update(Array("!".utf8))
        #expect(first.finalize() == ContentHash.of(bytes: Array("torghut!".utf8)))
    }
}
