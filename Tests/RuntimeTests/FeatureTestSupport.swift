import Runtime

/// Builders shared by the feature tests.
enum FeatureFixtures {
    static let nanosPerMinute: Int64 = 60_000_000_000

    /// 2026-01-02 14:30 UTC = 09:30 New York.
    static let day1 = session(CivilDate(year: 2026, month: 1, day: 2), open: 1_767_364_200_000_000_000)
    /// 2026-01-05 (the next trading day), 09:30 New York.
    static let day2 = session(
        CivilDate(year: 2026, month: 1, day: 5), open: 1_767_364_200_000_000_000 + 3 * 86_400_000_000_000)

    static func session(_ date: CivilDate, open: TimestampNanos) -> TradingSession {
        TradingSession(date: date, kind: .regular, open: open, close: open + 390 * nanosPerMinute)
    }

    /// `minutes` after the session's open.
    static func at(_ session: TradingSession, minute minutes: Int64, seconds: Int64 = 0) -> TimestampNanos {
        session.open + minutes * nanosPerMinute + seconds * 1_000_000_000
    }

    static func quote(_ bid: Double, _ ask: Double, bidSize: Double = 100, askSize: Double = 100)
        -> SignalRecord.Imbalance
    {
        SignalRecord.Imbalance(spread: ask - bid, bidPx: bid, askPx: ask, bidSz: bidSize, askSz: askSize)
    }

    static func signal(
        _ symbol: String, _ time: TimestampNanos, close: Double? = nil, quote: SignalRecord.Imbalance? = nil,
        vwap: SignalRecord.VWAP? = nil, ema: SignalRecord.EMA? = nil, macd: SignalRecord.MACD? = nil,
        rsi14: Double? = nil, seq: Int64 = 0
    ) -> SignalRecord {
        SignalRecord(
            ingestTime: time, eventTime: time, symbol: symbol, seq: seq, timeframe: .oneSecond, macd: macd, ema: ema,
            rsi14: rsi14, vwap: vwap, imbalance: quote, close: close)
    }
}

/// True when `actual` is present and within `tolerance` of `expected` (absolute).
func approx(_ actual: Double?, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= tolerance
}
