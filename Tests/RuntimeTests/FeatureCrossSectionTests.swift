import Runtime
import Testing

private typealias F = FeatureFixtures

@Suite struct FeatureCrossSectionTests {
    /// Feeds `symbol` one close at `minute` of day 1 and returns its features.
    private static func feed(
        _ extractor: inout FeatureExtractor, _ symbol: String, _ minute: Int64, _ close: Double,
        session: TradingSession = F.day1
    ) -> FeatureVector {
        let id = extractor.symbolNames.firstIndex(of: symbol)!
        return extractor.features(
            symbol: id, signal: F.signal(symbol, F.at(session, minute: minute), close: close), session: session)
    }

    @Test func singleSymbolRanksHalf() {
        var extractor = FeatureExtractor(symbols: ["SPY"])
        let v = Self.feed(&extractor, "SPY", 0, 100)
        #expect(v[.crossSectionSessionOpenDriveRank] == 0.5)  // n == 1 → 0.5
        #expect(v[.crossSectionRangePositionRank] == 0.5)
        #expect(v[.crossSectionPositiveSessionOpenDriveRatio] == 0)  // drive 0 is not positive
        #expect(v[.crossSectionUpperHalfRangePositionRatio] == 0)  // position 0.5 is not above 0.5
        #expect(v[.crossSectionPrevCloseDriveRank] == nil)  // nobody has a previous close yet
        #expect(v[.crossSectionPositivePrevCloseDriveRatio] == nil)
    }

    @Test func twoSymbolsAndTiesByName() {
        // Ids are not in name order: "MSFT" = 0, "AAPL" = 1.
        var extractor = FeatureExtractor(symbols: ["MSFT", "AAPL"])
        let msft = Self.feed(&extractor, "MSFT", 0, 100)
        #expect(msft[.crossSectionSessionOpenDriveRank] == 0.5)  // alone so far
        let aapl = Self.feed(&extractor, "AAPL", 0, 50)
        // Both drives are 0: ascending (value, name) = (0, AAPL), (0, MSFT) → AAPL index 0 of n = 2 → 0/1 = 0.
        #expect(aapl[.crossSectionSessionOpenDriveRank] == 0)
        let msftAgain = Self.feed(&extractor, "MSFT", 1, 100)
        #expect(msftAgain[.crossSectionSessionOpenDriveRank] == 1)  // (0, MSFT) is last: 1/1
        // MSFT moves up 1% (drive 100 bps): still last → 1; AAPL moves down → first → 0.
        #expect(Self.feed(&extractor, "MSFT", 2, 101)[.crossSectionSessionOpenDriveRank] == 1)
        let aaplDown = Self.feed(&extractor, "AAPL", 2, 49.5)
        #expect(aaplDown[.crossSectionSessionOpenDriveRank] == 0)
        #expect(aaplDown[.crossSectionPositiveSessionOpenDriveRatio] == 0.5)  // MSFT +100 bps, AAPL −100 bps
        // AAPL overtakes: (+100, MSFT), (+200, AAPL) → AAPL 1.
        #expect(Self.feed(&extractor, "AAPL", 3, 51)[.crossSectionSessionOpenDriveRank] == 1)
    }

    /// Symbols added mid-session whose names sort between existing ones shift every name order; the ranks must be
    /// those of an extractor that knew the whole universe from the start.
    @Test func addingSymbolsMidSessionKeepsTheOrder() {
        var grown = FeatureExtractor(symbols: ["B", "D"])
        var whole = FeatureExtractor(symbols: ["B", "D", "A", "C", "E"])
        let early: [(String, Int64, Double)] = [("B", 0, 100), ("D", 0, 100), ("B", 1, 101), ("D", 1, 99)]
        for (symbol, minute, close) in early {
            #expect(Self.feed(&grown, symbol, minute, close) == Self.feed(&whole, symbol, minute, close))
        }
        for name in ["A", "C", "E"] { _ = grown.addSymbol(name) }
        // Ties at drive 0 are broken by name: A, C and E land between and around B and D.
        let late: [(String, Int64, Double)] = [
            ("A", 2, 100), ("C", 2, 100), ("E", 2, 100), ("B", 2, 100), ("D", 2, 100), ("C", 3, 102), ("A", 3, 98),
            ("E", 3, 100), ("B", 3, 100),
        ]
        for (symbol, minute, close) in late {
            let expected = Self.feed(&whole, symbol, minute, close)
            #expect(Self.feed(&grown, symbol, minute, close) == expected, "\(symbol) at minute \(minute)")
            #expect(expected[.crossSectionSessionOpenDriveRank] != nil)
        }
    }

    @Test func threeSymbolsRanksAndRatios() {
        var extractor = FeatureExtractor(symbols: ["A", "B", "C"])
        // Minute 0: every drive is 0; ties ordered by name, each symbol sees those before it.
        #expect(Self.feed(&extractor, "A", 0, 100)[.crossSectionSessionOpenDriveRank] == 0.5)  // n = 1
        #expect(Self.feed(&extractor, "B", 0, 100)[.crossSectionSessionOpenDriveRank] == 1)  // (A, B): 1/1
        #expect(Self.feed(&extractor, "C", 0, 100)[.crossSectionSessionOpenDriveRank] == 1)  // (A, B, C): 2/2
        // Minute 1: A +100 bps, B −100 bps, C 0.
        let a = Self.feed(&extractor, "A", 1, 101)  // {B 0, C 0, A 100} → A 2/2
        #expect(a[.crossSectionSessionOpenDriveRank] == 1)
        #expect(approx(a[.crossSectionPositiveSessionOpenDriveRatio], 1.0 / 3))
        let b = Self.feed(&extractor, "B", 1, 99)  // {B −100, C 0, A 100} → B 0/2
        #expect(b[.crossSectionSessionOpenDriveRank] == 0)
        let c = Self.feed(&extractor, "C", 1, 100)  // C 1/2
        #expect(c[.crossSectionSessionOpenDriveRank] == 0.5)
        #expect(approx(c[.crossSectionPositiveSessionOpenDriveRatio], 1.0 / 3))
        // A new session starts from an empty cross-section.
        let next = Self.feed(&extractor, "C", 0, 100, session: F.day2)
        #expect(next[.crossSectionSessionOpenDriveRank] == 0.5)
        // C's prev close is 100 on day 2, so it now has a prev-close drive rank (alone → 0.5).
        #expect(next[.crossSectionPrevCloseDriveRank] == 0.5)
        #expect(next[.crossSectionPositivePrevCloseDriveRatio] == 0)
    }

    /// The composites on hand-set inputs: two symbols with every component present.
    @Test func compositeRanksAndBreadth() {
        var extractor = FeatureExtractor(symbols: ["X", "Y"])
        let d1 = F.day1
        func feed(_ symbol: Int, _ minute: Int64, _ close: Double, bidSize: Double) -> FeatureVector {
            let name = extractor.symbolNames[symbol]
            return extractor.features(
                symbol: symbol,
                signal: F.signal(
                    name, F.at(d1, minute: minute), close: close,
                    quote: F.quote(close - 0.01, close + 0.01, bidSize: bidSize, askSize: 100),
                    vwap: .init(session: 100, w5m: 100)),
                session: d1)
        }
        _ = feed(0, 0, 100, bidSize: 100)
        _ = feed(1, 0, 100, bidSize: 100)
        // Minute 40 (after the opening window): X rises to 102 with bid-heavy quotes; Y falls to 98, ask-heavy.
        _ = feed(0, 40, 102, bidSize: 300)
        let y = feed(1, 40, 98, bidSize: 50)
        // Y is first in every ascending order but one: drive −200 < +200 bps, range position 0 < 1, vwap −200 < +200
        // bps, recent imbalance avg (0 + (50 − 100)/150)/2 < (0 + 0.5)/2. Opening-window returns tie at 0 (both opened
        // and closed the window at 100) and ties go by name, X before Y → Y's opening-window rank is 1.
        #expect(y[.crossSectionSessionOpenDriveRank] == 0)
        #expect(y[.crossSectionOpeningWindowReturnRank] == 1)
        #expect(y[.crossSectionRangePositionRank] == 0)
        #expect(y[.crossSectionVwapW5mRank] == 0)
        #expect(y[.crossSectionRecentImbalanceRank] == 0)
        // continuation = (0 + 1 + 0 + 0 + 0) / 5 = 0.2; reversal = (1 + 0 + 1 + 1 + 0) / 5 = 0.6.
        #expect(approx(y[.crossSectionContinuationRank], 0.2))
        #expect(approx(y[.crossSectionReversalRank], 0.6))
        // Ratios: positive drive 1/2 (X), positive opening window 0/2, above vwap 1/2, positive imbalance 1/2.
        // breadth = (0.5 + 0 + 0.5 + 0.5) / 4 = 0.375.
        #expect(approx(y[.crossSectionContinuationBreadth], 0.375))
        // A component missing (no quote → no recent imbalance for a new symbol) leaves the composites missing.
        let z = extractor.addSymbol("Z")
        let vz = extractor.features(
            symbol: z, signal: F.signal("Z", F.at(d1, minute: 41), close: 100, vwap: .init(session: 100, w5m: 100)),
            session: d1)
        #expect(vz[.crossSectionSessionOpenDriveRank] == 0.5)  // {Y −200, Z 0, X +200}
        #expect(vz[.crossSectionRecentImbalanceRank] == nil)
        #expect(vz[.crossSectionContinuationRank] == nil && vz[.crossSectionReversalRank] == nil)
        #expect(vz[.crossSectionContinuationBreadth] != nil)  // ratios exist over the symbols that have values
    }

    /// Three symbols, a deterministic stream with quotes, gaps and NaNs.
    static func stream(_ order: [Int]) -> [(symbol: Int, signal: SignalRecord, session: TradingSession?)] {
        let names = ["AMD", "NVDA", "INTC"]
        var result: [(symbol: Int, signal: SignalRecord, session: TradingSession?)] = []
        for (dayIndex, session) in [F.day1, F.day2].enumerated() {
            for step in 0..<120 {
                for symbol in order {
                    let phase = Double(step * (symbol + 2) + dayIndex * 7)
                    let base = 100 + Double(symbol) * 10 + (phase.truncatingRemainder(dividingBy: 13) - 6) * 0.07
                    let close: Double? = step % 17 == symbol ? nil : (step % 29 == 5 ? .nan : base)
                    let quote =
                        step % 11 == symbol
                        ? nil
                        : F.quote(
                            base - 0.01 * Double(1 + step % 3), base + 0.01,
                            bidSize: Double(100 + (step * 37 + symbol * 11) % 400), askSize: Double(100 + step % 5 * 60)
                        )
                    let time = F.at(session, minute: Int64(step * 3), seconds: Int64(symbol))
                    result.append(
                        (
                            symbol,
                            F.signal(
                                names[symbol], time, close: close, quote: quote,
                                vwap: .init(session: base - 0.2, w5m: step % 13 == 0 ? nil : base - 0.1),
                                ema: .init(ema12: base - 0.05, ema26: base - 0.1), seq: Int64(step)),
                            step % 50 == 49 ? nil : session
                        ))
                }
            }
        }
        return result
    }

    private static func run(
        _ events: [(symbol: Int, signal: SignalRecord, session: TradingSession?)], source: PriceSource = .close
    ) -> [FeatureVector] {
        var extractor = FeatureExtractor(
            symbols: ["AMD", "NVDA", "INTC"], configuration: .init(priceSource: source))
        var vector = FeatureVector()
        var outputs: [FeatureVector] = []
        for event in events {
            extractor.update(symbol: event.symbol, signal: event.signal, session: event.session, into: &vector)
            outputs.append(vector)
        }
        return outputs
    }

    @Test(arguments: PriceSource.allCases)
    func sameInputSameVectors(source: PriceSource) {
        let events = Self.stream([0, 1, 2])
        let first = Self.run(events, source: source)
        let second = Self.run(events, source: source)
        #expect(first == second)
        #expect(first.contains { $0[.crossSectionContinuationRank] != nil })
        #expect(first.contains { $0.invalidInputCount > 0 })
        #expect(first.contains { $0[.prevSessionClosePrice] != nil })
    }

    /// Symbol order within one instant changes only that round's cross-section features of the symbols fed before
    /// the others; every other feature, and everything from the next round on, is the same.
    @Test func processingOrderAffectsOnlyRanksOfThatRound() {
        let d1 = F.day1
        let names = ["A", "B", "C"]
        let closes: [[Double]] = [[100, 50, 20], [101, 49, 20.5], [100.5, 50.5, 20.1]]
        func run(firstRoundOrder: [Int]) -> [[FeatureVector]] {
            var extractor = FeatureExtractor(symbols: names)
            var rounds: [[FeatureVector]] = []
            for (round, prices) in closes.enumerated() {
                var byId = [FeatureVector](repeating: FeatureVector(), count: 3)
                for symbol in (round == 1 ? firstRoundOrder : [0, 1, 2]) {
                    let signal = F.signal(
                        names[symbol], F.at(d1, minute: Int64(round)), close: prices[symbol],
                        quote: F.quote(prices[symbol] - 0.01, prices[symbol] + 0.01, bidSize: 100 + Double(symbol)),
                        vwap: .init(session: prices[symbol], w5m: prices[symbol] * 0.999))
                    byId[symbol] = extractor.features(symbol: symbol, signal: signal, session: d1)
                }
                rounds.append(byId)
            }
            return rounds
        }
        let forward = run(firstRoundOrder: [0, 1, 2])
        let backward = run(firstRoundOrder: [2, 1, 0])
        for round in 0..<3 {
            for symbol in 0..<3 {
                let a = forward[round][symbol]
                let b = backward[round][symbol]
                for id in FeatureID.allCases where id.group != .crossSection {
                    #expect(a[id] == b[id], "round \(round) symbol \(names[symbol]) \(id.name)")
                }
                if round != 1 {
                    #expect(a == b, "round \(round) symbol \(names[symbol])")
                }
            }
        }
        // In round 1 the symbol fed last sees everyone's new values: C forward and A backward. A fed first backward
        // ranks against B's and C's round-0 values, so its drive rank may differ.
        let aForward = forward[1][0]
        let aBackward = backward[1][0]
        // Round 1 drives: A +100, B −200, C +250 bps. Forward, A goes first against B 0, C 0 (round 0) → (B, C, A)
        // → A 2/2 = 1. Backward, A goes last against B −200, C +250 → (B, A, C) → A 1/2.
        #expect(aForward[.crossSectionSessionOpenDriveRank] == 1)
        #expect(aBackward[.crossSectionSessionOpenDriveRank] == 0.5)
    }
}
