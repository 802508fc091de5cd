import Runtime
import Testing

private typealias F = FeatureFixtures

@Suite struct FeatureCatalogTests {
    @Test func namesAreUniqueSnakeCaseAndRoundTrip() {
        var seen: Set<String> = []
        for (index, entry) in FeatureCatalog.all.enumerated() {
            #expect(entry.id.slot == index, "\(entry.name) is not at its slot")
            #expect(seen.insert(entry.name).inserted, "duplicate \(entry.name)")
            #expect(entry.name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(entry.name)")
            #expect(FeatureCatalog.named(entry.name) == entry.id)
            #expect(!entry.summary.isEmpty)
        }
        #expect(FeatureCatalog.all.count == FeatureID.count)
        #expect(FeatureCatalog.named("no_such_feature") == nil)
    }

    @Test func torghutNamesArePresent() {
        let required = [
            "price", "ema12", "ema26", "macd", "macd_signal", "macd_hist", "rsi14", "boll_mid", "boll_upper",
            "boll_lower", "vwap_session", "vwap_w5m", "vol_realized_w60s", "imbalance_spread", "imbalance_bid_px",
            "imbalance_ask_px", "imbalance_bid_sz", "imbalance_ask_sz", "spread_bps", "imbalance_pressure",
            "microprice_bias_bps", "price_vs_ema12_bps", "price_vs_vwap_session_bps", "price_vs_vwap_w5m_bps",
            "session_open_price", "prev_session_close_price", "session_high_price", "session_low_price",
            "opening_range_high", "opening_range_low", "opening_window_close_price", "opening_range_width_bps",
            "session_range_bps", "price_vs_session_open_bps", "price_vs_prev_session_close_bps",
            "opening_window_return_bps", "opening_window_return_from_prev_close_bps", "price_vs_session_high_bps",
            "price_vs_session_low_bps", "price_vs_opening_range_high_bps", "price_vs_opening_range_low_bps",
            "price_vs_opening_window_close_bps", "price_position_in_session_range", "recent_spread_bps_avg",
            "recent_spread_bps_max", "recent_imbalance_pressure_avg", "recent_quote_invalid_ratio",
            "recent_quote_jump_bps_avg", "recent_quote_jump_bps_max", "recent_microprice_bias_bps_avg",
            "recent_above_opening_range_high_ratio", "recent_above_opening_window_close_ratio",
            "recent_above_vwap_w5m_ratio", "session_minutes_elapsed", "cross_section_continuation_rank",
            "cross_section_reversal_rank", "cross_section_continuation_breadth",
        ]
        for name in required {
            #expect(FeatureCatalog.named(name) != nil, "missing \(name)")
        }
        #expect(FeatureID.price.slot == 0)
        #expect(FeatureID.imbalanceAskSz.slot == 17)
    }

    @Test func groupsAreContiguousInOrder() {
        let groups = FeatureCatalog.all.map(\.group)
        var order: [FeatureGroup] = []
        for group in groups where order.last != group {
            order.append(group)
        }
        #expect(order == [.signal, .derived, .session, .crossSection])
        #expect(
            FeatureCatalog.all.filter { $0.group == .crossSection }.allSatisfy { $0.name.hasPrefix("cross_section_") })
    }

    @Test func markdownTableHasOneRowPerFeature() {
        let lines = FeatureCatalog.markdownTable().split(separator: "\n")
        #expect(lines.count == FeatureID.count + 2)
        #expect(lines[0] == "| slot | name | group | unit | description |")
        #expect(lines[2].hasPrefix("| 0 | `price` | signal | price | "))
        #expect(lines.last?.hasPrefix("| \(FeatureID.count - 1) | `cross_section_continuation_breadth` |") == true)
    }
}

@Suite struct FeatureVectorTests {
    @Test func setGetClear() {
        var vector = FeatureVector()
        #expect(vector[.rsi14] == nil)
        #expect(vector.presentCount == 0)
        vector.set(.rsi14, 55.5)
        #expect(vector[.rsi14] == 55.5)
        #expect(vector.value(slot: FeatureID.rsi14.slot) == 55.5)
        #expect(vector.isPresent(slot: FeatureID.rsi14.slot))
        vector[.ema12] = 10
        #expect(vector.presentFeatures == [.ema12, .rsi14])
        vector.clear(.rsi14)
        #expect(vector[.rsi14] == nil)
        vector[.ema12] = nil
        #expect(vector.presentCount == 0)
        #expect(vector.invalidInputCount == 0)
    }

    @Test func nonFiniteIsMissingAndCounted() {
        var vector = FeatureVector()
        vector.set(.macd, 1.5)
        vector.set(.macd, .nan)
        vector.set(.ema12, .infinity)
        vector.set(.ema26, -.infinity)
        vector.set(.rsi14, Double?.none)
        #expect(vector[.macd] == nil)
        #expect(vector[.ema12] == nil)
        #expect(vector[.ema26] == nil)
        #expect(vector.invalidInputCount == 3)
        vector.removeAll()
        #expect(vector.invalidInputCount == 0)
    }

    @Test func equalityIgnoresStaleSlots() {
        var a = FeatureVector()
        var b = FeatureVector()
        a.set(.macd, 1)
        a.clear(.macd)
        #expect(a == b)
        a.set(.rsi14, 50)
        b.set(.rsi14, 50)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        b.set(.rsi14, 51)
        #expect(a != b)
    }

    @Test func slotsBeyondTheFirstWord() {
        var vector = FeatureVector()
        let last = FeatureID.allCases.last!
        vector.set(last, 0.25)
        #expect(vector[last] == 0.25)
        #expect(vector.presentFeatures == [last])
    }
}

@Suite struct FeatureDerivedTests {
    /// Every derived formula on one signal.
    @Test func derivedFormulas() {
        var extractor = FeatureExtractor(symbols: ["NVDA"])
        // bid 99.98 × 300, ask 100.02 × 100, close 101, ema12 100, vwap session 102, vwap 5m 100.5.
        let signal = F.signal(
            "NVDA", F.at(F.day1, minute: 40), close: 101, quote: F.quote(99.98, 100.02, bidSize: 300, askSize: 100),
            vwap: .init(session: 102, w5m: 100.5), ema: .init(ema12: 100, ema26: 99))
        let v = extractor.features(symbol: 0, signal: signal, session: nil)
        #expect(v[.price] == 101)
        // mid = (99.98 + 100.02) / 2 = 100; spread = 0.04 / 100 × 10000 = 4 bps.
        #expect(approx(v[.spreadBps], 4))
        // (300 − 100) / (300 + 100) = 0.5.
        #expect(approx(v[.imbalancePressure], 0.5))
        // microprice = (100.02·300 + 99.98·100) / 400 = 40004 / 400 = 100.01; (100.01 − 100) / 100 × 10000 = 1 bps.
        #expect(approx(v[.micropriceBiasBps], 1))
        // (101 − 100) / 100 × 10000 = 100.
        #expect(approx(v[.priceVsEma12Bps], 100))
        // (101 − 102) / 102 × 10000 = −98.0392156862745…
        #expect(approx(v[.priceVsVwapSessionBps], -10_000.0 / 102))
        // (101 − 100.5) / 100.5 × 10000 = 49.7512437810945…
        #expect(approx(v[.priceVsVwapW5mBps], 5_000.0 / 100.5))
        // Signal copies.
        #expect(v[.imbalanceSpread] == 100.02 - 99.98)
        #expect(v[.imbalanceBidSz] == 300)
        #expect(v[.vwapW5m] == 100.5)
        #expect(v[.ema26] == 99)
        // No session given: no session or cross-section features.
        #expect(v.presentFeatures.allSatisfy { $0.group == .signal || $0.group == .derived })
    }

    @Test func priceSourceClose() {
        var extractor = FeatureExtractor(symbols: ["A"], configuration: .init(priceSource: .close))
        let time = F.at(F.day1, minute: 40)
        let vwap = SignalRecord.VWAP(session: 50, w5m: 51)
        let quote = F.quote(9.9, 10.1)  // mid 10
        func price(_ close: Double?, _ quote: SignalRecord.Imbalance?) -> FeatureVector {
            extractor.features(
                symbol: 0, signal: F.signal("A", time, close: close, quote: quote, vwap: vwap), session: nil)
        }
        #expect(price(12, quote)[.price] == 12)  // close wins over mid and VWAP
        #expect(approx(price(nil, quote)[.price], 10))  // no close → mid
        let nanClose = price(.nan, quote)
        #expect(approx(nanClose[.price], 10))  // NaN close → mid, counted
        #expect(nanClose.invalidInputCount == 1)
        #expect(price(-1, quote)[.price].map { abs($0 - 10) < 1e-12 } == true)  // non-positive close skipped
        let none = price(nil, nil)
        #expect(none[.price] == nil)  // VWAP is never a price source in `.close` mode
        #expect(none[.priceVsVwapSessionBps] == nil)
        #expect(extractor.invalidInputCount == 1)
    }

    @Test func priceSourceTorghutParity() {
        // (name, close, vwap, quote, expected price) in Torghut's order: vwap.session → vwap.w5m → close → mid.
        let cases: [(String, Double?, SignalRecord.VWAP?, SignalRecord.Imbalance?, Double?)] = [
            ("session vwap first", 12, .init(session: 50, w5m: 51), F.quote(9.9, 10.1), 50),
            ("zero session vwap skipped", 12, .init(session: 0, w5m: 51), F.quote(9.9, 10.1), 51),
            ("NaN session vwap skipped", 12, .init(session: .nan, w5m: 51), nil, 51),
            ("then close", 12, .init(session: 0, w5m: nil), F.quote(9.9, 10.1), 12),
            ("no vwap block", 12, nil, F.quote(9.9, 10.1), 12),
            ("then mid", nil, nil, F.quote(9.9, 10.1), 10),
            ("crossed quote gives no mid", nil, nil, F.quote(10.1, 9.9), nil),
            ("nothing", nil, nil, nil, nil),
        ]
        for (name, close, vwap, quote, expected) in cases {
            var extractor = FeatureExtractor(symbols: ["A"], configuration: .init(priceSource: .torghutParity))
            let v = extractor.features(
                symbol: 0, signal: F.signal("A", F.at(F.day1, minute: 1), close: close, quote: quote, vwap: vwap),
                session: nil)
            if let expected {
                #expect(approx(v[.price], expected), "\(name)")
            } else {
                #expect(v[.price] == nil, "\(name)")
            }
        }
        #expect(
            FeatureExtractor.selectPrice(source: .torghutParity, close: 3, vwapSession: nil, vwapW5m: 2, mid: 1) == 2)
        #expect(FeatureExtractor.selectPrice(source: .close, close: 3, vwapSession: 5, vwapW5m: 2, mid: 1) == 3)
        #expect(FeatureExtractor.selectPrice(source: .close, close: nil, vwapSession: 5, vwapW5m: 2, mid: 1) == 1)
    }

    @Test func missingAndNonFinitePropagate() {
        var extractor = FeatureExtractor(symbols: ["A"])
        let signal = F.signal(
            "A", F.at(F.day1, minute: 40), close: 100, quote: F.quote(99, .nan),
            vwap: .init(session: .infinity, w5m: nil), ema: .init(ema12: .nan, ema26: 99),
            macd: .init(macd: 0.1, signal: 0.05, hist: .nan))
        let v = extractor.features(symbol: 0, signal: signal, session: F.day1)
        // 5 non-finite inputs: ask_px and spread (= ask − bid), vwap.session, ema12, macd.hist.
        #expect(v.invalidInputCount == 5)
        #expect(extractor.invalidInputCount == 5)
        #expect(v[.ema12] == nil && v[.ema26] == 99)
        #expect(v[.priceVsEma12Bps] == nil)  // missing, not zero
        #expect(v[.macdHist] == nil && v[.macd] == 0.1)
        #expect(v[.vwapSession] == nil && v[.priceVsVwapSessionBps] == nil)
        #expect(v[.vwapW5m] == nil && v[.priceVsVwapW5mBps] == nil)
        #expect(v[.imbalanceAskPx] == nil && v[.imbalanceBidPx] == 99)
        #expect(v[.spreadBps] == nil && v[.imbalancePressure] == nil && v[.micropriceBiasBps] == nil)
        #expect(v[.recentQuoteInvalidRatio] == 1)
        #expect(v[.recentSpreadBpsAvg] == nil)
        #expect(v[.recentAboveVwapW5mRatio] == nil)
        #expect(v[.price] == 100)
    }

    @Test func invalidQuotes() {
        // (name, quote) — each must give no quote-derived features.
        let cases: [(String, SignalRecord.Imbalance)] = [
            ("crossed", F.quote(10.1, 10.0)),
            ("zero bid", F.quote(0, 10.0)),
            ("no size", F.quote(9.9, 10.0, bidSize: 0, askSize: 0)),
            ("negative size", F.quote(9.9, 10.0, bidSize: -1, askSize: 5)),
        ]
        for (name, quote) in cases {
            var extractor = FeatureExtractor(symbols: ["A"])
            let v = extractor.features(
                symbol: 0, signal: F.signal("A", F.at(F.day1, minute: 1), quote: quote), session: F.day1)
            #expect(v[.spreadBps] == nil, "\(name)")
            #expect(v[.imbalancePressure] == nil, "\(name)")
            #expect(v[.micropriceBiasBps] == nil, "\(name)")
            #expect(v[.price] == nil, "\(name)")
            #expect(v[.recentQuoteInvalidRatio] == 1, "\(name)")
        }
        // A locked quote (bid == ask) is valid: spread 0.
        var extractor = FeatureExtractor(symbols: ["A"])
        let v = extractor.features(symbol: 0, signal: F.signal("A", 0, quote: F.quote(10, 10)), session: nil)
        #expect(v[.spreadBps] == 0)
    }

    @Test func timeframeFromISODuration() {
        #expect(Timeframe(isoDuration: "PT1S") == .oneSecond)
        #expect(Timeframe(isoDuration: "PT1M") == .oneMinute)
        #expect(Timeframe(isoDuration: "PT5M")?.rawValue == "5Min")
        #expect(Timeframe(isoDuration: "PT1H")?.rawValue == "1Hour")
        #expect(Timeframe(isoDuration: "P1D") == nil)
        #expect(Timeframe(isoDuration: "PTS") == nil)
        #expect(Timeframe(isoDuration: "PT0S") == nil)
    }
}
