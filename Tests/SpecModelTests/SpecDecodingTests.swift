import SpecModel
import Testing

/// Decodes every document of `text`; returns the documents and all diagnostics (YAML and spec).
func decodeSpecs(_ text: String) -> ([SpecDocument], [Diagnostic]) {
    let (documents, yamlDiagnostics) = YAMLLoader().load(SourceFile(path: "s.yaml", text: text))
    let session = DecodeSession()
    let specs = documents.compactMap { SpecDocument.decode($0, in: session) }
    return (specs, yamlDiagnostics + session.diagnostics.items)
}

func universe(_ spec: String) -> String {
    "apiVersion: torghut.dev/v1\nkind: Universe\nmetadata:\n  name: u\nspec:\n" + spec
}

func riskPolicy(_ spec: String) -> String {
    "apiVersion: torghut.dev/v1\nkind: RiskPolicy\nmetadata:\n  name: p\nspec:\n  universe: u\n" + spec
}

@Suite struct SpecDecodingTests {
    @Test func universeDecodesWithDefaults() throws {
        let (documents, diagnostics) = decodeSpecs(universe("  symbols: [SPY, BRK.B]\n"))
        #expect(diagnostics.isEmpty)
        guard case .universe(let value) = try #require(documents.first).body else {
            Issue.record("not a universe")
            return
        }
        #expect(value.symbols.map(\.value.rawValue) == ["SPY", "BRK.B"])
        #expect(value.assetClass == "equity")
        #expect(value.requireNonEmpty)
        #expect(value.dynamicSource == nil)
        #expect(value.symbols[1].span.start == SourceLocation(line: 6, column: 18))
    }

    @Test func riskPolicyDecodesLimitsOverridesAndDefaults() throws {
        let text = riskPolicy(
            """
              shorts: {allowed: true}
              limits:
                max_notional_per_trade_usd: 1000.50
                max_open_positions: 12
                max_position_fraction_of_equity: 0.08
              overrides:
                - strategy: intraday_tsmom_v1@prod
                  limits: {max_notional_per_trade_usd: 500}
                - symbol: TSLA
                  limits: {price_band_bps: 50}

            """)
        let (documents, diagnostics) = decodeSpecs(text)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        guard case .riskPolicy(let policy) = try #require(documents.first).body else {
            Issue.record("not a risk policy")
            return
        }
        #expect(policy.shorts.allowed && policy.shorts.wholeSharesOnly && policy.shorts.requireEasyToBorrow)
        #expect(policy.limits["max_notional_per_trade_usd"] == Decimal("1000.5"))
        #expect(policy.limits["max_open_positions"] == Decimal(12))
        #expect(policy.limits["max_position_fraction_of_equity"] == Decimal("0.08"))
        #expect(policy.limits["cooldown_seconds"] == nil)
        #expect(policy.overrides.map(\.scope) == [.strategy, .symbol])
        #expect(policy.overrides[0].strategy?.value.rawValue == "intraday_tsmom_v1@prod")
        #expect(policy.overrides[1].limits["price_band_bps"] == Decimal(50))
        #expect(policy.quantity.fractionalStepShares == Decimal("0.0001"))
        #expect(policy.patternDayTrader.maxDayTradesPerFiveSessions == 3)
        #expect(policy.buyingPower.includePendingOrders)
    }

    @Test func allErrorsOfADocumentAreCollected() {
        let text = riskPolicy(
            """
              shorts: {allowed: maybe}
              limits:
                max_notional_per_trade_usd: -1
                max_open_positions: 1.5
                cooldown_seconds: "30"
              extra: 1

            """)
        let (_, diagnostics) = decodeSpecs(text)
        let found = Diagnostic.sorted(diagnostics).map { "\($0.span.start!.line):\($0.code.id)" }
        #expect(found == ["7:SPEC014", "9:SPEC015", "10:SPEC014", "11:SPEC014", "12:SPEC012"])
    }

    @Test func overrideScopeMustBeExactlyOne() {
        let neither = riskPolicy("  shorts: {allowed: false}\n  overrides:\n    - limits: {cooldown_seconds: 1}\n")
        #expect(decodeSpecs(neither).1.map(\.code) == [.missingKey])
        let both = riskPolicy(
            "  shorts: {allowed: false}\n  overrides:\n    - {strategy: s, symbol: AAPL, limits: {cooldown_seconds: 1}}\n")
        #expect(decodeSpecs(both).1.map(\.code) == [.conflictingValues])
        let repeated = riskPolicy(
            """
              shorts: {allowed: false}
              overrides:
                - {symbol: AAPL, limits: {cooldown_seconds: 1}}
                - {symbol: AAPL, limits: {cooldown_seconds: 2}}

            """)
        let duplicate = decodeSpecs(repeated).1
        #expect(duplicate.map(\.code) == [.duplicateEntry])
        #expect(duplicate.first?.span.start == SourceLocation(line: 10, column: 7))
        #expect(duplicate.first?.message == "overrides[1] repeats the scope of overrides[0] (symbol AAPL)")
    }

    @Test func entryWindowMustFitTheSession() {
        let halfDay = riskPolicy(
            "  shorts: {allowed: false}\n  trading_hours:\n    early_close: {entries_start_minutes_after_open: 200, "
                + "entries_end_minutes_before_close: 10}\n")
        let diagnostics = decodeSpecs(halfDay).1
        #expect(diagnostics.map(\.code) == [.conflictingValues])
        #expect(diagnostics.first?.message.contains("210-minute session") == true)
        let tooLong = riskPolicy(
            "  shorts: {allowed: false}\n  trading_hours:\n    early_close: {entries_end_minutes_before_close: 300}\n")
        #expect(decodeSpecs(tooLong).1.map(\.code) == [.outOfRange])
        let regular = riskPolicy(
            "  shorts: {allowed: false}\n  trading_hours:\n    regular: {entries_end_minutes_before_close: 300}\n")
        #expect(decodeSpecs(regular).1.isEmpty)
    }

    @Test func missingDataPoliciesAreChoices() throws {
        let text = riskPolicy(
            "  shorts: {allowed: true, when_borrow_data_missing: reject}\n  when_adv_missing: reject\n")
        let (documents, diagnostics) = decodeSpecs(text)
        #expect(diagnostics.isEmpty)
        guard case .riskPolicy(let policy) = try #require(documents.first).body else { return }
        #expect(policy.shorts.whenBorrowDataMissing == "reject")
        #expect(policy.whenADVMissing == "reject")
        let bad = riskPolicy("  shorts: {allowed: true}\n  when_adv_missing: ignore\n")
        #expect(decodeSpecs(bad).1.map(\.code) == [.invalidValue])
    }

    @Test func bareScalarDocumentIsNotASpec() {
        let diagnostics = decodeSpecs("just text\n").1
        #expect(diagnostics.map(\.code) == [.wrongType])
        #expect(
            diagnostics.first?.message
                == "a spec document must be a mapping with apiVersion, kind, metadata and spec, found 'just text'")
    }

    @Test func symbolAllowedAndDeniedConflicts() {
        let text = riskPolicy("  shorts: {allowed: false}\n  symbols: {allow: [AAPL, MSFT], deny: [MSFT]}\n")
        let diagnostics = decodeSpecs(text).1
        #expect(diagnostics.map(\.code) == [.conflictingValues])
        #expect(diagnostics.first?.message == "'MSFT' is both allowed and denied")
    }

    @Test func sessionWindowExitsMustNotStopBeforeEntries() {
        let text = riskPolicy(
            "  shorts: {allowed: false}\n  trading_hours:\n    regular: {exits_end_minutes_before_close: 10}\n")
        #expect(decodeSpecs(text).1.map(\.code) == [.conflictingValues])
    }

    @Test func dynamicSourceStalenessMustCoverTheCache() {
        let text = universe(
            "  symbols: [SPY]\n  dynamic_source: {provider: jangar, url: 'http://x', cache_ttl_seconds: 600, "
                + "max_stale_seconds: 60}\n")
        #expect(decodeSpecs(text).1.map(\.code) == [.conflictingValues])
    }

    @Test func rootMustBeAMapping() {
        let diagnostics = decodeSpecs("- a\n- b\n").1
        #expect(diagnostics.map(\.code) == [.wrongType])
    }

    @Test func missingKindListsKnownKinds() {
        let diagnostics = decodeSpecs("apiVersion: torghut.dev/v1\nmetadata: {name: x}\n").1
        #expect(diagnostics.map(\.code) == [.unknownKind])
        #expect(diagnostics.first?.notes == ["known kinds: Universe, RiskPolicy, Strategy, Scenario"])
    }
}

@Suite struct ScalarResolutionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var code: String?
        var testDescription: String { self.name }
    }

    /// Each value goes into `max_open_positions` (integer) or `max_notional_per_trade_usd` (decimal) or
    /// `shorts.allowed` (bool); `code` nil means accepted.
    static let cases: [Case] = [
        Case(name: "integer plain", yaml: "limits: {max_open_positions: 12}", code: nil),
        Case(name: "integer zero", yaml: "limits: {max_open_positions: 0}", code: nil),
        Case(name: "integer leading zero", yaml: "limits: {max_open_positions: 010}", code: "SPEC018"),
        Case(name: "integer underscore", yaml: "limits: {max_open_positions: 1_000}", code: "SPEC018"),
        Case(name: "integer hex", yaml: "limits: {max_open_positions: 0x10}", code: "SPEC018"),
        Case(name: "integer octal 1.2", yaml: "limits: {max_open_positions: 0o10}", code: "SPEC018"),
        Case(name: "integer sexagesimal", yaml: "limits: {max_open_positions: 1:30}", code: "SPEC018"),
        Case(name: "integer fraction", yaml: "limits: {max_open_positions: 1.5}", code: "SPEC014"),
        Case(name: "integer exponent", yaml: "limits: {max_open_positions: 1e3}", code: "SPEC014"),
        Case(name: "integer negative", yaml: "limits: {max_open_positions: -1}", code: "SPEC015"),
        Case(name: "integer above max", yaml: "limits: {max_open_positions: 1000001}", code: "SPEC015"),
        Case(name: "integer huge", yaml: "limits: {max_open_positions: 99999999999999999999}", code: "SPEC015"),
        Case(name: "integer quoted", yaml: "limits: {max_open_positions: '12'}", code: "SPEC014"),
        Case(name: "integer null", yaml: "limits: {max_open_positions: ~}", code: "SPEC014"),
        Case(name: "integer list", yaml: "limits: {max_open_positions: [1]}", code: "SPEC014"),
        Case(name: "decimal plain", yaml: "limits: {max_notional_per_trade_usd: 1000.25}", code: nil),
        Case(name: "decimal exponent", yaml: "limits: {max_notional_per_trade_usd: 1e3}", code: nil),
        Case(name: "decimal trailing zeros", yaml: "limits: {max_notional_per_trade_usd: 0.000300000000}", code: nil),
        Case(name: "decimal zero", yaml: "limits: {max_notional_per_trade_usd: 0}", code: nil),
        Case(name: "decimal negative", yaml: "limits: {max_notional_per_trade_usd: -0.01}", code: "SPEC015"),
        Case(name: "decimal nan", yaml: "limits: {max_notional_per_trade_usd: .NaN}", code: "SPEC017"),
        Case(name: "decimal inf", yaml: "limits: {max_notional_per_trade_usd: .inf}", code: "SPEC017"),
        Case(name: "decimal -inf", yaml: "limits: {max_notional_per_trade_usd: -.Inf}", code: "SPEC017"),
        Case(name: "decimal bare inf", yaml: "limits: {max_notional_per_trade_usd: inf}", code: "SPEC017"),
        Case(name: "decimal 10 places", yaml: "limits: {max_notional_per_trade_usd: 0.1234567891}", code: "SPEC019"),
        Case(name: "decimal too large", yaml: "limits: {max_notional_per_trade_usd: 1e10}", code: "SPEC015"),
        Case(name: "decimal text", yaml: "limits: {max_notional_per_trade_usd: lots}", code: "SPEC014"),
        Case(name: "decimal quoted", yaml: "limits: {max_notional_per_trade_usd: \"1000\"}", code: "SPEC014"),
        Case(name: "decimal tagged str", yaml: "limits: {max_notional_per_trade_usd: !!str 1000}", code: "SPEC014"),
        Case(name: "decimal tagged float", yaml: "limits: {max_notional_per_trade_usd: !!float '1000'}", code: nil),
        Case(name: "decimal leading zero", yaml: "limits: {max_notional_per_trade_usd: 0100}", code: "SPEC018"),
        Case(name: "decimal zero point", yaml: "limits: {max_notional_per_trade_usd: 0.5}", code: nil),
        Case(name: "bps must be positive", yaml: "limits: {price_band_bps: 0}", code: "SPEC015"),
        Case(name: "fraction above one", yaml: "limits: {max_position_fraction_of_equity: 1.5}", code: "SPEC027"),
        Case(name: "fraction one", yaml: "limits: {max_position_fraction_of_equity: 1}", code: nil),
    ]

    @Test(arguments: cases)
    func scalarIsReadByItsExpectedType(_ testCase: Case) {
        let text = riskPolicy("  shorts: {allowed: false}\n  \(testCase.yaml)\n")
        let codes = decodeSpecs(text).1.map(\.code.id)
        #expect(codes == (testCase.code.map { [$0] } ?? []), "\(testCase.name)")
    }

    static let booleans: [(String, Bool?, String?)] = [
        ("true", true, nil), ("True", true, nil), ("TRUE", true, nil), ("false", false, nil),
        ("FALSE", false, nil), ("NO", nil, "SPEC018"), ("yes", nil, "SPEC018"), ("On", nil, "SPEC018"),
        ("off", nil, "SPEC018"), ("y", nil, "SPEC018"), ("'true'", nil, "SPEC014"), ("1", nil, "SPEC014"),
        ("~", nil, "SPEC014"),
    ]

    @Test(arguments: booleans)
    func booleansAcceptOnlyYAML12Spellings(_ text: String, _ expected: Bool?, _ code: String?) throws {
        let (documents, diagnostics) = decodeSpecs(riskPolicy("  shorts: {allowed: \(text)}\n"))
        #expect(diagnostics.map(\.code.id) == (code.map { [$0] } ?? []), "\(text)")
        if let expected, case .riskPolicy(let policy) = try #require(documents.first).body {
            #expect(policy.shorts.allowed == expected)
        }
    }

    /// YAML 1.1 surprises are text where text is expected: `NO` (Norway) and `010` are valid tickers/names.
    @Test func stringsKeepYAML11LookalikesAsText() {
        let (documents, diagnostics) = decodeSpecs(
            "apiVersion: torghut.dev/v1\nkind: Universe\nmetadata: {name: 010, description: yes}\n"
                + "spec: {symbols: [NO, ON, Y]}\n")
        #expect(diagnostics.isEmpty)
        #expect(documents.first?.name.rawValue == "010")
        #expect(documents.first?.metadata.description == "yes")
    }
}

@Suite struct IdentifierTests {
    static let valid = ["a", "intraday_tsmom_v1@prod", "0day", "a.b-c_d", "x@y-z_1", "legacy_macd_rsi"]
    static let invalid = ["", "A", "_a", "-a", ".a", "a@", "a@B", "a@b@c", "a b", "é", "a/b", String(repeating: "a", count: 129)]

    @Test(arguments: valid)
    func validIdentifiers(_ text: String) { #expect(Identifier(text) != nil, "\(text)") }

    @Test(arguments: invalid)
    func invalidIdentifiers(_ text: String) { #expect(Identifier(text) == nil, "\(text)") }

    @Test func symbols() {
        for text in ["A", "SPY", "BRK.B", "BF-B", "ABCDEFGHIJ"] { #expect(Symbol(text) != nil, "\(text)") }
        for text in ["", "spy", "1A", "ABCDEFGHIJK", "BTC/USD", "A B"] { #expect(Symbol(text) == nil, "\(text)") }
    }
}

func strategy(_ spec: String) -> String {
    "apiVersion: torghut.dev/v1\nkind: Strategy\nmetadata:\n  name: s\nspec:\n  timeframe: 1Min\n  universe: u\n"
        + "  sizing: {max_notional_usd: 100}\n" + spec
}

@Suite struct StrategyDecodingTests {
    static let long = "    long: {when: [rsi14 < 30], confidence: {base: 0.6}}\n"
    static let short = "    short: {when: [rsi14 > 70], confidence: {base: 0.6}}\n"

    @Test func entryOrderMustListExactlyTheDefinedRules() {
        let missing = decodeSpecs(strategy("  entries:\n    order: [short]\n" + Self.long + Self.short)).1
        #expect(missing.map(\.code) == [.conflictingValues])
        #expect(missing.first?.message == "'order' lists short but the rules defined are long, short")
        #expect(missing.first?.span.start == SourceLocation(line: 10, column: 12))
        let extra = decodeSpecs(strategy("  entries:\n    order: [long, short]\n" + Self.long)).1
        #expect(extra.map(\.code) == [.conflictingValues])
        #expect(decodeSpecs(strategy("  entries:\n" + Self.short + Self.long)).1.isEmpty)
    }

    @Test func defaultOrderFollowsTheDefinedRules() throws {
        let (documents, diagnostics) = decodeSpecs(strategy("  entries:\n" + Self.short))
        #expect(diagnostics.isEmpty)
        guard case .strategy(let spec) = try #require(documents.first).body else { return }
        #expect(spec.entries.order == ["short"])
    }

    @Test(arguments: [
        ("  version: '1.1'\n", "version"), ("  version: 1.1.x\n", "version"),
    ])
    func versionMustBeSemantic(_ line: String, _ key: String) {
        let diagnostics = decodeSpecs(strategy(line + "  entries:\n" + Self.long)).1
        #expect(diagnostics.map(\.code) == [.invalidValue], "\(line)")
        #expect(diagnostics.first?.notes == ["expected the form 1.1.0 (pattern ^[0-9]+\\.[0-9]+\\.[0-9]+$)"])
    }

    @Test func reasonsMustBeSnakeCase() {
        let text = strategy("  entries:\n    long: {when: [rsi14 < 30], confidence: {base: 0.6}, reasons: [Trend-Up]}\n")
        let diagnostics = decodeSpecs(text).1
        #expect(diagnostics.map(\.code) == [.invalidValue])
        #expect(diagnostics.first?.message == "'reasons[0]' does not allow 'Trend-Up'")
    }

    @Test func anOutOfRangeWindowIsReportedOnceWithoutAFalseEmptyWindow() {
        let text = strategy(
            "  entries:\n    long: {window: {start_minutes_after_open: 0, end_minutes_after_open: 400}, "
                + "when: [rsi14 < 30], confidence: {base: 0.6}}\n")
        let diagnostics = decodeSpecs(text).1
        #expect(diagnostics.map(\.code) == [.outOfRange])
        #expect(diagnostics.first?.message == "'end_minutes_after_open' must be at most 390, found 400")
    }

    @Test func aScalarWhenIsATypeErrorOnly() {
        let diagnostics = decodeSpecs(strategy("  entries:\n    long: {when: rsi14 < 30, confidence: {base: 0.6}}\n")).1
        #expect(diagnostics.map(\.code) == [.wrongType])
    }

    @Test func unitlessNumbersReadCleanly() {
        let diagnostics = decodeSpecs(strategy("  entries:\n    long: {when: [rsi14 < 30], confidence: {base: 1.5}}\n")).1
        #expect(diagnostics.map(\.message) == ["'base' must be at most 1, found 1.5"])
        let quoted = decodeSpecs(strategy("  params: {level: '30'}\n  entries:\n" + Self.long)).1
        #expect(quoted.map(\.message) == ["'level' must be a number, found the string \"30\""])
    }
}
