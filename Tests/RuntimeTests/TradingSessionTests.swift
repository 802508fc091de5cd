import Runtime
import Testing

@Suite struct TradingSessionTests {
    @Test func lengthAndDateText() {
        let open: TimestampNanos = 1_767_364_200_000_000_000  // 2026-01-02 14:30 UTC = 09:30 New York
        let session = TradingSession(
            date: CivilDate(year: 2026, month: 1, day: 2), kind: .regular, open: open,
            close: open + 390 * 60_000_000_000)
        #expect(session.lengthMinutes == 390)
        #expect(session.date.description == "2026-01-02")
        #expect(CivilDate(year: 2026, month: 1, day: 2) < CivilDate(year: 2026, month: 1, day: 3))
    }
}
