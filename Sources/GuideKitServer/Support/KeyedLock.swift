/// Runs async work one at a time per key (a user id), in arrival order, while work for other keys runs
/// concurrently.
package actor KeyedLock {
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    package init() {}

    /// Runs `body` once no earlier body for the key is running.
    package func withLock<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    /// Runs `body` holding the locks of several keys, taken in sorted order so two callers never deadlock.
    package func withLocks<T: Sendable>(_ keys: [String], _ body: @Sendable () async throws -> T) async rethrows -> T {
        let sorted = Array(Set(keys)).sorted()
        for key in sorted { await acquire(key) }
        defer { for key in sorted { release(key) } }
        return try await body()
    }

    private func acquire(_ key: String) async {
        if waiters[key] == nil {
            waiters[key] = []
            return
        }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    private func release(_ key: String) {
        guard var queue = waiters[key] else { return }
        if queue.isEmpty {
            waiters[key] = nil
        } else {
            let next = queue.removeFirst()
            waiters[key] = queue
            next.resume()
        }
    }
}
