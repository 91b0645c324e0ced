/// The share of a guide's audience that gets it, and its A/B variants.
public struct Rollout: Sendable, Hashable {
    /// The share of the audience in the rollout, 0–100.
    public var percent: Located<Double>
    /// The hashing seed; `nil` means the guide's id.
    public var seed: String?
    /// The A/B variants; empty when the guide has none.
    public var variants: [Variant]
    /// Where the `variants` field is, if present.
    public var variantsLocation: SourceLocation?
    /// Where the `rollout` mapping is.
    public var location: SourceLocation

    /// Creates a rollout.
    public init(
        percent: Located<Double>,
        seed: String? = nil,
        variants: [Variant] = [],
        variantsLocation: SourceLocation? = nil,
        at location: SourceLocation
    ) {
        self.percent = percent
        self.seed = seed
        self.variants = variants
        self.variantsLocation = variantsLocation
        self.location = location
    }
}

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
