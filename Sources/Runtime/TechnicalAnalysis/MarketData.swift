/// A symbol interned to a dense index at ingress, so per-symbol state lives in flat arrays (no String hashing per
/// event). Indices are assigned in order of first appearance; names are kept for output and ordering.
public struct SymbolID: Sendable, Hashable, Comparable {
    public var index: Int32

    public init(_ index: Int32) {
        self.index = index
    }

    public static func < (a: SymbolID, b: SymbolID) -> Bool { a.index < b.index }
}

/// Interns symbol names. Not thread-safe; owned by one decoder or pipeline.
public struct SymbolTable: Sendable {
    public private(set) var names: [String] = []
    private var indices: [String: Int32] = [:]

    public init() {}

    public init(_ names: [String]) {
        for name in names { _ = self.intern(name) }
    }

    public var count: Int { self.names.count }

    /// The id of `name`, adding it on first sight.
    public mutating func intern(_ name: String) -> SymbolID {
        if let index = self.indices[name] { return SymbolID(index) }
        let index = Int32(self.names.count)
        self.names.append(name)
        self.indices[name] = index
        return SymbolID(index)
    }

    public func id(of name: String) -> SymbolID? {
        self.indices[name].map(SymbolID.init)
    }

    public subscript(id: SymbolID) -> String { self.names[Int(id.index)] }
}

/// One trade (Alpaca `t`, `p`, `s`, `i`). Prices and sizes are doubles: they feed indicators, not accounting.
public struct MarketTrade: Sendable, Hashable {
    public var symbol: SymbolID
    public var time: TimestampNanos
    public var price: Double
    public var size: Double
    /// Alpaca's trade id `i`; duplicates of an id within the open buckets of a symbol are dropped. nil: no dedup.
    public var id: Int64?

    public init(symbol: SymbolID, time: TimestampNanos, price: Double, size: Double, id: Int64? = nil) {
        self.symbol = symbol
        self.time = time
        self.price = price
        self.size = size
        self.id = id
    }
}

/// One top-of-book quote (Alpaca `bp`, `bs`, `ap`, `as`, `t`).
public struct MarketQuote: Sendable, Hashable {
    public var symbol: SymbolID
    public var time: TimestampNanos
    public var bidPrice: Double
    public var bidSize: Double
    public var askPrice: Double
    public var askSize: Double

    public init(
        symbol: SymbolID, time: TimestampNanos, bidPrice: Double, bidSize: Double, askPrice: Double, askSize: Double
    ) {
        self.symbol = symbol
        self.time = time
        self.bidPrice = bidPrice
        self.bidSize = bidSize
        self.askPrice = askPrice
        self.askSize = askSize
    }
}

/// The bar length of a series. Ordered by the timeframe's name (`1Min` before `1Sec`), the order signals with the
/// same event time are emitted in.
public enum BarInterval: UInt8, Sendable, Hashable, CaseIterable, Comparable {
    case oneMinute = 0
    case oneSecond = 1

    public var nanos: Int64 {
        switch self {
        case .oneMinute: Timestamp.nanosPerMinute
        case .oneSecond: Timestamp.nanosPerSecond
        }
    }

    public var timeframe: Timeframe {
        switch self {
        case .oneMinute: .oneMinute
        case .oneSecond: .oneSecond
        }
    }

    /// The ISO-8601 window size/step of signals on this interval.
    public var isoDuration: String {
        switch self {
        case .oneMinute: "PT1M"
        case .oneSecond: "PT1S"
        }
    }

    public static func < (a: BarInterval, b: BarInterval) -> Bool { a.rawValue < b.rawValue }
}

/// One OHLCV bar: a microbar built from trades, or a 1-minute bar read from the bars topic or a CSV file.
public struct MarketBar: Sendable, Hashable {
    public var symbol: SymbolID
    public var interval: BarInterval
    /// Window start; the bar covers [start, start + interval).
    public var start: TimestampNanos
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double
    /// Σ price·size of the bar's trades (VWAP numerator); for bars read from outside, `vwap·volume` when the source
    /// gave a VWAP, else `close·volume`.
    public var priceVolume: Double
    /// Trades in the bar; 0 when the source did not say.
    public var tradeCount: Int64
    /// False for Alpaca `updatedBars` corrections that are not final yet.
    public var isFinal: Bool

    public init(
        symbol: SymbolID, interval: BarInterval, start: TimestampNanos, open: Double, high: Double, low: Double,
        close: Double, volume: Double, priceVolume: Double? = nil, tradeCount: Int64 = 0, isFinal: Bool = true
    ) {
        self.symbol = symbol
        self.interval = interval
        self.start = start
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.priceVolume = priceVolume ?? close * volume
        self.tradeCount = tradeCount
        self.isFinal = isFinal
    }

    /// Window end, the bar's event time.
    public var end: TimestampNanos { self.start + self.interval.nanos }

    /// Σ price·size / Σ size; nil without volume.
    public var vwap: Double? { self.volume > 0 ? self.priceVolume / self.volume : nil }
}

/// One input record of the TA pipeline.
public enum MarketEvent: Sendable, Hashable {
    case trade(MarketTrade)
    case quote(MarketQuote)
    case bar(MarketBar)

    public var symbol: SymbolID {
        switch self {
        case .trade(let trade): trade.symbol
        case .quote(let quote): quote.symbol
        case .bar(let bar): bar.symbol
        }
    }

    /// The event time the watermark advances with: trade and quote time, a bar's end (it is complete only then).
    public var eventTime: TimestampNanos {
        switch self {
        case .trade(let trade): trade.time
        case .quote(let quote): quote.time
        case .bar(let bar): bar.end
        }
    }
}
