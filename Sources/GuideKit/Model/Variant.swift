/// One arm of an A/B test.
public struct Variant: Sendable, Hashable {
    /// The variant's id (`control`, `short-tour`).
    public var id: Located<String>
    /// Its share of the rollout; the weights of a guide's variants sum to 100.
    public var weight: Located<Double>
    /// Steps that replace the guide's; `nil` keeps the guide's steps (or, for `control`, shows nothing).
    public var steps: [Step]?
    /// Where the variant is.
    public var location: SourceLocation

    /// Creates a variant.
    public init(id: Located<String>, weight: Located<Double>, steps: [Step]? = nil, at location: SourceLocation) {
        self.id = id
        self.weight = weight
        self.steps = steps
        self.location = location
    }

    /// Whether the variant is a holdout: `control` without steps of its own sees no guide.
    public var isHoldout: Bool { id.value == "control" && steps == nil }
}
