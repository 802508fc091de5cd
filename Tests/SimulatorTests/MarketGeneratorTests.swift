import Runtime
import Simulator
import SpecModel
import Testing

/// The seeded synthetic market: deterministic, well-formed, and shaped as its kind says.
@Suite struct MarketGeneratorTests {
    static let session = MarketCalendar.nyse.session(on: CivilDate(year: 2026, month: 3, day: 6))!

    static func settings(_ kind: MarketGenerator.Kind, seed: UInt64 = 7, minutes: Int = 30) -> MarketGenerator.Settings {
        MarketGenerator.Settings(kind: kind, seed: seed, session: session, symbols: ["NVDA", "AAPL", "SPY"], minutes: minutes)
    }

    static func events(_ settings: MarketGenerator.Settings) -> [MarketEvent] {
        var symbols = SymbolTable()
        var generator = MarketGenerator(settings, symbols: &symbols)
        var events: [MarketEvent] = []
        while let event = generator.next() { events.append(event) }
        return events
    }

    @Test(arguments: MarketGenerator.Kind.allCases)
    func sameSeedSameStreamOtherSeedOtherStream(kind: MarketGenerator.Kind) {
        let first = Self.events(Self.settings(kind))
        #expect(first == Self.events(Self.settings(kind)))
        #expect(first != Self.events(Self.settings(kind, seed: 8)))
        // A fingerprint of the stream: any change of the algorithm shows here (bump MarketGenerator.version).
        var hasher = ContentHasher()
        for event in first {
            switch event {
            case .trade(let t):
                hasher.update(Array("t\(t.symbol.index),\(t.time),\(t.price),\(t.size),\(t.id ?? 0);".utf8))
            case .quote(let q):
                hasher.update(Array("q\(q.symbol.index),\(q.time),\(q.bidPrice),\(q.askPrice),\(q.bidSize),\(q.askSize);".utf8))
            case .bar: Issue.record("generators make no bars")
            }
        }
        let pinned: [MarketGenerator.Kind: String] = [
            .trendDay: "1ca19009fea3748abec59a0c9a6f5f6d", .meanRevertingDay: "bc1a532c60d12f33568d69b9b4e94855",
        ]
        #expect(hasher.finalize().description == pinned[kind], "the generator changed: bump MarketGenerator.version")
    }

    @Test(arguments: MarketGenerator.Kind.allCases)
    func eventsAreOrderedInsideTheWindowAndOnTheCentGrid(kind: MarketGenerator.Kind) {
        let events = Self.events(Self.settings(kind))
        let start = Self.session.open
        let end = start + 30 * Timestamp.nanosPerMinute
        #expect(events.count > 30 * 60 * 3 * 2, "trades and a quote every second for three symbols")
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.eventTime <= $1.eventTime })
        #expect(events.allSatisfy { $0.eventTime >= start && $0.eventTime < end })
        for event in events {
            switch event {
            case .trade(let trade):
                #expect(onCentGrid(trade.price) && trade.price > 0 && trade.size >= 1)
            case .quote(let quote):
                #expect(quote.askPrice > quote.bidPrice && quote.bidPrice > 0)
                #expect(onCentGrid(quote.bidPrice) && onCentGrid(quote.askPrice))
            case .bar: break
            }
        }
    }

    /// The double nearest to a whole number of cents.
    func onCentGrid(_ price: Double) -> Bool { (price * 100).rounded() / 100 == price }

    /// Net move over the window relative to the path's own noise: a trend day trends, a mean-reverting day returns.
    static func closes(_ kind: MarketGenerator.Kind, seed: UInt64) -> [[Double]] {
        var pipeline = TechnicalAnalysisPipeline()
        var generator = MarketGenerator(Self.settings(kind, seed: seed, minutes: 60), symbols: &pipeline.symbols)
        var signals: [TechnicalSignal] = []
        while let event = generator.next() { pipeline.process(event, into: &signals) }
        pipeline.finish(into: &signals)
        #expect(pipeline.counters.lateTrades == 0 && pipeline.counters.duplicateTrades == 0)
        #expect(pipeline.counters.invalidTrades == 0 && pipeline.counters.invalidQuotes == 0)
        return (0..<3).map { id in signals.filter { $0.bar.symbol.index == Int32(id) }.map(\.bar.close) }
    }

    @Test func aTrendDayEndsAboutTwoPercentUp() {
        for seed: UInt64 in [1, 2, 3] {
            for path in Self.closes(.trendDay, seed: seed) {
                let move = path.last! / path.first! - 1
                // 4σ of the noise over an hour (0.5 bp × √3600 = 0.3 %) around the +2 % drift.
                #expect(move > 0.008 && move < 0.032, "seed \(seed): \(move)")
            }
        }
    }

    @Test func aMeanRevertingDayStaysNearItsAnchor() {
        for seed: UInt64 in [1, 2, 3] {
            for path in Self.closes(.meanRevertingDay, seed: seed) {
                let anchor = path.first!
                let farthest = path.map { abs($0 / anchor - 1) }.max()!
                #expect(farthest < 0.02, "seed \(seed): \(farthest)")
                // Successive one-minute moves are negatively correlated (reversion), unlike a random walk.
                let minutes = stride(from: 0, to: path.count - 60, by: 60).map { path[$0 + 60] - path[$0] }
                let products = zip(minutes, minutes.dropFirst()).map { $0 * $1 }.reduce(0, +)
                #expect(products < 0, "seed \(seed)")
            }
        }
    }
}
