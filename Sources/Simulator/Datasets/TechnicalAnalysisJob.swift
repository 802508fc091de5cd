import Runtime
import SpecCompiler
import SpecModel

/// `torghut ta`: market-data files through the TA pipeline, signals out, memory flat in the input size.
///
/// Inputs are merged by event time (a bar counts at its end), ties in command-line order, so trades and a bars file
/// interleave as they happened; each file may be out of order within the pipeline's allowance.
public struct TechnicalAnalysisJob {
    public struct Report: Sendable {
        public var diagnostics: [Diagnostic] = []
        /// Offending lines by file and line number, for caret rendering.
        public var excerpts: [String: [Int: String]] = [:]
        public var counters = BarAssemblyCounters()
        public var signals = 0
        public var skippedRecords = 0
        public var errorCount = 0
    }

    public var inputs: [String]
    public var configuration: TechnicalAnalysisConfiguration
    /// Bytes per read; tests vary it to show the output does not depend on it.
    public var chunkSize: Int

    public init(inputs: [String], configuration: TechnicalAnalysisConfiguration, chunkSize: Int = 1 << 20) {
        self.inputs = inputs
        self.configuration = configuration
        self.chunkSize = chunkSize
    }

    /// Runs the pipeline, handing each signal to `emit` in output order. When the report has errors the caller must
    /// discard what it wrote: the input is not what its author meant.
    public func run(emit: (SignalRecord) throws -> Void) rethrows -> Report {
        var report = Report()
        var pipeline = TechnicalAnalysisPipeline(configuration: self.configuration)
        var files: [MarketDataFile] = []
        for path in self.inputs {
            do {
                let file = try MarketDataFile(path: path, chunkSize: self.chunkSize)
                file.advance(symbols: &pipeline.symbols)
                files.append(file)
            } catch {
                report.errorCount += 1
                report.diagnostics.append(
                    Diagnostic(.unreadableInput, "cannot read: \(error.reason)", at: .file(path)))
            }
        }
        var signals: [TechnicalSignal] = []
        while let next = earliestInput(files, time: { $0.head?.eventTime }) {
            let file = files[next]
            pipeline.process(file.head!, into: &signals)
            file.advance(symbols: &pipeline.symbols)
            try self.flush(&signals, pipeline.symbols, &report, emit)
        }
        pipeline.finish(into: &signals)
        try self.flush(&signals, pipeline.symbols, &report, emit)
        for file in files {
            report.diagnostics += file.diagnostics.all(path: file.path)
            report.excerpts[file.path] = file.diagnostics.excerpts
            report.errorCount += file.diagnostics.errorCount
            report.skippedRecords += file.diagnostics.skippedRecords
        }
        report.counters = pipeline.counters
        return report
    }

    private func flush(
        _ signals: inout [TechnicalSignal], _ symbols: SymbolTable, _ report: inout Report,
        _ emit: (SignalRecord) throws -> Void
    ) rethrows {
        for signal in signals {
            try emit(SignalRecord(signal, symbols: symbols, source: self.configuration.source))
        }
        report.signals += signals.count
        signals.removeAll(keepingCapacity: true)
    }
}
