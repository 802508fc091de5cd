/// Settings of the in-process TA pipeline.
public struct TechnicalAnalysisConfiguration: Sendable, Hashable {
    public var mode: TechnicalAnalysisMode
    /// The out-of-order allowance in nanoseconds (the Flink job's `TA_MAX_OUT_OF_ORDER_MS`, 2 s).
    public var allowance: Int64
    /// `source` of emitted signals.
    public var source: String
    public var calendar: MarketCalendar

    public init(
        mode: TechnicalAnalysisMode = .native, allowance: Int64 = 2 * Timestamp.nanosPerSecond, source: String = "ta",
        calendar: MarketCalendar = .nyse
    ) {
        self.mode = mode
        self.allowance = allowance
        self.source = source
        self.calendar = calendar
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.mode == b.mode && a.allowance == b.allowance && a.source == b.source && a.calendar.version == b.calendar.version
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.mode)
        hasher.combine(self.allowance)
        hasher.combine(self.source)
        hasher.combine(self.calendar.version)
    }
}

/// One emitted bar with its indicators: the content of a `ta.signals` record.
public struct TechnicalSignal: Sendable, Hashable {
    public var bar: MarketBar
    /// Per-symbol counter of emitted bars, from 1 (the Flink job's keyed `seq`).
    public var seq: Int64
    public var indicators: IndicatorValues
    public var quote: MarketQuote?
}

/// Trades, quotes and 1-minute bars in; `ta.signals` out. Pure: the output is a function of the record sequence.
///
/// Bars come from `BarAssembler` in (end, symbol, interval) order; each updates its series (per symbol and interval,
/// or per symbol in `.torghutParity`), which gives the indicators. Not thread-safe.
public struct TechnicalAnalysisPipeline: Sendable {
    public let configuration: TechnicalAnalysisConfiguration
    /// Interns symbols for decoders; names are registered with the pipeline as they appear.
    public var symbols = SymbolTable()
    private var assembler: BarAssembler
    private var series: [IndicatorSeries] = []
    /// (symbol × 2 + interval) → index into `series`, −1 until the series' first bar.
    private var seriesIndex: [Int32] = []
    private var seqs: [Int64] = []
    private var assembled: [AssembledBar] = []

    public init(configuration: TechnicalAnalysisConfiguration = TechnicalAnalysisConfiguration()) {
        self.configuration = configuration
        self.assembler = BarAssembler(allowance: configuration.allowance)
    }

    public var counters: BarAssemblyCounters { self.assembler.counters }

    /// Feeds one record (its symbol interned in `symbols`); appends the signals it makes final.
    public mutating func process(_ event: MarketEvent, into output: inout [TechnicalSignal]) {
        self.registerSymbols()
        self.assembler.process(event, into: &self.assembled)
        self.drain(into: &output)
    }

    /// Event time reached `time` without a record: emits what became final.
    public mutating func advance(to time: TimestampNanos, into output: inout [TechnicalSignal]) {
        self.assembler.advance(to: time, into: &self.assembled)
        self.drain(into: &output)
    }

    /// End of input: emits every pending bar.
    public mutating func finish(into output: inout [TechnicalSignal]) {
        self.assembler.finish(into: &self.assembled)
        self.drain(into: &output)
    }

    private mutating func registerSymbols() {
        guard self.seqs.count < self.symbols.count else { return }
        self.assembler.register(self.symbols)
        while self.seqs.count < self.symbols.count {
            self.seqs.append(0)
            self.seriesIndex.append(contentsOf: [-1, -1])
        }
    }

    private mutating func drain(into output: inout [TechnicalSignal]) {
        for assembled in self.assembled {
            let bar = assembled.bar
            let symbol = Int(bar.symbol.index)
            let key = symbol * 2 + (self.configuration.mode == .torghutParity ? 0 : Int(bar.interval.rawValue))
            if self.seriesIndex[key] < 0 {
                self.seriesIndex[key] = Int32(self.series.count)
                self.series.append(IndicatorSeries(mode: self.configuration.mode, calendar: self.configuration.calendar))
            }
            let indicators = self.series[Int(self.seriesIndex[key])].update(bar)
            self.seqs[symbol] += 1
            output.append(
                TechnicalSignal(bar: bar, seq: self.seqs[symbol], indicators: indicators, quote: assembled.quote))
        }
        self.assembled.removeAll(keepingCapacity: true)
    }
}

extension SignalRecord {
    /// The `ta.signals` record of a pipeline signal: event and ingest time = the bar end (the pipeline has no wall
    /// clock; live sets `ingestTime` itself), `window` = the bar window, `is_final`, `source`, and our `close`.
    public init(_ signal: TechnicalSignal, symbols: SymbolTable, source: String) {
        let bar = signal.bar
        let values = signal.indicators
        let end = bar.end
        self.init(
            ingestTime: end, eventTime: end, symbol: symbols[bar.symbol], seq: signal.seq,
            timeframe: bar.interval.timeframe, isFinal: bar.isFinal, source: source,
            window: Window(size: bar.interval.isoDuration, step: bar.interval.isoDuration, start: bar.start, end: end),
            macd: MACD(macd: values.macd, signal: values.macdSignal, hist: values.macdHistogram),
            ema: EMA(ema12: values.ema12, ema26: values.ema26), rsi14: values.rsi14,
            boll: values.bollinger.map { Bollinger(mid: $0.mid, upper: $0.upper, lower: $0.lower) },
            vwap: values.vwapSession.map { VWAP(session: $0, w5m: values.vwapFiveMinutes) },
            imbalance: signal.quote.map {
                Imbalance(
                    spread: $0.askPrice - $0.bidPrice, bidPx: $0.bidPrice, askPx: $0.askPrice, bidSz: $0.bidSize,
                    askSz: $0.askSize)
            },
            volRealized: values.realizedVolatility60.map { RealizedVolatility(w60s: $0) }, version: 1,
            close: bar.close)
    }
}
