import Runtime
import SpecCompiler
import SpecModel

/// Turns a validated `Scenario` document (and the tree's universe) into a `ScenarioRun`. Problems only knowable with
/// the market calendar — a date without a session, a window past the close — are `SIM001` diagnostics at the spec.
public enum ScenarioResolver {
    public static func resolve(
        _ document: SpecDocument, in tree: SpecTree, calendar: MarketCalendar = .nyse
    ) -> Result<ScenarioRun, Diagnostic> {
        guard case .scenario(let scenario) = document.body else {
            return .failure(Diagnostic(.invalidValue, "'\(document.name)' is not a Scenario", at: document.span))
        }
        let date = scenario.session.date.value
        let civil = CivilDate(year: date.year, month: date.month, day: date.day)
        guard let session = calendar.session(on: civil) else {
            return .failure(
                Diagnostic(
                    .scenarioNotRunnable,
                    "\(date) has no New York session (weekend or exchange holiday in calendar \(calendar.version))",
                    at: scenario.session.date.span))
        }
        let start = session.open + Int64(scenario.session.startMinutesAfterOpen.value) * Timestamp.nanosPerMinute
        let end = start + Int64(scenario.session.minutes.value) * Timestamp.nanosPerMinute
        guard end <= session.close else {
            return .failure(
                Diagnostic(
                    .scenarioNotRunnable,
                    "the window ends \(Int((end - session.close) / Timestamp.nanosPerMinute)) minutes after the "
                        + "\(session.kind == .earlyClose ? "early " : "")close of \(date) "
                        + "(\(session.lengthMinutes) minutes long)", at: scenario.session.minutes.span))
        }
        var symbols = scenario.symbols.map(\.value.rawValue)
        if symbols.isEmpty {
            let universe = tree.documents(of: .universe).first { $0.name == scenario.universe.value }
            if case .universe(let spec)? = universe?.body { symbols = spec.sortedSymbols.map(\.rawValue) }
        }
        let ta = TechnicalAnalysisConfiguration(
            mode: scenario.technicalAnalysis.parity == .torghut ? .torghutParity : .native,
            allowance: Int64(scenario.technicalAnalysis.allowanceMilliseconds) * 1_000_000)
        let faults: (run: [ScenarioRun.Fault], shocks: [MarketGenerator.PriceShock])
        switch Self.faults(scenario, symbols: symbols, open: session.open) {
        case .success(let resolved): faults = resolved
        case .failure(let diagnostic): return .failure(diagnostic)
        }
        let source: ScenarioRun.Source
        switch scenario.source {
        case .generator(let generator):
            source = .generator(
                MarketGenerator.Settings(
                    kind: generator.kind, seed: generator.seed.value,
                    session: session, symbols: symbols, startMinute: scenario.session.startMinutesAfterOpen.value,
                    minutes: scenario.session.minutes.value, driftFraction: generator.driftFraction.doubleValue,
                    volatilityPerSecond: generator.volatilityBPSPerSecond.doubleValue / 10_000,
                    tradesPerSecond: generator.tradesPerSecond, spreadCents: generator.spreadCents,
                    priceShocks: faults.shocks))
        case .dataset(let dataset):
            guard FileSystem.type(of: dataset.resolvedPath) == .file else {
                return .failure(
                    Diagnostic(.unreadableInput, "dataset '\(dataset.resolvedPath)' is not a readable file", at: dataset.path.span))
            }
            source = .files([dataset.resolvedPath])
        }
        let costs = scenario.costs
        var settings = SimulationSettings(
            startingCash: scenario.account.startingCashUSD.value,
            positions: scenario.account.positions.map {
                (symbol: $0.symbol.value, quantity: $0.quantityShares.value, averagePrice: $0.averagePriceUSD.value)
            },
            costs: TorghutCostModel(
                enabled: costs.model == .torghut, commissionBps: costs.commissionBPS,
                commissionPerShareUSD: costs.commissionPerShareUSD, minCommissionUSD: costs.minCommissionUSD,
                perTradeFeeUSD: costs.perTradeFeeUSD,
                impactBpsAtFullParticipation: costs.impactBPSAtFullParticipation.doubleValue,
                executionSeconds: costs.executionSeconds, advUSD: costs.advUSD.doubleValue,
                maxParticipationFraction: costs.maxParticipationFractionOfADV.doubleValue))
        settings.positionHolders = scenario.account.positions.compactMap { position in
            position.strategy.map { (symbol: position.symbol.value, strategy: $0.value) }
        }
        settings.positionsEnteredAt = start
        let gates = scenario.gates.map {
            ScenarioRun.Gate(metric: $0.metric.value, min: $0.min?.value.doubleValue, max: $0.max?.value.doubleValue)
        }
        return .success(
            ScenarioRun(
                name: document.name.rawValue, source: source, ta: ta, settings: settings,
                window: ScenarioRun.window(from: start, to: end),
                gates: gates, faults: faults.run))
    }

    /// The scenario's faults with minutes resolved to instants: signal-level faults for the run, price shocks for the
    /// generator. SIM001 at the fault for a price shock on a dataset source, or for a symbol the run does not cover
    /// (`symbols` absent: the universe's; decoding already checked explicit `symbols`).
    static func faults(
        _ scenario: ScenarioSpec, symbols: [String], open: TimestampNanos
    ) -> Result<([ScenarioRun.Fault], [MarketGenerator.PriceShock]), Diagnostic> {
        var run: [ScenarioRun.Fault] = []
        var shocks: [MarketGenerator.PriceShock] = []
        let covered = Set(symbols)
        func instant(_ minutes: Int) -> TimestampNanos { open + Int64(minutes) * Timestamp.nanosPerMinute }
        for (index, fault) in scenario.faults.enumerated() {
            for symbol in fault.namedSymbols where !covered.contains(symbol.value.rawValue) {
                return .failure(
                    Diagnostic(
                        .scenarioNotRunnable,
                        "faults[\(index)] names '\(symbol.value)', which the run does not cover (universe "
                            + "'\(scenario.universe.value)')", at: symbol.span,
                        notes: ["a fault applies to one of the scenario's symbols"]))
            }
            let at = fault.atMinutesAfterOpen.value
            switch fault.effect {
            case .priceShock(let moveFraction, let named):
                guard scenario.source.generator != nil else {
                    return .failure(
                        Diagnostic(
                            .scenarioNotRunnable,
                            "faults[\(index)] is a price_shock, which only a generator source can apply; this "
                                + "scenario replays a dataset", at: fault.kind.span,
                            notes: ["use a signal-level fault (bad_tick, nan_price, ...) on a dataset"]))
                }
                shocks.append(
                    MarketGenerator.PriceShock(
                        minuteAfterOpen: at, factor: (Decimal(1) + moveFraction.value).doubleValue,
                        symbols: named.map(\.value.rawValue)))
            case .badTick(let symbol, let factor):
                run.append(
                    .badTick(symbol: symbol.value.rawValue, at: instant(at), priceFactor: factor.value.doubleValue))
            case .nanPrice(let symbol, let minutes):
                run.append(.nanPrice(symbol: symbol.value.rawValue, window: instant(at)..<instant(at + minutes.value)))
            case .duplicateBurst(let symbol, let minutes, let copies):
                run.append(
                    .duplicateBurst(
                        symbol: symbol.value.rawValue, window: instant(at)..<instant(at + minutes.value),
                        copies: copies.value))
            case .feedDelay(let symbol, let minutes):
                run.append(.feedDelay(symbol: symbol.value.rawValue, window: instant(at)..<instant(at + minutes.value)))
            case .clockSkew(let symbol, let seconds):
                run.append(
                    .clockSkew(
                        symbol: symbol.value.rawValue, at: instant(at),
                        skew: Int64(seconds.value) * Timestamp.nanosPerSecond))
            }
        }
        return .success((run, shocks))
    }
}
