/// Nanoseconds since the Unix epoch, UTC. Every event time in the runtime is one of these, from ingress on
/// (no Foundation `Date` on the hot path).
public typealias TimestampNanos = Int64

/// A calendar date in the proleptic Gregorian calendar (no time zone).
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(self.year, 4))-\(pad(self.month, 2))-\(pad(self.day, 2))"
    }
}

/// One US equities regular session: its New York date, kind, and open/close instants.
public struct TradingSession: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// 09:30–16:00 New York.
        case regular
        /// 09:30–13:00 New York (half days such as the day after Thanksgiving).
        case earlyClose = "early_close"
    }

    public var date: CivilDate
    public var kind: Kind
    public var open: TimestampNanos
    public var close: TimestampNanos

    public init(date: CivilDate, kind: Kind, open: TimestampNanos, close: TimestampNanos) {
        self.date = date
        self.kind = kind
        self.open = open
        self.close = close
    }

    /// 390 for a regular session, 210 for an early close.
    public var lengthMinutes: Int { Int((self.close - self.open) / 60_000_000_000) }
}
