/// A finding about a guide or project file: what is wrong, where, and how to fix it.
///
/// Diagnostics are data, not thrown errors: loading and linting collect all of them and never stop at the
/// first. Printed, a diagnostic reads like a compiler's:
///
/// ```
/// guides/welcome.yaml:12:7: error: [unknown-field] 'titel' is not a step field; did you mean 'title'?
/// ```
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        /// The file cannot be used as written.
        case error
        /// The file works, but probably not as its author meant.
        case warning
        /// A remark that needs no action.
        case note

        private var rank: Int {
            switch self {
            case .error: 2
            case .warning: 1
            case .note: 0
            }
        }

        /// Orders severities from `note` (least) to `error` (most).
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// How serious the finding is.
    public var severity: Severity
    /// A stable, kebab-case rule id such as `unknown-field`; scripts and tests match on it.
    public var rule: String
    /// What is wrong, in one sentence that names the offending value.
    public var message: String
    /// Where it is wrong.
    public var location: SourceLocation
    /// How to fix it, when the fix is known (for example `did you mean 'title'?`).
    public var fix: String?
    /// Other places involved (for example the first definition of a duplicate id).
    public var related: [SourceLocation]

    /// Creates a diagnostic.
    public init(
        _ severity: Severity,
        rule: String,
        _ message: String,
        at location: SourceLocation,
        fix: String? = nil,
        related: [SourceLocation] = []
    ) {
        self.severity = severity
        self.rule = rule
        // Values quoted from the input are capped (a 50 MB id would otherwise be printed whole).
        self.message = Self.cappingQuotedValues(message)
        self.location = location
        self.fix = fix.map { Self.cappingQuotedValues($0) }
        self.related = related
    }

    /// The one-line form: `file:line:col: severity: [rule] message; fix`.
    public var description: String {
        var text = "\(location): \(severity.rawValue): [\(rule)] \(message)"
        if let fix { text += "; \(fix)" }
        return text
    }
}
