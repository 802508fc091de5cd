import Runtime
import SpecCompiler
import SpecModel

/// What an input of `torghut dataset convert` holds, decided by its first non-empty line.
public enum DatasetInputKind: Sendable, Hashable {
    /// `ta.signals` rows as JSON lines (the nested Avro shape or the flat ClickHouse row).
    case signals
    /// Trades, quotes and bars (JSON lines or `.csv` bars), for the TA pipeline.
    case marketData

    /// A `.csv` file is market data. Otherwise the first non-empty line decides: a JSON object with `event_ts` or
    /// `eventTs` and neither `payload` (the ingest envelope) nor `T` (a bare Alpaca message) is a signal row;
    /// anything else, including a line that is not JSON, is market data (whose reader then reports the problem).
    /// An empty file counts as market data and yields nothing.
    public static func detect(path: String) -> Result<DatasetInputKind, FileSystem.Failure> {
        if path.hasSuffix(".csv") { return .success(.marketData) }
        let reader: LineReader
        do {
            reader = try LineReader(path: path, chunkSize: 1 << 16)
        } catch {
            if case .io(let failure) = error { return .failure(failure) }
            return .failure(FileSystem.Failure(path: path, reason: "unreadable"))
        }
        var tape = JSONTape()
        while true {
            do {
                let kind = try reader.next { (line) throws(LineReader.Failure) -> DatasetInputKind? in
                    guard line.contains(where: { !Self.isBlank($0) }) else { return nil }
                    guard (try? tape.parse(line)) != nil, tape.tokens[0].kind == .object else { return .marketData }
                    let hasEventTime =
                        tape.member(0, "event_ts", in: line) != nil || tape.member(0, "eventTs", in: line) != nil
                    let isMarketData =
                        tape.member(0, "payload", in: line) != nil || tape.member(0, "T", in: line) != nil
                    return hasEventTime && !isMarketData ? .signals : .marketData
                }
                switch kind {
                case .none: return .success(.marketData)  // end of file
                case .some(.none): continue  // blank line
                case .some(.some(let kind)): return .success(kind)
                }
            } catch {
                if case .io(let failure) = error { return .failure(failure) }
                return .success(.marketData)  // an over-long first line: the market-data reader reports it
            }
        }
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}

/// `ta.signals` JSON-lines files merged into one stream in event-time order.
///
/// Each file must be in non-decreasing `event_ts` order (a row earlier than its predecessor is `DATA003`); the files
/// are merged by event time, ties going to the file named first and then to file order. Bad lines are reported like
/// `torghut ta`'s (`file:line:column`, at most 100 per file) and reading goes on, so one run lists every problem;
/// after the first error no record is emitted, and the caller must discard what it wrote.
public struct SignalFilesJob {
    public struct Report: Sendable {
        public var diagnostics: [Diagnostic] = []
        /// Offending lines by file and line number, for caret rendering.
        public var excerpts: [String: [Int: String]] = [:]
        /// Signals emitted (all signals read when there is no error).
        public var signals = 0
        /// Signals decoded, including those read after an error.
        public var signalsRead = 0
        public var errorCount = 0
    }

    public var inputs: [String]
    /// Bytes per read; tests vary it.
    public var chunkSize: Int

    public init(inputs: [String], chunkSize: Int = 1 << 20) {
        self.inputs = inputs
        self.chunkSize = chunkSize
    }

    public func run(emit: (SignalRecord) throws -> Void) rethrows -> Report {
        var report = Report()
        var files: [SignalRowsFile] = []
        for path in self.inputs {
            do {
                let file = try SignalRowsFile(path: path, chunkSize: self.chunkSize)
                file.advance()
                files.append(file)
            } catch {
                report.errorCount += 1
                report.diagnostics.append(Diagnostic(.unreadableInput, "cannot read: \(error.reason)", at: .file(path)))
            }
        }
        while let next = earliestInput(files, time: { $0.head?.eventTime }) {
            let file = files[next]
            if report.errorCount + files.reduce(0, { $0 + $1.diagnostics.errorCount }) == 0 {
                try emit(file.head!)
                report.signals += 1
            }
            file.advance()
        }
        for file in files {
            report.diagnostics += file.diagnostics.all(path: file.path)
            report.excerpts[file.path] = file.diagnostics.excerpts
            report.errorCount += file.diagnostics.errorCount
            report.signalsRead += file.decoded
        }
        if report.errorCount > 0 { report.signals = 0 }
        return report
    }
}

/// One signal JSON-lines file read record by record, with its order check and diagnostics.
final class SignalRowsFile {
    let path: String
    private let reader: LineReader
    private var decoder = SignalJSONDecoder()
    private var tape = JSONTape()
    var diagnostics = FileDiagnostics()
    /// The next record, nil once the file is exhausted.
    private(set) var head: SignalRecord?
    private(set) var decoded = 0
    private var previous: (time: Int64, line: Int)?

    init(path: String, chunkSize: Int) throws(FileSystem.Failure) {
        self.path = path
        do {
            self.reader = try LineReader(path: path, chunkSize: chunkSize)
        } catch {
            if case .io(let failure) = error { throw failure }
            throw FileSystem.Failure(path: path, reason: "unreadable")
        }
    }

    /// Reads up to the next good record (into `head`).
    func advance() {
        self.head = nil
        if case .stopped(let failure) = self.reader.nextRecord({ line in
            self.decode(line)
            return self.head != nil
        }) {
            self.diagnostics.stopped(failure, path: self.path)
        }
    }

    private func decode(_ raw: UnsafeBufferPointer<UInt8>) {
        var line = raw
        if let last = line.last, last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        if line.allSatisfy(DatasetInputKind.isBlank) { return }
        let number = self.reader.lineNumber
        switch self.decoder.decode(line) {
        case .failure(let error):
            self.diagnostics.report(error, path: self.path, line: number, text: line)
        case .success(let record):
            self.decoded += 1
            if let previous = self.previous, record.eventTime < previous.time {
                // Rare: parse again to point at the `event_ts` value.
                _ = try? self.tape.parse(line)
                let token = self.tape.member(0, "event_ts", in: line) ?? self.tape.member(0, "eventTs", in: line)
                let offset = token.map { Int(self.tape.tokens[$0].start) } ?? 0
                self.diagnostics.report(
                    RecordError(
                        .invalidField, at: offset,
                        "`event_ts` \(Timestamp.format(record.eventTime)) is earlier than line \(previous.line)'s "
                            + "\(Timestamp.format(previous.time)); a signal file must be in event-time order"),
                    path: self.path, line: number, text: line)
                return
            }
            self.previous = (record.eventTime, number)
            self.head = record
        }
    }
}
