import Runtime
import SpecCompiler
import SpecModel
import Testing

/// `specs/strategies/late-day-continuation-long.yaml` against Torghut's documented late-day continuation long
/// (reference 01 Appendix A.2/A.3) with the catalog values deployed at e551647657. Expected decisions come from the
/// reference's list with the catalog's values: window UTC 1080 .. min(1170, 1170 − 8) = minutes 270..<352; drive
/// (prev-close basis preferred) >= 35, opening-window return >= 20, range position >= 0.62, session high >= 2 bps
/// above the opening-range high, price vs vwap_w5m in [0, 14], vs OR high in [−14, 22], vs opening-window close in
/// [−6, 16], recent spread <= 20, invalid <= 0.10, jump <= 30, microprice >= 0.50, spread <= 22, hist in
/// [0.004, 0.060], rsi in [54, 74], price vs ema12 in [−4, 14], vol in [0.00005, 0.00030], imbalance >= −0.18; then
/// the catalog's ema trend, recent imbalance, session range and cross-section floors. Confidence 0.69 (no documented
/// bonuses). Exit on any of six conditions (confidence 0.62). Overlays (A.2): the trailing stop of a continuation
/// family also needs a loss of structure (price <= OR high, or below vwap_w5m with range position <= 0.80) and a profit
/// (require_positive_price_for_signal_exit). Trade policy: max_session_negative_exit_bps 24.
@Suite struct FamilyLateDayContinuationTests {
    static let fixture = FamilyFixture(
        spec: "late-day-continuation-long.yaml", strategyID: "late_day_continuation_long_v1@research", base: base, symbol: aapl,
        requireClean: true)
    static var compiled: (diagnostics: [Diagnostic], strategy: CompiledStrategy) {
        (fixture.diagnostics, fixture.strategy)
    }
    static var strategy: CompiledStrategy { fixture.strategy }

    static let aapl = Symbol("AAPL")!
    static let msft = Symbol("MSFT")!
    static let nvda = Symbol("NVDA")!
    /// 2026-01-02 09:30 New York.
    static let open: TimestampNanos = 1_767_364_200_000_000_000
    static let sessions = [
        (date: CivilDate(year: 2026, month: 1, day: 2), days: Int64(0)),
        (date: CivilDate(year: 2026, month: 1, day: 5), days: Int64(3)),
        (date: CivilDate(year: 2026, month: 1, day: 6), days: Int64(4)),
    ]

    /// A signal that passes every entry gate and triggers no exit. Prices for the session-high gate are 10,000-based
    /// so whole bps are exact: OR high 10,000, session high 10,010 (10 bps above).
    static let base: [FeatureID: Double?] = [
        .priceVsPrevSessionCloseBps: 50, .priceVsSessionOpenBps: 40, .openingWindowReturnBps: 30,
        .pricePositionInSessionRange: 0.8, .openingRangeHigh: 10_000, .sessionHighPrice: 10_010,
        .priceVsVwapW5mBps: 5, .priceVsOpeningRangeHighBps: 4, .priceVsOpeningWindowCloseBps: 6,
        .recentSpreadBpsAvg: 3, .recentQuoteInvalidRatio: 0.05, .recentQuoteJumpBpsMax: 10,
        .micropriceBiasBps: 0.75, .spreadBps: 11, .macd: 0.01, .macdSignal: 0, .rsi14: 62, .priceVsEma12Bps: 5,
        .volRealizedW60s: 0.0001, .imbalancePressure: 0, .ema12: 101, .ema26: 100.5,
        .recentImbalancePressureAvg: 0.05, .sessionRangeBps: 60,
        .crossSectionPositivePrevCloseDriveRatio: 0.5, .crossSectionPositiveSessionOpenDriveRatio: 0.1,
        .crossSectionPositiveOpeningWindowReturnFromPrevCloseRatio: 0.6,
        .crossSectionPositiveOpeningWindowReturnRatio: 0.1, .crossSectionAboveVwapW5mRatio: 0.6,
        .crossSectionContinuationBreadth: 0.6, .crossSectionOpeningWindowReturnFromPrevCloseRank: 0.8,
        .crossSectionOpeningWindowReturnRank: 0.1, .crossSectionContinuationRank: 0.83,
    ]

    static func signal(_ changes: [FeatureID: Double?] = [:]) -> FeatureVector { fixture.features(changes: changes) }

    static func evaluate(_ vector: FeatureVector, minute: Double = 300, price: Decimal = Decimal(100)) -> Evaluation {
        fixture.evaluateFlat(vector, minute: minute, price: price)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var vector: FeatureVector
        var minute: Double
        var fires: Bool
        var testDescription: String { self.name }
    }

    static func buy(_ name: String, _ vector: FeatureVector, minute: Double = 300) -> Case {
        Case(name: name, vector: vector, minute: minute, fires: true)
    }

    static func none(_ name: String, _ vector: FeatureVector, minute: Double = 300) -> Case {
        Case(name: name, vector: vector, minute: minute, fires: false)
    }

    static let cases: [Case] = [
        buy("all gates pass", signal()),
        // Window: UTC 1080 .. 1162 → minutes 270 ..< 352 after the open.
        none("minute 269: before the window", signal(), minute: 269),
        none("minute 269.99: before the window", signal(), minute: 269.99),
        buy("minute 270: window start", signal(), minute: 270),
        buy("minute 351: last minute of the window", signal(), minute: 351),
        none("minute 352: 8 minutes before the flatten, window end", signal(), minute: 352),
        // Drive >= 35, prev-close basis preferred, session open otherwise.
        none("prev-close drive just under 35", signal([.priceVsPrevSessionCloseBps: 34.99])),
        buy("prev-close drive equal to 35", signal([.priceVsPrevSessionCloseBps: 35])),
        none(
            "prev-close drive 30 fails though the session-open drive is 40",
            signal([.priceVsPrevSessionCloseBps: 30, .priceVsSessionOpenBps: 40])),
        buy(
            "no prev close: session-open drive equal to 35",
            signal([.priceVsPrevSessionCloseBps: nil, .priceVsSessionOpenBps: 35])),
        none(
            "no prev close: session-open drive just under 35",
            signal([.priceVsPrevSessionCloseBps: nil, .priceVsSessionOpenBps: 34.99])),
        none("no drive at all fails closed", signal([.priceVsPrevSessionCloseBps: nil, .priceVsSessionOpenBps: nil])),
        // Opening-window return >= 20.
        none("opening-window return just under 20", signal([.openingWindowReturnBps: 19.99])),
        buy("opening-window return equal to 20", signal([.openingWindowReturnBps: 20])),
        // Range position >= 0.62.
        none("range position just under 0.62", signal([.pricePositionInSessionRange: 0.619])),
        buy("range position equal to 0.62", signal([.pricePositionInSessionRange: 0.62])),
        // Session high >= 2 bps above the opening-range high.
        none("session high 1.99 bps above OR high", signal([.sessionHighPrice: 10_001.99])),
        buy("session high 2 bps above OR high", signal([.sessionHighPrice: 10_002])),
        none("session high equal to OR high", signal([.sessionHighPrice: 10_000])),
        // Price vs vwap_w5m in [0, 14].
        none("vwap_w5m just under 0", signal([.priceVsVwapW5mBps: -0.01])),
        buy("vwap_w5m equal to 0", signal([.priceVsVwapW5mBps: 0])),
        buy("vwap_w5m equal to 14", signal([.priceVsVwapW5mBps: 14])),
        none("vwap_w5m just over 14", signal([.priceVsVwapW5mBps: 14.01])),
        // Price vs OR high in [−14, 22].
        none("OR high just under −14", signal([.priceVsOpeningRangeHighBps: -14.01])),
        buy("OR high equal to −14", signal([.priceVsOpeningRangeHighBps: -14])),
        buy("OR high equal to 22", signal([.priceVsOpeningRangeHighBps: 22])),
        none("OR high just over 22", signal([.priceVsOpeningRangeHighBps: 22.01])),
        // Price vs opening-window close in [−6, 16].
        none("opening-window close just under −6", signal([.priceVsOpeningWindowCloseBps: -6.01])),
        buy("opening-window close equal to −6", signal([.priceVsOpeningWindowCloseBps: -6])),
        buy("opening-window close equal to 16", signal([.priceVsOpeningWindowCloseBps: 16])),
        none("opening-window close just over 16", signal([.priceVsOpeningWindowCloseBps: 16.01])),
        // Feed quality: recent spread <= 20, invalid <= 0.10, jump <= 30, spread <= 22.
        buy("recent spread equal to 20", signal([.recentSpreadBpsAvg: 20])),
        none("recent spread just over 20", signal([.recentSpreadBpsAvg: 20.01])),
        buy("invalid ratio equal to 0.10", signal([.recentQuoteInvalidRatio: 0.1])),
        none("invalid ratio 0.11, under the 0.12 hard cap, still fails", signal([.recentQuoteInvalidRatio: 0.11])),
        buy("quote jump equal to 30", signal([.recentQuoteJumpBpsMax: 30])),
        none("quote jump just over 30", signal([.recentQuoteJumpBpsMax: 30.5])),
        buy("spread equal to 22", signal([.spreadBps: 22])),
        none("spread just over 22", signal([.spreadBps: 22.01])),
        // Microprice bias >= 0.50.
        none("microprice just under 0.50", signal([.micropriceBiasBps: 0.49])),
        buy("microprice equal to 0.50", signal([.micropriceBiasBps: 0.5])),
        // hist in [0.004, 0.060] (signal 0 keeps hist = macd exact).
        none("hist just under 0.004", signal([.macd: 0.0039])),
        buy("hist equal to 0.004", signal([.macd: 0.004])),
        buy("hist equal to 0.060", signal([.macd: 0.06])),
        none("hist just over 0.060", signal([.macd: 0.0601])),
        // RSI in [54, 74].
        none("rsi just under 54", signal([.rsi14: 53.99])),
        buy("rsi equal to 54", signal([.rsi14: 54])),
        buy("rsi equal to 74", signal([.rsi14: 74])),
        none("rsi just over 74", signal([.rsi14: 74.01])),
        // Price vs ema12 in [−4, 14].
        none("ema12 extension just under −4", signal([.priceVsEma12Bps: -4.01])),
        buy("ema12 extension equal to −4", signal([.priceVsEma12Bps: -4])),
        buy("ema12 extension equal to 14", signal([.priceVsEma12Bps: 14])),
        none("ema12 extension just over 14", signal([.priceVsEma12Bps: 14.01])),
        // Volatility in [0.00005, 0.00030].
        none("vol just under floor", signal([.volRealizedW60s: 0.0000499])),
        buy("vol equal to floor", signal([.volRealizedW60s: 0.00005])),
        buy("vol equal to ceiling", signal([.volRealizedW60s: 0.0003])),
        none("vol just over ceiling", signal([.volRealizedW60s: 0.000301])),
        // Imbalance >= −0.18.
        none("imbalance just under −0.18", signal([.imbalancePressure: -0.1801])),
        buy("imbalance equal to −0.18", signal([.imbalancePressure: -0.18])),
        // EMA trend (as breakout): ema12 > ema26.
        none("ema12 equal to ema26", signal([.ema12: 100.5])),
        // Recent imbalance >= 0.02, session range >= 25.
        none("recent imbalance just under 0.02", signal([.recentImbalancePressureAvg: 0.0199])),
        buy("recent imbalance equal to 0.02", signal([.recentImbalancePressureAvg: 0.02])),
        none("session range just under 25", signal([.sessionRangeBps: 24.99])),
        buy("session range equal to 25", signal([.sessionRangeBps: 25])),
        // Cross-section floors; ratios and the opening-window rank prefer the prev-close variant.
        none("positive drive ratio just under 0.25", signal([.crossSectionPositivePrevCloseDriveRatio: 0.249])),
        buy("positive drive ratio equal to 0.25", signal([.crossSectionPositivePrevCloseDriveRatio: 0.25])),
        none(
            "no prev-close drive ratio: session-open ratio 0.1 fails",
            signal([.crossSectionPositivePrevCloseDriveRatio: nil])),
        buy(
            "no prev-close drive ratio: session-open ratio 0.25 passes",
            signal([.crossSectionPositivePrevCloseDriveRatio: nil, .crossSectionPositiveSessionOpenDriveRatio: 0.25])),
        none(
            "positive opening-window ratio just under 0.40",
            signal([.crossSectionPositiveOpeningWindowReturnFromPrevCloseRatio: 0.399])),
        buy(
            "positive opening-window ratio equal to 0.40",
            signal([.crossSectionPositiveOpeningWindowReturnFromPrevCloseRatio: 0.4])),
        none(
            "no prev-close opening-window ratio: session-open ratio 0.1 fails",
            signal([.crossSectionPositiveOpeningWindowReturnFromPrevCloseRatio: nil])),
        none("above-vwap ratio just under 0.45", signal([.crossSectionAboveVwapW5mRatio: 0.449])),
        buy("above-vwap ratio equal to 0.45", signal([.crossSectionAboveVwapW5mRatio: 0.45])),
        none("breadth just under 0.40", signal([.crossSectionContinuationBreadth: 0.399])),
        buy("breadth equal to 0.40", signal([.crossSectionContinuationBreadth: 0.4])),
        none("opening-window rank just under 0.65", signal([.crossSectionOpeningWindowReturnFromPrevCloseRank: 0.649])),
        buy("opening-window rank equal to 0.65", signal([.crossSectionOpeningWindowReturnFromPrevCloseRank: 0.65])),
        buy(
            "no prev-close opening-window rank: session-open rank 0.65 passes",
            signal([.crossSectionOpeningWindowReturnFromPrevCloseRank: nil, .crossSectionOpeningWindowReturnRank: 0.65])
        ),
        none("continuation rank just under 0.70", signal([.crossSectionContinuationRank: 0.699])),
        buy("continuation rank equal to 0.70", signal([.crossSectionContinuationRank: 0.7])),
        // No bonuses are documented: a very strong signal still has the base confidence.
        buy(
            "strong signal, still 0.69",
            signal([.crossSectionContinuationRank: 1, .micropriceBiasBps: 3, .imbalancePressure: 0.5])),
    ]

    @Test func specCompilesWithoutDiagnostics() {
        #expect(Self.compiled.diagnostics.isEmpty, "\(Self.compiled.diagnostics)")
        #expect(!Self.strategy.enabled)
        #expect(Self.strategy.entries.first?.window == 270...352)
        #expect(Self.strategy.maxNotionalUSD == Decimal(94770))
        #expect(Self.strategy.maxPositionFractionOfEquity == nil)
        #expect(Self.strategy.maxNotionalMultiplier == Decimal(1))  // entry_notional_max_multiplier 1
        #expect(Self.strategy.trailingCondition != nil)
        #expect(Self.strategy.overlays.trailingStop?.requireProfit == true)
        // No entries once the session's losing exits sum to 24 bps. It cannot bind on its own here (one entry per
        // session; a loss above 8 bps ends the session's entries first), so only its value is checked.
        #expect(Self.strategy.tradePolicy.maxSessionNegativeExitBPS == Decimal(24))
    }

    @Test(arguments: cases)
    func entryMatchesTheReference(_ testCase: Case) {
        let decision = Self.evaluate(testCase.vector, minute: testCase.minute).decision
        #expect(decision?.action == (testCase.fires ? .buy : nil), "\(testCase.name)")
        #expect(decision?.confidence == (testCase.fires ? Decimal("0.69") : nil), "\(testCase.name)")
    }

    @Test func firstFailingGateIsTracedInReferenceOrder() {
        // The microprice gate (11th) and the continuation-rank floor (26th) both fail: index 10 is traced.
        let evaluation = Self.evaluate(Self.signal([.micropriceBiasBps: 0, .crossSectionContinuationRank: 0.1]))
        #expect(evaluation.outcomes.map(\.result) == [.failedCondition(10)])
    }

    /// 0.25 + 0.75 × mean(normalized confidence over 0.62..0.85, rank over 0.70..0.96, 1 − spread/22) × $94,770.
    @Test func notionalMultiplierScalesWithRankAndSpread() {
        func quantity(_ vector: FeatureVector) -> Decimal? { Self.evaluate(vector).decision?.quantity }
        // 0.69 → 0.3043; rank 0.83 → 0.5; spread 11 → 0.5: 0.25 + 0.75 × 0.4348 = 0.5760 → $54,587.52 → 545.
        #expect(quantity(Self.signal()) == Decimal(545))
        // Rank at the ceiling, no spread: 0.25 + 0.75 × (0.3043 + 1 + 1) / 3 = 0.8260 → $78,280.02 → 782.
        #expect(quantity(Self.signal([.crossSectionContinuationRank: 0.96, .spreadBps: 0])) == Decimal(782))
        // Rank at its floor, spread at the cap: 0.25 + 0.75 × 0.3043 / 3 = 0.3260 → $30,895.02 → 308.
        #expect(quantity(Self.signal([.crossSectionContinuationRank: 0.7, .spreadBps: 22])) == Decimal(308))
    }

    // MARK: Sequences: exits, overlays and trade policy

    /// A signal `seconds` after minute 300 of session `session` (0: 2026-01-02, 1: 01-05, 2: 01-06). `minute` pins
    /// the clock inside the entry window when the event time must run past it.
    static func at(
        _ seconds: Int64, price: String, symbol: Symbol = aapl, session: Int = 0, minute pinned: Double? = nil,
        minutesBeforeClose: Double? = nil
    ) -> SignalContext {
        let minute = pinned ?? 300 + Double(seconds) / 60
        return SignalContext(
            symbol: symbol, eventTime: time(seconds, session: session), session: sessions[session].date,
            clock: EvaluationContext(minutesAfterOpen: minute, minutesBeforeClose: minutesBeforeClose ?? 390 - minute),
            sizing: SizingContext(price: Decimal(price)!, equity: Decimal(100_000)))
    }

    static func time(_ seconds: Int64, session: Int = 0) -> TimestampNanos {
        open + (sessions[session].days * 86_400 + 18_000 + seconds) * 1_000_000_000
    }

    /// Enters `symbol` at $100 at minute 300 of `session` and fills the 545 shares.
    static func enter(_ book: inout StrategyBook, _ symbol: Symbol = aapl, session: Int = 0) {
        let decision = book.evaluate(signal(), at(0, price: "100", symbol: symbol, session: session)).decision
        precondition(decision?.action == .buy && decision?.quantity == Decimal(545), "\(String(describing: decision))")
        book.applyFill(
            symbol: symbol, action: .buy, quantity: Decimal(545), price: Decimal(100),
            time: time(0, session: session))
    }

    static func entered() -> StrategyBook {
        var book = StrategyBook(strategy)
        enter(&book)
        return book
    }

    struct ExitCase: CustomTestStringConvertible, Sendable {
        var name: String
        var changes: [FeatureID: Double?]
        var exits: Bool
        var testDescription: String { self.name }
    }

    static let exitCases: [ExitCase] = [
        ExitCase(name: "nothing weakens: hold", changes: [:], exits: false),
        ExitCase(name: "vwap_w5m −3.99: hold", changes: [.priceVsVwapW5mBps: -3.99], exits: false),
        ExitCase(name: "vwap_w5m −4: exit", changes: [.priceVsVwapW5mBps: -4], exits: true),
        ExitCase(name: "range position 0.621: hold", changes: [.pricePositionInSessionRange: 0.621], exits: false),
        ExitCase(name: "range position 0.62: exit", changes: [.pricePositionInSessionRange: 0.62], exits: true),
        ExitCase(name: "session-open drive 28.01: hold", changes: [.priceVsSessionOpenBps: 28.01], exits: false),
        ExitCase(name: "session-open drive 28: exit", changes: [.priceVsSessionOpenBps: 28], exits: true),
        ExitCase(name: "hist −0.004 and rsi 55: exit", changes: [.macd: -0.004, .rsi14: 55], exits: true),
        ExitCase(name: "hist −0.004, rsi 55.01: hold", changes: [.macd: -0.004, .rsi14: 55.01], exits: false),
        ExitCase(name: "hist −0.0039, rsi 55: hold", changes: [.macd: -0.0039, .rsi14: 55], exits: false),
        ExitCase(name: "OR high −7.99: hold", changes: [.priceVsOpeningRangeHighBps: -7.99], exits: false),
        ExitCase(name: "OR high −8: exit", changes: [.priceVsOpeningRangeHighBps: -8], exits: true),
        ExitCase(name: "recent imbalance −0.0799: hold", changes: [.recentImbalancePressureAvg: -0.0799], exits: false),
        ExitCase(name: "recent imbalance −0.08: exit", changes: [.recentImbalancePressureAvg: -0.08], exits: true),
    ]

    @Test(arguments: exitCases)
    func signalExitFiresOnAnyOfSixConditions(_ testCase: ExitCase) {
        var book = Self.entered()
        // After min_hold_seconds 120 and in profit (+5 bps: below the trailing stop's 15 bps activation).
        let decision = book.evaluate(Self.signal(testCase.changes), Self.at(120, price: "100.05")).decision
        #expect(decision?.action == (testCase.exits ? .sell : nil), "\(testCase.name)")
        if testCase.exits {
            #expect(decision?.intent == .exit)
            #expect(decision?.quantity == Decimal(545))
            #expect(decision?.confidence == Decimal("0.62"))
            #expect(decision?.reasons == ["late_day_continuation_failed"])
        }
    }

    @Test func signalExitWaitsForTheMinimumHoldAndNeedsProfit() {
        var book = Self.entered()
        let weak = Self.signal([.priceVsVwapW5mBps: -10])
        #expect(book.evaluate(weak, Self.at(119, price: "100.05")).outcomes.first?.result == .policy(.minHold))
        #expect(
            book.evaluate(weak, Self.at(120, price: "100")).outcomes.first?.result
                == .policy(.signalExitNeedsProfit))
        #expect(book.evaluate(weak, Self.at(121, price: "100.05")).decision?.action == .sell)
    }

    @Test func stopLossTrailingStopMaxHoldAndFlatten() {
        // Stop: 24 + 0.20 × spread 11 + 3 × vol 1 bp = 29.2 bps.
        var stop = Self.entered()
        #expect(stop.evaluate(Self.signal(), Self.at(10, price: "99.71")).decision == nil)
        #expect(stop.evaluate(Self.signal(), Self.at(11, price: "99.70")).decision?.reasons == ["stop_loss"])
        // Trailing: armed at +15 bps; drawdown 8 + 0.10 × 11 + 3 × 1 = 12.1 bps from the peak (with the structure
        // lost: price at the OR high; see the next tests for its conditions).
        let lost = Self.signal([.priceVsOpeningRangeHighBps: 0])
        var unarmed = Self.entered()
        #expect(unarmed.evaluate(lost, Self.at(1, price: "100.14")).decision == nil)
        #expect(unarmed.evaluate(lost, Self.at(2, price: "99.90")).decision == nil)
        var trailing = Self.entered()
        #expect(trailing.evaluate(lost, Self.at(1, price: "100.20")).decision == nil)
        #expect(trailing.evaluate(lost, Self.at(2, price: "100.08")).decision == nil)  // 11.98 bps
        #expect(trailing.evaluate(lost, Self.at(3, price: "100.07")).decision?.reasons == ["trailing_stop"])
        // Max hold 900 s.
        var held = Self.entered()
        #expect(held.evaluate(Self.signal(), Self.at(899, price: "100")).decision == nil)
        #expect(held.evaluate(Self.signal(), Self.at(900, price: "100")).decision?.reasons == ["max_hold"])
        // Flatten from UTC minute 1170: 30 minutes before the close.
        var late = Self.entered()
        #expect(late.evaluate(Self.signal(), Self.at(30, price: "100", minutesBeforeClose: 30.01)).decision == nil)
        #expect(
            late.evaluate(Self.signal(), Self.at(31, price: "100", minutesBeforeClose: 30)).decision?.reasons
                == ["session_flatten"])
    }

    /// Continuation family (A.2): past its drawdown the trailing stop exits only once the structure is lost.
    @Test func trailingStopWaitsForALossOfStructure() {
        var book = Self.entered()
        #expect(book.evaluate(Self.signal(), Self.at(1, price: "100.20")).decision == nil)
        // 12.97 bps off the peak of 100.20, +7 bps since entry; price 4 bps above the OR high and 5 above vwap_w5m.
        #expect(book.evaluate(Self.signal(), Self.at(2, price: "100.07")).decision == nil)
        #expect(book.evaluate(Self.signal([.priceVsOpeningRangeHighBps: 0.01]), Self.at(3, price: "100.07")).decision
            == nil)
        #expect(
            book.evaluate(
                Self.signal([.priceVsVwapW5mBps: -0.01, .pricePositionInSessionRange: 0.81]), Self.at(4, price: "100.07")
            ).decision == nil)
        let exit = book.evaluate(
            Self.signal([.priceVsVwapW5mBps: -0.01, .pricePositionInSessionRange: 0.8]), Self.at(5, price: "100.07")
        ).decision
        #expect(exit?.reasons == ["trailing_stop"])
        #expect(exit?.action == .sell)
        #expect(exit?.quantity == Decimal(545))
        var atHigh = Self.entered()
        #expect(atHigh.evaluate(Self.signal(), Self.at(1, price: "100.20")).decision == nil)
        #expect(
            atHigh.evaluate(Self.signal([.priceVsOpeningRangeHighBps: 0]), Self.at(2, price: "100.07")).decision?.reasons
                == ["trailing_stop"])
    }

    @Test func trailingStopNeedsAProfit() {
        let lost = Self.signal([.priceVsOpeningRangeHighBps: 0])
        var book = Self.entered()
        #expect(book.evaluate(lost, Self.at(1, price: "100.20")).decision == nil)
        // 19.96 bps off the peak, structure lost, at the entry price: no profit, held.
        #expect(book.evaluate(lost, Self.at(2, price: "100")).decision == nil)
        // 20 bps below the entry (the stop is 29.2 bps away): held.
        #expect(book.evaluate(lost, Self.at(3, price: "99.80")).decision == nil)
        // +1 bp: exit.
        #expect(book.evaluate(lost, Self.at(4, price: "100.01")).decision?.reasons == ["trailing_stop"])
    }

    @Test func entryCooldownOutlastsTheWindowThenTheSessionCapApplies() {
        var book = Self.entered()
        book.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(545), price: Decimal(101), time: Self.time(600))
        #expect(
            book.evaluate(Self.signal(), Self.at(720, price: "100")).outcomes.first?.result
                == .policy(.entryCooldown))
        #expect(
            book.evaluate(Self.signal(), Self.at(7_199, price: "100", minute: 340)).outcomes.first?.result
                == .policy(.entryCooldown))
        #expect(
            book.evaluate(Self.signal(), Self.at(7_200, price: "100", minute: 340)).outcomes.first?.result
                == .policy(.maxEntriesPerSession))
    }

    @Test func exitCooldownAppliesToAPositionClosedInALaterSession() {
        // Entered on 01-02, closed on 01-05 at minute 300: the entry cooldown is long over, the exit cooldown is not.
        var book = Self.entered()
        book.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(545), price: Decimal(101),
            time: Self.time(0, session: 1))
        #expect(
            book.evaluate(Self.signal(), Self.at(119, price: "100", session: 1)).outcomes.first?.result
                == .policy(.exitCooldown))
        #expect(book.evaluate(Self.signal(), Self.at(120, price: "100", session: 1)).decision?.action == .buy)
    }

    @Test func lockoutsAfterStopLossAndLosingExits() {
        var stopped = Self.entered()
        stopped.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(545), price: Decimal("99.70")!,
            time: Self.time(11), reason: "stop_loss")
        #expect(stopped.stopLossExitsThisSession == 1)
        #expect(stopped.negativeExitsThisSession == 1)
        #expect(
            stopped.evaluate(Self.signal(), Self.at(11 + 14_399, price: "100", minute: 340)).outcomes.first?.result
                == .policy(.lockout))
        #expect(
            stopped.evaluate(Self.signal(), Self.at(11 + 14_400, price: "100", minute: 340)).outcomes.first?.result
                == .policy(.maxEntriesPerSession))
        var losing = Self.entered()
        losing.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(545), price: Decimal("99.90")!,
            time: Self.time(900), reason: "max_hold")
        #expect(losing.negativeExitsThisSession == 1)
        #expect(
            losing.evaluate(Self.signal(), Self.at(900 + 7_199, price: "100", minute: 340)).outcomes.first?.result
                == .policy(.lockout))
        var small = Self.entered()
        small.applyFill(
            symbol: Self.aapl, action: .sell, quantity: Decimal(545), price: Decimal("99.95")!,
            time: Self.time(900), reason: "max_hold")
        #expect(small.negativeExitsThisSession == 0)
    }

    @Test func atMostTwoPositionsAtOnce() {
        // One entry per session, so the positions are carried: AAPL from 01-02, MSFT from 01-05, then NVDA on 01-06.
        var book = Self.entered()
        Self.enter(&book, Self.msft, session: 1)
        let third = book.evaluate(Self.signal(), Self.at(0, price: "100", symbol: Self.nvda, session: 2))
        #expect(third.outcomes.first?.result == .policy(.maxConcurrentPositions))
    }
}
