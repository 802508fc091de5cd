import Foundation
@testable import Runtime
import SpecCompiler
import SpecModel

/// A risk engine over a one-strategy plan (`intraday_tsmom_v1@prod` on `us-equities`) and a `RiskPolicy` written
/// for the test, with the clock at 2026-01-02 10:15 New York (a regular session, 45 minutes after the open).
struct RiskHarness {
    static let root: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/")
    }()

    /// 2026-01-02 10:15 New York.
    static let now = Timestamp.parse("2026-01-02T15:15:00Z")!
    static let second: Int64 = 1_000_000_000

    var engine: RiskEngine
    var state: RiskState

    /// `limits` is the body of a flow mapping (`max_notional_per_trade_usd: 1000`); `policy` extra `spec` lines
    /// indented by two spaces; `overrides` the body of a flow sequence.
    init(limits: String = "", policy: String = "", overrides: String = "", equity: SpecModel.Decimal = SpecModel.Decimal(100_000),
         at time: TimestampNanos = RiskHarness.now) throws {
        let yaml = """
            apiVersion: torghut.dev/v1
            kind: RiskPolicy
            metadata: {name: test}
            spec:
              universe: us-equities
            \(policy.isEmpty ? "  shorts: {allowed: true}\n  pattern_day_trader: {enabled: false}" : policy)
              limits: {\(limits)}
              overrides: [\(overrides)]

            """
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-risk-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(
            atPath: Self.root + "/specs/universe/us-equities.yaml", toPath: directory + "/universe.yaml")
        try FileManager.default.copyItem(
            atPath: Self.root + "/specs/strategies/intraday-tsmom.yaml", toPath: directory + "/strategy.yaml")
        try yaml.write(toFile: directory + "/risk.yaml", atomically: true, encoding: .utf8)
        let (tree, output) = SpecTreeLoader().loadAndCompile(paths: [directory], features: .catalog)
        guard let plan = output?.plan, !tree.hasErrors else {
            throw HarnessError(message: tree.diagnostics.map(\.message).joined(separator: "; "))
        }
        self.engine = try RiskEngine(plan: plan)
        self.state = self.engine.makeState()
        self.engine.observe(&self.state, time: time, equity: equity)
    }

    struct HarnessError: Error, CustomStringConvertible {
        var message: String
        var description: String { self.message }
    }

    func intent(
        _ action: Decision.Action = .buy, _ quantity: String, at price: String = "100", symbol: String = "AAPL",
        band: String? = nil, signalAge seconds: Int64 = 0, quoteAge: Int64? = nil, adv: String? = nil
    ) -> RiskIntent {
        RiskIntent(
            strategy: 0, symbol: self.engine.symbolIndex(of: Symbol(symbol)!), action: action, quantity: d(quantity),
            limitPrice: d(price), bandReference: band.map(d), signalTime: self.state.now - seconds * Self.second,
            quoteTime: quoteAge.map { self.state.now - $0 * Self.second }, averageDailyVolumeUSD: adv.map(d))
    }

    func evaluate(_ intent: RiskIntent, _ account: RiskAccount = RiskHarness.account()) -> RiskVerdict {
        var verdict = RiskVerdict()
        self.engine.evaluate(intent, account: account, state: self.state, into: &verdict)
        return verdict
    }

    /// Evaluates, and records the order when allowed (as the simulator does).
    mutating func submit(_ intent: RiskIntent, _ account: RiskAccount = RiskHarness.account()) -> RiskVerdict {
        let verdict = self.evaluate(intent, account)
        if verdict.isAllowed { self.engine.record(intent, allowed: verdict.quantity, account: account, in: &self.state) }
        return verdict
    }

    mutating func advance(seconds: Int64, equity: SpecModel.Decimal = SpecModel.Decimal(100_000)) {
        self.engine.observe(&self.state, time: self.state.now + seconds * Self.second, equity: equity)
    }

    static func account(
        equity: String = "100000", buyingPower: String = "200000", pending: String = "0", gross: String = "0",
        net: String = "0", open: Int = 0, position: String = "0", mark: String = "100", asset: AssetStatus? = nil,
        mode: TradingMode = .simulation
    ) -> RiskAccount {
        RiskAccount(
            equity: d(equity), buyingPower: d(buyingPower), pendingOrderNotional: d(pending), grossExposure: d(gross),
            netExposure: d(net), openPositions: open, position: d(position), mark: d(mark), asset: asset, mode: mode)
    }
}

func d(_ text: String) -> SpecModel.Decimal { SpecModel.Decimal(text)! }

extension RiskVerdict {
    /// `allow`, `allow <qty>` after clamps, or the denial's reason.
    var summary: String {
        if let denial { return denial.reason }
        return self.clamps.isEmpty ? "allow" : "clamp \(self.quantity) " + self.clamps.map(\.reason).joined(separator: ",")
    }
}
