@testable import Runtime
import Testing

/// Session VWAP segments on the New York calendar: the open, midnight, DST, half days, holidays; and parity's
/// never-reset VWAP.
@Suite struct TechnicalAnalysisSessionTests {
    static func segment(_ text: String) -> (String, String) {
        let segment = VWAPSegment.containing(Timestamp.parse(text)!, calendar: .nyse)
        return (Timestamp.format(segment.start), Timestamp.format(segment.end))
    }

    @Test(arguments: [
        // Regular day in winter (EST): pre-market segment from midnight, regular from 09:30 (14:30Z).
        ("2026-03-06T14:29:59Z", "2026-03-06T05:00:00Z", "2026-03-06T14:30:00Z"),
        ("2026-03-06T14:30:00Z", "2026-03-06T14:30:00Z", "2026-03-07T05:00:00Z"),
        ("2026-03-06T23:00:00Z", "2026-03-06T14:30:00Z", "2026-03-07T05:00:00Z"),
        // The first Monday of daylight time: the open is 13:30Z.
        ("2026-03-09T13:29:00Z", "2026-03-09T04:00:00Z", "2026-03-09T13:30:00Z"),
        ("2026-03-09T13:30:00Z", "2026-03-09T13:30:00Z", "2026-03-10T04:00:00Z"),
        // Day after Thanksgiving (half day, closes 13:00): opens at 09:30 as usual; after-hours stay in the segment.
        ("2026-11-27T14:30:00Z", "2026-11-27T14:30:00Z", "2026-11-28T05:00:00Z"),
        ("2026-11-27T19:00:00Z", "2026-11-27T14:30:00Z", "2026-11-28T05:00:00Z"),
        // Thanksgiving (closed) and a Saturday: one segment, midnight to midnight.
        ("2026-11-26T15:00:00Z", "2026-11-26T05:00:00Z", "2026-11-27T05:00:00Z"),
        ("2026-03-07T15:00:00Z", "2026-03-07T05:00:00Z", "2026-03-08T05:00:00Z"),
        // The Sunday DST starts: a 23-hour day.
        ("2026-03-08T12:00:00Z", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"),
    ])
    func segments(instant: String, start: String, end: String) {
        let (segmentStart, segmentEnd) = Self.segment(instant)
        #expect(segmentStart == start && segmentEnd == end)
    }

    static func bar(_ start: String, close: Double, volume: Double, priceVolume: Double? = nil) -> MarketBar {
        MarketBar(
            symbol: SymbolID(0), interval: .oneMinute, start: Timestamp.parse(start)!, open: close, high: close,
            low: close, close: close, volume: volume, priceVolume: priceVolume)
    }

    @Test func nativeSessionVWAPResetsAtTheOpenAndUsesTradePrices() {
        var series = IndicatorSeries(mode: .native)
        #expect(series.update(Self.bar("2026-11-27T14:28:00Z", close: 10, volume: 100)).vwapSession == 10)
        #expect(series.update(Self.bar("2026-11-27T14:29:00Z", close: 20, volume: 100)).vwapSession == 15)
        // First bar of the session: only its own volume; the microbar numerator (Σ p·s) is used, not close·volume.
        let open = series.update(Self.bar("2026-11-27T14:30:00Z", close: 30, volume: 100, priceVolume: 2_900))
        #expect(open.vwapSession == 29)
        #expect(open.vwapFiveMinutes == (1_000 + 2_000 + 2_900) / 300.0, "the 5-minute window ignores segments")
        // Half-day close at 18:00Z: the after-hours bar stays in the session's segment.
        #expect(series.update(Self.bar("2026-11-27T18:30:00Z", close: 31, volume: 100)).vwapSession == 30)
        // Zero volume at a segment start: no VWAP record at all (never a 0.0 price).
        let quiet = series.update(Self.bar("2026-11-28T05:00:00Z", close: 31, volume: 0))
        #expect(quiet.vwapSession == nil && quiet.vwapFiveMinutes == nil)
    }

    @Test func paritySessionVWAPNeverResetsAndWeightsCloses() {
        var series = IndicatorSeries(mode: .torghutParity)
        #expect(series.update(Self.bar("2026-11-27T14:29:00Z", close: 0.5, volume: 0)).vwapSession == 0, "Flink's 0.0")
        _ = series.update(Self.bar("2026-11-27T14:29:30Z", close: 20, volume: 100))
        let open = series.update(Self.bar("2026-11-27T14:30:00Z", close: 30, volume: 100, priceVolume: 2_900))
        #expect(open.vwapSession == 25)
        #expect(series.update(Self.bar("2026-11-30T14:30:00Z", close: 40, volume: 200)).vwapSession == 32.5)
    }

    @Test func parityRecomputesFromTheLast360Bars() {
        var native = IndicatorSeries(mode: .native)
        var parity = IndicatorSeries(mode: .torghutParity)
        let start = Timestamp.parse("2026-03-06T14:30:00Z")!
        var fresh = IndicatorSeries(mode: .native)  // restarted at the parity buffer's first bar
        for i in 0..<400 {
            let bar = MarketBar(
                symbol: SymbolID(0), interval: .oneSecond, start: start + Int64(i) * 1_000_000_000, open: 1, high: 1000,
                low: 0.5, close: i < 40 ? 500 : 100 + Double(i % 11), volume: 1)
            let nativeValues = native.update(bar)
            let parityValues = parity.update(bar)
            if i >= 40 { _ = fresh.update(bar) }
            if i < 360 {
                #expect(parityValues.rsi14 == nativeValues.rsi14 && parityValues.macd == nativeValues.macd)
            }
            if i == 399 {
                // Bars 40…399 are the buffer: parity equals a series started at bar 40, not the native one.
                var restarted = IndicatorSeries(mode: .native)
                var last = IndicatorValues()
                for j in 40...399 {
                    last = restarted.update(
                        MarketBar(
                            symbol: SymbolID(0), interval: .oneSecond, start: start + Int64(j) * 1_000_000_000, open: 1,
                            high: 1000, low: 0.5, close: 100 + Double(j % 11), volume: 1))
                }
                #expect(parityValues.macdSignal == last.macdSignal && parityValues.rsi14 == last.rsi14)
                #expect(parityValues.rsi14 != nativeValues.rsi14, "the early 500s still weigh on the native RSI")
            }
        }
    }
}
