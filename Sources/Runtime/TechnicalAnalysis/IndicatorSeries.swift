/// Which semantics the TA pipeline follows. `.native` is ours; `.torghutParity` reproduces the original Flink job
/// where it differs (docs/technical-analysis.md lists each difference).
public enum TechnicalAnalysisMode: String, Sendable, Hashable, CaseIterable {
    /// Series per (symbol, bar interval); EMAs and RSI carry their whole history; session VWAP from trade prices,
    /// reset at each regular open and at New York midnight.
    case native
    /// One series per symbol (1-second and 1-minute bars unioned); EMAs and RSI recomputed on every bar from the last
    /// 360 bars (the Flink job's buffer, so the seed slides); session VWAP = Σ close·volume / Σ volume since the
    /// series began, never reset, 0 without volume.
    case torghutParity = "torghut"
}

/// The indicator values of one bar. Absent values are nil (warm-up, no volume, no quote).
public struct IndicatorValues: Sendable, Hashable {
    public var ema12: Double = 0
    public var ema26: Double = 0
    public var macd: Double = 0
    public var macdSignal: Double = 0
    public var macdHistogram: Double = 0
    public var rsi14: Double?
    public var bollinger: BollingerBands.Bands?
    public var vwapSession: Double?
    public var vwapFiveMinutes: Double?
    public var realizedVolatility60: Double?

    public init() {}
}

/// Periods and windows of the Flink job (reference 01 §1.1), shared by both modes.
public enum IndicatorParameters {
    public static let emaFast = 12
    public static let emaSlow = 26
    public static let macdSignal = 9
    public static let rsi = 14
    public static let bollingerPeriod = 20
    public static let bollingerWidth = 2.0
    public static let vwapWindow: Int64 = 300 * Timestamp.nanosPerSecond
    public static let realizedVolatilityBars = 60
    /// `max(TA_REALIZED_VOL_WINDOW + 5, TA_VWAP_WINDOW_SECONDS + 60)`: the parity mode's recompute buffer.
    public static let parityBufferBars = 360
}

/// The session-VWAP segment a bar belongs to (native mode): each New York day splits at its regular open, so the
/// VWAP restarts at midnight (pre-market) and again at the open; non-trading days are one segment.
public struct VWAPSegment: Sendable, Hashable {
    public var start: TimestampNanos
    public var end: TimestampNanos

    public static func containing(_ nanos: TimestampNanos, calendar: MarketCalendar) -> VWAPSegment {
        let date = calendar.sessionDate(for: nanos)
        let midnight = NewYorkTime.instant(ofNewYork: date, nanosOfDay: 0)
        let nextMidnight = NewYorkTime.instant(ofNewYork: date.adding(days: 1), nanosOfDay: 0)
        guard let session = calendar.session(on: date) else { return VWAPSegment(start: midnight, end: nextMidnight) }
        return nanos >= session.open
            ? VWAPSegment(start: session.open, end: nextMidnight) : VWAPSegment(start: midnight, end: session.open)
    }
}

/// All indicators of one bar series. Bars must arrive in window order. O(1) per bar in `.native` (O(360) in
/// `.torghutParity`, as the original); no allocation per bar.
public struct IndicatorSeries: Sendable {
    public let mode: TechnicalAnalysisMode
    private let calendar: MarketCalendar
    private var emaFast = ExponentialMovingAverage(period: IndicatorParameters.emaFast)
    private var emaSlow = ExponentialMovingAverage(period: IndicatorParameters.emaSlow)
    private var signal = ExponentialMovingAverage(period: IndicatorParameters.macdSignal)
    private var rsi = WilderRSI(period: IndicatorParameters.rsi)
    private var bollinger = BollingerBands(
        period: IndicatorParameters.bollingerPeriod, width: IndicatorParameters.bollingerWidth)
    private var volatility = RealizedVolatilityWindow(bars: IndicatorParameters.realizedVolatilityBars)
    private var fiveMinuteVWAP = TimeWindowVWAP(span: IndicatorParameters.vwapWindow)
    private var segment = VWAPSegment(start: .max, end: .min)
    private var sessionPriceVolume = 0.0
    private var sessionVolume = 0.0
    /// Parity only: the closes the original rebuilt its series from.
    private var parityBuffer: RingBuffer

    public init(mode: TechnicalAnalysisMode, calendar: MarketCalendar = .nyse) {
        self.mode = mode
        self.calendar = calendar
        self.parityBuffer = RingBuffer(capacity: mode == .torghutParity ? IndicatorParameters.parityBufferBars : 1)
    }

    /// The indicators after `bar`.
    public mutating func update(_ bar: MarketBar) -> IndicatorValues {
        var values = IndicatorValues()
        let close = bar.close
        switch self.mode {
        case .native:
            values.ema12 = self.emaFast.update(close)
            values.ema26 = self.emaSlow.update(close)
            values.macd = values.ema12 - values.ema26
            values.macdSignal = self.signal.update(values.macd)
            values.rsi14 = self.rsi.update(close)
        case .torghutParity:
            self.parityBuffer.push(close)
            self.recomputeFromBuffer(into: &values)
        }
        values.macdHistogram = values.macd - values.macdSignal
        values.bollinger = self.bollinger.update(close)
        values.realizedVolatility60 = self.volatility.update(close)
        let end = bar.end
        switch self.mode {
        case .native:
            if bar.start >= self.segment.end || bar.start < self.segment.start {
                self.segment = VWAPSegment.containing(bar.start, calendar: self.calendar)
                self.sessionPriceVolume = 0
                self.sessionVolume = 0
            }
            self.sessionPriceVolume += bar.priceVolume
            self.sessionVolume += bar.volume
            let window = self.fiveMinuteVWAP.update(end: end, priceVolume: bar.priceVolume, volume: bar.volume)
            if self.sessionVolume > 0 {
                values.vwapSession = self.sessionPriceVolume / self.sessionVolume
                values.vwapFiveMinutes = window
            }
        case .torghutParity:
            let closeVolume = close * bar.volume
            self.sessionPriceVolume += closeVolume
            self.sessionVolume += bar.volume
            values.vwapSession = self.sessionVolume > 0 ? self.sessionPriceVolume / self.sessionVolume : 0
            values.vwapFiveMinutes = self.fiveMinuteVWAP.update(end: end, priceVolume: closeVolume, volume: bar.volume)
        }
        return values
    }

    /// The original built a fresh series from its buffer on every bar: EMAs and RSI start at the buffer's oldest bar.
    private func recomputeFromBuffer(into values: inout IndicatorValues) {
        var fast = ExponentialMovingAverage(period: IndicatorParameters.emaFast)
        var slow = ExponentialMovingAverage(period: IndicatorParameters.emaSlow)
        var signal = ExponentialMovingAverage(period: IndicatorParameters.macdSignal)
        var rsi = WilderRSI(period: IndicatorParameters.rsi)
        var macd = 0.0
        var macdSignal = 0.0
        var rsiValue: Double?
        self.parityBuffer.forEach { close in
            macd = fast.update(close) - slow.update(close)
            macdSignal = signal.update(macd)
            rsiValue = rsi.update(close)
        }
        values.ema12 = fast.value
        values.ema26 = slow.value
        values.macd = macd
        values.macdSignal = macdSignal
        values.rsi14 = rsiValue
    }
}
