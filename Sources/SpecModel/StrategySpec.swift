/// `kind: Strategy`: one trading rule set as data. Features, parameters and named values feed entry and exit rules
/// written as expressions; the compiler type-checks them against the feature catalog and folds parameters in.
public struct StrategySpec: Sendable, Hashable {
    public var enabled: Bool
    public var family: String?
    public var version: String
    public var timeframe: String
    public var universe: Located<Identifier>
    public var symbols: [Located<Symbol>]
    public var parity: String
    public var params: [NamedDecimal]
    public var values: [NamedExpression]
    public var entries: Entries
    public var exits: Exits
    public var sizing: Sizing

    /// Timeframes a strategy may bind to (the signal window size).
    public static let timeframes = ["1Sec", "1Min", "5Min", "15Min", "1Hour", "1Day"]

    public struct NamedDecimal: Sendable, Hashable {
        public var name: Located<String>
        public var value: Located<Decimal>
    }

    public struct NamedExpression: Sendable, Hashable {
        public var name: Located<String>
        public var expression: LocatedExpression
    }

    /// One entry or exit rule: optional window, conditions, confidence and reason codes.
    public struct Rule: Sendable, Hashable {
        public enum Mode: String, Sendable, Hashable {
            /// Every condition must hold (`when`).
            case all
            /// At least one condition must hold (`when_any`).
            case any
        }

        public var window: Window?
        public var mode: Mode
        public var conditions: [LocatedExpression]
        public var confidence: Confidence
        public var reasons: [String]
        public var span: SourceSpan
    }

    /// Minutes after the New York regular open, `[start, end)`.
    public struct Window: Sendable, Hashable {
        public var startMinutesAfterOpen: Int
        public var endMinutesAfterOpen: Int
        public var span: SourceSpan
    }

    /// `base` plus each bonus whose condition holds, capped at `cap`.
    public struct Confidence: Sendable, Hashable {
        public var base: Decimal
        public var bonuses: [Bonus]
        public var cap: Decimal

        public struct Bonus: Sendable, Hashable {
            public var condition: LocatedExpression
            public var add: Decimal
        }
    }

    public struct Entries: Sendable, Hashable {
        public var long: Rule?
        public var short: Rule?
        /// Which direction is tried first; the first that fires wins (Torghut's TSMOM tries long, then short).
        public var order: [String]
    }

    public struct Exits: Sendable, Hashable {
        public var long: Rule?
        public var short: Rule?
    }

    public struct Sizing: Sendable, Hashable {
        public var maxNotionalUSD: Decimal
        public var maxPositionFractionOfEquity: Decimal?
    }

    // MARK: Definition

    static let window = FieldKind<Window>.object("Entry window in minutes after the New York regular open.") { r in
        let window = Window(
            startMinutesAfterOpen: r.required(
                "start_minutes_after_open", .integer("First minute (inclusive).", min: 0, max: 390)),
            endMinutesAfterOpen: r.required(
                "end_minutes_after_open", .integer("Last minute (exclusive).", min: 0, max: 390)),
            span: r.site.keySpan)
        if !r.isDescribing, window.endMinutesAfterOpen <= window.startMinutesAfterOpen {
            r.report(
                .emptyRule, "the window is empty: it ends at minute \(window.endMinutesAfterOpen), not after minute "
                    + "\(window.startMinutesAfterOpen)", at: "end_minutes_after_open")
        }
        return window
    }

    static let confidence = FieldKind<Confidence>.object("Confidence: base plus bonuses, capped.") { r in
        let bonus = FieldKind<Confidence.Bonus>.object("A bonus added when its condition holds.") { b in
            Confidence.Bonus(
                condition: b.required("when", .expression("Condition for the bonus.")),
                add: b.required("add", .decimal("Amount added.", unit: "confidence", min: .zero, max: Decimal(1))))
        }
        let value = Confidence(
            base: r.required("base", .decimal("Confidence when the rule fires.", unit: "0-1", min: .zero,
                                              max: Decimal(1))),
            bonuses: r.optional("bonuses", .records(bonus, "Conditional additions.")) ?? [],
            cap: r.optional("cap", .decimal("Upper bound after bonuses.", unit: "0-1", min: .zero, max: Decimal(1)),
                            default: Decimal(1)))
        if !r.isDescribing, value.cap < value.base {
            r.report(.conflictingValues, "'cap' (\(value.cap)) is below 'base' (\(value.base))", at: "cap")
        }
        return value
    }

    static func rule(_ description: String) -> FieldKind<Rule> {
        .object(description) { r in
            let all = r.optional("when", .list(.expression("A condition."), "All of these must hold.", unique: false))
            let any = r.optional(
                "when_any", .list(.expression("A condition."), "At least one of these must hold.", unique: false))
            if !r.isDescribing {
                if all != nil, any != nil {
                    r.report(.conflictingValues, "a rule has either 'when' or 'when_any', not both", at: "when_any")
                } else if (r.rawCount(of: "when") ?? r.rawCount(of: "when_any") ?? 0) == 0 {
                    r.report(.emptyRule, "a rule needs at least one condition in 'when' or 'when_any'")
                }
            }
            return Rule(
                window: r.optional("window", Self.window),
                mode: any != nil && all == nil ? .any : .all,
                conditions: all ?? any ?? [],
                confidence: r.required("confidence", Self.confidence),
                reasons: r.optional(
                    "reasons", .list(.string("A snake_case reason code.", pattern: "^[a-z][a-z0-9_]*$"),
                                     "Reason codes recorded on the decision."), default: []),
                span: r.site.keySpan)
        }
    }

    public static let kind = FieldKind<StrategySpec>.object("A trading strategy as data.") { r in
        let params = r.optional(
            "params",
            .stringMap(.located(.decimal("A parameter value.", unit: "as used")), "Named constants for expressions.",
                       sortedByKey: false))
            ?? []
        let values = r.optional(
            "values",
            .stringMap(.expression("A named value."), "Named expressions, computed in order.", sortedByKey: false)) ?? []
        let entries = r.required(
            "entries",
            .object("Entry rules per direction.") { e in
                Entries(
                    long: e.optional("long", Self.rule("Buy to open or add to a long.")),
                    short: e.optional("short", Self.rule("Sell to open or add to a short.")),
                    order: e.optional(
                        "order", .list(.choice(["long", "short"], "A direction."), "Evaluation order."),
                        default: ["long", "short"]))
            })
        let exits = r.optional(
            "exits",
            .object("Signal exit rules per held direction.") { e in
                Exits(
                    long: e.optional("long", Self.rule("Sell to flatten a long.")),
                    short: e.optional("short", Self.rule("Buy to cover a short.")))
            }) ?? Exits(long: nil, short: nil)
        if !r.isDescribing, entries.long == nil, entries.short == nil {
            r.report(.emptyRule, "a strategy needs an entry rule for 'long' or 'short'", at: "entries")
        }
        return StrategySpec(
            enabled: r.optional("enabled", .bool("Whether the strategy trades."), default: true),
            family: r.optional("family", .string("Rule family label, e.g. intraday_tsmom.")),
            version: r.optional("version", .string("Semantic version of the rules.", pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+$"),
                                default: "1.0.0"),
            timeframe: r.required("timeframe", .choice(Self.timeframes, "Signal window the rules read.")),
            universe: r.required("universe", .located(.identifier("Name of the Universe this strategy trades."))),
            symbols: r.optional(
                "symbols", .list(.located(.symbol("A ticker.")), "Subset of the universe (empty: all of it)."),
                default: []),
            parity: r.optional(
                "parity", .choice(["native", "torghut"], "native, or torghut to reproduce the original's semantics."),
                default: "native"),
            params: params.map { NamedDecimal(name: $0.key, value: $0.value) },
            values: values.map { NamedExpression(name: $0.key, expression: $0.value) },
            entries: entries,
            exits: exits,
            sizing: r.required(
                "sizing",
                .object("Order sizing.") { s in
                    Sizing(
                        maxNotionalUSD: s.required(
                            "max_notional_usd",
                            .decimal("Notional budget of one entry.", unit: "USD", min: .zero, minExclusive: true)),
                        maxPositionFractionOfEquity: s.optional(
                            "max_position_fraction_of_equity", .fraction("Largest position as a fraction of equity.")))
                }))
    }
}
