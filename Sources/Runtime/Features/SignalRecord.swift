/// The bar timeframe a signal belongs to, spelled as Torghut spells `base_timeframe` (`1Sec`, `1Min`, `5Min`, `1Hour`).
///
/// A string wrapper rather than a closed enum: strategies match the signal's timeframe string exactly, and Torghut
/// accepts any `n` in `nSec`/`nMin`/`nHour`.
public struct Timeframe: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public static let oneSecond = Timeframe(rawValue: "1Sec")
    public static let oneMinute = Timeframe(rawValue: "1Min")

    /// The timeframe of an ISO-8601 window size as Torghut maps it: `PT1S` → `1Sec`, `PT5M` → `5Min`, `PT1H` → `1Hour`.
    /// Returns nil for anything else (days, fractional or combined durations).
    public init?(isoDuration text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "T") else { return nil }
        let digits = bytes[2..<(bytes.count - 1)]
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let count = Int(String(decoding: digits, as: UTF8.self)), count > 0
        else { return nil }
        let unit: String
        switch bytes[bytes.count - 1] {
        case UInt8(ascii: "S"): unit = "Sec"
        case UInt8(ascii: "M"): unit = "Min"
        case UInt8(ascii: "H"): unit = "Hour"
        default: return nil
        }
        self.rawValue = String(count) + unit
    }

    public var description: String { self.rawValue }
}

/// One Torghut `ta.signals` record (`torghut.ta.TaSignal`, `fixtures/schemas/ta-signals.avsc`), with timestamps already
/// parsed to nanoseconds and two extensions of ours: `close` (the bar close, emitted by the in-process TA pipeline)
/// and `timeframe`.
///
/// Indicator values are `Double` because they arrive as Avro doubles; they are not money. Values may be non-finite
/// (upstream NaN/inf); the feature extractor turns those into missing features and counts them.
public struct SignalRecord: Sendable, Hashable {
    /// `window`: ISO-8601 durations (`PT1S`) and the bar bounds.
    public struct Window: Sendable, Hashable {
        public var size: String
        public var step: String?
        public var start: TimestampNanos?
        public var end: TimestampNanos?

        public init(size: String, step: String? = nil, start: TimestampNanos? = nil, end: TimestampNanos? = nil) {
            self.size = size
            self.step = step
            self.start = start
            self.end = end
        }
    }

    /// `macd`: MACD(12, 26), its EMA(9) signal line, and the histogram.
    public struct MACD: Sendable, Hashable {
        public var macd: Double
        public var signal: Double
        public var hist: Double

        public init(macd: Double, signal: Double, hist: Double) {
            self.macd = macd
            self.signal = signal
            self.hist = hist
        }
    }

    /// `ema`: EMAs of the close.
    public struct EMA: Sendable, Hashable {
        public var ema12: Double
        public var ema26: Double

        public init(ema12: Double, ema26: Double) {
            self.ema12 = ema12
            self.ema26 = ema26
        }
    }

    /// `boll`: Bollinger(20, 2σ).
    public struct Bollinger: Sendable, Hashable {
        public var mid: Double
        public var upper: Double
        public var lower: Double

        public init(mid: Double, upper: Double, lower: Double) {
            self.mid = mid
            self.upper = upper
            self.lower = lower
        }
    }

    /// `vwap`: cumulative session VWAP (Torghut's Flink job emits 0.0 without volume) and the rolling 5-minute VWAP.
    public struct VWAP: Sendable, Hashable {
        public var session: Double
        public var w5m: Double?

        public init(session: Double, w5m: Double? = nil) {
            self.session = session
            self.w5m = w5m
        }
    }

    /// `imbalance`: the last quote seen for the symbol. `spread` = ask − bid as emitted upstream.
    public struct Imbalance: Sendable, Hashable {
        public var spread: Double
        public var bidPx: Double
        public var askPx: Double
        public var bidSz: Double
        public var askSz: Double

        public init(spread: Double, bidPx: Double, askPx: Double, bidSz: Double, askSz: Double) {
            self.spread = spread
            self.bidPx = bidPx
            self.askPx = askPx
            self.bidSz = bidSz
            self.askSz = askSz
        }
    }

    /// `vol_realized`: population stdev of 1-bar log returns over the last 60 bars (per bar, not annualized).
    public struct RealizedVolatility: Sendable, Hashable {
        public var w60s: Double

        public init(w60s: Double) {
            self.w60s = w60s
        }
    }

    /// `microstructure_signal_v1`. Every field is optional here (the Avro record requires them) so that a partial
    /// decoder can keep only what it reads; none of them feeds a feature yet.
    public struct MicrostructureSignalV1: Sendable, Hashable {
        public var schemaVersion: String?
        public var symbol: String?
        public var horizon: String?
        public var directionUp: Double?
        public var directionFlat: Double?
        public var directionDown: Double?
        public var uncertaintyBand: String?
        public var expectedSpreadImpactBps: Double?
        public var expectedSlippageBps: Double?
        public var featureQualityStatus: String?
        public var artifactModelID: String?
        public var artifactFeatureSchemaVersion: String?
        public var artifactTrainingRunID: String?

        public init(
            schemaVersion: String? = nil, symbol: String? = nil, horizon: String? = nil, directionUp: Double? = nil,
            directionFlat: Double? = nil, directionDown: Double? = nil, uncertaintyBand: String? = nil,
            expectedSpreadImpactBps: Double? = nil, expectedSlippageBps: Double? = nil,
            featureQualityStatus: String? = nil, artifactModelID: String? = nil,
            artifactFeatureSchemaVersion: String? = nil, artifactTrainingRunID: String? = nil
        ) {
            self.schemaVersion = schemaVersion
            self.symbol = symbol
            self.horizon = horizon
            self.directionUp = directionUp
            self.directionFlat = directionFlat
            self.directionDown = directionDown
            self.uncertaintyBand = uncertaintyBand
            self.expectedSpreadImpactBps = expectedSpreadImpactBps
            self.expectedSlippageBps = expectedSlippageBps
            self.featureQualityStatus = featureQualityStatus
            self.artifactModelID = artifactModelID
            self.artifactFeatureSchemaVersion = artifactFeatureSchemaVersion
            self.artifactTrainingRunID = artifactTrainingRunID
        }
    }

    /// `ingest_ts`: when the TA job produced the record.
    public var ingestTime: TimestampNanos
    /// `event_ts`: the bar end (event time).
    public var eventTime: TimestampNanos
    public var symbol: String
    /// Per-symbol, monotonically increasing bar sequence.
    public var seq: Int64
    public var featureSchemaVersion: String?
    public var isFinal: Bool?
    public var signalQualityFlag: String?
    public var source: String?
    public var window: Window?
    public var macd: MACD?
    public var ema: EMA?
    public var rsi14: Double?
    public var boll: Bollinger?
    public var vwap: VWAP?
    public var imbalance: Imbalance?
    public var volRealized: RealizedVolatility?
    /// Rare, and a third of the record inline: kept boxed, so a record is smaller to copy and to clear (per signal).
    public var microstructureSignalV1: MicrostructureSignalV1? {
        get { self.microstructureBox?.value }
        set { self.microstructureBox = newValue.map(MicrostructureBox.init) }
    }
    @usableFromInline var microstructureBox: MicrostructureBox?
    /// Whether `microstructureSignalV1` is set (without copying it out; inlinable, so a record read in place through
    /// a pointer is not copied to ask).
    @inlinable public var hasMicrostructureSignalV1: Bool { self.microstructureBox != nil }
    /// Envelope version (Avro `["int", "null"]`, default 1).
    public var version: Int32?
    /// Extension: the bar close.
    public var close: Double?
    /// Extension: the bar timeframe.
    public var timeframe: Timeframe

    public init(
        ingestTime: TimestampNanos, eventTime: TimestampNanos, symbol: String, seq: Int64, timeframe: Timeframe,
        featureSchemaVersion: String? = nil, isFinal: Bool? = nil, signalQualityFlag: String? = nil,
        source: String? = nil, window: Window? = nil, macd: MACD? = nil, ema: EMA? = nil, rsi14: Double? = nil,
        boll: Bollinger? = nil, vwap: VWAP? = nil, imbalance: Imbalance? = nil, volRealized: RealizedVolatility? = nil,
        microstructureSignalV1: MicrostructureSignalV1? = nil, version: Int32? = 1, close: Double? = nil
    ) {
        self.ingestTime = ingestTime
        self.eventTime = eventTime
        self.symbol = symbol
        self.seq = seq
        self.timeframe = timeframe
        self.featureSchemaVersion = featureSchemaVersion
        self.isFinal = isFinal
        self.signalQualityFlag = signalQualityFlag
        self.source = source
        self.window = window
        self.macd = macd
        self.ema = ema
        self.rsi14 = rsi14
        self.boll = boll
        self.vwap = vwap
        self.imbalance = imbalance
        self.volRealized = volRealized
        self.microstructureSignalV1 = microstructureSignalV1
        self.version = version
        self.close = close
    }
}

/// An immutable box for `SignalRecord.microstructureSignalV1` (a new box per assignment keeps value semantics),
/// equal and hashed by its value.
@usableFromInline final class MicrostructureBox: Sendable, Hashable {
    let value: SignalRecord.MicrostructureSignalV1

    init(_ value: SignalRecord.MicrostructureSignalV1) {
        self.value = value
    }

    @usableFromInline static func == (left: MicrostructureBox, right: MicrostructureBox) -> Bool {
        left.value == right.value
    }

    @usableFromInline func hash(into hasher: inout Hasher) {
        hasher.combine(self.value)
    }
}
