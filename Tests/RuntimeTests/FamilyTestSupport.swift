import Runtime
import SpecCompiler
import SpecModel

/// Scaffolding shared by the `Family*Tests` suites: one strategy spec compiled with `specs/universe`, feature vectors
/// built from a base table plus overrides, flat evaluations and signal contexts on 2026-01-02 (09:30 New York open).
/// Each suite keeps its own base table, cases and numbers; what differs between families (symbol, equity, the minute
/// sequences start at) is a parameter.
struct FamilyFixture: Sendable {
    /// The package root, found from this file's path.
    static let root: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/")
    }()

    /// 2026-01-02 09:30 New York.
    static let open: TimestampNanos = 1_767_364_200_000_000_000
    static let day = CivilDate(year: 2026, month: 1, day: 2)

    /// Loads `specs/universe` and `specs/strategies/<file>` and compiles them with the feature catalog.
    static func load(_ file: String) -> (diagnostics: [Diagnostic], plan: ExecutionPlan?) {
        let (tree, output) = SpecTreeLoader().loadAndCompile(
            paths: [root + "/specs/universe", root + "/specs/strategies/" + file], features: .catalog)
        return (tree.diagnostics, output?.plan)
    }

    let diagnostics: [Diagnostic]
    let plan: ExecutionPlan?
    let compiledStrategy: CompiledStrategy?
    let base: [(FeatureID, Double?)]
    let symbol: Symbol
    let equity: Decimal
    /// Signals of sequences start at this minute after the open.
    let startMinute: Int64
    let session: CivilDate

    /// The compiled strategy (the suites check the diagnostics separately).
    var strategy: CompiledStrategy { self.compiledStrategy! }

    /// `strategyID` picks the strategy out of the plan (nil: the first); `requireClean` stops at once on a spec that
    /// does not compile.
    init(
        spec file: String, strategyID: String? = nil, base: [(FeatureID, Double?)] = [], symbol: Symbol,
        equity: Decimal = Decimal(100_000), startMinute: Int64 = 0, session: CivilDate = FamilyFixture.day,
        requireClean: Bool = false
    ) {
        let (tree, output) = SpecTreeLoader().loadAndCompile(
            paths: [Self.root + "/specs/universe", Self.root + "/specs/strategies/" + file], features: .catalog)
        precondition(!requireClean || !tree.hasErrors, "\(file) must compile: \(tree.diagnostics)")
        let plan = output?.plan
        let selected = plan?.strategies.first { strategyID == nil || $0.id.rawValue == strategyID }
        self.diagnostics = tree.diagnostics
        self.plan = plan
        self.compiledStrategy = selected.flatMap { try? CompiledStrategy($0) }
        self.base = base
        self.symbol = symbol
        self.equity = equity
        self.startMinute = startMinute
        self.session = session
    }

    /// The same with a base table keyed by feature.
    init(
        spec file: String, strategyID: String? = nil, base: [FeatureID: Double?], symbol: Symbol,
        equity: Decimal = Decimal(100_000), startMinute: Int64 = 0, session: CivilDate = FamilyFixture.day,
        requireClean: Bool = false
    ) {
        self.init(
            spec: file, strategyID: strategyID, base: base.map { ($0.key, $0.value) }, symbol: symbol, equity: equity,
            startMinute: startMinute, session: session, requireClean: requireClean)
    }

    /// The base table with `overrides` applied in order (nil removes a feature).
    func features(_ overrides: [(FeatureID, Double?)] = []) -> FeatureVector {
        var vector = FeatureVector()
        for (id, value) in self.base { vector.set(id, value) }
        for (id, value) in overrides { vector.set(id, value) }
        return vector
    }

    /// The base table with `changes` applied (nil removes a feature).
    func features(changes: [FeatureID: Double?]) -> FeatureVector {
        self.features(changes.map { ($0.key, $0.value) })
    }

    /// Evaluates `vector` from flat at `minute` after the open (nil: outside the session). The event time is the
    /// minute's (whole seconds) unless given.
    func evaluateFlat(
        _ vector: FeatureVector, minute: Double?, eventTime: TimestampNanos? = nil, price: Decimal = Decimal(100),
        position: StrategyPosition = .flat, strategy: CompiledStrategy? = nil
    ) -> Evaluation {
        self.evaluate(
            vector, context: EvaluationContext(minutesAfterOpen: minute, minutesBeforeClose: minute.map { 390 - $0 }),
            eventTime: eventTime ?? Self.open + Int64((minute ?? 0) * 60) * 1_000_000_000, price: price,
            position: position, strategy: strategy)
    }

    /// Evaluates `vector` under `context` at `eventTime`.
    func evaluate(
        _ vector: FeatureVector, context: EvaluationContext, eventTime: TimestampNanos, price: Decimal = Decimal(100),
        position: StrategyPosition = .flat, strategy: CompiledStrategy? = nil
    ) -> Evaluation {
        StrategyEvaluator.evaluate(
            strategy ?? self.strategy, symbol: self.symbol, eventTime: eventTime, features: vector, context: context,
            position: position, sizing: SizingContext(price: price, equity: self.equity))
    }

    /// `seconds` after `startMinute`, `days` days after 2026-01-02.
    func time(_ seconds: Int64, days: Int64 = 0) -> TimestampNanos {
        Self.open + (days * 86_400 + self.startMinute * 60 + seconds) * 1_000_000_000
    }

    /// A signal `seconds` after `startMinute` (`days` later, in `session`); `minute` pins the clock after the open.
    func signal(
        _ symbol: Symbol? = nil, seconds: Int64, price: String = "100", session: CivilDate? = nil, days: Int64 = 0,
        minute: Double? = nil, minutesBeforeClose: Double? = nil
    ) -> SignalContext {
        let minute = minute ?? Double(self.startMinute) + Double(seconds) / 60
        return SignalContext(
            symbol: symbol ?? self.symbol, eventTime: self.time(seconds, days: days), session: session ?? self.session,
            clock: EvaluationContext(minutesAfterOpen: minute, minutesBeforeClose: minutesBeforeClose ?? 390 - minute),
            sizing: SizingContext(price: Decimal(price)!, equity: self.equity))
    }
}
