/// What the report needs to know about one version of a guide: its id, name and step order, and the
/// step orders of its A/B variants that bring their own steps.
///
/// The report does not need the whole guide model; building outlines from guide files is the only
/// place that reads YAML (see `GuideOutline+YAML.swift`).
public struct GuideOutline: Sendable, Hashable {
    /// The guide id (`welcome-tour`), as events carry it.
    public var id: String
    /// The name shown in reports.
    public var name: String
    /// The version whose step order this is.
    public var version: Int
    /// Step ids in their defined order.
    public var steps: [String]
    /// The step orders of A/B variants that bring their own `steps:`, by variant id.
    ///
    /// Variants without steps of their own (a `control` holdout, a variant that only changes the
    /// weight) are not listed: their users see ``steps``.
    public var variantSteps: [String: [String]]
    /// Step titles (in the default locale), by step id, for the HTML report; steps without a title are
    /// not listed.
    public var stepTitles: [String: String] = [:]
    /// Steps that some users skip by design.
    ///
    /// A step with its own `when`, or one that a branch (`next: … goto`) of an earlier step jumps over.
    /// Fewer users reaching them is not a drop.
    public var optionalSteps: Set<String> = []
    /// The guide's goal: the app event that marks success (`goal.event`), `nil` without a goal.
    public var goalEvent: String?
    /// How long after the guide starts the goal event counts (`goal.within`) in seconds; `nil`: no limit.
    public var goalWithinSeconds: Int?
    /// The variant that is a holdout (`control` without steps: its users see no guide), if the rollout has one.
    public var holdout: String?
    /// Every variant id of the rollout, in file order.
    public var variants: [String] = []

    /// Creates an outline.
    ///
    /// - Parameters:
    ///   - id: the guide id.
    ///   - name: the name shown in reports (the id when `nil`).
    ///   - version: the version whose step order this is.
    ///   - steps: the guide's step ids in order.
    ///   - variantSteps: the step ids of each variant that has steps of its own.
    public init(
        id: String,
        name: String? = nil,
        version: Int,
        steps: [String],
        variantSteps: [String: [String]] = [:]
    ) {
        self.id = id
        self.name = name ?? id
        self.version = version
        self.steps = steps
        self.variantSteps = variantSteps
    }

    /// The last step: completing it finishes the guide.
    public var lastStepId: String? { steps.last }

    /// The step order users of `variant` see: the variant's own steps, or the guide's (``steps``) when
    /// the variant has none or is `nil`.
    ///
    /// - Parameter variant: a variant id as events carry it, or `nil`.
    /// - Returns: the variant id whose own order applies (`nil` for the guide's order) and the step ids.
    public func stepOrder(forVariant variant: String?) -> (variant: String?, steps: [String]) {
        guard let variant, let own = variantSteps[variant] else { return (nil, steps) }
        return (variant, own)
    }
}
