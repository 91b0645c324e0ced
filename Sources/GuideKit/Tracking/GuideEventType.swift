import Foundation

/// The kinds of guide events a log may hold.
///
/// Our own logs write the raw value in `type`. Segment-style `track` calls name the event in
/// `event`; ``init(segmentEventName:)`` maps those names (see the Events article).
public enum GuideEventType: String, Sendable, Hashable, CaseIterable {
    /// The guide began for the user (before any step is shown).
    case guideStarted = "guide_started"
    /// A step was shown.
    case stepViewed = "step_viewed"
    /// A step was completed (the user moved past it).
    case stepCompleted = "step_completed"
    /// The user finished the guide.
    case guideCompleted = "guide_completed"
    /// The user closed the guide; `step` says where.
    case guideDismissed = "guide_dismissed"
    /// The user postponed the guide; `step` says where.
    case guideSnoozed = "guide_snoozed"

    /// The Segment `track` event names GuideKit understands, and the type each one means.
    public static let segmentEventNames: [(name: String, type: GuideEventType)] = [
        ("Guide Started", .guideStarted),
        ("Guide Step Viewed", .stepViewed),
        ("Guide Step Completed", .stepCompleted),
        ("Guide Completed", .guideCompleted),
        ("Guide Dismissed", .guideDismissed),
        ("Guide Snoozed", .guideSnoozed),
    ]

    /// Maps a Segment `track` event name (`Guide Step Viewed`) to its type, or `nil` for other events.
    ///
    /// - Parameter segmentEventName: the `event` of a Segment `track` call.
    public init?(segmentEventName: String) {
        guard let match = Self.segmentEventNames.first(where: { $0.name == segmentEventName }) else { return nil }
        self = match.type
    }

    /// Whether events of this type must name a step.
    public var requiresStep: Bool { self == .stepViewed || self == .stepCompleted }

    /// A compact code used inside the tally.
    var code: UInt8 {
        switch self {
        case .guideStarted: 0
        case .stepViewed: 1
        case .stepCompleted: 2
        case .guideCompleted: 3
        case .guideDismissed: 4
        case .guideSnoozed: 5
        }
    }

    /// The `type` of the event the web SDK sends when a step's target never appeared: the step was not shown.
    ///
    /// The SDK waited for the element the step points at. Not a guide event (no progress changes), but the report counts it
    /// per step as "not shown" with this reason.
    public static let stepTargetMissing = "step_target_missing"

    /// The tally's code of ``stepTargetMissing`` events (after the six guide event types').
    static let targetMissingCode: UInt8 = 6

    /// Recognises a raw `type` value from its UTF-8 bytes without making a string: a guide event type's
    /// code, or ``targetMissingCode``.
    @inline(__always)
    static func code(bytes: UnsafeRawPointer, count: Int) -> UInt8? {
        func equals(_ literal: StaticString) -> Bool { memcmp(literal.utf8Start, bytes, count) == 0 }
        switch count {
        case 11: return equals("step_viewed") ? 1 : nil
        case 13: return equals("guide_started") ? 0 : equals("guide_snoozed") ? 5 : nil
        case 14: return equals("step_completed") ? 2 : nil
        case 15: return equals("guide_completed") ? 3 : equals("guide_dismissed") ? 4 : nil
        case 19: return equals("step_target_missing") ? targetMissingCode : nil
        default: return nil
        }
    }

    /// Recognises a Segment event name from its UTF-8 bytes.
    static func segmentCode(bytes: UnsafeRawPointer, count: Int) -> UInt8? {
        let buffer = UnsafeRawBufferPointer(start: bytes, count: count)
        for (name, type) in segmentEventNames where name.utf8.count == count && name.utf8.elementsEqual(buffer) {
            return type.code
        }
        return nil
    }
}
