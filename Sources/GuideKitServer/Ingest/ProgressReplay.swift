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

    /// Applies one event to a state.
    package func apply(_ event: StoredEvent, to state: inout UserState) {
        let time = Date(timeIntervalSince1970: event.time)
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
            // A step waiting for this event advances; a state the guides no longer fit only counts the event.
            // (On a copy: a throwing apply may have changed its inout state before it threw.)
            var advanced = state
            if (try? guides.machine.apply(.event(name), to: &advanced, at: time)) != nil {
                state = advanced
            } else {
                GuideStateMachine.record(event: name, in: &state, at: time)
            }
        }
    }

    /// A user's state from their attributes and all their events, in order.
    ///
    /// - Parameters:
    ///   - events: every event of the user.
    ///   - base: the stored state; its attributes are kept, its event counts and progress rebuilt.
    /// - Returns: the rebuilt state and the time of its latest event.
    package func replay(_ events: [StoredEvent], onto base: UserState) -> (state: UserState, through: Double?) {
        var state = base
        state.events = [:]
        state.guides = [:]
        var through: Double?
        for event in ordered(events) {
            apply(event, to: &state)
            through = max(through ?? event.time, event.time)
        }
        return (state, through)
    }
}
