import Runtime
import SpecModel

extension ScenarioRun {
    /// A signal-level fault of a run (a Scenario's `spec.faults` entry other than `price_shock`, which the generator
    /// applies), with minutes after the open resolved to instants. Windows are half-open `[start, end)`.
    public enum Fault: Sendable, Hashable {
        /// The first signal of `symbol` with an event time at or after `at`: price fields multiplied by `priceFactor`.
        case badTick(symbol: String, at: TimestampNanos, priceFactor: Double)
        /// Every signal of `symbol` with an event time in `window`: price fields set to NaN.
        case nanPrice(symbol: String, window: Range<TimestampNanos>)
        /// Every signal of `symbol` with an event time in `window`: delivered `copies` extra times, right after itself.
        case duplicateBurst(symbol: String, window: Range<TimestampNanos>, copies: Int)
        /// The signals of `symbol` with an event time in `window`: held back and released, in order, immediately
        /// before the next signal of `symbol` that is not held (or at the end of the stream).
        case feedDelay(symbol: String, window: Range<TimestampNanos>)
        /// From the first signal of `symbol` with an event time at or after `at` to the end: the symbol's event time
        /// and window bounds shifted by `skew` nanoseconds. Ingest time and stream position are unchanged.
        case clockSkew(symbol: String, at: TimestampNanos, skew: Int64)

        public var symbol: String {
            switch self {
            case .badTick(let symbol, _, _), .nanPrice(let symbol, _), .duplicateBurst(let symbol, _, _),
                .feedDelay(let symbol, _), .clockSkew(let symbol, _, _):
                symbol
            }
        }
    }
}

/// The signal-level faults of a run, as a stream transformer between the signal source and the simulation: each
/// signal goes through the faults in list order (the output of one is the input of the next), and `finish` releases
/// whatever a `feed_delay` still holds. Pure and deterministic: no randomness, no clock, no hashed collections; memory
/// is bounded by the signals a `feed_delay` window holds (plus a `duplicate_burst`'s copies of one signal).
public struct SignalFaults: Sendable {
    private var stages: [Stage]
    /// Reused buffers: the signals entering and leaving one stage.
    private var current: [SignalRecord] = []
    private var next: [SignalRecord] = []

    public init(_ faults: [ScenarioRun.Fault]) {
        self.stages = faults.map { Stage(fault: $0) }
    }

    /// True without faults: `process` then passes every signal through unchanged.
    public var isEmpty: Bool { self.stages.isEmpty }

    /// Runs one signal through every fault; `emit` receives what comes out, in order (zero, one or more signals).
    public mutating func process(_ signal: SignalRecord, emit: (SignalRecord) throws -> Void) rethrows {
        guard !self.stages.isEmpty else {
            try emit(signal)
            return
        }
        self.current.removeAll(keepingCapacity: true)
        self.current.append(signal)
        self.run(from: 0)
        for record in self.current { try emit(record) }
    }

    /// The end of the stream: each fault in list order releases what it holds, through the faults after it.
    public mutating func finish(emit: (SignalRecord) throws -> Void) rethrows {
        for index in self.stages.indices {
            self.current.removeAll(keepingCapacity: true)
            self.stages[index].release(into: &self.current)
            guard !self.current.isEmpty else { continue }
            self.run(from: index + 1)
            for record in self.current { try emit(record) }
        }
    }

    /// Passes `current` through stages `first...`, leaving the result in `current`.
    private mutating func run(from first: Int) {
        for index in first..<self.stages.count {
            self.next.removeAll(keepingCapacity: true)
            for record in self.current { self.stages[index].apply(record, into: &self.next) }
            swap(&self.current, &self.next)
        }
    }

    /// One fault and its state.
    struct Stage: Sendable {
        let fault: ScenarioRun.Fault
        /// `bad_tick`: the tick was corrupted; `clock_skew`: the skew has started.
        var started = false
        /// `feed_delay`: the signals held back, in arrival order.
        var held: [SignalRecord] = []

        init(fault: ScenarioRun.Fault) {
            self.fault = fault
        }

        mutating func apply(_ record: SignalRecord, into output: inout [SignalRecord]) {
            guard record.symbol == self.fault.symbol else {
                output.append(record)
                return
            }
            switch self.fault {
            case .badTick(_, let at, let factor):
                guard !self.started, record.eventTime >= at else { break }
                self.started = true
                var corrupted = record
                corrupted.transformPrices { $0 * factor }
                output.append(corrupted)
                return
            case .nanPrice(_, let window):
                guard window.contains(record.eventTime) else { break }
                var corrupted = record
                corrupted.transformPrices { _ in .nan }
                output.append(corrupted)
                return
            case .duplicateBurst(_, let window, let copies):
                guard window.contains(record.eventTime) else { break }
                for _ in 0...copies { output.append(record) }
                return
            case .feedDelay(_, let window):
                if window.contains(record.eventTime) {
                    self.held.append(record)
                    return
                }
                self.release(into: &output)
            case .clockSkew(_, let at, let skew):
                if !self.started, record.eventTime >= at { self.started = true }
                guard self.started else { break }
                // Saturating: a time near the ends of the Int64 nanosecond range (year 1677 or 2262) stays at the
                // end rather than trapping.
                func shift(_ time: TimestampNanos) -> TimestampNanos {
                    let (sum, overflow) = time.addingReportingOverflow(skew)
                    return overflow ? (skew > 0 ? .max : .min) : sum
                }
                var shifted = record
                shifted.eventTime = shift(shifted.eventTime)
                if var window = shifted.window {
                    window.start = window.start.map(shift)
                    window.end = window.end.map(shift)
                    shifted.window = window
                }
                output.append(shifted)
                return
            }
            output.append(record)
        }

        /// Appends and forgets the held signals.
        mutating func release(into output: inout [SignalRecord]) {
            guard !self.held.isEmpty else { return }
            output.append(contentsOf: self.held)
            self.held = []
        }
    }
}

extension SignalRecord {
    /// Applies `transform` to every price field: `close`, `vwap.session`, `vwap.w5m`, `boll.mid/upper/lower` and
    /// `ema.ema12/ema26`. The quote (`imbalance`), MACD, RSI and volatility are left alone.
    mutating func transformPrices(_ transform: (Double) -> Double) {
        self.close = self.close.map(transform)
        if var vwap = self.vwap {
            vwap.session = transform(vwap.session)
            vwap.w5m = vwap.w5m.map(transform)
            self.vwap = vwap
        }
        if var boll = self.boll {
            boll.mid = transform(boll.mid)
            boll.upper = transform(boll.upper)
            boll.lower = transform(boll.lower)
            self.boll = boll
        }
        if var ema = self.ema {
            ema.ema12 = transform(ema.ema12)
            ema.ema26 = transform(ema.ema26)
            self.ema = ema
        }
    }
}
