/// Which guide a user sees now, if any, and at which step.
public struct Decision: Sendable, Hashable {
    /// A guide the user would have been eligible for but whose `control` holdout they are in.
    public struct Holdout: Sendable, Hashable {
        /// The guide's id.
        public var guideID: String
        /// The holdout variant (`control`).
        public var variant: String

        /// Creates a holdout record.
        public init(guideID: String, variant: String) {
            self.guideID = guideID
            self.variant = variant
        }
    }

    /// The guide shown; `nil` when nothing is.
    public var guideID: String?
    /// The shown guide's version.
    public var version: Int?
    /// The user's variant of the shown guide.
    public var variant: String?
    /// The step shown, its text in the user's locale.
    public var step: ResolvedStep?
    /// Whether the guide resumes (it was in progress) rather than starts.
    public var resumes: Bool
    /// Holdouts the user is in, by guide, so an experiment can count its control group.
    public var holdouts: [Holdout]

    /// A decision that shows nothing.
    public static let nothing = Decision(
        guideID: nil,
        version: nil,
        variant: nil,
        step: nil,
        resumes: false,
        holdouts: []
    )

    /// `welcome-tour/sidebar`, or `nothing`.
    public var summary: String {
        guard let guideID else { return "nothing" }
        return "\(guideID)/\(step?.id ?? "?")"
    }
}
