/// What to report on and how: filters, the in-progress window, the breakdown and a comparison.
public struct ReportOptions: Sendable, Hashable {
    /// How guide versions are split into rows.
    public enum Breakdown: Sendable, Hashable {
        /// One report per guide version.
        case version
        /// One report per guide version and value of an event property (`variant`, `platform`).
        case property(String)

        /// `version`, or the property's name.
        public var name: String {
            switch self {
            case .version: "version"
            case .property(let name): name
            }
        }
    }

    /// A comparison of two versions (`welcome-tour@3..4`) or two groups (`welcome-tour@A..B`).
    public struct CompareSpec: Sendable, Hashable {
        /// The guide id.
        public var guide: String
        /// The first side: a version number or a group value.
        public var baseline: String
        /// The second side.
        public var candidate: String

        /// Creates a comparison spec.
        public init(guide: String, baseline: String, candidate: String) {
            self.guide = guide
            self.baseline = baseline
            self.candidate = candidate
        }

        /// Parses `guide@3..4` or `guide@A..B`; `nil` when the text has another shape.
        public init?(parsing text: String) {
            guard let at = text.lastIndex(of: "@") else { return nil }
            let guide = String(text[..<at])
            let sides = text[text.index(after: at)...].components(separatedBy: "..")
            guard !guide.isEmpty, sides.count == 2, !sides[0].isEmpty, !sides[1].isEmpty else { return nil }
            self.init(guide: guide, baseline: sides[0], candidate: sides[1])
        }

        /// Whether both sides are version numbers.
        public var comparesVersions: Bool { Int(baseline) != nil && Int(candidate) != nil }
    }

    /// Only these guides (all when empty).
    public var guides: [String] = []
    /// Only events at or after this time (seconds since the epoch).
    public var since: Double?
    /// Only events before this time.
    public var until: Double?
    /// "Now" for the window; the latest event used when `nil`.
    public var asOf: Double?
    /// Users inactive for longer than this (seconds) have dropped; 0 turns the window off (everyone
    /// who has not finished has dropped at their furthest step).
    public var windowSeconds = 7 * 86_400
    /// How to split guide versions.
    public var breakdown = Breakdown.version
    /// A comparison to add.
    public var compare: CompareSpec?

    /// Options with the defaults: all guides, all time, a 7-day window, by version.
    public init() {}
}
