@testable import Runtime
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `docs/features.md` is the catalog rendered; a test fails when they drift.
@Suite struct FeatureDocTests {
    static let path: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/") + "/docs/features.md"
    }()

    static var expected: String {
        """
        # Feature catalog

        Generated from `FeatureID` in `Sources/Runtime/Features/FeatureCatalog.swift`; a test fails when this file and \
        the code differ (regenerate with `TORGHUT_RECORD_SNAPSHOTS=1 swift test --filter FeatureDocTests`).

        Strategy expressions read these names (see [the Strategy reference](spec-reference/strategy.md)). Plans name \
        features, never slots, so the slot numbers below may change between versions without changing any plan hash. \
        A feature is *missing* when its inputs are absent or not finite; a comparison with a missing feature fails its \
        gate unless the name is written with `?`. Besides these, expressions may read `minutes_after_open` and \
        `minutes_before_close` (New York regular session, from the market calendar) and `utc_minute_of_day`.

        Groups: `signal` fields of Torghut's `ta.signals` record; `derived` values of one record; `session` context \
        per symbol and New York session (opening range = first 30 minutes, recent window = last 30 signals); \
        `cross_section` percentile ranks and ratios over the symbols seen this session, ties broken by symbol name.

        A plan computes only what its enabled strategies read: the rolling windows and cross-sectional inputs behind         features no enabled strategy names are not kept, so a plan that reads a few signal features skips the session         context and cross-section entirely. Enabling a strategy brings in what it reads; values never depend on what         else the plan reads.

        \(FeatureCatalog.markdownTable())
        """
    }

    @Test func docsFeaturesMatchesTheCatalog() {
        if let flag = getenv("TORGHUT_RECORD_SNAPSHOTS"), String(cString: flag) == "1" {
            let file = fopen(Self.path, "w")
            fputs(Self.expected, file)
            fclose(file)
            Issue.record("rewrote docs/features.md; verify the diff and commit")
            return
        }
        guard let file = fopen(Self.path, "r") else {
            Issue.record("docs/features.md is missing")
            return
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        #expect(String(decoding: bytes, as: UTF8.self) == Self.expected, "docs/features.md is stale")
    }
}
