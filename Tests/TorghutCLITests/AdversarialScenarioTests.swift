import Foundation
import Testing

/// The adversarial scenarios (examples/adversarial): their goldens verify, and their event logs show the risk chain
/// holding: nothing risk-increasing after a loss breach, nothing acting on stale or skewed signals, one order per
/// duplicated intent, no decision on a NaN price.
@Suite struct AdversarialScenarioTests {
    struct Event {
        var kind: String
        var object: [String: Any]
        var string: (String) -> String? { { self.object[$0] as? String } }
    }

    /// Runs one scenario into a temporary folder and reads its events.
    static func events(_ scenario: String) throws -> [Event] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("torghut-adversarial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(["simulate", "examples/adversarial", "--scenario", scenario, "--out", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOf: directory.appendingPathComponent("\(scenario)/events.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return Event(kind: object["kind"] as! String, object: object)
        }
    }

    static func risk(_ event: Event) -> [String: Any]? { event.object["risk"] as? [String: Any] }

    @Test func goldensVerify() throws {
        let result = try CLI.run(["golden", "verify", "examples/adversarial", "--golden-dir", "Tests/Golden/adversarial"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("5 scenarios"))
    }

    /// After the first loss-limit refusal, every order reduces a position: none opens or adds.
    @Test func noRiskIncreasingOrderAfterTheLossBreach() throws {
        let events = try Self.events("drawdown-breach")
        guard let breach = events.firstIndex(where: {
            $0.kind == "risk_rejected"
                && ["daily_loss_limit_exceeded", "max_drawdown_exceeded"].contains(Self.risk($0)?["reason"] as? String)
        }) else {
            Issue.record("the drawdown scenario never breached its loss limits")
            return
        }
        var positions: [String: Double] = [:]
        var ordersAfter = 0
        for (index, event) in events.enumerated() {
            if event.kind == "order", index > breach {
                ordersAfter += 1
                let held = positions[event.string("symbol")!] ?? 0
                let quantity = Double(event.string("quantity")!)!
                let signed = event.string("side") == "buy" ? quantity : -quantity
                // Reducing: opposite sign to the position and no larger than it.
                #expect(held != 0 && (held > 0) != (signed > 0) && abs(signed) <= abs(held) + 1e-9,
                        "order \(event.object["n"]!) after the breach increases risk")
            }
            if event.kind == "position" { positions[event.string("symbol")!] = Double(event.string("quantity")!)! }
        }
        // The breach happened mid-run (after the 12% gap 20 minutes in), with orders on both sides of it.
        #expect(events[breach].string("ts")! >= "2026-03-06T14:50:00Z")
        #expect(events[..<breach].contains { $0.kind == "order" })
        #expect(ordersAfter > 0, "exits still go out after the breach")
    }

    /// A stalled feed's catch-up burst is refused as stale; so is every signal the skewed clock makes look old.
    @Test(arguments: ["stale-feed", "clock-skew"])
    func staleSignalsNeverBecomeOrders(_ scenario: String) throws {
        let events = try Self.events(scenario)
        let stale = events.filter { $0.kind == "risk_rejected" && Self.risk($0)?["reason"] as? String == "signal_stale" }
        #expect(!stale.isEmpty)
        for event in stale {
            let age = Double(Self.risk(event)?["value"] as! String)!
            #expect(age > 10, "refused with age \(age) s, limit 10 s")
        }
        // Every order acted on a signal at most 10 s older than the newest signal seen before it.
        var newest = ""
        for event in events {
            if event.kind == "signal", let ts = event.string("ts"), ts > newest { newest = ts }
            if event.kind == "order" {
                let lag = Self.seconds(newest) - Self.seconds(event.string("ts")!)
                #expect(lag <= 10, "order \(event.object["n"]!) acted on a signal \(lag) s old")
            }
        }
    }

    /// The duplicated MSFT signals decide the same intent again and again; at most one order per intent goes out
    /// within the 5 s window.
    @Test func duplicateBurstSendsOneOrderPerIntent() throws {
        let events = try Self.events("duplicate-burst")
        let refused = events.filter { $0.kind == "risk_rejected" && Self.risk($0)?["reason"] as? String == "duplicate_intent" }
        #expect(refused.contains { $0.string("symbol") == "MSFT" })
        var last: [String: Double] = [:]
        for event in events where event.kind == "order" {
            let key = "\(event.string("symbol")!) \(event.string("side")!)"
            let time = Self.seconds(event.string("ts")!)
            if let previous = last[key] { #expect(time - previous >= 5, "two \(key) orders \(time - previous) s apart") }
            last[key] = time
        }
    }

    /// NaN prices make no decision at all; the signals still arrive.
    @Test func nanPricesMakeNoDecision() throws {
        let events = try Self.events("bad-prices")
        let window = ("2026-03-06T14:38:00Z", "2026-03-06T14:43:00Z")
        let nanSignals = events.filter {
            $0.kind == "signal" && $0.string("symbol") == "AAPL" && $0.string("ts")! >= window.0 && $0.string("ts")! < window.1
        }
        #expect(!nanSignals.isEmpty)
        #expect(nanSignals.allSatisfy { $0.object["close"] is NSNull })
        let decisions = events.filter {
            $0.kind == "decision" && $0.string("symbol") == "AAPL" && $0.string("ts")! >= window.0 && $0.string("ts")! < window.1
        }
        #expect(decisions.isEmpty)
    }

    /// `YYYY-MM-DDTHH:MM:SS(.fff)Z` → seconds since midnight UTC (all events here are on one day).
    static func seconds(_ timestamp: String) -> Double {
        let time = timestamp.split(separator: "T")[1].dropLast()
        let parts = time.split(separator: ":")
        return Double(parts[0])! * 3600 + Double(parts[1])! * 60 + Double(parts[2])!
    }
}
