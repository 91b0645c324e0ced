/// An experiment's arms measured from their exposures: per variant of a guide version, the users the
/// server assigned to it (`exposure` events, the holdout's included) and how many reached the guide's goal
/// within its window after their first exposure; each arm compared with the holdout.
///
/// Exposure-based arms compare like with like: a holdout user sees no guide and so sends no guide event,
/// but is exposed all the same.
public struct ExperimentReport: Sendable, Hashable {
    /// One variant.
    public struct Arm: Sendable, Hashable {
        /// The variant id.
        public var variant: String
        /// Whether it is the holdout (`control` without steps: sees no guide).
        public var isHoldout: Bool
        /// Users exposed to it.
        public var exposed: Int
        /// Exposed users who reached the goal in time, of the exposed users; `nil` without a goal or without
        /// product events in the log.
        public var converted: Rate?
        /// Exposed users whose window had not closed at the report's as-of time.
        public var open: Int
    }

    /// The guide.
    public var guide: String
    /// The version.
    public var version: Int
    /// The goal measured, `nil` when the guide version has none.
    public var goal: String?
    /// The holdout variant, `nil` when the rollout has none.
    public var holdout: String?
    /// The arms: the holdout first, then the others by variant id.
    public var arms: [Arm]
    /// Each arm against the holdout on goal conversion (one row per comparison, Holm-adjusted over the
    /// arms); empty without a holdout, a goal or product events.
    public var comparisons: [Comparison]

    /// `board-automations-ab v1`.
    public var label: String { "\(guide) v\(version)" }
}
