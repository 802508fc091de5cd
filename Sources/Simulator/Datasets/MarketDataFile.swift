import Runtime
import SpecCompiler
import SpecModel

/// Diagnostics of one input file: at most `limit` shown, the rest counted; the offending lines kept for carets.
struct FileDiagnostics {
    static let limit = 100
    private(set) var items: [Diagnostic] = []
    private(set) var excerpts: [Int: String] = [:]
    private(set) var suppressed = 0
    private(set) var errorCount = 0
    private var reportedChannels: Set<String> = []
    private(set) var skippedRecords = 0

    mutating func report(_ error: RecordError, path: String, line: Int, text: UnsafeBufferPointer<UInt8>) {
        if error.code.defaultSeverity == .error { self.errorCount += 1 }
        guard self.items.count < Self.limit else {
            self.suppressed += 1
            return
        }
        let column = Self.column(ofByteOffset: error.byteOffset, in: text)
        let location = SourceLocation(line: line, column: column)
        self.items.append(
            Diagnostic(error.code, error.message, at: SourceSpan(file: path, start: location, end: location)))
        self.excerpts[line] = String(decoding: text, as: UTF8.self)
    }

    mutating func skipped(channel: String, path: String, line: Int, text: UnsafeBufferPointer<UInt8>) {
        self.skippedRecords += 1
        guard self.reportedChannels.insert(channel).inserted else { return }
        self.report(
            RecordError(.skippedRecord, at: 0, "`\(channel)` records carry no market data; skipped"), path: path,
            line: line, text: text)
    }

    mutating func fail(_ message: String, code: DiagnosticCode, path: String, line: Int?) {
        self.errorCount += 1
        let location = line.map { SourceLocation(line: $0, column: 1) }
        self.items.append(
            Diagnostic(code, message, at: SourceSpan(file: path, start: location, end: location)))
    }

    /// Diagnostics plus a note counting the ones not shown.
    func all(path: String) -> [Diagnostic] {
        guard self.suppressed > 0 else { return self.items }
        return self.items + [
            Diagnostic(.diagnosticLimit, "\(self.suppressed) more diagnostics in this file not shown", at: .file(path))
        ]
    }

    /// 1-based column in Unicode scalars of a byte offset within a line.
    static func column(ofByteOffset offset: Int, in line: UnsafeBufferPointer<UInt8>) -> Int {
        var column = 1
        for index in 0..<min(max(offset, 0), line.count) where line[index] & 0xC0 != 0x80 { column += 1 }
        return column
    }
}

extension FileDiagnostics {
    /// Records why reading a file stopped early.
    mutating func stopped(_ failure: LineReader.Failure, path: String) {
        switch failure {
        case .io(let failure):
            self.fail(failure.reason, code: .unreadableInput, path: path, line: nil)
        case .lineTooLong(let line):
            self.fail("line longer than 1 MiB; reading of this file stopped", code: .recordTooLong, path: path, line: line)
        }
    }
}

extension LineReader {
    enum RecordRead {
        case record
        case end
        case stopped(LineReader.Failure)
    }

    /// Feeds lines to `decode` until it reports a record (true), the file ends, or reading fails.
    func nextRecord(_ decode: (UnsafeBufferPointer<UInt8>) -> Bool) -> RecordRead {
        while true {
            do {
                guard let decoded = try self.next({ (line) throws(LineReader.Failure) -> Bool in decode(line) }) else {
                    return .end
                }
                if decoded { return .record }
            } catch {
                return .stopped(error)
            }
        }
    }
}

/// The index of the input whose next record is earliest (the first on ties), nil when all are exhausted: the k-way
/// merge of every multi-file reader.
func earliestInput<Input>(_ inputs: [Input], time: (Input) -> Int64?) -> Int? {
    var best: Int?
    var bestTime = Int64.max
    for (index, input) in inputs.enumerated() {
        guard let candidate = time(input) else { continue }
        if best == nil || candidate < bestTime {
            best = index
            bestTime = candidate
        }
    }
    return best
}

/// One market-data input read record by record: JSON lines (ingest envelopes or Alpaca messages) or, for a `.csv`
/// path, 1-minute bars. Bad records are reported and skipped so every problem of the file is listed in one run.
final class MarketDataFile {
    enum Format {
        case jsonLines
        case barsCSV
    }

    let path: String
    let format: Format
    private let reader: LineReader
    private var jsonDecoder = IngestJSONDecoder()
    private let csvDecoder = BarCSVDecoder()
    private var headerChecked = false
    var diagnostics = FileDiagnostics()
    /// The next record, nil once the file is exhausted.
    private(set) var head: MarketEvent?

    init(path: String, chunkSize: Int) throws(FileSystem.Failure) {
        self.path = path
        self.format = path.hasSuffix(".csv") ? .barsCSV : .jsonLines
        do {
            self.reader = try LineReader(path: path, chunkSize: chunkSize)
        } catch {
            if case .io(let failure) = error { throw failure }
            throw FileSystem.Failure(path: path, reason: "unreadable")
        }
    }

    /// Reads up to the next decodable record (into `head`); false at the end of the file or on an I/O failure.
    @discardableResult
    func advance(symbols: inout SymbolTable) -> Bool {
        self.head = nil
        switch self.reader.nextRecord({ line in
            self.decode(line, symbols: &symbols)
            return self.head != nil
        }) {
        case .record: return true
        case .end: return false
        case .stopped(let failure):
            self.diagnostics.stopped(failure, path: self.path)
            return false
        }
    }

    private func decode(_ raw: UnsafeBufferPointer<UInt8>, symbols: inout SymbolTable) {
        var line = raw
        if let last = line.last, last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }
        let number = self.reader.lineNumber
        switch self.format {
        case .jsonLines:
            switch self.jsonDecoder.decode(line, symbols: &symbols) {
            case .success(.event(let event)): self.head = event
            case .success(.skipped(let channel)):
                self.diagnostics.skipped(channel: channel, path: self.path, line: number, text: line)
            case .failure(let error): self.diagnostics.report(error, path: self.path, line: number, text: line)
            }
        case .barsCSV:
            guard self.headerChecked else {
                self.headerChecked = true
                if let error = self.csvDecoder.checkHeader(line) {
                    self.diagnostics.report(error, path: self.path, line: number, text: line)
                }
                return
            }
            switch self.csvDecoder.decode(line, symbols: &symbols) {
            case .success(let bar): self.head = .bar(bar)
            case .failure(let error): self.diagnostics.report(error, path: self.path, line: number, text: line)
            }
        }
    }
}
