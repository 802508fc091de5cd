import Runtime
import SpecModel

/// The `events` section of a golden file: enough of `events.jsonl` to say where two runs first differ.
///
/// ```
/// events
/// signals 1-1110 3be77ebd30df5199c82189434faaf5f3
/// event 27 decision 2026-03-06T14:30:11Z intraday_tsmom_v1@prod NVDA sell entry 3 @ 298.01
/// event 28 risk_rejected NVDA sell 3 limit 298: shorts_not_allowed
/// event 43 decision 2026-03-06T14:30:16Z intraday_tsmom_v1@prod MSFT buy entry 2 @ 433.52
/// event 44 order MSFT buy 2 limit 433.53
/// event 45 fill MSFT buy 2 @ 433.53 cost 0.63
/// event 46 position MSFT 2 avg 433.53 realized 0 cash 99132.31 equity 99999.37
/// …
/// signals 1111-2192 65ed53484dba0921ac37a7d2982fd13e
/// ```
/// Every non-signal event is one line. Signals come as checkpoints: the XXH3-128 of 1,000 signals' lines in
/// `signalText` form (no event number), named by the event numbers of the first and last of them. A strategy or cost
/// change only renumbers signals, so their checkpoints stay equal; a changed checkpoint means the signal stream itself
/// (data, TA, faults, window) changed. Lines are ordered by their (first) event number.
public struct GoldenEvents: Sendable {
    public static let signalsPerCheckpoint = 1_000

    /// A non-signal event: `event <number> <text>`.
    public struct Line: Sendable, Hashable {
        public var number: Int
        /// From the kind on, e.g. `fill MSFT buy 739 @ 440.49 cost 1.23`.
        public var text: String

        public init(number: Int, text: String) {
            self.number = number
            self.text = text
        }

        public var rendered: String { "event \(self.number) \(self.text)" }
    }

    /// `signals <first>-<last> <hash>`: the events numbered `first` and `last` are the checkpoint's first and last
    /// signals.
    public struct SignalCheckpoint: Sendable {
        public var first: Int
        public var last: Int
        public var hash: String
        /// The checkpoint's first signal as an event line; only a run has it (golden files do not keep it).
        public var firstSignal: String?

        public init(first: Int, last: Int, hash: String, firstSignal: String? = nil) {
            self.first = first
            self.last = last
            self.hash = hash
            self.firstSignal = firstSignal
        }

        public var rendered: String { "signals \(self.first)-\(self.last) \(self.hash)" }
    }

    public var lines: [Line]
    public var checkpoints: [SignalCheckpoint]

    public init(lines: [Line] = [], checkpoints: [SignalCheckpoint] = []) {
        self.lines = lines
        self.checkpoints = checkpoints
    }

    /// The section's lines after its `events` header, checkpoints and events merged by event number.
    public var renderedLines: [String] {
        var out: [String] = []
        var next = 0
        for line in self.lines {
            while next < self.checkpoints.count && self.checkpoints[next].first < line.number {
                out.append(self.checkpoints[next].rendered)
                next += 1
            }
            out.append(line.rendered)
        }
        out += self.checkpoints[next...].map(\.rendered)
        return out
    }

    /// Where this run's events first differ from `expected`'s, as report lines; nil when they do not.
    ///
    /// Exact when it names a non-signal event: everything before it is equal. A signal checkpoint is named when it
    /// starts at or before the first differing non-signal event; the difference is then somewhere in its range.
    public func firstDifference(from expected: GoldenEvents) -> [String]? {
        let old = expected.lines
        let new = self.lines
        let common = min(old.count, new.count)
        let line = (0..<common).first { old[$0] != new[$0] } ?? (old.count == new.count ? nil : common)
        let lineNumber = line.map { index in
            min(index < old.count ? old[index].number : .max, index < new.count ? new[index].number : .max)
        }
        let oldSignals = expected.checkpoints
        let newSignals = self.checkpoints
        let checkpoint = (0..<max(oldSignals.count, newSignals.count)).first { index in
            index >= oldSignals.count || index >= newSignals.count || oldSignals[index].hash != newSignals[index].hash
        }
        if let checkpoint {
            let changed = checkpoint < newSignals.count ? newSignals[checkpoint] : oldSignals[checkpoint]
            if lineNumber.map({ changed.first <= $0 }) ?? true {
                var out = ["first differing event: signals in events \(changed.first)-\(changed.last) changed"]
                if let firstSignal = changed.firstSignal {
                    out.append("  this run's first signal there: \(firstSignal)")
                }
                return out
            }
        }
        guard let line, let lineNumber else { return nil }
        var out = ["first differing event \(lineNumber):"]
        if line < old.count { out.append("  - \(old[line].rendered)") }
        if line < new.count { out.append("  + \(new[line].rendered)") }
        return out
    }

    /// The kinds an `event` line may have.
    static let kinds: Set<Substring> = ["decision", "order", "risk_rejected", "fill", "position"]

    /// Reads one line of the section (after its header); false when the line is malformed or out of order. `last`
    /// is the previous line's (first) event number: each line must start past it, and a checkpoint past the one
    /// before.
    mutating func parse(_ line: String, after last: inout Int) -> Bool {
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return false }
        switch fields[0] {
        case "event":
            let text = fields[2]
            guard let number = Self.number(fields[1]), number > last,
                let kind = text.split(separator: " ").first, Self.kinds.contains(kind), text.count > kind.count
            else { return false }
            self.lines.append(Line(number: number, text: String(text)))
            last = number
        case "signals":
            let range = fields[1].split(separator: "-", omittingEmptySubsequences: false)
            guard range.count == 2, let first = Self.number(range[0]), let end = Self.number(range[1]), first <= end,
                first > last, first > (self.checkpoints.last?.last ?? 0), let hash = ContentHash(hex: String(fields[2]))
            else { return false }
            self.checkpoints.append(SignalCheckpoint(first: first, last: end, hash: hash.description))
            last = first
        default:
            return false
        }
        return true
    }

    /// A positive decimal number written with digits only.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text), value > 0
        else { return nil }
        return value
    }

    /// A non-signal event's line text (after `event <number> `): its kind and what identifies and prices it. Exact
    /// decimals by their `description`; no doubles (a fill's slippage follows from its price and the decision's).
    public static func text(of event: SimulationEvent) -> String? {
        switch event {
        case .signal:
            return nil
        case .decision(let decision, _):
            return "decision \(Timestamp.format(decision.eventTime)) \(decision.strategy.rawValue) "
                + "\(decision.symbol.rawValue) \(decision.action.rawValue) \(decision.intent.rawValue) "
                + "\(decision.quantity) @ \(decision.referencePrice)"
        case .order(let order):
            var text =
                "order \(order.symbol.rawValue) \(order.action.rawValue) \(order.quantity) limit \(order.limitPrice)"
            if let requested = order.requestedQuantity {
                text += " (requested \(requested): \(order.riskClamps.map(\.reason).joined(separator: ", ")))"
            }
            if order.overCapacity { text += " over capacity" }
            return text
        case .riskRejected(let order, let finding):
            return "risk_rejected \(order.symbol.rawValue) \(order.action.rawValue) \(order.quantity) limit "
                + "\(order.limitPrice): \(finding.reason)"
        case .fill(let fill, let symbol, let action):
            return "fill \(symbol.rawValue) \(action.rawValue) \(fill.quantity) @ \(fill.price) cost \(fill.cost)"
        case .position(let symbol, let position, let realized, let cash, let equity, _):
            let average = position.map { "\($0.averagePrice)" } ?? "-"
            return "position \(symbol.rawValue) \(position?.quantity ?? .zero) avg \(average) realized \(realized) "
                + "cash \(cash) equity \(equity)"
        }
    }

    /// `signal <ts> <symbol> <timeframe> seq <seq> close <close>` (`-` for no close): every field of the signal's
    /// `events.jsonl` line but its number.
    static func appendSignalText(_ signal: SignalRecord, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: "signal ".utf8)
        Timestamp.appendFormatted(signal.eventTime, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: signal.symbol.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: signal.timeframe.rawValue.utf8)
        bytes.append(contentsOf: " seq \(signal.seq) close ".utf8)
        if let close = signal.close.flatMap(PlanRunner.decimalValue) {
            bytes.append(contentsOf: close.description.utf8)
        } else {
            bytes.append(UInt8(ascii: "-"))
        }
    }

    /// Collects a golden run's section as its events arrive. Only golden runs use it: it keeps a line per
    /// non-signal event.
    struct Recorder {
        private(set) var events = GoldenEvents()
        private var hasher = ContentHasher()
        private var signals = 0
        private var first = 0
        private var last = 0
        private var firstSignal = ""
        /// One signal's text (kept for its capacity).
        private var line: [UInt8] = []

        mutating func signal(number: Int, _ record: SignalRecord) {
            self.line.removeAll(keepingCapacity: true)
            GoldenEvents.appendSignalText(record, to: &self.line)
            if self.signals == 0 {
                self.first = number
                self.firstSignal = "event \(number) " + String(decoding: self.line, as: UTF8.self)
            }
            self.line.append(UInt8(ascii: "\n"))
            self.hasher.update(self.line)
            self.signals += 1
            self.last = number
            if self.signals == GoldenEvents.signalsPerCheckpoint { self.closeCheckpoint() }
        }

        mutating func event(number: Int, _ event: SimulationEvent) {
            guard let text = GoldenEvents.text(of: event) else { return }
            self.events.lines.append(Line(number: number, text: text))
        }

        /// Closes the last, partial checkpoint.
        mutating func finish() {
            if self.signals > 0 { self.closeCheckpoint() }
        }

        private mutating func closeCheckpoint() {
            self.events.checkpoints.append(
                SignalCheckpoint(
                    first: self.first, last: self.last, hash: self.hasher.finalize().description,
                    firstSignal: self.firstSignal))
            self.hasher = ContentHasher()
            self.signals = 0
        }
    }
}
