import SpecModel

/// `torghut import torghut-catalog`: turns an original Torghut strategy catalog (the `torghut-strategy-config`
/// ConfigMap, or a bare `strategies:` file) into Strategy specs.
///
/// Families are data, not Swift: each catalog entry is matched by `strategy_type` to a template — a Strategy spec
/// whose `spec.family` names that type (the bundled `specs/strategies`) — and the template's text is copied with the
/// entry's values written over the template's, by the spans of the template's nodes: `metadata.name`, `enabled`,
/// `symbols`, `sizing.max_notional_usd`, and each `params` value. Comments and rules stay as the template has them.
public struct CatalogImporter {
    public struct Output: Sendable {
        /// (file name, text) of each generated spec, in catalog order.
        public var files: [(name: String, text: String)]
        public var diagnostics: [Diagnostic]
    }

    struct Template {
        var file: SourceFile
        var root: YAMLNode
    }

    /// Torghut's registry aliases (reference 01 §2.1).
    static let aliases = ["intraday_tsmom": "intraday_tsmom_v1", "tsmom_intraday": "intraday_tsmom_v1"]

    private var templates: [String: Template] = [:]
    public private(set) var templateDiagnostics: [Diagnostic] = []

    /// Loads every Strategy document under `templateDirectory` as a template for its `spec.family`.
    public init(templateDirectory: String) {
        let tree = SpecTreeLoader().load(paths: [templateDirectory])
        self.templateDiagnostics = tree.diagnostics.filter { $0.severity == .error }
        for file in tree.files {
            for document in YAMLLoader().load(file).documents {
                guard case .mapping(let pairs) = document.root.content,
                    pairs.first(where: { $0.keyText == "kind" }).flatMap({ Self.text($0.value) }) == "Strategy",
                    let spec = pairs.first(where: { $0.keyText == "spec" })?.value,
                    let family = Self.child(spec, "family").flatMap(Self.text), self.templates[family] == nil
                else { continue }
                self.templates[family] = Template(file: file, root: document.root)
            }
        }
    }

    public var families: [String] { self.templates.keys.sorted { $0.utf8Precedes($1) } }

    /// `parity: torghut` in every imported spec: Torghut's fixed UTC clock and VWAP price, so the converted windows
    /// mean exactly what they meant in the original.
    public var parity: String?

    public func importCatalog(_ catalog: SourceFile) -> Output {
        var diagnostics: [Diagnostic] = []
        let (documents, yamlDiagnostics) = YAMLLoader().load(catalog)
        guard yamlDiagnostics.isEmpty, let root = documents.first?.root else {
            return Output(files: [], diagnostics: yamlDiagnostics)
        }
        // A ConfigMap carries the catalog as text under data["strategies.yaml"].
        var entriesRoot = root
        var entriesFile = catalog
        if let data = Self.child(root, "data") {
            guard let embedded = Self.child(data, "strategies.yaml"), let text = Self.text(embedded) else {
                let span = Self.pair(root, "data")?.key.span ?? .file(catalog.path)
                return Output(
                    files: [],
                    diagnostics: [Diagnostic(.missingKey, "the ConfigMap has no data[\"strategies.yaml\"]", at: span)])
            }
            entriesFile = SourceFile(path: catalog.path + "#strategies.yaml", text: text)
            let inner = YAMLLoader().load(entriesFile)
            guard inner.diagnostics.isEmpty, let innerRoot = inner.documents.first?.root else {
                return Output(files: [], diagnostics: inner.diagnostics)
            }
            entriesRoot = innerRoot
        }
        let list = Self.child(entriesRoot, "strategies") ?? entriesRoot
        guard case .sequence(let entries) = list.content else {
            return Output(
                files: [],
                diagnostics: [Diagnostic(.wrongType, "a catalog is a list of strategies (or `strategies:` and a list)",
                                         at: list.span)])
        }
        var files: [(String, String)] = []
        for entry in entries {
            if let file = self.convert(entry, diagnostics: &diagnostics) { files.append(file) }
        }
        // Point into the ConfigMap itself: the embedded text starts on the line after `strategies.yaml: |`,
        // indented by the block's indentation.
        if entriesFile.path != catalog.path, let block = Self.child(root, "data").flatMap({ Self.child($0, "strategies.yaml") }),
            let blockStart = block.span.start
        {
            let firstLine = catalog.line(blockStart.line + 1) ?? ""
            let indent = firstLine.prefix { $0 == " " }.count
            diagnostics = diagnostics.map { diagnostic in
                guard diagnostic.span.file == entriesFile.path else { return diagnostic }
                var moved = diagnostic
                moved.span.file = catalog.path
                moved.span.start = diagnostic.span.start.map { SourceLocation(line: $0.line + blockStart.line, column: $0.column + indent) }
                moved.span.end = diagnostic.span.end.map { SourceLocation(line: $0.line + blockStart.line, column: $0.column + indent) }
                return moved
            }
        }
        return Output(files: files, diagnostics: Diagnostic.sorted(diagnostics))
    }

    private func convert(_ entry: YAMLNode, diagnostics: inout [Diagnostic]) -> (String, String)? {
        let type = Self.child(entry, "strategy_type").flatMap(Self.text) ?? "legacy_macd_rsi"
        let family = Self.aliases[type] ?? type
        guard let template = self.templates[family] else {
            diagnostics.append(
                Diagnostic(
                    .unresolvedReference, "no family spec for strategy_type '\(type)'",
                    at: Self.pair(entry, "strategy_type")?.value.span ?? entry.span,
                    notes: ["families with a spec: \(self.families.joined(separator: ", "))"]))
            return nil
        }
        guard let id = (Self.child(entry, "strategy_id") ?? Self.child(entry, "name")).flatMap(Self.text),
            let identifier = Identifier(id)
        else {
            diagnostics.append(Diagnostic(.invalidIdentifier, "the entry needs a valid strategy_id", at: entry.span))
            return nil
        }
        var edits: [(SourceSpan, String)] = []
        let spec = Self.child(template.root, "spec")
        func replace(_ node: YAMLNode?, with text: String, what: String) {
            guard let node else {
                diagnostics.append(
                    Diagnostic(.missingKey, "the \(family) template has no \(what) to set", at: .file(template.file.path)))
                return
            }
            // A flow list's span runs from '[' through ']', so the whole list is replaced.
            let span = node.span
            if case .sequence = node.content, !(Self.isFlow(node, in: template.file)) {
                diagnostics.append(
                    Diagnostic(.unsupportedYAML, "template \(what) must be a flow list ([A, B])", at: node.span))
                return
            }
            edits.append((span, text))
        }
        replace(Self.child(template.root, "metadata").flatMap { Self.child($0, "name") }, with: identifier.rawValue,
                what: "metadata.name")
        if let parity = self.parity {
            if let existing = spec.flatMap({ Self.child($0, "parity") }) {
                replace(existing, with: parity, what: "parity")
            } else if let insertion = Self.lineAfter("universe", in: spec) {
                edits.append((SourceSpan(file: template.file.path, start: insertion.at, end: insertion.at),
                              "\(insertion.indent)parity: \(parity)\n"))
            }
        }
        if let enabled = Self.child(entry, "enabled").flatMap(Self.text) {
            replace(spec.flatMap { Self.child($0, "enabled") }, with: enabled == "false" ? "false" : "true", what: "enabled")
        }
        if let symbols = Self.child(entry, "universe_symbols") ?? Self.child(entry, "symbols") {
            var list: [String] = []
            switch symbols.content {
            case .sequence(let items): list = items.compactMap(Self.text)
            case .scalar(let text, _): list = text.split(separator: ",").map { $0.trimmingSpaces }
            case .mapping: break
            }
            let flow = "[\(list.joined(separator: ", "))]"
            if let existing = spec.flatMap({ Self.child($0, "symbols") }) {
                replace(existing, with: flow, what: "symbols")
            } else if let insertion = Self.lineAfter("universe", in: spec) {
                // The template trades its whole universe: add the subset on the line after `universe:`.
                edits.append((SourceSpan(file: template.file.path, start: insertion.at, end: insertion.at),
                              "\(insertion.indent)symbols: \(flow)\n"))
            } else {
                replace(nil, with: flow, what: "symbols")
            }
        }
        if let notional = Self.child(entry, "max_notional_per_trade").flatMap(Self.text), let value = Decimal(notional) {
            replace(spec.flatMap { Self.child($0, "sizing") }.flatMap { Self.child($0, "max_notional_usd") },
                    with: value.description, what: "sizing.max_notional_usd")
        }
        if let fraction = Self.child(entry, "max_position_pct_equity").flatMap(Self.text), let value = Decimal(fraction),
            value <= Decimal(1)
        {
            diagnostics.append(
                Diagnostic(
                    .unknownKey, "max_position_pct_equity \(value) is not imported into the strategy",
                    at: Self.pair(entry, "max_position_pct_equity")?.value.span ?? entry.span, severity: .warning,
                    notes: ["risk limits live in a RiskPolicy override: max_position_fraction_of_equity: \(value)"]))
        } else if let fraction = Self.child(entry, "max_position_pct_equity").flatMap(Self.text),
            let value = Decimal(fraction), value > Decimal(1)
        {
            diagnostics.append(
                Diagnostic(
                    .fractionAboveOne,
                    "'\(identifier)' has max_position_pct_equity \(value): more than 100% of equity",
                    at: Self.pair(entry, "max_position_pct_equity")?.value.span ?? entry.span,
                    notes: ["it belongs in a RiskPolicy override (max_position_fraction_of_equity); check the unit"]))
        }
        let templateParams = spec.flatMap { Self.child($0, "params") }
        if case .mapping(let pairs)? = Self.child(entry, "params")?.content {
            let values = Dictionary(pairs.compactMap { pair in Self.text(pair.value).map { (pair.keyText, $0) } },
                                    uniquingKeysWith: { a, _ in a })
            for pair in pairs {
                if templateParams.flatMap({ Self.child($0, pair.keyText) }) == nil,
                    let mapped = Self.mapShared(pair, values: values, spec: spec)
                {
                    switch mapped {
                    case .edits(let list): edits.append(contentsOf: list)
                    case .dropped(let reason):
                        diagnostics.append(
                            Diagnostic(.unknownKey, "param '\(pair.keyText)' is not imported: \(reason)", at: pair.key.span,
                                       severity: .warning))
                    case .missingInTemplate(let field):
                        diagnostics.append(
                            Diagnostic(
                                .unknownKey, "param '\(pair.keyText)' maps to \(field), which the \(family) spec does not set",
                                at: pair.key.span, severity: .warning, notes: ["add the field to the family spec to import it"]))
                    }
                    continue
                }
                guard let target = templateParams.flatMap({ Self.child($0, pair.keyText) }) else {
                    diagnostics.append(
                        Diagnostic(
                            .unknownKey, "param '\(pair.keyText)' has no counterpart in the \(family) spec",
                            at: pair.key.span, severity: .warning, notes: ["it is dropped; the family spec decides"]))
                    continue
                }
                guard let text = Self.text(pair.value), let value = Decimal(text) else {
                    diagnostics.append(
                        Diagnostic(.wrongType, "param '\(pair.keyText)' is not a decimal number", at: pair.value.span))
                    continue
                }
                edits.append((target.span, value.description))
                // Torghut read this one param twice: it is also the multiplier's clamp.
                if pair.keyText == "entry_notional_max_multiplier",
                    let clamp = spec.flatMap({ Self.child($0, "sizing") }).flatMap({ Self.child($0, "max_notional_multiplier") })
                {
                    edits.append((clamp.span, value.description))
                }
            }
        }
        var bytes = template.file.bytes
        for (span, text) in edits.sorted(by: { $0.0.start! > $1.0.start! }) {
            let start = template.file.byteOffset(of: span.start!)
            let end = template.file.byteOffset(of: span.end!)
            bytes.replaceSubrange(start..<end, with: Array(text.utf8))
        }
        let header = "# Imported from the Torghut catalog entry '\(id)' (strategy_type \(type)) by torghut import.\n"
        let name = id.replacing("@", with: "-").replacing("_", with: "-") + ".yaml"
        return (name, header + String(decoding: bytes, as: UTF8.self))
    }

    // MARK: Torghut's shared machinery (reference 01 Appendix A.2)

    enum Mapped {
        case edits([(SourceSpan, String)])
        case dropped(String)
        case missingInTemplate(String)
    }

    /// Torghut's shared parameter names and where they live in a Strategy spec.
    static let sharedFields: [String: [String]] = [
        "long_stop_loss_bps": ["overlays", "stop_loss", "loss_bps"],
        "long_stop_loss_spread_bps_multiplier": ["overlays", "stop_loss", "spread_bps_multiplier"],
        "long_stop_loss_volatility_bps_multiplier": ["overlays", "stop_loss", "volatility_bps_multiplier"],
        "long_trailing_stop_activation_profit_bps": ["overlays", "trailing_stop", "activation_profit_bps"],
        "long_trailing_stop_drawdown_bps": ["overlays", "trailing_stop", "drawdown", "drawdown_bps"],
        "long_trailing_stop_spread_bps_multiplier": ["overlays", "trailing_stop", "drawdown", "spread_bps_multiplier"],
        "long_trailing_stop_volatility_bps_multiplier": [
            "overlays", "trailing_stop", "drawdown", "volatility_bps_multiplier",
        ],
        "min_hold_seconds": ["overlays", "min_hold_seconds"],
        "max_hold_seconds": ["overlays", "max_hold_seconds"],
        "min_signal_exit_profit_bps": ["overlays", "min_signal_exit_profit_bps"],
        "entry_cooldown_seconds": ["trade_policy", "entry_cooldown_seconds"],
        "exit_cooldown_seconds": ["trade_policy", "exit_cooldown_seconds"],
        "max_concurrent_positions": ["trade_policy", "max_concurrent_positions"],
        "max_entries_per_session": ["trade_policy", "max_entries_per_session"],
        "max_stop_loss_exits_per_session": ["trade_policy", "max_stop_loss_exits_per_session"],
        "max_negative_exits_per_session": ["trade_policy", "max_negative_exits_per_session"],
        "stop_loss_lockout_seconds": ["trade_policy", "stop_loss_lockout_seconds"],
        "negative_exit_lockout_seconds": ["trade_policy", "negative_exit_lockout_seconds"],
        "negative_exit_loss_bps": ["trade_policy", "negative_exit_loss_bps"],
        "max_session_negative_exit_bps": ["trade_policy", "max_session_negative_exit_bps"],
    ]

    /// Maps one of Torghut's shared params onto spec fields; nil when the name is not one of them.
    static func mapShared(_ pair: YAMLPair, values: [String: String], spec: YAMLNode?) -> Mapped? {
        let name = pair.keyText
        func node(_ path: [String]) -> YAMLNode? {
            var current = spec
            for key in path { current = current.flatMap { Self.child($0, key) } }
            return current
        }
        func decimal(_ key: String) -> Decimal? { values[key].flatMap { Decimal($0) } }
        if let path = Self.sharedFields[name] {
            guard let target = node(path) else { return .missingInTemplate(path.joined(separator: ".")) }
            guard let value = decimal(name) else { return .dropped("not a number") }
            return .edits([(target.span, value.description)])
        }
        switch name {
        case "require_positive_price_for_signal_exit":
            // Torghut held both signal exits and trailing exits to this flag.
            guard let target = node(["overlays", "require_profit_for_signal_exit"]) else {
                return .missingInTemplate("overlays.require_profit_for_signal_exit")
            }
            let flag = values[name] == "true" ? "true" : "false"
            var edits = [(target.span, flag)]
            if let trailing = node(["overlays", "trailing_stop", "require_profit"]) { edits.append((trailing.span, flag)) }
            return .edits(edits)
        case "session_flatten_start_minute_utc":
            // Torghut's clock: the close is 1200 UTC minutes (16:00 with the open fixed at 13:30 UTC).
            guard let target = node(["overlays", "flatten_minutes_before_close"]) else {
                return .missingInTemplate("overlays.flatten_minutes_before_close")
            }
            guard let minute = decimal(name) else { return .dropped("not a number") }
            return .edits([(target.span, (Decimal(1200) - minute).description)])
        case "entry_start_minute_utc", "entry_end_minute_utc", "min_entry_minutes_before_flatten":
            // Windows: minutes after open = UTC minute − 810; the end is min(end, flatten − lead (default 15)).
            let isStart = name == "entry_start_minute_utc"
            guard isStart || name == "entry_end_minute_utc" else { return .edits([]) }
            guard var minute = decimal(name) else { return .dropped("not a number") }
            if !isStart, let flatten = decimal("session_flatten_start_minute_utc") {
                let lead = decimal("min_entry_minutes_before_flatten") ?? Decimal(15)
                minute = min(minute, flatten - lead)
            }
            let field = isStart ? "start_minutes_after_open" : "end_minutes_after_open"
            let targets = ["long", "short"].compactMap { node(["entries", $0, "window", field]) }
            guard !targets.isEmpty else { return .missingInTemplate("entries.*.window.\(field)") }
            return .edits(targets.map { ($0.span, (minute - Decimal(810)).description) })
        case "position_isolation_mode":
            return .dropped("positions are always isolated per strategy here")
        case "max_gross_exposure_pct_equity":
            return .dropped("exposure caps belong in a RiskPolicy override (max_gross_exposure_fraction_of_equity)")
        default:
            return nil
        }
    }

    // MARK: YAML helpers

    /// Where to insert a new key of `mapping` on the line after `key`, with that key's indentation.
    static func lineAfter(_ key: String, in mapping: YAMLNode?) -> (at: SourceLocation, indent: String)? {
        guard let pair = mapping.flatMap({ Self.pair($0, key) }), let keyStart = pair.key.span.start,
            let valueEnd = pair.value.span.end
        else { return nil }
        return (SourceLocation(line: valueEnd.line + 1, column: 1), String(repeating: " ", count: keyStart.column - 1))
    }

    static func pair(_ node: YAMLNode, _ key: String) -> YAMLPair? {
        guard case .mapping(let pairs) = node.content else { return nil }
        return pairs.first { $0.keyText == key }
    }

    static func child(_ node: YAMLNode, _ key: String) -> YAMLNode? { self.pair(node, key)?.value }

    static func text(_ node: YAMLNode) -> String? {
        if case .scalar(let text, _) = node.content { return text }
        return nil
    }

    static func isFlow(_ node: YAMLNode, in file: SourceFile) -> Bool {
        guard let start = node.span.start else { return false }
        let offset = file.byteOffset(of: start)
        return offset < file.bytes.count && file.bytes[offset] == UInt8(ascii: "[")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
