import Runtime
import SpecModel

extension SimulationEvent {
    /// Appends the canonical line of a `decision` event: what `JSONWriter.canonical(json(number:))` gives, without
    /// building the object (a run with every family enabled decides on about one signal in seven, and the object,
    /// its dictionary and the sort of its keys cost more than the rest of the signal). Keys in canonical (byte)
    /// order; a test compares the two writers.
    public static func appendDecisionLine(
        _ decision: Decision, trace: some Collection<RuleOutcome>, number: Int, to bytes: inout [UInt8]
    ) {
        bytes.member(#"{"action":"#, decision.action.rawValue)
        bytes.member(#","client_order_id":"#, decision.clientOrderID)
        bytes.member(#","confidence":"#, decision.confidence)
        bytes.member(#","direction":"#, decision.direction.rawValue)
        bytes.member(#","intent":"#, decision.intent.rawValue)
        bytes.member(#","kind":"decision","n":"#, Int64(number))
        bytes.member(#","quantity":"#, decision.quantity)
        bytes.append(literal: #","reasons":["#)
        for (position, reason) in decision.reasons.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(reason, to: &bytes)
        }
        bytes.member(#"],"reference_price":"#, decision.referencePrice)
        bytes.member(#","strategy":"#, decision.strategy.rawValue)
        bytes.member(#","symbol":"#, decision.symbol.rawValue)
        bytes.append(literal: #","trace":["#)
        for (position, outcome) in trace.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.member(#"{"direction":"#, outcome.direction.rawValue)
            bytes.member(#","intent":"#, outcome.intent.rawValue)
            bytes.append(literal: #","result":"#)
            Self.appendResult(outcome.result, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        // A formatted instant has no byte JSON escapes.
        bytes.append(literal: #"],"ts":""#)
        Timestamp.appendFormatted(decision.eventTime, to: &bytes)
        bytes.append(literal: #""}"#)
    }

    /// Appends the canonical line of a `riskRejected` event, as `appendDecisionLine` does for decisions (most priced
    /// decisions of a run with every family enabled are refused by a risk limit).
    public static func appendRiskRejectedLine(
        _ order: SimulatedOrder, _ finding: RiskFinding, number: Int, to bytes: inout [UInt8]
    ) {
        bytes.member(#"{"client_order_id":"#, order.clientOrderID)
        bytes.member(#","kind":"risk_rejected","limit_price":"#, order.limitPrice)
        bytes.member(#","n":"#, Int64(number))
        bytes.member(#","quantity":"#, order.quantity)
        bytes.member(#","risk":{"check":"#, finding.check.name)
        if let key = finding.key { bytes.member(#","key":"#, key) }
        if let limit = finding.limit { bytes.member(#","limit":"#, limit) }
        bytes.member(#","quantity_after":"#, finding.quantityAfter)
        bytes.member(#","quantity_before":"#, finding.quantityBefore)
        bytes.member(#","reason":"#, finding.reason)
        bytes.member(#","scope":"#, finding.origin.name)
        if let value = finding.value { bytes.member(#","value":"#, value) }
        bytes.member(#"},"side":"#, order.action.rawValue)
        bytes.member(#","strategy":"#, order.strategy.rawValue)
        bytes.member(#","symbol":"#, order.symbol.rawValue)
        bytes.append(literal: #","ts":""#)
        Timestamp.appendFormatted(order.time, to: &bytes)
        bytes.append(literal: #""}"#)
    }

    /// A rule outcome's result as `json(_ outcome:)` names it, quoted.
    private static func appendResult(_ result: RuleOutcome.Result, to bytes: inout [UInt8]) {
        switch result {
        case .fired: bytes.append(literal: #""fired""#)
        case .outsideWindow: bytes.append(literal: #""outside_window""#)
        case .failedCondition(let index?):
            bytes.member(#""failed_condition:"#, Int64(index))
            bytes.append(UInt8(ascii: "\""))
        case .failedCondition(nil): bytes.append(literal: #""failed_condition""#)
        case .skippedHeldDirection: bytes.append(literal: #""skipped_held_direction""#)
        case .sizedToZero: bytes.append(literal: #""sized_to_zero""#)
        case .policy(let gate): JSONWriter.appendString(gate.rawValue, to: &bytes)
        }
    }
}

extension [UInt8] {
    /// `key` (a literal from the separator to the colon, like `,"name":`) and then `value` as canonical JSON.
    fileprivate mutating func member(_ key: StaticString, _ value: String) {
        self.append(literal: key)
        JSONWriter.appendString(value, to: &self)
    }

    fileprivate mutating func member(_ key: StaticString, _ value: Decimal) {
        self.append(literal: key)
        JSONWriter.appendDecimal(value, to: &self)
    }

    fileprivate mutating func member(_ key: StaticString, _ value: Int64) {
        self.append(literal: key)
        JSONWriter.appendInteger(value, to: &self)
    }
}
