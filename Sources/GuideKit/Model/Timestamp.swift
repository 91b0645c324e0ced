import Foundation

/// ISO 8601 timestamps as GuideKit reads and writes them.
///
/// Accepted: a date `2026-12-01` (midnight UTC), or a date and time `2026-12-01T09:00:00` with an
/// optional fraction and a zone `Z`, `+09:00`, `+0900` or `-05`. A space may stand for the `T`. A time
/// without a zone is an error: an event log or schedule must say which instant it means.
public enum Timestamp {
    /// Parses an ISO 8601 date or date-time into seconds since 1970-01-01T00:00:00Z.
    ///
    /// - Parameter text: the timestamp as written.
    /// - Returns: seconds since the Unix epoch (with the fraction), or `nil` when `text` is not valid.
    public static func seconds(parsing text: some StringProtocol) -> Double? {
        // A native string's bytes are read in place; only other storage is copied first.
        if let seconds = text.utf8.withContiguousStorageIfAvailable({ seconds(parsing: UnsafeRawBufferPointer($0)) }) {
            return seconds
        }
        var text = String(text)
        return text.withUTF8 { seconds(parsing: UnsafeRawBufferPointer($0)) }
    }

    /// Parses an ISO 8601 timestamp into a `Date`.
    ///
    /// - Parameter text: the timestamp as written.
    /// - Returns: the instant, or `nil` when `text` is not valid.
    public static func date(parsing text: some StringProtocol) -> Date? {
        seconds(parsing: text).map { Date(timeIntervalSince1970: $0) }
    }

    /// Parses UTF-8 bytes; the fast path for event logs, which allocates nothing.
    ///
    /// - Parameter bytes: the timestamp's UTF-8 bytes, without quotes.
    /// - Returns: seconds since the Unix epoch, or `nil` when the bytes are not a valid timestamp.
    public static func seconds(parsing bytes: UnsafeRawBufferPointer) -> Double? {
        var cursor = 0
        let count = bytes.count

        func digits(_ width: Int) -> Int? {
            guard cursor + width <= count else { return nil }
            var value = 0
            for offset in 0..<width {
                let byte = bytes[cursor + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            cursor += width
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard cursor < count, bytes[cursor] == byte else { return false }
            cursor += 1
            return true
        }

        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        let days = Double(daysFromCivil(year: year, month: month, day: day))
        if cursor == count { return days * 86_400 }

        guard cursor < count, bytes[cursor] == 0x54 || bytes[cursor] == 0x74 || bytes[cursor] == 0x20 else {
            return nil
        }
        cursor += 1
        guard let hour = digits(2), expect(0x3A), let minute = digits(2), hour <= 23, minute <= 59 else {
            return nil
        }
        var second = 0
        var fraction = 0.0
        if expect(0x3A) {
            guard let whole = digits(2), whole <= 60 else { return nil }
            second = whole
            if cursor < count, bytes[cursor] == 0x2E || bytes[cursor] == 0x2C {
                cursor += 1
                var scale = 0.1
                let start = cursor
                while cursor < count, bytes[cursor] >= 48, bytes[cursor] <= 57 {
                    fraction += Double(bytes[cursor] - 48) * scale
                    scale /= 10
                    cursor += 1
                }
                guard cursor > start else { return nil }
            }
        }
        guard cursor < count else { return nil }
        var offset = 0
        switch bytes[cursor] {
        case 0x5A, 0x7A:  // Z z
            cursor += 1
        case 0x2B, 0x2D:  // + -
            let sign = bytes[cursor] == 0x2B ? 1 : -1
            cursor += 1
            guard let hours = digits(2), hours <= 23 else { return nil }
            var minutes = 0
            if cursor < count {
                _ = expect(0x3A)
                guard let parsed = digits(2), parsed <= 59 else { return nil }
                minutes = parsed
            }
            offset = sign * (hours * 3_600 + minutes * 60)
        default:
            return nil
        }
        guard cursor == count else { return nil }
        let clock = Double(hour * 3_600 + minute * 60 + second - offset)
        return days * 86_400 + clock + fraction
    }

    /// `seconds` clamped to ±10^14 (about three million years), NaN read as 0: the range in which the
    /// calendar arithmetic of ``string(fromSeconds:)`` cannot overflow.
    static func clampedSeconds(_ seconds: Double) -> Double {
        seconds.isNaN ? 0 : min(max(seconds, -1e14), 1e14)
    }

    /// Formats seconds since the epoch as `2026-11-23T10:00:00Z` (with milliseconds when there are any).
    ///
    /// - Parameter seconds: seconds since the Unix epoch.
    /// - Returns: the UTC timestamp.
    public static func string(fromSeconds seconds: Double) -> String {
        let seconds = clampedSeconds(seconds)
        let whole = seconds.rounded(.down)
        let millis = Int(((seconds - whole) * 1_000).rounded())
        var total = Int(whole)
        var extraSecond = 0
        if millis == 1_000 { extraSecond = 1 }
        total += extraSecond
        let days = Int((Double(total) / 86_400).rounded(.down))
        let clock = total - days * 86_400
        let (year, month, day) = civilFromDays(days)
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
        text += "\(pad(clock / 3_600, 2)):\(pad(clock % 3_600 / 60, 2)):\(pad(clock % 60, 2))"
        if millis > 0, millis < 1_000 { text += ".\(pad(millis, 3))" }
        return text + "Z"
    }

    /// Formats a `Date` as a UTC timestamp.
    ///
    /// - Parameter date: the instant.
    /// - Returns: the UTC timestamp.
    public static func string(from date: Date) -> String { string(fromSeconds: date.timeIntervalSince1970) }

    /// What a valid timestamp looks like, for diagnostics.
    public static let expectedForm = "an ISO 8601 date or date-time such as 2026-12-01 or 2026-12-01T09:00:00Z"

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
