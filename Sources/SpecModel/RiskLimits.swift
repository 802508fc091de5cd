/// Where a limit applies. Overrides narrow a limit to one strategy or one symbol.
public enum RiskScope: String, Sendable, Hashable, CaseIterable {
    case global
    case strategy
    case symbol
}

/// One numeric limit: its key (unit in the name), description, value kind and the scopes that may set it.
/// The enforcement semantics (reject or clamp, reason code) belong to the risk engine and are listed in
/// docs/spec-reference/risk-policy.md.
public struct RiskLimitDefinition: Sendable {
    public enum ValueKind: Sendable {
        case usd
        case fraction
        case shares
        case count
        case bps
        case seconds
    }

    public var key: String
    public var valueKind: ValueKind
    public var scopes: Set<RiskScope>
    public var description: String
    /// True when a larger value is stricter (minimums); the tightest value across scopes wins.
    public var largerIsStricter: Bool

    init(_ key: String, _ valueKind: ValueKind, _ scopes: Set<RiskScope>, _ description: String,
         largerIsStricter: Bool = false) {
        self.key = key
        self.valueKind = valueKind
        self.scopes = scopes
        self.description = description
        self.largerIsStricter = largerIsStricter
    }
}

/// The limit values set at one scope. Absent means "no limit at this scope".
public struct RiskLimits: Sendable, Hashable {
    /// Values by key, in `RiskLimits.definitions` order.
    public var values: [String: Located<Decimal>]

    public init(values: [String: Located<Decimal>] = [:]) {
        self.values = values
    }

    public subscript(key: String) -> Decimal? { self.values[key]?.value }

    private static let all: Set<RiskScope> = [.global, .strategy, .symbol]
    private static let account: Set<RiskScope> = [.global, .strategy]

    /// Every limit, in the order the risk chain will evaluate them (reference 02 §2 and §2.6).
    public static let definitions: [RiskLimitDefinition] = [
        .init("max_notional_per_trade_usd", .usd, all, "Largest notional of one risk-increasing order."),
        .init("min_notional_per_trade_usd", .usd, all, "Smallest notional of one order.", largerIsStricter: true),
        .init("max_quantity_per_order_shares", .shares, all, "Largest share quantity of one order."),
        .init("max_position_notional_usd", .usd, all, "Largest absolute position value in one symbol."),
        .init(
            "max_position_fraction_of_equity", .fraction, all,
            "Largest absolute position value in one symbol as a fraction of equity."),
        .init("max_gross_exposure_usd", .usd, account, "Largest sum of absolute position values."),
        .init(
            "max_gross_exposure_fraction_of_equity", .fraction, account,
            "Largest gross exposure as a fraction of equity."),
        .init("max_net_exposure_usd", .usd, account, "Largest absolute sum of signed position values."),
        .init(
            "max_net_exposure_fraction_of_equity", .fraction, account, "Largest net exposure as a fraction of equity."),
        .init("max_open_positions", .count, account, "Most symbols held at once."),
        .init(
            "max_participation_fraction_of_adv", .fraction, all,
            "Largest order notional as a fraction of average daily dollar volume."),
        .init("price_band_bps", .bps, all, "Largest distance of a limit price from the reference price."),
        .init("max_quote_age_seconds", .seconds, all, "Oldest quote an order may be priced from."),
        .init("max_signal_age_seconds", .seconds, all, "Oldest signal a decision may act on."),
        .init("max_daily_loss_usd", .usd, account, "Loss since the session open that blocks risk-increasing orders."),
        .init(
            "max_daily_loss_fraction_of_equity", .fraction, account,
            "Daily loss limit as a fraction of the session's opening equity."),
        .init(
            "max_drawdown_fraction_from_high_water_mark", .fraction, account,
            "Largest fall of equity from the day's high-water mark before risk-increasing orders stop."),
        .init("max_orders_per_minute", .count, account, "Most orders submitted in any 60-second window."),
        .init(
            "max_orders_per_minute_per_symbol", .count, all,
            "Most orders for one symbol in any 60-second window."),
        .init(
            "duplicate_intent_window_seconds", .seconds, all,
            "Window in which a second identical intent (strategy, symbol, side) is rejected."),
        .init("cooldown_seconds", .seconds, all, "Minimum time between risk-increasing orders in one symbol."),
    ]

    public static func definition(_ key: String) -> RiskLimitDefinition? {
        self.definitions.first { $0.key == key }
    }

    static func fieldKind(for definition: RiskLimitDefinition) -> FieldKind<Decimal> {
        let text = definition.description
        switch definition.valueKind {
        case .usd: return .decimal(text, unit: "USD", min: .zero)
        case .fraction: return .fraction(text)
        case .shares: return .decimal(text, unit: "shares", min: .zero, minExclusive: true)
        case .bps: return .decimal(text, unit: "basis points", min: .zero, minExclusive: true)
        case .seconds: return .decimal(text, unit: "seconds", min: .zero)
        case .count:
            return FieldKind<Int>.integer(text, min: 0, max: 1_000_000).map { Decimal($0) }
                .schemaFromInteger(text)
        }
    }

    /// Limits valid at `scope`; keys outside the scope are reported as SPEC029. Built once per scope.
    static func kind(at scope: RiskScope) -> FieldKind<RiskLimits> {
        switch scope {
        case .global: Self.globalKind
        case .strategy: Self.strategyKind
        case .symbol: Self.symbolKind
        }
    }

    private static let globalKind = Self.makeKind(at: .global)
    private static let strategyKind = Self.makeKind(at: .strategy)
    private static let symbolKind = Self.makeKind(at: .symbol)
    private static let valueKinds: [FieldKind<Located<Decimal>>] = Self.definitions.map {
        FieldKind.located(Self.fieldKind(for: $0))
    }

    private static func makeKind(at scope: RiskScope) -> FieldKind<RiskLimits> {
        .object("Risk limits at \(scope.rawValue) scope. Omitted limits are not enforced at this scope.") { r in
            var values: [String: Located<Decimal>] = [:]
            // The schema lists only the limits of this scope; decoding still reads the others to explain SPEC029.
            for (definition, valueKind) in zip(Self.definitions, Self.valueKinds)
            where !r.isDescribing || definition.scopes.contains(scope) {
                guard let value = r.optional(definition.key, valueKind) else { continue }
                guard definition.scopes.contains(scope) else {
                    let allowed = RiskScope.allCases.filter(definition.scopes.contains).map(\.rawValue)
                    r.report(
                        .scopeNotApplicable, "'\(definition.key)' does not apply at \(scope.rawValue) scope",
                        at: definition.key, notes: ["it may be set at: \(allowed.joined(separator: ", "))"])
                    continue
                }
                values[definition.key] = value
            }
            if !r.skipsCrossChecks, let min = values["min_notional_per_trade_usd"],
                let max = values["max_notional_per_trade_usd"], min.value > max.value
            {
                r.report(
                    .conflictingValues,
                    "'min_notional_per_trade_usd' (\(min.value)) is above 'max_notional_per_trade_usd' (\(max.value))",
                    at: "min_notional_per_trade_usd")
            }
            return RiskLimits(values: values)
        }
    }
}

extension FieldKind where Value == Decimal {
    /// Counts are decimals in `RiskLimits` (one value type) but integers in the schema.
    fileprivate func schemaFromInteger(_ description: String) -> FieldKind<Decimal> {
        FieldKind(
            placeholder: self.placeholder,
            schema: {
                .object([
                    "type": "integer", "minimum": 0, "maximum": .integer(1_000_000), "description": .string(description),
                ])
            },
            encode: { .decimal($0) }, decode: self.decode)
    }
}
