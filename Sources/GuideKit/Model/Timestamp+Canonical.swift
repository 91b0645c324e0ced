extension Timestamp {
    /// Reads a timestamp in the UTC form GuideKit writes, `2026-11-23T10:00:00Z` or with milliseconds other
    /// than `.000` (`2026-11-23T10:00:00.123Z`), at fixed places: the seconds ``seconds(parsing:)-(UnsafeRawBufferPointer)``
    /// gives for the same bytes, computed in the same steps.
    ///
    /// Bytes of this form are exactly what ``string(fromSeconds:)`` writes for the seconds read (and for the
    /// seconds a `Date` keeps of them), so a reader may copy them instead of writing them again.
    ///
    /// - Parameter bytes: the timestamp's bytes, without quotes.
    /// - Returns: the seconds since 1970, or `nil` when the bytes are not of this form (they may still be a
    ///   timestamp of another form: a zone offset, a leap second, no seconds, other fractions).
    static func canonicalSeconds(_ bytes: UnsafeRawBufferPointer) -> Double? {
        let count = bytes.count
        guard count == 20 || count == 24, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
            bytes[16] == 0x3A, bytes[count - 1] == 0x5A, count == 20 || bytes[19] == 0x2E
        else { return nil }
        var invalid = false
        func digit(_ offset: Int) -> Int {
            let value = Int(bytes[offset]) - 48
            if value < 0 || value > 9 { invalid = true }
            return value
        }
        let year = digit(0) * 1_000 + digit(1) * 100 + digit(2) * 10 + digit(3)
        let month = digit(5) * 10 + digit(6)
        let day = digit(8) * 10 + digit(9)
        let hour = digit(11) * 10 + digit(12)
        let minute = digit(14) * 10 + digit(15)
        let second = digit(17) * 10 + digit(18)
        guard !invalid, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour <= 23,
            minute <= 59, second <= 59
        else { return nil }
        var fraction = 0.0
        if count == 24 {
            let digits = (digit(20), digit(21), digit(22))
            guard !invalid, digits.0 + digits.1 + digits.2 > 0 else { return nil }
            // As the general parser adds a fraction up, digit by digit.
            var scale = 0.1
            fraction += Double(digits.0) * scale
            scale /= 10
            fraction += Double(digits.1) * scale
            scale /= 10
            fraction += Double(digits.2) * scale
        }
        let days = Double(daysFromCivil(year: year, month: month, day: day))
        let clock = Double(hour * 3_600 + minute * 60 + second)
        return days * 86_400 + clock + fraction
    }
}
