/// `kind: Scenario`: the inputs of one simulator run. Which symbols of which universe, which part of which New York
/// session, where the market data comes from (a seeded generator or a dataset file), how technical analysis, fills
/// and costs are modelled, the starting account, and the gates (pass/fail thresholds on the run's metrics).
///
/// A scenario is a run input, not plan behaviour: `compile`, the plan hash and `explain` ignore Scenario documents,
/// so adding or editing a scenario never changes a plan. `validate` checks them like every other kind.
///
/// Checked here: every key, type and range; one source; gate bounds; positions; fault symbols and windows. Checked with the whole tree
/// (`SpecCompiler`'s tree checks): the universe exists (SPEC021) and holds the scenario's symbols and positions
/// (SPEC028, an error for scenarios). Checked when the scenario runs: that `session.date` is a trading day, that the
/// window fits an early-close session, that a dataset file can be read, and that faults fit the source and symbols.
public struct ScenarioSpec: Sendable, Hashable {
    public var universe: Located<Identifier>
    /// The symbols the run covers, in the order written. Empty means every symbol of the universe.
    public var symbols: [Located<Symbol>]
    public var session: Session
    public var source: Source
    /// `ta`: how trades and quotes become `ta.signals`.
    public var technicalAnalysis: TechnicalAnalysis
    public var execution: Execution
    public var costs: Costs
    public var account: Account
    public var gates: [Gate]
    /// Deterministic faults injected into the run, in the order written (ScenarioFaults.swift). Empty: none.
    public var faults: [Fault]
    /// True when the market data is a stand-in: generated because the scenario's real source (for an imported Torghut
    /// simulation, its ClickHouse dump) does not exist here. Reports say so; such results are never evidence about
    /// the real day.
    public var synthetic: Bool
    /// Where an imported scenario came from; nil for scenarios written here.
    public var origin: Origin?

    /// The part of one New York regular session the run covers: `[start, start + minutes)` minutes after 09:30.
    public struct Session: Sendable, Hashable {
        public var date: Located<CalendarDate>
        public var startMinutesAfterOpen: Located<Int>
        public var minutes: Located<Int>

        /// Minutes of a full regular session (09:30-16:00).
        public static let regularMinutes = 390

        /// Minutes after the open at which the window ends (exclusive).
        public var endMinutesAfterOpen: Int { self.startMinutesAfterOpen.value + self.minutes.value }
    }

    /// Where the run's market data comes from.
    public enum Source: Sendable, Hashable {
        case generator(Generator)
        case dataset(Dataset)

        public var generator: Generator? {
            if case .generator(let generator) = self { return generator }
            return nil
        }

        public var dataset: Dataset? {
            if case .dataset(let dataset) = self { return dataset }
            return nil
        }
    }

    public enum GeneratorKind: String, Sendable, Hashable, CaseIterable {
        /// Every symbol drifts by `drift_fraction` over the window, with noise around the path.
        case trendDay = "trend_day"
        /// Every symbol reverts towards its opening price, with more noise and no drift.
        case meanRevertingDay = "mean_reverting_day"
    }

    /// A seeded synthetic market: trades and quotes for every symbol of the scenario, run through the TA pipeline.
    /// The same settings and seed give the same events, byte for byte.
    public struct Generator: Sendable, Hashable {
        public var kind: GeneratorKind
        public var seed: Located<UInt64>
        /// The fractional move over the window on a trend day (0.02 = +2 %). Ignored on a mean-reverting day.
        public var driftFraction: Decimal
        /// Price noise per second in basis points of the price; defaults by kind (0.5 trend, 4 mean-reverting).
        public var volatilityBPSPerSecond: Decimal
        /// Mean trades per symbol and second.
        public var tradesPerSecond: Int
        /// Quoted bid-ask spread in cents.
        public var spreadCents: Int

        public static let defaultDriftFraction = Decimal(units: 20_000_000)
        public static let defaultTradesPerSecond = 3
        public static let defaultSpreadCents = 2

        /// The default noise of a kind: 0.5 bps per second on a trend day, 4 on a mean-reverting day.
        public static func defaultVolatilityBPSPerSecond(_ kind: GeneratorKind) -> Decimal {
            kind == .trendDay ? Decimal(units: 500_000_000) : Decimal(4)
        }
    }

    /// A recorded dataset file (any format `torghut dataset convert` reads or writes).
    public struct Dataset: Sendable, Hashable {
        /// As written: relative to the directory of the scenario's file, or absolute.
        public var path: Located<String>

        /// The path to open: `path` joined to the directory of the file the scenario was read from, unless absolute.
        public var resolvedPath: String {
            let path = self.path.value
            if path.hasPrefix("/") { return path }
            let file = self.path.span.file
            guard let slash = file.lastIndex(of: "/") else { return path }
            return String(file[...slash]) + path
        }
    }

    public enum TechnicalAnalysisParity: String, Sendable, Hashable, CaseIterable {
        /// This project's TA: series per symbol and bar interval, session VWAP reset at each open.
        case native
        /// Torghut's Flink job, reproduced: one series per symbol, a 360-bar recompute buffer, VWAP never reset.
        case torghut
    }

    public struct TechnicalAnalysis: Sendable, Hashable {
        public var parity: TechnicalAnalysisParity
        /// How far (ms) a trade or quote may arrive behind the newest record and still count.
        public var allowanceMilliseconds: Int

        public static let `default` = TechnicalAnalysis(parity: .native, allowanceMilliseconds: 2_000)
    }

    public enum ExecutionModel: String, Sendable, Hashable, CaseIterable {
        /// Torghut's simulation adapter, without its flaws: an immediate full fill at the limit price; a market order
        /// becomes a limit at the reference price ± half the spread, rounded to the tick.
        case torghut
    }

    public struct Execution: Sendable, Hashable {
        public var model: ExecutionModel

        public static let `default` = Execution(model: .torghut)
    }

    /// The scenario's definition: the JSON Schema of `spec` and its decoder.
    public static let kind = FieldKind<ScenarioSpec>.object(
        "The inputs of one simulator run: symbols, session window, market data source, models, account and gates."
    ) { r in
        let universe = r.required(
            "universe", .located(.identifier("Name of the Universe document whose symbols the scenario trades.")))
        let symbols =
            r.optional(
                "symbols",
                .list(
                    .located(.symbol("A ticker of the universe.")),
                    "The symbols the run covers, a subset of the universe. Absent: every symbol of the universe.",
                    nonEmpty: true)) ?? []
        let spec = ScenarioSpec(
            universe: universe,
            symbols: symbols,
            session: r.required("session", Self.sessionKind),
            source: r.required("source", Self.sourceKind),
            technicalAnalysis: r.optional("ta", Self.technicalAnalysisKind) ?? .default,
            execution: r.optional("execution", Self.executionKind) ?? .default,
            costs: r.optional("costs", Costs.kind) ?? .default,
            account: r.required("account", Account.kind),
            gates: r.optional("gates", Gate.listKind) ?? [],
            faults: r.optional("faults", Fault.listKind) ?? [],
            synthetic: r.optional(
                "synthetic",
                .bool(
                    "True when the market data is a stand-in for a source that does not exist here (e.g. an "
                        + "imported Torghut simulation whose ClickHouse dump is not available). Reports mark such runs "
                        + "synthetic."),
                default: false),
            origin: r.optional("origin", Origin.kind))
        var gated: [ScenarioMetric: Int] = [:]
        // Items that failed to decode hold placeholders (without a position): they are not compared.
        for (index, gate) in spec.gates.enumerated() where gate.metric.span.start != nil {
            if let first = gated[gate.metric.value] {
                r.report(
                    .duplicateEntry,
                    "gates[\(index)] repeats the metric of gates[\(first)] (\(gate.metric.value.rawValue))",
                    at: gate.metric.span, notes: ["write 'min' and 'max' in one gate"])
            } else {
                gated[gate.metric.value] = index
            }
        }
        // Positions must be in the run: checked here against explicit symbols; against the universe by the tree checks.
        if !symbols.isEmpty {
            let covered = Set(symbols.map(\.value))
            for position in spec.account.positions
            where position.symbol.span.start != nil && !covered.contains(position.symbol.value) {
                r.report(
                    .overrideOutsideUniverse,
                    "position '\(position.symbol.value)' is not among the scenario's symbols, so the run never "
                        + "prices it",
                    at: position.symbol.span, severity: .error,
                    notes: ["add it to 'symbols', or remove 'symbols' to cover the whole universe"])
            }
        }
        Self.checkFaults(spec, r)
        return spec
    }

    // MARK: Definition

    static let sessionKind = FieldKind<Session>.object(
        "The part of one New York regular session (09:30-16:00) the run covers."
    ) { r in
        let session = Session(
            date: r.required("date", .located(.calendarDate("The New York trading date, YYYY-MM-DD."))),
            startMinutesAfterOpen: r.optional(
                "start_minutes_after_open",
                .located(.integer("Minutes after the 09:30 open at which the run starts.", min: 0, max: 389)),
                default: Located(0, span: r.site.keySpan)),
            minutes: r.optional(
                "minutes", .located(.integer("Length of the run in minutes.", min: 1, max: 390)),
                default: Located(Session.regularMinutes, span: r.site.keySpan)))
        if !r.skipsCrossChecks, session.endMinutesAfterOpen > Session.regularMinutes {
            r.report(
                .conflictingValues,
                "the run ends \(session.endMinutesAfterOpen) minutes after the open, after the 16:00 close "
                    + "(390 minutes): 'start_minutes_after_open' (\(session.startMinutesAfterOpen.value)) + 'minutes' "
                    + "(\(session.minutes.value))",
                at: r.keySpan(of: "minutes") ?? r.site.keySpan,
                notes: [
                    "at most \(Session.regularMinutes - session.startMinutesAfterOpen.value) minutes from that start"
                ])
        }
        return session
    }

    static let generatorKind = FieldKind<Generator>.object(
        "A seeded synthetic market: trades and quotes for every symbol of the scenario."
    ) { r in
        let kind: GeneratorKind = r.required(
            "kind", .choice("The shape of the day: a steady trend, or a price that reverts to its open."))
        let driftKind = FieldKind<Decimal>.decimal(
            "The price move over the window on a trend_day (0.02 = +2%). Has no effect on a mean_reverting_day.",
            unit: "fraction", min: Decimal(units: -500_000_000), max: Decimal(units: 500_000_000))
        let drift = r.optional("drift_fraction", driftKind, default: Generator.defaultDriftFraction)
        let generator = Generator(
            kind: kind,
            seed: r.required(
                "seed",
                .located(
                    FieldKind<Int>.integer(
                        "Seed of the random generator; the same seed gives the same events, byte for byte.", min: 0)
                )
            )
            .map { UInt64($0) },
            driftFraction: drift,
            volatilityBPSPerSecond: r.optional(
                "volatility_bps_per_second",
                .decimal(
                    "Price noise per second in basis points of the price. Default: 0.5 for trend_day, 4 for "
                        + "mean_reverting_day.", unit: "bps per second", min: .zero, max: Decimal(100)))
                ?? Generator.defaultVolatilityBPSPerSecond(kind),
            tradesPerSecond: r.optional(
                "trades_per_second", .integer("Mean trades per symbol and second.", min: 1, max: 1_000),
                default: Generator.defaultTradesPerSecond),
            spreadCents: r.optional(
                "spread_cents", .integer("Quoted bid-ask spread in cents.", min: 1, max: 100),
                default: Generator.defaultSpreadCents))
        if !r.skipsCrossChecks, r.span(of: "drift_fraction") != nil, kind == .meanRevertingDay {
            r.report(
                .conflictingValues, "'drift_fraction' has no effect on a mean_reverting_day", at: "drift_fraction",
                severity: .warning, notes: ["remove it, or use kind: trend_day"])
        }
        return generator
    }

    static let datasetKind = FieldKind<Dataset>.object("A recorded dataset file.") { r in
        Dataset(
            path: r.required(
                "path",
                .located(
                    .string(
                        "The dataset file: JSON lines, CSV bars or the binary format of `torghut dataset convert`. "
                            + "Relative to the directory of this scenario's file, or absolute."))))
    }

    static let sourceKind = FieldKind<Source>.object(
        "Where the market data comes from: exactly one of 'generator' or 'dataset'."
    ) { r in
        let generator = r.optional("generator", Self.generatorKind)
        let dataset = r.optional("dataset", Self.datasetKind)
        switch (generator, dataset) {
        case (.some, .some):
            r.report(
                .conflictingValues, "a source is either 'generator' or 'dataset', not both",
                at: r.keySpan(of: "dataset") ?? r.site.keySpan)
        case (nil, nil) where !r.isDescribing:
            r.report(.missingKey, "'\(r.site.path)' needs 'generator' or 'dataset'", notes: ["exactly one of them"])
        default: break
        }
        if let dataset { return .dataset(dataset) }
        return .generator(generator ?? Self.generatorKind.placeholder)
    }
    .schemaAdding(["oneOf": [["required": ["generator"]], ["required": ["dataset"]]]])

    static let technicalAnalysisKind = FieldKind<TechnicalAnalysis>.object(
        "How trades and quotes become ta.signals (the TA pipeline of `torghut ta`)."
    ) { r in
        TechnicalAnalysis(
            parity: r.optional(
                "parity",
                .choice(
                    "native: this project's TA. torghut: Torghut's Flink job reproduced (one series per symbol, a "
                        + "360-bar recompute buffer, session VWAP never reset)."),
                default: TechnicalAnalysis.default.parity),
            allowanceMilliseconds: r.optional(
                "allowance_ms",
                .integer(
                    "How far (ms) a trade or quote may arrive behind the newest record and still count (the Flink "
                        + "job's TA_MAX_OUT_OF_ORDER_MS).", min: 0, max: 3_600_000),
                default: TechnicalAnalysis.default.allowanceMilliseconds))
    }

    static let executionKind = FieldKind<Execution>.object("How orders are filled.") { r in
        Execution(
            model: r.optional(
                "model",
                .choice(
                    "torghut: an immediate full fill at the limit price; a market order is priced at the reference "
                        + "price plus or minus half the spread, rounded to the tick. The only model in this version."),
                default: Execution.default.model))
    }
}

/// A calendar date (proleptic Gregorian), written `YYYY-MM-DD`. Which time zone it belongs to is the field's business
/// (a Scenario's `session.date` is a New York date).
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The pattern of the text form (the schema's `pattern`); `init?(_:)` also checks that the day exists.
    public static let pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    /// Years a spec may name: the range the calendar code is tested over.
    public static let years = 1900...2200

    /// A date that exists (`2024-02-29` yes, `2026-02-29` no) in `years`; nil otherwise.
    public init?(year: Int, month: Int, day: Int) {
        guard Self.years.contains(year), (1...12).contains(month), day >= 1,
            day <= Self.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (exactly that form) into a date that exists.
    public init?(_ text: String) {
        guard let (year, month, day) = Self.fields(text) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The digits of `YYYY-MM-DD`, whether or not they name a real date.
    static func fields(_ text: String) -> (Int, Int, Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        return (year, month, day)
    }

    public static func isLeapYear(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// Days in `month` (1-12) of `year`; 0 for another month number.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: Self.isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(self.year, 4))-\(pad(self.month, 2))-\(pad(self.day, 2))"
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

extension FieldKind where Value == CalendarDate {
    /// A date written `YYYY-MM-DD` that exists: the wrong form or a day that does not exist is SPEC026, a year
    /// outside 1900-2200 is SPEC015.
    public static func calendarDate(_ description: String) -> FieldKind<CalendarDate> {
        let text = FieldKind<String>.string(description, pattern: CalendarDate.pattern)
        return FieldKind(
            placeholder: CalendarDate(year: 2000, month: 1, day: 1)!,
            schema: text.schema,
            encode: { .string($0.description) },
            decode: { node, site, session in
                guard let value = text.decode(node, site, session) else { return nil }
                guard let (year, month, day) = CalendarDate.fields(value) else {
                    session.diagnostics.error(
                        .invalidValue, "'\(site.key)' must be a date written YYYY-MM-DD, found '\(value)'",
                        at: node.span, notes: ["e.g. 2026-03-06"])
                    return nil
                }
                guard CalendarDate.years.contains(year) else {
                    session.diagnostics.error(
                        .outOfRange,
                        "'\(site.key)' must be a date from \(CalendarDate.years.lowerBound) to "
                            + "\(CalendarDate.years.upperBound), found \(value)", at: node.span)
                    return nil
                }
                guard let date = CalendarDate(year: year, month: month, day: day) else {
                    let days = CalendarDate.daysInMonth(year: year, month: month)
                    let note =
                        days == 0
                        ? "months are numbered 01 to 12" : "month \(month) of \(year) has \(days) days"
                    session.diagnostics.error(
                        .invalidValue, "'\(site.key)' is not a real date: \(value)", at: node.span, notes: [note])
                    return nil
                }
                return date
            })
    }
}

extension Located {
    /// The same span with a transformed value.
    public func map<Other>(_ transform: (Value) -> Other) -> Located<Other> {
        Located<Other>(transform(self.value), span: self.span)
    }
}
