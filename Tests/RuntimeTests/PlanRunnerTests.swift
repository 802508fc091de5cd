@testable import Runtime
import SpecCompiler
import SpecModel
import Testing

/// The plan over a hand-built stream of `ta.signals` records, as the simulator and live runtime will drive it. The
/// plan is the aded76ac0f TSMOM tree (examples/torghut-aded76ac0f): enabled, no window, $1000 per entry.
@Suite struct PlanRunnerTests {
    static let plan: ExecutionPlan = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        let (_, output) = SpecTreeLoader().loadAndCompile(
            paths: [components.joined(separator: "/") + "/examples/torghut-aded76ac0f"], features: .catalog)
        return output!.plan
    }()

    /// 2026-01-02 (a Friday), 10:15 New York = 15:15 UTC, 45 minutes after the open.
    static let start = Timestamp.parse("2026-01-02T15:15:00Z")!

    static func record(
        _ symbol: String = "AAPL", second: Int64, close: Double, macd: Double, signal: Double = 0, rsi: Double,
        ema12: Double = 101, ema26: Double = 100.5, timeframe: Timeframe = .oneSecond
    ) -> SignalRecord {
        let time = start + second * 1_000_000_000
        return SignalRecord(
            ingestTime: time, eventTime: time, symbol: symbol, seq: second, timeframe: timeframe,
            macd: .init(macd: macd, signal: signal, hist: macd - signal), ema: .init(ema12: ema12, ema26: ema26),
            rsi14: rsi, volRealized: .init(w60s: 0.00025), close: close)
    }

    @Test func decisionsFollowTheStreamAndThePositions() throws {
        var runner = try PlanRunner(plan: Self.plan)
        let equity = Decimal(100_000)
        // 1. Long signal: buy $1000 / $125 = 8 shares.
        let first = runner.process(Self.record(second: 0, close: 125, macd: 0.007, rsi: 56), equity: equity).decisions
        #expect(first.map(\.action) == [.buy])
        #expect(first.first?.quantity == Decimal(8))
        #expect(first.first?.confidence == Decimal("0.64"))
        runner.applyFill(first[0], quantity: Decimal(8), price: Decimal(125), time: Self.start)
        // 2. Another long signal while long: no pyramiding.
        let held = runner.process(Self.record(second: 1, close: 126, macd: 0.007, rsi: 56), equity: equity)
        #expect(held.decisions.isEmpty)
        #expect(held.first?.evaluation.outcomes.first?.result == .skippedHeldDirection)
        // 3. A short signal while long: the short entry fires (Torghut's TSMOM has no exit rule; risk decides).
        let reverse = runner.process(
            Self.record(second: 2, close: 124, macd: -0.01, rsi: 40, ema12: 100, ema26: 100.5), equity: equity).decisions
        #expect(reverse.map(\.action) == [.sell])
        #expect(reverse.first?.intent == .entry)
        // 4. Wrong timeframe and unknown symbols are ignored.
        #expect(runner.process(Self.record(second: 3, close: 125, macd: 0.007, rsi: 56, timeframe: .oneMinute),
                               equity: equity).isEmpty)
        // Still long (the short was not filled): the long entry is skipped, the short fails its first gate.
        #expect(runner.process(Self.record(second: 3, close: 125, macd: 0.001, rsi: 56), equity: equity).first?
            .evaluation.outcomes.map(\.result) == [.skippedHeldDirection, .failedCondition(0)])
        #expect(runner.process(Self.record("ZZZZ", second: 4, close: 10, macd: 0.007, rsi: 56), equity: equity).isEmpty)
    }

    @Test func sameStreamSameDecisions() throws {
        func run() throws -> [Decision] {
            var runner = try PlanRunner(plan: Self.plan)
            var all: [Decision] = []
            for second in Int64(0)..<60 {
                let up = second % 3 != 0
                let record = Self.record(
                    second % 2 == 0 ? "AAPL" : "MSFT", second: second, close: 100 + Double(second) / 10,
                    macd: up ? 0.006 + Double(second) / 10_000 : -0.01, rsi: up ? 55 : 40, ema12: up ? 101 : 100)
                all += runner.process(record, equity: Decimal(100_000)).decisions
            }
            return all
        }
        let first = try run()
        #expect(!first.isEmpty)
        #expect(try run() == first)
    }

    /// A plan whose only rule reads the three clock names, compiled from text.
    static func clockPlan(_ condition: String, extra: String = "") throws -> ExecutionPlan {
        let text = """
            apiVersion: torghut.dev/v1
            kind: Strategy
            metadata: {name: clock}
            spec:
              timeframe: 1Sec
              universe: u
              entries: {long: {when: ["\(condition)"], confidence: {base: 0.5}}}
              sizing: {max_notional_usd: 1000}
            \(extra)
            ---
            apiVersion: torghut.dev/v1
            kind: Universe
            metadata: {name: u}
            spec: {symbols: [AAPL]}

            """
        let (documents, _) = YAMLLoader().load(SourceFile(path: "c.yaml", text: text))
        let session = DecodeSession()
        let output = PlanCompiler(features: .catalog).compile(documents.compactMap { SpecDocument.decode($0, in: session) })
        #expect(output.diagnostics.isEmpty && session.diagnostics.items.isEmpty)
        return output.plan
    }

    @Test(arguments: [
        // 15:15:30 UTC on 2026-01-02 (EST) is 10:15:30 New York: 45.5 minutes after the open, 344.5 before the close.
        ("utc_minute_of_day >= 915.5", 30, true), ("utc_minute_of_day >= 915.5", 29, false),
        ("minutes_after_open >= 45.5", 30, true), ("minutes_after_open >= 45.5", 29, false),
        ("minutes_before_close <= 344.5", 30, true), ("minutes_before_close <= 344.5", 29, false),
    ])
    func runnerClockIsExact(_ condition: String, _ second: Int64, _ fires: Bool) throws {
        var runner = try PlanRunner(plan: try Self.clockPlan(condition))
        let decisions = runner.process(Self.record(second: second, close: 100, macd: 0, rsi: 50), equity: nil).decisions
        #expect(decisions.isEmpty != fires, "\(condition) at +\(second) s")
    }

    /// 2026-01-02 is in EST: New York opens at 14:30 UTC, Torghut's fixed clock at 13:30 UTC.
    @Test(arguments: [
        ("native", "2026-01-02T14:00:00Z", false), ("torghut", "2026-01-02T14:00:00Z", true),
        ("native", "2026-01-02T15:00:00Z", true), ("torghut", "2026-01-02T15:00:00Z", false),
        ("torghut", "2026-01-01T14:00:00Z", true),  // a holiday: Torghut's clock has no calendar
    ])
    func parityStrategiesReadTorghutsFixedClock(_ parity: String, _ time: String, _ fires: Bool) throws {
        var runner = try PlanRunner(plan: try Self.clockPlan("minutes_after_open in [30, 59]", extra: "  parity: \(parity)"))
        let instant = try #require(Timestamp.parse(time))
        let record = SignalRecord(
            ingestTime: instant, eventTime: instant, symbol: "AAPL", seq: 1, timeframe: .oneSecond, rsi14: 50,
            vwap: .init(session: 100, w5m: nil), close: 100)
        #expect(runner.process(record, equity: nil).decisions.isEmpty != fires, "\(parity) at \(time)")
    }

    /// Session features follow the strategy's clock too: at 14:00 UTC in January, 30 minutes into Torghut's session
    /// but before New York opens.
    @Test(arguments: [("native", false), ("torghut", true)])
    func paritySessionFeaturesUseTorghutsSession(_ parity: String, _ fires: Bool) throws {
        var runner = try PlanRunner(plan: try Self.clockPlan("session_minutes_elapsed >= 30", extra: "  parity: \(parity)"))
        let instant = try #require(Timestamp.parse("2026-01-02T14:00:00Z"))
        let record = SignalRecord(
            ingestTime: instant, eventTime: instant, symbol: "AAPL", seq: 1, timeframe: .oneSecond, rsi14: 50,
            vwap: .init(session: 100, w5m: nil), close: 100)
        #expect(runner.process(record, equity: nil).decisions.isEmpty != fires, "\(parity)")
    }

    @Test func torghutSessionIsTheFixedUTCWindowOfTheDay() throws {
        let inside = try #require(Timestamp.parse("2026-07-04T19:59:59Z"))  // a Saturday and a holiday: still open
        let session = try #require(PlanRunner.torghutSession(containing: inside))
        #expect(session.date == CivilDate(year: 2026, month: 7, day: 4))
        #expect(session.lengthMinutes == 390)
        #expect(PlanRunner.torghutSession(containing: try #require(Timestamp.parse("2026-07-04T20:00:00Z"))) == nil)
        #expect(PlanRunner.torghutSession(containing: try #require(Timestamp.parse("2026-07-04T13:29:59Z"))) == nil)
    }

    @Test func pricesBecomeDecimalsByRoundingNotText() {
        #expect(PlanRunner.decimal(125.5) == Decimal("125.5"))
        #expect(PlanRunner.decimal(0.1) == Decimal("0.1"))
        #expect(PlanRunner.decimal(1.0000000004) == Decimal("1"))
        #expect(PlanRunner.decimal(.nan) == nil)
        #expect(PlanRunner.decimal(1e300) == nil)
    }
}
