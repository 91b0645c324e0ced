import Synchronization

/// A store in memory: for tests and previews; everything is lost when the process ends.
public final class MemoryGuideStore: GuideStore {
    private struct Contents {
        var events: [StoredEvent] = []
        var eventIDs: Set<String> = []
        var users: [String: StoredUser] = [:]
        var nextSequence: Int64 = 1
        var isClosed = false
    }

    private let contents = Mutex(Contents())

    /// Creates an empty store.
    public init() {}

    private func read<T: Sendable>(_ body: (inout Contents) throws -> T) throws -> T {
        try contents.withLock { contents in
            guard !contents.isClosed else { throw StoreError.unavailable("the store is closed") }
            return try body(&contents)
        }
    }

    /// The stored user, or `nil`.
    public func user(_ id: String) async throws -> StoredUser? {
        try read { $0.users[id] }
    }

    /// The ids among `ids` that are already stored.
    public func storedEventIDs(_ ids: [String]) async throws -> Set<String> {
        try read { contents in Set(ids.filter { contents.eventIDs.contains($0) }) }
    }

    /// How many events of the user are stored, up to `limit`.
    public func eventCount(of user: String, upTo limit: Int) async throws -> Int {
        try read { $0.events.lazy.filter { $0.user == user }.prefix(limit).count }
    }

    /// The first `limit` events of the user.
    public func events(of user: String, limit: Int) async throws -> [StoredEvent] {
        try read { Array($0.events.lazy.filter { $0.user == user }.prefix(limit)) }
    }

    /// Appends the events and replaces the users, or writes nothing when an event id is already stored.
    public func commit(_ change: StoreChange) async throws {
        try read { contents in
            var seen = Set<String>()
            let duplicates = change.events.map(\.id).filter {
                contents.eventIDs.contains($0) || !seen.insert($0).inserted
            }
            guard duplicates.isEmpty else { throw StoreError.duplicateEvents(duplicates) }
            for var event in change.events {
                event.sequence = contents.nextSequence
                contents.nextSequence += 1
                contents.events.append(event)
                contents.eventIDs.insert(event.id)
            }
            for user in change.users { contents.users[user.id] = user }
        }
    }

    /// Up to `limit` events after `sequence`.
    public func events(after sequence: Int64, limit: Int) async throws -> [StoredEvent] {
        try read { contents in
            // Sequences are dense from 1 in a memory store apart from deleted users' events.
            let start = contents.events.partitioningIndex { $0.sequence > sequence }
            return Array(contents.events[start...].prefix(limit))
        }
    }

    /// Erases a user and their events.
    public func deleteUser(_ id: String) async throws -> (events: Int, users: Int) {
        try read { contents in
            let before = contents.events.count
            for event in contents.events where event.user == id { contents.eventIDs.remove(event.id) }
            contents.events.removeAll { $0.user == id }
            let users = contents.users.removeValue(forKey: id) == nil ? 0 : 1
            return (before - contents.events.count, users)
        }
    }

    /// The number of stored users and events.
    public func counts() async throws -> (users: Int, events: Int) {
        try read { ($0.users.count, $0.events.count) }
    }

    /// Answers while the store is open.
    public func ping() async throws {
        try read { _ in () }
    }

    /// Closes the store.
    public func close() async throws {
        contents.withLock { $0.isClosed = true }
    }
}

extension Array {
    /// The first index whose element satisfies the predicate, which must be false then true along the array.
    fileprivate func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
