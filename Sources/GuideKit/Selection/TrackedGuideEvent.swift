import Foundation

/// A guide event as the app tracks it (`guide_started`, `step_viewed`, …): what the state machine emits
/// and what a tracker replays, through ``GuideStateMachine/apply(_:to:)``, to rebuild user states.
public struct TrackedGuideEvent: Sendable, Hashable {
    /// The kind of event: the same types an event log holds.
    public typealias Name = GuideEventType

    /// The kind of event.
    public var name: Name
    /// When it happened.
    public var time: Date
    /// The guide's id.
    public var guideID: String
    /// The guide's version.
    public var version: Int?
    /// The step's id.
    public var step: String?
    /// The user's variant.
    public var variant: String?

    /// Creates an event.
    public init(
        _ name: Name,
        at time: Date,
        guide guideID: String,
        version: Int? = nil,
        step: String? = nil,
        variant: String? = nil
    ) {
        self.name = name
        self.time = time
        self.guideID = guideID
        self.version = version
        self.step = step
        self.variant = variant
    }

    /// `guide_started welcome-tour/welcome`.
    public var summary: String {
        "\(name.rawValue) \(guideID)" + (step.map { "/\($0)" } ?? "")
    }
}
