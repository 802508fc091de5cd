/// The local time of the `America/New_York` zone, from rules encoded here (no tzdata).
///
/// Rules:
/// - Standard time (EST) is UTC−5, daylight time (EDT) is UTC−4.
/// - From 2007 on (Energy Policy Act of 2005): daylight time starts on the second Sunday of March at 02:00 EST
///   (07:00 UTC; clocks jump to 03:00 EDT) and ends on the first Sunday of November at 02:00 EDT (06:00 UTC; clocks
///   fall back to 01:00 EST). These rules are assumed to continue unchanged for every later year.
/// - Before 2007: the 1987–2006 rule, first Sunday of April 02:00 EST to last Sunday of October 02:00 EDT.
///
/// Supported range: exact for 1987 through 2200 (`accurateYears`), assuming no future change of US law. Instants
/// before 1987 get the 1987–2006 rule, which is not historically right (1967–1986 started on the last Sunday of
/// April, and 1974–1975 had emergency daylight time); they never trap. Every function is O(1) and allocation-free
/// (about 50 ns per `newYorkLocal` in a release build: the DST Sundays are recomputed per call; the per-event
/// `MarketCalendar` queries use its precomputed table instead).
public enum NewYorkTime {
    public static let standardOffsetSeconds = -18_000
    public static let daylightOffsetSeconds = -14_400

    /// Years for which the offsets are those of the real `America/New_York` zone (given unchanged US law after today).
    public static let accurateYears: ClosedRange<Int> = 1987...2200

    /// The first year of the current (2007) rule.
    public static let currentRuleFirstYear = 2007

    /// The New York date on which daylight time starts in `year` (a Sunday).
    public static func daylightTimeStartDate(year: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: daylightStartDay(year))
    }

    /// The New York date on which daylight time ends in `year` (a Sunday).
    public static func daylightTimeEndDate(year: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: daylightEndDay(year))
    }

    /// The instant daylight time starts in `year` (02:00 EST = 07:00 UTC on the start Sunday).
    /// - Precondition: `year` in `Timestamp.representableYears` (traps on Int64 overflow otherwise).
    public static func daylightTimeStart(year: Int) -> TimestampNanos {
        Int64(daylightStartDay(year)) * Timestamp.nanosPerDay + 7 * Timestamp.nanosPerHour
    }

    /// The instant daylight time ends in `year` (02:00 EDT = 06:00 UTC on the end Sunday).
    /// - Precondition: `year` in `Timestamp.representableYears` (traps on Int64 overflow otherwise).
    public static func daylightTimeEnd(year: Int) -> TimestampNanos {
        Int64(daylightEndDay(year)) * Timestamp.nanosPerDay + 6 * Timestamp.nanosPerHour
    }

    /// The UTC offset of New York at `nanos`, in seconds: −18 000 (EST) or −14 400 (EDT). Total over Int64.
    public static func utcOffsetSeconds(at nanos: TimestampNanos) -> Int {
        let days = Timestamp.utcDaysSinceEpoch(of: nanos)
        let nanosOfDay = Timestamp.utcNanosOfDay(of: nanos)
        let year = CivilDate(daysSinceEpoch: days).year
        return isDaylight(days: days, nanosOfDay: nanosOfDay, year: year)
            ? daylightOffsetSeconds : standardOffsetSeconds
    }

    /// True when New York observes daylight time at `nanos`.
    public static func isDaylightTime(at nanos: TimestampNanos) -> Bool {
        utcOffsetSeconds(at: nanos) == daylightOffsetSeconds
    }

    /// The New York wall-clock date and time of an instant. Total over Int64 (never traps).
    public static func newYorkLocal(of nanos: TimestampNanos) -> NewYorkLocalTime {
        let utcDays = Timestamp.utcDaysSinceEpoch(of: nanos)
        let utcNanosOfDay = Timestamp.utcNanosOfDay(of: nanos)
        let utcDate = CivilDate(daysSinceEpoch: utcDays)
        let offset =
            isDaylight(days: utcDays, nanosOfDay: utcNanosOfDay, year: utcDate.year)
            ? daylightOffsetSeconds : standardOffsetSeconds
        var localNanosOfDay = utcNanosOfDay + Int64(offset) * Timestamp.nanosPerSecond
        var date = utcDate
        if localNanosOfDay < 0 {
            localNanosOfDay += Timestamp.nanosPerDay
            date = CivilDate.previousDay(of: utcDate)
        }
        return NewYorkLocalTime(date: date, nanosOfDay: localNanosOfDay, utcOffsetSeconds: offset)
    }

    /// The instant at which New York clocks show `minuteOfDay` minutes after midnight of `date`.
    ///
    /// `minuteOfDay` is normally 0...1439; other values count from that midnight (1440 is the next midnight).
    /// Deterministic handling of the two irregular hours:
    /// - Nonexistent (spring forward, 02:00–02:59 on the start Sunday): read with the standard offset (UTC−5), so
    ///   02:30 becomes 07:30 UTC, i.e. 03:30 EDT — the wall clock moved on by the skipped hour.
    /// - Ambiguous (fall back, 01:00–01:59 on the end Sunday): the earlier instant, the daylight-time one (UTC−4), so
    ///   01:30 becomes 05:30 UTC, not 06:30 UTC.
    /// - Precondition: the instant is representable (`date.year` in `Timestamp.representableYears`, away from the
    ///   very ends); traps on Int64 overflow otherwise.
    public static func instant(ofNewYork date: CivilDate, minuteOfDay: Int) -> TimestampNanos {
        instant(ofNewYork: date, nanosOfDay: Int64(minuteOfDay) * Timestamp.nanosPerMinute)
    }

    /// `instant(ofNewYork:minuteOfDay:)` at nanosecond precision, with the same gap/overlap rules.
    public static func instant(ofNewYork date: CivilDate, nanosOfDay: Int64) -> TimestampNanos {
        let wall = Int64(date.daysSinceEpoch) * Timestamp.nanosPerDay + nanosOfDay
        let asDaylight = wall - Int64(daylightOffsetSeconds) * Timestamp.nanosPerSecond
        let asStandard = wall - Int64(standardOffsetSeconds) * Timestamp.nanosPerSecond
        // Both candidates lie within a day of `date`; daylight time never spans a year boundary, so one year's
        // transition instants decide both.
        let start = daylightTimeStart(year: date.year)
        let end = daylightTimeEnd(year: date.year)
        // A valid daylight reading wins (it is the earlier one when both are valid); otherwise the standard reading,
        // which is either the valid one or, in the spring-forward gap, the documented choice.
        return (asDaylight >= start && asDaylight < end) ? asDaylight : asStandard
    }

    // MARK: Internals

    /// True when the UTC instant (`days`, `nanosOfDay`) in UTC year `year` is in daylight time.
    static func isDaylight(days: Int, nanosOfDay: Int64, year: Int) -> Bool {
        let startDay = daylightStartDay(year)
        let endDay = daylightEndDay(year)
        if days < startDay || days > endDay { return false }
        if days == startDay { return nanosOfDay >= 7 * Timestamp.nanosPerHour }
        if days == endDay { return nanosOfDay < 6 * Timestamp.nanosPerHour }
        return true
    }

    /// Day number of the daylight-time start Sunday of `year`.
    static func daylightStartDay(_ year: Int) -> Int {
        year >= currentRuleFirstYear
            ? CivilDate.nthWeekdayDay(year: year, month: 3, weekday: .sunday, n: 2)
            : CivilDate.nthWeekdayDay(year: year, month: 4, weekday: .sunday, n: 1)
    }

    /// Day number of the daylight-time end Sunday of `year`.
    static func daylightEndDay(_ year: Int) -> Int {
        year >= currentRuleFirstYear
            ? CivilDate.nthWeekdayDay(year: year, month: 11, weekday: .sunday, n: 1)
            : CivilDate.lastWeekdayDay(year: year, month: 10, weekday: .sunday)
    }
}

/// A New York wall-clock reading of an instant.
public struct NewYorkLocalTime: Sendable, Hashable {
    /// The New York calendar date.
    public var date: CivilDate
    /// Nanoseconds since New York midnight, 0 ..< 86 400 × 10⁹.
    public var nanosOfDay: Int64
    /// The UTC offset in force, seconds (−18 000 or −14 400).
    public var utcOffsetSeconds: Int

    public init(date: CivilDate, nanosOfDay: Int64, utcOffsetSeconds: Int) {
        self.date = date
        self.nanosOfDay = nanosOfDay
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Whole minutes since New York midnight, 0...1439 (floor).
    public var minuteOfDay: Int { Int(self.nanosOfDay / Timestamp.nanosPerMinute) }

    /// True in daylight time (EDT).
    public var isDaylightTime: Bool { self.utcOffsetSeconds == NewYorkTime.daylightOffsetSeconds }
}

extension CivilDate {
    /// Day number of the `n`-th (1-based) `weekday` of a month.
    static func nthWeekdayDay(year: Int, month: Int, weekday: Weekday, n: Int) -> Int {
        let first = CivilDate(year: year, month: month, day: 1).daysSinceEpoch
        var ahead = weekday.rawValue - CivilDate.weekday(ofDaysSinceEpoch: first).rawValue
        if ahead < 0 { ahead += 7 }
        return first + ahead + 7 * (n - 1)
    }

    /// Day number of the last `weekday` of a month.
    static func lastWeekdayDay(year: Int, month: Int, weekday: Weekday) -> Int {
        let last = CivilDate(year: year, month: month, day: daysInMonth(year: year, month: month)).daysSinceEpoch
        var back = CivilDate.weekday(ofDaysSinceEpoch: last).rawValue - weekday.rawValue
        if back < 0 { back += 7 }
        return last - back
    }

    /// The day before a valid date, without a round trip through day numbers.
    static func previousDay(of date: CivilDate) -> CivilDate {
        if date.day > 1 { return CivilDate(year: date.year, month: date.month, day: date.day - 1) }
        if date.month > 1 {
            return CivilDate(
                year: date.year, month: date.month - 1, day: daysInMonth(year: date.year, month: date.month - 1))
        }
        return CivilDate(year: date.year - 1, month: 12, day: 31)
    }
}
