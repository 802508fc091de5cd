import ArgumentParser
import Runtime
import Simulator
import SpecCompiler
import SpecModel

struct TA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ta",
        abstract: "Turn trades, quotes and bars into Torghut ta.signals records (JSON lines).",
        discussion: """
            Inputs are JSON lines in the original's ingest shape (camelCase envelope with an Alpaca payload, or bare \
            Alpaca messages) or, for files ending in .csv, 1-minute bars with the header \
            ts,symbol,open,high,low,close,volume (ts = bar start, ISO-8601 UTC). All inputs are merged by event \
            time. Trades become 1-second microbars; every bar yields one signal with EMA12/26, MACD(12,26,9), RSI14, \
            Bollinger(20,2), session and 5-minute VWAP, 60-bar realized volatility and the last quote. Nothing is \
            written when an input has errors (exit 2). See docs/technical-analysis.md.
            """)

    @Option(name: .customLong("in"), parsing: .upToNextOption, help: "Input files (.jsonl/.json or .csv).")
    var inputs: [String]

    @Option(name: .customLong("out"), help: "Output file for the signals, or - for standard output.")
    var output: String

    @Flag(help: "Reproduce the Flink job: 360-bar indicator buffer, never-reset close-weighted session VWAP, one series per symbol.")
    var torghutParity = false

    @Option(help: "Out-of-order allowance in milliseconds (the Flink job's TA_MAX_OUT_OF_ORDER_MS).")
    var allowanceMs: Int = 2000

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard !self.inputs.isEmpty else { throw ValidationError("give at least one --in file") }
        // The output is renamed into place when the run ends: onto an input, it would replace the data it came from.
        if self.output != "-", let input = self.inputs.first(where: { FileSystem.sameFile($0, self.output) }) {
            throw ValidationError("--out \(self.output) is the input \(input); write the signals elsewhere")
        }
        guard (0...3_600_000).contains(self.allowanceMs) else {
            throw ValidationError("--allowance-ms must be between 0 and 3600000")
        }
    }

    func run() throws {
        let configuration = TechnicalAnalysisConfiguration(
            mode: self.torghutParity ? .torghutParity : .native,
            allowance: Int64(self.allowanceMs) * 1_000_000)
        let toStandardOutput = self.output == "-"
        let partial = self.output + ".partial"
        let writer: BufferedFileWriter
        do {
            writer = toStandardOutput ? BufferedFileWriter(standardOutput: ()) : try BufferedFileWriter(path: partial)
        } catch {
            try Self.fail(error, format: self.outputOptions.format)
        }
        let job = TechnicalAnalysisJob(inputs: self.inputs, configuration: configuration)
        var report: TechnicalAnalysisJob.Report
        do {
            report = try job.run { signal in
                try writer.write(SignalJSONEncoder.encode(signal))
                try writer.write(byte: UInt8(ascii: "\n"))
            }
            try writer.close()
        } catch let failure as FileSystem.Failure {
            if !toStandardOutput { FileSystem.remove(partial) }
            try Self.fail(failure, format: self.outputOptions.format)
        }
        if !toStandardOutput {
            if report.errorCount > 0 {
                FileSystem.remove(partial)
            } else if case .failure(let failure) = FileSystem.rename(partial, to: self.output) {
                FileSystem.remove(partial)
                try Self.fail(failure, format: self.outputOptions.format)
            }
        }
        let counters = report.counters
        var dropped: [String] = []
        if counters.lateTrades > 0 { dropped.append(plural(counters.lateTrades, "late trade")) }
        if counters.duplicateTrades > 0 { dropped.append(plural(counters.duplicateTrades, "duplicate trade")) }
        if counters.invalidTrades + counters.invalidQuotes > 0 {
            dropped.append(plural(counters.invalidTrades + counters.invalidQuotes, "invalid record"))
        }
        if counters.lateBars > 0 { dropped.append(plural(counters.lateBars, "late bar")) }
        if report.skippedRecords > 0 { dropped.append(plural(report.skippedRecords, "non-market record")) }
        let inputs = "\(plural(counters.trades, "trade")), \(plural(counters.quotes, "quote")), \(plural(counters.bars, "bar"))"
        let summary =
            report.errorCount > 0
            ? "not written: \(plural(report.errorCount, "error")) in the input (\(inputs) read)"
            : "\(plural(report.signals, "signal")) from \(inputs)"
                + (dropped.isEmpty ? "" : "; dropped " + dropped.joined(separator: ", "))
        let diagnostics = DiagnosticReport(
            diagnostics: report.diagnostics, sources: [:], excerpts: report.excerpts,
            summary: [
                ("errors", report.errorCount), ("signals", report.errorCount > 0 ? 0 : report.signals),
                ("trades", counters.trades), ("quotes", counters.quotes), ("bars", counters.bars),
                ("late_trades", counters.lateTrades), ("duplicate_trades", counters.duplicateTrades),
                ("invalid_records", counters.invalidTrades + counters.invalidQuotes), ("late_bars", counters.lateBars),
                ("replaced_bars", counters.replacedBars), ("skipped_records", report.skippedRecords),
            ],
            summaryLine: summary)
        // Signals may be on standard output: diagnostics and the summary always go to standard error.
        try diagnostics.print(self.outputOptions.format, to: .standardError)
        if report.errorCount > 0 { throw ExitCode.invalidInput }
    }

    private static func fail(_ failure: FileSystem.Failure, format: DiagnosticFormat) throws -> Never {
        let report = DiagnosticReport(
            diagnostics: [
                Diagnostic(.unreadableInput, "cannot write: \(failure.reason)", at: .file(failure.path))
            ], sources: [:], summary: [("errors", 1)], summaryLine: "not written: 1 error")
        try report.print(format, to: .standardError)
        throw ExitCode.invalidInput
    }
}
