/// Civil (proleptic Gregorian) date arithmetic and UTC timestamp conversion, ISO-8601 parsing and formatting.
///
/// Pure integer arithmetic: no Foundation, no wall clock, no tzdata. Every function here is O(1) and
/// allocation-free except `Timestamp.format` (which builds a `String`: one allocation) and the `String` overload of
/// `Timestamp.parse`.
///
/// Range: the day-number conversions are exact for every year whose day number fits in `Int` (they are tested
/// exhaustively for 1900–2200, the range this project relies on). Instants (`TimestampNanos`) can only express
/// 1677-09-21 through 2262-04-11; see `Timestamp.representableYears`.

extension CivilDate {
    /// Day of the week; raw values count from Sunday = 0.
    public enum Weekday: Int, Sendable, Hashable, CaseIterable {
        case sunday = 0
        case monday, tuesday, wednesday, thursday, friday, saturday

        /// Saturday or Sunday.
        public var isWeekend: Bool { self == .saturday || self == .sunday }
    }

    /// The years for which the conversions in this file are tested (exhaustively, day by day).
    public static let testedYears: ClosedRange<Int> = 1900...2200

    /// Gregorian leap year: divisible by 4, except centuries not divisible by 400 (2000 is, 1900 and 2100 are not).
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in `month` of `year`; 0 when `month` is not 1...12.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// True when `month` is 1...12 and `day` exists in that month (any year).
    public var isValid: Bool {
        self.day >= 1 && self.day <= CivilDate.daysInMonth(year: self.year, month: self.month)
    }

    /// Days since 1970-01-01 (negative before it). For an invalid date (`isValid == false`) the result is that of
    /// the date obtained by counting `day - 1` days from the first of the month, months outside 1...12 are clamped;
    /// callers that care check `isValid` first.
    public var daysSinceEpoch: Int {
        let month = min(max(self.month, 1), 12)
        let leap = CivilDate.isLeapYear(self.year)
        return CivilDate.daysFromEpochToYearStart(self.year)
            + CivilDate.daysBeforeMonth(month, leap: leap) + (self.day - 1)
    }

    /// The date `days` days after 1970-01-01 (before it when negative).
    public init(daysSinceEpoch days: Int) {
        // Estimate the year from the mean Gregorian year (146_097 days per 400 years); the estimate is off by at
        // most one either way, which the two loops correct (each runs at most once or twice).
        let quadricentennia = CivilDate.floorDivide(days, 146_097)
        let remainder = days - quadricentennia * 146_097
        var year = 1970 + quadricentennia * 400 + (remainder * 400) / 146_097
        var yearStart = CivilDate.daysFromEpochToYearStart(year)
        while yearStart > days {
            year -= 1
            yearStart = CivilDate.daysFromEpochToYearStart(year)
        }
        while true {
            let nextStart = yearStart + (CivilDate.isLeapYear(year) ? 366 : 365)
            if nextStart > days { break }
            year += 1
            yearStart = nextStart
        }
        let dayOfYear = days - yearStart  // 0...365
        let leap = CivilDate.isLeapYear(year)
        // No month is longer than 31 days, so dayOfYear / 31 + 1 never exceeds the true month and falls short of it
        // by at most one.
        var month = dayOfYear / 31 + 1
        if month < 12 && dayOfYear >= CivilDate.daysBeforeMonth(month + 1, leap: leap) { month += 1 }
        self.init(year: year, month: month, day: dayOfYear - CivilDate.daysBeforeMonth(month, leap: leap) + 1)
    }

    /// Day of the week (1970-01-01 was a Thursday).
    public var weekday: Weekday {
        CivilDate.weekday(ofDaysSinceEpoch: self.daysSinceEpoch)
    }

    /// Day of the week of a day number.
    public static func weekday(ofDaysSinceEpoch days: Int) -> Weekday {
        var index = (days + 4) % 7
        if index < 0 { index += 7 }
        return Weekday(rawValue: index)!
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: self.daysSinceEpoch + days)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: CivilDate) -> Int {
        other.daysSinceEpoch - self.daysSinceEpoch
    }

    // MARK: Internals

    /// Floor division (rounds toward negative infinity), for a positive divisor.
    static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        let quotient = value / divisor
        return (value % divisor < 0) ? quotient - 1 : quotient
    }

    /// Number of leap years in 1...year (extended to years ≤ 0 by floor division; 0 counts as a leap year).
    private static func leapYearsThrough(_ year: Int) -> Int {
        floorDivide(year, 4) - floorDivide(year, 100) + floorDivide(year, 400)
    }

    /// Days from 1970-01-01 to January 1 of `year`.
    static func daysFromEpochToYearStart(_ year: Int) -> Int {
        // leapYearsThrough(1969) == 477.
        365 * (year - 1970) + (leapYearsThrough(year - 1) - 477)
    }

    /// Days in the year before the first of `month` (1...12).
    static func daysBeforeMonth(_ month: Int, leap: Bool) -> Int {
        let common: Int
        switch month {
        case 1: common = 0
        case 2: common = 31
        case 3: common = 59
        case 4: common = 90
        case 5: common = 120
        case 6: common = 151
        case 7: common = 181
        case 8: common = 212
        case 9: common = 243
        case 10: common = 273
        case 11: common = 304
        default: common = 334
        }
        return (leap && month > 2) ? common + 1 : common
    }
}

/// UTC conversions, ISO-8601 parsing and formatting for `TimestampNanos`.
public enum Timestamp {
    public static let nanosPerSecond: Int64 = 1_000_000_000
    public static let nanosPerMinute: Int64 = 60_000_000_000
    public static let nanosPerHour: Int64 = 3_600_000_000_000
    public static let nanosPerDay: Int64 = 86_400_000_000_000

    /// Years whose every instant is a `TimestampNanos` (Int64 nanoseconds reach 1677-09-21 … 2262-04-11).
    public static let representableYears: ClosedRange<Int> = 1678...2261

    /// Days since 1970-01-01 of the UTC date containing `nanos`.
    public static func utcDaysSinceEpoch(of nanos: TimestampNanos) -> Int {
        Int(floorDivide(nanos, nanosPerDay))
    }

    /// The UTC date containing `nanos`.
    public static func utcDate(of nanos: TimestampNanos) -> CivilDate {
        CivilDate(daysSinceEpoch: utcDaysSinceEpoch(of: nanos))
    }

    /// Nanoseconds since UTC midnight, 0 ..< `nanosPerDay`.
    public static func utcNanosOfDay(of nanos: TimestampNanos) -> Int64 {
        // Remainder first: `floor(nanos / day) * day` itself would overflow near Int64.min.
        let remainder = nanos % nanosPerDay
        return remainder < 0 ? remainder + nanosPerDay : remainder
    }

    /// Minutes since UTC midnight, 0...1439.
    public static func utcMinuteOfDay(of nanos: TimestampNanos) -> Int {
        Int(utcNanosOfDay(of: nanos) / nanosPerMinute)
    }

    /// The instant `nanosOfDay` after UTC midnight of `date`, or nil when it is not representable in Int64
    /// (outside 1677-09-21 … 2262-04-11). `nanosOfDay` may be negative or exceed a day; it is added as is.
    public static func nanos(utc date: CivilDate, nanosOfDay: Int64 = 0) -> TimestampNanos? {
        let (dayNanos, overflow1) = Int64(date.daysSinceEpoch).multipliedReportingOverflow(by: nanosPerDay)
        if overflow1 { return nil }
        let (total, overflow2) = dayNanos.addingReportingOverflow(nanosOfDay)
        return overflow2 ? nil : total
    }

    /// Floor division for Int64 (positive divisor).
    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor < 0) ? quotient - 1 : quotient
    }

    // MARK: ISO-8601

    /// Parses exactly `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM|±HHMM)`, e.g. `2026-01-01T00:01:00+00:00`,
    /// `2026-01-01T00:01:00.123456789Z`, `2026-01-01T00:01:00-0500`.
    ///
    /// Rejects (returns nil) everything else: a missing offset, lowercase `t`/`z`, a space separator, more than nine
    /// fractional digits, a leap second (`:60`), `24:00`, an offset hour above 23 or minute above 59, an invalid
    /// date (`2026-02-30`), surrounding whitespace, and any instant outside the Int64 nanosecond range. `-00:00` is
    /// accepted as UTC. Never traps, allocation-free for native strings, O(1) (at most 35 bytes are read).
    public static func parse(_ text: Substring) -> TimestampNanos? {
        if let result = text.utf8.withContiguousStorageIfAvailable({ parse(utf8: $0) }) { return result }
        // Not contiguous (a bridged string): copy once into native storage.
        var copy = String(text)
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable({ parse(utf8: $0) }) ?? nil
    }

    /// `parse(_:)` over raw UTF-8 bytes (for example a slice of an ingress buffer).
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> TimestampNanos? {
        // The longest accepted text is `YYYY-MM-DDTHH:MM:SS.fffffffff+HH:MM`, 35 bytes; the shortest 20.
        guard bytes.count >= 20 && bytes.count <= 35 else { return nil }
        var reader = ISOReader(bytes)
        guard let year = reader.digits(4), reader.take(UInt8(ascii: "-")),
            let month = reader.digits(2), reader.take(UInt8(ascii: "-")),
            let day = reader.digits(2), reader.take(UInt8(ascii: "T")),
            let hour = reader.digits(2), reader.take(UInt8(ascii: ":")),
            let minute = reader.digits(2), reader.take(UInt8(ascii: ":")),
            let second = reader.digits(2)
        else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        guard date.isValid, hour <= 23, minute <= 59, second <= 59 else { return nil }

        var fraction: Int64 = 0
        var designator = reader.next()
        if designator == UInt8(ascii: ".") {
            var count = 0
            designator = reader.next()
            while let byte = designator, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                count += 1
                if count > 9 { return nil }
                fraction = fraction * 10 + Int64(byte - UInt8(ascii: "0"))
                designator = reader.next()
            }
            guard count > 0 else { return nil }
            for _ in count..<9 { fraction *= 10 }
        }

        var offsetSeconds = 0
        switch designator {
        case UInt8(ascii: "Z"):
            break
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let offsetHour = reader.digits(2), offsetHour <= 23 else { return nil }
            // `±HH:MM` or `±HHMM`: after the hour comes either a colon and two digits, or two digits.
            let offsetMinute: Int
            guard let separator = reader.next() else { return nil }
            if separator == UInt8(ascii: ":") {
                guard let value = reader.digits(2) else { return nil }
                offsetMinute = value
            } else {
                guard separator >= UInt8(ascii: "0"), separator <= UInt8(ascii: "9"), let low = reader.digits(1)
                else { return nil }
                offsetMinute = Int(separator - UInt8(ascii: "0")) * 10 + low
            }
            guard offsetMinute <= 59 else { return nil }
            offsetSeconds = offsetHour * 3600 + offsetMinute * 60
            if designator == UInt8(ascii: "-") { offsetSeconds = -offsetSeconds }
        default:
            return nil
        }
        guard reader.atEnd else { return nil }

        // Four-digit years keep these Int (64-bit) sums far from overflow; only the nanosecond scaling can overflow.
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        // Before the epoch, borrow one second so the intermediate stays in range down to Int64.min itself.
        let borrow = seconds < 0 && fraction > 0
        let (scaled, overflow1) = Int64(borrow ? seconds + 1 : seconds).multipliedReportingOverflow(by: nanosPerSecond)
        if overflow1 { return nil }
        let (total, overflow2) = scaled.addingReportingOverflow(borrow ? fraction - nanosPerSecond : fraction)
        return overflow2 ? nil : total
    }

    /// `parse(_:)` for a `String`.
    public static func parse(_ text: String) -> TimestampNanos? {
        parse(text[...])
    }

    /// Formats as UTC ISO-8601: `2026-01-01T00:01:00Z`, or with the fractional second when it is not zero, trimmed of
    /// trailing zeros (`2026-01-01T00:01:00.5Z`, `…00.123456789Z`). `parse(format(x)) == x` for every Int64 `x`.
    /// Allocates the returned string (one allocation); the per-event path uses `appendFormatted`.
    public static func format(_ nanos: TimestampNanos) -> String {
        let layout = FormatLayout(nanos)
        return String(unsafeUninitializedCapacity: layout.length) { layout.write(into: $0) }
    }

    /// The longest `format` output (`YYYY-MM-DDTHH:MM:SS.fffffffffZ`).
    public static let maximumFormattedLength = 30

    /// Writes `format(nanos)`'s bytes at the start of `buffer` (at least `maximumFormattedLength` long); returns how
    /// many.
    public static func writeFormatted(_ nanos: TimestampNanos, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        FormatLayout(nanos).write(into: buffer)
    }

    /// `format(nanos)`'s bytes appended to `bytes`, without building a string.
    public static func appendFormatted(_ nanos: TimestampNanos, to bytes: inout [UInt8]) {
        let layout = FormatLayout(nanos)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: layout.length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            _ = layout.write(into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// `writeFormatted` with the text up to the whole second kept from the last call: a run formats one instant per
    /// signal, and consecutive signals mostly share their second, so usually only the fraction is written anew.
    /// Same bytes as `format`.
    public struct Formatter: Sendable {
        /// The cached second (`nanos` floored to whole seconds), and its first 19 bytes `YYYY-MM-DDTHH:MM:SS`.
        private var second = Int64.min
        private var prefix: (UInt64, UInt64, UInt64) = (0, 0, 0)
        private static let prefixLength = 19

        public init() {}

        /// Writes `format(nanos)`'s bytes at the start of `buffer` (at least `maximumFormattedLength` long); returns
        /// how many.
        public mutating func write(_ nanos: TimestampNanos, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
            var fraction = nanos % Timestamp.nanosPerSecond
            if fraction < 0 { fraction += Timestamp.nanosPerSecond }
            let (second, overflow) = nanos.subtractingReportingOverflow(fraction)
            if overflow { return FormatLayout(nanos).write(into: buffer) }
            if second != self.second {
                let length = FormatLayout(second).write(into: buffer)
                guard length == Self.prefixLength + 1 else { return FormatLayout(nanos).write(into: buffer) }
                self.second = second
                withUnsafeMutableBytes(of: &self.prefix) { prefix in
                    prefix.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<19]))
                }
            } else {
                withUnsafeBytes(of: self.prefix) { prefix in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: prefix[0..<19]))
                }
            }
            var index = Self.prefixLength
            if fraction != 0 {
                var digits = 9
                while fraction % 10 == 0 {
                    fraction /= 10
                    digits -= 1
                }
                buffer[index] = UInt8(ascii: ".")
                var position = index + digits
                while position > index {
                    buffer[position] = UInt8(ascii: "0") + UInt8(fraction % 10)
                    fraction /= 10
                    position -= 1
                }
                index += digits + 1
            }
            buffer[index] = UInt8(ascii: "Z")
            return index + 1
        }
    }

    /// The fields of a formatted instant and its length.
    private struct FormatLayout {
        let date: CivilDate
        let secondsOfDay: Int
        var fraction: Int
        var fractionDigits = 0
        var length: Int { 20 + (self.fractionDigits > 0 ? 1 + self.fractionDigits : 0) }

        init(_ nanos: TimestampNanos) {
            self.date = Timestamp.utcDate(of: nanos)
            let nanosOfDay = Timestamp.utcNanosOfDay(of: nanos)
            self.secondsOfDay = Int(nanosOfDay / Timestamp.nanosPerSecond)
            self.fraction = Int(nanosOfDay % Timestamp.nanosPerSecond)
            if self.fraction != 0 {
                self.fractionDigits = 9
                while self.fraction % 10 == 0 {
                    self.fraction /= 10
                    self.fractionDigits -= 1
                }
            }
        }

        /// Writes `length` bytes at the start of `buffer`; returns `length`.
        func write(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
            var index = 0
            func put(_ value: Int, width: Int) {
                var remaining = value
                var position = index + width - 1
                while position >= index {
                    buffer[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                    position -= 1
                }
                index += width
            }
            func put(_ byte: Unicode.Scalar) {
                buffer[index] = UInt8(ascii: byte)
                index += 1
            }
            put(self.date.year, width: 4)
            put("-")
            put(self.date.month, width: 2)
            put("-")
            put(self.date.day, width: 2)
            put("T")
            put(self.secondsOfDay / 3600, width: 2)
            put(":")
            put(self.secondsOfDay / 60 % 60, width: 2)
            put(":")
            put(self.secondsOfDay % 60, width: 2)
            if self.fractionDigits > 0 {
                put(".")
                put(self.fraction, width: self.fractionDigits)
            }
            put("Z")
            return index
        }
    }
}

/// Sequential byte reader over a substring's UTF-8, with a hard cap on how many bytes it will look at.
private struct ISOReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The next byte, or nil at the end.
    mutating func next() -> UInt8? {
        guard self.index < self.bytes.count else { return nil }
        defer { self.index += 1 }
        return self.bytes[self.index]
    }

    /// True when every byte has been read.
    var atEnd: Bool { self.index >= self.bytes.count }

    /// Consumes one byte and reports whether it was `expected`.
    mutating func take(_ expected: UInt8) -> Bool {
        self.next() == expected
    }

    /// Reads exactly `count` ASCII digits.
    mutating func digits(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let byte = self.next(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
