import Runtime
import Simulator
import SpecCompiler
import SpecModel
import Testing

/// Signal-level faults on small hand-built streams: exact output order and values for every kind, list order, and
/// the end of the stream.
@Suite struct SignalFaultsTests {
    static let open = MarketCalendar.nyse.session(on: CivilDate(year: 2026, month: 3, day: 6))!.open

    static func time(_ second: Int64) -> TimestampNanos { Self.open + second * Timestamp.nanosPerSecond }

    /// A one-second bar signal with every price field set from `close` (values exact in binary).
    static func signal(_ symbol: String, second: Int64, seq: Int64, close: Double = 100) -> SignalRecord {
        let time = Self.time(second)
        return SignalRecord(
            ingestTime: time + 5_000_000, eventTime: time, symbol: symbol, seq: seq, timeframe: .oneSecond,
            window: .init(size: "PT1S", step: "PT1S", start: time - Timestamp.nanosPerSecond, end: time),
            macd: .init(macd: 0.5, signal: 0.25, hist: 0.25), ema: .init(ema12: close + 1, ema26: close + 2), rsi14: 55,
            boll: .init(mid: close, upper: close + 4, lower: close - 4),
            vwap: .init(session: close - 0.5, w5m: close - 0.25),
            imbalance: .init(spread: 0.5, bidPx: close - 0.25, askPx: close + 0.25, bidSz: 100, askSz: 200),
            volRealized: .init(w60s: 0.001), close: close)
    }

    /// AAPL and NVDA, one signal each at 0, 60, 120 and 180 seconds after the open: A0 N0 A1 N1 A2 N2 A3 N3.
    static let stream: [SignalRecord] = {
        var signals: [SignalRecord] = []
        for index: Int64 in 0..<4 {
            let close = Double(index)
            signals.append(Self.signal("AAPL", second: index * 60, seq: index, close: 100 + close))
            signals.append(Self.signal("NVDA", second: index * 60, seq: index, close: 200 + close))
        }
        return signals
    }()

    static func run(_ faults: [ScenarioRun.Fault], _ input: [SignalRecord] = Self.stream) -> [SignalRecord] {
        var transformer = SignalFaults(faults)
        var output: [SignalRecord] = []
        for signal in input { transformer.process(signal) { output.append($0) } }
        transformer.finish { output.append($0) }
        return output
    }

    static func labels(_ signals: [SignalRecord]) -> [String] { signals.map { "\($0.symbol.prefix(1))\($0.seq)" } }

    static func window(_ from: Int64, _ to: Int64) -> Range<TimestampNanos> { Self.time(from)..<Self.time(to) }

    /// The nine price fields, in a fixed order.
    static func prices(_ s: SignalRecord) -> [Double] {
        [
            s.close!, s.vwap!.session, s.vwap!.w5m!, s.boll!.mid, s.boll!.upper, s.boll!.lower, s.ema!.ema12,
            s.ema!.ema26,
        ]
    }

    @Test func withoutFaultsEverySignalPassesUnchanged() {
        #expect(SignalFaults([]).isEmpty)
        #expect(Self.run([]) == Self.stream)
    }

    @Test func aBadTickCorruptsOnlyTheFirstSignalAtOrAfterItsMinute() {
        let output = Self.run([.badTick(symbol: "AAPL", at: Self.time(30), priceFactor: 4)])
        #expect(Self.labels(output) == Self.labels(Self.stream))
        // A1 (101, at 60 s) is the first AAPL signal at or after 30 s: every price field times 4.
        #expect(Self.prices(output[2]) == [404, 402, 403, 404, 420, 388, 408, 412])
        // Its quote, MACD, RSI, volatility, times and sequence are left alone.
        var restored = output[2]
        restored.close = 101
        restored.vwap = .init(session: 100.5, w5m: 100.75)
        restored.boll = .init(mid: 101, upper: 105, lower: 97)
        restored.ema = .init(ema12: 102, ema26: 103)
        #expect(restored == Self.stream[2])
        #expect(output[2].imbalance == Self.stream[2].imbalance)
        // Everything else, later AAPL signals included, is unchanged.
        for index in output.indices where index != 2 { #expect(output[index] == Self.stream[index], "\(index)") }
    }

    @Test func nanPricesCoverTheWindowExactly() {
        let output = Self.run([.nanPrice(symbol: "AAPL", window: Self.window(60, 180))])
        #expect(Self.labels(output) == Self.labels(Self.stream))
        for index in [2, 4] {
            #expect(Self.prices(output[index]).allSatisfy { $0.isNaN }, "\(index)")
            #expect(output[index].imbalance == Self.stream[index].imbalance)
            #expect(output[index].rsi14 == 55 && output[index].macd == Self.stream[index].macd)
            #expect(output[index].eventTime == Self.stream[index].eventTime)
        }
        // A0 (before), A3 (at the exclusive end) and every NVDA signal are unchanged.
        for index in [0, 1, 3, 5, 6, 7] { #expect(output[index] == Self.stream[index], "\(index)") }
    }

    @Test func aDuplicateBurstRepeatsEachSignalOfTheWindowRightAfterItself() {
        let output = Self.run([.duplicateBurst(symbol: "AAPL", window: Self.window(60, 180), copies: 2)])
        #expect(Self.labels(output) == ["A0", "N0", "A1", "A1", "A1", "N1", "A2", "A2", "A2", "N2", "A3", "N3"])
        #expect(output[2] == Self.stream[2] && output[3] == Self.stream[2] && output[4] == Self.stream[2])
        #expect(output[6] == Self.stream[4] && output[8] == Self.stream[4])
    }

    @Test func aFeedDelayReleasesHeldSignalsBeforeTheSymbolsNextSignal() {
        let output = Self.run([.feedDelay(symbol: "AAPL", window: Self.window(60, 180))])
        #expect(Self.labels(output) == ["A0", "N0", "N1", "N2", "A1", "A2", "A3", "N3"])
        #expect(output.filter { $0.symbol == "AAPL" } == Self.stream.filter { $0.symbol == "AAPL" })
        #expect(output.filter { $0.symbol == "NVDA" } == Self.stream.filter { $0.symbol == "NVDA" })
    }

    @Test func aFeedDelayAtTheEndReleasesWhenTheStreamFinishes() {
        var transformer = SignalFaults([.feedDelay(symbol: "AAPL", window: Self.window(120, 240))])
        var output: [SignalRecord] = []
        for signal in Self.stream { transformer.process(signal) { output.append($0) } }
        #expect(Self.labels(output) == ["A0", "N0", "A1", "N1", "N2", "N3"], "A2 and A3 are still held")
        transformer.finish { output.append($0) }
        #expect(Self.labels(output) == ["A0", "N0", "A1", "N1", "N2", "N3", "A2", "A3"])
        #expect(Array(output.suffix(2)) == [Self.stream[4], Self.stream[6]])
        // Finishing again releases nothing: the held signals were forgotten.
        var again: [SignalRecord] = []
        transformer.finish { again.append($0) }
        #expect(again.isEmpty)
    }

    @Test func aClockSkewShiftsEventTimesFromItsFirstSignalOnly() {
        let skew = -45 * Timestamp.nanosPerSecond
        let output = Self.run([.clockSkew(symbol: "AAPL", at: Self.time(30), skew: skew)])
        #expect(Self.labels(output) == Self.labels(Self.stream), "stream position unchanged")
        for (index, (out, original)) in zip(output, Self.stream).enumerated() {
            if original.symbol == "AAPL" && original.seq >= 1 {
                #expect(out.eventTime == original.eventTime + skew, "\(index)")
                #expect(out.window?.start == original.window!.start! + skew)
                #expect(out.window?.end == original.window!.end! + skew)
                #expect(out.ingestTime == original.ingestTime)
                var unshifted = out
                unshifted.eventTime = original.eventTime
                unshifted.window = original.window
                #expect(unshifted == original)
            } else {
                #expect(out == original, "\(index)")
            }
        }
        // Once started the skew stays on, even when a shifted time falls back before the fault's minute.
        #expect(output[2].eventTime == Self.time(15) && output[4].eventTime == Self.time(75))
    }

    /// A skew that would carry a time past either end of the Int64 nanosecond range stops at that end (no trap).
    @Test func aClockSkewSaturatesAtTheEndsOfTheTimeRange() {
        let day = 86_400 * Timestamp.nanosPerSecond
        var late = Self.signal("AAPL", second: 0, seq: 0)
        late.eventTime = .max - 1
        late.window = .init(size: "PT1S", step: "PT1S", start: .max - Timestamp.nanosPerSecond, end: .max - 1)
        let forward = Self.run([.clockSkew(symbol: "AAPL", at: 0, skew: day)], [late])
        #expect(forward.map(\.eventTime) == [.max])
        #expect(forward.first?.window?.start == .max && forward.first?.window?.end == .max)
        var early = late
        early.eventTime = .min + 1
        early.window = .init(size: "PT1S", step: "PT1S", start: .min, end: .min + 1)
        let backward = Self.run([.clockSkew(symbol: "AAPL", at: .min, skew: -day)], [early])
        #expect(backward.map(\.eventTime) == [.min])
        #expect(backward.first?.window?.start == .min && backward.first?.window?.end == .min)
    }

    @Test func faultsApplyInListOrder() {
        let burst = ScenarioRun.Fault.duplicateBurst(symbol: "AAPL", window: Self.window(60, 120), copies: 1)
        let tick = ScenarioRun.Fault.badTick(symbol: "AAPL", at: Self.time(30), priceFactor: 4)
        // Burst first: the bad tick hits only the first copy of A1.
        let burstThenTick = Self.run([burst, tick])
        #expect(Self.labels(burstThenTick) == ["A0", "N0", "A1", "A1", "N1", "A2", "N2", "A3", "N3"])
        #expect(burstThenTick[2].close == 404 && burstThenTick[3].close == 101)
        // Tick first: the corrupted A1 is what gets duplicated.
        let tickThenBurst = Self.run([tick, burst])
        #expect(tickThenBurst[2].close == 404 && tickThenBurst[3].close == 404 && tickThenBurst[2] == tickThenBurst[3])
        // A clock skew first moves A1 (60 s → 150 s) into a later NaN window that would otherwise miss it.
        let skewThenNaN = Self.run([
            .clockSkew(symbol: "AAPL", at: Self.time(60), skew: 90 * Timestamp.nanosPerSecond),
            .nanPrice(symbol: "AAPL", window: Self.window(150, 160)),
        ])
        #expect(skewThenNaN[2].close!.isNaN && skewThenNaN[4].close == 102)
        let nanThenSkew = Self.run([
            .nanPrice(symbol: "AAPL", window: Self.window(150, 160)),
            .clockSkew(symbol: "AAPL", at: Self.time(60), skew: 90 * Timestamp.nanosPerSecond),
        ])
        #expect(nanThenSkew[2].close == 101)
    }

    @Test func signalsHeldAtTheEndPassThroughTheLaterFaults() {
        let output = Self.run([
            .feedDelay(symbol: "AAPL", window: Self.window(120, 240)),
            .duplicateBurst(symbol: "AAPL", window: Self.window(0, 240), copies: 1),
        ])
        #expect(Self.labels(output) == ["A0", "A0", "N0", "A1", "A1", "N1", "N2", "N3", "A2", "A2", "A3", "A3"])
    }

    /// A feed delay over a generated stream: nothing is lost or reordered within a symbol, and the held signals come
    /// out together right before the symbol's next signal.
    @Test func aFeedDelayPreservesEverySymbolsOrder() throws {
        let session = MarketCalendar.nyse.session(on: CivilDate(year: 2026, month: 3, day: 6))!
        var input: [SignalRecord] = []
        try SignalSource.forEach(
            .generator(
                MarketGenerator.Settings(
                    kind: .meanRevertingDay, seed: 3, session: session, symbols: ["AAPL", "NVDA", "SPY"], minutes: 8)),
            ta: TechnicalAnalysisConfiguration()
        ) { input.append($0) }
        let window = session.open + 2 * Timestamp.nanosPerMinute..<session.open + 5 * Timestamp.nanosPerMinute
        let output = Self.run([.feedDelay(symbol: "NVDA", window: window)], input)
        #expect(output.count == input.count)
        for symbol in ["AAPL", "NVDA", "SPY"] {
            #expect(output.filter { $0.symbol == symbol } == input.filter { $0.symbol == symbol }, "\(symbol)")
        }
        let held = input.filter { $0.symbol == "NVDA" && window.contains($0.eventTime) }
        #expect(held.count > 100)
        let first = try #require(output.firstIndex { $0 == held[0] })
        #expect(Array(output[first..<first + held.count]) == held, "released together, in order")
        let next = output[first + held.count]
        #expect(next.symbol == "NVDA" && next.eventTime >= window.upperBound)
        // Other symbols flowed meanwhile: every AAPL signal of the window is out before the held NVDA signals.
        let lastAAPL = try #require(output.lastIndex { $0.symbol == "AAPL" && $0.eventTime < window.upperBound })
        #expect(lastAAPL < first)
        #expect(output != input)
    }
}
