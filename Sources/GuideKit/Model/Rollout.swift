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
