import Runtime
import Simulator
import SpecCompiler
import SpecModel
import Testing

/// File-level behaviour of the TA job: merging inputs by time, skipped records, CSV shape, over-long lines, limits.
@Suite struct MarketDataFileTests {
    static func write(_ name: String, _ text: String) throws -> String {
        let directory = "/tmp/torghut-market-data-tests"
        _ = FileSystem.makeDirectories(directory)
        let path = FileSystem.join(directory, name)
        try FileSystem.write(path, Array(text.utf8)).get()
        return path
    }

    static func run(_ paths: [String]) -> ([SignalRecord], TechnicalAnalysisJob.Report) {
        var signals: [SignalRecord] = []
        let report = TechnicalAnalysisJob(inputs: paths, configuration: TechnicalAnalysisConfiguration()).run {
            signals.append($0)
        }
        return (signals, report)
    }

    @Test func inputsAreMergedByEventTime() throws {
        // The bars file is named first but its bar ends after the trades: the merge, not the argument order, decides.
        let bars = try Self.write("merge-bars.csv", "ts,symbol,open,high,low,close,volume\n2026-03-06T14:30:00Z,SPY,1,1,1,1,10\n")
        let trades = try Self.write(
            "merge-trades.jsonl",
            (0..<60).map { second in
                let two = second < 10 ? "0\(second)" : "\(second)"
                return #"{"T":"t","S":"NVDA","p":10,"s":1,"t":"2026-03-06T14:30:\#(two).5Z"}"#
            }.joined(separator: "\n"))
        let (signals, report) = Self.run([bars, trades])
        #expect(report.errorCount == 0)
        #expect(report.counters.lateTrades == 0 && report.counters.lateBars == 0)
        let order = signals.map { "\($0.symbol)@\(Timestamp.format($0.eventTime))" }
        #expect(order.firstIndex(of: "SPY@2026-03-06T14:31:00Z")! > order.firstIndex(of: "NVDA@2026-03-06T14:30:59Z")!)
    }

    @Test func skippedChannelsWarnOncePerChannel() throws {
        let path = try Self.write(
            "skipped.jsonl",
            """
            {"channel":"status","symbol":"x","payload":{}}
            {"channel":"status","symbol":"x","payload":{}}
            {"channel":"trade_updates","symbol":"x","payload":{}}

            {"T":"t","S":"NVDA","p":10,"s":1,"t":"2026-03-06T14:30:00Z"}
            """)
        let (signals, report) = Self.run([path])
        #expect(report.errorCount == 0 && signals.count == 1 && report.skippedRecords == 3)
        #expect(report.diagnostics.map(\.code) == [.skippedRecord, .skippedRecord])
        #expect(report.diagnostics.map { $0.span.start?.line } == [1, 3])
    }

    @Test func csvHeaderIsRequired() throws {
        let path = try Self.write("bad-header.csv", "time,symbol,open,high,low,close,volume\n")
        let (_, report) = Self.run([path])
        #expect(report.diagnostics.map(\.code) == [.malformedCSV])
        #expect(report.diagnostics.first?.span.start == SourceLocation(line: 1, column: 1))
    }

    @Test func aLineOverOneMebibyteStopsTheFile() throws {
        let long = #"{"T":"t","S":"NVDA","p":10,"s":1,"t":"2026-03-06T14:30:00Z","pad":""# + String(repeating: "x", count: 1 << 20) + "\"}"
        let path = try Self.write("long.jsonl", #"{"T":"t","S":"NVDA","p":10,"s":1,"t":"2026-03-06T14:30:00Z"}"# + "\n" + long + "\n")
        let (_, report) = Self.run([path])
        #expect(report.errorCount == 1)
        #expect(report.diagnostics.map(\.code) == [.recordTooLong])
        #expect(report.diagnostics.first?.span.start?.line == 2)
    }

    @Test func atMostOneHundredDiagnosticsPerFileThenACount() throws {
        let path = try Self.write("many.jsonl", String(repeating: "{\n", count: 250))
        let (_, report) = Self.run([path])
        #expect(report.errorCount == 250)
        #expect(report.diagnostics.count == 101)
        #expect(report.diagnostics.last?.code == .diagnosticLimit)
        #expect(report.diagnostics.last?.message == "150 more diagnostics in this file not shown")
    }
}
