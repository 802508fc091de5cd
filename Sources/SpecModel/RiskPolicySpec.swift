/// `kind: RiskPolicy`: every pre-trade limit, with units in the key names and scopes (global, per strategy, per
/// symbol). Where several scopes set the same limit, the tightest value applies ("min wins"; "max wins" for
/// minimums) — Torghut's own precedence was inconsistent (reference 02 §8). The engine that enforces it is separate.
public struct RiskPolicySpec: Sendable, Hashable {
    public var universe: Located<Identifier>
    public var shorts: ShortPolicy
    public var quantity: QuantityPolicy
    public var symbols: SymbolPolicy
    public var buyingPower: BuyingPowerPolicy
    public var patternDayTrader: PatternDayTraderPolicy
    public var tradingHours: TradingHours
    public var limits: RiskLimits
    public var overrides: [RiskOverride]
    /// What the participation limit does when average daily volume is unknown: `allow` (Torghut: no check, a
    /// warning) or `reject`.
    public var whenADVMissing: String

    public struct ShortPolicy: Sendable, Hashable {
        public var allowed: Bool
        public var wholeSharesOnly: Bool
        public var requireEasyToBorrow: Bool
        /// What to do when the broker's shortable / easy-to-borrow data is unavailable.
        public var whenBorrowDataMissing: String

        static let kind = FieldKind<ShortPolicy>.object("Short selling.") { r in
            ShortPolicy(
                allowed: r.required("allowed", .bool("Whether risk-increasing sells may open or add to shorts.")),
                wholeSharesOnly: r.optional(
                    "whole_shares_only", .bool("Short-increasing sells must be whole shares."), default: true),
                requireEasyToBorrow: r.optional(
                    "require_easy_to_borrow", .bool("Require tradable, shortable and easy-to-borrow assets."),
                    default: true),
                whenBorrowDataMissing: r.optional(
                    "when_borrow_data_missing",
                    .choice(
                        ["reject", "reject_in_live", "allow"],
                        "Short-increasing sells when borrow data is unknown (Torghut: strict live, lenient paper)."),
                    default: "reject_in_live"))
        }
    }

    public struct QuantityPolicy: Sendable, Hashable {
        public var fractionalEquities: Bool
        public var fractionalStepShares: Decimal

        static let kind = FieldKind<QuantityPolicy>.object("Order quantity increments.") { r in
            QuantityPolicy(
                fractionalEquities: r.optional(
                    "fractional_equities", .bool("Allow fractional buys and long-reducing sells."), default: false),
                fractionalStepShares: r.optional(
                    "fractional_step_shares",
                    .decimal("Quantity step for fractional orders.", unit: "shares", min: .zero, minExclusive: true),
                    default: Decimal(units: 100_000)))
        }
    }

    public struct SymbolPolicy: Sendable, Hashable {
        public var allow: [Located<Symbol>]
        public var deny: [Located<Symbol>]

        static let kind = FieldKind<SymbolPolicy>.object("Symbol allow and deny lists.") { r in
            let policy = SymbolPolicy(
                allow: r.optional(
                    "allow", .list(.located(.symbol("A ticker.")), "Only these symbols (empty: the whole universe)."),
                    default: []),
                deny: r.optional("deny", .list(.located(.symbol("A ticker.")), "Never these symbols."), default: []))
            for symbol in policy.deny where policy.allow.contains(symbol) {
                r.report(.conflictingValues, "'\(symbol.value)' is both allowed and denied", at: "deny")
            }
            return policy
        }
    }

    public struct BuyingPowerPolicy: Sendable, Hashable {
        public var required: Bool
        public var includePendingOrders: Bool

        static let kind = FieldKind<BuyingPowerPolicy>.object("Buying-power check.") { r in
            BuyingPowerPolicy(
                required: r.optional(
                    "required", .bool("Reject orders whose notional exceeds buying power."), default: true),
                includePendingOrders: r.optional(
                    "include_pending_orders", .bool("Subtract open orders' notional from buying power."),
                    default: true))
        }
    }

    public struct PatternDayTraderPolicy: Sendable, Hashable {
        public var enabled: Bool
        public var minEquityUSD: Decimal
        public var maxDayTradesPerFiveSessions: Int

        static let kind = FieldKind<PatternDayTraderPolicy>.object("FINRA pattern-day-trader guard.") { r in
            PatternDayTraderPolicy(
                enabled: r.optional("enabled", .bool("Block a day trade that would breach the rule."), default: true),
                minEquityUSD: r.optional(
                    "min_equity_usd", .decimal("Equity at or above which the rule does not bind.", unit: "USD",
                                               min: .zero), default: Decimal(25_000)),
                maxDayTradesPerFiveSessions: r.optional(
                    "max_day_trades_per_5_sessions",
                    .integer("Day trades allowed in any 5 sessions below the equity minimum.", min: 0, max: 100),
                    default: 3))
        }
    }

    public struct SessionWindow: Sendable, Hashable {
        public var entriesStartMinutesAfterOpen: Int
        public var entriesEndMinutesBeforeClose: Int
        public var exitsEndMinutesBeforeClose: Int

        static func kind(_ description: String, sessionMinutes: Int) -> FieldKind<SessionWindow> {
            .object(description) { r in
                let window = SessionWindow(
                    entriesStartMinutesAfterOpen: r.optional(
                        "entries_start_minutes_after_open",
                        .integer("First minute after the open at which entries may be sent.", min: 0, max: sessionMinutes),
                        default: 0),
                    entriesEndMinutesBeforeClose: r.optional(
                        "entries_end_minutes_before_close",
                        .integer("Entries stop this many minutes before the close.", min: 0, max: sessionMinutes), default: 0),
                    exitsEndMinutesBeforeClose: r.optional(
                        "exits_end_minutes_before_close",
                        .integer("Exits stop this many minutes before the close.", min: 0, max: sessionMinutes), default: 0))
                let open = window.entriesStartMinutesAfterOpen + window.entriesEndMinutesBeforeClose
                if !r.skipsCrossChecks, open >= sessionMinutes {
                    r.report(
                        .conflictingValues, "the entry window is empty: \(window.entriesStartMinutesAfterOpen) minutes "
                            + "after the open and \(window.entriesEndMinutesBeforeClose) before the close leave nothing "
                            + "of a \(sessionMinutes)-minute session", at: "entries_end_minutes_before_close")
                }
                if !r.skipsCrossChecks, window.exitsEndMinutesBeforeClose > window.entriesEndMinutesBeforeClose {
                    r.report(
                        .conflictingValues, "exits stop before entries do: 'exits_end_minutes_before_close' "
                            + "(\(window.exitsEndMinutesBeforeClose)) is above 'entries_end_minutes_before_close' "
                            + "(\(window.entriesEndMinutesBeforeClose))", at: "exits_end_minutes_before_close")
                }
                return window
            }
        }
    }

    public struct TradingHours: Sendable, Hashable {
        public var regular: SessionWindow
        public var earlyClose: SessionWindow
        public var extendedHours: Bool

        static let defaultWindow = SessionWindow(
            entriesStartMinutesAfterOpen: 0, entriesEndMinutesBeforeClose: 0, exitsEndMinutesBeforeClose: 0)

        static let regularWindow = SessionWindow.kind(
            "A full regular session (09:30-16:00 New York).", sessionMinutes: 390)
        static let earlyCloseWindow = SessionWindow.kind("A half day closing at 13:00 New York.", sessionMinutes: 210)

        static let kind = FieldKind<TradingHours>.object(
            "When orders may be submitted, per session type, in New York exchange time."
        ) { r in
            TradingHours(
                regular: r.optional("regular", Self.regularWindow)
                    ?? Self.defaultWindow,
                earlyClose: r.optional("early_close", Self.earlyCloseWindow)
                    ?? Self.defaultWindow,
                extendedHours: r.optional(
                    "extended_hours", .bool("Allow orders outside regular hours."), default: false))
        }
    }

    public static let kind = FieldKind<RiskPolicySpec>.object("Pre-trade risk limits.") { r in
        let overrides = r.optional("overrides", .records(RiskOverride.kind, "Limits for one strategy or one symbol."))
            ?? []
        var seen: [String: Int] = [:]
        for (index, override) in overrides.enumerated() {
            if let first = seen[override.scopeKey] {
                r.report(
                    .duplicateEntry, "overrides[\(index)] repeats the scope of overrides[\(first)] (\(override.scopeKey))",
                    at: override.span)
            } else {
                seen[override.scopeKey] = index
            }
        }
        return RiskPolicySpec(
            universe: r.required("universe", .located(.identifier("Name of the Universe whose symbols may trade."))),
            shorts: r.required("shorts", ShortPolicy.kind),
            quantity: r.optional("quantity", QuantityPolicy.kind)
                ?? QuantityPolicy(fractionalEquities: false, fractionalStepShares: Decimal(units: 100_000)),
            symbols: r.optional("symbols", SymbolPolicy.kind) ?? SymbolPolicy(allow: [], deny: []),
            buyingPower: r.optional("buying_power", BuyingPowerPolicy.kind)
                ?? BuyingPowerPolicy(required: true, includePendingOrders: true),
            patternDayTrader: r.optional("pattern_day_trader", PatternDayTraderPolicy.kind)
                ?? PatternDayTraderPolicy(enabled: true, minEquityUSD: Decimal(25_000), maxDayTradesPerFiveSessions: 3),
            tradingHours: r.optional("trading_hours", TradingHours.kind)
                ?? TradingHours(regular: TradingHours.defaultWindow, earlyClose: TradingHours.defaultWindow,
                                extendedHours: false),
            limits: r.optional("limits", RiskLimits.kind(at: .global)) ?? RiskLimits(),
            overrides: overrides,
            whenADVMissing: r.optional(
                "when_adv_missing",
                .choice(["allow", "reject"], "Participation check when average daily volume is unknown."),
                default: "allow"))
    }
}

/// Limits for one strategy or one symbol; they tighten, never loosen, the global limits.
public struct RiskOverride: Sendable, Hashable {
    public var strategy: Located<Identifier>?
    public var symbol: Located<Symbol>?
    public var limits: RiskLimits
    public var span: SourceSpan

    public var scope: RiskScope { self.strategy != nil ? .strategy : .symbol }

    /// `strategy <id>` or `symbol <ticker>`, for duplicate detection.
    var scopeKey: String {
        if let strategy { return "strategy \(strategy.value)" }
        return "symbol \(self.symbol?.value.rawValue ?? "")"
    }

    private static let strategyScoped = FieldKind<RiskOverride>.object("Limits for one strategy.") { r in
        RiskOverride(
            strategy: r.required("strategy", .located(.identifier("Strategy id this override applies to."))),
            symbol: nil, limits: r.required("limits", RiskLimits.kind(at: .strategy)), span: r.site.keySpan)
    }

    private static let symbolScoped = FieldKind<RiskOverride>.object("Limits for one symbol.") { r in
        RiskOverride(
            strategy: nil, symbol: r.required("symbol", .located(.symbol("Symbol this override applies to."))),
            limits: r.required("limits", RiskLimits.kind(at: .symbol)), span: r.site.keySpan)
    }

    /// Exactly one of `strategy` or `symbol` picks the scope, and with it the limits that may be set.
    static let kind = FieldKind<RiskOverride>(
        placeholder: strategyScoped.placeholder,
        schema: {
            .object([
                "description": "Limits for exactly one strategy or one symbol.",
                "oneOf": [strategyScoped.jsonSchema, symbolScoped.jsonSchema],
            ])
        },
        decode: { node, site, session in
            guard case .mapping(let pairs) = node.content else {
                session.wrongType(node, expected: "a mapping with 'strategy' or 'symbol' and 'limits'", at: site)
                return nil
            }
            let keys = Set(pairs.map(\.keyText))
            switch (keys.contains("strategy"), keys.contains("symbol")) {
            case (true, true):
                let span = pairs.first { $0.keyText == "symbol" }?.key.span ?? node.span
                session.diagnostics.error(
                    .conflictingValues, "an override sets either 'strategy' or 'symbol', not both", at: span)
                return nil
            case (false, false):
                session.diagnostics.error(.missingKey, "an override needs 'strategy' or 'symbol'", at: site.keySpan)
                return nil
            case (true, false):
                return strategyScoped.decode(node, at: site, in: session)
            case (false, true):
                return symbolScoped.decode(node, at: site, in: session)
            }
        })
}
