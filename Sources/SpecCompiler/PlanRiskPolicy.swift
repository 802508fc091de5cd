import SpecModel

/// A plan's risk policy in typed form, read from its canonical JSON (in memory after compiling, or read back from
/// `plan.json`, where decimals are strings). The engine and `torghut explain` both read this.
public struct PlanRiskPolicy: Sendable, Hashable {
    public struct Window: Sendable, Hashable {
        public var entriesStartMinutesAfterOpen: Int
        public var entriesEndMinutesBeforeClose: Int
        public var exitsEndMinutesBeforeClose: Int

        public init(entriesStartMinutesAfterOpen: Int = 0, entriesEndMinutesBeforeClose: Int = 0,
                    exitsEndMinutesBeforeClose: Int = 0) {
            self.entriesStartMinutesAfterOpen = entriesStartMinutesAfterOpen
            self.entriesEndMinutesBeforeClose = entriesEndMinutesBeforeClose
            self.exitsEndMinutesBeforeClose = exitsEndMinutesBeforeClose
        }
    }

    /// Limits set by one override, by key.
    public struct Override: Sendable, Hashable {
        public enum Scope: Sendable, Hashable {
            case strategy(Identifier)
            case symbol(Symbol)
        }

        public var scope: Scope
        public var limits: [String: Decimal]
    }

    public var name: String
    public var universe: Identifier
    public var shortsAllowed: Bool
    public var shortsWholeSharesOnly: Bool
    public var requireEasyToBorrow: Bool
    /// `reject`, `reject_in_live` or `allow`.
    public var whenBorrowDataMissing: String
    public var fractionalEquities: Bool
    public var fractionalStepShares: Decimal
    public var allow: [Symbol]
    public var deny: [Symbol]
    public var buyingPowerRequired: Bool
    public var buyingPowerIncludesPendingOrders: Bool
    public var patternDayTraderEnabled: Bool
    public var patternDayTraderMinEquityUSD: Decimal
    public var maxDayTradesPerFiveSessions: Int
    public var regularHours: Window
    public var earlyCloseHours: Window
    public var extendedHours: Bool
    /// `allow` or `reject`.
    public var whenADVMissing: String
    public var limits: [String: Decimal]
    public var overrides: [Override]

    /// The policy an enabled strategy trades under when no `RiskPolicy` covers its universe: no numeric limits,
    /// shorts refused (Torghut's code default), whole shares, buying power and the PDT guard on, regular hours only.
    public static func builtInDefault(universe: Identifier) -> PlanRiskPolicy {
        PlanRiskPolicy(
            name: "built-in-default", universe: universe, shortsAllowed: false, shortsWholeSharesOnly: true,
            requireEasyToBorrow: true, whenBorrowDataMissing: "reject_in_live", fractionalEquities: false,
            fractionalStepShares: Decimal(units: 100_000), allow: [], deny: [], buyingPowerRequired: true,
            buyingPowerIncludesPendingOrders: true, patternDayTraderEnabled: true,
            patternDayTraderMinEquityUSD: Decimal(25_000), maxDayTradesPerFiveSessions: 3, regularHours: Window(),
            earlyCloseHours: Window(), extendedHours: false, whenADVMissing: "allow", limits: [:], overrides: [])
    }

    public init(
        name: String, universe: Identifier, shortsAllowed: Bool, shortsWholeSharesOnly: Bool, requireEasyToBorrow: Bool,
        whenBorrowDataMissing: String, fractionalEquities: Bool, fractionalStepShares: Decimal, allow: [Symbol],
        deny: [Symbol], buyingPowerRequired: Bool, buyingPowerIncludesPendingOrders: Bool,
        patternDayTraderEnabled: Bool, patternDayTraderMinEquityUSD: Decimal, maxDayTradesPerFiveSessions: Int,
        regularHours: Window, earlyCloseHours: Window, extendedHours: Bool, whenADVMissing: String,
        limits: [String: Decimal], overrides: [Override]
    ) {
        self.name = name
        self.universe = universe
        self.shortsAllowed = shortsAllowed
        self.shortsWholeSharesOnly = shortsWholeSharesOnly
        self.requireEasyToBorrow = requireEasyToBorrow
        self.whenBorrowDataMissing = whenBorrowDataMissing
        self.fractionalEquities = fractionalEquities
        self.fractionalStepShares = fractionalStepShares
        self.allow = allow
        self.deny = deny
        self.buyingPowerRequired = buyingPowerRequired
        self.buyingPowerIncludesPendingOrders = buyingPowerIncludesPendingOrders
        self.patternDayTraderEnabled = patternDayTraderEnabled
        self.patternDayTraderMinEquityUSD = patternDayTraderMinEquityUSD
        self.maxDayTradesPerFiveSessions = maxDayTradesPerFiveSessions
        self.regularHours = regularHours
        self.earlyCloseHours = earlyCloseHours
        self.extendedHours = extendedHours
        self.whenADVMissing = whenADVMissing
        self.limits = limits
        self.overrides = overrides
    }

    /// The value of limit `key` for `strategy` trading `symbol` (nil: scopes global and strategy only): the tightest
    /// of the global value and the strategy's and the symbol's overrides (the smallest, or the largest for a minimum),
    /// with the scope it came from; on a tie the wider scope is named. Nil when no scope sets it.
    public func tightest(_ key: String, strategy: Identifier, symbol: Symbol?) -> (value: Decimal, scope: RiskScope)? {
        let largerIsStricter = RiskLimits.definition(key)?.largerIsStricter ?? false
        var best: (value: Decimal, scope: RiskScope)?
        func consider(_ value: Decimal?, _ scope: RiskScope) {
            guard let value else { return }
            guard let current = best?.value else {
                best = (value, scope)
                return
            }
            if largerIsStricter ? value > current : value < current { best = (value, scope) }
        }
        consider(self.limits[key], .global)
        consider(self.overrides.first { $0.scope == .strategy(strategy) }?.limits[key], .strategy)
        if let symbol { consider(self.overrides.first { $0.scope == .symbol(symbol) }?.limits[key], .symbol) }
        return best
    }

    /// Why a plan's risk-policy JSON could not be read (a `PLAN007` malformed plan).
    public struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { self.message }
    }

    public init(json value: JSONValue) throws(DecodingError) {
        let object = try Self.object(value, "risk policy")
        let shorts = try Self.object(object["shorts"], "shorts")
        let quantity = try Self.object(object["quantity"], "quantity")
        let symbols = try Self.object(object["symbols"], "symbols")
        let buyingPower = try Self.object(object["buying_power"], "buying_power")
        let pdt = try Self.object(object["pattern_day_trader"], "pattern_day_trader")
        let hours = try Self.object(object["trading_hours"], "trading_hours")
        guard let universe = Identifier(try Self.string(object["universe"], "universe")) else {
            throw DecodingError(message: "risk policy universe is not an identifier")
        }
        self.name = try Self.string(object["name"], "name")
        self.universe = universe
        self.shortsAllowed = try Self.bool(shorts["allowed"], "shorts.allowed")
        self.shortsWholeSharesOnly = try Self.bool(shorts["whole_shares_only"], "shorts.whole_shares_only")
        self.requireEasyToBorrow = try Self.bool(shorts["require_easy_to_borrow"], "shorts.require_easy_to_borrow")
        self.whenBorrowDataMissing = try Self.string(shorts["when_borrow_data_missing"], "shorts.when_borrow_data_missing")
        self.fractionalEquities = try Self.bool(quantity["fractional_equities"], "quantity.fractional_equities")
        self.fractionalStepShares = try Self.decimal(quantity["fractional_step_shares"], "quantity.fractional_step_shares")
        self.allow = try Self.symbols(symbols["allow"], "symbols.allow")
        self.deny = try Self.symbols(symbols["deny"], "symbols.deny")
        self.buyingPowerRequired = try Self.bool(buyingPower["required"], "buying_power.required")
        self.buyingPowerIncludesPendingOrders = try Self.bool(
            buyingPower["include_pending_orders"], "buying_power.include_pending_orders")
        self.patternDayTraderEnabled = try Self.bool(pdt["enabled"], "pattern_day_trader.enabled")
        self.patternDayTraderMinEquityUSD = try Self.decimal(pdt["min_equity_usd"], "pattern_day_trader.min_equity_usd")
        self.maxDayTradesPerFiveSessions = try Self.integer(
            pdt["max_day_trades_per_5_sessions"], "pattern_day_trader.max_day_trades_per_5_sessions")
        self.regularHours = try Self.window(hours["regular"], "trading_hours.regular")
        self.earlyCloseHours = try Self.window(hours["early_close"], "trading_hours.early_close")
        self.extendedHours = try Self.bool(hours["extended_hours"], "trading_hours.extended_hours")
        self.whenADVMissing = try Self.string(object["when_adv_missing"], "when_adv_missing")
        self.limits = try Self.limits(object["limits"], "limits")
        guard case .array(let items)? = object["overrides"] else {
            throw DecodingError(message: "risk policy 'overrides' must be an array")
        }
        self.overrides = try items.map { (item) throws(DecodingError) -> Override in
            let override = try Self.object(item, "override")
            let scope = try Self.string(override["scope"], "override scope")
            let limits = try Self.limits(override["limits"], "override limits")
            if scope.hasPrefix("strategy:"), let id = Identifier(String(scope.dropFirst(9))) {
                return Override(scope: .strategy(id), limits: limits)
            }
            if scope.hasPrefix("symbol:"), let symbol = Symbol(String(scope.dropFirst(7))) {
                return Override(scope: .symbol(symbol), limits: limits)
            }
            throw DecodingError(message: "risk policy override scope '\(scope)' is not 'strategy:<id>' or 'symbol:<ticker>'")
        }
    }

    // MARK: Reading JSON

    private static func object(_ value: JSONValue?, _ what: String) throws(DecodingError) -> [String: JSONValue] {
        guard case .object(let object)? = value else { throw DecodingError(message: "risk policy '\(what)' must be an object") }
        return object
    }

    private static func string(_ value: JSONValue?, _ what: String) throws(DecodingError) -> String {
        guard case .string(let text)? = value else { throw DecodingError(message: "risk policy '\(what)' must be a string") }
        return text
    }

    private static func bool(_ value: JSONValue?, _ what: String) throws(DecodingError) -> Bool {
        guard case .bool(let flag)? = value else { throw DecodingError(message: "risk policy '\(what)' must be a boolean") }
        return flag
    }

    private static func integer(_ value: JSONValue?, _ what: String) throws(DecodingError) -> Int {
        switch value {
        case .integer(let number)?: return Int(number)
        case .decimal(let number)?:
            if number.units % Decimal.unitsPerWhole == 0 { return Int(number.units / Decimal.unitsPerWhole) }
        case .string(let text)?: if let whole = Int(text) { return whole }
        default: break
        }
        throw DecodingError(message: "risk policy '\(what)' must be a whole number")
    }

    private static func decimal(_ value: JSONValue?, _ what: String) throws(DecodingError) -> Decimal {
        switch value {
        case .decimal(let number)?: return number
        case .integer(let number)?: if let exact = Decimal.exactly(Int(number)) { return exact }
        case .string(let text)?: if let number = Decimal(text) { return number }
        default: break
        }
        throw DecodingError(message: "risk policy '\(what)' must be a decimal")
    }

    private static func symbols(_ value: JSONValue?, _ what: String) throws(DecodingError) -> [Symbol] {
        guard case .array(let items)? = value else { throw DecodingError(message: "risk policy '\(what)' must be an array") }
        return try items.map { (item) throws(DecodingError) -> Symbol in
            guard let symbol = Symbol(try Self.string(item, what)) else {
                throw DecodingError(message: "risk policy '\(what)' holds an invalid ticker")
            }
            return symbol
        }
    }

    private static func window(_ value: JSONValue?, _ what: String) throws(DecodingError) -> Window {
        let object = try Self.object(value, what)
        return Window(
            entriesStartMinutesAfterOpen: try Self.integer(
                object["entries_start_minutes_after_open"], "\(what).entries_start_minutes_after_open"),
            entriesEndMinutesBeforeClose: try Self.integer(
                object["entries_end_minutes_before_close"], "\(what).entries_end_minutes_before_close"),
            exitsEndMinutesBeforeClose: try Self.integer(
                object["exits_end_minutes_before_close"], "\(what).exits_end_minutes_before_close"))
    }

    private static func limits(_ value: JSONValue?, _ what: String) throws(DecodingError) -> [String: Decimal] {
        let object = try Self.object(value, what)
        var limits: [String: Decimal] = [:]
        for (key, item) in object {
            guard RiskLimits.definition(key) != nil else {
                throw DecodingError(message: "risk policy '\(what)' has an unknown limit '\(key)'")
            }
            limits[key] = try Self.decimal(item, "\(what).\(key)")
        }
        return limits
    }
}
