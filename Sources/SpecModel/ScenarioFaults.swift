// The `faults` of a `Scenario` (ScenarioSpec.swift holds the kind itself): deterministic corruptions of the market or
// of the signal stream, for adversarial runs against the risk engine.

extension ScenarioSpec {
    public enum FaultKind: String, Sendable, Hashable, CaseIterable {
        /// Market level (generator sources only): the path price gaps by `move_fraction` once.
        case priceShock = "price_shock"
        /// The first signal of a symbol at or after a minute gets its price fields multiplied by `price_factor`.
        case badTick = "bad_tick"
        /// A symbol's signals in a window get NaN price fields.
        case nanPrice = "nan_price"
        /// A symbol's signals in a window are delivered `copies` extra times each.
        case duplicateBurst = "duplicate_burst"
        /// A symbol's signals in a window are held back and released just before its next signal (a stale feed).
        case feedDelay = "feed_delay"
        /// From a minute on, a symbol's signals carry event times shifted by `skew_seconds`.
        case clockSkew = "clock_skew"

        /// True for faults that corrupt the signal stream (every source kind); false for market-level faults.
        public var isSignalLevel: Bool { self != .priceShock }

        /// The keys a fault of this kind takes, in the order the documentation lists them.
        public var keys: [String] {
            let common = ["kind", "at_minutes_after_open"]
            switch self {
            case .priceShock: return common + ["move_fraction", "symbols"]
            case .badTick: return common + ["symbol", "price_factor"]
            case .nanPrice: return common + ["symbol", "minutes"]
            case .duplicateBurst: return common + ["symbol", "minutes", "copies"]
            case .feedDelay: return common + ["symbol", "minutes"]
            case .clockSkew: return common + ["symbol", "skew_seconds"]
            }
        }
    }

    /// One fault of `spec.faults`. Times are minutes after the New York regular open of the scenario's date.
    public struct Fault: Sendable, Hashable {
        /// What the fault does, with its kind-specific settings.
        public enum Effect: Sendable, Hashable {
            /// Multiply the generator's path price of `symbols` (empty: every symbol) by `1 + moveFraction`, once.
            case priceShock(moveFraction: Located<Decimal>, symbols: [Located<Symbol>])
            /// Multiply the price fields of the first signal of `symbol` at or after the minute by `priceFactor`.
            case badTick(symbol: Located<Symbol>, priceFactor: Located<Decimal>)
            /// Set the price fields of `symbol`'s signals in `[at, at + minutes)` to NaN.
            case nanPrice(symbol: Located<Symbol>, minutes: Located<Int>)
            /// Deliver each signal of `symbol` in `[at, at + minutes)` `copies` extra times, right after itself.
            case duplicateBurst(symbol: Located<Symbol>, minutes: Located<Int>, copies: Located<Int>)
            /// Hold `symbol`'s signals in `[at, at + minutes)` back until its next signal (or the end of the stream).
            case feedDelay(symbol: Located<Symbol>, minutes: Located<Int>)
            /// Shift the event times of `symbol`'s signals from the first one at or after the minute by `skewSeconds`.
            case clockSkew(symbol: Located<Symbol>, skewSeconds: Located<Int>)

            public var kind: FaultKind {
                switch self {
                case .priceShock: .priceShock
                case .badTick: .badTick
                case .nanPrice: .nanPrice
                case .duplicateBurst: .duplicateBurst
                case .feedDelay: .feedDelay
                case .clockSkew: .clockSkew
                }
            }
        }

        /// The kind, with the span of its value.
        public var kind: Located<FaultKind>
        public var atMinutesAfterOpen: Located<Int>
        public var effect: Effect
        /// The list item.
        public var span: SourceSpan

        /// The one symbol of a signal-level fault; nil for a price shock.
        public var symbol: Located<Symbol>? {
            switch self.effect {
            case .priceShock: nil
            case .badTick(let symbol, _), .nanPrice(let symbol, _), .duplicateBurst(let symbol, _, _),
                .feedDelay(let symbol, _), .clockSkew(let symbol, _):
                symbol
            }
        }

        /// Every symbol the fault names: a price shock's `symbols` (empty: all), or the one `symbol`.
        public var namedSymbols: [Located<Symbol>] {
            if case .priceShock(_, let symbols) = self.effect { return symbols }
            return self.symbol.map { [$0] } ?? []
        }

        /// The window length of a windowed fault (`nan_price`, `duplicate_burst`, `feed_delay`); nil for a fault at
        /// one instant.
        public var minutes: Located<Int>? {
            switch self.effect {
            case .nanPrice(_, let minutes), .duplicateBurst(_, let minutes, _), .feedDelay(_, let minutes): minutes
            case .priceShock, .badTick, .clockSkew: nil
            }
        }

        // MARK: Definition

        /// A list item: dispatches on `kind` to the definition of that kind (the schema is their `oneOf`).
        static let kind = FieldKind<Fault>(
            placeholder: Self.definitions[0].placeholder,
            schema: {
                .object([
                    "description": .string(
                        "One fault: a deterministic corruption of the market (price_shock) or of the signal stream "
                            + "(every other kind). 'kind' selects the keys."),
                    "oneOf": .array(Self.definitions.map(\.jsonSchema)),
                ])
            },
            decode: { node, site, session in
                let kinds = FaultKind.allCases.map(\.rawValue).joined(separator: ", ")
                guard case .mapping(let pairs) = node.content else {
                    session.wrongType(
                        node, expected: "a mapping with 'kind'", at: site, notes: ["fault kinds: \(kinds)"])
                    return nil
                }
                guard let pair = pairs.first(where: { $0.keyText == "kind" }) else {
                    session.diagnostics.error(
                        .missingKey, "missing required key 'kind' in '\(site.path)'", at: site.keySpan,
                        notes: ["fault kinds: \(kinds)"])
                    return nil
                }
                let kindSite = FieldSite(path: "\(site.path).kind", keySpan: pair.key.span)
                guard let kind = Self.kindChoice.decode(pair.value, at: kindSite, in: session) else { return nil }
                return Self.definitions[FaultKind.allCases.firstIndex(of: kind)!].decode(node, at: site, in: session)
            })

        static let listKind = FieldKind<[Fault]>.records(
            Self.kind,
            "Deterministic faults injected into the run, applied in the order written. Times are minutes after the "
                + "New York regular open and must lie inside the session window.")

        static let kindChoice = FieldKind<FaultKind>.choice(
            "The fault: price_shock (market level, generator sources only), bad_tick, nan_price, duplicate_burst, "
                + "feed_delay or clock_skew (signal level, every source).")

        /// One definition per kind, in `FaultKind.allCases` order.
        static let definitions: [FieldKind<Fault>] = FaultKind.allCases.map(Self.definition)

        static let moveFraction = FieldKind<Decimal>.decimal(
            "The gap: the path price is multiplied by 1 + move_fraction once; -0.1 is a 10% drop", unit: "fraction",
            min: Decimal(units: -900_000_000), minExclusive: true
        )
        .checked { value, node, site, session in
            guard value >= Decimal(10) else { return true }
            session.diagnostics.error(
                .outOfRange, "'\(site.key)' must be less than 10 fraction, found \(value)", at: node.span)
            return false
        }
        .schemaAdding(["exclusiveMaximum": 10])

        static let skewSeconds = FieldKind<Int>.integer(
            "Seconds added to the event time (and window bounds) of the symbol's signals; negative moves them back.",
            min: -86_400, max: 86_400
        )
        .checked { value, node, site, session in
            guard value == 0 else { return true }
            session.diagnostics.error(.outOfRange, "'\(site.key)' must not be zero", at: node.span)
            return false
        }
        .schemaAdding(["not": ["const": 0]])

        /// Any value: marks a key as read after it was reported by hand.
        private static let anyValue = FieldKind<Bool>(
            placeholder: false, schema: { .object([:]) }, decode: { _, _, _ in true })

        static func definition(_ kind: FaultKind) -> FieldKind<Fault> {
            FieldKind<Fault>.object(Self.summary(kind)) { r in
                let written = r.required(
                    "kind", .located(FieldKind<String>.choice([kind.rawValue], "The fault kind: \(kind.rawValue).")))
                let symbol = { (r: inout ObjectReader) in
                    r.required("symbol", .located(.symbol("The ticker whose signals the fault corrupts.")))
                }
                let minutes = { (r: inout ObjectReader) in
                    r.required(
                        "minutes",
                        .located(
                            .integer("Length of the fault's window, from at_minutes_after_open.", min: 1, max: 390)))
                }
                let at = r.required(
                    "at_minutes_after_open",
                    .located(
                        .integer(
                            kind == .priceShock
                                ? "Minute after the 09:30 open at whose first second the gap happens."
                                : kind.isWindowed
                                    ? "Minute after the 09:30 open at which the fault's window starts (inclusive)."
                                    : "Minute after the 09:30 open from which the fault applies (signals with an event "
                                        + "time at or after it).", min: 0, max: 389)))
                let effect: Effect
                switch kind {
                case .priceShock:
                    effect = .priceShock(
                        moveFraction: r.required("move_fraction", .located(Self.moveFraction)),
                        symbols: r.optional(
                            "symbols",
                            .list(
                                .located(.symbol("A ticker of the scenario.")),
                                "The symbols that gap. Absent: every symbol of the scenario.", nonEmpty: true)) ?? [])
                case .badTick:
                    effect = .badTick(
                        symbol: symbol(&r),
                        priceFactor: r.required(
                            "price_factor",
                            .located(
                                .decimal(
                                    "Multiplier of the signal's price fields (close, VWAPs, Bollinger bands, EMAs); "
                                        + "100 = a tick off by a factor of 100.", unit: "multiple", min: .zero,
                                    minExclusive: true))))
                case .nanPrice:
                    effect = .nanPrice(symbol: symbol(&r), minutes: minutes(&r))
                case .duplicateBurst:
                    effect = .duplicateBurst(
                        symbol: symbol(&r), minutes: minutes(&r),
                        copies: r.required(
                            "copies",
                            .located(.integer("Extra deliveries of each signal in the window.", min: 1, max: 1_000))))
                case .feedDelay:
                    effect = .feedDelay(symbol: symbol(&r), minutes: minutes(&r))
                case .clockSkew:
                    effect = .clockSkew(
                        symbol: symbol(&r), skewSeconds: r.required("skew_seconds", .located(Self.skewSeconds)))
                }
                // Keys of other kinds: SPEC012 that names the kind they belong to (instead of the generic message).
                if !r.isDescribing {
                    let own = Set(kind.keys)
                    var foreign: [String] = []
                    for other in FaultKind.allCases {
                        for key in other.keys where !own.contains(key) && !foreign.contains(key) { foreign.append(key) }
                    }
                    for key in foreign {
                        guard let span = r.keySpan(of: key) else { continue }
                        let owners = FaultKind.allCases.filter { $0.keys.contains(key) }.map(\.rawValue)
                        r.report(
                            .unknownKey, "'\(key)' does not apply to a \(kind.rawValue) fault", at: span,
                            notes: [
                                "'\(key)' belongs to \(owners.joined(separator: " and ")) faults",
                                "a \(kind.rawValue) fault takes: \(kind.keys.joined(separator: ", "))",
                            ])
                        _ = r.optional(key, Self.anyValue)
                    }
                }
                return Fault(
                    kind: Located(kind, span: written.span), atMinutesAfterOpen: at, effect: effect,
                    span: r.site.keySpan)
            }
        }

        static func summary(_ kind: FaultKind) -> String {
            switch kind {
            case .priceShock:
                "Market level, generator sources only: from the first second of at_minutes_after_open, the path price "
                    + "of each affected symbol is multiplied by 1 + move_fraction once (a gap)."
            case .badTick:
                "The first signal of 'symbol' with an event time at or after at_minutes_after_open gets its price "
                    + "fields multiplied by price_factor; its quote is left alone."
            case .nanPrice:
                "Every signal of 'symbol' with an event time in [at_minutes_after_open, + minutes) gets NaN price "
                    + "fields."
            case .duplicateBurst:
                "Every signal of 'symbol' with an event time in [at_minutes_after_open, + minutes) is delivered "
                    + "'copies' extra times, right after itself."
            case .feedDelay:
                "A stale feed: the signals of 'symbol' with an event time in [at_minutes_after_open, + minutes) are "
                    + "held back and released, in order, just before the symbol's next signal (or at the end)."
            case .clockSkew:
                "From the first signal of 'symbol' with an event time at or after at_minutes_after_open to the end, "
                    + "the symbol's event times (and window bounds) are shifted by skew_seconds; stream order and "
                    + "ingest times are unchanged."
            }
        }
    }

    /// Cross-checks of `faults` against the rest of the scenario: symbols among `symbols` when it is set (SPEC028, an
    /// error), and fault times inside the session window (SPEC025). Faults that failed to decode are skipped.
    static func checkFaults(_ spec: ScenarioSpec, _ r: ObjectReader) {
        let covered = Set(spec.symbols.map(\.value))
        let session = spec.session
        let sessionKnown =
            session.startMinutesAfterOpen.span.start != nil && session.minutes.span.start != nil
            && session.endMinutesAfterOpen <= Session.regularMinutes
        let start = session.startMinutesAfterOpen.value
        let end = session.endMinutesAfterOpen
        for (index, fault) in spec.faults.enumerated() where fault.span.start != nil {
            if !covered.isEmpty {
                for symbol in fault.namedSymbols
                where symbol.span.start != nil && !covered.contains(symbol.value) {
                    r.report(
                        .overrideOutsideUniverse,
                        "faults[\(index)] names '\(symbol.value)', which is not among the scenario's symbols, so the "
                            + "fault never applies",
                        at: symbol.span, severity: .error,
                        notes: ["use one of \(spec.symbols.map(\.value.rawValue).joined(separator: ", "))"])
                }
            }
            let at = fault.atMinutesAfterOpen
            guard sessionKnown, at.span.start != nil else { continue }
            let window = "the session window [\(start), \(end)) minutes after the open"
            if at.value < start || at.value >= end {
                r.report(
                    .conflictingValues,
                    "faults[\(index)] (\(fault.kind.value.rawValue)) is at minute \(at.value), outside \(window)",
                    at: at.span, notes: ["'at_minutes_after_open' must be from \(start) to \(end - 1)"])
            } else if let minutes = fault.minutes, minutes.span.start != nil, at.value + minutes.value > end {
                r.report(
                    .conflictingValues,
                    "faults[\(index)] (\(fault.kind.value.rawValue)) lasts until minute \(at.value + minutes.value), "
                        + "past the end of \(window)",
                    at: minutes.span, notes: ["at most \(end - at.value) minutes from minute \(at.value)"])
            }
        }
    }
}

extension ScenarioSpec.FaultKind {
    /// True for the kinds with a `minutes` window.
    public var isWindowed: Bool { self == .nanPrice || self == .duplicateBurst || self == .feedDelay }
}
