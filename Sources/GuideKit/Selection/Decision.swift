/// Which guide a user sees now, if any, and at which step: everything a front end needs to draw it.
///
/// `Decision` is `Codable` with a stable JSON shape, documented in `Schemas/decision.schema.json`: the
/// `decision` of `guidekit simulate --format json` and of the server's responses. Every field is always
/// present (`null` or empty when it does not apply), so a client can rely on the shape:
///
/// ```json
/// {"guide": "welcome-tour", "name": "Welcome tour", "version": 3, "variant": null, "resumes": false,
///  "launched": false, "step": {"id": "welcome", "kind": "modal", …}, "holdouts": []}
/// ```
public struct Decision: Sendable, Hashable, Codable {
    /// A guide the user would have been eligible for but whose `control` holdout they are in.
    public struct Holdout: Sendable, Hashable, Codable {
        /// The guide's id.
        public var guideID: String
        /// The holdout variant (`control`).
        public var variant: String

        /// Creates a holdout record.
        public init(guideID: String, variant: String) {
            self.guideID = guideID
            self.variant = variant
        }

        private enum CodingKeys: String, CodingKey {
            case guideID = "guide"
            case variant
        }
    }

    /// The guide shown; `nil` when nothing is.
    public var guideID: String?
    /// The shown guide's name.
    public var name: String?
    /// The shown guide's version.
    public var version: Int?
    /// The user's variant of the shown guide.
    public var variant: String?
    /// The step shown, its text in the user's locale.
    public var step: ResolvedStep?
    /// Whether the guide resumes (it was in progress) rather than starts.
    public var resumes: Bool
    /// Whether the guide is shown because the app launched it by hand (``SelectionContext/launch``).
    public var launched: Bool
    /// Holdouts the user is in, by guide, so an experiment can count its control group.
    public var holdouts: [Holdout]

    /// Creates a decision.
    ///
    /// - Parameters:
    ///   - guideID: the guide shown, or `nil`.
    ///   - name: the guide's name.
    ///   - version: the guide's version.
    ///   - variant: the user's variant.
    ///   - step: the step shown.
    ///   - resumes: whether the guide was in progress.
    ///   - launched: whether the app launched it by hand.
    ///   - holdouts: the holdouts the user is in.
    public init(
        guideID: String?,
        name: String? = nil,
        version: Int?,
        variant: String?,
        step: ResolvedStep?,
        resumes: Bool,
        launched: Bool = false,
        holdouts: [Holdout]
    ) {
        self.guideID = guideID
        self.name = name
        self.version = version
        self.variant = variant
        self.step = step
        self.resumes = resumes
        self.launched = launched
        self.holdouts = holdouts
    }

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

    private enum CodingKeys: String, CodingKey {
        case guideID = "guide"
        case name, version, variant, resumes, launched, step, holdouts
    }

    /// Encodes every field, `null` when absent, in a fixed order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(guideID, forKey: .guideID)
        try container.encode(name, forKey: .name)
        try container.encode(version, forKey: .version)
        try container.encode(variant, forKey: .variant)
        try container.encode(resumes, forKey: .resumes)
        try container.encode(launched, forKey: .launched)
        try container.encode(step, forKey: .step)
        try container.encode(holdouts, forKey: .holdouts)
    }

    /// Decodes a decision; `launched` and `holdouts` may be absent (then `false` and empty).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guideID = try container.decodeIfPresent(String.self, forKey: .guideID)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        version = try container.decodeIfPresent(Int.self, forKey: .version)
        variant = try container.decodeIfPresent(String.self, forKey: .variant)
        resumes = try container.decode(Bool.self, forKey: .resumes)
        launched = try container.decodeIfPresent(Bool.self, forKey: .launched) ?? false
        step = try container.decodeIfPresent(ResolvedStep.self, forKey: .step)
        holdouts = try container.decodeIfPresent([Holdout].self, forKey: .holdouts) ?? []
    }
}
