/// The outcome of linting: the findings and the counts a summary line needs.
public struct LintReport: Sendable, Hashable {
    /// Every finding, sorted by file, line and column.
    public var diagnostics: [Diagnostic]
    /// How many guide files were linted.
    public var guideCount: Int

    /// Creates a report.
    public init(diagnostics: [Diagnostic], guideCount: Int) {
        self.diagnostics = diagnostics
        self.guideCount = guideCount
    }

    /// How many findings are errors.
    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    /// How many findings are warnings.
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }

    /// Whether the lint failed: any error, or with `strict` any warning too.
    ///
    /// - Parameter strict: whether warnings fail as well.
    /// - Returns: `true` when the command should exit with a failure.
    public func fails(strict: Bool) -> Bool { errorCount > 0 || (strict && warningCount > 0) }

    /// `12 guides, 0 errors, 2 warnings`.
    public var summary: String {
        "\(Self.count(guideCount, "guide")), \(Self.count(errorCount, "error")), \(Self.count(warningCount, "warning"))"
    }

    private static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}
