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
/// Cost: every query is O(1) (a table lookup or a fixed number of rule evaluations) and allocation-free, except
/// `holidays(in:)` and `earlyCloses(in:)`, which build arrays. `nextSession`/`previousSession` step day by day, at
/// most 31 steps. Keep a copy of the calendar rather than reading `MarketCalendar.nyse` per event (a `static let`
/// access runs a once-check).
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
    /// One status code per day of `supportedYears` (see `Code`).
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
        guard let code = self.code(on: date) else { return nil }
        let closeMinute: Int
        let kind: TradingSession.Kind
        switch code {
        case Code.regular: (kind, closeMinute) = (.regular, MarketCalendar.regularCloseMinuteOfDay)
        case Code.earlyClose: (kind, closeMinute) = (.earlyClose, MarketCalendar.earlyCloseMinuteOfDay)
        default: return nil
        }
        // Trading days are weekdays and DST switches happen on Sundays, so no session straddles a switch.
        let open = NewYorkTime.instant(ofNewYork: date, minuteOfDay: MarketCalendar.openMinuteOfDay)
        let close = open + Int64(closeMinute - MarketCalendar.openMinuteOfDay) * Timestamp.nanosPerMinute
        return TradingSession(date: date, kind: kind, open: open, close: close)
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
        NewYorkTime.newYorkLocal(of: nanos).date
    }

    /// The session whose [open, close) contains `nanos`, or nil.
    public func session(containing nanos: TimestampNanos) -> TradingSession? {
        guard let position = self.position(of: nanos) else { return nil }
        let open = nanos - position.sinceOpen
        return TradingSession(
            date: position.date, kind: position.kind, open: open,
            close: open + Int64(position.closeMinute - MarketCalendar.openMinuteOfDay) * Timestamp.nanosPerMinute)
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
        let untilClose =
            Int64(position.closeMinute - MarketCalendar.openMinuteOfDay) * Timestamp.nanosPerMinute
            - position.sinceOpen
        return Int(untilClose / Timestamp.nanosPerMinute)
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

        static func status(_ code: UInt8) -> DayStatus {
            switch code {
            case regular: return .regular
            case earlyClose: return .earlyClose
            case weekend: return .weekend
            default: return .holiday(Holiday(rawValue: code & 0x0F) ?? .specialClosure)
            }
        }
    }

    /// Where an instant lies in its New York day's session.
    private struct Position {
        var date: CivilDate
        var kind: TradingSession.Kind
        var closeMinute: Int
        /// Nanoseconds since the open, ≥ 0 and before the close.
        var sinceOpen: Int64
    }

    private func position(of nanos: TimestampNanos) -> Position? {
        let local = NewYorkTime.newYorkLocal(of: nanos)
        let openNanos = Int64(MarketCalendar.openMinuteOfDay) * Timestamp.nanosPerMinute
        guard local.nanosOfDay >= openNanos, let code = self.code(on: local.date) else { return nil }
        let kind: TradingSession.Kind
        let closeMinute: Int
        switch code {
        case Code.regular: (kind, closeMinute) = (.regular, MarketCalendar.regularCloseMinuteOfDay)
        case Code.earlyClose: (kind, closeMinute) = (.earlyClose, MarketCalendar.earlyCloseMinuteOfDay)
        default: return nil
        }
        guard local.nanosOfDay < Int64(closeMinute) * Timestamp.nanosPerMinute else { return nil }
        return Position(date: local.date, kind: kind, closeMinute: closeMinute, sinceOpen: local.nanosOfDay - openNanos)
    }

    private func code(on date: CivilDate) -> UInt8? {
        guard date.isValid, MarketCalendar.ruleYears.contains(date.year) else { return nil }
        let days = date.daysSinceEpoch
        let index = days - self.tableFirstDay
        if index >= 0 && index < self.table.count { return self.table[index] }
        return MarketCalendar.ruleCode(date: date, days: days, juneteenthFirstYear: self.juneteenthFirstYear)
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
