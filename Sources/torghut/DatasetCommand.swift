import ArgumentParser
import Runtime
import Simulator
import SpecCompiler
import SpecModel

struct Dataset: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert signals or market data into the binary signal dataset format, and inspect datasets.",
        subcommands: [DatasetConvert.self, DatasetInspect.self])
}

struct DatasetConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write ta.signals rows, or market data through the TA pipeline, as a binary signal dataset.",
        discussion: """
            The last path is the output; the others are inputs, each detected by its first non-empty line: JSON \
            lines with event_ts (or eventTs) and no payload or T key are ta.signals rows (the nested Avro shape or \
            the flat ClickHouse row); anything else (ingest envelopes, Alpaca messages, .csv bars) is market data \
            and goes through the TA pipeline as in `torghut ta`. Signal files must each be in event-time order and \
            are merged by event time. Signal and market-data inputs cannot be mixed in one call. Nothing is written \
            when an input has errors (exit 2). See docs/datasets.md.
            """)

    @Argument(help: ArgumentHelp("Input files, then the output dataset (the last path).", valueName: "path"))
    var paths: [String]

    @Flag(help: "For market data: the Flink job's semantics, as `torghut ta --torghut-parity`.")
    var torghutParity = false

    @Option(help: "For market data: out-of-order allowance in milliseconds, as `torghut ta`.")
    var allowanceMs: Int = 2000

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard self.paths.count >= 2 else { throw ValidationError("give at least one input file, then the output file") }
        guard (0...3_600_000).contains(self.allowanceMs) else {
            throw ValidationError("--allowance-ms must be between 0 and 3600000")
        }
        let output = self.paths[self.paths.count - 1]
        guard output != "-" else { throw ValidationError("the dataset is binary: give an output file, not -") }
        guard !self.paths.dropLast().contains(where: { $0 == output || FileSystem.sameFile($0, output) }) else {
            throw ValidationError("the output \(output) is also an input")
        }
    }

    func run() throws {
        let inputs = Array(self.paths.dropLast())
        let output = self.paths[self.paths.count - 1]
        let format = self.outputOptions.format
        // The output is the last argument: refuse to overwrite a file that is not a dataset (a forgotten OUT).
        do {
            _ = try SignalDatasetReader(path: output)
        } catch  where error.kind == .badMagic {
            throw ValidationError(
                "refusing to overwrite \(output): it is not a signal dataset (the last path is the output)")
        } catch {}  // missing, empty or damaged: written anew
        var kinds: [DatasetInputKind] = []
        var unreadable: [Diagnostic] = []
        for path in inputs {
            switch DatasetInputKind.detect(path: path) {
            case .success(let kind): kinds.append(kind)
            case .failure(let failure):
                unreadable.append(Diagnostic(.unreadableInput, "cannot read: \(failure.reason)", at: .file(path)))
            }
        }
        if !unreadable.isEmpty {
            try DiagnosticReport(
                diagnostics: unreadable, sources: [:], summary: [("errors", unreadable.count)],
                summaryLine: "not written: \(plural(unreadable.count, "error"))"
            ).print(format, to: .standardError)
            throw ExitCode.invalidInput
        }
        if Set(kinds).count > 1 {
            let signals = zip(inputs, kinds).filter { $0.1 == .signals }.map(\.0)
            let market = zip(inputs, kinds).filter { $0.1 == .marketData }.map(\.0)
            throw ValidationError(
                "cannot mix signal files (\(signals.joined(separator: ", "))) and market-data files "
                    + "(\(market.joined(separator: ", "))) in one conversion; run `torghut ta` first, or convert them "
                    + "separately")
        }

        var writer: SignalDatasetWriter
        do {
            writer = try SignalDatasetWriter(path: output)
        } catch {
            try Self.fail(error, format: format)
        }
        var diagnostics: [Diagnostic]
        var excerpts: [String: [Int: String]]
        var errorCount: Int
        var counts: [(String, Int)] = []
        var origin = ""
        var read = ""
        do {
            if kinds.first == .signals {
                let report = try SignalFilesJob(inputs: inputs).run { try writer.append($0) }
                (diagnostics, excerpts, errorCount) = (report.diagnostics, report.excerpts, report.errorCount)
                read = plural(report.signalsRead, "signal")
            } else {
                let configuration = TechnicalAnalysisConfiguration(
                    mode: self.torghutParity ? .torghutParity : .native,
                    allowance: Int64(self.allowanceMs) * 1_000_000)
                let report = try TechnicalAnalysisJob(inputs: inputs, configuration: configuration).run {
                    try writer.append($0)
                }
                (diagnostics, excerpts, errorCount) = (report.diagnostics, report.excerpts, report.errorCount)
                let c = report.counters
                read = "\(plural(c.trades, "trade")), \(plural(c.quotes, "quote")), \(plural(c.bars, "bar"))"
                origin = ", from " + read
                counts = [
                    ("trades", c.trades), ("quotes", c.quotes), ("bars", c.bars), ("late_trades", c.lateTrades),
                    ("duplicate_trades", c.duplicateTrades), ("invalid_records", c.invalidTrades + c.invalidQuotes),
                    ("late_bars", c.lateBars), ("replaced_bars", c.replacedBars),
                    ("skipped_records", report.skippedRecords),
                ]
            }
        } catch let error as DatasetError {
            writer.discard()
            try Self.fail(error, format: format)
        }
        guard errorCount == 0 else {
            writer.discard()
            try DiagnosticReport(
                diagnostics: diagnostics, sources: [:], excerpts: excerpts,
                summary: [("errors", errorCount), ("signals", 0)] + counts,
                summaryLine: "not written: \(plural(errorCount, "error")) in the input (\(read) read)"
            ).print(format, to: .standardError)
            throw ExitCode.invalidInput
        }
        let summary: SignalDatasetWriter.Summary
        do {
            summary = try writer.finish()
        } catch {
            try Self.fail(error, format: format)
        }
        try DiagnosticReport(
            diagnostics: diagnostics, sources: [:], excerpts: excerpts,
            summary: [
                ("errors", 0), ("signals", summary.rows), ("symbols", summary.symbols), ("blocks", summary.blocks),
                ("bytes", summary.bytes),
            ] + counts,
            summaryLine: "wrote \(plural(summary.rows, "signal")) (\(plural(summary.symbols, "symbol")), "
                + "\(plural(summary.blocks, "block"))) to \(output), \(grouped(summary.bytes)) bytes\(origin)"
        ).print(format, to: .standardError)
    }

    static func fail(_ error: DatasetError, format: DiagnosticFormat) throws -> Never {
        try DiagnosticReport(
            diagnostics: [Diagnostic(error.code, "\(error.location): \(error.message)", at: .file(error.path))],
            sources: [:], summary: [("errors", 1)], summaryLine: "not written: 1 error"
        ).print(format, to: .standardError)
        throw ExitCode.invalidInput
    }
}

struct DatasetInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a signal dataset's header and verify every block's checksum.",
        discussion: """
            Prints the format version, row and block counts, event-time range and the symbol, timeframe and string \
            dictionaries, then reads and decodes every block. A damaged or truncated file is an error naming the \
            block and byte offset (exit 2).
            """)

    @Argument(help: "The dataset file.")
    var file: String

    @OptionGroup var outputOptions: OutputOptions

    /// Names listed in text output before "… and N more".
    static let shownNames = 100

    func run() throws {
        let format = self.outputOptions.format
        var metadata: SignalDatasetMetadata?
        var failure: DatasetError?
        do {
            var reader = try SignalDatasetReader(path: self.file)
            metadata = reader.metadata
            try reader.verify()
        } catch {
            failure = error
        }
        let diagnostics =
            failure.map {
                [Diagnostic($0.code, "\($0.location): \($0.message)", at: .file($0.path))]
            } ?? []
        let summaryLine =
            failure == nil
            ? "verified: \(plural(metadata!.blockCount, "block")), every checksum matches"
            : "invalid: 1 error"
        var summary: [(String, Int)] = [("errors", diagnostics.count)]
        if let metadata {
            summary += [
                ("rows", metadata.rowCount), ("blocks", metadata.blockCount), ("symbols", metadata.symbols.count),
                ("timeframes", metadata.timeframes.count), ("strings", metadata.strings.count),
                ("bytes", metadata.fileLength),
            ]
        }
        let report = DiagnosticReport(
            diagnostics: diagnostics, sources: [:], summary: summary, summaryLine: summaryLine)
        switch format {
        case .text:
            if let metadata { print(Self.describe(metadata, path: self.file), terminator: "") }
            try report.print(.text)
        case .json:
            let renderer = DiagnosticRenderer()
            var object: [String: JSONValue] = [
                "diagnostics": .array(diagnostics.map(renderer.jsonValue)),
                "summary": .object(
                    Dictionary(uniqueKeysWithValues: summary.map { ($0.0, JSONValue.integer(Int64($0.1))) })),
            ]
            if let metadata { object["dataset"] = Self.json(metadata) }
            print(try JSONWriter.pretty(.object(object)), terminator: "")
        case .github, .sarif:
            try report.print(format)
        }
        if failure != nil { throw ExitCode.invalidInput }
    }

    static func describe(_ m: SignalDatasetMetadata, path: String) -> String {
        func names(_ list: [String]) -> String {
            if list.isEmpty { return "none" }
            let shown = list.prefix(Self.shownNames).joined(separator: ", ")
            return list.count > Self.shownNames ? shown + ", … and \(list.count - Self.shownNames) more" : shown
        }
        var out = "\(path): torghut signal dataset, format version \(m.version), \(grouped(m.fileLength)) bytes\n"
        out += "rows: \(grouped(m.rowCount)) in \(plural(m.blockCount, "block")) of up to \(m.rowsPerBlock) rows\n"
        if m.rowCount > 0 {
            out += "event time: \(Timestamp.format(m.minEventTime)) to \(Timestamp.format(m.maxEventTime))\n"
        }
        out += "symbols (\(m.symbols.count)): \(names(m.symbols))\n"
        out += "timeframes (\(m.timeframes.count)): \(names(m.timeframes))\n"
        out += "strings (\(m.strings.count)): \(names(m.strings))\n"
        return out
    }

    static func json(_ m: SignalDatasetMetadata) -> JSONValue {
        var object: [String: JSONValue] = [
            "format_version": .integer(Int64(m.version)), "rows": .integer(Int64(m.rowCount)),
            "blocks": .integer(Int64(m.blockCount)), "rows_per_block": .integer(Int64(m.rowsPerBlock)),
            "bytes": .integer(Int64(m.fileLength)), "symbols": .array(m.symbols.map(JSONValue.string)),
            "timeframes": .array(m.timeframes.map(JSONValue.string)),
            "strings": .array(m.strings.map(JSONValue.string)),
        ]
        if m.rowCount > 0 {
            object["min_event_ts"] = .string(Timestamp.format(m.minEventTime))
            object["max_event_ts"] = .string(Timestamp.format(m.maxEventTime))
        }
        return .object(object)
    }
}

/// `123456` → `123,456`.
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
        out.append(digit)
    }
    return (value < 0 ? "-" : "") + out
}
