import Dispatch
import GRDB
import Synchronization

/// Group commit for ``SQLiteGuideStore``: the changes of concurrent requests are written in one transaction,
/// with one sync of the write-ahead log, instead of one transaction and one sync each.
///
/// The first commit that finds the queue idle starts writing on the queue's own thread; the commits that
/// arrive meanwhile wait and are written together in the next transaction, each under its own savepoint, so a
/// change refused for a duplicate event id leaves the others written. Every caller resumes only after the
/// transaction holding its change has committed (durable), or with the error that refused it. The users of
/// each committed change go to the ``UserCache`` in commit order, before any later write starts.
final class SQLiteCommitQueue: Sendable {
    private struct Pending {
        var change: StoreChange
        var states: [String]
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Queue {
        var pending: [Pending] = []
        var isWriting = false
    }

    /// The most changes written in one transaction.
    static let maximumGroup = 256

    private let writer: any DatabaseWriter
    private let cache: UserCache
    private let queue = Mutex(Queue())
    private let thread = DispatchQueue(label: "GuideKit.SQLiteCommitQueue")

    init(writer: any DatabaseWriter, cache: UserCache) {
        self.writer = writer
        self.cache = cache
    }

    /// Writes the change in the next transaction; returns once that transaction committed.
    ///
    /// - Throws: ``StoreError/duplicateEvents(_:)`` (and writes nothing of the change) when one of its event ids
    ///   is stored already, ``StoreError/unavailable(_:)`` when the transaction failed.
    func commit(_ change: StoreChange) async throws {
        // Encoded by the caller, so concurrent requests encode their states in parallel.
        let states = change.users.map { UserStateCoding.encode($0.state) }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let starts = queue.withLock { queue in
                queue.pending.append(Pending(change: change, states: states, continuation: continuation))
                guard !queue.isWriting else { return false }
                queue.isWriting = true
                return true
            }
            if starts { thread.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            let group: [Pending] = queue.withLock { queue in
                guard !queue.pending.isEmpty else {
                    queue.isWriting = false
                    return []
                }
                let count = min(queue.pending.count, Self.maximumGroup)
                defer { queue.pending.removeFirst(count) }
                return Array(queue.pending.prefix(count))
            }
            guard !group.isEmpty else { return }
            let results = write(group)
            for (pending, result) in zip(group, results) { pending.continuation.resume(with: result) }
        }
    }

    /// Writes the group in one transaction; the outcome of each change.
    private func write(_ group: [Pending]) -> [Result<Void, any Error>] {
        var results = [Result<Void, any Error>](repeating: .success(()), count: group.count)
        do {
            try writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for (index, pending) in group.enumerated() {
                        do {
                            try db.inSavepoint {
                                try Self.write(pending, in: db)
                                return .commit
                            }
                        } catch let error as StoreError {
                            results[index] = .failure(error)
                        }
                    }
                    return .commit
                }
                // Committed: the cache follows, in commit order, before the next write.
                for (index, pending) in group.enumerated() {
                    if case .success = results[index] { cache.stored(pending.change.users) }
                }
            }
        } catch {
            let failure = StoreError.unavailable("\(error)")
            return group.map { _ in .failure(failure) }
        }
        return results
    }

    /// Appends the change's events and upserts its users; throws ``StoreError/duplicateEvents(_:)`` on a known id
    /// (the savepoint is then rolled back).
    private static func write(_ pending: Pending, in db: Database) throws {
        let insert = try SQLiteEventInsert(db)
        var duplicates: [String] = []
        for event in pending.change.events {
            if try !insert.insert(event) { duplicates.append(event.id) }
        }
        if !duplicates.isEmpty { throw StoreError.duplicateEvents(duplicates) }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO user (id, state, appliedThrough) VALUES (?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, appliedThrough = excluded.appliedThrough
                """
        )
        for (user, state) in zip(pending.change.users, pending.states) {
            try upsert.execute(arguments: [user.id, state, user.appliedThrough])
        }
    }
}
