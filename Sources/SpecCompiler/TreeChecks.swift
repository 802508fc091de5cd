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
        var universes: [Identifier: [Symbol]] = [:]
        for document in documents {
            if case .universe(let universe) = document.body, universes[document.name] == nil {
                universes[document.name] = universe.symbols.map(\.value)
            }
        }
        var diagnostics: [Diagnostic] = []
        for document in documents {
            guard case .riskPolicy(let policy) = document.body else { continue }
            let named = policy.symbols.allow + policy.symbols.deny + policy.overrides.compactMap(\.symbol)
            Self.universeReference(
                policy.universe, symbols: named, universes: universes, consequence: "so this never applies",
                into: &diagnostics)
        }
        return diagnostics
    }

    /// One spec's reference to a universe: SPEC021 when the universe is missing (with the closest name), SPEC028 for
    /// each named symbol the universe lacks. Returns the universe's symbols when it exists.
    @discardableResult
    static func universeReference(
        _ reference: Located<Identifier>, symbols named: [Located<Symbol>], universes: [Identifier: [Symbol]],
        consequence: String, into diagnostics: inout [Diagnostic]
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
                    at: symbol.span))
        }
        return members
    }
}
