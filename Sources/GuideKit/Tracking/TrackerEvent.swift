import Foundation

/// One guide event as the tracker reads it from a log line: whose it is, the event, and where it was read.
public struct TrackerEvent: Sendable, Hashable {
    /// The user id.
    public var user: String
    /// The event, in the form ``GuideStateMachine/apply(_:to:)`` takes.
    public var event: TrackedGuideEvent
    /// The event id (`id`, or a Segment `messageId`), when the log has one.
    public var id: String?
    /// Where the event was read (`file`, 1-based line).
    public var location: SourceLocation

    /// Creates an event.
    ///
    /// - Parameters:
    ///   - user: the user id.
    ///   - event: the guide event.
    ///   - id: the event id.
    ///   - location: where it was read.
    public init(user: String, event: TrackedGuideEvent, id: String? = nil, location: SourceLocation) {
        self.user = user
        self.event = event
        self.id = id
        self.location = location
    }

    /// The order of two events of one user at the same instant: a start, then step events in the guide's
    /// step order (a step's view before its completion), then the event that ends the show.
    var rank: Int {
        switch event.name {
        case .guideStarted: 0
        case .stepViewed, .stepCompleted: 1
        case .guideCompleted, .guideDismissed, .guideSnoozed: 2
        }
    }

    /// What makes two lines the same event: an SDK retry writes the same fields again, with or without an id.
    struct Identity: Hashable {
        var time: Date
        var guide: String
        var version: Int?
        var name: TrackedGuideEvent.Name
        var step: String?
    }

    var identity: Identity {
        Identity(time: event.time, guide: event.guideID, version: event.version, name: event.name, step: event.step)
    }
}
