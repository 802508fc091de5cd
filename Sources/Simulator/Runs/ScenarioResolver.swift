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
        let source: ScenarioRun.Source
        switch scenario.source {
        case .generator(let generator):
            source = .generator(
                MarketGenerator.Settings(
                    kind: generator.kind, seed: generator.seed.value,
                    session: session, symbols: symbols, startMinute: scenario.session.startMinutesAfterOpen.value,
                    minutes: scenario.session.minutes.value, driftFraction: generator.driftFraction.doubleValue,
                    volatilityPerSecond: generator.volatilityBPSPerSecond.doubleValue / 10_000,
                    tradesPerSecond: generator.tradesPerSecond, spreadCents: generator.spreadCents))
        case .dataset(let dataset):
            guard FileSystem.type(of: dataset.resolvedPath) == .file else {
                return .failure(
                    Diagnostic(.unreadableInput, "dataset '\(dataset.resolvedPath)' is not a readable file", at: dataset.path.span))
            }
            source = .files([dataset.resolvedPath])
        }
        let costs = scenario.costs
        let settings = SimulationSettings(
            startingCash: scenario.account.startingCashUSD.value,
            positions: scenario.account.positions.map {
                (symbol: $0.symbol.value, quantity: $0.quantityShares.value, averagePrice: $0.averagePriceUSD.value)
            },
            costs: TorghutCostModel(
                enabled: costs.model == .torghut, commissionBps: costs.commissionBPS,
                commissionPerShareUSD: costs.commissionPerShareUSD, minCommissionUSD: costs.minCommissionUSD,
                perTradeFeeUSD: costs.perTradeFeeUSD,
                impactBpsAtFullParticipation: costs.impactBPSAtFullParticipation.doubleValue,
                executionSeconds: costs.executionSeconds, advUSD: costs.advUSD.doubleValue))
        let gates = scenario.gates.map {
            ScenarioRun.Gate(metric: $0.metric.value, min: $0.min?.value.doubleValue, max: $0.max?.value.doubleValue)
        }
        return .success(
            ScenarioRun(
                name: document.name.rawValue, source: source, ta: ta, settings: settings, window: start..<end, gates: gates))
    }
}
