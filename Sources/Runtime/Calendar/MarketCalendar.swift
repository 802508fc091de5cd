/// The US equities (NYSE) regular-session calendar: which New York dates trade, and from when to when.
///
/// Sessions: 09:30–16:00 New York, or 09:30–13:00 on early-close days. Session instants come from `NewYorkTime`
/// (DST rules in code, no tzdata).
///
/// Data (version `nyse-2026.1`, table years 2015–2030):
/// - Full closures computed from NYSE Rule 7.2 as applied by the exchange: New Year's Day, Martin Luther King Jr. Day
///   (third Monday of January), Washington's Birthday / Presidents' Day (third Monday of February), Good Friday
///   (two days before Gregorian Easter), Memorial Day (last Monday of May), Juneteenth (from 2022), Independence Day,
///   Labor Day (first Monday of September), Thanksgiving (fourth Thursday of November), Christmas.
///   Observance: a holiday on a Sunday is observed the Monday after; on a Saturday, the Friday before — except New
///   Year's Day, whose Saturday occurrence is not observed at all (the exchange stays open on Friday December 31,
///   e.g. 2021-12-31 and 2027-12-31, because that Friday ends the accounting year).
/// - Early closes at 13:00, computed: July 3 when it is Monday–Thursday (the day before Independence Day; when July 4
///   is a Saturday, July 3 is the observed holiday and July 2 is a full day; when July 4 is a Sunday or Monday there
///   is none), the Friday after Thanksgiving, and December 24 when it is Monday–Thursday (a Friday December 24 is the
///   observed Christmas holiday).
/// - Special closures listed explicitly: 2018-12-05 (national day of mourning, President George H. W. Bush) and
///   2025-01-09 (national day of mourning, President Jimmy Carter). No special early closes in 2015–2030 are known.
///
/// Dates I was unsure of (computed by the rules above, not checked against a published NYSE schedule): everything in
/// 2028–2030 (NYSE had not published those years as of this table), in particular 2028-12-31 is a Sunday and
/// 2029-12-31 Monday is a full day; the full sessions of July 2 in 2015, 2020 and 2026 (Independence Day on a
/// Saturday) and July 2 2021 / July 1 2022 (no early close before a Monday holiday); Juneteenth 2027 observed Friday
/// June 18. Future special closures (days of mourning, emergencies) cannot be known: a new table version adds them.
///
/// Outside `supportedYears` (but within `ruleYears`), the same rules are applied with no special closures — an
/// approximation (for example 2012-10-29/30 Hurricane Sandy, 2007-01-02 President Ford, and the years before NYSE
/// observed Martin Luther King Jr. Day are not represented); `isTableCovered(_:)` tells which case applies. Outside
/// `ruleYears` every query returns nil (or false).
///
/// Cost: every query is O(1) and allocation-free, except `holidays(in:)` and `earlyCloses(in:)`, which build arrays.
/// Inside the table years the per-instant queries (`minutesAfterOpen`, `minutesBeforeClose`, `isOpen`,
/// `session(containing:)`, `sessionDate(for:)`) are one division and one lookup in a byte-per-day table that also
/// records the UTC offset at the open (measured in a release build: about 7 ns for `minutesAfterOpen`, 12 ns for
/// `session(containing:)`, 27 ns for `sessionDate`); outside them they evaluate the rules and `NewYorkTime` (about
/// 50–60 ns). `nextSession`/`previousSession` step day by day, at most 31 steps. Keep a copy of the calendar rather
/// than reading `MarketCalendar.nyse` per event (a `static let` access runs a once-check).
public struct MarketCalendar: Sendable {
    /// Why the exchange is closed on a weekday.
    public enum Holiday: UInt8, Sendable, Hashable, CaseIterable {
        case newYearsDay = 1
        case martinLutherKingJrDay
        case washingtonsBirthday
        case goodFriday
        case memorialDay
        case juneteenth
        case independenceDay
        case laborDay
        case thanksgiving
        case christmas
        /// A closure outside the rules (national day of mourning, emergency).
        case specialClosure

        public var name: String {
            switch self {
            case .newYearsDay: "New Year's Day"
            case .martinLutherKingJrDay: "Martin Luther King Jr. Day"
            case .washingtonsBirthday: "Washington's Birthday"
            case .goodFriday: "Good Friday"
            case .memorialDay: "Memorial Day"
            case .juneteenth: "Juneteenth National Independence Day"
            case .independenceDay: "Independence Day"
            case .laborDay: "Labor Day"
            case .thanksgiving: "Thanksgiving Day"
            case .christmas: "Christmas Day"
            case .specialClosure: "Special closure"
            }
        }
    }

    /// What kind of day a New York date is for the exchange.
    public enum DayStatus: Sendable, Hashable {
        case regular
        case earlyClose
        case weekend
        case holiday(Holiday)

        /// True when there is a session.
        public var isTradingDay: Bool { self == .regular || self == .earlyClose }
    }

    /// Regular open, 09:30 New York, in minutes after midnight.
    public static let openMinuteOfDay = 570
    /// Regular close, 16:00 New York.
    public static let regularCloseMinuteOfDay = 960
    /// Early close, 13:00 New York.
    public static let earlyCloseMinuteOfDay = 780
    /// Years answered at all: by the table inside `supportedYears`, by the rules elsewhere.
    public static let ruleYears: ClosedRange<Int> = 1900...2200

    /// The NYSE calendar, table version `nyse-2026.1`, covering 2015–2030.
    public static let nyse = MarketCalendar(
        version: "nyse-2026.1",
        supportedYears: 2015...2030,
        specialClosures: [
            CivilDate(year: 2018, month: 12, day: 5),  // National day of mourning, George H. W. Bush
            CivilDate(year: 2025, month: 1, day: 9),  // National day of mourning, Jimmy Carter
        ],
        specialEarlyCloses: [])

    /// Identifies the table (holiday rules and special dates); part of anything that records which calendar was used.
    public let version: String
    /// The years the versioned table covers (rules plus explicitly listed special dates).
    public let supportedYears: ClosedRange<Int>
    /// Closures outside the rules, sorted.
    public let specialClosures: [CivilDate]
    /// Early closes outside the rules, sorted.
    public let specialEarlyCloses: [CivilDate]
    /// First year the exchange closes for Juneteenth.
    public let juneteenthFirstYear: Int

    /// Day number of January 1 of `supportedYears.lowerBound`.
    private let tableFirstDay: Int
    /// One byte per day of `supportedYears`: the status code (see `Code`), plus `Code.daylightFlag` when New York is
    /// on daylight time at that day's 09:30 (so session instants need no time-zone arithmetic).
    private let table: [UInt8]

    /// Builds a calendar: the rules for every day of `supportedYears`, then the special dates on top.
    /// - Precondition: `supportedYears` within `ruleYears`; every special date valid, a weekday, inside
    ///   `supportedYears`. Special early closes must fall on days the rules leave open.
    public init(
        version: String, supportedYears: ClosedRange<Int>, specialClosures: [CivilDate],
        specialEarlyCloses: [CivilDate], juneteenthFirstYear: Int = 2022
    ) {
        precondition(
            MarketCalendar.ruleYears.contains(supportedYears.lowerBound)
                && MarketCalendar.ruleYears.contains(supportedYears.upperBound),
            "MarketCalendar years must lie within \(MarketCalendar.ruleYears)")
        self.version = version
        self.supportedYears = supportedYears
        self.specialClosures = specialClosures.sorted()
        self.specialEarlyCloses = specialEarlyCloses.sorted()
        self.juneteenthFirstYear = juneteenthFirstYear
        let first = CivilDate(year: supportedYears.lowerBound, month: 1, day: 1).daysSinceEpoch
        let end = CivilDate(year: supportedYears.upperBound + 1, month: 1, day: 1).daysSinceEpoch
        self.tableFirstDay = first
        var table = [UInt8](repeating: Code.regular, count: end - first)
        for days in first..<end {
            table[days - first] = MarketCalendar.ruleCode(
                date: CivilDate(daysSinceEpoch: days), days: days, juneteenthFirstYear: juneteenthFirstYear)
        }
        for date in specialClosures {
            let index = date.daysSinceEpoch - first
            precondition(date.isValid && index >= 0 && index < table.count, "special closure \(date) outside table")
            precondition(table[index] != Code.weekend, "special closure \(date) is on a weekend")
            table[index] = Code.holiday(.specialClosure)
        }
        for date in specialEarlyCloses {
            let index = date.daysSinceEpoch - first
            precondition(date.isValid && index >= 0 && index < table.count, "special early close \(date) outside table")
            precondition(
                table[index] == Code.regular || table[index] == Code.earlyClose,
                "special early close \(date) is not a trading day")
            table[index] = Code.earlyClose
        }
        for index in table.indices {
            let days = first + index
            if MarketCalendar.daylightAtOpen(days: days, year: CivilDate(daysSinceEpoch: days).year) {
                table[index] |= Code.daylightFlag
            }
        }
        self.table = table
    }

    /// True when `year` is answered from the versioned table (rules plus special dates); false when only the rules
    /// apply (or, outside `ruleYears`, nothing).
    public func isTableCovered(_ year: Int) -> Bool {
        self.supportedYears.contains(year)
    }

    // MARK: Dates

    /// The status of a New York date; nil for an invalid date or a year outside `ruleYears`.
    public func status(on date: CivilDate) -> DayStatus? {
        guard let code = self.code(on: date) else { return nil }
        return Code.status(code)
    }

    /// True when `date` has a session.
    public func isTradingDay(_ date: CivilDate) -> Bool {
        guard let code = self.code(on: date) else { return false }
        return code == Code.regular || code == Code.earlyClose
    }

    /// The session on New York date `date`; nil on weekends, holidays, invalid dates, years outside `ruleYears`.
    public func session(on date: CivilDate) -> TradingSession? {
        guard date.isValid, MarketCalendar.ruleYears.contains(date.year) else { return nil }
        let days = date.daysSinceEpoch
        let entry = self.entry(days: days, date: date)
        guard let shape = MarketCalendar.shape(of: entry.code) else { return nil }
        let open = MarketCalendar.openInstant(days: days, daylight: entry.daylight)
        return TradingSession(date: date, kind: shape.kind, open: open, close: open + shape.length)
    }

    /// The first session on a date after `date`; nil when none within 31 days or outside `ruleYears`.
    public func nextSession(after date: CivilDate) -> TradingSession? {
        guard date.isValid else { return nil }
        var days = date.daysSinceEpoch
        for _ in 0..<31 {
            days += 1
            if let session = self.session(on: CivilDate(daysSinceEpoch: days)) { return session }
        }
        return nil
    }

    /// The last session on a date before `date`; nil when none within 31 days or outside `ruleYears`.
    public func previousSession(before date: CivilDate) -> TradingSession? {
        guard date.isValid else { return nil }
        var days = date.daysSinceEpoch
        for _ in 0..<31 {
            days -= 1
            if let session = self.session(on: CivilDate(daysSinceEpoch: days)) { return session }
        }
        return nil
    }

    // MARK: Instants

    /// The New York date of an instant (the trading date an event belongs to).
    public func sessionDate(for nanos: TimestampNanos) -> CivilDate {
        // Inside the table: the New York date is D = floor((t − 4 h) / day) or the day before, depending on whether t
        // is past D's local midnight. The offset at D's midnight is the one at 14:00 UTC of D − 1 (switches happen at
        // 06:00/07:00 UTC on Sundays, after New York midnight), which the table records.
        let (shifted, overflow) = nanos.subtractingReportingOverflow(4 * Timestamp.nanosPerHour)
        if !overflow {
            let days = Int(Timestamp.floorDivide(shifted, Timestamp.nanosPerDay))
            let previousIndex = days - 1 - self.tableFirstDay
            if previousIndex >= 0 && previousIndex + 1 < self.table.count {
                let daylight = self.table[previousIndex] & Code.daylightFlag != 0
                let midnight = Int64(days) * Timestamp.nanosPerDay + (daylight ? 4 : 5) * Timestamp.nanosPerHour
                return CivilDate(daysSinceEpoch: nanos >= midnight ? days : days - 1)
            }
        }
        return NewYorkTime.newYorkLocal(of: nanos).date
    }

    /// The session whose [open, close) contains `nanos`, or nil.
    public func session(containing nanos: TimestampNanos) -> TradingSession? {
        guard let position = self.position(of: nanos) else { return nil }
        let open = nanos - position.sinceOpen
        return TradingSession(
            date: CivilDate(daysSinceEpoch: position.days), kind: position.kind, open: open,
            close: open + position.length)
    }

    /// Whole minutes since the open (floor): 0 from 09:30:00 through 09:30:59.999…, 389 in the last minute of a
    /// regular session; nil outside a session (the close itself is outside).
    public func minutesAfterOpen(_ nanos: TimestampNanos) -> Int? {
        guard let position = self.position(of: nanos) else { return nil }
        return Int(position.sinceOpen / Timestamp.nanosPerMinute)
    }

    /// Whole minutes left before the close (floor of (close − t) in minutes): 390 at a regular open, 0 during the
    /// last minute (from 15:59:00.000000001); nil outside a session.
    public func minutesBeforeClose(_ nanos: TimestampNanos) -> Int? {
        guard let position = self.position(of: nanos) else { return nil }
        return Int((position.length - position.sinceOpen) / Timestamp.nanosPerMinute)
    }

    /// True when `nanos` lies in a session's [open, close).
    public func isOpen(_ nanos: TimestampNanos) -> Bool {
        self.position(of: nanos) != nil
    }

    // MARK: Listings (allocate; not for the per-event path)

    /// The weekday closures of `year` in date order; empty outside `ruleYears`.
    public func holidays(in year: Int) -> [(date: CivilDate, holiday: Holiday)] {
        var result: [(date: CivilDate, holiday: Holiday)] = []
        self.forEachDay(of: year) { date, status in
            if case .holiday(let holiday) = status { result.append((date, holiday)) }
        }
        return result
    }

    /// The early-close dates of `year` in date order; empty outside `ruleYears`.
    public func earlyCloses(in year: Int) -> [CivilDate] {
        var result: [CivilDate] = []
        self.forEachDay(of: year) { date, status in
            if status == .earlyClose { result.append(date) }
        }
        return result
    }

    // MARK: Internals

    /// Status codes stored in the table.
    private enum Code {
        static let regular: UInt8 = 0
        static let earlyClose: UInt8 = 1
        static let weekend: UInt8 = 2
        static func holiday(_ holiday: Holiday) -> UInt8 { 0x10 | holiday.rawValue }
        /// Set in a table byte when daylight time is in force at the day's open.
        static let daylightFlag: UInt8 = 0x80

        static func status(_ code: UInt8) -> DayStatus {
            switch code {
            case regular: return .regular
            case earlyClose: return .earlyClose
            case weekend: return .weekend
            default: return .holiday(Holiday(rawValue: code & 0x0F) ?? .specialClosure)
            }
        }
    }

    /// Kind and length of the session a status code gives; nil when the day has none.
    private static func shape(of code: UInt8) -> (kind: TradingSession.Kind, length: Int64)? {
        switch code {
        case Code.regular:
            return (.regular, Int64(regularCloseMinuteOfDay - openMinuteOfDay) * Timestamp.nanosPerMinute)
        case Code.earlyClose:
            return (.earlyClose, Int64(earlyCloseMinuteOfDay - openMinuteOfDay) * Timestamp.nanosPerMinute)
        default:
            return nil
        }
    }

    /// The 09:30 New York instant of day `days`. Trading days are weekdays and the DST switches happen on Sundays,
    /// so one offset holds for the whole session.
    private static func openInstant(days: Int, daylight: Bool) -> TimestampNanos {
        Int64(days) * Timestamp.nanosPerDay + Int64(openMinuteOfDay) * Timestamp.nanosPerMinute
            + (daylight ? 4 : 5) * Timestamp.nanosPerHour
    }

    /// Whether daylight time is in force at 14:00 UTC of day `days` (09:00 or 10:00 New York; on a weekday, the
    /// offset of the whole session).
    private static func daylightAtOpen(days: Int, year: Int) -> Bool {
        NewYorkTime.isDaylight(days: days, nanosOfDay: 14 * Timestamp.nanosPerHour, year: year)
    }

    /// Status code and open offset of day `days`, whose date is `date` (valid, within `ruleYears`).
    private func entry(days: Int, date: CivilDate) -> (code: UInt8, daylight: Bool) {
        let index = days - self.tableFirstDay
        if index >= 0 && index < self.table.count {
            let byte = self.table[index]
            return (byte & ~Code.daylightFlag, byte & Code.daylightFlag != 0)
        }
        return (
            MarketCalendar.ruleCode(date: date, days: days, juneteenthFirstYear: self.juneteenthFirstYear),
            MarketCalendar.daylightAtOpen(days: days, year: date.year)
        )
    }

    /// Where an instant lies in its New York day's session.
    private struct Position {
        /// Day number of the session's New York date.
        var days: Int
        var kind: TradingSession.Kind
        /// Session length, nanoseconds.
        var length: Int64
        /// Nanoseconds since the open, 0 ..< length.
        var sinceOpen: Int64
    }

    /// The session position of an instant: O(1); inside the table years one division and one table lookup.
    private func position(of nanos: TimestampNanos) -> Position? {
        // During any session the New York date is floor((t − 4 h) / day): the session is 09:30–16:00 local, i.e.
        // 13:30–20:00 UTC (EDT) or 14:30–21:00 UTC (EST) of that same date, so t − 4 h falls on it either way.
        let (shifted, overflow) = nanos.subtractingReportingOverflow(4 * Timestamp.nanosPerHour)
        if overflow { return nil }
        let days = Int(Timestamp.floorDivide(shifted, Timestamp.nanosPerDay))
        let entry: (code: UInt8, daylight: Bool)
        let index = days - self.tableFirstDay
        if index >= 0 && index < self.table.count {
            let byte = self.table[index]
            entry = (byte & ~Code.daylightFlag, byte & Code.daylightFlag != 0)
        } else {
            let date = CivilDate(daysSinceEpoch: days)
            guard MarketCalendar.ruleYears.contains(date.year) else { return nil }
            entry = self.entry(days: days, date: date)
        }
        guard let shape = MarketCalendar.shape(of: entry.code) else { return nil }
        let open = MarketCalendar.openInstant(days: days, daylight: entry.daylight)
        guard nanos >= open, nanos - open < shape.length else { return nil }
        return Position(days: days, kind: shape.kind, length: shape.length, sinceOpen: nanos - open)
    }

    private func code(on date: CivilDate) -> UInt8? {
        guard date.isValid, MarketCalendar.ruleYears.contains(date.year) else { return nil }
        return self.entry(days: date.daysSinceEpoch, date: date).code
    }

    private func forEachDay(of year: Int, _ body: (CivilDate, DayStatus) -> Void) {
        guard MarketCalendar.ruleYears.contains(year) else { return }
        let first = CivilDate(year: year, month: 1, day: 1).daysSinceEpoch
        let end = CivilDate(year: year + 1, month: 1, day: 1).daysSinceEpoch
        for days in first..<end {
            let date = CivilDate(daysSinceEpoch: days)
            if let status = self.status(on: date) { body(date, status) }
        }
    }

    /// The status code the rules give a valid date whose day number is `days`. O(1), allocation-free.
    private static func ruleCode(date: CivilDate, days: Int, juneteenthFirstYear: Int) -> UInt8 {
        let weekday = CivilDate.weekday(ofDaysSinceEpoch: days)
        if weekday.isWeekend { return Code.weekend }
        let day = date.day
        let monday = weekday == .monday
        let friday = weekday == .friday
        switch date.month {
        case 1:
            // January 1, or Monday January 2 when January 1 is a Sunday; a Saturday January 1 is not observed.
            if day == 1 || (day == 2 && monday) { return Code.holiday(.newYearsDay) }
            if monday && (15...21).contains(day) { return Code.holiday(.martinLutherKingJrDay) }
        case 2:
            if monday && (15...21).contains(day) { return Code.holiday(.washingtonsBirthday) }
        case 3, 4:
            if friday && days == easterSundayDay(year: date.year) - 2 { return Code.holiday(.goodFriday) }
        case 5:
            if monday && day >= 25 { return Code.holiday(.memorialDay) }
        case 6:
            if date.year >= juneteenthFirstYear && (day == 19 || (day == 18 && friday) || (day == 20 && monday)) {
                return Code.holiday(.juneteenth)
            }
        case 7:
            if day == 4 || (day == 3 && friday) || (day == 5 && monday) { return Code.holiday(.independenceDay) }
            if day == 3 { return Code.earlyClose }  // Monday–Thursday here: July 4 is a weekday
        case 9:
            if monday && day <= 7 { return Code.holiday(.laborDay) }
        case 11:
            if weekday == .thursday && (22...28).contains(day) { return Code.holiday(.thanksgiving) }
            if friday && (23...29).contains(day) { return Code.earlyClose }  // the day after Thanksgiving
        case 12:
            if day == 25 || (day == 24 && friday) || (day == 26 && monday) { return Code.holiday(.christmas) }
            if day == 24 { return Code.earlyClose }  // Monday–Thursday here
        default:
            break
        }
        return Code.regular
    }

    /// Day number of Gregorian Easter Sunday (the anonymous Gregorian computus, integer arithmetic only).
    static func easterSundayDay(year: Int) -> Int {
        let golden = year % 19
        let century = year / 100
        let yearOfCentury = year % 100
        let leapCenturies = century / 4
        let centuryRemainder = century % 4
        let moonCorrection = (century + 8) / 25
        let solarCorrection = (century - moonCorrection + 1) / 3
        let epact = (19 * golden + century - leapCenturies - solarCorrection + 15) % 30
        let leapYearsOfCentury = yearOfCentury / 4
        let yearRemainder = yearOfCentury % 4
        let weekdayOffset = (32 + 2 * centuryRemainder + 2 * leapYearsOfCentury - epact - yearRemainder) % 7
        let correction = (golden + 11 * epact + 22 * weekdayOffset) / 451
        let monthAndDay = epact + weekdayOffset - 7 * correction + 114
        return CivilDate(year: year, month: monthAndDay / 31, day: monthAndDay % 31 + 1).daysSinceEpoch
    }
}
