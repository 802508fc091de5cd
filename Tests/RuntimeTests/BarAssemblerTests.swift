@testable import Runtime
import Testing

/// Microbar construction: buckets, the watermark, late and duplicate trades, quotes, ordering, minute bars.
@Suite struct BarAssemblerTests {
    /// 2026-03-06 14:30:00 UTC (09:30 New York).
    static let t0 = Timestamp.parse("2026-03-06T14:30:00Z")!
    static let ms: Int64 = 1_000_000

    static func trade(_ symbol: Int32, _ millis: Int64, _ price: Double, _ size: Double = 100, id: Int64? = nil)
        -> MarketEvent
    {
        .trade(MarketTrade(symbol: SymbolID(symbol), time: t0 + millis * ms, price: price, size: size, id: id))
    }

    static func quote(_ symbol: Int32, _ millis: Int64, bid: Double, ask: Double) -> MarketEvent {
        .quote(
            MarketQuote(symbol: SymbolID(symbol), time: t0 + millis * ms, bidPrice: bid, bidSize: 1, askPrice: ask, askSize: 2))
    }

    static func minuteBar(_ symbol: Int32, minute: Int64, close: Double, volume: Double = 1000) -> MarketEvent {
        .bar(
            MarketBar(
                symbol: SymbolID(symbol), interval: .oneMinute, start: t0 + minute * 60_000 * ms, open: close,
                high: close, low: close, close: close, volume: volume))
    }

    /// Runs events through a fresh assembler (symbols "NVDA", "AAPL", "SPY" = 0, 1, 2) and finishes it.
    static func assemble(
        _ events: [MarketEvent], allowance: Int64 = 2000, finish: Bool = true
    ) -> (bars: [AssembledBar], counters: BarAssemblyCounters) {
        var assembler = BarAssembler(allowance: allowance * ms)
        assembler.register(SymbolTable(["NVDA", "AAPL", "SPY"]))
        var output: [AssembledBar] = []
        for event in events { assembler.process(event, into: &output) }
        if finish { assembler.finish(into: &output) }
        return (output, assembler.counters)
    }

    @Test func aBucketHoldsOHLCVAndTheVWAPNumerator() {
        let (bars, counters) = Self.assemble([
            Self.trade(0, 100, 10, 100), Self.trade(0, 400, 12, 50), Self.trade(0, 700, 9, 10),
            Self.trade(0, 999, 11, 40), Self.trade(0, 1000, 20, 1),
        ])
        #expect(bars.count == 2)
        let bar = bars[0].bar
        #expect([bar.open, bar.high, bar.low, bar.close] == [10, 12, 9, 11])
        #expect(bar.volume == 200 && bar.tradeCount == 4)
        let numerator: Double = 1000 + 600 + 90 + 440
        #expect(bar.priceVolume == numerator)
        #expect(bar.vwap == bar.priceVolume / 200)
        #expect(bar.start == Self.t0 && bar.end == Self.t0 + 1000 * Self.ms)
        #expect(bars[1].bar.start == Self.t0 + 1000 * Self.ms, "a trade at exactly 1.000 s opens the next bucket")
        #expect(counters.emittedBars == 2 && counters.trades == 5)
    }

    @Test func outOfOrderWithinTheAllowanceGivesTheSameBars() {
        let ordered = [
            Self.trade(0, 100, 10), Self.trade(0, 500, 11), Self.trade(0, 1200, 12), Self.trade(0, 1800, 13),
            Self.trade(0, 2500, 14), Self.trade(0, 3100, 15),
        ]
        // Delivered 1.3 s out of order at most (allowance 2 s): open/close still follow trade time.
        let shuffled = [ordered[1], ordered[2], ordered[0], ordered[4], ordered[3], ordered[5]]
        #expect(Self.assemble(shuffled).bars == Self.assemble(ordered).bars)
        #expect(Self.assemble(shuffled).bars[0].bar.open == 10)
        #expect(Self.assemble(shuffled).counters.lateTrades == 0)
    }

    @Test func tradesBeyondTheAllowanceAreLateAndDropped() {
        let (bars, counters) = Self.assemble([
            Self.trade(0, 100, 10), Self.trade(0, 3100, 11),  // watermark 1.1 s: bucket [0, 1) is final
            Self.trade(0, 900, 99),  // late: its bucket was emitted
            Self.trade(0, 1500, 12),  // bucket [1, 2) still open (ends at 2 s > 1.1 s)
        ])
        #expect(counters.lateTrades == 1)
        #expect(bars.map(\.bar.close) == [10, 12, 11])
        #expect(!bars.contains { $0.bar.high == 99 })
    }

    @Test func zeroAllowanceEmitsOnTheNextSecondsRecord() {
        var assembler = BarAssembler(allowance: 0)
        assembler.register(SymbolTable(["NVDA"]))
        var output: [AssembledBar] = []
        assembler.process(Self.trade(0, 100, 10), into: &output)
        #expect(output.isEmpty)
        assembler.process(Self.trade(0, 999, 11), into: &output)
        #expect(output.isEmpty)
        assembler.process(Self.trade(0, 1000, 12), into: &output)
        #expect(output.map(\.bar.close) == [11])
    }

    @Test func advanceEmitsIdleBucketsAtTheirEndPlusTheAllowance() {
        var assembler = BarAssembler(allowance: 2000 * Self.ms)
        assembler.register(SymbolTable(["NVDA"]))
        var output: [AssembledBar] = []
        assembler.process(Self.trade(0, 100, 10), into: &output)
        assembler.advance(to: Self.t0 + 2999 * Self.ms, into: &output)
        #expect(output.isEmpty, "1 s end + 2 s allowance not reached")
        assembler.advance(to: Self.t0 + 3000 * Self.ms, into: &output)
        #expect(output.count == 1)
    }

    @Test func duplicateTradeIDsAreDroppedPerSymbol() {
        let (bars, counters) = Self.assemble([
            Self.trade(0, 100, 10, id: 7), Self.trade(0, 200, 10, id: 7), Self.trade(1, 300, 20, id: 7),
            Self.trade(0, 1100, 11, id: 8), Self.trade(0, 1200, 11, id: 7),  // same id again while bucket 0 is open
            Self.trade(0, 5000, 12, id: 9),
        ])
        #expect(counters.duplicateTrades == 2)
        #expect(bars.filter { $0.bar.symbol == SymbolID(0) }.map(\.bar.tradeCount) == [1, 1, 1])
        #expect(bars.filter { $0.bar.symbol == SymbolID(1) }.map(\.bar.tradeCount) == [1], "ids are per symbol")
    }

    @Test func duplicatesAcrossAnEpochBoundaryAreCaught() {
        // Allowance 2 s → 4-second id epochs: seconds 3 and 4 are in different epochs but both buckets are open.
        let (bars, counters) = Self.assemble([
            Self.trade(0, 3_900, 10, id: 1), Self.trade(0, 4_100, 11, id: 2), Self.trade(0, 4_200, 10, id: 1),
            Self.trade(0, 4_300, 12, id: 3), Self.trade(0, 3_950, 13, id: 3),
        ])
        #expect(counters.duplicateTrades == 2)
        #expect(bars.map(\.bar.tradeCount) == [1, 2])
    }

    @Test func idsAreForgottenOnceTheirEpochsAreClosed() {
        var set = TradeIDSet(epochSeconds: 4, capacity: 4)
        func insert(_ symbol: Int32, _ id: Int64, _ second: Int64) -> Bool {
            set.insert(symbol: symbol, id: id, second: second)
        }
        #expect(insert(0, 9, 1))
        #expect(!insert(0, 9, 5), "the previous epoch is still consulted")
        #expect(insert(0, 9, 9), "two epochs later the id is forgotten")
        var fresh = 0
        var repeated = 0
        for id in 10..<100 where insert(1, Int64(id), 9) { fresh += 1 }  // grows past capacity 4
        for id in 10..<100 where !insert(1, Int64(id), 10) { repeated += 1 }
        #expect(fresh == 90 && repeated == 90)
        #expect(insert(2, 10, 10), "ids are per symbol")
    }

    @Test func theDuplicateSetSurvivesManyBuckets() {
        // 50,000 trades over 5,000 seconds with ids reused every 10 (a duplicate of each) to force table rebuilds.
        var events: [MarketEvent] = []
        for i in 0..<50_000 {
            events.append(Self.trade(0, Int64(i) * 100, 10, id: Int64(i)))
            if i % 10 == 0 { events.append(Self.trade(0, Int64(i) * 100 + 1, 10, id: Int64(i))) }
        }
        let (bars, counters) = Self.assemble(events)
        #expect(counters.duplicateTrades == 5_000)
        #expect(bars.count == 5_000 && bars.allSatisfy { $0.bar.tradeCount == 10 })
    }

    @Test func theQuoteIsTheLastOneBeforeTheBarEnd() {
        let (bars, counters) = Self.assemble([
            Self.quote(0, 50, bid: 9.9, ask: 10.1),
            Self.trade(0, 100, 10),
            Self.quote(0, 600, bid: 9.8, ask: 10.2),
            Self.quote(0, 1000, bid: 9.7, ask: 10.3),  // at the bar end: belongs to the next bar
            Self.trade(0, 1500, 11),
            Self.trade(0, 5000, 12),
            Self.quote(0, 1800, bid: 1, ask: 2),  // late (bucket [1, 2) was emitted at watermark 3 s): later bars only
            Self.trade(0, 5500, 13),
        ])
        #expect(bars.map { $0.quote?.bidPrice } == [9.8, 9.7, 1])
        #expect(counters.lateQuotes == 1)
        // A late quote older than the committed one never replaces it.
        let (later, _) = Self.assemble([
            Self.quote(0, 100, bid: 5, ask: 6), Self.trade(0, 200, 10), Self.trade(0, 9000, 11),
            Self.quote(0, 50, bid: 1, ask: 2), Self.trade(0, 9500, 12),
        ])
        #expect(later.map { $0.quote?.bidPrice } == [5, 5])
        // A late quote never pulls a later, still-open second's quote into an earlier bar (no look-ahead): the bar
        // [8, 9) s gets the late 7.2 s quote, not the 10.5 s one.
        let (ahead, aheadCounters) = Self.assemble([
            Self.trade(0, 8100, 10), Self.quote(0, 10_500, bid: 110, ask: 111), Self.quote(0, 7200, bid: 99, ask: 100),
            Self.trade(0, 12_000, 11),
        ])
        #expect(aheadCounters.lateQuotes == 1)
        #expect(ahead.map { $0.quote?.bidPrice } == [99, 110])
    }

    @Test func barsAreOrderedByEndThenSymbolNameThenInterval() {
        // Symbols interned NVDA(0), AAPL(1), SPY(2): output must be in name order, 1Min before 1Sec.
        let (bars, _) = Self.assemble([
            Self.trade(0, 59_100, 10), Self.trade(1, 59_200, 20), Self.trade(2, 59_300, 30),
            Self.minuteBar(2, minute: 0, close: 31), Self.minuteBar(1, minute: 0, close: 21),
        ])
        let names = ["NVDA", "AAPL", "SPY"]
        #expect(bars.map { "\(names[Int($0.bar.symbol.index)]) \($0.bar.interval.timeframe)" } == [
            "AAPL 1Min", "AAPL 1Sec", "NVDA 1Sec", "SPY 1Min", "SPY 1Sec",
        ])
    }

    @Test func minuteBarsAreReplacedUntilFinalAndLateOnesDropped() {
        let (bars, counters) = Self.assemble(
            [
                Self.minuteBar(2, minute: 0, close: 31),
                Self.minuteBar(2, minute: 0, close: 32),  // updatedBars correction before it is final
                Self.trade(0, 62_100, 10),  // watermark 60.1 s: the minute bar is final
                Self.minuteBar(2, minute: 0, close: 33),  // too late
            ], finish: true)
        #expect(bars.filter { $0.bar.interval == .oneMinute }.map(\.bar.close) == [32])
        #expect(counters.replacedBars == 1 && counters.lateBars == 1)
    }

    @Test func invalidTradesAndQuotesAreCountedNotUsed() {
        let (bars, counters) = Self.assemble([
            Self.trade(0, 100, 10), Self.trade(0, 200, .nan), Self.trade(0, 300, -1), Self.trade(0, 400, 11, -5),
            Self.quote(0, 500, bid: .infinity, ask: 1),
        ])
        #expect(counters.invalidTrades == 3 && counters.invalidQuotes == 1)
        #expect(bars.count == 1 && bars[0].bar.tradeCount == 1 && bars[0].quote == nil)
    }

    /// Any split of the record sequence into process calls gives the same bars (the pipeline has no chunk state).
    @Test func splittingTheStreamChangesNothing() {
        var generator = SplitMix64(seed: 42)
        var events: [MarketEvent] = []
        var time: Int64 = 0
        for i in 0..<3_000 {
            time += Int64(generator.next() % 400)
            let jitter = Int64(generator.next() % 1_500)  // out of order by up to 1.5 s (allowance 2 s)
            let symbol = Int32(generator.next() % 3)
            if i % 4 == 0 {
                events.append(Self.quote(symbol, max(0, time - jitter), bid: 10, ask: 10 + Double(i % 7) / 100))
            } else {
                events.append(Self.trade(symbol, max(0, time - jitter), 10 + Double(i % 13), Double(i % 5 + 1), id: Int64(i / 2)))
            }
        }
        let reference = Self.assemble(events)
        for trial in 0..<5 {
            var assembler = BarAssembler(allowance: 2000 * Self.ms)
            assembler.register(SymbolTable(["NVDA", "AAPL", "SPY"]))
            var output: [AssembledBar] = []
            var index = 0
            while index < events.count {
                let length = Int(generator.next() % 50) + 1
                var chunk: [AssembledBar] = []
                for event in events[index..<min(index + length, events.count)] { assembler.process(event, into: &chunk) }
                output += chunk
                index += length
            }
            assembler.finish(into: &output)
            #expect(output == reference.bars, "trial \(trial)")
            #expect(assembler.counters == reference.counters, "trial \(trial)")
        }
        #expect(reference.counters.duplicateTrades > 0 && reference.bars.count > 500)
    }
}
