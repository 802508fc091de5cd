import Testing

@testable import Runtime

private typealias F = FeatureFixtures

@Suite struct FeatureSessionTests {
    /// Session open, previous close, opening range and 45/60-minute returns across two sessions of one symbol
    /// (opening range 30 minutes, price = close).
    @Test func sessionStateAcrossTwoSessions() {
        var extractor = FeatureExtractor(symbols: ["AAPL"])
        func feed(_ session: TradingSession?, _ time: TimestampNanos, _ close: Double?) -> FeatureVector {
            extractor.features(symbol: 0, signal: F.signal("AAPL", time, close: close), session: session)
        }
        let d1 = F.day1
        // Before the open: no session features, no state.
        let early = feed(d1, d1.open - F.nanosPerMinute, 95)
        #expect(early[.sessionMinutesElapsed] == nil && early[.sessionOpenPrice] == nil)

        let first = feed(d1, F.at(d1, minute: 0), 100)
        #expect(first[.sessionMinutesElapsed] == 0)
        #expect(first[.sessionOpenPrice] == 100)  // 95 before the open does not count
        #expect(first[.prevSessionClosePrice] == nil && first[.priceVsPrevSessionCloseBps] == nil)
        #expect(first[.pricePositionInSessionRange] == 0.5)  // high == low
        #expect(first[.sessionRangeBps] == 0)
        #expect(first[.prevSessionOpeningReturn45mBps] == nil)

        _ = feed(d1, F.at(d1, minute: 10), 102)
        _ = feed(d1, F.at(d1, minute: 20), 99)
        let windowEnd = feed(d1, F.at(d1, minute: 30), 101)  // event_ts = open + 30 min is still in the window
        #expect(windowEnd[.openingRangeHigh] == 102 && windowEnd[.openingRangeLow] == 99)
        #expect(windowEnd[.openingWindowClosePrice] == 101)
        // (101 − 102) / 102 × 10000 = −98.039…
        #expect(approx(windowEnd[.priceVsOpeningRangeHighBps], -10_000.0 / 102))

        let after = feed(d1, F.at(d1, minute: 31), 103)
        #expect(after[.openingRangeHigh] == 102 && after[.openingWindowClosePrice] == 101)  // frozen after the window
        #expect(after[.sessionHighPrice] == 103 && after[.sessionLowPrice] == 99)
        // (101 − 100) / 100 × 10000 = 100.
        #expect(approx(after[.openingWindowReturnBps], 100))
        // (102 − 99) / 99 × 10000 = 303.03…
        #expect(approx(after[.openingRangeWidthBps], 30_000.0 / 99))
        // (103 − 101) / 101 × 10000 = 198.01…
        #expect(approx(after[.priceVsOpeningWindowCloseBps], 20_000.0 / 101))
        // (103 − 102) / 102 × 10000 = 98.039…
        #expect(approx(after[.priceVsOpeningRangeHighBps], 10_000.0 / 102))
        // (103 − 99) / 99 × 10000.
        #expect(approx(after[.priceVsOpeningRangeLowBps], 40_000.0 / 99))
        #expect(after[.priceVsSessionHighBps] == 0)
        #expect(after[.pricePositionInSessionRange] == 1)  // (103 − 99) / (103 − 99)
        #expect(approx(after[.priceVsSessionOpenBps], 300))  // (103 − 100) / 100 × 10000

        _ = feed(d1, F.at(d1, minute: 50), 104)
        let late = feed(d1, F.at(d1, minute: 100, seconds: 59), 98)
        #expect(late[.sessionMinutesElapsed] == 100)  // whole minutes, floor
        #expect(late[.pricePositionInSessionRange] == 0)  // (98 − 98) / (104 − 98)
        #expect(approx(late[.sessionRangeBps], 60_000.0 / 98))  // (104 − 98) / 98 × 10000 = 612.24…
        #expect(approx(late[.priceVsSessionOpenBps], -200))  // (98 − 100) / 100 × 10000
        #expect(approx(late[.priceVsSessionHighBps], -60_000.0 / 104))

        // A signal without any price: state features stay, price-relative ones are missing.
        let noPrice = feed(d1, F.at(d1, minute: 101), nil)
        #expect(noPrice[.sessionMinutesElapsed] == 101 && noPrice[.sessionOpenPrice] == 100)
        #expect(noPrice[.sessionHighPrice] == 104)
        #expect(noPrice[.priceVsSessionOpenBps] == nil && noPrice[.pricePositionInSessionRange] == nil)

        // Outside any session (the caller passes nil): no session features, state untouched.
        let d2 = F.day2
        let overnight = feed(nil, d2.open - 60 * F.nanosPerMinute, 50)
        #expect(overnight[.sessionOpenPrice] == nil && overnight[.price] == 50)

        let next = feed(d2, F.at(d2, minute: 5), 97)
        #expect(next[.sessionMinutesElapsed] == 5)
        #expect(next[.sessionOpenPrice] == 97)  // first valid price at or after the open
        #expect(next[.prevSessionClosePrice] == 98)  // last valid price of day 1 (the nil-price signal is skipped)
        // (97 − 98) / 98 × 10000 = −102.04…
        #expect(approx(next[.priceVsPrevSessionCloseBps], -10_000.0 / 98))
        #expect(approx(next[.openingWindowReturnFromPrevCloseBps], -10_000.0 / 98))
        #expect(next[.openingWindowReturnBps] == 0)
        #expect(next[.sessionHighPrice] == 97 && next[.sessionLowPrice] == 97)
        #expect(next[.openingRangeHigh] == 97 && next[.openingRangeLow] == 97)
        // Day 1: last price at ≤ 45 min was 103 (minute 31), at ≤ 60 min 104 (minute 50), open 100.
        #expect(approx(next[.prevSessionOpeningReturn45mBps], 300))
        #expect(approx(next[.prevSessionOpeningReturn60mBps], 400))

        // A late signal of the older session is ignored (signals must arrive in order).
        let stale = feed(d1, F.at(d1, minute: 200), 120)
        #expect(stale[.sessionOpenPrice] == nil)
        let again = feed(d2, F.at(d2, minute: 6), 97)
        #expect(again[.sessionHighPrice] == 97 && again[.prevSessionClosePrice] == 98)
    }

    /// The recent window with K = 3 (opening range 1 minute so that "above the opening range" varies).
    @Test func recentWindowOfThree() {
        var extractor = FeatureExtractor(
            symbols: ["MSFT"], configuration: .init(openingRangeMinutes: 1, recentWindowSignals: 3))
        let d1 = F.day1
        let vwap = SignalRecord.VWAP(session: 100, w5m: 101.5)
        func feed(_ minute: Int64, _ close: Double, _ quote: SignalRecord.Imbalance?) -> FeatureVector {
            extractor.features(
                symbol: 0, signal: F.signal("MSFT", F.at(d1, minute: minute), close: close, quote: quote, vwap: vwap),
                session: d1)
        }
        // s1: mid 100, spread 0.02/100 × 1e4 = 2 bps, pressure 0, bias 0. Opening range high = window close = 100.
        let s1 = feed(0, 100, F.quote(99.99, 100.01))
        #expect(approx(s1[.recentSpreadBpsAvg], 2) && approx(s1[.recentSpreadBpsMax], 2))
        #expect(s1[.recentQuoteJumpBpsAvg] == nil)  // no previous valid mid
        #expect(s1[.recentAboveOpeningRangeHighRatio] == 0)  // 100 > 100 is false
        #expect(s1[.recentAboveVwapW5mRatio] == 0)

        // s2: no quote (invalid); 101 is above the opening range high 100 and the window close 100, below 101.5.
        let s2 = feed(2, 101, nil)
        #expect(approx(s2[.recentQuoteInvalidRatio], 0.5))
        #expect(approx(s2[.recentSpreadBpsAvg], 2))  // missing entries do not count

        // s3: mid 101, spread 0.04/101 × 1e4 = 3.9604, pressure (300 − 100)/400 = 0.5,
        // microprice (101.02·300 + 100.98·100)/400 = 101.01 → bias 0.01/101 × 1e4 = 0.990099,
        // jump |101 − 100|/100 × 1e4 = 100 bps.
        let s3 = feed(3, 102, F.quote(100.98, 101.02, bidSize: 300, askSize: 100))
        let spread3 = 400.0 / 101
        #expect(approx(s3[.spreadBps], spread3))
        #expect(approx(s3[.recentSpreadBpsAvg], (2 + spread3) / 2))
        #expect(approx(s3[.recentSpreadBpsMax], spread3))
        #expect(approx(s3[.recentImbalancePressureAvg], 0.25))  // (0 + 0.5) / 2
        #expect(approx(s3[.recentQuoteInvalidRatio], 1.0 / 3))
        #expect(approx(s3[.recentQuoteJumpBpsAvg], 100) && approx(s3[.recentQuoteJumpBpsMax], 100))
        #expect(approx(s3[.recentMicropriceBiasBpsAvg], (0 + 100.0 / 101) / 2))
        #expect(approx(s3[.recentAboveOpeningRangeHighRatio], 2.0 / 3))  // (0, 1, 1)
        #expect(approx(s3[.recentAboveOpeningWindowCloseRatio], 2.0 / 3))
        #expect(approx(s3[.recentAboveVwapW5mRatio], 1.0 / 3))  // (0, 0, 1)

        // s4 evicts s1: mid 101, spread 0.02/101 × 1e4 = 1.9802, pressure −0.5, microprice 100.995 → bias −0.495,
        // jump 0.
        let s4 = feed(4, 99, F.quote(100.99, 101.01, bidSize: 100, askSize: 300))
        let spread4 = 200.0 / 101
        #expect(approx(s4[.recentSpreadBpsAvg], (spread3 + spread4) / 2))
        #expect(approx(s4[.recentSpreadBpsMax], spread3))
        #expect(approx(s4[.recentImbalancePressureAvg], 0))  // (0.5 − 0.5) / 2
        #expect(approx(s4[.recentQuoteInvalidRatio], 1.0 / 3))
        #expect(approx(s4[.recentQuoteJumpBpsAvg], 50) && approx(s4[.recentQuoteJumpBpsMax], 100))
        #expect(approx(s4[.recentMicropriceBiasBpsAvg], (100.0 / 101 - 50.0 / 101) / 2))
        #expect(approx(s4[.recentAboveOpeningRangeHighRatio], 2.0 / 3))  // (1, 1, 0)
        #expect(approx(s4[.recentAboveVwapW5mRatio], 1.0 / 3))  // (0, 1, 0)

        // s5 evicts s2 (the invalid quote).
        let s5 = feed(5, 99, F.quote(100.99, 101.01))
        #expect(s5[.recentQuoteInvalidRatio] == 0)
        #expect(approx(s5[.recentSpreadBpsAvg], (spread3 + 2 * spread4) / 3))
        #expect(approx(s5[.recentQuoteJumpBpsAvg], 100.0 / 3) && approx(s5[.recentQuoteJumpBpsMax], 100))
        #expect(approx(s5[.recentAboveOpeningRangeHighRatio], 1.0 / 3))  // (1, 0, 0)

        // s6 evicts s3, which held both maxima.
        let s6 = feed(6, 99, F.quote(100.99, 101.01))
        #expect(approx(s6[.recentSpreadBpsMax], spread4))
        #expect(s6[.recentQuoteJumpBpsMax] == 0 && s6[.recentQuoteJumpBpsAvg] == 0)
        #expect(approx(s6[.recentImbalancePressureAvg], -0.5 / 3))  // (−0.5 + 0 + 0) / 3
        #expect(s6[.recentAboveOpeningRangeHighRatio] == 0 && s6[.recentAboveVwapW5mRatio] == 0)

        // A new session empties the window.
        let d2 = F.day2
        let fresh = extractor.features(
            symbol: 0, signal: F.signal("MSFT", F.at(d2, minute: 0), close: 99, quote: nil), session: d2)
        #expect(fresh[.recentQuoteInvalidRatio] == 1 && fresh[.recentSpreadBpsAvg] == nil)
        #expect(fresh[.recentQuoteJumpBpsAvg] == nil)
    }

    /// The running sums stay within the documented bound of a fresh left-to-right sum: 2K(K + 1)·2⁻⁵³·max|x|.
    @Test func rollingMeanDriftStaysWithinTolerance() {
        let capacity = 30
        var store = RecentWindowStore(symbolCount: 2, capacity: capacity)
        var history: [Double?] = []
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var maxMagnitude = 0.0
        for step in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            // Values of mixed magnitude, some missing.
            let value: Double? = step % 7 == 3 ? nil : (unit - 0.3) * (step % 5 == 0 ? 1e6 : 3)
            history.append(value)
            store.record(symbol: 1, series: .spreadBps, value: value)
            store.advance(symbol: 1)
            let window = history.suffix(capacity).compactMap { $0 }
            maxMagnitude = max(maxMagnitude, abs(value ?? 0))
            let bound = 2 * Double(capacity) * Double(capacity + 1) * 0x1p-53 * maxMagnitude
            if window.isEmpty {
                #expect(store.mean(symbol: 1, series: .spreadBps) == nil)
            } else {
                var fresh = 0.0
                for element in window { fresh += element }
                let mean = store.mean(symbol: 1, series: .spreadBps)!
                #expect(abs(mean - fresh / Double(window.count)) <= bound, "step \(step)")
                #expect(store.maximum(symbol: 1, series: .spreadBps) == window.max())
            }
        }
        #expect(store.mean(symbol: 0, series: .spreadBps) == nil)  // the other symbol is untouched
    }
}
