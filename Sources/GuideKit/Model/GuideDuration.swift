/// A length of time written as a whole number and a unit: `30s`, `15m`, `12h`, `7d`, `2w`.
public struct GuideDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in seconds.
    public var seconds: Int

    /// Creates a duration of `seconds`.
    public init(seconds: Int) {
        self.seconds = seconds
    }

    /// Parses `30s`, `15m`, `12h`, `7d` or `2w`; `nil` for anything else.
    ///
    /// - Parameter text: the duration as written.
    public init?(parsing text: some StringProtocol) {
        guard let unit = text.last, text.count >= 2 else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let amount = Int(digits) else {
            return nil
        }
        let scale: Int
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3_600
        case "d": scale = 86_400
        case "w": scale = 604_800
        default: return nil
        }
        let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        self.seconds = product
    }

    /// The shortest exact form: `7d` rather than `168h`, `90m` rather than `5400s`.
    public var description: String {
        for (unit, scale) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)]
        where seconds != 0 && seconds % scale == 0 {
            return "\(seconds / scale)\(unit)"
        }
        return "\(seconds)s"
    }

    /// Orders durations by length.
    public static func < (lhs: GuideDuration, rhs: GuideDuration) -> Bool { lhs.seconds < rhs.seconds }

    /// What a valid duration looks like, for diagnostics.
    public static let expectedForm = "a whole number and a unit: 30s, 15m, 12h, 7d or 2w"
}
