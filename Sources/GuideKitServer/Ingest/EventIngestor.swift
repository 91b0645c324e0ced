import Foundation
import GuideKit

/// Stores batches of events and brings the users' states up to date, one user at a time, so that many
/// concurrent requests for one user end in the state of their events applied in time order.
///
/// Events that arrive in time order are applied on top of the stored state. Events that sort before an applied
/// one are replayed with every stored event of the user, in time order, as long as the user has at most
/// ``replayLimit`` stored events; beyond that they are stored and applied on top all the same, and counted as
/// late, so that no user's history, however long or however out of order it arrives, costs more than
/// ``replayLimit`` events per request.
package struct EventIngestor: Sendable {
    /// What became of a batch.
    package struct Outcome: Sendable, Equatable {
        /// Events stored.
        package var accepted = 0
        /// The indexes of events whose id was already stored (or repeated in the batch).
        package var duplicates: [Int] = []
        /// Accepted events at or before the user's latest applied event that were applied on top of the state
        /// instead of replayed in time order, because the user has more than ``replayLimit`` stored events.
        package var late = 0
    }

    /// How many stored events of one user an out-of-order batch replays at most.
    package static let defaultReplayLimit = 10_000

    package let store: any GuideStore
    package let library: GuideLibrary
    package let locks: KeyedLock
    /// How many stored events of one user an out-of-order batch replays at most.
    package let replayLimit: Int

    /// The sequence of a batch's first event until the store gives it one: above any a store assigns.
    static let firstNewSequence = Int64(1) << 62

    package init(
        store: any GuideStore,
        library: GuideLibrary,
        locks: KeyedLock,
        replayLimit: Int = EventIngestor.defaultReplayLimit
    ) {
        self.store = store
        self.library = library
        self.locks = locks
        self.replayLimit = max(1, replayLimit)
    }

    /// Stores the events (each already checked) and updates their users, in one commit.
    ///
    /// - Parameter events: the events with their indexes in the request.
    /// - Returns: how many were accepted and which were duplicates.
    /// - Throws: a store error; then nothing was written.
    package func ingest(_ events: [(index: Int, event: StoredEvent)]) async throws -> Outcome {
        guard !events.isEmpty else { return Outcome() }
        let users = events.map(\.event.user)
        // In this process one user at a time; across the servers sharing a store, one transaction holding
        // the users' locks reads their state and writes the result.
        return try await locks.withLocks(users) {
            try await store.serializing(users: users) { store in
                // Events are taken to be new: the commit refuses ids stored already (writing nothing), and the
                // change is rebuilt without them. Duplicates are retries, rare beside new events, so asking the
                // store about every id first would cost a query on every batch to spare one on a few.
                var known = Set<String>()
                // Each collision makes at least one more event a duplicate, so this ends.
                for _ in 0...events.count {
                    let (outcome, change) = try await prepare(events, known: known, in: store)
                    do {
                        try await store.commit(change)
                        return outcome
                    } catch let error as StoreError where !error.duplicateIDs.isEmpty {
                        // Stored before (a retry), or taken by another request's event meanwhile: count them as
                        // duplicates and rebuild the change without them.
                        known.formUnion(error.duplicateIDs)
                    }
                }
                throw StoreError.unavailable("event ids kept colliding with concurrent writes; retry the request")
            }
        }
    }

    private func prepare(
        _ events: [(index: Int, event: StoredEvent)],
        known: Set<String>,
        in store: any GuideStore
    ) async throws -> (Outcome, StoreChange) {
        var outcome = Outcome()
        var seen = known
        var fresh: [String: [StoredEvent]] = [:]
        var order: [String] = []
        for (index, event) in events {
            guard seen.insert(event.id).inserted else {
                outcome.duplicates.append(index)
                continue
            }
            if fresh[event.user] == nil { order.append(event.user) }
            fresh[event.user, default: []].append(event)
            outcome.accepted += 1
        }
        let replay = ProgressReplay(library.current)
        var change = StoreChange()
        let storedUsers = try await store.users(order)
        for user in order {
            // Sequences in arrival order, above every stored one, until the store assigns its own, so ties keep
            // arrival order.
            let new = (fresh[user] ?? []).enumerated().map { offset, event in
                var event = event
                event.sequence = Self.firstNewSequence + Int64(offset)
                return event
            }
            let stored = storedUsers[user] ?? StoredUser(state: UserState(id: user))
            var updated = stored
            let earliest = new.map(\.time).min() ?? .infinity
            var inOrder = true
            // Out of order, the stored events to replay with the new ones; nil when there are too many.
            var history: [StoredEvent]?
            if let through = stored.appliedThrough, earliest <= through {
                // At the latest applied instant the new events may still come after the applied ones (a
                // product event beside a step's events, a retry): then they are applied on top too.
                inOrder = false
                if earliest == through {
                    let applied = try await store.events(of: user, at: through, limit: replayLimit + 1)
                    inOrder = applied.count <= replayLimit && replay.follow(new, through: through, applied: applied)
                }
                if !inOrder {
                    // Counted first, so that a long history is not read only to be found too long.
                    if try await store.eventCount(of: user, upTo: replayLimit + 1) <= replayLimit {
                        history = try await store.events(of: user, limit: replayLimit)
                    } else {
                        outcome.late += new.count { $0.time <= through }
                    }
                }
            }
            if !inOrder, let history {
                // Out of order: rebuild from every event of the user, old and new.
                let rebuilt = replay.replay(history + new, onto: stored.state, newIDs: Set(new.map(\.id)))
                updated.state = rebuilt.state
                updated.appliedThrough = rebuilt.through
                change.events += new + rebuilt.derived
            } else {
                let derived = replay.apply(inOrder: new, to: &updated.state, newIDs: Set(new.map(\.id))).derived
                updated.appliedThrough = max(stored.appliedThrough ?? earliest, new.map(\.time).max() ?? earliest)
                change.events += new + derived
            }
            change.users.append(updated)
        }
        return (outcome, change)
    }
}
