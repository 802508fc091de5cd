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
    public var overlays: Overlays
    public var tradePolicy: TradePolicy

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
        /// A number expression added after the fixed bonuses (rounded to 4 decimals; missing adds nothing), e.g. the
        /// distance of a rank beyond its threshold.
        public var dynamicBonus: LocatedExpression?
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
        /// Scales the budget per entry, e.g. by confidence or rank; may read `confidence`. Clamped to
        /// [0, max_notional_multiplier] and truncated to 4 decimals (Torghut's entry-notional multiplier).
        public var notionalMultiplier: LocatedExpression?
        /// Upper clamp of the multiplier (Torghut's entry_notional_max_multiplier; default 1).
        public var maxNotionalMultiplier: Decimal
    }

    /// Exits that act on a held position whatever the signal rules say, checked before the signal exit.
    public struct Overlays: Sendable, Hashable {
        /// Exit when the loss from the average entry reaches `bps + spread_bps × spread multiplier + volatility_bps ×
        /// volatility multiplier` (volatility_bps = realized volatility × 10,000).
        public var stopLoss: Threshold?
        /// Once the best profit since entry reaches `activationProfitBPS`, exit when the fall from that best price
        /// reaches the threshold.
        public var trailingStop: TrailingStop?
        public var minHoldSeconds: Int?
        public var maxHoldSeconds: Int?
        public var flattenMinutesBeforeClose: Int?
        /// Signal exits need a positive price move since entry (stops, time and flatten exits never do).
        public var requireProfitForSignalExit: Bool
        public var minSignalExitProfitBPS: Decimal?

        public struct Threshold: Sendable, Hashable {
            public var bps: Decimal
            public var spreadMultiplier: Decimal
            public var volatilityMultiplier: Decimal

            public init(bps: Decimal, spreadMultiplier: Decimal, volatilityMultiplier: Decimal) {
                self.bps = bps
                self.spreadMultiplier = spreadMultiplier
                self.volatilityMultiplier = volatilityMultiplier
            }
        }

        public struct TrailingStop: Sendable, Hashable {
            public var activationProfitBPS: Decimal
            public var drawdown: Threshold
            /// A condition that must also hold for the trailing exit (e.g. a loss of structure).
            public var condition: LocatedExpression?
            /// The trailing exit also needs a profit since entry (Torghut held it to the signal-exit profit rule).
            public var requireProfit: Bool

            public init(
                activationProfitBPS: Decimal, drawdown: Threshold, condition: LocatedExpression? = nil,
                requireProfit: Bool = false
            ) {
                self.activationProfitBPS = activationProfitBPS
                self.drawdown = drawdown
                self.condition = condition
                self.requireProfit = requireProfit
            }
        }

        public init(
            stopLoss: Threshold?, trailingStop: TrailingStop?, minHoldSeconds: Int?, maxHoldSeconds: Int?,
            flattenMinutesBeforeClose: Int?, requireProfitForSignalExit: Bool, minSignalExitProfitBPS: Decimal?
        ) {
            self.stopLoss = stopLoss
            self.trailingStop = trailingStop
            self.minHoldSeconds = minHoldSeconds
            self.maxHoldSeconds = maxHoldSeconds
            self.flattenMinutesBeforeClose = flattenMinutesBeforeClose
            self.requireProfitForSignalExit = requireProfitForSignalExit
            self.minSignalExitProfitBPS = minSignalExitProfitBPS
        }

        public static let none = Overlays(
            stopLoss: nil, trailingStop: nil, minHoldSeconds: nil, maxHoldSeconds: nil, flattenMinutesBeforeClose: nil,
            requireProfitForSignalExit: false, minSignalExitProfitBPS: nil)
    }

    /// Limits on how often the strategy trades, per symbol and per session.
    public struct TradePolicy: Sendable, Hashable {
        public var entryCooldownSeconds: Int?
        public var exitCooldownSeconds: Int?
        public var maxConcurrentPositions: Int?
        public var maxEntriesPerSession: Int?
        public var maxStopLossExitsPerSession: Int?
        public var maxNegativeExitsPerSession: Int?
        public var stopLossLockoutSeconds: Int?
        public var negativeExitLockoutSeconds: Int?
        /// A loss smaller than this (in bps) does not count as a negative exit.
        public var negativeExitLossBPS: Decimal
        /// No entries once the losses of this session's losing exits sum to this many bps.
        public var maxSessionNegativeExitBPS: Decimal?

        public init(
            entryCooldownSeconds: Int?, exitCooldownSeconds: Int?, maxConcurrentPositions: Int?,
            maxEntriesPerSession: Int?, maxStopLossExitsPerSession: Int?, maxNegativeExitsPerSession: Int?,
            stopLossLockoutSeconds: Int?, negativeExitLockoutSeconds: Int?, negativeExitLossBPS: Decimal,
            maxSessionNegativeExitBPS: Decimal? = nil
        ) {
            self.entryCooldownSeconds = entryCooldownSeconds
            self.exitCooldownSeconds = exitCooldownSeconds
            self.maxConcurrentPositions = maxConcurrentPositions
            self.maxEntriesPerSession = maxEntriesPerSession
            self.maxStopLossExitsPerSession = maxStopLossExitsPerSession
            self.maxNegativeExitsPerSession = maxNegativeExitsPerSession
            self.stopLossLockoutSeconds = stopLossLockoutSeconds
            self.negativeExitLockoutSeconds = negativeExitLockoutSeconds
            self.negativeExitLossBPS = negativeExitLossBPS
            self.maxSessionNegativeExitBPS = maxSessionNegativeExitBPS
        }

        public static let none = TradePolicy(
            entryCooldownSeconds: nil, exitCooldownSeconds: nil, maxConcurrentPositions: nil, maxEntriesPerSession: nil,
            maxStopLossExitsPerSession: nil, maxNegativeExitsPerSession: nil, stopLossLockoutSeconds: nil,
            negativeExitLockoutSeconds: nil, negativeExitLossBPS: .zero)
    }

    // MARK: Definition

    static func threshold(_ description: String, bpsKey: String) -> FieldKind<Overlays.Threshold> {
        .object(description) { r in
            Overlays.Threshold(
                bps: r.required(bpsKey, .decimal("Fixed part.", unit: "bps", min: .zero, minExclusive: true)),
                spreadMultiplier: r.optional(
                    "spread_bps_multiplier", .decimal("Times the current spread in bps.", unit: "multiple", min: .zero),
                    default: .zero),
                volatilityMultiplier: r.optional(
                    "volatility_bps_multiplier",
                    .decimal("Times realized volatility in bps.", unit: "multiple", min: .zero), default: .zero))
        }
    }

    static let overlays = FieldKind<Overlays>.object("Exits on a held position, checked before signal exits.") { r in
        let seconds = { (description: String) in FieldKind<Int>.integer(description, min: 1, max: 86_400) }
        let value = Overlays(
            stopLoss: r.optional("stop_loss", Self.threshold("Hard stop from the average entry price.", bpsKey: "loss_bps")),
            trailingStop: r.optional(
                "trailing_stop",
                .object("Trailing stop from the best price since entry.") { t in
                    Overlays.TrailingStop(
                        activationProfitBPS: t.required(
                            "activation_profit_bps",
                            .decimal("Best profit that arms the stop.", unit: "bps", min: .zero)),
                        drawdown: t.required(
                            "drawdown", Self.threshold("Fall from the best price that exits.", bpsKey: "drawdown_bps")),
                        condition: t.optional(
                            "when", .expression("A condition that must also hold, e.g. a loss of structure.")),
                        requireProfit: t.optional(
                            "require_profit", .bool("Exit only with a profit since entry."), default: false))
                }),
            minHoldSeconds: r.optional("min_hold_seconds", seconds("Signal exits wait this long after entry.")),
            maxHoldSeconds: r.optional("max_hold_seconds", seconds("Exit after holding this long.")),
            flattenMinutesBeforeClose: r.optional(
                "flatten_minutes_before_close",
                .integer("Exit everything this many minutes before the close.", min: 0, max: 390)),
            requireProfitForSignalExit: r.optional(
                "require_profit_for_signal_exit", .bool("Signal exits need a positive move since entry."),
                default: false),
            minSignalExitProfitBPS: r.optional(
                "min_signal_exit_profit_bps", .decimal("Least profit for a signal exit.", unit: "bps")))
        if !r.skipsCrossChecks, let min = value.minHoldSeconds, let max = value.maxHoldSeconds, max < min {
            r.report(
                .conflictingValues, "'max_hold_seconds' (\(max)) is below 'min_hold_seconds' (\(min))",
                at: "max_hold_seconds")
        }
        return value
    }

    static let tradePolicy = FieldKind<TradePolicy>.object("Trading frequency limits per symbol and session.") { r in
        let seconds = { (description: String) in FieldKind<Int>.integer(description, min: 0, max: 604_800) }
        let count = { (description: String) in FieldKind<Int>.integer(description, min: 0, max: 10_000) }
        return TradePolicy(
            entryCooldownSeconds: r.optional("entry_cooldown_seconds", seconds("Least time between entries in a symbol.")),
            exitCooldownSeconds: r.optional(
                "exit_cooldown_seconds", seconds("Least time from an exit to the next entry in the symbol.")),
            maxConcurrentPositions: r.optional(
                "max_concurrent_positions", count("Most symbols this strategy holds at once.")),
            maxEntriesPerSession: r.optional(
                "max_entries_per_session", count("Most entries per session, across the strategy's symbols.")),
            maxStopLossExitsPerSession: r.optional(
                "max_stop_loss_exits_per_session", count("Stop-loss exits after which the session's entries stop.")),
            maxNegativeExitsPerSession: r.optional(
                "max_negative_exits_per_session", count("Losing exits after which the session's entries stop.")),
            stopLossLockoutSeconds: r.optional(
                "stop_loss_lockout_seconds", seconds("No entry in the symbol for this long after a stop-loss exit.")),
            negativeExitLockoutSeconds: r.optional(
                "negative_exit_lockout_seconds", seconds("No entry in the symbol for this long after a losing exit.")),
            negativeExitLossBPS: r.optional(
                "negative_exit_loss_bps",
                .decimal("Losses smaller than this are not negative exits.", unit: "bps", min: .zero), default: .zero),
            maxSessionNegativeExitBPS: r.optional(
                "max_session_negative_exit_bps",
                .decimal("No entries once this session's losing exits sum to this loss.", unit: "bps", min: .zero)))
    }

    static let window = FieldKind<Window>.object("Entry window in minutes after the New York regular open.") { r in
        let window = Window(
            startMinutesAfterOpen: r.required(
                "start_minutes_after_open", .integer("First minute (inclusive).", min: 0, max: 390)),
            endMinutesAfterOpen: r.required(
                "end_minutes_after_open", .integer("Last minute (exclusive).", min: 0, max: 390)),
            span: r.site.keySpan)
        if !r.skipsCrossChecks, window.endMinutesAfterOpen <= window.startMinutesAfterOpen {
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
                add: b.required("add", .decimal("Amount added.", unit: "", min: .zero, max: Decimal(1))))
        }
        let value = Confidence(
            base: r.required("base", .decimal("Confidence when the rule fires.", unit: "", min: .zero, max: Decimal(1))),
            bonuses: r.optional("bonuses", .records(bonus, "Conditional additions.")) ?? [],
            dynamicBonus: r.optional(
                "dynamic_bonus", .expression("A number expression added after the bonuses (missing adds nothing).")),
            cap: r.optional("cap", .decimal("Upper bound after bonuses.", unit: "", min: .zero, max: Decimal(1)),
                            default: Decimal(1)))
        if !r.skipsCrossChecks, value.cap < value.base {
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
                } else if r.span(of: "when") == nil, r.span(of: "when_any") == nil {
                    r.report(.emptyRule, "a rule needs at least one condition in 'when' or 'when_any'")
                } else if (r.rawCount(of: "when") ?? r.rawCount(of: "when_any")) == 0 {
                    r.report(
                        .emptyRule, "a rule needs at least one condition", at: all != nil ? "when" : "when_any")
                }
            }
            return Rule(
                window: r.optional("window", Self.window),
                mode: any != nil && all == nil ? .any : .all,
                conditions: all ?? any ?? [],
                confidence: r.required("confidence", Self.confidence),
                reasons: r.optional(
                    "reasons",
                    .list(
                        .matching("A snake_case reason code.", pattern: "^[a-z][a-z0-9_]*$", example: "tsmom_trend_up",
                                  FieldKind<String>.isSnakeCase),
                        "Reason codes recorded on the decision."), default: []),
                span: r.site.keySpan)
        }
    }

    public static let kind = FieldKind<StrategySpec>.object("A trading strategy as data.") { r in
        let params = r.optional(
            "params",
            .stringMap(.located(.decimal("A parameter value.", unit: "")), "Named constants for expressions.",
                       sortedByKey: false))
            ?? []
        let values = r.optional(
            "values",
            .stringMap(.expression("A named value."), "Named expressions, computed in order.", sortedByKey: false)) ?? []
        let entries = r.required(
            "entries",
            .object("Entry rules per direction.") { e in
                let defined = [e.span(of: "long") != nil ? "long" : nil, e.span(of: "short") != nil ? "short" : nil]
                    .compactMap { $0 }
                let order = e.optional(
                    "order", .list(.choice(["long", "short"], "A direction."), "Evaluation order."))
                let value = Entries(
                    long: e.optional("long", Self.rule("Buy to open a long (never while one is held).")),
                    short: e.optional("short", Self.rule("Sell to open a short (never while one is held).")),
                    order: order ?? defined)
                if let order, !e.skipsCrossChecks, Set(order) != Set(defined) {
                    e.report(
                        .conflictingValues,
                        "'order' lists \(order.joined(separator: ", ")) but the rules defined are "
                            + defined.joined(separator: ", "), at: "order",
                        notes: ["every defined entry rule must appear in 'order', and only those"])
                }
                return value
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
            version: r.optional(
                "version",
                .matching("Semantic version of the rules.", pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+$", example: "1.1.0") {
                    let parts = $0.split(separator: ".", omittingEmptySubsequences: false)
                    return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
                }, default: "1.0.0"),
            timeframe: r.required("timeframe", .choice(Self.timeframes, "Signal window the rules read.")),
            universe: r.required("universe", .located(.identifier("Name of the Universe this strategy trades."))),
            symbols: r.optional(
                "symbols", .list(.located(.symbol("A ticker.")), "Subset of the universe (empty: all of it)."),
                default: []),
            parity: r.optional(
                "parity",
                .choice(
                    ["native", "torghut"],
                    "torghut: price from session VWAP first, and Torghut's fixed 13:30-20:00 UTC session clock."),
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
                            "max_position_fraction_of_equity", .fraction("Largest position as a fraction of equity.")),
                        notionalMultiplier: s.optional(
                            "notional_multiplier",
                            .expression("Budget multiplier per entry (a number expression; may read confidence).")),
                        maxNotionalMultiplier: s.optional(
                            "max_notional_multiplier",
                            .decimal("Upper clamp of notional_multiplier.", unit: "multiple", min: .zero, minExclusive: true),
                            default: Decimal(1)))
                }),
            overlays: r.optional("overlays", Self.overlays) ?? .none,
            tradePolicy: r.optional("trade_policy", Self.tradePolicy) ?? .none)
    }
}
