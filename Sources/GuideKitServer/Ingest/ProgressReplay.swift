import Foundation
import GuideKit

/// Folds a user's stored events into their state through the guide set's ``GuideStateMachine``.
///
/// Guide events are applied as `guidekit state` replays them, product `track` events as app events
/// (`events.<name>` counts, and steps that advance on them). Exposures change nothing.
package struct ProgressReplay: Sendable {
    /// The guide set whose state machine applies the events.
    package let guides: GuideSet

    package init(_ guides: GuideSet) { self.guides = guides }

    /// The events in the order they happened: by time; at one instant a guide start, then step events and
    /// product events in the guide's step order (a view before a completion), then the end of a show; then
    /// in the order the store received them.
    package func ordered(_ events: [StoredEvent]) -> [StoredEvent] {
        events.map { (event: $0, key: sortKey($0)) }
            .sorted { lhs, rhs in
                if lhs.key.time != rhs.key.time { return lhs.key.time < rhs.key.time }
                if lhs.key.rank != rhs.key.rank { return lhs.key.rank < rhs.key.rank }
                if lhs.key.step != rhs.key.step { return lhs.key.step < rhs.key.step }
                if lhs.key.sub != rhs.key.sub { return lhs.key.sub < rhs.key.sub }
                return lhs.event.sequence < rhs.event.sequence
            }
            .map(\.event)
    }

    private func sortKey(_ event: StoredEvent) -> (time: Double, rank: Int, step: Int, sub: Int) {
        let rank: Int
        var stepIndex = 0
        var sub = 0
        switch GuideEventType(rawValue: event.type) {
        case .guideStarted?: rank = 0
        case .stepViewed?, .stepCompleted?:
            rank = 1
            sub = event.type == GuideEventType.stepViewed.rawValue ? 0 : 1
            if let guide = event.guide, let step = event.step, let compiled = guides.compiled[guide] {
                stepIndex = compiled.steps(for: event.variant).firstIndex { $0.step.id.value == step } ?? Int.max
            } else {
                stepIndex = Int.max
            }
        case .guideCompleted?, .guideDismissed?, .guideSnoozed?: rank = 2
        case nil: rank = 1
        }
        return (event.time, rank, stepIndex, sub)
    }

    /// Applies one event to a state, and for a new `track` event the guide events it causes.
    ///
    /// A product event moves the steps waiting for it (`advance_on`): the state machine's `step_completed`
    /// and `step_viewed` (or the guide's end) are stored beside the event (ids `<id>~1`, `<id>~2`, …), so
    /// the export replays to the same progress in `guidekit state`, and a replay of stored events derives
    /// nothing again. (A `step_completed` of the step on screen moves its guide on by itself, in
    /// ``GuideStateMachine/apply(_:to:)``.)
    ///
    /// - Parameters:
    ///   - event: the event.
    ///   - state: the state to update.
    ///   - derives: whether the event is new (then derived events are made and applied).
    /// - Returns: the derived events, applied already.
    @discardableResult
    package func apply(_ event: StoredEvent, to state: inout UserState, derives: Bool = false) -> [StoredEvent] {
        let time = Date(timeIntervalSince1970: event.time)
        var emitted: [TrackedGuideEvent] = []
        if let type = GuideEventType(rawValue: event.type), let guide = event.guide {
            let tracked = TrackedGuideEvent(
                type,
                at: time,
                guide: guide,
                version: event.version,
                step: event.step,
                variant: event.variant
            )
            guides.machine.apply(tracked, to: &state)
        } else if event.type == "track", let name = event.name {
            if derives {
                var scratch = state
                emitted = (try? guides.machine.apply(.event(name), to: &scratch, at: time)) ?? []
            }
            GuideStateMachine.count(event: name, in: &state, at: time)
        }
        var derived: [StoredEvent] = []
        for (offset, tracked) in emitted.enumerated() {
            guides.machine.apply(tracked, to: &state)
            derived.append(Self.derivedEvent(tracked, from: event, number: offset + 1))
        }
        return derived
    }

    /// A derived guide event as stored: the event log format, marked `"source": "server"`.
    private static func derivedEvent(_ tracked: TrackedGuideEvent, from parent: StoredEvent, number: Int) -> StoredEvent
    {
        let id = "\(parent.id)~\(number)"
        var fields: [String: Value] = [
            "type": .string(tracked.name.rawValue), "user": .string(parent.user), "guide": .string(tracked.guideID),
            "ts": .string(Timestamp.string(from: tracked.time)), "id": .string(id), "source": .string("server"),
        ]
        if let version = tracked.version { fields["version"] = .number(Double(version)) }
        if let step = tracked.step { fields["step"] = .string(step) }
        if let variant = tracked.variant { fields["variant"] = .string(variant) }
        return StoredEvent(
            sequence: parent.sequence,
            id: id,
            user: parent.user,
            time: tracked.time.timeIntervalSince1970,
            type: tracked.name.rawValue,
            guide: tracked.guideID,
            version: tracked.version,
            step: tracked.step,
            variant: tracked.variant,
            line: Value.object(fields).rendered
        )
    }

    /// A user's state from their attributes and all their events, in order.
    ///
    /// - Parameters:
    ///   - events: every event of the user.
    ///   - base: the stored state; its attributes are kept, its event counts and progress rebuilt.
    ///   - newIDs: the ids of the events not stored yet, which derive events.
    /// - Returns: the rebuilt state, the time of its latest event, and the derived events of the new ones.
    package func replay(
        _ events: [StoredEvent],
        onto base: UserState,
        newIDs: Set<String> = []
    ) -> (state: UserState, through: Double?, derived: [StoredEvent]) {
        var state = base
        state.events = [:]
        state.guides = [:]
        var through: Double?
        var derived: [StoredEvent] = []
        for event in ordered(events) {
            derived += apply(event, to: &state, derives: newIDs.contains(event.id))
            through = max(through ?? event.time, event.time)
        }
        return (state, through, derived)
    }
}
