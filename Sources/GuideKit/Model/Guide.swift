import Foundation

/// One onboarding guide, read from `guides/<id>.yaml`.
///
/// A guide read from a file with errors is partial: fields that could not be read keep their defaults
/// (an empty id, version 0, no steps). Use a guide only when loading and linting reported no errors.
public struct Guide: Sendable, Hashable {
    /// Whether a guide is shown.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Being written; never shown.
        case draft
        /// Live; shown to its audience.
        case published
        /// Retired; never shown, kept for reports.
        case archived
    }

    /// The guide's id: lowercase kebab-case, unique in the folder.
    public var id: Located<String>
    /// The name shown in reports.
    public var name: String
    /// What the guide is for.
    public var description: String?
    /// The version, bumped when the steps change; events carry it.
    public var version: Located<Int>
    /// Whether the guide is shown.
    public var status: Status
    /// Higher wins when several guides could start.
    public var priority: Int
    /// Free labels.
    public var tags: [String]
    /// Who may see the guide, as written (a targeting condition); `nil` means everyone.
    package var audience: SourceNode?
    /// When the guide starts; `nil` means on any page.
    public var trigger: Trigger?
    /// The window in which the guide may start.
    public var schedule: Schedule?
    /// How often the guide may show.
    public var frequency: Frequency?
    /// The share of the audience that gets the guide, and its A/B variants.
    public var rollout: Rollout?
    /// The action the guide exists to cause.
    public var goal: Goal?
    /// The steps, in order.
    public var steps: [Step]
    /// Where the `steps` field is (or the guide's start when it is missing).
    public var stepsLocation: SourceLocation
    /// Translated step text, one entry per locale, in file order.
    public var translations: [Translation]
    /// Where the guide starts (its file's first value).
    public var location: SourceLocation

    /// Creates a guide; every field but the id defaults to its empty value.
    package init(
        id: Located<String>,
        name: String = "",
        description: String? = nil,
        version: Located<Int>? = nil,
        status: Status = .draft,
        priority: Int = 0,
        tags: [String] = [],
        audience: SourceNode? = nil,
        trigger: Trigger? = nil,
        schedule: Schedule? = nil,
        frequency: Frequency? = nil,
        rollout: Rollout? = nil,
        goal: Goal? = nil,
        steps: [Step] = [],
        stepsLocation: SourceLocation? = nil,
        translations: [Translation] = [],
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.version = version ?? Located(0, at: id.location)
        self.status = status
        self.priority = priority
        self.tags = tags
        self.audience = audience
        self.trigger = trigger
        self.schedule = schedule
        self.frequency = frequency
        self.rollout = rollout
        self.goal = goal
        self.steps = steps
        self.stepsLocation = stepsLocation ?? id.location
        self.translations = translations
        self.location = location ?? id.location
    }

    /// The file the guide was read from.
    public var file: String { location.file }

    /// Every list of steps a user may go through: the guide's, then each variant's own.
    public var stepLists: [[Step]] {
        [steps] + (rollout?.variants.compactMap(\.steps) ?? [])
    }
}
