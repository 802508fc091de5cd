import Runtime
import Testing

// Expected instants below were computed independently (Python's datetime and zoneinfo with the IANA tzdata), not with
// the code under test.

private let minute: Int64 = 60_000_000_000
private let second: Int64 = 1_000_000_000

private func date(_ year: Int, _ month: Int, _ day: Int) -> CivilDate {
    CivilDate(year: year, month: month, day: day)
}

/// Parses a test literal, failing the test (not crashing) when it does not parse.
private func instant(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TimestampNanos {
    guard let value = Timestamp.parse(text) else {
        Issue.record("test literal \(text) did not parse", sourceLocation: sourceLocation)
        return 0
    }
    return value
}

/// A labelled table row.
struct CalendarCase<Value: Sendable>: Sendable, CustomTestStringConvertible {
    var label: String
    var value: Value
    init(_ label: String, _ value: Value) {
        self.label = label
        self.value = value
    }
    var testDescription: String { self.label }
}

@Suite struct CalendarTests {
    // MARK: Civil dates

    @Test(arguments: [
        CalendarCase("epoch", (date(1970, 1, 1), 0, CivilDate.Weekday.thursday)),
        CalendarCase("day before epoch", (date(1969, 12, 31), -1, .wednesday)),
        CalendarCase("1900-01-01 (range start)", (date(1900, 1, 1), -25_567, .monday)),
        CalendarCase("1900-02-28 (1900 not leap)", (date(1900, 2, 28), -25_509, .wednesday)),
        CalendarCase("1900-03-01 follows 02-28", (date(1900, 3, 1), -25_508, .thursday)),
        CalendarCase("2000-02-29 (2000 leap)", (date(2000, 2, 29), 11_016, .tuesday)),
        CalendarCase("2000-03-01", (date(2000, 3, 1), 11_017, .wednesday)),
        CalendarCase("2100-02-28 (2100 not leap)", (date(2100, 2, 28), 47_540, .sunday)),
        CalendarCase("2100-03-01 follows 02-28", (date(2100, 3, 1), 47_541, .monday)),
        CalendarCase("2200-12-31 (range end)", (date(2200, 12, 31), 84_370, .wednesday)),
        CalendarCase("2026-01-01", (date(2026, 1, 1), 20_454, .thursday)),
    ])
    func knownDayNumbers(_ row: CalendarCase<(CivilDate, Int, CivilDate.Weekday)>) {
        let (civil, days, weekday) = row.value
        #expect(civil.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == civil)
        #expect(civil.weekday == weekday)
    }

    @Test(arguments: [
        CalendarCase("2000 is leap (divisible by 400)", (2000, true)),
        CalendarCase("1900 is not (century)", (1900, false)),
        CalendarCase("2100 is not (century)", (2100, false)),
        CalendarCase("2024 is leap", (2024, true)),
        CalendarCase("2026 is not", (2026, false)),
    ])
    func leapYears(_ row: CalendarCase<(Int, Bool)>) {
        let (year, leap) = row.value
        #expect(CivilDate.isLeapYear(year) == leap)
        #expect(CivilDate.daysInMonth(year: year, month: 2) == (leap ? 29 : 28))
        #expect(date(year, 2, 29).isValid == leap)
        #expect(date(year, 3, 1).daysSinceEpoch - date(year, 2, 28).daysSinceEpoch == (leap ? 2 : 1))
    }

    /// Every day of 1900–2200: the day number advances by one per calendar day (the successor computed here by plain
    /// month/year roll-over), round trips, and the weekday cycles.
    @Test func dayNumbersRoundTripOver1900Through2200() {
        var civil = date(1900, 1, 1)
        var days = civil.daysSinceEpoch
        var weekday = CivilDate.Weekday.monday.rawValue
        var failures = 0
        while civil.year <= 2200 {
            if civil.daysSinceEpoch != days || CivilDate(daysSinceEpoch: days) != civil
                || civil.weekday.rawValue != weekday || !civil.isValid
            {
                failures += 1
                if failures < 5 { Issue.record("mismatch at \(civil) / day \(days)") }
            }
            if civil.day < CivilDate.daysInMonth(year: civil.year, month: civil.month) {
                civil.day += 1
            } else if civil.month < 12 {
                civil = date(civil.year, civil.month + 1, 1)
            } else {
                civil = date(civil.year + 1, 1, 1)
            }
            days += 1
            weekday = (weekday + 1) % 7
        }
        #expect(failures == 0)
        #expect(days == date(2201, 1, 1).daysSinceEpoch)
    }

    @Test func addingDays() {
        #expect(date(2026, 12, 31).adding(days: 1) == date(2027, 1, 1))
        #expect(date(2024, 2, 28).adding(days: 1) == date(2024, 2, 29))
        #expect(date(2026, 3, 1).adding(days: -1) == date(2026, 2, 28))
        #expect(date(2026, 1, 1).adding(days: 365) == date(2027, 1, 1))
        #expect(date(2026, 1, 1).days(to: date(2027, 1, 1)) == 365)
        #expect(!date(2026, 2, 30).isValid)
        #expect(!date(2026, 13, 1).isValid)
        #expect(!date(2026, 0, 1).isValid)
    }

    @Test func utcDateAndTimeOfDay() {
        let nanos = instant("2026-01-01T00:01:00Z") + 5 * second + 7
        #expect(Timestamp.utcDate(of: nanos) == date(2026, 1, 1))
        #expect(Timestamp.utcMinuteOfDay(of: nanos) == 1)
        #expect(Timestamp.utcNanosOfDay(of: nanos) == 65 * second + 7)
        #expect(Timestamp.utcDate(of: -1) == date(1969, 12, 31))
        #expect(Timestamp.utcNanosOfDay(of: -1) == Timestamp.nanosPerDay - 1)
        #expect(Timestamp.nanos(utc: date(2026, 1, 1), nanosOfDay: 60 * second) == 1_767_225_660 * second)
        #expect(Timestamp.nanos(utc: date(2300, 1, 1)) == nil)
        #expect(Timestamp.utcDate(of: .max) == date(2262, 4, 11))
        #expect(Timestamp.utcDate(of: .min) == date(1677, 9, 21))
    }

    // MARK: ISO-8601

    @Test(arguments: [
        CalendarCase("+00:00 offset", ("2026-01-01T00:01:00+00:00", 1_767_225_660 * second)),
        CalendarCase("Z", ("2026-01-01T00:01:00Z", 1_767_225_660 * second)),
        CalendarCase("-00:00 read as UTC", ("2026-01-01T00:01:00-00:00", 1_767_225_660 * second)),
        CalendarCase("-05:00", ("2025-12-31T19:01:00-05:00", 1_767_225_660 * second)),
        CalendarCase("-0500 without colon", ("2025-12-31T19:01:00-0500", 1_767_225_660 * second)),
        CalendarCase("+05:30", ("2026-01-01T05:31:00+05:30", 1_767_225_660 * second)),
        CalendarCase("+0530 without colon", ("2026-01-01T05:31:00+0530", 1_767_225_660 * second)),
        CalendarCase("9 fractional digits", ("2026-01-01T00:01:00.123456789Z", 1_767_225_660 * second + 123_456_789)),
        CalendarCase("1 fractional digit", ("2026-01-01T00:01:00.5Z", 1_767_225_660 * second + 500_000_000)),
        CalendarCase("fraction with offset", ("2026-01-01T01:01:00.000001+01:00", 1_767_225_660 * second + 1_000)),
        CalendarCase("epoch", ("1970-01-01T00:00:00Z", 0)),
        CalendarCase("one before epoch", ("1969-12-31T23:59:59.999999999Z", -1)),
        CalendarCase("Int64.max", ("2262-04-11T23:47:16.854775807Z", Int64.max)),
        CalendarCase("Int64.min", ("1677-09-21T00:12:43.145224192Z", Int64.min)),
        CalendarCase("leap day 2024", ("2024-02-29T12:00:00Z", 1_709_208_000 * second)),
    ])
    func parsesValidTimestamps(_ row: CalendarCase<(String, TimestampNanos)>) {
        let (text, expected) = row.value
        #expect(Timestamp.parse(text) == expected)
        #expect(Timestamp.parse(text[...]) == expected)
        #expect(Timestamp.parse(Timestamp.format(expected)) == expected)
    }

    @Test(arguments: [
        CalendarCase("empty", ""),
        CalendarCase("month 13", "2026-13-01T00:00:00Z"),
        CalendarCase("month 0", "2026-00-10T00:00:00Z"),
        CalendarCase("day 0", "2026-01-00T00:00:00Z"),
        CalendarCase("February 30", "2026-02-30T00:00:00Z"),
        CalendarCase("February 29 in a common year", "2026-02-29T00:00:00Z"),
        CalendarCase("missing offset", "2026-01-01T00:00:00"),
        CalendarCase("10 fractional digits", "2026-01-01T00:00:00.1234567890Z"),
        CalendarCase("empty fraction", "2026-01-01T00:00:00.Z"),
        CalendarCase("garbage", "garbage"),
        CalendarCase("space separator", "2026-01-01 00:00:00Z"),
        CalendarCase("lowercase t and z", "2026-01-01t00:00:00z"),
        CalendarCase("hour 24", "2026-01-01T24:00:00Z"),
        CalendarCase("minute 60", "2026-01-01T00:60:00Z"),
        CalendarCase("leap second", "2026-01-01T00:00:60Z"),
        CalendarCase("one-digit offset hour", "2026-01-01T00:00:00+5:00"),
        CalendarCase("one-digit offset minute", "2026-01-01T00:00:00+05:0"),
        CalendarCase("offset hour only", "2026-01-01T00:00:00+05"),
        CalendarCase("offset and Z", "2026-01-01T00:00:00+0500Z"),
        CalendarCase("offset with seconds", "2026-01-01T00:00:00+05:00:00"),
        CalendarCase("offset hour 24", "2026-01-01T00:00:00+24:00"),
        CalendarCase("offset minute 60", "2026-01-01T00:00:00+05:60"),
        CalendarCase("leading space", " 2026-01-01T00:00:00Z"),
        CalendarCase("trailing space", "2026-01-01T00:00:00Z "),
        CalendarCase("trailing newline", "2026-01-01T00:00:00Z\n"),
        CalendarCase("date only", "2026-01-01"),
        CalendarCase("one-digit month", "2026-1-01T00:00:00Z"),
        CalendarCase("signed year", "+2026-01-01T00:00:00Z"),
        CalendarCase("five-digit year", "12026-01-01T00:00:00Z"),
        CalendarCase("no seconds", "2026-01-01T00:00Z"),
        CalendarCase("comma fraction", "2026-01-01T00:00:00,5Z"),
        CalendarCase("full-width digits", "２０２６-01-01T00:00:00Z"),
        CalendarCase("past Int64.max", "2262-04-11T23:47:16.854775808Z"),
        CalendarCase("before Int64.min", "1677-09-21T00:12:43.145224191Z"),
        CalendarCase("year 9999", "9999-12-31T23:59:59Z"),
        CalendarCase("year 0000", "0000-01-01T00:00:00Z"),
        CalendarCase("very long input", "2026-01-01T00:00:00.123456789+05:00" + String(repeating: "0", count: 10_000)),
    ])
    func rejectsInvalidTimestamps(_ row: CalendarCase<String>) {
        #expect(Timestamp.parse(row.value) == nil)
    }

    /// Every truncation and every single-byte substitution of valid texts parses or is rejected without trapping,
    /// and whatever parses formats back to the same instant.
    @Test func parseNeverTrapsOnMutations() {
        let seeds = ["2026-01-01T00:01:00.123456789+05:30", "2026-01-01T00:01:00-0500", "2262-04-11T23:47:16Z"]
        let replacements: [UInt8] = Array("09+-:.TZz \u{7F}".utf8) + [0, 0xC3, 0xFF]
        var parsed = 0
        for seed in seeds {
            let bytes = Array(seed.utf8)
            for length in 0...bytes.count {
                if let value = Timestamp.parse(String(decoding: bytes[0..<length], as: UTF8.self)) {
                    parsed += 1
                    #expect(Timestamp.parse(Timestamp.format(value)) == value)
                }
            }
            for position in bytes.indices {
                for replacement in replacements {
                    var mutated = bytes
                    mutated[position] = replacement
                    if let value = Timestamp.parse(String(decoding: mutated, as: UTF8.self)) {
                        parsed += 1
                        #expect(Timestamp.parse(Timestamp.format(value)) == value)
                    }
                }
            }
        }
        #expect(parsed > 0)
    }

    @Test(arguments: [
        CalendarCase("whole second", (1_767_225_660 * second, "2026-01-01T00:01:00Z")),
        CalendarCase("half second trimmed", (1_767_225_660 * second + 500_000_000, "2026-01-01T00:01:00.5Z")),
        CalendarCase("all nine digits", (1_767_225_660 * second + 123_456_789, "2026-01-01T00:01:00.123456789Z")),
        CalendarCase("one nanosecond", (1_767_225_660 * second + 1, "2026-01-01T00:01:00.000000001Z")),
        CalendarCase("epoch", (0, "1970-01-01T00:00:00Z")),
        CalendarCase("before epoch", (-1, "1969-12-31T23:59:59.999999999Z")),
        CalendarCase("Int64.max", (Int64.max, "2262-04-11T23:47:16.854775807Z")),
        CalendarCase("Int64.min", (Int64.min, "1677-09-21T00:12:43.145224192Z")),
    ])
    func formats(_ row: CalendarCase<(TimestampNanos, String)>) {
        let (nanos, text) = row.value
        #expect(Timestamp.format(nanos) == text)
        #expect(Timestamp.parse(text) == nanos)
    }

    /// The formatter that keeps the last second's text writes what `format` writes, whether the second repeats (a
    /// run's consecutive signals), moves on, goes back, or sits at the ends of the range.
    @Test func cachedFormatterMatchesFormat() {
        var formatter = Timestamp.Formatter()
        var instants: [TimestampNanos] = [Int64.min, Int64.min + 1, -1_000_000_001, -1, 0, 1, Int64.max - 1, Int64.max]
        let open = Timestamp.parse("2026-01-02T14:30:00Z")!
        for step in Int64(0)..<3_000 {
            // 15 signals per second with fractions, then a jump back and across midnight now and then.
            instants.append(open + step / 15 * 1_000_000_000 + step % 15 * 66_000_000)
            if step % 500 == 0 { instants.append(open - step * 86_400_000_000_000 - 7) }
        }
        var state: UInt64 = 0x5851_F42D_4C95_7F2D
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            instants.append(Int64(bitPattern: state))
        }
        for nanos in instants {
            let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Timestamp.maximumFormattedLength) {
                String(decoding: $0[..<formatter.write(nanos, into: $0)], as: UTF8.self)
            }
            #expect(text == Timestamp.format(nanos), "\(nanos)")
        }
    }

    /// Format/parse round trip over instants spread from 1678 to 2261 (a fixed linear congruential sequence).
    @Test func formatParseRoundTripSpread() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let nanos = Int64(bitPattern: state)
            #expect(Timestamp.parse(Timestamp.format(nanos)) == nanos)
        }
    }

    // MARK: New York time

    /// DST switch dates 1987–2040 from the IANA tzdata (1987–2006 rule, then the 2007 rule): (year, start month,
    /// start day, end month, end day); the switches are at 07:00 UTC and 06:00 UTC.
    static let tzdataSwitches: [(Int, Int, Int, Int, Int)] = [
        (1987, 4, 5, 10, 25), (1988, 4, 3, 10, 30), (1989, 4, 2, 10, 29), (1990, 4, 1, 10, 28), (1991, 4, 7, 10, 27),
        (1992, 4, 5, 10, 25), (1993, 4, 4, 10, 31), (1994, 4, 3, 10, 30), (1995, 4, 2, 10, 29), (1996, 4, 7, 10, 27),
        (1997, 4, 6, 10, 26), (1998, 4, 5, 10, 25), (1999, 4, 4, 10, 31), (2000, 4, 2, 10, 29), (2001, 4, 1, 10, 28),
        (2002, 4, 7, 10, 27), (2003, 4, 6, 10, 26), (2004, 4, 4, 10, 31), (2005, 4, 3, 10, 30), (2006, 4, 2, 10, 29),
        (2007, 3, 11, 11, 4), (2008, 3, 9, 11, 2), (2009, 3, 8, 11, 1), (2010, 3, 14, 11, 7), (2011, 3, 13, 11, 6),
        (2012, 3, 11, 11, 4), (2013, 3, 10, 11, 3), (2014, 3, 9, 11, 2), (2015, 3, 8, 11, 1), (2016, 3, 13, 11, 6),
        (2017, 3, 12, 11, 5), (2018, 3, 11, 11, 4), (2019, 3, 10, 11, 3), (2020, 3, 8, 11, 1), (2021, 3, 14, 11, 7),
        (2022, 3, 13, 11, 6), (2023, 3, 12, 11, 5), (2024, 3, 10, 11, 3), (2025, 3, 9, 11, 2), (2026, 3, 8, 11, 1),
        (2027, 3, 14, 11, 7), (2028, 3, 12, 11, 5), (2029, 3, 11, 11, 4), (2030, 3, 10, 11, 3), (2031, 3, 9, 11, 2),
        (2032, 3, 14, 11, 7), (2033, 3, 13, 11, 6), (2034, 3, 12, 11, 5), (2035, 3, 11, 11, 4), (2036, 3, 9, 11, 2),
        (2037, 3, 8, 11, 1), (2038, 3, 14, 11, 7), (2039, 3, 13, 11, 6), (2040, 3, 11, 11, 4),
    ]

    @Test func switchDatesMatchTzdata1987Through2040() {
        for (year, startMonth, startDay, endMonth, endDay) in CalendarTests.tzdataSwitches {
            let start = Timestamp.nanos(utc: date(year, startMonth, startDay), nanosOfDay: 7 * 3_600 * second)!
            let end = Timestamp.nanos(utc: date(year, endMonth, endDay), nanosOfDay: 6 * 3_600 * second)!
            #expect(NewYorkTime.daylightTimeStartDate(year: year) == date(year, startMonth, startDay), "\(year)")
            #expect(NewYorkTime.daylightTimeEndDate(year: year) == date(year, endMonth, endDay), "\(year)")
            #expect(NewYorkTime.daylightTimeStart(year: year) == start, "\(year)")
            #expect(NewYorkTime.daylightTimeEnd(year: year) == end, "\(year)")
            #expect(NewYorkTime.utcOffsetSeconds(at: start - 1) == -18_000, "\(year)")
            #expect(NewYorkTime.utcOffsetSeconds(at: start) == -14_400, "\(year)")
            #expect(NewYorkTime.utcOffsetSeconds(at: end - 1) == -14_400, "\(year)")
            #expect(NewYorkTime.utcOffsetSeconds(at: end) == -18_000, "\(year)")
            #expect(NewYorkTime.utcOffsetSeconds(at: start - 30 * Timestamp.nanosPerDay) == -18_000, "\(year)")
            #expect(NewYorkTime.utcOffsetSeconds(at: end + 30 * Timestamp.nanosPerDay) == -18_000, "\(year)")
            #expect(NewYorkTime.utcOffsetSeconds(at: (start + end) / 2) == -14_400, "\(year)")
        }
    }

    /// Offsets and wall-clock readings around 02:00 local on the 2026 switch days.
    @Test(arguments: [
        CalendarCase(
            "Mar 8 01:59:59 EST, last standard second", ("2026-03-08T06:59:59Z", -18_000, date(2026, 3, 8), 119)),
        CalendarCase(
            "Mar 8 03:00 EDT, first daylight instant", ("2026-03-08T07:00:00Z", -14_400, date(2026, 3, 8), 180)),
        CalendarCase("Mar 8 00:30 EST", ("2026-03-08T05:30:00Z", -18_000, date(2026, 3, 8), 30)),
        CalendarCase("Mar 8 04:00 EDT", ("2026-03-08T08:00:00Z", -14_400, date(2026, 3, 8), 240)),
        CalendarCase("Mar 7 23:00 EST, day before", ("2026-03-08T04:00:00Z", -18_000, date(2026, 3, 7), 1_380)),
        CalendarCase(
            "Nov 1 01:59:59 EDT, last daylight second", ("2026-11-01T05:59:59Z", -14_400, date(2026, 11, 1), 119)),
        CalendarCase("Nov 1 01:00 EST, repeated hour", ("2026-11-01T06:00:00Z", -18_000, date(2026, 11, 1), 60)),
        CalendarCase("Nov 1 01:00 EDT, first pass", ("2026-11-01T05:00:00Z", -14_400, date(2026, 11, 1), 60)),
        CalendarCase("Nov 1 02:00 EST", ("2026-11-01T07:00:00Z", -18_000, date(2026, 11, 1), 120)),
        CalendarCase("Oct 31 23:30 EDT, day before", ("2026-11-01T03:30:00Z", -14_400, date(2026, 10, 31), 1_410)),
        CalendarCase(
            "Jan 1 2026 00:01 UTC is Dec 31 19:01 EST", ("2026-01-01T00:01:00Z", -18_000, date(2025, 12, 31), 1_141)),
    ])
    func offsetsAroundSwitches(_ row: CalendarCase<(String, Int, CivilDate, Int)>) {
        let (text, offset, localDate, minuteOfDay) = row.value
        let nanos = instant(text)
        #expect(NewYorkTime.utcOffsetSeconds(at: nanos) == offset)
        #expect(NewYorkTime.isDaylightTime(at: nanos) == (offset == -14_400))
        let local = NewYorkTime.newYorkLocal(of: nanos)
        #expect(local.date == localDate)
        #expect(local.minuteOfDay == minuteOfDay)
        #expect(local.utcOffsetSeconds == offset)
    }

    @Test(arguments: [
        CalendarCase("09:30 on Friday 2026-03-06 (EST)", (date(2026, 3, 6), 570, "2026-03-06T14:30:00Z")),
        CalendarCase("09:30 on Monday 2026-03-09 (EDT)", (date(2026, 3, 9), 570, "2026-03-09T13:30:00Z")),
        CalendarCase("01:59 on Mar 8, before the gap", (date(2026, 3, 8), 119, "2026-03-08T06:59:00Z")),
        CalendarCase("02:00 on Mar 8, nonexistent: read as EST", (date(2026, 3, 8), 120, "2026-03-08T07:00:00Z")),
        CalendarCase(
            "02:30 on Mar 8, nonexistent: read as EST = 03:30 EDT", (date(2026, 3, 8), 150, "2026-03-08T07:30:00Z")),
        CalendarCase("03:00 on Mar 8, after the gap", (date(2026, 3, 8), 180, "2026-03-08T07:00:00Z")),
        CalendarCase("00:59 on Nov 1, before the overlap", (date(2026, 11, 1), 59, "2026-11-01T04:59:00Z")),
        CalendarCase("01:30 on Nov 1, ambiguous: earlier (EDT)", (date(2026, 11, 1), 90, "2026-11-01T05:30:00Z")),
        CalendarCase("02:00 on Nov 1, after the overlap", (date(2026, 11, 1), 120, "2026-11-01T07:00:00Z")),
        CalendarCase("minute 1440 is next midnight", (date(2026, 1, 1), 1_440, "2026-01-02T05:00:00Z")),
        CalendarCase("23:00 Dec 31 EST crosses UTC year", (date(2026, 12, 31), 1_380, "2027-01-01T04:00:00Z")),
        CalendarCase("2006 rule: 09:30 on 2006-04-03 (EDT)", (date(2006, 4, 3), 570, "2006-04-03T13:30:00Z")),
        CalendarCase("2006 rule: 09:30 on 2006-03-31 (EST)", (date(2006, 3, 31), 570, "2006-03-31T14:30:00Z")),
    ])
    func localToInstant(_ row: CalendarCase<(CivilDate, Int, String)>) {
        let (localDate, minuteOfDay, expected) = row.value
        #expect(NewYorkTime.instant(ofNewYork: localDate, minuteOfDay: minuteOfDay) == instant(expected))
    }

    /// instant(newYorkLocal(t)) == t everywhere except the second pass through the repeated fall-back hour, which
    /// maps to the first pass (one hour earlier).
    @Test func localRoundTripSpread() {
        var state: UInt64 = 12_345
        let lower = instant("1990-01-01T00:00:00Z")
        let span = UInt64(instant("2100-01-01T00:00:00Z") - lower)
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let nanos = lower + Int64(state % span)
            let local = NewYorkTime.newYorkLocal(of: nanos)
            let back = NewYorkTime.instant(ofNewYork: local.date, nanosOfDay: local.nanosOfDay)
            let end = NewYorkTime.daylightTimeEnd(year: local.date.year)
            if nanos >= end && nanos < end + 3_600 * second {
                #expect(back == nanos - 3_600 * second)
            } else {
                #expect(back == nanos)
            }
        }
    }

    @Test func offsetsNeverTrapAtInt64Ends() {
        for nanos in [Int64.min, Int64.min + 1, Int64.max - 1, Int64.max] {
            let local = NewYorkTime.newYorkLocal(of: nanos)
            #expect(local.minuteOfDay >= 0 && local.minuteOfDay < 1_440)
            #expect([-18_000, -14_400].contains(NewYorkTime.utcOffsetSeconds(at: nanos)))
        }
        #expect(NewYorkTime.newYorkLocal(of: Int64.min).date == date(1677, 9, 20))
    }

    // MARK: Sessions around DST switches

    @Test(arguments: [
        CalendarCase(
            "Fri 2026-03-06, before the March switch",
            (date(2026, 3, 6), "2026-03-06T14:30:00Z", "2026-03-06T21:00:00Z")),
        CalendarCase(
            "Mon 2026-03-09, after the March switch", (date(2026, 3, 9), "2026-03-09T13:30:00Z", "2026-03-09T20:00:00Z")
        ),
        CalendarCase(
            "Fri 2026-10-30, before the November switch",
            (date(2026, 10, 30), "2026-10-30T13:30:00Z", "2026-10-30T20:00:00Z")),
        CalendarCase(
            "Mon 2026-11-02, after the November switch",
            (date(2026, 11, 2), "2026-11-02T14:30:00Z", "2026-11-02T21:00:00Z")),
        CalendarCase("Fri 2026-01-02, winter", (date(2026, 1, 2), "2026-01-02T14:30:00Z", "2026-01-02T21:00:00Z")),
        CalendarCase(
            "Fri 2026-11-27, early close in EST", (date(2026, 11, 27), "2026-11-27T14:30:00Z", "2026-11-27T18:00:00Z")),
        CalendarCase(
            "Thu 2026-12-24, early close in EST", (date(2026, 12, 24), "2026-12-24T14:30:00Z", "2026-12-24T18:00:00Z")),
        CalendarCase(
            "Thu 2025-07-03, early close in EDT", (date(2025, 7, 3), "2025-07-03T13:30:00Z", "2025-07-03T17:00:00Z")),
    ])
    func sessionInstants(_ row: CalendarCase<(CivilDate, String, String)>) throws {
        let (day, open, close) = row.value
        let session = try #require(MarketCalendar.nyse.session(on: day))
        #expect(session.date == day)
        #expect(session.open == instant(open))
        #expect(session.close == instant(close))
        #expect(session.kind == (session.lengthMinutes == 390 ? .regular : .earlyClose))
        #expect(MarketCalendar.nyse.session(containing: session.open) == session)
        #expect(MarketCalendar.nyse.session(containing: session.close - 1) == session)
        #expect(MarketCalendar.nyse.session(containing: session.close) == nil)
        #expect(MarketCalendar.nyse.session(containing: session.open - 1) == nil)
    }

    @Test func switchSundaysHaveNoSession() {
        #expect(MarketCalendar.nyse.session(on: date(2026, 3, 8)) == nil)
        #expect(MarketCalendar.nyse.session(on: date(2026, 11, 1)) == nil)
        #expect(MarketCalendar.nyse.status(on: date(2026, 3, 8)) == .weekend)
        #expect(MarketCalendar.nyse.nextSession(after: date(2026, 3, 6))?.date == date(2026, 3, 9))
        #expect(MarketCalendar.nyse.previousSession(before: date(2026, 11, 2))?.date == date(2026, 10, 30))
    }

    // MARK: Holidays and early closes

    /// 2026 from the NYSE published holiday and early-close schedule.
    @Test func nyse2026MatchesPublishedSchedule() {
        let calendar = MarketCalendar.nyse
        let holidays: [(CivilDate, MarketCalendar.Holiday)] = [
            (date(2026, 1, 1), .newYearsDay),
            (date(2026, 1, 19), .martinLutherKingJrDay),
            (date(2026, 2, 16), .washingtonsBirthday),
            (date(2026, 4, 3), .goodFriday),
            (date(2026, 5, 25), .memorialDay),
            (date(2026, 6, 19), .juneteenth),
            (date(2026, 7, 3), .independenceDay),  // observed: July 4 is a Saturday
            (date(2026, 9, 7), .laborDay),
            (date(2026, 11, 26), .thanksgiving),
            (date(2026, 12, 25), .christmas),
        ]
        let listed = calendar.holidays(in: 2026)
        #expect(listed.map(\.date) == holidays.map(\.0))
        #expect(listed.map(\.holiday) == holidays.map(\.1))
        for (day, holiday) in holidays {
            #expect(calendar.status(on: day) == .holiday(holiday), "\(day)")
            #expect(calendar.session(on: day) == nil, "\(day)")
            #expect(!calendar.isTradingDay(day), "\(day)")
        }
        #expect(calendar.earlyCloses(in: 2026) == [date(2026, 11, 27), date(2026, 12, 24)])
        for day in [date(2026, 11, 27), date(2026, 12, 24)] {
            #expect(calendar.session(on: day)?.kind == .earlyClose, "\(day)")
            #expect(calendar.session(on: day)?.lengthMinutes == 210, "\(day)")
        }
        // July 2 2026 is a full session: no early close before an observed Friday holiday.
        #expect(calendar.session(on: date(2026, 7, 2))?.kind == .regular)
        // Sessions in 2026: 365 days − 104 weekend days − 10 holidays.
        var sessions = 0
        var day = date(2026, 1, 1)
        while day.year == 2026 {
            if calendar.session(on: day) != nil { sessions += 1 }
            day = day.adding(days: 1)
        }
        #expect(sessions == 251)
    }

    /// Other years as recalled from NYSE published schedules (2027 is the New Year's Saturday edge: Jan 1 2028 is a
    /// Saturday, so the exchange stays open on Friday Dec 31 2027; Juneteenth on Saturday → Friday June 18).
    /// A year's weekday closures and early closes as MMDD numbers.
    struct YearSchedule: Sendable {
        var year: Int
        var holidays: [Int]
        var earlyCloses: [Int]
    }

    /// Other years as recalled from NYSE published schedules (2027 is the New Year's Saturday edge: Jan 1 2028 is a
    /// Saturday, so the exchange stays open on Friday Dec 31 2027; Juneteenth on Saturday → Friday June 18).
    static let otherYearSchedules: [CalendarCase<YearSchedule>] = [
        CalendarCase(
            "2015",
            YearSchedule(
                year: 2015, holidays: [101, 119, 216, 403, 525, 703, 907, 1126, 1225], earlyCloses: [1127, 1224])),
        CalendarCase(
            "2018 (Bush mourning Dec 5)",
            YearSchedule(
                year: 2018, holidays: [101, 115, 219, 330, 528, 704, 903, 1122, 1205, 1225],
                earlyCloses: [703, 1123, 1224])),
        CalendarCase(
            "2021 (Christmas on Saturday, no Juneteenth yet)",
            YearSchedule(year: 2021, holidays: [101, 118, 215, 402, 531, 705, 906, 1125, 1224], earlyCloses: [1126])),
        CalendarCase(
            "2022 (New Year on Saturday, first Juneteenth)",
            YearSchedule(year: 2022, holidays: [117, 221, 415, 530, 620, 704, 905, 1124, 1226], earlyCloses: [1125])),
        CalendarCase(
            "2023 (New Year on Sunday)",
            YearSchedule(
                year: 2023, holidays: [102, 116, 220, 407, 529, 619, 704, 904, 1123, 1225], earlyCloses: [703, 1124])),
        CalendarCase(
            "2024",
            YearSchedule(
                year: 2024, holidays: [101, 115, 219, 329, 527, 619, 704, 902, 1128, 1225],
                earlyCloses: [703, 1129, 1224])),
        CalendarCase(
            "2025 (Carter mourning Jan 9)",
            YearSchedule(
                year: 2025, holidays: [101, 109, 120, 217, 418, 526, 619, 704, 901, 1127, 1225],
                earlyCloses: [703, 1128, 1224])),
        CalendarCase(
            "2027 (Dec 31 open)",
            YearSchedule(
                year: 2027, holidays: [101, 118, 215, 326, 531, 618, 705, 906, 1125, 1224], earlyCloses: [1126])),
    ]

    @Test(arguments: otherYearSchedules)
    func otherYears(_ row: CalendarCase<YearSchedule>) {
        let schedule = row.value
        let calendar = MarketCalendar.nyse
        let expectedHolidays = schedule.holidays.map { date(schedule.year, $0 / 100, $0 % 100) }
        let expectedEarly = schedule.earlyCloses.map { date(schedule.year, $0 / 100, $0 % 100) }
        #expect(calendar.holidays(in: schedule.year).map(\.date) == expectedHolidays)
        #expect(calendar.earlyCloses(in: schedule.year) == expectedEarly)
    }

    @Test func newYearSaturdayEdge() throws {
        let calendar = MarketCalendar.nyse
        let lastOf2027 = try #require(calendar.session(on: date(2027, 12, 31)))
        #expect(lastOf2027.kind == .regular)
        #expect(calendar.status(on: date(2028, 1, 1)) == .weekend)
        #expect(calendar.nextSession(after: date(2027, 12, 31))?.date == date(2028, 1, 3))
        #expect(calendar.previousSession(before: date(2028, 1, 3))?.date == date(2027, 12, 31))
        #expect(calendar.session(on: date(2021, 12, 31))?.kind == .regular)  // same edge, Jan 1 2022
        #expect(calendar.status(on: date(2021, 12, 24)) == .holiday(.christmas))
    }

    @Test func specialClosures() {
        let calendar = MarketCalendar.nyse
        #expect(calendar.status(on: date(2018, 12, 5)) == .holiday(.specialClosure))
        #expect(calendar.status(on: date(2025, 1, 9)) == .holiday(.specialClosure))
        #expect(calendar.nextSession(after: date(2025, 1, 8))?.date == date(2025, 1, 10))
        for special in calendar.specialClosures { #expect(calendar.isTableCovered(special.year)) }
    }

    /// Good Friday (from the computus) 2015–2030, against the published Easter dates.
    @Test func goodFridays() {
        let fridays = [
            (2015, 4, 3), (2016, 3, 25), (2017, 4, 14), (2018, 3, 30), (2019, 4, 19), (2020, 4, 10), (2021, 4, 2),
            (2022, 4, 15), (2023, 4, 7), (2024, 3, 29), (2025, 4, 18), (2026, 4, 3), (2027, 3, 26), (2028, 4, 14),
            (2029, 3, 30), (2030, 4, 19),
        ]
        for (year, month, day) in fridays {
            #expect(MarketCalendar.nyse.status(on: date(year, month, day)) == .holiday(.goodFriday), "\(year)")
            let goodFridays = MarketCalendar.nyse.holidays(in: year).filter { $0.holiday == .goodFriday }
            #expect(goodFridays.map(\.date) == [date(year, month, day)], "\(year)")
        }
    }

    @Test(arguments: [
        CalendarCase("Saturday 2026-01-03", date(2026, 1, 3)),
        CalendarCase("Sunday 2026-01-04", date(2026, 1, 4)),
        CalendarCase("Saturday 2026-07-04 (Independence Day)", date(2026, 7, 4)),
        CalendarCase("Sunday 2027-07-04", date(2027, 7, 4)),
    ])
    func weekendsHaveNoSession(_ row: CalendarCase<CivilDate>) {
        #expect(MarketCalendar.nyse.session(on: row.value) == nil)
        #expect(MarketCalendar.nyse.status(on: row.value) == .weekend)
    }

    @Test func nextAndPreviousSession() {
        let calendar = MarketCalendar.nyse
        #expect(calendar.nextSession(after: date(2026, 1, 2))?.date == date(2026, 1, 5))
        #expect(calendar.nextSession(after: date(2026, 4, 2))?.date == date(2026, 4, 6))  // Good Friday + weekend
        #expect(calendar.nextSession(after: date(2025, 12, 31))?.date == date(2026, 1, 2))
        #expect(calendar.previousSession(before: date(2026, 1, 5))?.date == date(2026, 1, 2))
        #expect(calendar.previousSession(before: date(2026, 1, 2))?.date == date(2025, 12, 31))
        #expect(calendar.previousSession(before: date(2026, 1, 20))?.date == date(2026, 1, 16))  // MLK Monday
        #expect(calendar.nextSession(after: date(2026, 2, 30)) == nil)  // invalid date
    }

    // MARK: Minutes in session

    @Test(arguments: [
        CalendarCase("at the open", ("2026-01-02T14:30:00Z", 0, 390)),
        CalendarCase("09:30:59", ("2026-01-02T14:30:59Z", 0, 389)),
        CalendarCase("09:31:00", ("2026-01-02T14:31:00Z", 1, 389)),
        CalendarCase("15:59:00", ("2026-01-02T20:59:00Z", 389, 1)),
        CalendarCase("15:59:59", ("2026-01-02T20:59:59Z", 389, 0)),
        CalendarCase("15:59:59.999999999", ("2026-01-02T20:59:59.999999999Z", 389, 0)),
        CalendarCase("open after March switch (EDT)", ("2026-03-09T13:30:00Z", 0, 390)),
        CalendarCase("12:59:59 on the Nov 27 early close", ("2026-11-27T17:59:59Z", 209, 0)),
    ])
    func minutesInSession(_ row: CalendarCase<(String, Int, Int)>) {
        let (text, afterOpen, beforeClose) = row.value
        let nanos = instant(text)
        #expect(MarketCalendar.nyse.minutesAfterOpen(nanos) == afterOpen)
        #expect(MarketCalendar.nyse.minutesBeforeClose(nanos) == beforeClose)
        #expect(MarketCalendar.nyse.isOpen(nanos))
    }

    @Test(arguments: [
        CalendarCase("at the close", "2026-01-02T21:00:00Z"),
        CalendarCase("09:29:59.999999999", "2026-01-02T14:29:59.999999999Z"),
        CalendarCase("at the early close", "2026-11-27T18:00:00Z"),
        CalendarCase("20:00 UTC on Mon 2026-03-09 is the 16:00 EDT close", "2026-03-09T20:00:00Z"),
        CalendarCase("holiday mid-day", "2026-01-19T17:00:00Z"),
        CalendarCase("Saturday mid-day", "2026-01-03T17:00:00Z"),
        CalendarCase("midnight New York", "2026-01-02T05:00:00Z"),
    ])
    func outsideSession(_ row: CalendarCase<String>) {
        let nanos = instant(row.value)
        #expect(MarketCalendar.nyse.minutesAfterOpen(nanos) == nil)
        #expect(MarketCalendar.nyse.minutesBeforeClose(nanos) == nil)
        #expect(!MarketCalendar.nyse.isOpen(nanos))
        #expect(MarketCalendar.nyse.session(containing: nanos) == nil)
    }

    /// The table's precomputed open offsets agree with the time-zone rules, inside and outside the table years, and
    /// the per-instant queries agree with the New York wall clock.
    @Test func sessionsAgreeWithNewYorkTime() {
        let calendar = MarketCalendar.nyse
        var day = date(2013, 1, 1)
        var sessions = 0
        while day.year <= 2032 {
            if let session = calendar.session(on: day) {
                sessions += 1
                #expect(session.open == NewYorkTime.instant(ofNewYork: day, minuteOfDay: 570), "\(day)")
                let close = session.kind == .regular ? 960 : 780
                #expect(session.close == NewYorkTime.instant(ofNewYork: day, minuteOfDay: close), "\(day)")
                #expect(calendar.session(containing: session.open + 77 * minute) == session, "\(day)")
            }
            day = day.adding(days: 1)
        }
        #expect(sessions > 5_000)
        var state: UInt64 = 99
        let lower = instant("2013-01-01T00:00:00Z")
        let span = UInt64(instant("2033-01-01T00:00:00Z") - lower)
        for _ in 0..<50_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let nanos = lower + Int64(state % span)
            let local = NewYorkTime.newYorkLocal(of: nanos)
            let session = calendar.session(on: local.date)
            let expectedOpen = session.map { nanos >= $0.open && nanos < $0.close } ?? false
            #expect(calendar.isOpen(nanos) == expectedOpen, "\(Timestamp.format(nanos))")
            if expectedOpen {
                #expect(calendar.minutesAfterOpen(nanos) == local.minuteOfDay - 570)
                #expect(calendar.session(containing: nanos) == session)
            }
            #expect(calendar.sessionDate(for: nanos) == local.date)
        }
    }

    @Test func sessionDateIsNewYorkDate() {
        let calendar = MarketCalendar.nyse
        #expect(calendar.sessionDate(for: instant("2026-01-03T03:00:00Z")) == date(2026, 1, 2))  // 22:00 EST Friday
        #expect(calendar.sessionDate(for: instant("2026-01-03T05:00:00Z")) == date(2026, 1, 3))
        #expect(calendar.sessionDate(for: instant("2026-07-01T03:59:59Z")) == date(2026, 6, 30))  // 23:59:59 EDT
        let midnights: [(String, CivilDate)] = [
            ("2026-03-08T04:59:59Z", date(2026, 3, 7)), ("2026-03-08T05:00:00Z", date(2026, 3, 8)),
            ("2026-03-09T03:59:59Z", date(2026, 3, 8)), ("2026-03-09T04:00:00Z", date(2026, 3, 9)),
            ("2026-11-01T03:59:59Z", date(2026, 10, 31)), ("2026-11-01T04:00:00Z", date(2026, 11, 1)),
            ("2026-11-02T04:59:59Z", date(2026, 11, 1)), ("2026-11-02T05:00:00Z", date(2026, 11, 2)),
            ("2015-01-01T04:59:59Z", date(2014, 12, 31)), ("2015-01-01T05:00:00Z", date(2015, 1, 1)),
            ("2031-01-01T04:59:59Z", date(2030, 12, 31)), ("2031-01-01T05:00:00Z", date(2031, 1, 1)),
        ]
        for (text, expected) in midnights {
            #expect(calendar.sessionDate(for: instant(text)) == expected, "\(text)")
        }
    }

    // MARK: Coverage and version

    @Test func coverageAndOutsideBehaviour() {
        let calendar = MarketCalendar.nyse
        #expect(calendar.version == "nyse-2026.1")
        #expect(calendar.supportedYears == 2015...2030)
        #expect(!calendar.isTableCovered(2014))
        #expect(calendar.isTableCovered(2015))
        #expect(calendar.isTableCovered(2030))
        #expect(!calendar.isTableCovered(2031))
        // Outside the table: rules only.
        #expect(calendar.status(on: date(2031, 1, 1)) == .holiday(.newYearsDay))
        #expect(calendar.session(on: date(2031, 1, 2))?.kind == .regular)
        #expect(calendar.earlyCloses(in: 2031) == [date(2031, 7, 3), date(2031, 11, 28), date(2031, 12, 24)])
        #expect(calendar.status(on: date(2012, 10, 29)) == .regular)  // Sandy closure not represented
        // Outside the rule years, and invalid dates: nothing.
        #expect(calendar.session(on: date(1899, 6, 1)) == nil)
        #expect(calendar.status(on: date(2201, 6, 1)) == nil)
        #expect(calendar.status(on: date(2026, 2, 30)) == nil)
        #expect(calendar.holidays(in: 3000).isEmpty)
    }
}
