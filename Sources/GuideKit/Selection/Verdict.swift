/// Why one guide was or was not chosen for a user.
public struct Verdict: Sendable, Hashable {
    /// A selection rule, in the order they apply.
    public enum Rule: String, Sendable, Hashable, CaseIterable, Comparable {
        /// 1. Only published guides (drafts in previews).
        case status
        /// 2. Inside the schedule.
        case schedule
        /// 3. The audience holds.
        case audience
        /// 4. The trigger matches the context.
        case trigger
        /// 5. Frequency: completed, dismissed, snoozed, max_shows, cooldown.
        case frequency
        /// 6. Rollout percentage (the user is outside the rollout).
        case rollout
        /// 6. The user is in the `control` holdout.
        case holdout
        /// 7. Another guide was shown within the project's throttle.
        case throttle
        /// 10. No step's `when` holds.
        case step

        /// The rule's position in the order rules apply.
        public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

        /// Orders rules as they apply.
        public static func < (lhs: Rule, rhs: Rule) -> Bool { lhs.order < rhs.order }
    }

    /// Why a guide was blocked.
    public struct Block: Sendable, Hashable {
        /// The rule that failed.
        public var rule: Rule
        /// What failed, for people (`completed at 2026-11-20T10:00:00Z and repeat_after_completion is false`).
        public var message: String
        /// The failing audience clause as written, when the audience failed.
        public var clause: String?
        /// Where the failing clause or field is written.
        public var location: SourceLocation?

        /// Creates a block.
        public init(_ rule: Rule, _ message: String, clause: String? = nil, at location: SourceLocation? = nil) {
            self.rule = rule
            self.message = message
            self.clause = clause
            self.location = location
        }
    }

    /// The outcome for a guide.
    public enum Outcome: Sendable, Hashable {
        /// The guide is shown.
        case shown
        /// The guide could be shown but another one wins.
        case outranked(by: String)
        /// A rule stops the guide.
        case blocked(Block)
    }

    /// The guide's id.
    public var guideID: String
    /// The outcome.
    public var outcome: Outcome
    /// The user's variant, when the guide has variants and the user is in the rollout.
    public var variant: String?
    /// Whether the guide is in progress and resumes rather than starts.
    public var resumes: Bool
    /// Whether the app launched the guide by hand (it ranks above every automatic guide, past frequency and
    /// throttle).
    public var launched: Bool
    /// The audience clauses that were checked, with whether each held (for `--explain`).
    public var trace: [ClauseResult]

    /// One audience clause's result.
    public struct ClauseResult: Sendable, Hashable {
        /// The clause as written.
        public var text: String
        /// Whether it held.
        public var holds: Bool
        /// Every sub-clause with the value found and the value expected (`✗ user.plan is "pro", expected
        /// "trial"`).
        public var explanation: ConditionTrace?
    }

    /// Creates a verdict.
    public init(
        guideID: String,
        outcome: Outcome,
        variant: String? = nil,
        resumes: Bool = false,
        launched: Bool = false,
        trace: [ClauseResult] = []
    ) {
        self.guideID = guideID
        self.outcome = outcome
        self.variant = variant
        self.resumes = resumes
        self.launched = launched
        self.trace = trace
    }

    /// Whether every rule up to the throttle passed (the guide is shown or only outranked).
    public var isEligible: Bool {
        if case .blocked = outcome { return false }
        return true
    }

    /// The block, if the guide was blocked.
    public var block: Block? {
        if case .blocked(let block) = outcome { return block }
        return nil
    }

    /// The outcome in words: `shown`, `eligible, outranked by welcome-tour`, `blocked: audience: …`.
    public var reason: String {
        switch outcome {
        case .shown:
            if launched { return resumes ? "shown (launched by hand, resumed)" : "shown (launched by hand)" }
            return resumes ? "shown (resumed)" : "shown"
        case .outranked(let winner): return "eligible, outranked by \(winner)"
        case .blocked(let block):
            return "blocked: \(block.rule.rawValue): \(block.message)"
        }
    }
}
