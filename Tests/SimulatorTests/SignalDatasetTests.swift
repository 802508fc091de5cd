import Runtime
import Simulator
import SpecCompiler
import SpecModel
import Testing

/// Every field of a record with doubles as bit patterns and strings as scalars, so comparisons see -0.0, NaN payloads
/// and canonically equivalent spellings that `==` would let through.
func fingerprint(_ r: SignalRecord) -> [String] {
    func d(_ x: Double?) -> String { x.map { String($0.bitPattern, radix: 16) } ?? "nil" }
    func s(_ x: String?) -> String {
        x.map { "\"" + $0.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ") + "\"" } ?? "nil"
    }
    func t(_ x: Int64?) -> String { x.map(String.init) ?? "nil" }
    var out = [
        t(r.ingestTime), t(r.eventTime), s(r.symbol), t(r.seq), s(r.timeframe.rawValue), s(r.featureSchemaVersion),
        r.isFinal.map { "\($0)" } ?? "nil", s(r.signalQualityFlag), s(r.source), r.version.map { "\($0)" } ?? "nil",
        d(r.close), d(r.rsi14),
    ]
    out.append(r.window.map { "window \(s($0.size)) \(s($0.step)) \(t($0.start)) \(t($0.end))" } ?? "no window")
    out.append(r.macd.map { "macd \(d($0.macd)) \(d($0.signal)) \(d($0.hist))" } ?? "no macd")
    out.append(r.ema.map { "ema \(d($0.ema12)) \(d($0.ema26))" } ?? "no ema")
    out.append(r.boll.map { "boll \(d($0.mid)) \(d($0.upper)) \(d($0.lower))" } ?? "no boll")
    out.append(r.vwap.map { "vwap \(d($0.session)) \(d($0.w5m))" } ?? "no vwap")
    out.append(
        r.imbalance.map { "imbalance \(d($0.spread)) \(d($0.bidPx)) \(d($0.askPx)) \(d($0.bidSz)) \(d($0.askSz))" }
            ?? "no imbalance")
    out.append(r.volRealized.map { "vol \(d($0.w60s))" } ?? "no vol")
    out.append(
        r.microstructureSignalV1.map { m in
            "micro "
                + [
                    m.schemaVersion, m.symbol, m.horizon, m.uncertaintyBand, m.featureQualityStatus,
                    m.artifactModelID, m.artifactFeatureSchemaVersion, m.artifactTrainingRunID,
                ].map(s).joined(separator: " ")
                + " "
                + [
                    m.directionUp, m.directionFlat, m.directionDown, m.expectedSpreadImpactBps,
                    m.expectedSlippageBps,
                ].map(d).joined(separator: " ")
        } ?? "no micro")
    return out
}

/// Expects `actual` to hold exactly `expected`, bit for bit; reports the first difference.
func expectIdentical(
    _ actual: [SignalRecord], _ expected: [SignalRecord], sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (index, (a, e)) in zip(actual, expected).enumerated() where fingerprint(a) != fingerprint(e) {
        #expect(fingerprint(a) == fingerprint(e), "record \(index)", sourceLocation: sourceLocation)
        return
    }
}

enum Datasets {
    static let directory: String = {
        let path = "/tmp/torghut-dataset-tests"
        _ = FileSystem.makeDirectories(path)
        return path
    }()

    static func path(_ name: String) -> String { FileSystem.join(directory, name) }

    static func readAll(_ reader: inout SignalDatasetReader) throws(DatasetError) -> [SignalRecord] {
        var all: [SignalRecord] = []
        var block: [SignalRecord] = []
        while try reader.nextBlock(into: &block) { all += block }
        return all
    }

    static func decode(_ bytes: [UInt8]) throws(DatasetError) -> [SignalRecord] {
        var reader = try SignalDatasetReader(bytes: bytes)
        return try readAll(&reader)
    }

    static func taFixtureSignals() -> [SignalRecord] {
        var signals: [SignalRecord] = []
        let report = TechnicalAnalysisJob(
            inputs: [TestPaths.fixture("ta/trades.jsonl"), TestPaths.fixture("ta/bars.csv")],
            configuration: TechnicalAnalysisConfiguration()
        ).run { signals.append($0) }
        precondition(report.errorCount == 0)
        return signals
    }

    static func decodeJSONLines(_ path: String) throws -> [SignalRecord] {
        let bytes = try FileSystem.read(path, limit: 64 << 20).get()
        var decoder = SignalJSONDecoder()
        var records: [SignalRecord] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let result = Array(line).withUnsafeBufferPointer { decoder.decode($0) }
            records.append(try result.get())
        }
        return records
    }

    /// A record exercising the optional fields by the bits of `i` (the twelve top-level ones exhaustively over
    /// 0..<4096) and a hash of `i` (nested fields, values: any 64-bit pattern as a double).
    static func synthetic(_ i: Int) -> SignalRecord {
        var state = UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15 &+ 0xD1B5_4A32_D192_ED03
        func next() -> UInt64 {
            state ^= state >> 31
            state = state &* 0xBF58_476D_1CE4_E5B9
            state ^= state >> 29
            return state
        }
        func bit(_ k: Int) -> Bool { (i >> k) & 1 == 1 }
        func coin() -> Bool { next() & 1 == 1 }
        func double() -> Double {
            switch next() % 4 {
            case 0: Double(bitPattern: next())  // anything: NaN payloads, infinities, subnormals
            case 1: Double(Int64(truncatingIfNeeded: next() % 100_000)) / 100
            case 2: -0.0
            default: 181.23 + Double(i)
            }
        }
        let symbols = ["NVDA", "AAPL", "SPY", "\u{C9}TF", "E\u{301}TF", "名字", ""]
        let event =
            i % 97 == 0
            ? (coin() ? Int64.min : Int64.max)
            : 1_772_800_000_000_000_000 + Int64(i % 50) * 1_000_000_000 - Int64(next() % 3)
        var record = SignalRecord(
            ingestTime: coin() ? event : Int64(bitPattern: next()), eventTime: event,
            symbol: symbols[Int(next() % UInt64(symbols.count))], seq: Int64(bitPattern: next() >> UInt64(next() % 64)),
            timeframe: coin() ? .oneSecond : Timeframe(rawValue: "5Min"),
            featureSchemaVersion: bit(11) ? "v\(i % 3)" : nil, isFinal: [nil, false, true][Int(next() % 3)],
            signalQualityFlag: coin() ? nil : "ok", source: bit(10) ? (coin() ? "ta" : "flink") : nil,
            version: coin() ? nil : [1, 0, -1, Int32.max, Int32.min][Int(next() % 5)])
        if bit(0) {
            record.window = SignalRecord.Window(
                size: coin() ? "PT1S" : "", step: coin() ? "PT1S" : nil, start: coin() ? event &- 1_000_000_000 : nil,
                end: coin() ? (coin() ? event : Int64(bitPattern: next())) : nil)
        }
        if bit(1) { record.macd = SignalRecord.MACD(macd: double(), signal: double(), hist: double()) }
        if bit(2) { record.ema = SignalRecord.EMA(ema12: double(), ema26: double()) }
        if bit(3) { record.rsi14 = double() }
        if bit(4) { record.boll = SignalRecord.Bollinger(mid: double(), upper: double(), lower: double()) }
        if bit(5) { record.vwap = SignalRecord.VWAP(session: double(), w5m: coin() ? double() : nil) }
        if bit(6) {
            record.imbalance = SignalRecord.Imbalance(
                spread: double(), bidPx: double(), askPx: double(), bidSz: double(), askSz: double())
        }
        if bit(7) { record.volRealized = SignalRecord.RealizedVolatility(w60s: double()) }
        if bit(8) { record.close = double() }
        if bit(9) {
            func text() -> String? { coin() ? nil : ["a", "model-7", "é", "run \(i % 5)"][Int(next() % 4)] }
            func number() -> Double? { coin() ? nil : double() }
            record.microstructureSignalV1 = SignalRecord.MicrostructureSignalV1(
                schemaVersion: text(), symbol: text(), horizon: text(), directionUp: number(),
                directionFlat: number(), directionDown: number(), uncertaintyBand: text(),
                expectedSpreadImpactBps: number(), expectedSlippageBps: number(), featureQualityStatus: text(),
                artifactModelID: text(), artifactFeatureSchemaVersion: text(), artifactTrainingRunID: text())
        }
        return record
    }

    /// File offsets of the blocks of a dataset.
    static func blockOffsets(_ bytes: [UInt8]) -> [Int] {
        let trailer = Int(u64(bytes, bytes.count - 24))
        var offsets: [Int] = []
        var offset = 16
        while offset < trailer {
            offsets.append(offset)
            offset += 32 + Int(u32(bytes, offset + 4)) + 16
        }
        return offsets
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
    }

    static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
    }

    static func littleEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// XXH3-128 in canonical (big-endian) byte order, computed independently of the writer.
    static func checksum(_ bytes: [UInt8]) -> [UInt8] {
        let hash = ContentHash.of(bytes: bytes)
        return [hash.high, hash.low].flatMap { word in
            (0..<8).reversed().map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) }
        }
    }
}

@Suite struct SignalDatasetRoundTripTests {
    @Test func taFixturesRoundTripExactly() throws {
        let signals = Datasets.taFixtureSignals()
        #expect(signals.count == 1577)
        let path = Datasets.path("ta-fixtures.tgds")
        var writer = try SignalDatasetWriter(path: path)
        for signal in signals { try writer.append(signal) }
        let summary = try writer.finish()
        #expect(summary.rows == 1577 && summary.blocks == 1 && summary.symbols == 3)
        #expect(FileSystem.type(of: path + ".partial") == .missing)

        var reader = try SignalDatasetReader(path: path)
        #expect(reader.metadata.symbols == ["SPY", "AAPL", "NVDA"], "first-appearance order")
        #expect(reader.metadata.timeframes == ["1Min", "1Sec"])
        #expect(reader.metadata.strings == ["ta", "PT1M", "PT1S"])
        #expect(reader.metadata.rowCount == 1577 && reader.metadata.fileLength == summary.bytes)
        var decoded: [SignalRecord] = []
        while let record = try reader.next() { decoded.append(record) }
        #expect(decoded == signals)
        expectIdentical(decoded, signals)
        #expect(reader.recordsRead == 1577 && reader.blocksRead == 1)
        #expect(try reader.next() == nil)
    }

    @Test func flatClickHouseRowsRoundTrip() throws {
        for name in ["ta/expected-native.jsonl", "ta/expected-parity.jsonl"] {
            let records = try Datasets.decodeJSONLines(TestPaths.fixture(name))
            #expect(records.count > 1000)
            #expect(
                records.contains { $0.boll != nil } && records.contains { $0.boll == nil }, "both shapes of a group")
            let decoded = try Datasets.decode(try SignalDatasetWriter.encode(records))
            #expect(decoded == records)
            expectIdentical(decoded, records)
        }
    }

    @Test func everyOptionalFieldCombination() throws {
        let records = (0..<4096).map(Datasets.synthetic)
        for rowsPerBlock in [4096, 1000, 7, 1] {
            let bytes = try SignalDatasetWriter.encode(records, rowsPerBlock: rowsPerBlock)
            var reader = try SignalDatasetReader(bytes: bytes)
            #expect(reader.metadata.blockCount == (4096 + rowsPerBlock - 1) / rowsPerBlock)
            expectIdentical(try Datasets.readAll(&reader), records)
        }
        // The canonically equivalent spellings stay two symbols with their own bytes.
        let metadata = try SignalDatasetReader(bytes: try SignalDatasetWriter.encode(records)).metadata
        #expect(metadata.symbols.contains("\u{C9}TF") && metadata.symbols.count == 7)
        #expect(metadata.symbols.filter { $0.unicodeScalars.first == "E" }.count == 1)
    }

    @Test func negativeZeroSubnormalsAndNaNPayloadsKeepTheirBits() throws {
        let specials: [Double] = [
            -0.0, 0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Double.leastNormalMagnitude.nextDown,
            .greatestFiniteMagnitude, .infinity, -.infinity, .nan, Double(bitPattern: 0x7FF0_0000_0000_0001),
            Double(bitPattern: 0xFFF8_0000_DEAD_BEEF), Double(bitPattern: 0x0000_0123_4567_89AB),
        ]
        let records = specials.enumerated().map { index, value in
            SignalRecord(
                ingestTime: 0, eventTime: Int64(index), symbol: "X", seq: Int64(index), timeframe: .oneSecond,
                macd: .init(macd: value, signal: -value, hist: value), ema: .init(ema12: value, ema26: value),
                rsi14: value, boll: .init(mid: value, upper: value, lower: value),
                vwap: .init(session: value, w5m: value),
                imbalance: .init(spread: value, bidPx: value, askPx: value, bidSz: value, askSz: value),
                volRealized: .init(w60s: value), close: value)
        }
        let decoded = try Datasets.decode(try SignalDatasetWriter.encode(records))
        expectIdentical(decoded, records)
        #expect(decoded[0].close!.sign == .minus && decoded[0].close!.bitPattern == (-0.0).bitPattern)
        #expect(decoded[2].rsi14 == .leastNonzeroMagnitude)
        #expect(decoded[9].close!.bitPattern == 0x7FF0_0000_0000_0001)
    }

    @Test func tenThousandRowsMakeThreeBlocks() throws {
        let records = (0..<10_000).map(Datasets.synthetic)
        let bytes = try SignalDatasetWriter.encode(records)
        var reader = try SignalDatasetReader(bytes: bytes)
        #expect(reader.metadata.blockCount == 3 && reader.metadata.rowCount == 10_000)
        #expect(Datasets.blockOffsets(bytes).count == 3)
        // next() and nextBlock mixed: the rest of a block first, then whole blocks.
        var all: [SignalRecord] = []
        for _ in 0..<10 { all.append(try #require(try reader.next())) }
        var block: [SignalRecord] = []
        var sizes: [Int] = []
        while try reader.nextBlock(into: &block) {
            sizes.append(block.count)
            all += block
        }
        #expect(sizes == [4086, 4096, 1808])
        #expect(block.isEmpty && reader.recordsRead == 10_000 && reader.blocksRead == 3)
        expectIdentical(all, records)
    }

    @Test func identicalInputGivesIdenticalBytes() throws {
        let records = Datasets.taFixtureSignals() + (0..<5000).map(Datasets.synthetic)
        let first = try SignalDatasetWriter.encode(records)
        let second = try SignalDatasetWriter.encode(records)
        #expect(first == second)
        let path = Datasets.path("deterministic.tgds")
        var writer = try SignalDatasetWriter(path: path)
        for record in records { try writer.append(record) }
        try writer.finish()
        #expect(try FileSystem.read(path, limit: 64 << 20).get() == first, "file and memory writers agree")
        #expect(first.starts(with: SignalDatasetFormat.magic) && first.suffix(8).elementsEqual("TGSD-END".utf8))
    }

    @Test func emptyDataset() throws {
        let bytes = try SignalDatasetWriter.encode([])
        #expect(bytes.count == 16 + 68 + 24)
        var reader = try SignalDatasetReader(bytes: bytes)
        #expect(reader.metadata.rowCount == 0 && reader.metadata.blockCount == 0 && reader.metadata.symbols.isEmpty)
        #expect(try reader.next() == nil)
    }

    @Test func partialFileUntilFinishAndDiscardLeavesTheOldFile() throws {
        let path = Datasets.path("partial.tgds")
        try FileSystem.write(path, Array("previous".utf8)).get()
        var writer = try SignalDatasetWriter(path: path)
        try writer.append(Datasets.synthetic(1))
        #expect(FileSystem.type(of: path + ".partial") == .file)
        writer.discard()
        #expect(FileSystem.type(of: path + ".partial") == .missing)
        #expect(try FileSystem.read(path, limit: 100).get() == Array("previous".utf8))
    }
}

@Suite struct SignalDatasetStreamingTests {
    @Test func aLongFileIsReadThroughOneBlockBuffer() throws {
        let path = Datasets.path("fifty-thousand.tgds")
        var writer = try SignalDatasetWriter(path: path)
        let base = Datasets.taFixtureSignals()
        for i in 0..<50_000 {
            var record = base[i % base.count]
            record.eventTime += Int64(i / base.count) * Timestamp.nanosPerDay
            try writer.append(record)
        }
        let summary = try writer.finish()
        var reader = try SignalDatasetReader(path: path)
        let buffer = reader.bufferCapacity
        #expect(reader.blockCapacity == 4096)
        #expect(buffer == reader.metadata.largestBlockLength + 8)
        #expect(buffer * 10 < summary.bytes, "one block, not the file: \(buffer) of \(summary.bytes) bytes")
        var block: [SignalRecord] = []
        block.reserveCapacity(4096)
        var rows = 0
        while try reader.nextBlock(into: &block) {
            rows += block.count
            #expect(block.count <= reader.blockCapacity)
            #expect(reader.bufferCapacity == buffer)
        }
        #expect(rows == 50_000 && reader.blocksRead == 13)
        #expect(block.capacity < 8192, "the caller's array is reused, not grown")
    }
}

@Suite struct SignalDatasetCorruptionTests {
    static let records = (0..<10_000).map(Datasets.synthetic)

    static func expectError(
        _ bytes: [UInt8], _ kind: DatasetError.Kind, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> DatasetError? {
        do {
            var reader = try SignalDatasetReader(bytes: bytes, name: "bad.tgds")
            _ = try Datasets.readAll(&reader)
            Issue.record("no error", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(error.path == "bad.tgds", sourceLocation: sourceLocation)
            return error
        }
    }

    @Test func aFlippedByteInABlockIsAChecksumErrorNamingTheBlock() throws {
        var bytes = try SignalDatasetWriter.encode(Self.records)
        let offsets = Datasets.blockOffsets(bytes)
        bytes[offsets[1] + 1000] ^= 0x01
        var reader = try SignalDatasetReader(bytes: bytes, name: "bad.tgds")
        var block: [SignalRecord] = []
        #expect(try reader.nextBlock(into: &block) && block.count == 4096, "block 0 is intact")
        do {
            _ = try reader.nextBlock(into: &block)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .checksumMismatch && error.block == 1 && error.byteOffset == offsets[1])
            #expect(error.description.hasPrefix("bad.tgds: block 1 at byte \(offsets[1]): checksum mismatch (stored "))
            #expect(block.isEmpty, "no garbage handed out")
            // The reader keeps failing rather than skipping to the next block.
            #expect(throws: error) { try reader.nextBlock(into: &block) }
            #expect(throws: error) { try reader.next() }
        }
        // The checksum covers the block's header too; a damaged length is caught before it is trusted.
        for (position, kind) in [
            (offsets[2], DatasetError.Kind.checksumMismatch), (offsets[2] + 9, .checksumMismatch),
            (offsets[2] + 31, .checksumMismatch), (offsets[2] + 6, .corrupt),
        ] {
            var copy = try SignalDatasetWriter.encode(Self.records)
            copy[position] ^= 0x40
            let error = Self.expectError(copy, kind)
            #expect(error?.block == 2 && error?.byteOffset == offsets[2])
        }
    }

    @Test func truncationBadMagicAndFutureVersions() throws {
        let bytes = try SignalDatasetWriter.encode(Self.records)
        for length in [bytes.count - 1, bytes.count - 24, Datasets.blockOffsets(bytes)[2], 20, 16] {
            let error = Self.expectError(Array(bytes.prefix(length)), .truncated)
            #expect(error?.byteOffset == length && error?.message.hasPrefix("truncated") == true)
        }
        #expect(Self.expectError(Array(bytes.prefix(5)), .truncated)?.byteOffset == 5)
        #expect(Self.expectError([], .truncated)?.byteOffset == 0)

        var magic = bytes
        magic[0] = UInt8(ascii: "{")
        #expect(
            Self.expectError(magic, .badMagic)?.message == "not a torghut signal dataset (no dataset magic at byte 0)")
        #expect(Self.expectError(Array(#"{"event_ts":"2026-03-06T14:30:00Z"}"#.utf8), .badMagic)?.byteOffset == 0)

        var future = bytes
        future[8] = 2
        let version = Self.expectError(future, .unsupportedVersion)
        #expect(version?.byteOffset == 8)
        #expect(version?.message.hasPrefix("unsupported format version 2 (this torghut reads version 1)") == true)
        var flags = bytes
        flags[12] = 1
        #expect(Self.expectError(flags, .unsupportedVersion)?.byteOffset == 12)
    }

    @Test func aDamagedTrailerOrFooter() throws {
        let bytes = try SignalDatasetWriter.encode(Self.records)
        let trailer = Int(Datasets.u64(bytes, bytes.count - 24))
        var damaged = bytes
        damaged[trailer + 50] ^= 0x10  // inside the dictionaries
        let error = Self.expectError(damaged, .checksumMismatch)
        #expect(error?.block == nil && error?.byteOffset == trailer)
        #expect(error?.message.hasPrefix("trailer checksum mismatch") == true)
        var footer = bytes
        footer[bytes.count - 24] ^= 0x01  // the trailer offset
        #expect(Self.expectError(footer, .corrupt)?.byteOffset == bytes.count - 24)
    }

    /// A dataset whose checksums are all valid but whose rows name a symbol the dictionary lacks: rewrites the
    /// trailer with one symbol fewer and a fresh checksum.
    @Test func aSymbolIndexOutOfRangeIsReportedNotTrapped() throws {
        let records = (0..<10).map { i in
            SignalRecord(
                ingestTime: 0, eventTime: Int64(i), symbol: i % 2 == 0 ? "AAA" : "BBB", seq: 1, timeframe: .oneSecond)
        }
        let bytes = try SignalDatasetWriter.encode(records)
        let trailerOffset = Int(Datasets.u64(bytes, bytes.count - 24))
        let trailer = Array(bytes[trailerOffset..<(bytes.count - 24 - 16)])
        #expect(
            Array(trailer[40..<58]) == [2, 0, 0, 0, 3, 0, 0, 0] + Array("AAA".utf8) + [3, 0, 0, 0] + Array("BBB".utf8))
        var shorter = Array(trailer[0..<40]) + [1, 0, 0, 0, 3, 0, 0, 0] + Array("AAA".utf8) + Array(trailer[58...])
        shorter += Datasets.checksum(shorter)
        let crafted =
            Array(bytes[0..<trailerOffset]) + shorter + Datasets.littleEndian(UInt64(trailerOffset))
            + Datasets.littleEndian(UInt64(shorter.count)) + Array("TGSD-END".utf8)
        let error = Self.expectError(crafted, .indexOutOfRange)
        #expect(error?.block == 0)
        #expect(error?.message == "row 1: symbol index 1 is out of range (0..<1)")
    }
}

@Suite struct SignalFilesJobTests {
    static func write(_ name: String, _ lines: [String]) throws -> String {
        let path = Datasets.path(name)
        try FileSystem.write(path, Array(lines.joined(separator: "\n").utf8)).get()
        return path
    }

    static func row(_ time: String, _ symbol: String, _ seq: Int) -> String {
        #"{"event_ts":"2026-03-06T14:30:\#(time)Z","symbol":"\#(symbol)","seq":\#(seq),"close":1.5}"#
    }

    @Test func inputKindsAreDetectedFromTheFirstLine() throws {
        let nested = try Self.write(
            "nested.jsonl",
            ["", String(decoding: SignalJSONEncoder.encode(Datasets.taFixtureSignals()[0]), as: UTF8.self)])
        let camel = try Self.write("camel.jsonl", [#"{"eventTs":"2026-03-06T14:30:00Z","symbol":"A","seq":1}"#])
        let envelope = try Self.write(
            "envelope.jsonl", [#"{"eventTs":"2026-03-06T14:30:00Z","channel":"trades","symbol":"A","payload":{}}"#])
        let alpaca = try Self.write("alpaca.jsonl", [#"{"T":"t","S":"A","p":1,"s":1,"t":"2026-03-06T14:30:00Z"}"#])
        let broken = try Self.write("broken.jsonl", [#"{"event_ts":"#])
        let empty = try Self.write("empty.jsonl", ["", "  "])
        let cases: [(String, DatasetInputKind)] = [
            (TestPaths.fixture("ta/expected-native.jsonl"), .signals), (nested, .signals), (camel, .signals),
            (TestPaths.fixture("ta/trades.jsonl"), .marketData), (TestPaths.fixture("ta/bars.csv"), .marketData),
            (envelope, .marketData), (alpaca, .marketData), (broken, .marketData), (empty, .marketData),
        ]
        for (path, kind) in cases {
            #expect(try DatasetInputKind.detect(path: path).get() == kind, "\(path)")
        }
        guard case .failure = DatasetInputKind.detect(path: Datasets.path("missing.jsonl")) else {
            Issue.record("a missing file is a failure")
            return
        }
    }

    @Test func filesAreMergedByEventTimeTiesToTheFirstFile() throws {
        let a = try Self.write(
            "merge-a.jsonl", [Self.row("01", "A", 1), Self.row("03", "A", 2), Self.row("05", "A", 3)])
        let b = try Self.write(
            "merge-b.jsonl", [Self.row("02", "B", 1), "", Self.row("03", "B", 2), Self.row("04", "B", 3)])
        var order: [String] = []
        let report = SignalFilesJob(inputs: [a, b]).run { order.append("\($0.symbol)\($0.seq)") }
        #expect(report.errorCount == 0 && report.signals == 6 && report.diagnostics.isEmpty)
        #expect(order == ["A1", "B1", "A2", "B2", "B3", "A3"])
    }

    @Test func atMostOneHundredDiagnosticsPerSignalFile() throws {
        let path = try Self.write(
            "many-bad-rows.jsonl", Array(repeating: #"{"event_ts":"2026-03-06T14:30:00Z"}"#, count: 150))
        let report = SignalFilesJob(inputs: [path]).run { _ in }
        #expect(report.errorCount == 150 && report.diagnostics.count == 101)
        #expect(report.diagnostics.last?.message == "50 more diagnostics in this file not shown")
    }

    @Test func outOfOrderAndBadRowsAreReportedWithPositionsAndNothingIsEmitted() throws {
        let path = try Self.write(
            "unordered.jsonl",
            [Self.row("02", "A", 1), Self.row("01", "A", 2), #"{"symbol":"A","seq":3}"#, Self.row("03", "A", 4)])
        var emitted = 0
        let report = SignalFilesJob(inputs: [path]).run { _ in emitted += 1 }
        #expect(report.errorCount == 2 && report.signals == 0 && report.signalsRead == 3)
        #expect(emitted == 1, "only the record before the first error")
        #expect(report.diagnostics.map(\.code) == [.invalidField, .missingField])
        #expect(
            report.diagnostics.map { $0.span.start } == [
                SpecModel.SourceLocation(line: 2, column: 13), SpecModel.SourceLocation(line: 3, column: 1),
            ])
        #expect(
            report.diagnostics.first?.message
                == "`event_ts` 2026-03-06T14:30:01Z is earlier than line 1's 2026-03-06T14:30:02Z; a signal file must be in event-time order"
        )
        #expect(report.excerpts[path]?[2] == Self.row("01", "A", 2))
    }
}
