import SpecModel

/// Whole-tree passes: each is a small function returning diagnostics; all run, then the caller fails once.
enum TreeChecks {
    static func run(_ documents: [SpecDocument]) -> [Diagnostic] {
        var diagnostics = Self.duplicateNames(documents)
        diagnostics += Self.riskPolicyReferences(documents)
        diagnostics += Self.scenarioReferences(documents)
        return diagnostics
    }

    /// The symbols of every Universe, by name (the first of a duplicated name).
    static func universes(_ documents: [SpecDocument]) -> [Identifier: [Symbol]] {
        var universes: [Identifier: [Symbol]] = [:]
        for document in documents {
            if case .universe(let universe) = document.body, universes[document.name] == nil {
                universes[document.name] = universe.symbols.map(\.value)
            }
        }
        return universes
    }

    /// SPEC020: two documents of one kind with the same name.
    static func duplicateNames(_ documents: [SpecDocument]) -> [Diagnostic] {
        var firstSeen: [SpecKind: [Identifier: SourceSpan]] = [:]
        var diagnostics: [Diagnostic] = []
        for document in documents {
            let name = document.metadata.name
            if let first = firstSeen[document.kind]?[name.value] {
                diagnostics.append(
                    Diagnostic(
                        .duplicateName, "another \(document.kind.rawValue) is already named '\(name.value)'",
                        at: name.span, notes: ["first defined at \(DiagnosticRenderer.location(first))"]))
            } else {
                firstSeen[document.kind, default: [:]][name.value] = name.span
            }
        }
        return diagnostics
    }

    /// SPEC021 for a RiskPolicy's universe (a warning for a strategy override naming no Strategy); SPEC028 for symbols it
    /// names that the universe lacks and for a strategy override whose strategy trades another universe (either way
    /// the override's limits would silently never apply).
    static func riskPolicyReferences(_ documents: [SpecDocument]) -> [Diagnostic] {
        let universes = Self.universes(documents)
        let strategies = Self.strategies(documents)
        var diagnostics: [Diagnostic] = []
        for document in documents {
            guard case .riskPolicy(let policy) = document.body else { continue }
            let named = policy.symbols.allow + policy.symbols.deny + policy.overrides.compactMap(\.symbol)
            Self.universeReference(
                policy.universe, symbols: named, universes: universes, consequence: "so this never applies",
                into: &diagnostics)
            for override in policy.overrides {
                guard let reference = override.strategy else { continue }
                guard let strategy = strategies[reference.value] else {
                    // A warning: a tree checked in parts (the policies alone) may hold the strategy elsewhere.
                    diagnostics.append(Self.unknownStrategy(reference, among: strategies, severity: .warning))
                    continue
                }
                if strategy.universe.value != policy.universe.value {
                    diagnostics.append(
                        Diagnostic(
                            .overrideOutsideUniverse,
                            "strategy '\(reference.value)' trades universe '\(strategy.universe.value)', not "
                                + "'\(policy.universe.value)', so this never applies",
                            at: reference.span))
                }
            }
        }
        return diagnostics
    }

    /// Strategy documents by name (the first of duplicates; SPEC020 reports the rest).
    static func strategies(_ documents: [SpecDocument]) -> [Identifier: StrategySpec] {
        var strategies: [Identifier: StrategySpec] = [:]
        for document in documents {
            if case .strategy(let strategy) = document.body, strategies[document.name] == nil {
                strategies[document.name] = strategy
            }
        }
        return strategies
    }

    /// SPEC021 for a reference to a Strategy the tree does not define, with the closest name.
    static func unknownStrategy(
        _ reference: Located<Identifier>, among strategies: [Identifier: StrategySpec], severity: Severity? = nil
    ) -> Diagnostic {
        let names = strategies.keys.sorted().map(\.rawValue)
        var notes = names.isEmpty ? ["the tree has no Strategy document"] : []
        if let guess = closestMatch(to: reference.value.rawValue, in: names) { notes.append("did you mean '\(guess)'?") }
        return Diagnostic(
            .unresolvedReference, "strategy '\(reference.value)' is not defined", at: reference.span, severity: severity,
            notes: notes)
    }

    /// SPEC021 for a Scenario's universe; SPEC028 (an error: the run would price a symbol no strategy may trade) for
    /// its symbols, or, when it lists none, for its positions. Positions outside explicit symbols are reported while
    /// the document is decoded.
    static func scenarioReferences(_ documents: [SpecDocument]) -> [Diagnostic] {
        let universes = Self.universes(documents)
        var diagnostics: [Diagnostic] = []
        for document in documents {
            guard case .scenario(let scenario) = document.body else { continue }
            // A symbol that failed to decode is a placeholder without a position; it was reported already.
            let named = (scenario.symbols.isEmpty ? scenario.account.positions.map(\.symbol) : scenario.symbols)
                .filter { $0.span.start != nil }
            Self.universeReference(
                scenario.universe, symbols: named, universes: universes,
                consequence: "so no strategy may trade it in this scenario", severity: .error, into: &diagnostics)
            Self.positionOwners(scenario, documents: documents, universes: universes, into: &diagnostics)
        }
        return diagnostics
    }

    /// SPEC021 for a starting position's `strategy` that names no Strategy; SPEC028 (an error) when that strategy
    /// does not trade the position's symbol, and SPEC025 (an error) when it is disabled: either way it could never
    /// manage the position.
    static func positionOwners(
        _ scenario: ScenarioSpec, documents: [SpecDocument], universes: [Identifier: [Symbol]],
        into diagnostics: inout [Diagnostic]
    ) {
        let strategies = Self.strategies(documents)
        for position in scenario.account.positions where position.symbol.span.start != nil {
            guard let owner = position.strategy else { continue }
            guard let strategy = strategies[owner.value] else {
                diagnostics.append(Self.unknownStrategy(owner, among: strategies))
                continue
            }
            let traded = strategy.symbols.isEmpty ? universes[strategy.universe.value] ?? [] : strategy.symbols.map(\.value)
            if !strategy.enabled {
                diagnostics.append(
                    Diagnostic(
                        .conflictingValues,
                        "strategy '\(owner.value)' is disabled, so it would never manage this position",
                        at: owner.span, severity: .error,
                        notes: ["enable it, or leave 'strategy' out to hold the position in the account alone"]))
            } else if !traded.contains(position.symbol.value) {
                diagnostics.append(
                    Diagnostic(
                        .overrideOutsideUniverse,
                        "strategy '\(owner.value)' does not trade '\(position.symbol.value)', so it could never manage "
                            + "this position",
                        at: owner.span, severity: .error, notes: ["leave 'strategy' out to hold it in the account alone"]))
            }
        }
    }

    /// One spec's reference to a universe: SPEC021 when the universe is missing (with the closest name), SPEC028 for
    /// each named symbol the universe lacks. Returns the universe's symbols when it exists.
    @discardableResult
    static func universeReference(
        _ reference: Located<Identifier>, symbols named: [Located<Symbol>], universes: [Identifier: [Symbol]],
        consequence: String, severity: Severity? = nil, into diagnostics: inout [Diagnostic]
    ) -> [Symbol]? {
        guard let members = universes[reference.value] else {
            let names = universes.keys.sorted().map(\.rawValue)
            var notes = names.isEmpty
                ? ["the tree has no Universe document"] : ["universes in this tree: \(names.joined(separator: ", "))"]
            if let guess = closestMatch(to: reference.value.rawValue, in: names) {
                notes.insert("did you mean '\(guess)'?", at: 0)
            }
            diagnostics.append(
                Diagnostic(
                    .unresolvedReference, "universe '\(reference.value)' is not defined", at: reference.span,
                    notes: notes))
            return nil
        }
        let memberSet = Set(members)
        for symbol in named where !memberSet.contains(symbol.value) {
            diagnostics.append(
                Diagnostic(
                    .overrideOutsideUniverse, "'\(symbol.value)' is not in universe '\(reference.value)', \(consequence)",
                    at: symbol.span, severity: severity))
        }
        return members
    }
}
