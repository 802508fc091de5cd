import SpecModel

/// Compiles a validated spec tree into an `ExecutionPlan` and a source map (plan path → `file:line:col`). The source
/// map sits beside the plan, outside its hash, so moving a rule in its file never changes the plan.
public struct PlanCompiler: Sendable {
    public var features: FeatureSchema

    public init(features: FeatureSchema) {
        self.features = features
    }

    public struct Output: Sendable {
        public var plan: ExecutionPlan
        public var sourceMap: [(path: String, location: String)]
        public var diagnostics: [Diagnostic]

        public var sourceMapValue: JSONValue {
            var object: [String: JSONValue] = [:]
            for entry in self.sourceMap { object[entry.path] = .string(entry.location) }
            return .object(object)
        }
    }

    public func compile(_ documents: [SpecDocument]) -> Output {
        var diagnostics: [Diagnostic] = []
        var sourceMap: [(String, String)] = []
        var universes: [Identifier: [Symbol]] = [:]
        var planUniverses: [PlanUniverse] = []
        for document in documents {
            guard case .universe(let universe) = document.body, universes[document.name] == nil else { continue }
            universes[document.name] = universe.sortedSymbols
            planUniverses.append(
                PlanUniverse(
                    name: document.name, symbols: universe.sortedSymbols,
                    dynamicSource: PlanUniverse.dynamicSource(universe.dynamicSource, requireNonEmpty: universe.requireNonEmpty)))
            sourceMap.append(("universes/\(document.name)", DiagnosticRenderer.location(document.metadata.name.span)))
        }
        var strategies: [PlanStrategy] = []
        var riskPolicies: [(Identifier, JSONValue)] = []
        for document in documents {
            switch document.body {
            case .strategy(let spec):
                let base = "strategies/\(document.name)"
                sourceMap.append((base, DiagnosticRenderer.location(document.metadata.name.span)))
                if let strategy = self.compile(
                    spec, id: document.name, universes: universes, base: base, sourceMap: &sourceMap,
                    diagnostics: &diagnostics)
                {
                    strategies.append(strategy)
                }
            case .riskPolicy(let policy):
                riskPolicies.append((document.name, RiskPolicyEncoding.canonical(policy, name: document.name)))
                sourceMap.append(("risk_policies/\(document.name)", DiagnosticRenderer.location(document.metadata.name.span)))
            case .universe, .scenario:
                // Universes were collected above; scenarios are run inputs, never part of a plan or its hash.
                break
            }
        }
        strategies.sort { $0.id < $1.id }
        planUniverses.sort { $0.name < $1.name }
        riskPolicies.sort { $0.0 < $1.0 }
        diagnostics += Self.riskCoverage(documents)
        sourceMap.sort { $0.0.utf8Precedes($1.0) }
        let plan = ExecutionPlan(strategies: strategies, universes: planUniverses, riskPolicies: riskPolicies.map(\.1))
        return Output(plan: plan, sourceMap: sourceMap, diagnostics: diagnostics)
    }

    /// PLAN009 for a second policy on one universe. A universe without one trades under the built-in default
    /// policy, which `torghut explain` shows.
    static func riskCoverage(_ documents: [SpecDocument]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var covered: [Identifier: Identifier] = [:]
        for document in documents {
            guard case .riskPolicy(let policy) = document.body else { continue }
            if let first = covered[policy.universe.value] {
                diagnostics.append(
                    Diagnostic(
                        .riskPolicyConflict,
                        "risk policy '\(document.name)' covers universe '\(policy.universe.value)', as '\(first)' does",
                        at: policy.universe.span, notes: ["a strategy trades under the one policy of its universe"]))
            } else {
                covered[policy.universe.value] = document.name
            }
        }
        return diagnostics
    }

    private func compile(
        _ spec: StrategySpec, id: Identifier, universes: [Identifier: [Symbol]], base: String,
        sourceMap: inout [(String, String)], diagnostics: inout [Diagnostic]
    ) -> PlanStrategy? {
        let before = diagnostics.count
        var checker = ExpressionChecker(
            features: self.features,
            params: Dictionary(spec.params.map { ($0.name.value, $0.value.value) }, uniquingKeysWith: { a, _ in a }))
        var badNames: Set<String> = []
        for param in spec.params {
            if let problem = Self.nameProblem(param.name.value, features: self.features) {
                badNames.insert(param.name.value)
                diagnostics.append(
                    Diagnostic(.conflictingValues, "parameter '\(param.name.value)' \(problem)", at: param.name.span))
            }
        }
        checker.laterValues = Set(spec.values.map(\.name.value))
        for value in spec.values {
            checker.laterValues.remove(value.name.value)
            let problem = Self.nameProblem(value.name.value, features: self.features)
                ?? (checker.params[value.name.value] != nil ? "has the name of a parameter" : nil)
            if let problem {
                badNames.insert(value.name.value)
                diagnostics.append(
                    Diagnostic(.conflictingValues, "value '\(value.name.value)' \(problem)", at: value.name.span))
                checker.failedValues.insert(value.name.value)
                continue
            }
            checker.laterValues.insert(value.name.value)  // a value may not refer to itself
            let checked = self.checkValue(value.expression, checker: &checker, diagnostics: &diagnostics)
            checker.laterValues.remove(value.name.value)
            if let checked { checker.values[value.name.value] = checked } else { checker.failedValues.insert(value.name.value) }
        }
        func rule(_ rule: StrategySpec.Rule, direction: PlanRule.Direction, path: String) -> PlanRule? {
            sourceMap.append((path, DiagnosticRenderer.location(rule.span)))
            var conditions: [Expression] = []
            for (index, condition) in rule.conditions.enumerated() {
                sourceMap.append(("\(path)/conditions/\(index)", DiagnosticRenderer.location(condition.span(of: condition.expression))))
                if let (expression, _) = checker.check(condition, expecting: .condition, into: &diagnostics) {
                    conditions.append(expression)
                }
            }
            var bonuses: [(Expression, Decimal)] = []
            for (index, bonus) in rule.confidence.bonuses.enumerated() {
                sourceMap.append(("\(path)/bonuses/\(index)", DiagnosticRenderer.location(bonus.condition.span)))
                if let (expression, _) = checker.check(bonus.condition, expecting: .condition, into: &diagnostics) {
                    bonuses.append((expression, bonus.add))
                }
            }
            var dynamicBonus: Expression?
            if let located = rule.confidence.dynamicBonus {
                sourceMap.append(("\(path)/dynamic_bonus", DiagnosticRenderer.location(located.span)))
                dynamicBonus = checker.check(located, expecting: .number, into: &diagnostics)?.0
            }
            return PlanRule(
                direction: direction,
                window: rule.window.map { $0.startMinutesAfterOpen...$0.endMinutesAfterOpen },
                mode: rule.mode, conditions: conditions, confidenceBase: rule.confidence.base, bonuses: bonuses,
                dynamicBonus: dynamicBonus, confidenceCap: rule.confidence.cap, reasons: rule.reasons)
        }
        var entries: [PlanRule] = []
        for direction in spec.entries.order {
            let source = direction == "long" ? spec.entries.long : spec.entries.short
            if let source, let compiled = rule(source, direction: direction == "long" ? .long : .short,
                                               path: "\(base)/entries/\(direction)")
            {
                entries.append(compiled)
            }
        }
        var exits: [PlanRule] = []
        if let long = spec.exits.long, let compiled = rule(long, direction: .long, path: "\(base)/exits/long") {
            exits.append(compiled)
        }
        if let short = spec.exits.short, let compiled = rule(short, direction: .short, path: "\(base)/exits/short") {
            exits.append(compiled)
        }
        var trailingCondition: Expression?
        if let located = spec.overlays.trailingStop?.condition {
            sourceMap.append(("\(base)/overlays/trailing_stop/when", DiagnosticRenderer.location(located.span)))
            trailingCondition = checker.check(located, expecting: .condition, into: &diagnostics)?.0
        }
        var multiplier: Expression?
        if let located = spec.sizing.notionalMultiplier {
            sourceMap.append(("\(base)/sizing/notional_multiplier", DiagnosticRenderer.location(located.span)))
            checker.allowsConfidence = true
            multiplier = checker.check(located, expecting: .number, into: &diagnostics)?.0
            checker.allowsConfidence = false
        }
        for value in spec.values where !checker.usedValues.contains(value.name.value) && !badNames.contains(value.name.value) {
            diagnostics.append(
                Diagnostic(.unusedParameter, "value '\(value.name.value)' is not used by any expression", at: value.name.span))
        }
        for param in spec.params where !checker.usedParams.contains(param.name.value) && !badNames.contains(param.name.value) {
            diagnostics.append(
                Diagnostic(.unusedParameter, "parameter '\(param.name.value)' is not used by any expression", at: param.name.span))
        }
        var symbols = TreeChecks.universeReference(
            spec.universe, symbols: spec.symbols, universes: universes, consequence: "so this strategy never trades it",
            into: &diagnostics) ?? []
        if !spec.symbols.isEmpty {
            let members = Set(symbols)
            symbols = spec.symbols.map(\.value).filter(members.contains).sorted()
        }
        let failed = diagnostics[before...].contains { $0.severity == .error }
        guard !failed else { return nil }
        return PlanStrategy(
            id: id, enabled: spec.enabled, timeframe: spec.timeframe, parity: spec.parity, universe: spec.universe.value,
            symbols: symbols, entries: entries, exits: exits, maxNotionalUSD: spec.sizing.maxNotionalUSD,
            maxPositionFractionOfEquity: spec.sizing.maxPositionFractionOfEquity, notionalMultiplier: multiplier,
            maxNotionalMultiplier: spec.sizing.maxNotionalMultiplier, overlays: spec.overlays,
            trailingCondition: trailingCondition, tradePolicy: spec.tradePolicy,
            params: spec.params.map { ($0.name.value, $0.value.value) })
    }

    /// Why `name` cannot name a parameter or value: not an expression name, a keyword, a function, a session
    /// clock name or a feature (expressions would be ambiguous).
    static func nameProblem(_ name: String, features: FeatureSchema) -> String? {
        let bytes = Array(name.utf8)
        let isNameStart = { (b: UInt8) in (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b == 95 }
        guard let first = bytes.first, isNameStart(first), bytes.allSatisfy({ isNameStart($0) || ($0 >= 48 && $0 <= 57) })
        else { return "is not a name expressions can use (letters, digits and '_', not starting with a digit)" }
        if ["and", "or", "not", "in", "true", "false"].contains(name) { return "is an expression keyword" }
        if ExpressionChecker.functions[name] != nil { return "is the name of a function" }
        if FeatureSchema.sessionNames.contains(name) || name == "confidence" { return "is a built-in name" }
        if features.contains(name) { return "has the name of a feature" }
        return nil
    }

    private func checkValue(
        _ located: LocatedExpression, checker: inout ExpressionChecker, diagnostics: inout [Diagnostic]
    ) -> (expression: Expression, type: ExpressionChecker.ValueType)? {
        checker.check(located, expecting: nil, into: &diagnostics).map { ($0.0, $0.1) }
    }
}

/// The canonical form of a RiskPolicy inside a plan (limits in definition order; overrides sorted by scope).
enum RiskPolicyEncoding {
    static func canonical(_ policy: RiskPolicySpec, name: Identifier) -> JSONValue {
        func limits(_ limits: RiskLimits) -> JSONValue {
            var object: [String: JSONValue] = [:]
            for definition in RiskLimits.definitions { if let value = limits[definition.key] { object[definition.key] = .decimal(value) } }
            return .object(object)
        }
        let overrides = policy.overrides.map { override -> (String, JSONValue) in
            let key = override.strategy.map { "strategy:\($0.value)" } ?? "symbol:\(override.symbol?.value.rawValue ?? "")"
            return (key, .object(["scope": .string(key), "limits": limits(override.limits)]))
        }.sorted { $0.0.utf8Precedes($1.0) }
        return .object([
            "name": .string(name.rawValue),
            "universe": .string(policy.universe.value.rawValue),
            "shorts": .object([
                "allowed": .bool(policy.shorts.allowed), "whole_shares_only": .bool(policy.shorts.wholeSharesOnly),
                "require_easy_to_borrow": .bool(policy.shorts.requireEasyToBorrow),
                "when_borrow_data_missing": .string(policy.shorts.whenBorrowDataMissing),
            ]),
            "quantity": .object([
                "fractional_equities": .bool(policy.quantity.fractionalEquities),
                "fractional_step_shares": .decimal(policy.quantity.fractionalStepShares),
            ]),
            "symbols": .object([
                "allow": .array(policy.symbols.allow.map(\.value).sorted().map { .string($0.rawValue) }),
                "deny": .array(policy.symbols.deny.map(\.value).sorted().map { .string($0.rawValue) }),
            ]),
            "buying_power": .object([
                "required": .bool(policy.buyingPower.required),
                "include_pending_orders": .bool(policy.buyingPower.includePendingOrders),
            ]),
            "pattern_day_trader": .object([
                "enabled": .bool(policy.patternDayTrader.enabled),
                "min_equity_usd": .decimal(policy.patternDayTrader.minEquityUSD),
                "max_day_trades_per_5_sessions": .integer(Int64(policy.patternDayTrader.maxDayTradesPerFiveSessions)),
            ]),
            "trading_hours": .object([
                "regular": window(policy.tradingHours.regular),
                "early_close": window(policy.tradingHours.earlyClose),
                "extended_hours": .bool(policy.tradingHours.extendedHours),
            ]),
            "when_adv_missing": .string(policy.whenADVMissing),
            "limits": limits(policy.limits),
            "overrides": .array(overrides.map(\.1)),
        ])
    }

    private static func window(_ window: RiskPolicySpec.SessionWindow) -> JSONValue {
        .object([
            "entries_start_minutes_after_open": .integer(Int64(window.entriesStartMinutesAfterOpen)),
            "entries_end_minutes_before_close": .integer(Int64(window.entriesEndMinutesBeforeClose)),
            "exits_end_minutes_before_close": .integer(Int64(window.exitsEndMinutesBeforeClose)),
        ])
    }
}

extension SpecTreeLoader {
    /// Loads and validates, then, once every document is structurally valid, compiles: the compiler's diagnostics
    /// (PLAN codes) join the tree's. Every spec-reading command goes through here.
    public func loadAndCompile(paths: [String], features: FeatureSchema) -> (tree: SpecTree, output: PlanCompiler.Output?) {
        var tree = self.load(paths: paths)
        guard !tree.hasErrors else { return (tree, nil) }
        let output = PlanCompiler(features: features).compile(tree.documents)
        tree.diagnostics = Diagnostic.sorted(tree.diagnostics + output.diagnostics)
        return (tree, output)
    }
}
