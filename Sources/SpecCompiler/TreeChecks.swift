import SpecModel

/// Whole-tree passes: each is a small function returning diagnostics; all run, then the caller fails once.
enum TreeChecks {
    static func run(_ documents: [SpecDocument]) -> [Diagnostic] {
        var diagnostics = Self.duplicateNames(documents)
        diagnostics += Self.riskPolicyReferences(documents)
        return diagnostics
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

    /// SPEC021 for a RiskPolicy's universe; SPEC028 for symbols it names that the universe lacks.
    static func riskPolicyReferences(_ documents: [SpecDocument]) -> [Diagnostic] {
        var universes: [Identifier: UniverseSpec] = [:]
        for document in documents {
            if case .universe(let universe) = document.body, universes[document.name] == nil {
                universes[document.name] = universe
            }
        }
        let universeNames = universes.keys.sorted().map(\.rawValue)
        var diagnostics: [Diagnostic] = []
        for document in documents {
            guard case .riskPolicy(let policy) = document.body else { continue }
            guard let universe = universes[policy.universe.value] else {
                var notes = universeNames.isEmpty
                    ? ["the tree has no Universe document"] : ["universes in this tree: \(universeNames.joined(separator: ", "))"]
                if let guess = closestMatch(to: policy.universe.value.rawValue, in: universeNames) {
                    notes.insert("did you mean '\(guess)'?", at: 0)
                }
                diagnostics.append(
                    Diagnostic(
                        .unresolvedReference, "universe '\(policy.universe.value)' is not defined",
                        at: policy.universe.span, notes: notes))
                continue
            }
            let members = Set(universe.symbols.map(\.value))
            let named = policy.symbols.allow + policy.symbols.deny + policy.overrides.compactMap(\.symbol)
            for symbol in named where !members.contains(symbol.value) {
                diagnostics.append(
                    Diagnostic(
                        .overrideOutsideUniverse,
                        "'\(symbol.value)' is not in universe '\(policy.universe.value)', so this never applies",
                        at: symbol.span))
            }
        }
        return diagnostics
    }
}
