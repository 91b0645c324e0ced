/// Why an input line was not used, as counted in the report's input summary.
public enum InputIssue: String, Sendable, Hashable, CaseIterable, Comparable {
    /// The line is not a JSON object.
    case invalidJSON = "invalid-json"
    /// The record is not valid CSV (an unbalanced quote, a quote inside an unquoted field, a wrong
    /// number of fields).
    case invalidCSV = "invalid-csv"
    /// A required field (`ts`, `user`, `guide`, `version`, `type`, or `step` on step events) is missing.
    case missingField = "missing-field"
    /// `type` is not one of the six guide event types.
    case unknownType = "unknown-type"
    /// `ts` is not an RFC 3339 date-time such as `2026-11-01T10:00:00Z`.
    case badTimestamp = "bad-timestamp"
    /// `version` is not a whole number ≥ 1.
    case badVersion = "bad-version"
    /// The last line of the input ends in the middle of an event.
    case truncatedLine = "truncated-line"
    /// A line that is not a guide event: a product event (`track`), an exposure, another Segment call
    /// (`page`, `identify`). Counted so nothing is dropped silently, but not an error: `--strict` ignores it;
    /// the report reads product events and exposures for goals and experiments.
    case otherEvent = "other-event"

    /// Whether this issue is bad input (it makes `--strict` fail), rather than a note.
    public var isError: Bool { self != .otherEvent }

    /// A sentence explaining the issue and how to fix it.
    public var explanation: String {
        switch self {
        case .invalidJSON: "not a JSON object; write one event object per line"
        case .invalidCSV: "not valid CSV; quote fields that hold commas, quotes or newlines, double inner quotes"
        case .missingField: "a required field is missing: ts, user, guide, version, type (and step on step events)"
        case .unknownType:
            "type is not guide_started, step_viewed, step_completed, guide_completed, guide_dismissed or guide_snoozed"
        case .badTimestamp:
            "ts is not an RFC 3339 date-time, e.g. 2026-11-01T10:00:00Z or 2026-11-01T11:00:00.250+01:00"
        case .badVersion: "version is not a whole number ≥ 1"
        case .truncatedLine: "the input ends in the middle of an event; the writer was probably interrupted"
        case .otherEvent: "not a guide event (a product event, an exposure, another Segment call); read for goals only"
        }
    }

    /// Orders issues as declared.
    public static func < (lhs: InputIssue, rhs: InputIssue) -> Bool {
        let order = allCases
        return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
    }
}
