/// Runs the checks that need more than one file or the project's catalogs over loaded guides.
///
/// Each check is a pure function of the guides and the project, so a new one is added in one line:
///
/// ```swift
/// let linter = Linter(checks: Linter.standardChecks + [myConditionCheck])
/// let diagnostics = linter.lint(try GuideLoader.loadFolder(at: "guides"))
/// ```
public struct Linter: Sendable {
    /// A check: the findings about some guides, given the project (if there is one).
    public typealias Check = @Sendable (_ guides: [Guide], _ project: Project?) -> [Diagnostic]

    /// The built-in checks: ids and file names, step flow, variants and schedules, events, translations,
    /// conflicts between guides, and every condition against the catalog.
    public static let standardChecks: [Check] = [
        IdentityChecks.check,
        FlowChecks.check,
        RolloutChecks.check,
        EventChecks.check,
        TranslationChecks.check,
        ConflictChecks.check,
        ConditionChecks.check,
    ]

    /// The checks this linter runs, in order.
    public var checks: [Check]

    /// Creates a linter.
    ///
    /// - Parameter checks: the checks to run; the standard ones by default.
    public init(checks: [Check] = Linter.standardChecks) {
        self.checks = checks
    }

    /// The loading diagnostics and every check's findings, sorted by file, line and column.
    ///
    /// A check's finding at the very place of a loading error is left out: it is a consequence of that
    /// error (an alias to a missing anchor read as `null`, say), and fixing the error removes it.
    ///
    /// - Parameter result: what ``GuideLoader`` read.
    /// - Returns: all findings.
    public func lint(_ result: LoadResult) -> [Diagnostic] {
        let loadErrors = Set(result.diagnostics.filter { $0.severity == .error }.map(\.location))
        var diagnostics = result.diagnostics
        for check in checks {
            diagnostics += check(result.guides, result.project).filter { !loadErrors.contains($0.location) }
        }
        return GuideLoader.sorted(diagnostics)
    }

    /// Lints a result into a report with counts for a summary.
    ///
    /// - Parameter result: what ``GuideLoader`` read.
    /// - Returns: the report.
    public func report(_ result: LoadResult) -> LintReport {
        LintReport(diagnostics: lint(result), guideCount: result.guideFiles.count)
    }
}
