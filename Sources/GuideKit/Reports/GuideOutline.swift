/// What the report needs to know about one version of a guide: its id, name and step order.
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

    /// Creates an outline.
    public init(id: String, name: String? = nil, version: Int, steps: [String]) {
        self.id = id
        self.name = name ?? id
        self.version = version
        self.steps = steps
    }

    /// The last step: completing it finishes the guide.
    public var lastStepId: String? { steps.last }
}
