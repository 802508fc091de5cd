import SpecModel

/// Reads a `plan.json` written by `torghut compile` back into an `ExecutionPlan`, and checks that the content still
/// hashes to the recorded hash (a hand-edited plan is refused: edit the specs and compile instead).
///
/// JSON is read with libyaml (JSON is YAML), so there is one parser and one set of positions.
public enum PlanDecoder {
    public struct Failure: Error, Sendable {
        public var diagnostic: Diagnostic
    }

    public static func load(path: String) -> Result<ExecutionPlan, Failure> {
        switch FileSystem.read(path, limit: 64 << 20) {
        case .failure(let failure):
            return .failure(Failure(diagnostic: Diagnostic(.unreadableInput, "cannot read: \(failure.reason)", at: .file(path))))
        case .success(let bytes):
            return Self.decode(SourceFile(path: path, bytes: bytes))
        }
    }

    public static func decode(_ file: SourceFile) -> Result<ExecutionPlan, Failure> {
        var limits = YAMLLoader.Limits()
        limits.maxFileBytes = 64 << 20
        limits.maxDepth = 128
        let (documents, diagnostics) = YAMLLoader(limits: limits).load(file)
        if let first = diagnostics.first { return .failure(Failure(diagnostic: first)) }
        guard documents.count == 1 else {
            return .failure(Self.malformed("a plan file holds exactly one JSON object", file.path))
        }
        let root = Self.json(documents[0].root)
        do {
            guard case .object(let document) = root, case .string(let recorded)? = document["hash"],
                case .object(let plan)? = document["plan"]
            else { throw Self.malformed("expected {\"hash\": ..., \"plan\": {...}}", file.path) }
            guard plan["format"] == .string(ExecutionPlan.format) else {
                var found = "none"
                if case .string(let text)? = plan["format"] { found = "'\(text)'" }
                throw Self.malformed(
                    "unsupported plan format \(found); this version reads \(ExecutionPlan.format)", file.path)
            }
            let decoded = ExecutionPlan(
                strategies: try Self.array(plan["strategies"], "strategies", file).map { try Self.strategy($0, file) },
                universes: try Self.array(plan["universes"], "universes", file).map { try Self.universe($0, file) },
                riskPolicies: try Self.array(plan["risk_policies"], "risk_policies", file).map { policy in
                    // Typed reading checks every field the risk engine needs.
                    do { _ = try PlanRiskPolicy(json: policy) } catch let error as PlanRiskPolicy.DecodingError {
                        throw Self.malformed(error.message, file.path)
                    }
                    return policy
                })
            guard decoded.hash.description == recorded else {
                throw Failure(
                    diagnostic: Diagnostic(
                        .planHashMismatch,
                        "plan content hashes to \(decoded.hash), but the file records \(recorded)",
                        at: .file(file.path), notes: ["plans are compiled, not edited: change the specs and run compile"]))
            }
            return .success(decoded)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Self.malformed("\(error)", file.path))
        }
    }

    // MARK: Pieces

    private static func strategy(_ value: JSONValue, _ file: SourceFile) throws -> PlanStrategy {
        let object = try Self.object(value, "strategy", file)
        let sizing = try Self.object(object["sizing"], "sizing", file)
        return PlanStrategy(
            id: try Self.identifier(object["id"], file),
            enabled: try Self.bool(object["enabled"], "enabled", file),
            timeframe: try Self.string(object["timeframe"], "timeframe", file),
            parity: try Self.string(object["parity"], "parity", file),
            universe: try Self.identifier(object["universe"], file),
            symbols: try Self.array(object["symbols"], "symbols", file).map { try Self.symbol($0, file) },
            entries: try Self.array(object["entries"], "entries", file).map { try Self.rule($0, file) },
            exits: try Self.array(object["exits"], "exits", file).map { try Self.rule($0, file) },
            maxNotionalUSD: try Self.decimal(sizing["max_notional_usd"], "max_notional_usd", file),
            maxPositionFractionOfEquity: try sizing["max_position_fraction_of_equity"].map {
                try Self.decimal($0, "max_position_fraction_of_equity", file)
            },
            notionalMultiplier: try sizing["notional_multiplier"].map { try Self.expression($0, file) },
            maxNotionalMultiplier: try sizing["max_notional_multiplier"].map {
                try Self.decimal($0, "max_notional_multiplier", file)
            } ?? Decimal(1),
            overlays: try Self.overlays(try Self.object(object["overlays"], "overlays", file), file),
            trailingCondition: try Self.trailingCondition(try Self.object(object["overlays"], "overlays", file), file),
            tradePolicy: try Self.tradePolicy(try Self.object(object["trade_policy"], "trade_policy", file), file),
            params: [])
    }

    private static func rule(_ value: JSONValue, _ file: SourceFile) throws -> PlanRule {
        let object = try Self.object(value, "rule", file)
        let confidence = try Self.object(object["confidence"], "confidence", file)
        var window: ClosedRange<Int>?
        if let bounds = object["window_minutes_after_open"] {
            let items = try Self.array(bounds, "window_minutes_after_open", file)
            guard items.count == 2, case .integer(let low) = items[0], case .integer(let high) = items[1], low <= high
            else { throw Self.malformed("window_minutes_after_open must be [start, end]", file.path) }
            window = Int(low)...Int(high)
        }
        let direction = try Self.string(object["direction"], "direction", file)
        let mode = try Self.string(object["mode"], "mode", file)
        guard let planDirection = PlanRule.Direction(rawValue: direction),
            let planMode = StrategySpec.Rule.Mode(rawValue: mode)
        else { throw Self.malformed("unknown rule direction '\(direction)' or mode '\(mode)'", file.path) }
        return PlanRule(
            direction: planDirection, window: window, mode: planMode,
            conditions: try Self.array(object["conditions"], "conditions", file).map { try Self.expression($0, file) },
            confidenceBase: try Self.decimal(confidence["base"], "base", file),
            bonuses: try Self.array(confidence["bonuses"], "bonuses", file).map { bonus in
                let item = try Self.object(bonus, "bonus", file)
                return (try Self.expression(item["when"] ?? .null, file), try Self.decimal(item["add"], "add", file))
            },
            dynamicBonus: try confidence["dynamic_bonus"].map { try Self.expression($0, file) },
            confidenceCap: try Self.decimal(confidence["cap"], "cap", file),
            reasons: try Self.array(object["reasons"], "reasons", file).map { try Self.string($0, "reason", file) })
    }

    private static func overlays(_ object: [String: JSONValue], _ file: SourceFile) throws -> StrategySpec.Overlays {
        func threshold(_ value: JSONValue?) throws -> StrategySpec.Overlays.Threshold {
            let item = try Self.object(value, "threshold", file)
            return .init(
                bps: try Self.decimal(item["bps"], "bps", file),
                spreadMultiplier: try Self.decimal(item["spread_bps_multiplier"], "spread_bps_multiplier", file),
                volatilityMultiplier: try Self.decimal(item["volatility_bps_multiplier"], "volatility_bps_multiplier", file))
        }
        return StrategySpec.Overlays(
            stopLoss: try object["stop_loss"].map { try threshold($0) },
            trailingStop: try object["trailing_stop"].map { value in
                let item = try Self.object(value, "trailing_stop", file)
                return .init(
                    activationProfitBPS: try Self.decimal(item["activation_profit_bps"], "activation_profit_bps", file),
                    drawdown: try threshold(item["drawdown"]),
                    requireProfit: item["require_profit"] == .bool(true))
            },
            minHoldSeconds: try Self.optionalInt(object["min_hold_seconds"], file),
            maxHoldSeconds: try Self.optionalInt(object["max_hold_seconds"], file),
            flattenMinutesBeforeClose: try Self.optionalInt(object["flatten_minutes_before_close"], file),
            requireProfitForSignalExit: try Self.bool(
                object["require_profit_for_signal_exit"], "require_profit_for_signal_exit", file),
            minSignalExitProfitBPS: try object["min_signal_exit_profit_bps"].map {
                try Self.decimal($0, "min_signal_exit_profit_bps", file)
            })
    }

    private static func tradePolicy(_ object: [String: JSONValue], _ file: SourceFile) throws -> StrategySpec.TradePolicy {
        StrategySpec.TradePolicy(
            entryCooldownSeconds: try Self.optionalInt(object["entry_cooldown_seconds"], file),
            exitCooldownSeconds: try Self.optionalInt(object["exit_cooldown_seconds"], file),
            maxConcurrentPositions: try Self.optionalInt(object["max_concurrent_positions"], file),
            maxEntriesPerSession: try Self.optionalInt(object["max_entries_per_session"], file),
            maxStopLossExitsPerSession: try Self.optionalInt(object["max_stop_loss_exits_per_session"], file),
            maxNegativeExitsPerSession: try Self.optionalInt(object["max_negative_exits_per_session"], file),
            stopLossLockoutSeconds: try Self.optionalInt(object["stop_loss_lockout_seconds"], file),
            negativeExitLockoutSeconds: try Self.optionalInt(object["negative_exit_lockout_seconds"], file),
            negativeExitLossBPS: try Self.decimal(object["negative_exit_loss_bps"], "negative_exit_loss_bps", file),
            maxSessionNegativeExitBPS: try object["max_session_negative_exit_bps"].map {
                try Self.decimal($0, "max_session_negative_exit_bps", file)
            })
    }

    private static func trailingCondition(_ overlays: [String: JSONValue], _ file: SourceFile) throws -> Expression? {
        guard case .object(let trailing)? = overlays["trailing_stop"], let condition = trailing["when"] else { return nil }
        return try Self.expression(condition, file)
    }

    private static func universe(_ value: JSONValue, _ file: SourceFile) throws -> PlanUniverse {
        let object = try Self.object(value, "universe", file)
        return PlanUniverse(
            name: try Self.identifier(object["name"], file),
            symbols: try Self.array(object["symbols"], "symbols", file).map { try Self.symbol($0, file) },
            dynamicSource: object["dynamic_source"])
    }

    // MARK: Scalars

    private static func malformed(_ message: String, _ path: String) -> Failure {
        Failure(diagnostic: Diagnostic(.malformedPlan, "malformed plan: \(message)", at: .file(path)))
    }

    private static func object(_ value: JSONValue?, _ what: String, _ file: SourceFile) throws -> [String: JSONValue] {
        guard case .object(let object)? = value else { throw Self.malformed("'\(what)' must be an object", file.path) }
        return object
    }

    private static func array(_ value: JSONValue?, _ what: String, _ file: SourceFile) throws -> [JSONValue] {
        guard case .array(let items)? = value else { throw Self.malformed("'\(what)' must be a list", file.path) }
        return items
    }

    private static func string(_ value: JSONValue?, _ what: String, _ file: SourceFile) throws -> String {
        guard case .string(let text)? = value else { throw Self.malformed("'\(what)' must be a string", file.path) }
        return text
    }

    private static func bool(_ value: JSONValue?, _ what: String, _ file: SourceFile) throws -> Bool {
        guard case .bool(let flag)? = value else { throw Self.malformed("'\(what)' must be true or false", file.path) }
        return flag
    }

    private static func optionalInt(_ value: JSONValue?, _ file: SourceFile) throws -> Int? {
        guard let value else { return nil }
        guard case .integer(let number) = value else { throw Self.malformed("expected an integer", file.path) }
        return Int(number)
    }

    private static func decimal(_ value: JSONValue?, _ what: String, _ file: SourceFile) throws -> Decimal {
        guard case .string(let text)? = value, let number = Decimal(text) else {
            throw Self.malformed("'\(what)' must be a decimal string", file.path)
        }
        return number
    }

    private static func identifier(_ value: JSONValue?, _ file: SourceFile) throws -> Identifier {
        guard case .string(let text)? = value, let identifier = Identifier(text) else {
            throw Self.malformed("expected an identifier", file.path)
        }
        return identifier
    }

    private static func symbol(_ value: JSONValue, _ file: SourceFile) throws -> Symbol {
        guard case .string(let text) = value, let symbol = Symbol(text) else {
            throw Self.malformed("expected a ticker symbol", file.path)
        }
        return symbol
    }

    private static func expression(_ value: JSONValue, _ file: SourceFile) throws -> Expression {
        guard case .string(let text) = value, case .success(let expression) = ExpressionParser.parse(text) else {
            throw Self.malformed("expected an expression", file.path)
        }
        return expression
    }

    /// JSON values from a YAML node: quoted scalars are strings; plain ones are true/false/null or numbers.
    static func json(_ node: YAMLNode) -> JSONValue {
        switch node.content {
        case .mapping(let pairs):
            var object: [String: JSONValue] = [:]
            for pair in pairs { object[pair.keyText] = Self.json(pair.value) }
            return .object(object)
        case .sequence(let items):
            return .array(items.map(Self.json))
        case .scalar(let text, let style):
            guard style.isPlain else { return .string(text) }
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                if let integer = Int64(text) { return .integer(integer) }
                if let double = Double(text) { return .double(double) }
                return .string(text)
            }
        }
    }
}

/// Reads a `.sourcemap.json` (a flat object of plan path → `file:line:col`).
public enum SourceMapReader {
    public static func load(path: String) -> Result<[String: String], PlanDecoder.Failure> {
        guard case .success(let bytes) = FileSystem.read(path, limit: 16 << 20) else {
            return .failure(.init(diagnostic: Diagnostic(.unreadableInput, "cannot read the source map", at: .file(path))))
        }
        let (documents, diagnostics) = YAMLLoader().load(SourceFile(path: path, bytes: bytes))
        if let first = diagnostics.first { return .failure(.init(diagnostic: first)) }
        guard let root = documents.first, case .object(let object) = PlanDecoder.json(root.root) else { return .success([:]) }
        var map: [String: String] = [:]
        for (key, value) in object { if case .string(let text) = value { map[key] = text } }
        return .success(map)
    }
}
