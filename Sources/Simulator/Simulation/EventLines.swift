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
        bytes.append(literal: #"{"action":"#)
        JSONWriter.appendString(decision.action.rawValue, to: &bytes)
        bytes.append(literal: #","client_order_id":"#)
        JSONWriter.appendString(decision.clientOrderID, to: &bytes)
        bytes.append(literal: #","confidence":"#)
        JSONWriter.appendDecimal(decision.confidence, to: &bytes)
        bytes.append(literal: #","direction":"#)
        JSONWriter.appendString(decision.direction.rawValue, to: &bytes)
        bytes.append(literal: #","intent":"#)
        JSONWriter.appendString(decision.intent.rawValue, to: &bytes)
        bytes.append(literal: #","kind":"decision","n":"#)
        JSONWriter.appendInteger(Int64(number), to: &bytes)
        bytes.append(literal: #","quantity":"#)
        JSONWriter.appendDecimal(decision.quantity, to: &bytes)
        bytes.append(literal: #","reasons":["#)
        for (position, reason) in decision.reasons.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.appendString(reason, to: &bytes)
        }
        bytes.append(literal: #"],"reference_price":"#)
        JSONWriter.appendDecimal(decision.referencePrice, to: &bytes)
        bytes.append(literal: #","strategy":"#)
        JSONWriter.appendString(decision.strategy.rawValue, to: &bytes)
        bytes.append(literal: #","symbol":"#)
        JSONWriter.appendString(decision.symbol.rawValue, to: &bytes)
        bytes.append(literal: #","trace":["#)
        for (position, outcome) in trace.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(literal: #"{"direction":"#)
            JSONWriter.appendString(outcome.direction.rawValue, to: &bytes)
            bytes.append(literal: #","intent":"#)
            JSONWriter.appendString(outcome.intent.rawValue, to: &bytes)
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
        bytes.append(literal: #"{"client_order_id":"#)
        JSONWriter.appendString(order.clientOrderID, to: &bytes)
        bytes.append(literal: #","kind":"risk_rejected","limit_price":"#)
        JSONWriter.appendDecimal(order.limitPrice, to: &bytes)
        bytes.append(literal: #","n":"#)
        JSONWriter.appendInteger(Int64(number), to: &bytes)
        bytes.append(literal: #","quantity":"#)
        JSONWriter.appendDecimal(order.quantity, to: &bytes)
        bytes.append(literal: #","risk":{"check":"#)
        JSONWriter.appendString(finding.check.name, to: &bytes)
        if let key = finding.key {
            bytes.append(literal: #","key":"#)
            JSONWriter.appendString(key, to: &bytes)
        }
        if let limit = finding.limit {
            bytes.append(literal: #","limit":"#)
            JSONWriter.appendDecimal(limit, to: &bytes)
        }
        bytes.append(literal: #","quantity_after":"#)
        JSONWriter.appendDecimal(finding.quantityAfter, to: &bytes)
        bytes.append(literal: #","quantity_before":"#)
        JSONWriter.appendDecimal(finding.quantityBefore, to: &bytes)
        bytes.append(literal: #","reason":"#)
        JSONWriter.appendString(finding.reason, to: &bytes)
        bytes.append(literal: #","scope":"#)
        JSONWriter.appendString(finding.origin.name, to: &bytes)
        if let value = finding.value {
            bytes.append(literal: #","value":"#)
            JSONWriter.appendDecimal(value, to: &bytes)
        }
        bytes.append(literal: #"},"side":"#)
        JSONWriter.appendString(order.action.rawValue, to: &bytes)
        bytes.append(literal: #","strategy":"#)
        JSONWriter.appendString(order.strategy.rawValue, to: &bytes)
        bytes.append(literal: #","symbol":"#)
        JSONWriter.appendString(order.symbol.rawValue, to: &bytes)
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
            bytes.append(literal: #""failed_condition:"#)
            JSONWriter.appendInteger(Int64(index), to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        case .failedCondition(nil): bytes.append(literal: #""failed_condition""#)
        case .skippedHeldDirection: bytes.append(literal: #""skipped_held_direction""#)
        case .sizedToZero: bytes.append(literal: #""sized_to_zero""#)
        case .policy(let gate): JSONWriter.appendString(gate.rawValue, to: &bytes)
        }
    }
}
