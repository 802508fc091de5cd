import Runtime
import SpecModel

/// A seeded synthetic market: trades and quotes for a set of symbols over part of one New York session, as a
/// stream in event-time order. The output is a pure function of the settings and `MarketGenerator.version`: no
/// transcendental functions (their last bit differs between libm builds), only IEEE arithmetic and SplitMix64, and
/// prices on the cent grid. A change to the algorithm must bump `version`, so it shows as an input change, not as
/// unexplained drift in goldens.
public struct MarketGenerator: Sendable {
    public static let version = "torghut-gen-2026.1"

    /// The market's shape; the Scenario kind's `source.generator.kind` (`trend_day`: every symbol drifts by
    /// `driftFraction` over the window; `mean_reverting_day`: every symbol reverts towards its opening price).
    public typealias Kind = ScenarioSpec.GeneratorKind

    public struct Settings: Sendable, Hashable {
        public var kind: Kind
        public var seed: UInt64
        public var session: TradingSession
        public var symbols: [String]
        /// Minutes after the open at which generation starts, and how long it runs.
        public var startMinute: Int
        public var minutes: Int
        /// Trend day: the fractional move over the window (0.02 = +2 %). Mean-reverting day: unused.
        public var driftFraction: Double
        /// Noise per second as a fraction of the price: by default 0.5 bp on a trend day (the drift dominates: ±0.3 %
        /// over an hour against +2 %), 4 bps on a mean-reverting day.
        public var volatilityPerSecond: Double
        /// Mean trades per symbol and second (uniform in 0…2×).
        public var tradesPerSecond: Int
        /// Quoted spread in cents.
        public var spreadCents: Int
        /// Gaps of the path price (a Scenario's `price_shock` faults), applied in list order. Empty: none, and the
        /// stream is the same as without this field.
        public var priceShocks: [PriceShock]

        public init(
            kind: Kind, seed: UInt64, session: TradingSession, symbols: [String], startMinute: Int = 0,
            minutes: Int = 60, driftFraction: Double = 0.02, volatilityPerSecond: Double? = nil,
            tradesPerSecond: Int = 3, spreadCents: Int = 2, priceShocks: [PriceShock] = []
        ) {
            self.kind = kind
            self.seed = seed
            self.session = session
            self.symbols = symbols
            self.startMinute = startMinute
            self.minutes = minutes
            self.driftFraction = driftFraction
            self.volatilityPerSecond = volatilityPerSecond ?? (kind == .trendDay ? 0.00005 : 0.0004)
            self.tradesPerSecond = tradesPerSecond
            self.spreadCents = spreadCents
            self.priceShocks = priceShocks
        }
    }

    /// A one-time gap: at the first second of `minuteAfterOpen`, after that second's move, the path price of each
    /// affected symbol is multiplied by `factor` (1 + the fault's `move_fraction`). On a mean-reverting day the level
    /// the path reverts to moves with it, so the gap persists instead of being pulled back. No random number is drawn
    /// for a shock: every trade, quote, size and time stays what it was, only later prices scale.
    public struct PriceShock: Sendable, Hashable {
        /// Minutes after the open (not after the window's start).
        public var minuteAfterOpen: Int
        public var factor: Double
        /// The affected symbols; empty means every symbol. Names outside the settings' symbols are ignored.
        public var symbols: [String]

        public init(minuteAfterOpen: Int, factor: Double, symbols: [String] = []) {
            self.minuteAfterOpen = minuteAfterOpen
            self.factor = factor
            self.symbols = symbols
        }
    }

    public let settings: Settings
    private var random: SplitMix64
    private var ids: [SymbolID]
    /// Per symbol: the path price, the anchor (opening price), the next trade id.
    private var prices: [Double]
    private var anchors: [Double]
    private var nextTradeID: [Int64]
    private var second: Int64
    private let endSecond: Int64
    private var pending: [MarketEvent] = []
    private var pendingIndex = 0
    private let drift: Double
    /// The price shocks resolved to (epoch second, factor, affected symbol indices), in settings order.
    private let shocks: [(second: Int64, factor: Double, affected: [Bool])]

    /// - Parameter symbols: the table the events' ids come from (the TA pipeline's); names are interned in the
    ///   settings' order.
    public init(_ settings: Settings, symbols: inout SymbolTable) {
        self.settings = settings
        self.random = SplitMix64(seed: settings.seed)
        self.ids = settings.symbols.map { symbols.intern($0) }
        let start = settings.session.open / Timestamp.nanosPerSecond + Int64(settings.startMinute) * 60
        let end = min(start + Int64(settings.minutes) * 60, settings.session.close / Timestamp.nanosPerSecond)
        self.second = start
        self.endSecond = max(start, end)
        let seconds = Double(max(1, self.endSecond - start))
        // (1 + d)^(1/n) − 1 without pow: a first-order step, exact enough for a synthetic trend, and bit-stable.
        self.drift = settings.driftFraction / seconds
        let openSecond = settings.session.open / Timestamp.nanosPerSecond
        self.shocks = settings.priceShocks.map { shock in
            (
                openSecond + Int64(shock.minuteAfterOpen) * 60, shock.factor,
                settings.symbols.map { shock.symbols.isEmpty || shock.symbols.contains($0) }
            )
        }
        self.prices = []
        self.anchors = []
        self.nextTradeID = Array(repeating: 1, count: settings.symbols.count)
        for _ in settings.symbols {
            // Opening prices between $20 and $500, on the cent grid.
            let price = Self.cents(20 + Double(self.random.next() % 48_000) / 100)
            self.prices.append(price)
            self.anchors.append(price)
        }
    }

    /// The next event in time order (ties: symbol order, then trades before quotes), or nil after the window.
    public mutating func next() -> MarketEvent? {
        while self.pendingIndex == self.pending.count {
            guard self.second < self.endSecond else { return nil }
            self.generateSecond()
        }
        defer { self.pendingIndex += 1 }
        return self.pending[self.pendingIndex]
    }

    /// Approximately standard normal: the Irwin–Hall sum of 12 uniforms minus 6 (mean 0, variance 1).
    private mutating func gaussian() -> Double {
        var sum = 0.0
        for _ in 0..<12 { sum += Double(self.random.next() >> 11) / Double(1 << 53) }
        return sum - 6
    }

    private static func cents(_ price: Double) -> Double { max(0.01, (price * 100).rounded() / 100) }

    /// Gaps the path (and the mean-reversion anchor) of symbol `index` by every shock of the current second.
    private mutating func applyShocks(_ index: Int) {
        for shock in self.shocks where shock.second == self.second && shock.affected[index] {
            self.prices[index] *= shock.factor
            self.anchors[index] *= shock.factor
        }
    }

    /// One second of every symbol: the path moves once, trades print around it, quotes straddle it.
    private mutating func generateSecond() {
        self.pending.removeAll(keepingCapacity: true)
        self.pendingIndex = 0
        let base = self.second * Timestamp.nanosPerSecond
        var events: [(offset: Int64, order: Int, event: MarketEvent)] = []
        for index in self.ids.indices {
            let sigma = self.settings.volatilityPerSecond
            switch self.settings.kind {
            case .trendDay:
                self.prices[index] *= 1 + self.drift + sigma * self.gaussian()
            case .meanRevertingDay:
                let pull = 0.02 * (self.anchors[index] - self.prices[index])
                self.prices[index] += pull + 2 * sigma * self.anchors[index] * self.gaussian()
            }
            if !self.shocks.isEmpty { self.applyShocks(index) }
            self.prices[index] = max(0.05, self.prices[index])
            let mid = self.prices[index]
            let halfSpread = Double(self.settings.spreadCents) / 200
            let count = Int(self.random.next() % UInt64(2 * self.settings.tradesPerSecond + 1))
            for _ in 0..<count {
                let offset = Int64(self.random.next() % 1_000_000) * 1_000
                let price = Self.cents(mid + (Double(self.random.next() % 3) - 1) * halfSpread)
                let oddLot = self.random.next() % 5 == 0
                let shares: UInt64 = oddLot ? 1 + self.random.next() % 99 : 100 * (1 + self.random.next() % 5)
                let size = Double(shares)
                let trade = MarketTrade(
                    symbol: self.ids[index], time: base + offset, price: price, size: size, id: self.nextTradeID[index])
                self.nextTradeID[index] += 1
                events.append((offset, index * 2, .trade(trade)))
            }
            let quoteOffset = Int64(self.random.next() % 1_000_000) * 1_000
            let bid = Self.cents(mid - halfSpread)
            let quote = MarketQuote(
                symbol: self.ids[index], time: base + quoteOffset, bidPrice: bid,
                bidSize: Double(1 + self.random.next() % 20) * 100,
                askPrice: Self.cents(bid + Double(self.settings.spreadCents) / 100), askSize: Double(1 + self.random.next() % 20) * 100)
            events.append((quoteOffset, index * 2 + 1, .quote(quote)))
        }
        // Stable order: time, then symbol (settings order), trades before the quote; trades keep generation order.
        let ordered = events.indices.sorted { (a: Int, b: Int) -> Bool in
            let (left, right) = (events[a], events[b])
            if left.offset != right.offset { return left.offset < right.offset }
            if left.order != right.order { return left.order < right.order }
            return a < b
        }
        for index in ordered { self.pending.append(events[index].event) }
        self.second += 1
    }
}
