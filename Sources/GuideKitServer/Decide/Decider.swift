import Foundation
import GuideKit

/// Answers `decide`: merges the attributes sent into the stored user, selects with the serving guide set
/// at the server's clock, and records the variant assignment of an experiment once as an exposure.
package struct Decider: Sendable {
    /// One decide request, checked.
    package struct Request: Sendable {
        package var user: String
        package var attributes = AttributeUpdate()
        package var page: String?
        package var url: String?
        package var locale: String?
        package var device: [String: Value] = [:]
        package var event: String?
        package var launch: String?
        package var explains = false
    }

    /// The answer.
    package struct Answer: Sendable {
        /// The selection (decision and verdicts).
        package var selection: Selection
        /// The user's state as selected on.
        package var state: UserState
        /// The guide set version decided with.
        package var version: String
    }

    package let store: any GuideStore
    package let library: GuideLibrary
    package let locks: KeyedLock
    package let clock: @Sendable () -> Date

    /// Decides for one user.
    package func decide(_ request: Request) async throws -> Answer {
        let set = library.current
        if let launch = request.launch, set.compiled[launch] == nil {
            let hint = Suggestion.didYouMean(launch, in: set.compiled.ids).map { "; \($0)" } ?? ""
            throw APIError.unknownGuide("launch", "no guide '\(launch)' in the serving guide set\(hint)")
        }
        let now = clock()
        // Most decisions write nothing: they read the stored user once, without the user's lock (a decide
        // running beside a write for the user sees the state before or after it, as if it came first or
        // last; a write acknowledged before the decide began is always seen). One that writes (new
        // attributes, a first exposure) is made again holding the user's lock, inside the store's per-user
        // transaction, on the state read there, so that neither a request of this server nor a server sharing
        // the store can have changed the user in between.
        let first = try await evaluate(request, set: set, now: now, store: store)
        if first.change.isEmpty { return first.answer }
        return try await locks.withLock(request.user) {
            try await store.serializing(users: [request.user]) { store in
                var (answer, change) = try await evaluate(request, set: set, now: now, store: store)
                if !change.isEmpty {
                    do {
                        try await store.commit(change)
                    } catch let error as StoreError where !error.duplicateIDs.isEmpty {
                        change.events.removeAll { error.duplicateIDs.contains($0.id) }
                        try await store.commit(change)
                    }
                }
                return answer
            }
        }
    }

    /// The decision on the stored state, and what it would write.
    private func evaluate(
        _ request: Request,
        set: GuideSet,
        now: Date,
        store: any GuideStore
    ) async throws -> (answer: Answer, change: StoreChange) {
        let stored = try await store.user(request.user)
        var record = stored ?? StoredUser(state: UserState(id: request.user))
        var change = StoreChange()
        if request.attributes.apply(to: &record.state) || (stored == nil && !request.attributes.isEmpty) {
            change.users.append(record)
        }
        var state = record.state
        if request.page != nil || request.url != nil {
            state.page = UserState.Page(path: request.page, url: request.url)
        }
        if let locale = request.locale { state.locale = locale }
        for (key, value) in request.device { state.device[key] = value }
        state.now = now
        if let event = request.event { GuideStateMachine.count(event: event, in: &state, at: now) }
        let context = SelectionContext(page: request.page, event: request.event, launch: request.launch, now: now)
        // The answer shows why other guides were not chosen only when explained: otherwise their messages are
        // not written (they were about a tenth of the selection).
        var builder = ConditionDocument.Builder()
        let selection = set.selector.select(
            for: state,
            in: context,
            explains: request.explains,
            describes: request.explains,
            builder: &builder
        )
        let exposures = exposureEvents(of: selection.decision, user: request.user, set: set, at: now)
        if !exposures.isEmpty {
            let known = try await store.storedEventIDs(exposures.map(\.id))
            change.events = exposures.filter { !known.contains($0.id) }
        }
        return (Answer(selection: selection, state: state, version: set.version), change)
    }

    /// The exposures a decision makes: the shown experiment's variant, and every holdout.
    private func exposureEvents(of decision: Decision, user: String, set: GuideSet, at now: Date) -> [StoredEvent] {
        var events: [StoredEvent] = []
        if let guide = decision.guideID, let variant = decision.variant, set.isExperiment(guide) {
            let version = decision.version ?? set.compiled[guide]?.guide.version.value ?? 1
            events.append(EventInput.exposure(user: user, guide: guide, version: version, variant: variant, at: now))
        }
        for holdout in decision.holdouts {
            let version = set.compiled[holdout.guideID]?.guide.version.value ?? 1
            events.append(
                EventInput.exposure(
                    user: user,
                    guide: holdout.guideID,
                    version: version,
                    variant: holdout.variant,
                    at: now
                )
            )
        }
        return events
    }
}
