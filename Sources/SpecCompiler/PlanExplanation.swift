import SpecModel

/// `torghut explain`: a plan in words, per strategy: where it came from, the features it reads, every rule after
/// defaults with parameters inlined, sizing, and the risk limits that apply to it in chain order.
public enum PlanExplanation {
    /// `locations` is the source map (plan path → `file:line:col`); a plan read back from disk may have none.
    public static func render(
        _ plan: ExecutionPlan, locations: [String: String], strategy selected: Identifier? = nil
    ) -> String {
        var out = "plan \(plan.hash) (\(ExecutionPlan.format)): \(plural(plan.strategies.count, "strategy", "strategies")), "
            + "\(plural(plan.universes.count, "universe")), \(plural(plan.riskPolicies.count, "risk policy", "risk policies"))\n"
        let policies = plan.riskPolicies.compactMap { try? PlanRiskPolicy(json: $0) }
        for strategy in plan.strategies where selected == nil || strategy.id == selected {
            let base = "strategies/\(strategy.id)"
            out += "\nstrategy \(strategy.id)\n"
            out += "  source:    \(locations[base] ?? "?")\n"
            out += "  state:     \(strategy.enabled ? "enabled" : "disabled"), timeframe \(strategy.timeframe), "
                + "parity \(strategy.parity), content hash \(strategy.contentHash)\n"
            out += "  universe:  \(strategy.universe), \(plural(strategy.symbols.count, "symbol")): "
                + strategy.symbols.map(\.rawValue).joined(separator: " ") + "\n"
            out += "  features:  \(Self.features(of: strategy).joined(separator: ", "))\n"
            if !strategy.params.isEmpty {
                out += "  params:    " + strategy.params.map { "\($0.name)=\($0.value)" }.joined(separator: " ") + "\n"
            }
            for (kind, rules) in [("entry", strategy.entries), ("exit", strategy.exits)] {
                for rule in rules {
                    let path = "\(base)/\(kind == "entry" ? "entries" : "exits")/\(rule.direction.rawValue)"
                    let window = rule.window.map { ", minutes \($0.lowerBound)..<\($0.upperBound) after the open" } ?? ""
                    out += "  \(kind) \(rule.direction.rawValue) (\(locations[path] ?? "?"))\(window), "
                        + "\(rule.mode == .all ? "all of" : "any of"):\n"
                    for (index, condition) in rule.conditions.enumerated() {
                        out += "    \(index + 1). \(condition.canonicalText)\n"
                    }
                    var confidence = "    confidence \(rule.confidenceBase)"
                    for bonus in rule.bonuses { confidence += " + \(bonus.add) if \(bonus.condition.canonicalText)" }
                    if let dynamic = rule.dynamicBonus { confidence += " + \(dynamic.canonicalText)" }
                    out += confidence + ", cap \(rule.confidenceCap)\n"
                    if !rule.reasons.isEmpty { out += "    reasons: \(rule.reasons.joined(separator: ", "))\n" }
                }
            }
            out += "  sizing:    max notional \(strategy.maxNotionalUSD) USD per entry"
            if let multiplier = strategy.notionalMultiplier {
                out += " × \(multiplier.canonicalText) (in [0, \(strategy.maxNotionalMultiplier)])"
            }
            if let fraction = strategy.maxPositionFractionOfEquity { out += ", position at most \(fraction) of equity" }
            out += "; quantity rounded down to the share step\n"
            let overlays = Self.overlayText(strategy.overlays, trailingCondition: strategy.trailingCondition)
            if !overlays.isEmpty { out += "  overlays:  \(overlays.joined(separator: "; "))\n" }
            let trade = Self.tradePolicyText(strategy.tradePolicy)
            if !trade.isEmpty { out += "  trade policy: \(trade.joined(separator: "; "))\n" }
            let policy = policies.first { $0.universe == strategy.universe }
            out += RiskChainText.render(policy, strategy: strategy.id)
        }
        return out
    }

    static func overlayText(_ overlays: StrategySpec.Overlays, trailingCondition: Expression?) -> [String] {
        func threshold(_ value: StrategySpec.Overlays.Threshold) -> String {
            "\(value.bps) bps + \(value.spreadMultiplier) × spread_bps + \(value.volatilityMultiplier) × volatility_bps"
        }
        var parts: [String] = []
        if let stop = overlays.stopLoss { parts.append("stop loss at \(threshold(stop))") }
        if let trailing = overlays.trailingStop {
            var text = "trailing stop after +\(trailing.activationProfitBPS) bps, at \(threshold(trailing.drawdown))"
            if let condition = trailingCondition { text += ", when \(condition.canonicalText)" }
            if trailing.requireProfit { text += ", in profit only" }
            parts.append(text)
        }
        if let value = overlays.minHoldSeconds { parts.append("min hold \(value) s") }
        if let value = overlays.maxHoldSeconds { parts.append("max hold \(value) s") }
        if let value = overlays.flattenMinutesBeforeClose { parts.append("flatten \(value) min before the close") }
        if overlays.requireProfitForSignalExit { parts.append("signal exits need profit") }
        if let value = overlays.minSignalExitProfitBPS { parts.append("signal exits need ≥ \(value) bps") }
        return parts
    }

    static func tradePolicyText(_ policy: StrategySpec.TradePolicy) -> [String] {
        let items: [(String, Int?)] = [
            ("entry cooldown %d s", policy.entryCooldownSeconds), ("exit cooldown %d s", policy.exitCooldownSeconds),
            ("positions at once ≤ %d", policy.maxConcurrentPositions),
            ("entries per session ≤ %d", policy.maxEntriesPerSession),
            ("no entries once stop-loss exits this session reach %d", policy.maxStopLossExitsPerSession),
            ("no entries once losing exits this session reach %d", policy.maxNegativeExitsPerSession),
            ("%d s lockout after a stop loss", policy.stopLossLockoutSeconds),
            ("%d s lockout after a losing exit", policy.negativeExitLockoutSeconds),
        ]
        var parts = items.compactMap { template, value in value.map { template.replacing("%d", with: String($0)) } }
        if let cap = policy.maxSessionNegativeExitBPS { parts.append("no entries once losing exits sum to \(cap) bps") }
        return parts
    }

    /// Catalog features a strategy reads, in byte order; `?` marks those read only optionally.
    static func features(of strategy: PlanStrategy) -> [String] {
        var required: Set<String> = []
        var optional: Set<String> = []
        let sizing = strategy.notionalMultiplier.map { [$0] } ?? []
        for rule in strategy.entries + strategy.exits {
            for expression in rule.conditions + rule.bonuses.map(\.condition) + sizing {
                expression.visit { node in
                    guard case .name(let name, let isOptional) = node.node, name != "confidence",
                        !FeatureSchema.sessionNames.contains(name)
                    else { return }
                    if isOptional { optional.insert(name) } else { required.insert(name) }
                }
            }
        }
        let all = required.union(optional).sorted { $0.utf8Precedes($1) }
        return all.map { required.contains($0) ? $0 : $0 + "?" }
    }

    private static func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : (pluralForm ?? singular + "s"))"
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - self.count)) + self
    }
}
