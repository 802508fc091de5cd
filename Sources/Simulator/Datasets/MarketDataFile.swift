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
        while self.head == nil {
            do {
                let more = try self.reader.next { (line) throws(LineReader.Failure) -> Bool in
                    self.decode(line, symbols: &symbols)
                    return true
                }
                if more == nil { return false }
            } catch {
                switch error {
                case .io(let failure):
                    self.diagnostics.fail(failure.reason, code: .unreadableInput, path: self.path, line: nil)
                case .lineTooLong(let line):
                    self.diagnostics.fail(
                        "line longer than 1 MiB; reading of this file stopped", code: .recordTooLong, path: self.path,
                        line: line)
                }
                return false
            }
        }
        return true
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
