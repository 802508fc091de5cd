import Runtime
import Testing

@Suite struct FeatureStalenessTests {
    func staleness(ingestAfterEventNanos: Int64) -> Double? {
        var extractor = FeatureExtractor(symbols: ["AAPL"])
        let event: TimestampNanos = 1_767_364_200_000_000_000
        let record = SignalRecord(
            ingestTime: event + ingestAfterEventNanos, eventTime: event, symbol: "AAPL", seq: 1, timeframe: .oneSecond,
            rsi14: 50, close: 100)
        var vector = FeatureVector()
        extractor.update(symbol: 0, signal: record, session: nil, into: &vector)
        return vector[.stalenessMs]
    }

    @Test func stalenessIsIngestMinusEventInWholeMilliseconds() {
        #expect(self.staleness(ingestAfterEventNanos: 1_500_000_000) == 1500)
        #expect(self.staleness(ingestAfterEventNanos: 999_999) == 0)
        #expect(self.staleness(ingestAfterEventNanos: 0) == 0)
        // An ingest time before the event time (clock skew) is not negative staleness.
        #expect(self.staleness(ingestAfterEventNanos: -5_000_000_000) == 0)
    }
}
