import SpecModel

/// `torghut import torghut-simulation`: turns the original Torghut's historical-simulation manifests (reference 03
/// §1.10: a dataset id, a window, and the settings of its Kafka/ClickHouse replay) into `Scenario` specs.
///
/// The original replays a ClickHouse dump of a recorded day, which does not exist here, so every imported scenario is
/// `synthetic: true` and runs on a seeded `trend_day` generator whose seed is derived from the dataset id (the low 32
/// bits of its XXH3-128): the same manifest always gives the same scenario, byte for byte. What carries over:
///
/// - `window.trading_day` → `session.date`; `window.start`/`end` (UTC) → minutes after the New York open, with the
///   US daylight-saving rule (since 2007: second Sunday of March to first Sunday of November), the same rule as the
///   runtime's calendar (which `SpecCompiler` cannot import);
/// - `monitor.min_trade_decisions` → gate `decisions`, `monitor.min_executions` → gate `orders` (Torghut's
///   `executions` table holds one row per order sent to the broker); other thresholds are warned about;
/// - `reporting.commission_bps` / `per_trade_fee` → `costs`;
/// - `dataset_id`, `candidate_id`, the file name and the window → `origin`.
///
/// The replay infrastructure (Kafka, ClickHouse, Postgres, Argo, rollouts, pacing, caching, coverage) has no
/// counterpart and is ignored. Options manifests (`lane: options`) are skipped with a warning: this version simulates
/// equities only.
public struct SimulationManifestImporter: Sendable {
    public struct Output: Sendable {
        /// (file name, text) of each generated Scenario, in input order.
        public var files: [(name: String, text: String)]
        public var diagnostics: [Diagnostic]
    }

    /// The Universe every imported scenario trades (Torghut's simulations ran its whole equity universe).
    public var universe: Identifier
    /// The account's cash at the start; the manifests do not say (Torghut used the paper account's balance).
    public var startingCashUSD: Decimal

    public init(universe: Identifier = Identifier("us-equities")!, startingCashUSD: Decimal = Decimal(100_000)) {
        self.universe = universe
        self.startingCashUSD = startingCashUSD
    }

    /// Converts every manifest. Each scenario is named after its `dataset_id`; a second manifest that yields the very
    /// same scenario (Torghut's `refresh`/`warm` pairs differ only in their cache policy) is skipped with a warning.
    public func importManifests(_ manifests: [SourceFile]) -> Output {
        var diagnostics: [Diagnostic] = []
        var files: [(name: String, text: String)] = []
        var written: [String: (manifest: String, comparable: String)] = [:]
        for manifest in manifests {
            guard let scenario = self.convert(manifest, diagnostics: &diagnostics) else { continue }
            if let first = written[scenario.name] {
                if first.comparable == scenario.comparable {
                    diagnostics.append(
                        Diagnostic(
                            .duplicateName,
                            "'\(scenario.manifest)' gives the same scenario as '\(first.manifest)' (\(scenario.name)); "
                                + "it is not written again", at: scenario.nameSpan, severity: .warning,
                            notes: ["the manifests differ only in settings of the original's replay (e.g. cachePolicy)"]
                        ))
                } else {
                    diagnostics.append(
                        Diagnostic(
                            .duplicateName,
                            "'\(scenario.manifest)' would also be named '\(scenario.name)', like the different "
                                + "scenario of '\(first.manifest)'", at: scenario.nameSpan,
                            notes: ["import them into different directories"]))
                }
                continue
            }
            written[scenario.name] = (scenario.manifest, scenario.comparable)
            files.append(("\(scenario.name).yaml", scenario.header + scenario.body))
        }
        return Output(files: files, diagnostics: Diagnostic.sorted(diagnostics))
    }

    struct Converted {
        var name: String
        var nameSpan: SourceSpan
        var manifest: String
        var header: String
        /// The document, `origin.manifest` included.
        var body: String
        /// The document without `origin.manifest`: equal texts are the same scenario.
        var comparable: String
    }

    func convert(_ file: SourceFile, diagnostics: inout [Diagnostic]) -> Converted? {
        let (documents, yamlDiagnostics) = YAMLLoader().load(file)
        guard yamlDiagnostics.isEmpty else {
            diagnostics += yamlDiagnostics
            return nil
        }
        guard let root = documents.first?.root, case .mapping = root.content else {
            diagnostics.append(
                Diagnostic(
                    .wrongType, "a simulation manifest is a mapping with dataset_id and window", at: .file(file.path)))
            return nil
        }
        let before = diagnostics.count
        var reader = ManifestReader(root: root, file: file.path)
        // Options manifests: another lane, other data (contracts, quotes of options); not equities.
        if reader.text(["lane"]) == "options" || reader.text(["schema_version"])?.contains("options") == true {
            let node = reader.node(["lane"]) ?? reader.node(["schema_version"]) ?? root
            diagnostics.append(
                Diagnostic(
                    .invalidValue,
                    "options simulation manifests are not imported: this version simulates equities only",
                    at: node.span, severity: .warning))
            return nil
        }
        let manifestName = file.path.split(separator: "/").last.map(String.init) ?? file.path
        let datasetID = reader.requiredText(["dataset_id"], into: &diagnostics)
        let tradingDay = reader.requiredText(["window", "trading_day"], into: &diagnostics)
        let start = reader.requiredText(["window", "start"], into: &diagnostics)
        let end = reader.requiredText(["window", "end"], into: &diagnostics)
        if let zone = reader.node(["window", "timezone"]), reader.text(["window", "timezone"]) != "America/New_York" {
            diagnostics.append(
                Diagnostic(
                    .invalidValue, "window.timezone must be America/New_York, the exchange's time zone",
                    at: zone.span))
        }
        guard let datasetID, let tradingDay, let start, let end else { return nil }

        // The session: the trading day, and the window in minutes after its New York open.
        guard let date = CalendarDate(tradingDay.text) else {
            diagnostics.append(
                Diagnostic(
                    .invalidValue, "window.trading_day is not a date YYYY-MM-DD: '\(tradingDay.text)'",
                    at: tradingDay.span))
            return nil
        }
        guard let startUTC = UTCMinute.parse(start.text) else {
            diagnostics.append(Self.badInstant("window.start", start))
            return nil
        }
        guard let endUTC = UTCMinute.parse(end.text) else {
            diagnostics.append(Self.badInstant("window.end", end))
            return nil
        }
        let open = UTCMinute.newYorkOpen(date)
        let startMinute = startUTC - open
        let minutes = endUTC - startUTC
        let offset = UTCMinute.newYorkOffsetMinutes(date) / 60
        guard minutes > 0 else {
            diagnostics.append(
                Diagnostic(
                    .conflictingValues, "window.end (\(end.text)) is not after window.start (\(start.text))",
                    at: end.span))
            return nil
        }
        guard startMinute >= 0, startMinute + minutes <= ScenarioSpec.Session.regularMinutes else {
            diagnostics.append(
                Diagnostic(
                    .outOfRange,
                    "the window \(start.text) to \(end.text) is outside the regular session of \(date) "
                        + "(09:30-16:00 New York, UTC\(offset)): it starts \(startMinute) and ends "
                        + "\(startMinute + minutes) minutes after the open",
                    at: startMinute < 0 ? start.span : end.span,
                    notes: ["the open on \(date) is \(UTCMinute.format(open)) UTC"]))
            return nil
        }

        // The name: the dataset id as an identifier.
        guard let name = Self.identifier(from: datasetID.text) else {
            diagnostics.append(
                Diagnostic(
                    .invalidIdentifier, "no scenario name can be made from dataset_id '\(datasetID.text)'",
                    at: datasetID.span, notes: ["a name needs at least one letter or digit"]))
            return nil
        }

        // Symbols, when an equity manifest lists them.
        var symbols: [String] = []
        if let node = reader.node(["symbols"]) {
            guard case .sequence(let items) = node.content else {
                diagnostics.append(Diagnostic(.wrongType, "'symbols' must be a list of tickers", at: node.span))
                return nil
            }
            for item in items {
                guard case .scalar(let text, _) = item.content, let symbol = Symbol(text) else {
                    diagnostics.append(
                        Diagnostic(
                            .invalidSymbol, "\(item.shapeDescription) is not a valid ticker symbol", at: item.span))
                    continue
                }
                if !symbols.contains(symbol.rawValue) { symbols.append(symbol.rawValue) }
            }
        }

        // Gates: the thresholds with a one-to-one metric.
        var gates: [(metric: String, min: Decimal)] = []
        let thresholds: [(key: String, metric: String?, why: String)] = [
            ("min_trade_decisions", "decisions", ""),
            ("min_executions", "orders", ""),
            ("min_execution_tca_metrics", nil, "every fill is measured here; there is no separate TCA row to count"),
            (
                "min_execution_order_events", nil,
                "order events (Torghut's trade_updates rows) are not a run metric here"
            ),
        ]
        for threshold in thresholds {
            guard let node = reader.node(["monitor", threshold.key]) else { continue }
            guard let text = reader.text(["monitor", threshold.key]), let value = Decimal(text), !value.isNegative
            else {
                diagnostics.append(
                    Diagnostic(.wrongType, "monitor.\(threshold.key) must be a whole number", at: node.span))
                continue
            }
            guard let metric = threshold.metric else {
                diagnostics.append(
                    Diagnostic(
                        .unknownKey, "monitor.\(threshold.key) (\(value)) is not imported: \(threshold.why)",
                        at: reader.keySpan(["monitor", threshold.key]) ?? node.span, severity: .warning))
                continue
            }
            if !value.isZero { gates.append((metric, value)) }  // a minimum of 0 always passes
        }
        for (section, key) in [
            ("fill_price_error_budget", "budget_median_abs_slippage_bps"),
            ("fill_price_error_budget", "budget_p95_abs_slippage_bps"), ("reporting", "budget_median_abs_slippage_bps"),
            ("reporting", "budget_p95_abs_slippage_bps"),
        ] {
            guard let node = reader.node([section, key]) else { continue }
            diagnostics.append(
                Diagnostic(
                    .unknownKey,
                    "\(section).\(key) is not imported: it bounds absolute slippage; the run's "
                        + "slippage_bps_median and slippage_bps_p95 are signed (positive is a cost)",
                    at: reader.keySpan([section, key]) ?? node.span, severity: .warning,
                    notes: ["add a gate by hand if the signed value is what you mean"]))
        }
        if let overrides = reader.node(["torghut_env_overrides"]) {
            diagnostics.append(
                Diagnostic(
                    .unknownKey, "torghut_env_overrides are not imported: they configure the original's runtime",
                    at: reader.keySpan(["torghut_env_overrides"]) ?? overrides.span, severity: .warning,
                    notes: ["behaviour lives in the specs here (strategies, risk policy)"]))
        }

        // Costs: Torghut's report charged commission_bps of the notional and per_trade_fee per execution.
        var costs: [(key: String, value: Decimal)] = []
        for (key, target) in [("commission_bps", "commission_bps"), ("per_trade_fee", "per_trade_fee_usd")] {
            guard let node = reader.node(["reporting", key]) else { continue }
            guard let text = reader.text(["reporting", key]), let value = Decimal(text), !value.isNegative else {
                diagnostics.append(
                    Diagnostic(.wrongType, "reporting.\(key) must be a non-negative number", at: node.span))
                continue
            }
            costs.append((target, value))
        }
        guard diagnostics[before...].allSatisfy({ $0.severity != .error }) else { return nil }

        // The scenario text, key by key in the Scenario's order.
        let seed = ContentHash.of(bytes: Array(datasetID.text.utf8)).low & 0xffff_ffff
        let candidate = reader.text(["candidate_id"])
        var body = """
            apiVersion: torghut.dev/v1
            kind: Scenario
            metadata:
              name: \(name)
              description: \(Self.quoted("Torghut simulation \(datasetID.text) on synthetic stand-in data"))
            spec:
              universe: \(self.universe)

            """
        if !symbols.isEmpty { body += "  symbols: [\(symbols.joined(separator: ", "))]\n" }
        body += """
              session:
                date: \(date)
                start_minutes_after_open: \(startMinute)
                minutes: \(minutes)
              source:
                generator:
                  kind: trend_day
                  seed: \(seed)

            """
        if !costs.isEmpty {
            body += "  costs:\n" + costs.map { "    \($0.key): \($0.value)\n" }.joined()
        }
        body += "  account:\n    starting_cash_usd: \(self.startingCashUSD)\n"
        if !gates.isEmpty {
            body += "  gates:\n" + gates.map { "    - {metric: \($0.metric), min: \($0.min)}\n" }.joined()
        }
        body += "  synthetic: true\n  origin:\n"
        body += "    dataset_id: \(Self.quoted(datasetID.text))\n"
        if let candidate { body += "    candidate_id: \(Self.quoted(candidate))\n" }
        body += "    window_start: \(Self.quoted(start.text))\n    window_end: \(Self.quoted(end.text))\n"
        let header = """
            # Imported from the Torghut simulation manifest \(manifestName)
            # by `torghut import torghut-simulation`. synthetic: its ClickHouse dump does not exist here,
            # so a seeded generator stands in for the recorded day.

            """
        // origin.manifest is the one line that differs between manifests giving the same scenario.
        let withManifest = body.replacing(
            "  origin:\n", with: "  origin:\n    manifest: \(Self.quoted(manifestName))\n")
        return Converted(
            name: name, nameSpan: datasetID.span, manifest: manifestName, header: header, body: withManifest,
            comparable: body)
    }

    static func badInstant(_ key: String, _ value: (text: String, span: SourceSpan)) -> Diagnostic {
        Diagnostic(
            .invalidValue, "\(key) is not an ISO-8601 instant on a whole minute: '\(value.text)'", at: value.span,
            notes: ["e.g. 2026-03-06T14:30:00Z"])
    }

    /// The dataset id as an identifier: lower case; characters outside `[a-z0-9_.-]` become `-`; trimmed to start
    /// with a letter or digit; at most 128 bytes.
    static func identifier(from text: String) -> String? {
        var bytes: [UInt8] = []
        for byte in text.lowercased().utf8 {
            let allowed =
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            bytes.append(allowed ? byte : UInt8(ascii: "-"))
        }
        let isAlphanumeric = { (byte: UInt8) in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard let first = bytes.firstIndex(where: isAlphanumeric) else { return nil }
        let name = String(decoding: bytes[first...].prefix(Identifier.maxLength), as: UTF8.self)
        return Identifier(name)?.rawValue
    }

    /// A double-quoted YAML scalar.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Reads paths of keys in a manifest's node tree.
struct ManifestReader {
    var root: YAMLNode
    var file: String

    func pair(_ path: [String]) -> YAMLPair? {
        var node = self.root
        var found: YAMLPair?
        for key in path {
            guard case .mapping(let pairs) = node.content, let pair = pairs.first(where: { $0.keyText == key }) else {
                return nil
            }
            found = pair
            node = pair.value
        }
        return found
    }

    func node(_ path: [String]) -> YAMLNode? { self.pair(path)?.value }

    func keySpan(_ path: [String]) -> SourceSpan? { self.pair(path)?.key.span }

    func text(_ path: [String]) -> String? {
        guard let node = self.node(path), case .scalar(let text, _) = node.content, !node.isNull else { return nil }
        return text
    }

    /// A required scalar; SPEC013 (on the enclosing key, or the file) when absent, SPEC014 when not a scalar.
    mutating func requiredText(_ path: [String], into diagnostics: inout [Diagnostic]) -> (
        text: String, span: SourceSpan
    )? {
        let dotted = path.joined(separator: ".")
        guard let node = self.node(path) else {
            let parent = path.count > 1 ? self.keySpan(Array(path.dropLast())) : nil
            diagnostics.append(
                Diagnostic(.missingKey, "the manifest has no \(dotted)", at: parent ?? SourceSpan.file(self.file)))
            return nil
        }
        guard let text = self.text(path) else {
            diagnostics.append(
                Diagnostic(.wrongType, "\(dotted) must be a string, found \(node.shapeDescription)", at: node.span))
            return nil
        }
        return (text, node.span)
    }
}

/// Minutes since 1970-01-01T00:00Z, and the New York session's place in them.
enum UTCMinute {
    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)` on a whole minute (seconds and fraction zero).
    static func parse(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func literal(_ character: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = number(4), literal(UInt8(ascii: "-")), let month = number(2), literal(UInt8(ascii: "-")),
            let day = number(2), literal(UInt8(ascii: "T")) || literal(UInt8(ascii: " ")), let hour = number(2),
            literal(UInt8(ascii: ":")), let minute = number(2), hour < 24, minute < 60,
            let date = CalendarDate(year: year, month: month, day: day)
        else { return nil }
        if literal(UInt8(ascii: ":")) {
            guard let second = number(2), second == 0 else { return nil }
            if literal(UInt8(ascii: ".")) {
                var digits = 0
                while index < bytes.count, bytes[index] == UInt8(ascii: "0") {
                    index += 1
                    digits += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        var offset = 0
        if literal(UInt8(ascii: "Z")) || literal(UInt8(ascii: "z")) {
            offset = 0
        } else {
            let sign: Int
            if literal(UInt8(ascii: "+")) {
                sign = 1
            } else if literal(UInt8(ascii: "-")) {
                sign = -1
            } else {
                return nil
            }
            guard let hours = number(2), literal(UInt8(ascii: ":")), let minutes = number(2) else { return nil }
            offset = sign * (hours * 60 + minutes)
        }
        guard index == bytes.count else { return nil }
        return Self.days(date) * 1_440 + hour * 60 + minute - offset
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    static func days(_ date: CalendarDate) -> Int {
        let year = date.month <= 2 ? date.year - 1 : date.year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (date.month > 2 ? date.month - 3 : date.month + 9) + 2) / 5 + date.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// 0 = Sunday.
    static func weekday(_ date: CalendarDate) -> Int { ((Self.days(date) + 4) % 7 + 7) % 7 }

    /// The day of the `n`th Sunday of a month.
    static func nthSunday(_ n: Int, year: Int, month: Int) -> Int {
        let first = CalendarDate(year: year, month: month, day: 1)!
        return 1 + (7 - Self.weekday(first)) % 7 + (n - 1) * 7
    }

    /// The day of the last Sunday of a month.
    static func lastSunday(year: Int, month: Int) -> Int {
        let days = CalendarDate.daysInMonth(year: year, month: month)
        let last = CalendarDate(year: year, month: month, day: days)!
        return days - Self.weekday(last)
    }

    /// New York's offset from UTC on `date` at the open: −240 (EDT) or −300 (EST). The US rule since 2007: daylight
    /// time from the second Sunday of March to the first Sunday of November; 1987-2006 (and, as the runtime's
    /// calendar does, earlier years): from the first Sunday of April to the last Sunday of October. The switch is at
    /// 02:00 on a Sunday, so a trading day is entirely on one side of it.
    static func newYorkOffsetMinutes(_ date: CalendarDate) -> Int {
        let start: CalendarDate
        let end: CalendarDate
        if date.year >= 2007 {
            start = CalendarDate(year: date.year, month: 3, day: Self.nthSunday(2, year: date.year, month: 3))!
            end = CalendarDate(year: date.year, month: 11, day: Self.nthSunday(1, year: date.year, month: 11))!
        } else {
            start = CalendarDate(year: date.year, month: 4, day: Self.nthSunday(1, year: date.year, month: 4))!
            end = CalendarDate(year: date.year, month: 10, day: Self.lastSunday(year: date.year, month: 10))!
        }
        return date >= start && date < end ? -240 : -300
    }

    /// The UTC minute of 09:30 New York on `date`.
    static func newYorkOpen(_ date: CalendarDate) -> Int {
        Self.days(date) * 1_440 + 9 * 60 + 30 - Self.newYorkOffsetMinutes(date)
    }

    /// `HH:MM` of a UTC minute.
    static func format(_ minute: Int) -> String {
        let ofDay = ((minute % 1_440) + 1_440) % 1_440
        let hours = ofDay / 60
        let minutes = ofDay % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }
}
