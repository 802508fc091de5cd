import SpecModel

/// The compiled, behaviour-only form of a spec tree. Its canonical JSON (keys in UTF-8 order, decimals as strings)
/// is hashed with XXH3-128; comments, formatting, key order, value names and descriptions never reach it.
public struct ExecutionPlan: Sendable {
    public static let format = "torghut.plan/v1"

    public var strategies: [PlanStrategy]
    public var universes: [PlanUniverse]
    public var riskPolicies: [JSONValue]

    /// The canonical JSON that the hash covers.
    public var canonicalValue: JSONValue {
        .object([
            "format": .string(Self.format),
            "strategies": .array(self.strategies.map(\.canonicalValue)),
            "universes": .array(self.universes.map(\.canonicalValue)),
            "risk_policies": .array(self.riskPolicies),
        ])
    }

    public var hash: ContentHash {
        // Only finite decimals and integers reach the plan, so canonical encoding cannot fail.
        (try? ContentHash.of(canonical: self.canonicalValue)) ?? ContentHash(high: 0, low: 0)
    }

    /// `plan.json`: the hash beside the plan it covers.
    public var document: JSONValue {
        .object(["hash": .string(self.hash.description), "plan": self.canonicalValue])
    }
}

public struct PlanUniverse: Sendable {
    public var name: Identifier
    public var symbols: [Symbol]
    /// Live membership source (provider, url, timeouts), as canonical JSON; nil for a static universe.
    public var dynamicSource: JSONValue?

    public init(name: Identifier, symbols: [Symbol], dynamicSource: JSONValue? = nil) {
        self.name = name
        self.symbols = symbols
        self.dynamicSource = dynamicSource
    }

    var canonicalValue: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(self.name.rawValue), "symbols": .array(self.symbols.map { .string($0.rawValue) }),
        ]
        if let source = self.dynamicSource { object["dynamic_source"] = source }
        return .object(object)
    }

    static func dynamicSource(_ source: UniverseSpec.DynamicSource?, requireNonEmpty: Bool) -> JSONValue? {
        guard let source else { return nil }
        return .object([
            "provider": .string(source.provider), "url": .string(source.url.value),
            "request_timeout_seconds": .integer(Int64(source.requestTimeoutSeconds)),
            "cache_ttl_seconds": .integer(Int64(source.cacheTTLSeconds)),
            "max_stale_seconds": .integer(Int64(source.maxStaleSeconds)),
            "fallback_to_symbols": .bool(source.fallbackToSymbols), "require_non_empty": .bool(requireNonEmpty),
        ])
    }
}

/// One rule after defaults, with parameters and named values inlined.
public struct PlanRule: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable {
        case long
        case short
    }

    public var direction: Direction
    public var window: ClosedRange<Int>?
    public var mode: StrategySpec.Rule.Mode
    public var conditions: [Expression]
    public var confidenceBase: Decimal
    public var bonuses: [(condition: Expression, add: Decimal)]
    public var dynamicBonus: Expression?
    public var confidenceCap: Decimal
    public var reasons: [String]

    public static func == (a: PlanRule, b: PlanRule) -> Bool { a.canonicalValue == b.canonicalValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.canonicalValue) }

    private var confidenceValue: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "base": .decimal(self.confidenceBase),
            "bonuses": .array(
                self.bonuses.map { .object(["when": .string($0.condition.canonicalText), "add": .decimal($0.add)]) }),
            "cap": .decimal(self.confidenceCap),
        ]
        if let dynamic = self.dynamicBonus { object["dynamic_bonus"] = .string(dynamic.canonicalText) }
        return object
    }

    var canonicalValue: JSONValue {
        var object: [String: JSONValue] = [
            "direction": .string(self.direction.rawValue),
            "mode": .string(self.mode.rawValue),
            "conditions": .array(self.conditions.map { .string($0.canonicalText) }),
            "confidence": .object(self.confidenceValue),
            "reasons": .array(self.reasons.map { .string($0) }),
        ]
        if let window = self.window {
            object["window_minutes_after_open"] = .array([
                .integer(Int64(window.lowerBound)), .integer(Int64(window.upperBound)),
            ])
        }
        return .object(object)
    }
}

public struct PlanStrategy: Sendable {
    public var id: Identifier
    public var enabled: Bool
    public var timeframe: String
    public var parity: String
    public var universe: Identifier
    /// The symbols it may trade: its own subset, or its universe, in byte order.
    public var symbols: [Symbol]
    /// In evaluation order.
    public var entries: [PlanRule]
    public var exits: [PlanRule]
    public var maxNotionalUSD: Decimal
    public var maxPositionFractionOfEquity: Decimal?
    public var notionalMultiplier: Expression?
    public var maxNotionalMultiplier: Decimal = Decimal(1)
    public var overlays: StrategySpec.Overlays
    /// The trailing stop's extra condition, inlined (the spec's own is kept in `overlays` only for its span).
    public var trailingCondition: Expression?
    public var tradePolicy: StrategySpec.TradePolicy
    /// Parameter values as written (already inlined into the rules; kept for `explain`, outside the hash).
    public var params: [(name: String, value: Decimal)]

    var canonicalValue: JSONValue {
        var sizing: [String: JSONValue] = ["max_notional_usd": .decimal(self.maxNotionalUSD)]
        if let fraction = self.maxPositionFractionOfEquity {
            sizing["max_position_fraction_of_equity"] = .decimal(fraction)
        }
        if let multiplier = self.notionalMultiplier { sizing["notional_multiplier"] = .string(multiplier.canonicalText) }
        if self.maxNotionalMultiplier != Decimal(1) {
            sizing["max_notional_multiplier"] = .decimal(self.maxNotionalMultiplier)
        }
        return .object([
            "id": .string(self.id.rawValue),
            "enabled": .bool(self.enabled),
            "timeframe": .string(self.timeframe),
            "parity": .string(self.parity),
            "universe": .string(self.universe.rawValue),
            "symbols": .array(self.symbols.map { .string($0.rawValue) }),
            "entries": .array(self.entries.map(\.canonicalValue)),
            "exits": .array(self.exits.map(\.canonicalValue)),
            "sizing": .object(sizing),
            "overlays": Self.encode(self.overlays, trailingCondition: self.trailingCondition),
            "trade_policy": Self.encode(self.tradePolicy),
        ])
    }

    private static func encode(_ overlays: StrategySpec.Overlays, trailingCondition: Expression?) -> JSONValue {
        func threshold(_ value: StrategySpec.Overlays.Threshold) -> JSONValue {
            .object([
                "bps": .decimal(value.bps), "spread_bps_multiplier": .decimal(value.spreadMultiplier),
                "volatility_bps_multiplier": .decimal(value.volatilityMultiplier),
            ])
        }
        var object: [String: JSONValue] = [
            "require_profit_for_signal_exit": .bool(overlays.requireProfitForSignalExit)
        ]
        if let stop = overlays.stopLoss { object["stop_loss"] = threshold(stop) }
        if let trailing = overlays.trailingStop {
            var value: [String: JSONValue] = [
                "activation_profit_bps": .decimal(trailing.activationProfitBPS), "drawdown": threshold(trailing.drawdown),
            ]
            if let condition = trailingCondition { value["when"] = .string(condition.canonicalText) }
            if trailing.requireProfit { value["require_profit"] = .bool(true) }
            object["trailing_stop"] = .object(value)
        }
        if let value = overlays.minHoldSeconds { object["min_hold_seconds"] = .integer(Int64(value)) }
        if let value = overlays.maxHoldSeconds { object["max_hold_seconds"] = .integer(Int64(value)) }
        if let value = overlays.flattenMinutesBeforeClose { object["flatten_minutes_before_close"] = .integer(Int64(value)) }
        if let value = overlays.minSignalExitProfitBPS { object["min_signal_exit_profit_bps"] = .decimal(value) }
        return .object(object)
    }

    private static func encode(_ policy: StrategySpec.TradePolicy) -> JSONValue {
        var object: [String: JSONValue] = ["negative_exit_loss_bps": .decimal(policy.negativeExitLossBPS)]
        let counts: [(String, Int?)] = [
            ("entry_cooldown_seconds", policy.entryCooldownSeconds), ("exit_cooldown_seconds", policy.exitCooldownSeconds),
            ("max_concurrent_positions", policy.maxConcurrentPositions),
            ("max_entries_per_session", policy.maxEntriesPerSession),
            ("max_stop_loss_exits_per_session", policy.maxStopLossExitsPerSession),
            ("max_negative_exits_per_session", policy.maxNegativeExitsPerSession),
            ("stop_loss_lockout_seconds", policy.stopLossLockoutSeconds),
            ("negative_exit_lockout_seconds", policy.negativeExitLockoutSeconds),
        ]
        for (key, value) in counts { if let value { object[key] = .integer(Int64(value)) } }
        if let cap = policy.maxSessionNegativeExitBPS { object["max_session_negative_exit_bps"] = .decimal(cap) }
        return .object(object)
    }

    /// Hash of this strategy's behaviour apart from which symbols it trades: client order ids derive from it, so
    /// editing another spec, or adding a symbol to the universe, never re-identifies a replayed signal's order.
    public var contentHash: ContentHash {
        guard case .object(var object) = self.canonicalValue else { return ContentHash(high: 0, low: 0) }
        object["symbols"] = nil
        return (try? ContentHash.of(canonical: .object(object))) ?? ContentHash(high: 0, low: 0)
    }
}

/// Alpaca client order ids (at most 48 characters), derived from the strategy's content hash and the intent, so a
/// replayed signal maps to the same id and an unrelated spec edit does not change it.
public enum ClientOrderID {
    /// `tg-` + the strategy hash's first 12 hex digits + `-` + the first 20 of the content hash of the intent's
    /// canonical JSON `{"action", "event_time_ns", "ordinal", "strategy", "symbol"}`. The JSON is written in canonical
    /// key order directly (every decision makes an id; a test checks the bytes against `JSONWriter.canonical`).
    public static func make(
        strategyHash: ContentHash, symbol: Symbol, eventTimeNanos: Int64, action: String, ordinal: Int
    ) -> String {
        var intent: [UInt8] = []
        intent.reserveCapacity(128)
        intent.append(literal: #"{"action":"#)
        JSONWriter.appendString(action, to: &intent)
        intent.append(literal: #","event_time_ns":"#)
        JSONWriter.appendInteger(eventTimeNanos, to: &intent)
        intent.append(literal: #","ordinal":"#)
        JSONWriter.appendInteger(Int64(ordinal), to: &intent)
        // A hash's hex digits need no JSON escapes.
        intent.append(literal: #","strategy":""#)
        strategyHash.appendHex(to: &intent)
        intent.append(UInt8(ascii: "\""))
        intent.append(literal: #","symbol":"#)
        JSONWriter.appendString(symbol.rawValue, to: &intent)
        intent.append(UInt8(ascii: "}"))
        var id: [UInt8] = Array("tg-".utf8)
        id.reserveCapacity(36)
        strategyHash.appendHex(digits: 12, to: &id)
        id.append(UInt8(ascii: "-"))
        ContentHash.of(bytes: intent).appendHex(digits: 20, to: &id)
        return String(decoding: id, as: UTF8.self)
    }
}
