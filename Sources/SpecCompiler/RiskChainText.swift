import SpecModel

/// `torghut explain`'s risk-chain listing for one strategy: every check in the order the engine runs it, what it
/// applies to, whether it rejects or clamps, its reason code, and the setting in force (the tightest of global and
/// strategy scope; symbol overrides are listed after, since they apply per order).
enum RiskChainText {
    static func render(_ policy: PlanRiskPolicy?, strategy: Identifier) -> String {
        let resolved = policy ?? .builtInDefault(universe: Identifier("none")!)
        var out = policy == nil
            ? "  risk chain (no RiskPolicy covers this universe: the built-in default applies):\n"
            : "  risk chain (\(resolved.name); each order runs these in order, the first refusal ends it):\n"
        for check in RiskCheck.allCases {
            let number = String(check.rawValue + 1)
            let head = "    " + String(repeating: " ", count: 2 - number.count) + number + ". "
                + Self.pad(check.name, 19) + Self.pad(check.applies == .allOrders ? "all orders" : "increasing", 11)
                + Self.pad(check.effect.rawValue, 7)
            out += head + Self.setting(check, resolved, strategy: strategy) + " -> " + check.reasons.map(\.rawValue).joined(separator: " | ") + "\n"
        }
        let symbolOverrides = resolved.overrides.compactMap { override -> String? in
            guard case .symbol(let symbol) = override.scope else { return nil }
            let limits = RiskLimits.definitions.compactMap { definition in
                override.limits[definition.key].map { "\(definition.key) = \($0)" }
            }
            return "\(symbol): " + limits.joined(separator: ", ")
        }
        if !symbolOverrides.isEmpty { out += "    symbol overrides: " + symbolOverrides.joined(separator: "; ") + "\n" }
        return out
    }

    /// The values the check compares against, or `off` when nothing configures it.
    private static func setting(_ check: RiskCheck, _ policy: PlanRiskPolicy, strategy: Identifier) -> String {
        if !check.limitKeys.isEmpty {
            let parts = check.limitKeys.compactMap { key -> String? in
                policy.tightest(key, strategy: strategy, symbol: nil).map { "\(key) = \($0.value) (\($0.scope.rawValue))" }
            }
            let rest = Self.policySetting(check, policy)
            let all = parts + (rest.isEmpty ? [] : [rest])
            return all.isEmpty ? "off" : all.joined(separator: "; ")
        }
        let text = Self.policySetting(check, policy)
        return text.isEmpty ? "always" : text
    }

    private static func policySetting(_ check: RiskCheck, _ policy: PlanRiskPolicy) -> String {
        switch check {
        case .symbolDenied:
            return policy.deny.isEmpty ? "off" : "deny " + policy.deny.map(\.rawValue).joined(separator: " ")
        case .symbolAllowed:
            return "universe \(policy.universe)" + (policy.allow.isEmpty ? "" : " ∩ allow "
                + policy.allow.map(\.rawValue).joined(separator: " "))
        case .tradingHours:
            func window(_ window: PlanRiskPolicy.Window, _ length: Int) -> String {
                "entries \(window.entriesStartMinutesAfterOpen)..<\(length - window.entriesEndMinutesBeforeClose) min, "
                    + "exits ..<\(length - window.exitsEndMinutesBeforeClose) min"
            }
            return "regular: \(window(policy.regularHours, 390)); early close: \(window(policy.earlyCloseHours, 210)); "
                + (policy.extendedHours ? "extended hours allowed" : "regular hours only")
        case .patternDayTrader:
            return policy.patternDayTraderEnabled
                ? "below \(policy.patternDayTraderMinEquityUSD) USD equity, at most "
                    + "\(policy.maxDayTradesPerFiveSessions) day trades in 5 sessions" : "off"
        case .shorts:
            return policy.shortsAllowed ? "allowed" : "refused"
        case .borrow:
            return policy.requireEasyToBorrow
                ? "tradable, shortable, easy to borrow; unknown data: \(policy.whenBorrowDataMissing)" : "off"
        case .participation:
            return "ADV unknown: \(policy.whenADVMissing)"
        case .buyingPower:
            return policy.buyingPowerRequired
                ? (policy.buyingPowerIncludesPendingOrders ? "net of open orders" : "open orders ignored") : "off"
        case .quantityStep:
            return (policy.fractionalEquities ? "step \(policy.fractionalStepShares) shares" : "whole shares")
                + (policy.shortsWholeSharesOnly ? "; short sales whole shares" : "")
        default:
            return ""
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - text.count))
    }
}
