import Runtime
import SpecModel

/// One line of `events.jsonl`. Canonical JSON (keys in byte order, decimals as exact strings), so equal runs give
/// equal bytes. `n` numbers the events of a run from 1.
public enum SimulationEvent: Sendable, Hashable {
    case signal(SignalRecord)
    case decision(Decision, trace: [RuleOutcome])
    case order(SimulatedOrder)
    /// A priced order the risk chain refused, with the check, reason and values compared.
    case riskRejected(SimulatedOrder, RiskFinding)
    case fill(SimulatedFill, symbol: Symbol, action: Decision.Action)
    case position(symbol: Symbol, position: Portfolio.Position?, realizedPnL: Decimal, cash: Decimal, equity: Decimal,
                  time: TimestampNanos)

    public var kind: String {
        switch self {
        case .signal: "signal"
        case .decision: "decision"
        case .order: "order"
        case .riskRejected: "risk_rejected"
        case .fill: "fill"
        case .position: "position"
        }
    }

    public func json(number: Int) -> JSONValue {
        var object: [String: JSONValue] = ["n": .integer(Int64(number)), "kind": .string(self.kind)]
        switch self {
        case .signal(let signal):
            object["ts"] = .string(Timestamp.format(signal.eventTime))
            object["symbol"] = .string(signal.symbol)
            object["seq"] = .integer(signal.seq)
            object["timeframe"] = .string(signal.timeframe.rawValue)
            object["close"] = signal.close.flatMap(PlanRunner.decimalValue).map { .decimal($0) } ?? .null
        case .decision(let decision, let trace):
            object["ts"] = .string(Timestamp.format(decision.eventTime))
            object["strategy"] = .string(decision.strategy.rawValue)
            object["symbol"] = .string(decision.symbol.rawValue)
            object["action"] = .string(decision.action.rawValue)
            object["intent"] = .string(decision.intent.rawValue)
            object["direction"] = .string(decision.direction.rawValue)
            object["quantity"] = .decimal(decision.quantity)
            object["confidence"] = .decimal(decision.confidence)
            object["reasons"] = .array(decision.reasons.map { .string($0) })
            object["client_order_id"] = .string(decision.clientOrderID)
            object["reference_price"] = .decimal(decision.referencePrice)
            object["trace"] = .array(trace.map(Self.json))
        case .order(let order):
            object["ts"] = .string(Timestamp.format(order.time))
            object["client_order_id"] = .string(order.clientOrderID)
            object["strategy"] = .string(order.strategy.rawValue)
            object["symbol"] = .string(order.symbol.rawValue)
            object["side"] = .string(order.action.rawValue)
            object["type"] = .string("limit")
            object["quantity"] = .decimal(order.quantity)
            object["limit_price"] = .decimal(order.limitPrice)
            object["reference_price"] = .decimal(order.referencePrice)
            if let requested = order.requestedQuantity { object["requested_quantity"] = .decimal(requested) }
            if !order.riskClamps.isEmpty { object["risk"] = .array(order.riskClamps.map(Self.json)) }
            if order.overCapacity { object["over_capacity"] = .bool(true) }
        case .riskRejected(let order, let finding):
            object["ts"] = .string(Timestamp.format(order.time))
            object["client_order_id"] = .string(order.clientOrderID)
            object["strategy"] = .string(order.strategy.rawValue)
            object["symbol"] = .string(order.symbol.rawValue)
            object["side"] = .string(order.action.rawValue)
            object["quantity"] = .decimal(order.quantity)
            object["limit_price"] = .decimal(order.limitPrice)
            object["risk"] = Self.json(finding)
        case .fill(let fill, let symbol, let action):
            object["ts"] = .string(Timestamp.format(fill.time))
            object["client_order_id"] = .string(fill.clientOrderID)
            object["symbol"] = .string(symbol.rawValue)
            object["side"] = .string(action.rawValue)
            object["quantity"] = .decimal(fill.quantity)
            object["price"] = .decimal(fill.price)
            object["cost"] = .decimal(fill.cost)
            object["slippage_bps"] = Self.rounded(fill.slippageBps)
        case .position(let symbol, let position, let realized, let cash, let equity, let time):
            object["ts"] = .string(Timestamp.format(time))
            object["symbol"] = .string(symbol.rawValue)
            object["quantity"] = .decimal(position?.quantity ?? .zero)
            object["average_price"] = position.map { .decimal($0.averagePrice) } ?? .null
            object["realized_pnl"] = .decimal(realized)
            object["cash"] = .decimal(cash)
            object["equity"] = .decimal(equity)
        }
        return .object(object)
    }

    /// Appends the canonical line of a `signal` event (what `JSONWriter.canonical(json(number:))` gives, without
    /// building the object; a run keeps one `SignalLineWriter` for all its lines).
    public static func appendSignalLine(_ signal: SignalRecord, number: Int, to bytes: inout [UInt8]) {
        var writer = SignalLineWriter()
        writer.append(signal, number: number, to: &bytes)
    }

    /// `appendSignalLine` through the general JSON writer (any symbol, any length).
    static func appendSignalLineInGeneral(_ signal: SignalRecord, number: Int, to bytes: inout [UInt8]) {
        bytes.append(literal: #"{"close":"#)
        if let close = signal.close.flatMap(PlanRunner.decimalValue) {
            JSONWriter.appendDecimal(close, to: &bytes)
        } else {
            bytes.append(literal: "null")
        }
        bytes.append(literal: #","kind":"signal","n":"#)
        JSONWriter.appendInteger(Int64(number), to: &bytes)
        bytes.append(literal: #","seq":"#)
        JSONWriter.appendInteger(signal.seq, to: &bytes)
        bytes.append(literal: #","symbol":"#)
        JSONWriter.appendString(signal.symbol, to: &bytes)
        bytes.append(literal: #","timeframe":"#)
        JSONWriter.appendString(signal.timeframe.rawValue, to: &bytes)
        // A formatted instant has no byte JSON escapes.
        bytes.append(literal: #","ts":""#)
        Timestamp.appendFormatted(signal.eventTime, to: &bytes)
        bytes.append(literal: #""}"#)
    }

    /// A double reported as an exact decimal rounded to 10⁻⁶ (never a raw double in hashed output).
    static func rounded(_ value: Double) -> JSONValue {
        guard let decimal = PlanRunner.decimalValue((value * 1_000_000).rounded() / 1_000_000) else { return .null }
        return .decimal(decimal)
    }

    /// A risk finding: the check, its reason code, where the limit came from, the limit key and the values compared,
    /// and the quantity before and after.
    static func json(_ finding: RiskFinding) -> JSONValue {
        var object: [String: JSONValue] = [
            "check": .string(finding.check.name), "reason": .string(finding.reason), "scope": .string(finding.origin.name),
            "quantity_before": .decimal(finding.quantityBefore), "quantity_after": .decimal(finding.quantityAfter),
        ]
        if let key = finding.key { object["key"] = .string(key) }
        if let limit = finding.limit { object["limit"] = .decimal(limit) }
        if let value = finding.value { object["value"] = .decimal(value) }
        return .object(object)
    }

    static func json(_ outcome: RuleOutcome) -> JSONValue {
        let result: String
        switch outcome.result {
        case .fired: result = "fired"
        case .outsideWindow: result = "outside_window"
        case .failedCondition(let index?): result = "failed_condition:\(index)"
        case .failedCondition(nil): result = "failed_condition"
        case .skippedHeldDirection: result = "skipped_held_direction"
        case .sizedToZero: result = "sized_to_zero"
        case .policy(let gate): result = gate.rawValue
        }
        return .object([
            "intent": .string(outcome.intent.rawValue), "direction": .string(outcome.direction.rawValue),
            "result": .string(result),
        ])
    }
}
