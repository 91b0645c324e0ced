import Synchronization

/// A bounded cache of decoded users for a store that is the only writer of its data (SQLite in one process), so
/// that `decide` does not read and decode the stored state on every request.
///
/// Every write of the store goes through it after it commits (``stored(_:)``, ``removed(_:)``), in the store's
/// write order. A read that missed fills it with ``fill(_:_:since:)`` only when no write happened since the read
/// began (``epoch``), so a value read before a concurrent write can never hide that write. It holds at most
/// `capacity` users in two generations: when the newer one is full, the older is dropped, and a user read from
/// the older moves to the newer (an approximation of least-recently-used at the cost of a dictionary).
package final class UserCache: Sendable {
    private struct Generations {
        var newer: [String: StoredUser?] = [:]
        var older: [String: StoredUser?] = [:]
        var epoch: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// The most users held.
    package let capacity: Int
    private let contents = Mutex(Generations())

    /// Creates a cache of at most `capacity` users (0 disables it).
    package init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The cached user (`.some(nil)`: known not to be stored), or `nil` when not cached.
    package func lookup(_ id: String) -> StoredUser?? {
        guard capacity > 0 else { return nil }
        var dropped: [String: StoredUser?] = [:]
        let found: StoredUser?? = contents.withLock { cache in
            if let found = cache.newer[id] {
                cache.hits += 1
                return .some(found)
            }
            if let found = cache.older.removeValue(forKey: id) {
                cache.hits += 1
                dropped = Self.insert(id, found, into: &cache, capacity: capacity)
                return .some(found)
            }
            cache.misses += 1
            return nil
        }
        _ = dropped  // freed here, outside the lock
        return found
    }

    /// The write count, to pass to ``fill(_:_:since:)`` after reading the store.
    package var epoch: UInt64 { contents.withLock { $0.epoch } }

    /// Caches what a read found, unless a write happened since `epoch`.
    package func fill(_ id: String, _ user: StoredUser?, since epoch: UInt64) {
        guard capacity > 0 else { return }
        let dropped = contents.withLock { cache -> [String: StoredUser?] in
            guard cache.epoch == epoch else { return [:] }
            return Self.insert(id, user, into: &cache, capacity: capacity)
        }
        _ = dropped
    }

    /// Records committed users (call after the commit, in commit order).
    package func stored(_ users: [StoredUser]) {
        guard capacity > 0, !users.isEmpty else { return }
        var dropped: [[String: StoredUser?]] = []
        contents.withLock { cache in
            cache.epoch &+= 1
            for user in users {
                cache.older[user.id] = nil
                let old = Self.insert(user.id, user, into: &cache, capacity: capacity)
                if !old.isEmpty { dropped.append(old) }
            }
        }
        _ = dropped
    }

    /// Records a deleted user (call after the commit).
    package func removed(_ id: String) {
        guard capacity > 0 else { return }
        contents.withLock { cache in
            cache.epoch &+= 1
            cache.older[id] = nil
            cache.newer[id] = .some(nil)
        }
    }

    /// Forgets everything (after a write whose effect on users is unknown).
    package func clear() {
        let dropped = contents.withLock { cache in
            cache.epoch &+= 1
            defer {
                cache.newer = [:]
                cache.older = [:]
            }
            return (cache.newer, cache.older)
        }
        _ = dropped
    }

    /// Hits and misses so far.
    package var statistics: (hits: Int, misses: Int, count: Int) {
        contents.withLock { ($0.hits, $0.misses, $0.newer.count + $0.older.count) }
    }

    /// Inserts into the newer generation; returns the older one when it was dropped to make room.
    private static func insert(
        _ id: String,
        _ user: StoredUser?,
        into cache: inout Generations,
        capacity: Int
    ) -> [String: StoredUser?] {
        var dropped: [String: StoredUser?] = [:]
        if cache.newer.count >= (capacity + 1) / 2, cache.newer[id] == nil {
            dropped = cache.older
            cache.older = cache.newer
            cache.newer = [:]
        }
        cache.newer[id] = .some(user)
        return dropped
    }
}
