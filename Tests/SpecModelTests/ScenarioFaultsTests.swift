import SpecModel
import Testing

/// `spec.faults` of a Scenario: every kind decodes to its values with spans, every mistake is reported with its code
/// at its place, and the JSON Schema offers one closed object per kind.
@Suite struct ScenarioFaultsTests {
    /// A scenario on AAPL and NVDA, window [10, 40) minutes after the open; `faults` start on line 12.
    static func scenario(_ faults: String, symbols: String? = "[AAPL, NVDA]") -> String {
        """
        apiVersion: torghut.dev/v1
        kind: Scenario
        metadata:
          name: s
        spec:
          universe: u
        \(symbols.map { "  symbols: \($0)" } ?? "  # every symbol of the universe")
          session: {date: 2026-03-06, start_minutes_after_open: 10, minutes: 30}
          source: {generator: {kind: trend_day, seed: 7}}
          account: {starting_cash_usd: 100000}
          faults:

        """ + faults
    }

    static func decode(_ text: String) -> (ScenarioSpec?, [Diagnostic]) {
        let (documents, diagnostics) = decodeSpecs(text)
        guard case .scenario(let spec)? = documents.first?.body else { return (nil, diagnostics) }
        return (spec, diagnostics)
    }

    static func at(_ span: SourceSpan) -> String { DiagnosticRenderer.location(span) }

    @Test func everyKindDecodesWithItsValuesAndSpans() throws {
        let text = Self.scenario(
            """
                - {kind: price_shock, at_minutes_after_open: 15, move_fraction: -0.1, symbols: [NVDA]}
                - {kind: price_shock, at_minutes_after_open: 16, move_fraction: 0.05}
                - {kind: bad_tick, symbol: AAPL, at_minutes_after_open: 20, price_factor: 100}
                - {kind: nan_price, symbol: NVDA, at_minutes_after_open: 21, minutes: 3}
                - {kind: duplicate_burst, symbol: AAPL, at_minutes_after_open: 22, minutes: 2, copies: 5}
                - kind: feed_delay
                  symbol: NVDA
                  at_minutes_after_open: 30
                  minutes: 10
                - {kind: clock_skew, symbol: AAPL, at_minutes_after_open: 39, skew_seconds: -90}

            """)
        let (decoded, diagnostics) = Self.decode(text)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let faults = try #require(decoded).faults
        #expect(
            faults.map(\.kind.value) == ScenarioSpec.FaultKind.allCases.flatMap { $0 == .priceShock ? [$0, $0] : [$0] })
        #expect(faults.map(\.atMinutesAfterOpen.value) == [15, 16, 20, 21, 22, 30, 39])

        #expect(
            faults[0].effect
                == .priceShock(
                    moveFraction: Located(Decimal("-0.1")!, span: .file("")),
                    symbols: [
                        Located(Symbol("NVDA")!, span: .file(""))
                    ]))
        #expect(Self.at(faults[0].span) == "s.yaml:12:7")
        #expect(Self.at(faults[0].kind.span) == "s.yaml:12:14")
        #expect(Self.at(faults[0].atMinutesAfterOpen.span) == "s.yaml:12:50")
        #expect(faults[0].namedSymbols.map(\.value.rawValue) == ["NVDA"] && faults[0].symbol == nil)
        #expect(faults[0].minutes == nil)
        guard case .priceShock(let move, let all) = faults[1].effect else {
            Issue.record("not a price shock")
            return
        }
        #expect(move.value == Decimal("0.05") && Self.at(move.span) == "s.yaml:13:69")
        #expect(all.isEmpty && faults[1].namedSymbols.isEmpty, "absent symbols: every symbol")

        guard case .badTick(let symbol, let factor) = faults[2].effect else {
            Issue.record("not a bad tick")
            return
        }
        #expect(symbol.value.rawValue == "AAPL" && Self.at(symbol.span) == "s.yaml:14:32")
        #expect(factor.value == Decimal(100) && Self.at(factor.span) == "s.yaml:14:79")
        #expect(faults[2].minutes == nil)

        #expect(faults[3].effect.kind == .nanPrice && faults[3].symbol?.value.rawValue == "NVDA")
        #expect(faults[3].minutes?.value == 3 && Self.at(faults[3].minutes!.span) == "s.yaml:15:75")

        guard case .duplicateBurst(_, let minutes, let copies) = faults[4].effect else {
            Issue.record("not a duplicate burst")
            return
        }
        #expect(minutes.value == 2 && copies.value == 5 && Self.at(copies.span) == "s.yaml:16:92")

        #expect(faults[5].effect.kind == .feedDelay && faults[5].minutes?.value == 10)
        #expect(Self.at(faults[5].span) == "s.yaml:17:7" && Self.at(faults[5].kind.span) == "s.yaml:17:13")
        #expect(Self.at(faults[5].symbol!.span) == "s.yaml:18:15")

        guard case .clockSkew(let skewed, let seconds) = faults[6].effect else {
            Issue.record("not a clock skew")
            return
        }
        #expect(skewed.value.rawValue == "AAPL" && seconds.value == -90 && Self.at(seconds.span) == "s.yaml:21:81")
    }

    @Test func faultsAreOptionalAndAnyTickerPassesWithoutSymbols() throws {
        let plain = Self.scenario("").replacing("  faults:\n", with: "")
        let (withoutFaults, diagnostics) = Self.decode(plain)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(try #require(withoutFaults).faults.isEmpty)
        // Without 'symbols' the universe decides, which decoding cannot see: any ticker decodes.
        let (spec, more) = Self.decode(
            Self.scenario(
                "    - {kind: bad_tick, symbol: TSLA, at_minutes_after_open: 10, price_factor: 0.01}\n", symbols: nil))
        #expect(more.isEmpty, "\(more)")
        #expect(try #require(spec).faults.first?.symbol?.value.rawValue == "TSLA")
    }

    /// (fault lines, code, location, message).
    static let errors: [(String, DiagnosticCode, String, String)] = [
        (
            "    - {kind: bad_tick, symbol: AAPL, at_minutes_after_open: 20, price_factor: 2, extra: 1}\n",
            .unknownKey, "s.yaml:12:82", "unknown key 'extra' in 'spec.faults[0]'"
        ),
        (
            "    - {kind: nan_price, symbol: NVDA, at_minutes_after_open: 20, minutes: 3, copies: 3}\n",
            .unknownKey, "s.yaml:12:78", "'copies' does not apply to a nan_price fault"
        ),
        (
            "    - {kind: price_shock, at_minutes_after_open: 20, move_fraction: 0.1, symbol: AAPL}\n",
            .unknownKey, "s.yaml:12:74", "'symbol' does not apply to a price_shock fault"
        ),
        (
            "    - {symbol: AAPL, at_minutes_after_open: 20}\n", .missingKey, "s.yaml:12:7",
            "missing required key 'kind' in 'spec.faults[0]'"
        ),
        (
            "    - {kind: feed_delay, at_minutes_after_open: 20, minutes: 3}\n",
            .missingKey, "s.yaml:12:7", "missing required key 'symbol' in 'spec.faults[0]'"
        ),
        (
            "    - {kind: duplicate_burst, symbol: AAPL, at_minutes_after_open: 20, minutes: 3}\n",
            .missingKey, "s.yaml:12:7", "missing required key 'copies' in 'spec.faults[0]'"
        ),
        (
            "    - {kind: clock_drift, symbol: AAPL, at_minutes_after_open: 20}\n",
            .invalidValue, "s.yaml:12:14", "'kind' does not allow 'clock_drift'"
        ),
        (
            "    - {kind: price_shock, at_minutes_after_open: 20, move_fraction: -0.9}\n",
            .outOfRange, "s.yaml:12:69", "'move_fraction' must be greater than -0.9 fraction, found -0.9"
        ),
        (
            "    - {kind: price_shock, at_minutes_after_open: 20, move_fraction: 10}\n",
            .outOfRange, "s.yaml:12:69", "'move_fraction' must be less than 10 fraction, found 10"
        ),
        (
            "    - {kind: bad_tick, symbol: AAPL, at_minutes_after_open: 20, price_factor: 0}\n",
            .outOfRange, "s.yaml:12:79", "'price_factor' must be greater than 0 multiple, found 0"
        ),
        (
            "    - {kind: duplicate_burst, symbol: AAPL, at_minutes_after_open: 20, minutes: 3, copies: 1001}\n",
            .outOfRange, "s.yaml:12:92", "'copies' must be at most 1000, found 1001"
        ),
        (
            "    - {kind: duplicate_burst, symbol: AAPL, at_minutes_after_open: 20, minutes: 3, copies: 0}\n",
            .outOfRange, "s.yaml:12:92", "'copies' must be at least 1, found 0"
        ),
        (
            "    - {kind: nan_price, symbol: AAPL, at_minutes_after_open: 20, minutes: 0}\n",
            .outOfRange, "s.yaml:12:75", "'minutes' must be at least 1, found 0"
        ),
        (
            "    - {kind: clock_skew, symbol: AAPL, at_minutes_after_open: 20, skew_seconds: 0}\n",
            .outOfRange, "s.yaml:12:81", "'skew_seconds' must not be zero"
        ),
        (
            "    - {kind: clock_skew, symbol: AAPL, at_minutes_after_open: 20, skew_seconds: -86401}\n",
            .outOfRange, "s.yaml:12:81", "'skew_seconds' must be at least -86400, found -86401"
        ),
        (
            "    - {kind: bad_tick, symbol: AAPL, at_minutes_after_open: 390, price_factor: 2}\n",
            .outOfRange, "s.yaml:12:61", "'at_minutes_after_open' must be at most 389, found 390"
        ),
        (
            "    - {kind: bad_tick, symbol: aapl, at_minutes_after_open: 20, price_factor: 2}\n",
            .invalidSymbol, "s.yaml:12:32", "'aapl' is not a valid ticker symbol"
        ),
        (
            "    - {kind: bad_tick, symbol: AAPL, at_minutes_after_open: 20, price_factor: two}\n",
            .wrongType, "s.yaml:12:79", "'price_factor' must be a number (multiple), found 'two'"
        ),
        (
            "    - price_shock\n", .wrongType, "s.yaml:12:7",
            "'faults[0]' must be a mapping with 'kind', found 'price_shock'"
        ),
        (
            "    - {kind: bad_tick, symbol: MSFT, at_minutes_after_open: 20, price_factor: 2}\n",
            .overrideOutsideUniverse, "s.yaml:12:32",
            "faults[0] names 'MSFT', which is not among the scenario's symbols, so the fault never applies"
        ),
        (
            "    - {kind: price_shock, at_minutes_after_open: 20, move_fraction: 0.1, symbols: [NVDA, TSLA]}\n",
            .overrideOutsideUniverse, "s.yaml:12:90",
            "faults[0] names 'TSLA', which is not among the scenario's symbols, so the fault never applies"
        ),
        (
            "    - {kind: clock_skew, symbol: AAPL, at_minutes_after_open: 9, skew_seconds: 5}\n",
            .conflictingValues, "s.yaml:12:63",
            "faults[0] (clock_skew) is at minute 9, outside the session window [10, 40) minutes after the open"
        ),
        (
            "    - {kind: price_shock, at_minutes_after_open: 40, move_fraction: 0.1}\n",
            .conflictingValues, "s.yaml:12:50",
            "faults[0] (price_shock) is at minute 40, outside the session window [10, 40) minutes after the open"
        ),
        (
            "    - {kind: feed_delay, symbol: NVDA, at_minutes_after_open: 35, minutes: 6}\n",
            .conflictingValues, "s.yaml:12:76",
            "faults[0] (feed_delay) lasts until minute 41, past the end of the session window [10, 40) minutes after "
                + "the open"
        ),
    ]

    @Test(arguments: Self.errors.indices)
    func mistakesAreReportedWithCodeAndPlace(_ index: Int) {
        let (fault, code, location, message) = Self.errors[index]
        let (_, diagnostics) = Self.decode(Self.scenario(fault))
        #expect(diagnostics.count == 1, "\(diagnostics)")
        let diagnostic = diagnostics.first
        #expect(diagnostic?.code == code)
        #expect(diagnostic?.severity == .error)
        #expect(diagnostic.map { Self.at($0.span) } == location)
        #expect(diagnostic?.message == message)
    }

    @Test func aForeignKeyNamesTheKindItBelongsTo() {
        let (_, diagnostics) = Self.decode(
            Self.scenario(
                "    - {kind: clock_skew, symbol: AAPL, at_minutes_after_open: 20, skew_seconds: 5, minutes: 3}\n"))
        #expect(diagnostics.map(\.code) == [.unknownKey])
        #expect(
            diagnostics.first?.notes == [
                "'minutes' belongs to nan_price and duplicate_burst and feed_delay faults",
                "a clock_skew fault takes: kind, at_minutes_after_open, symbol, skew_seconds",
            ])
    }

    @Test func everyFaultIsCheckedInOneRun() {
        let (spec, diagnostics) = Self.decode(
            Self.scenario(
                """
                    - {kind: bad_tick, symbol: MSFT, at_minutes_after_open: 20, price_factor: 2}
                    - {kind: nan_price, symbol: AAPL, at_minutes_after_open: 0, minutes: 3}
                    - {kind: duplicate_burst, symbol: AAPL, at_minutes_after_open: 20, minutes: 3, copies: 0}
                    - {kind: feed_delay, symbol: NVDA, at_minutes_after_open: 20, minutes: 3}

                """))
        #expect(
            diagnostics.map { "\($0.code) \(Self.at($0.span))" } == [
                "SPEC015 s.yaml:14:92", "SPEC028 s.yaml:12:32", "SPEC025 s.yaml:13:62",
            ])
        #expect(spec?.faults.count == 4)
        #expect(spec?.faults[3].effect.kind == .feedDelay)
    }

    @Test func theSchemaOffersOneClosedObjectPerKind() throws {
        let schema = SpecDocument.jsonSchema(for: .scenario)
        guard case .object(let root) = schema, case .object(let properties)? = root["properties"],
            case .object(let spec)? = properties["spec"], case .object(let specProperties)? = spec["properties"],
            case .object(let faults)? = specProperties["faults"], case .object(let items)? = faults["items"],
            case .array(let choices)? = items["oneOf"]
        else {
            Issue.record("spec.faults.items.oneOf is missing")
            return
        }
        #expect(faults["type"] == "array")
        #expect(choices.count == ScenarioSpec.FaultKind.allCases.count)
        for (choice, kind) in zip(choices, ScenarioSpec.FaultKind.allCases) {
            guard case .object(let object) = choice, case .object(let keys)? = object["properties"] else {
                Issue.record("\(kind.rawValue) is not an object schema")
                continue
            }
            #expect(object["additionalProperties"] == false)
            #expect(
                keys["kind"] == [
                    "description": .string("The fault kind: \(kind.rawValue)."), "enum": [.string(kind.rawValue)],
                ])
            #expect(keys.keys.sorted() == kind.keys.sorted(), "\(kind.rawValue)")
            let required = kind.keys.filter { $0 != "symbols" }.map { JSONValue.string($0) }
            #expect(object["required"] == .array(required), "\(kind.rawValue)")
        }
        guard case .object(let shock) = choices[0], case .object(let shockKeys)? = shock["properties"],
            case .object(let move)? = shockKeys["move_fraction"],
            case .object(let skew)? = {
                if case .object(let clock) = choices[5], case .object(let keys)? = clock["properties"] {
                    return keys["skew_seconds"]
                }
                return nil
            }()
        else {
            Issue.record("move_fraction or skew_seconds is missing")
            return
        }
        #expect(move["exclusiveMinimum"] == .double(-0.9) && move["exclusiveMaximum"] == 10)
        #expect(skew["minimum"] == -86_400 && skew["maximum"] == 86_400 && skew["not"] == ["const": 0])
    }
}
