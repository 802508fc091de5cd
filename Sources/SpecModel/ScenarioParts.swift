// The cost model, account, gates and origin of a `Scenario` (ScenarioSpec.swift holds the kind itself).

extension ScenarioSpec {
    public enum CostModel: String, Sendable, Hashable, CaseIterable {
        /// Torghut's transaction-cost model (reference 03 §2.3): half spread on aggressive orders, volatility over the
        /// execution time, market impact by participation, commissions and fees.
        case torghut
        /// No costs at all: gross and net results are equal.
        case none
    }

    /// Transaction costs charged on every fill. Torghut's defaults: no commission, impact 50 bps at full participation,
    /// participation capped at 10 % of average daily volume, 60 seconds of execution.
    public struct Costs: Sendable, Hashable {
        public var model: CostModel
        public var commissionBPS: Decimal
        public var commissionPerShareUSD: Decimal
        public var minCommissionUSD: Decimal
        public var perTradeFeeUSD: Decimal
        public var impactBPSAtFullParticipation: Decimal
        /// Torghut's `max_participation_rate`: above it an order is flagged as exceeding capacity.
        public var maxParticipationFractionOfADV: Decimal
        public var executionSeconds: Int
        /// Average daily dollar volume assumed for every symbol (the impact model's denominator).
        public var advUSD: Decimal

        public static let `default` = Costs(
            model: .torghut, commissionBPS: .zero, commissionPerShareUSD: .zero, minCommissionUSD: .zero,
            perTradeFeeUSD: .zero, impactBPSAtFullParticipation: Decimal(50),
            maxParticipationFractionOfADV: Decimal(units: 100_000_000), executionSeconds: 60,
            advUSD: Decimal(50_000_000))

        static let kind = FieldKind<Costs>.object(
            "Transaction costs charged on every fill (Torghut's cost model, reference 03 section 2.3)."
        ) { r in
            let d = Costs.default
            let usd = { (description: String) in FieldKind<Decimal>.decimal(description, unit: "USD", min: .zero) }
            let costs = Costs(
                model: r.optional(
                    "model",
                    .choice(
                        "torghut: half spread on aggressive orders, volatility over the execution time, impact by "
                            + "participation, commissions and fees. none: no costs (net equals gross)."),
                    default: d.model),
                commissionBPS: r.optional(
                    "commission_bps",
                    .decimal("Commission in basis points of each fill's notional.", unit: "bps", min: .zero),
                    default: d.commissionBPS),
                commissionPerShareUSD: r.optional(
                    "commission_per_share_usd", usd("Commission per share filled."), default: d.commissionPerShareUSD),
                minCommissionUSD: r.optional(
                    "min_commission_usd", usd("Least commission of one fill."), default: d.minCommissionUSD),
                perTradeFeeUSD: r.optional(
                    "per_trade_fee_usd", usd("Flat fee per fill (Torghut's reporting.per_trade_fee)."),
                    default: d.perTradeFeeUSD),
                impactBPSAtFullParticipation: r.optional(
                    "impact_bps_at_full_participation",
                    .decimal(
                        "Market impact in basis points when an order's notional equals the average daily volume; "
                            + "linear in participation (notional / adv_usd).", unit: "bps", min: .zero),
                    default: d.impactBPSAtFullParticipation),
                maxParticipationFractionOfADV: r.optional(
                    "max_participation_fraction_of_adv",
                    .decimal(
                        "Participation (notional / adv_usd) above which an order is reported as exceeding capacity "
                            + "(Torghut's max_participation_rate).", unit: "fraction, 0.1 = 10%", min: .zero,
                        max: Decimal(1)),
                    default: d.maxParticipationFractionOfADV),
                executionSeconds: r.optional(
                    "execution_seconds",
                    .integer("Time an order takes to execute, for the volatility cost.", min: 1, max: 3_600),
                    default: d.executionSeconds),
                advUSD: r.optional(
                    "adv_usd",
                    .decimal(
                        "Average daily dollar volume assumed for every symbol, for the impact cost.", unit: "USD",
                        min: .zero, minExclusive: true),
                    default: d.advUSD))
            if !r.skipsCrossChecks, costs.model == .none {
                let set = [
                    "commission_bps", "commission_per_share_usd", "min_commission_usd", "per_trade_fee_usd",
                    "impact_bps_at_full_participation", "max_participation_fraction_of_adv", "execution_seconds",
                    "adv_usd",
                ].filter { r.span(of: $0) != nil }
                if let first = set.first {
                    r.report(
                        .conflictingValues, "'model: none' charges no costs, so '\(first)' has no effect", at: first,
                        severity: .warning, notes: ["remove the cost settings, or use model: torghut"])
                }
            }
            return costs
        }
    }

    /// The account at the start of the run.
    public struct Account: Sendable, Hashable {
        public var startingCashUSD: Located<Decimal>
        /// Positions held at the start, in the order written; at most one per symbol.
        public var positions: [Position]

        static let kind = FieldKind<Account>.object("The account at the start of the run.") { r in
            let account = Account(
                startingCashUSD: r.required(
                    "starting_cash_usd",
                    .located(.decimal("Cash at the start of the run.", unit: "USD", min: .zero, minExclusive: true))),
                positions: r.optional(
                    "positions",
                    .records(Position.kind, "Positions held at the start of the run, at most one per symbol.")) ?? [])
            var seen: [Symbol: Int] = [:]
            for (index, position) in account.positions.enumerated() where position.symbol.span.start != nil {
                if let first = seen[position.symbol.value] {
                    r.report(
                        .duplicateEntry,
                        "positions[\(index)] repeats the symbol of positions[\(first)] (\(position.symbol.value))",
                        at: position.symbol.span, notes: ["hold one position per symbol"])
                } else {
                    seen[position.symbol.value] = index
                }
            }
            return account
        }
    }

    /// A position held at the start of the run. A negative quantity is a short.
    public struct Position: Sendable, Hashable {
        public var symbol: Located<Symbol>
        public var quantityShares: Located<Decimal>
        public var averagePriceUSD: Located<Decimal>
        /// The strategy whose book starts with the position; nil: the account's alone (no strategy manages it).
        public var strategy: Located<Identifier>?
        /// The list item.
        public var span: SourceSpan

        static let kind = FieldKind<Position>.object("A position held at the start of the run.") { r in
            Position(
                symbol: r.required(
                    "symbol", .located(.symbol("The position's ticker; one of the scenario's symbols."))),
                quantityShares: r.required(
                    "quantity_shares",
                    .located(
                        FieldKind<Decimal>.decimal(
                            "Shares held: positive long, negative short; not zero.", unit: "shares"
                        ).nonZero())),
                averagePriceUSD: r.required(
                    "average_price_usd",
                    .located(
                        .decimal(
                            "Average entry price, the cost basis of the unrealized PnL.", unit: "USD", min: .zero,
                            minExclusive: true))),
                strategy: r.optional(
                    "strategy",
                    .located(
                        .identifier(
                            "The strategy that holds the position: its book starts with it, so its exits, stops and "
                                + "hold limits apply. Without it the position is the account's alone: marked and "
                                + "risk-checked, never managed by a strategy."))),
                span: r.site.keySpan)
        }
    }

    /// A pass/fail threshold on one metric of the run: the run passes when the metric is at least `min` and at most
    /// `max` (each optional, at least one set). A failed gate makes `torghut simulate` exit 1.
    public struct Gate: Sendable, Hashable {
        public var metric: Located<ScenarioMetric>
        public var min: Located<Decimal>?
        public var max: Located<Decimal>?
        /// The list item.
        public var span: SourceSpan

        /// True when `value` is within the bounds.
        public func passes(_ value: Decimal) -> Bool {
            if let min = self.min, value < min.value { return false }
            if let max = self.max, value > max.value { return false }
            return true
        }

        static let kind = FieldKind<Gate>.object("A pass/fail threshold on one metric of the run.") { r in
            let bound = { (description: String) in
                FieldKind.located(FieldKind<Decimal>.decimal(description, unit: ""))
            }
            let gate = Gate(
                metric: r.required(
                    "metric",
                    .located(
                        .choice(
                            "The metric to check. Its name carries its unit: _usd dollars, _bps basis points, "
                                + "_fraction and _rate fractions; orders, fills, decisions and signals are counts."))),
                min: r.optional("min", bound("The least passing value, in the metric's unit (inclusive).")),
                max: r.optional("max", bound("The greatest passing value, in the metric's unit (inclusive).")),
                span: r.site.keySpan)
            if !r.isDescribing, gate.min == nil, gate.max == nil {
                let subject = gate.metric.span.start == nil ? "a gate" : "the gate on '\(gate.metric.value.rawValue)'"
                r.report(
                    .missingKey, "\(subject) needs 'min', 'max' or both", notes: ["a gate without bounds always passes"]
                )
            }
            if !r.skipsCrossChecks, let min = gate.min, let max = gate.max, min.value > max.value {
                r.report(
                    .conflictingValues,
                    "the gate on '\(gate.metric.value.rawValue)' can never pass: 'min' (\(min.value)) is above 'max' "
                        + "(\(max.value))", at: "min")
            }
            return gate
        }
        .schemaAdding(["anyOf": [["required": ["min"]], ["required": ["max"]]]])

        static let listKind = FieldKind<[Gate]>.records(
            Gate.kind, "Pass/fail thresholds on the run's metrics, at most one per metric. All must pass.")
    }

    /// Where an imported scenario came from. Informational: the run does not read it.
    public struct Origin: Sendable, Hashable {
        public var manifest: String?
        public var datasetID: String?
        public var candidateID: String?
        public var windowStart: Located<String>?
        public var windowEnd: Located<String>?

        static let instant = FieldKind<String>.matching(
            "An instant in ISO-8601 / RFC 3339 form, e.g. 2026-03-06T14:30:00Z.", pattern: Instant.pattern,
            example: "2026-03-06T14:30:00Z", Instant.isValid)

        static let kind = FieldKind<Origin>.object(
            "Where an imported scenario came from (e.g. a Torghut simulation manifest). Informational only."
        ) { r in
            Origin(
                manifest: r.optional("manifest", .string("File name of the manifest the scenario was imported from.")),
                datasetID: r.optional("dataset_id", .string("The manifest's dataset_id.")),
                candidateID: r.optional(
                    "candidate_id", .string("The strategy the original run evaluated (the manifest's candidate_id).")),
                windowStart: r.optional(
                    "window_start",
                    .located(Self.instant.schemaAdding(["description": "Start of the original window."]))),
                windowEnd: r.optional(
                    "window_end", .located(Self.instant.schemaAdding(["description": "End of the original window."]))))
        }
    }

    /// ISO-8601 instants as Torghut writes them: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` and `Z` or `±HH:MM`.
    enum Instant {
        static let pattern =
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})$"

        static func isValid(_ text: String) -> Bool {
            var bytes = Array(text.utf8)[...]
            func digits(_ count: Int) -> Bool {
                guard bytes.count >= count,
                    bytes.prefix(count).allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                else { return false }
                bytes = bytes.dropFirst(count)
                return true
            }
            func literal(_ character: Character) -> Bool {
                guard bytes.first == character.asciiValue else { return false }
                bytes = bytes.dropFirst()
                return true
            }
            guard digits(4), literal("-"), digits(2), literal("-"), digits(2), literal("T"), digits(2), literal(":"),
                digits(2)
            else { return false }
            if literal(":") {
                guard digits(2) else { return false }
                if literal(".") {
                    guard digits(1) else { return false }
                    while digits(1) {}
                }
            }
            if literal("Z") { return bytes.isEmpty }
            guard literal("+") || literal("-") else { return false }
            return digits(2) && literal(":") && digits(2) && bytes.isEmpty
        }
    }
}

/// A metric of a simulator run that a Scenario gate can check. The name carries the unit.
public enum ScenarioMetric: String, Sendable, Hashable, CaseIterable {
    case netPnLUSD = "net_pnl_usd"
    case grossPnLUSD = "gross_pnl_usd"
    case realizedPnLUSD = "realized_pnl_usd"
    case unrealizedPnLUSD = "unrealized_pnl_usd"
    case costsUSD = "costs_usd"
    case sharpe
    case maxDrawdownFraction = "max_drawdown_fraction"
    case winRate = "win_rate"
    case fillRate = "fill_rate"
    case slippageBPSMedian = "slippage_bps_median"
    case slippageBPSP95 = "slippage_bps_p95"
    case turnover
    case costBPS = "cost_bps"
    case orders
    case fills
    case ordersOverCapacity = "orders_over_capacity"
    case decisions
    case signals

    /// What the metric measures, for docs and reports.
    public var summary: String {
        switch self {
        case .netPnLUSD: "Gross PnL minus costs, in dollars."
        case .grossPnLUSD: "Realized plus unrealized PnL before costs, in dollars."
        case .realizedPnLUSD: "PnL of the quantity closed during the run, in dollars."
        case .unrealizedPnLUSD: "PnL of the positions open at the end, marked at the last price, in dollars."
        case .costsUSD: "Every cost charged: commissions, fees and the cost model's spread, volatility and impact."
        case .sharpe: "Annualized Sharpe ratio of one-minute equity returns (times the square root of 252 x 390)."
        case .maxDrawdownFraction: "Largest fall of equity from its running high, as a fraction of that high."
        case .winRate: "Position legs closed at a profit (before costs) over legs closed (0 to 1)."
        case .fillRate: "Filled quantity divided by ordered quantity (0 to 1)."
        case .slippageBPSMedian: "Median slippage of fills against their reference price, in basis points."
        case .slippageBPSP95: "95th percentile of that slippage, in basis points."
        case .turnover: "Sum of the fills' absolute notional divided by starting equity (a multiple)."
        case .costBPS: "Costs divided by the fills' absolute notional, in basis points."
        case .orders: "Orders sent (count)."
        case .fills: "Fills received (count)."
        case .ordersOverCapacity:
            "Orders whose notional exceeded max_participation_fraction_of_adv of adv_usd (count); they still fill."
        case .decisions: "Trade decisions made, including those risk rejected (count)."
        case .signals: "TA signals evaluated (count)."
        }
    }
}

extension FieldKind where Value == Decimal {
    /// The same decimal, but zero is SPEC015 (the schema says `not: {const: 0}`).
    func nonZero() -> FieldKind<Decimal> {
        self.checked { value, node, site, session in
            guard value.isZero else { return true }
            session.diagnostics.error(.outOfRange, "'\(site.key)' must not be zero", at: node.span)
            return false
        }
        .schemaAdding(["not": ["const": 0]])
    }
}
