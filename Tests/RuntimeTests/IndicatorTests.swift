#if canImport(Glibc)
import Glibc
#endif
@testable import Runtime
import Testing

/// The building blocks against values worked out by hand, and the running sums against exact recomputation.
@Suite struct IndicatorTests {
    @Test func emaIsSeededWithTheFirstValue() {
        var ema = ExponentialMovingAverage(period: 3)  // k = 0.5
        #expect(ema.update(10) == 10)
        #expect(ema.update(20) == 15)
        #expect(ema.update(11) == 13)
    }

    @Test func rsiFollowsTa4jConventions() {
        var rsi = WilderRSI(period: 14)
        #expect(rsi.update(100) == nil, "no change on the first bar")
        #expect(rsi.update(100) == 0, "no gain and no loss")
        #expect(rsi.update(101) == 100, "gains only")
        // avgGain = 1/14 · 13/14, avgLoss = 2/14 → RSI = 100 − 100 / (1 + 13/28)
        let value = rsi.update(99)!
        #expect(abs(value - (100 - 100 / (1 + (1.0 / 14 * 13 / 14) / (2.0 / 14)))) < 1e-12)
    }

    @Test func bollingerUsesThePopulationDeviation() {
        var bands = BollingerBands(period: 4, width: 2)
        #expect(bands.update(1) == nil && bands.update(2) == nil && bands.update(3) == nil)
        let value = bands.update(4)!  // mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
        #expect(value.mid == 2.5)
        #expect(abs(value.upper - (2.5 + 2 * 1.25.squareRoot())) < 1e-15)
        #expect(bands.update(4)!.mid == 3.25, "the window slides")
        var flat = BollingerBands(period: 20, width: 2)
        var last: BollingerBands.Bands?
        for _ in 0..<25 { last = flat.update(187.31) }
        let width = (last?.upper ?? 1) - (last?.lower ?? 0)
        #expect(width >= 0 && width < 1e-12, "constant prices: no width beyond rounding of the mean")
        #expect(abs((last?.mid ?? 0) - 187.31) < 1e-12)
    }

    /// Random walks, and a steady 1 %-per-bar trend with tiny noise: the returns' mean then dwarfs their spread, where
    /// Σx²/n − mean² would cancel catastrophically.
    @Test(arguments: [(0.0, 1_000_000.0), (0.01, 1e11)])
    func realizedVolatilityMatchesTwoPassOverItsWindow(drift: Double, noiseScale: Double) {
        var volatility = RealizedVolatilityWindow(bars: 60)
        #expect(volatility.update(100) == nil)
        #expect(volatility.update(100) == 0)
        var generator = SplitMix64(seed: 7)
        var closes: [Double] = [100, 100]
        var worst = 0.0
        for _ in 0..<20_000 {
            let noise = (Double(generator.next() % 2001) - 1000) / noiseScale
            let close = closes.last! * (1 + drift + noise)
            closes.append(close)
            let ours = volatility.update(close)!
            let window = closes.suffix(60)
            var returns: [Double] = []
            for (a, b) in zip(window, window.dropFirst()) { returns.append(log(b / a)) }
            let mean = returns.reduce(0, +) / Double(returns.count)
            let exact = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
            worst = max(worst, abs(ours - exact) / exact)
        }
        #expect(worst < 1e-9, "relative drift \(worst)")
    }

    @Test func fiveMinuteVWAPIncludesTheBarExactlyAtTheCutoffAndGrows() {
        let second: Int64 = 1_000_000_000
        var vwap = TimeWindowVWAP(span: 300 * second, initialCapacity: 4)
        #expect(vwap.update(end: 0, priceVolume: 100, volume: 10) == 10)
        #expect(vwap.update(end: 300 * second, priceVolume: 400, volume: 20) == 500.0 / 30, "end − 300 s is inside")
        #expect(vwap.update(end: 300 * second + 1, priceVolume: 0, volume: 0) == 400.0 / 20, "now it is outside")
        for i in 0..<1_000 {  // more bars in the window than the initial capacity: the deque grows
            _ = vwap.update(end: 301 * second + Int64(i) * 100_000_000, priceVolume: 10, volume: 1)
        }
        // [200 s, 500 s] holds the 300 s bar, the empty one and all 1,001 bars of 10.
        #expect(abs(vwap.update(end: 500 * second, priceVolume: 10, volume: 1)! - 10_410.0 / 1_021) < 1e-12)
        #expect(vwap.update(end: 2_000 * second, priceVolume: 0, volume: 0) == nil, "empty window: no VWAP")
    }

    /// (Allocations per bar are measured in Benchmarks/, not here.)
    @Test func histogramIsMACDMinusSignalOnEveryBar() {
        var series = IndicatorSeries(mode: .native)
        let start = Timestamp.parse("2026-03-06T14:30:00Z")!
        for i in 0..<10_000 {
            let bar = MarketBar(
                symbol: SymbolID(0), interval: .oneSecond, start: start + Int64(i) * 1_000_000_000, open: 100,
                high: 101, low: 99, close: 100 + Double(i % 7), volume: 10)
            let values = series.update(bar)
            #expect(values.macdHistogram == values.macd - values.macdSignal)
        }
    }
}
