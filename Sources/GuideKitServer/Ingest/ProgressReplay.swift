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
        events.map { (event: $0, key: sortKey($0)) }.sorted(by: Self.before).map(\.event)
    }

    private typealias Keyed = (event: StoredEvent, key: (time: Double, rank: Int, step: Int, sub: Int))

    private static func before(_ lhs: Keyed, _ rhs: Keyed) -> Bool {
        if precedes(lhs.key, rhs.key) { return true }
        if precedes(rhs.key, lhs.key) { return false }
        return lhs.event.sequence < rhs.event.sequence
    }

    /// Applies events in the order ``ordered(_:)`` gives them, deriving the guide events of the new `track`
    /// events among them; each derived event takes its own place in that order (after the events stored before
    /// it), where a replay of the stored events will apply it, so that a state built here equals the replay of
    /// what is stored.
    ///
    /// - Parameters:
    ///   - events: the events; new ones carry sequences above every stored one.
    ///   - state: the state to update.
    ///   - newIDs: the ids of the events not stored yet, which derive events.
    /// - Returns: the time of the latest event applied, and the derived events in the order they are to be
    ///   stored.
    package func apply(
        inOrder events: [StoredEvent],
        to state: inout UserState,
        newIDs: Set<String>
    ) -> (through: Double?, derived: [StoredEvent]) {
        var queue = events.map { (event: $0, key: sortKey($0)) }.sorted(by: Self.before)
        var nextSequence = (events.map(\.sequence).max() ?? 0) + 1
        var through: Double?
        var derived: [StoredEvent] = []
        var index = 0
        // Which product events can move a guide, as long as no guide event changes the guides.
        var movers: [String: Bool] = [:]
        while index < queue.count {
            let event = queue[index].event
            index += 1
            through = max(through ?? event.time, event.time)
            for var made in apply(event, to: &state, derives: newIDs.contains(event.id), movers: &movers) {
                made.sequence = nextSequence
                nextSequence += 1
                derived.append(made)
                let entry: Keyed = (made, sortKey(made))
                var position = index
                while position < queue.count, Self.before(queue[position], entry) { position += 1 }
                queue.insert(entry, at: position)
            }
        }
        return (through, derived)
    }

    /// Whether new events, applied on top of the events already applied, keep the order of a replay.
    ///
    /// ``ordered(_:)`` sorts every event; applied on top, each new event at the latest applied instant must sort
    /// after every applied event of that instant (new events are stored later, so an equal key sorts after too).
    /// Events later than that instant always do; earlier ones never.
    ///
    /// - Parameters:
    ///   - new: the new events.
    ///   - through: the time of the latest applied event.
    ///   - applied: the stored events at `through`.
    /// - Returns: whether applying `new` on top gives the state a replay of all the events gives.
    package func follow(_ new: [StoredEvent], through: Double, applied: [StoredEvent]) -> Bool {
        let latest = applied.filter { $0.time == through }.map(sortKey).max { Self.precedes($0, $1) }
        for event in new {
            if event.time > through { continue }
            if event.time < through { return false }
            if let latest, Self.precedes(sortKey(event), latest) { return false }
        }
        return true
    }

    private static func precedes(
        _ lhs: (time: Double, rank: Int, step: Int, sub: Int),
        _ rhs: (time: Double, rank: Int, step: Int, sub: Int)
    ) -> Bool {
        if lhs.time != rhs.time { return lhs.time < rhs.time }
        if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
        if lhs.step != rhs.step { return lhs.step < rhs.step }
        return lhs.sub < rhs.sub
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
    ///   - derives: whether the event is new (then derived events are made).
    /// - Returns: the derived events, not applied: ``apply(inOrder:to:newIDs:)`` applies them in their place.
    @discardableResult
    package func apply(_ event: StoredEvent, to state: inout UserState, derives: Bool = false) -> [StoredEvent] {
        var movers: [String: Bool] = [:]
        return apply(event, to: &state, derives: derives, movers: &movers)
    }

    /// ``apply(_:to:derives:)`` remembering in `movers` which product events can move a guide of the state
    /// (a burst of one event asks once); a guide event forgets them, as it changes the guides.
    private func apply(
        _ event: StoredEvent,
        to state: inout UserState,
        derives: Bool,
        movers: inout [String: Bool]
    ) -> [StoredEvent] {
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
            movers.removeAll(keepingCapacity: true)
        } else if event.type == "track", let name = event.name {
            if derives, movers[name] ?? remember(mayMove(on: name, state), for: name, in: &movers) {
                var scratch = state
                emitted = (try? guides.machine.apply(.event(name), to: &scratch, at: time)) ?? []
            }
            GuideStateMachine.count(event: name, in: &state, at: time)
        }
        return emitted.enumerated().map { offset, tracked in
            Self.derivedEvent(tracked, from: event, number: offset + 1)
        }
    }

    private func remember(_ moves: Bool, for name: String, in movers: inout [String: Bool]) -> Bool {
        movers[name] = moves
        return moves
    }

    /// Whether a product event can move a guide of the state.
    ///
    /// It can when a guide in progress has a step waiting for it or a checklist (whose items may count it).
    /// Otherwise the state machine is not asked, as it would emit nothing.
    private func mayMove(on name: String, _ state: UserState) -> Bool {
        for (id, progress) in state.guides where progress.status == .inProgress {
            guard let compiled = guides.compiled[id] else { continue }
            for steps in compiled.guide.stepLists {
                for step in steps {
                    if step.kind.value == .checklist { return true }
                    if case .event(let awaited)? = step.advanceOn?.kind, awaited.value == name { return true }
                }
            }
        }
        return false
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
        let (through, derived) = apply(inOrder: events, to: &state, newIDs: newIDs)
        return (state, through, derived)
    }
}
