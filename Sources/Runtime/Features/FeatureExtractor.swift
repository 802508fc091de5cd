/// Which number becomes the `price` feature.
public enum PriceSource: String, Sendable, Hashable, CaseIterable {
    /// Ours: the bar close; the bid/ask midpoint only when the close is missing or invalid.
    case close
    /// Torghut's precedence (reference 01 §4.3, the flat-row quirk of §1.5): `vwap.session` → `vwap.w5m` → close →
    /// bid/ask midpoint. Unlike Torghut, a non-positive value (Flink emits `vwap.session = 0.0` without volume) is
    /// skipped rather than used as a price.
    case torghutParity = "torghut_parity"
}

/// Turns each `SignalRecord`, in order, into a `FeatureVector` (catalog `FeatureCatalog`): signal copies, derived
/// values, session context per symbol and New York session, and cross-sectional ranks.
///
/// Pure and deterministic: the output depends only on the configuration, the symbol names, and the sequence of
/// (symbol, signal, session) updates. Symbols are interned by the caller to dense ids `0..<symbolCount`; all state
/// lives in flat arrays indexed by id. `update(symbol:signal:session:into:)` does not allocate.
///
/// Missing propagates: a feature is missing when any input it depends on is absent or non-finite, never zero.
/// - A price (and every price-like denominator of a bps feature) is valid when finite and > 0.
/// - A quote is valid when bid/ask prices and sizes are all present, bid > 0, ask ≥ bid, sizes ≥ 0 and
///   bid_sz + ask_sz > 0. `spread_bps`, `imbalance_pressure`, `microprice_bias_bps`, the midpoint price fallback and
///   quote jumps exist only for valid quotes; `spread_bps` uses ask_px − bid_px (not the emitted `spread`), over mid.
/// - Non-finite record values (NaN/inf) are stored as missing and counted: per vector in
///   `FeatureVector.invalidInputCount`, cumulatively in `invalidInputCount` here.
///
/// A value type; not thread-safe to mutate concurrently. See `SessionContextTracker` and `CrossSectionRanker` for the
/// session and cross-section definitions.
public struct FeatureExtractor: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var priceSource: PriceSource
        /// Length of the opening range / opening window, minutes after the open (default 30).
        public var openingRangeMinutes: Int
        /// Number of signals in the per-symbol recent window (default 30).
        public var recentWindowSignals: Int
        /// The features to compute exactly (default: all); others may be left missing.
        public var demand: FeatureDemand

        public init(
            priceSource: PriceSource = .close, openingRangeMinutes: Int = 30, recentWindowSignals: Int = 30,
            demand: FeatureDemand = .all
        ) {
            self.priceSource = priceSource
            self.openingRangeMinutes = openingRangeMinutes
            self.recentWindowSignals = recentWindowSignals
            self.demand = demand
        }
    }

    public let configuration: Configuration
    /// Symbol names by id.
    public private(set) var symbolNames: [String]
    /// Non-finite inputs seen since creation.
    public private(set) var invalidInputCount: Int
    private var sessionContext: SessionContextTracker
    private var crossSection: CrossSectionRanker
    /// From `configuration.demand`, checked per signal.
    private let needsSessionContext: Bool
    private let recentSeries: UInt16
    private let crossSectionInputs: UInt16

    /// - Parameter symbols: the universe; a symbol's id is its index. Names must be distinct.
    public init(symbols: [String], configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.symbolNames = symbols
        self.invalidInputCount = 0
        self.sessionContext = SessionContextTracker(
            symbolCount: symbols.count, openingRangeMinutes: configuration.openingRangeMinutes,
            recentWindowSignals: configuration.recentWindowSignals)
        self.crossSection = CrossSectionRanker(symbolNames: symbols)
        self.needsSessionContext = configuration.demand.needsSessionContext
        self.recentSeries = configuration.demand.recentSeries
        self.crossSectionInputs = configuration.demand.crossSectionInputs
    }

    public var symbolCount: Int { self.symbolNames.count }

    /// Adds a symbol and returns its id (= the previous `symbolCount`). Allocates; call at universe changes, not per
    /// event.
    public mutating func addSymbol(_ name: String) -> Int {
        let id = self.symbolNames.count
        self.symbolNames.append(name)
        self.sessionContext.grow(to: self.symbolNames.count)
        self.crossSection.resize(symbolNames: self.symbolNames)
        return id
    }

    /// Updates the state of `symbol` with `signal` and writes its features into `vector` (cleared first).
    ///
    /// - Parameters:
    ///   - symbol: the interned id of `signal.symbol`.
    ///   - session: the regular session the signal belongs to, or nil outside any session. Without a session (or with
    ///     an event time outside `open…close`), session and cross-section features are missing and state is untouched.
    public mutating func update(
        symbol: Int, signal: SignalRecord, session: TradingSession?, into vector: inout FeatureVector
    ) {
        precondition(symbol >= 0 && symbol < self.symbolNames.count, "unknown symbol id \(symbol)")
        assert(self.symbolNames[symbol] == signal.symbol, "symbol id \(symbol) is not \(signal.symbol)")
        vector.withWriter { writer in
            writer.removeAll()
            writer.set(.stalenessMs, Double(max(0, signal.ingestTime - signal.eventTime) / 1_000_000))

            if let macd = signal.macd {
                writer.set(.macd, macd.macd)
                writer.set(.macdSignal, macd.signal)
                writer.set(.macdHist, macd.hist)
            }
            if let ema = signal.ema {
                writer.set(.ema12, ema.ema12)
                writer.set(.ema26, ema.ema26)
            }
            if let rsi = signal.rsi14 { writer.set(.rsi14, rsi) }
            if let boll = signal.boll {
                writer.set(.bollMid, boll.mid)
                writer.set(.bollUpper, boll.upper)
                writer.set(.bollLower, boll.lower)
            }
            if let vwap = signal.vwap {
                writer.set(.vwapSession, vwap.session)
                if let w5m = vwap.w5m { writer.set(.vwapW5m, w5m) }
            }
            if let vol = signal.volRealized { writer.set(.volRealizedW60s, vol.w60s) }
            if let quote = signal.imbalance {
                writer.set(.imbalanceSpread, quote.spread)
                writer.set(.imbalanceBidPx, quote.bidPx)
                writer.set(.imbalanceAskPx, quote.askPx)
                writer.set(.imbalanceBidSz, quote.bidSz)
                writer.set(.imbalanceAskSz, quote.askSz)
            }
            var close: Double? = nil
            if let value = signal.close {
                if value.isFinite { close = value } else { writer.recordInvalidInput() }
            }

            let mid = Self.deriveQuoteFeatures(&writer)
            let price = Self.selectPrice(
                source: self.configuration.priceSource, close: close, vwapSession: writer[.vwapSession],
                vwapW5m: writer[.vwapW5m], mid: mid)
            writer.set(.price, price)
            writer.set(.priceVsEma12Bps, basisPoints(price, over: writer[.ema12]))
            writer.set(.priceVsVwapSessionBps, basisPoints(price, over: writer[.vwapSession]))
            writer.set(.priceVsVwapW5mBps, basisPoints(price, over: writer[.vwapW5m]))

            if let session, self.needsSessionContext,
                self.sessionContext.update(
                    symbol: symbol, eventTime: signal.eventTime, session: session, mid: mid,
                    recentSeries: self.recentSeries, vector: &writer),
                self.crossSectionInputs != 0
            {
                _ = self.crossSection.update(
                    symbol: symbol, sessionOpen: session.open, inputs: self.crossSectionInputs, vector: &writer)
            }
        }
        self.invalidInputCount += vector.invalidInputCount
    }

    /// `update(symbol:signal:session:into:)` into a fresh vector (allocates; for tests and tools).
    public mutating func features(symbol: Int, signal: SignalRecord, session: TradingSession?) -> FeatureVector {
        var vector = FeatureVector()
        self.update(symbol: symbol, signal: signal, session: session, into: &vector)
        return vector
    }

    /// The price under `source` from already-sanitized inputs (each nil when absent or non-finite): the first
    /// candidate that is finite and > 0, or nil.
    public static func selectPrice(
        source: PriceSource, close: Double?, vwapSession: Double?, vwapW5m: Double?, mid: Double?
    ) -> Double? {
        switch source {
        case .close:
            return Self.validPrice(close) ?? Self.validPrice(mid)
        case .torghutParity:
            return Self.validPrice(vwapSession) ?? Self.validPrice(vwapW5m) ?? Self.validPrice(close)
                ?? Self.validPrice(mid)
        }
    }

    @inline(__always)
    private static func validPrice(_ value: Double?) -> Double? {
        guard let value, value.isFinite, value > 0 else { return nil }
        return value
    }

    /// Writes `spread_bps`, `imbalance_pressure` and `microprice_bias_bps` for a valid quote and returns its midpoint;
    /// returns nil (writing nothing) otherwise.
    private static func deriveQuoteFeatures(_ vector: inout FeatureVectorWriter) -> Double? {
        guard let bid = vector[.imbalanceBidPx], let ask = vector[.imbalanceAskPx],
            let bidSize = vector[.imbalanceBidSz], let askSize = vector[.imbalanceAskSz],
            bid > 0, ask >= bid, bidSize >= 0, askSize >= 0, bidSize + askSize > 0
        else { return nil }
        let mid = (bid + ask) / 2
        let totalSize = bidSize + askSize
        let microprice = (ask * bidSize + bid * askSize) / totalSize
        let spreadBps = (ask - bid) / mid * 10_000
        let biasBps = (microprice - mid) / mid * 10_000
        guard mid.isFinite, spreadBps.isFinite, biasBps.isFinite else { return nil }
        vector.set(.spreadBps, spreadBps)
        vector.set(.imbalancePressure, (bidSize - askSize) / totalSize)
        vector.set(.micropriceBiasBps, biasBps)
        return mid
    }
}
