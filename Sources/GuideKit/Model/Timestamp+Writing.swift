extension Timestamp {
    /// Appends the UTF-8 bytes of ``string(fromSeconds:)`` for `seconds`, without building a string: the same
    /// calendar arithmetic, written digit by digit.
    ///
    /// - Parameters:
    ///   - seconds: seconds since the Unix epoch.
    ///   - bytes: where the timestamp goes (without quotes).
    package static func append(seconds: Double, to bytes: inout [UInt8]) {
        let seconds = clampedSeconds(seconds)
        let whole = seconds.rounded(.down)
        let millis = Int(((seconds - whole) * 1_000).rounded())
        let total = Int(whole) + (millis == 1_000 ? 1 : 0)
        let days = Int((Double(total) / 86_400).rounded(.down))
        let clock = total - days * 86_400
        let (year, month, day) = civilFromDays(days)
        guard (0...9_999).contains(year) else {
            // Years of other widths are padded by the general formatter's rules.
            bytes.append(contentsOf: string(fromSeconds: seconds).utf8)
            return
        }
        func two(_ value: Int) {
            bytes.append(UInt8(truncatingIfNeeded: 48 + value / 10))
            bytes.append(UInt8(truncatingIfNeeded: 48 + value % 10))
        }
        two(year / 100)
        two(year % 100)
        bytes.append(0x2D)
        two(month)
        bytes.append(0x2D)
        two(day)
        bytes.append(0x54)
        two(clock / 3_600)
        bytes.append(0x3A)
        two(clock % 3_600 / 60)
        bytes.append(0x3A)
        two(clock % 60)
        if millis > 0, millis < 1_000 {
            bytes.append(0x2E)
            bytes.append(UInt8(truncatingIfNeeded: 48 + millis / 100))
            two(millis % 100)
        }
        bytes.append(0x5A)
    }
}
