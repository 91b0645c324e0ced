extension Timestamp {
    /// Parses an event's `ts` as RFC 3339 date-time, the one form event logs may use:
    /// `YYYY-MM-DDTHH:MM:SS`, an optional fraction (`.250`), and `Z` or an offset `±HH:MM`.
    ///
    /// Stricter than ``seconds(parsing:)-(UnsafeRawBufferPointer)``, which also takes what people type
    /// on a command line: a date alone, a lowercase `t` or `z`, a space for the `T`, a time without
    /// seconds, a comma before the fraction, and offsets `+01` or `+0100`. An event log is written by
    /// programs; each of those forms in a log is a `bad-timestamp` line in both readers (the report's
    /// and the tracker's) and in the C runs, which take only `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// - Parameter bytes: the timestamp's UTF-8 bytes, without quotes.
    /// - Returns: seconds since the Unix epoch, or `nil` when the bytes are not an RFC 3339 date-time.
    static func eventSeconds(parsing bytes: UnsafeRawBufferPointer) -> Double? {
        let count = bytes.count
        // The date (checked, with the month's days, by the general reader), the `T`, `HH:MM:SS`.
        guard count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
            bytes[16] == 0x3A, let midnight = seconds(parsing: UnsafeRawBufferPointer(rebasing: bytes[0..<10]))
        else { return nil }
        func number(_ at: Int) -> Int? {
            let high = Int(bytes[at]) - 48
            let low = Int(bytes[at + 1]) - 48
            guard (0...9).contains(high), (0...9).contains(low) else { return nil }
            return high * 10 + low
        }
        guard let hour = number(11), let minute = number(14), let second = number(17), hour <= 23, minute <= 59,
            second <= 60
        else { return nil }
        var cursor = 19
        var fraction = 0.0
        if bytes[cursor] == 0x2E {
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
        guard cursor < count else { return nil }
        var offset = 0
        switch bytes[cursor] {
        case 0x5A:  // Z
            guard cursor + 1 == count else { return nil }
        case 0x2B, 0x2D:  // + -
            guard cursor + 6 == count, bytes[cursor + 3] == 0x3A, let hours = number(cursor + 1),
                let minutes = number(cursor + 4), hours <= 23, minutes <= 59
            else { return nil }
            offset = (bytes[cursor] == 0x2B ? 1 : -1) * (hours * 3_600 + minutes * 60)
        default:
            return nil
        }
        return midnight + Double(hour * 3_600 + minute * 60 + second - offset) + fraction
    }

    /// ``eventSeconds(parsing:)-(UnsafeRawBufferPointer)`` for text.
    static func eventSeconds(parsing text: some StringProtocol) -> Double? {
        var text = String(text)
        return text.withUTF8 { eventSeconds(parsing: UnsafeRawBufferPointer($0)) }
    }
}
