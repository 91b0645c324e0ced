/// Where the server keeps events, users and their guide progress.
///
/// Events are append-only and unique by id; a user's state is replaced as a whole. Every write is one
/// ``commit(_:)``: committed (durable, for a store on disk) before it returns, or not at all. The server
/// serialises the writes of one user in its process, and runs each read-modify-write of a user inside
/// ``serializing(users:_:)``, which a store shared by several processes (``PostgresGuideStore``) turns into
/// one transaction holding a per-user lock.
///
/// Implementations: ``MemoryGuideStore`` (tests), ``SQLiteGuideStore`` (the default, a file in WAL mode) and
/// ``PostgresGuideStore`` (several servers on one database). One conformance suite in the tests runs against
/// each.
public protocol GuideStore: Sendable {
    /// The stored user, or `nil` when the store has never seen them.
    func user(_ id: String) async throws -> StoredUser?

    /// The stored users among `ids`, by id (one query for a store over the network).
    func users(_ ids: [String]) async throws -> [String: StoredUser]

    /// The ids among `ids` that are already stored.
    func storedEventIDs(_ ids: [String]) async throws -> Set<String>

    /// The first `limit` events of a user, in the order they were stored.
    func events(of user: String, limit: Int) async throws -> [StoredEvent]

    /// How many events of a user are stored, counting no further than `limit` (the ingestor asks whether a
    /// history is short enough to replay without reading it).
    func eventCount(of user: String, upTo limit: Int) async throws -> Int

    /// The first `limit` events of a user at one instant (`time` in seconds since 1970), in the order they were
    /// stored.
    func events(of user: String, at time: Double, limit: Int) async throws -> [StoredEvent]

    /// Appends the events and replaces the users in one transaction.
    ///
    /// - Throws: ``StoreError/duplicateEvents(_:)`` (and writes nothing) when an event id is already stored.
    func commit(_ change: StoreChange) async throws

    /// Up to `limit` events stored after `sequence`, in storage order: the export reads the store in pages.
    func events(after sequence: Int64, limit: Int) async throws -> [StoredEvent]

    /// Erases a user, their progress and their events.
    ///
    /// - Returns: the number of rows deleted: events, and 1 for the user when there was one.
    func deleteUser(_ id: String) async throws -> (events: Int, users: Int)

    /// The number of stored users and events: a scan of both tables, for tools and tests, never for a route
    /// anyone may call.
    func counts() async throws -> (users: Int, events: Int)

    /// Answers when the store is reachable and open (one trivial query, whatever the store holds); throws
    /// ``StoreError`` when it is not. `/healthz` asks it.
    func ping() async throws

    /// Closes the store; later calls fail.
    func close() async throws

    /// Runs a read-modify-write of some users so that no other process writes them meanwhile.
    ///
    /// `body` gets the store to read and write with: for a store shared by several servers, a view of one
    /// transaction that holds a lock per user until `body` returns (then it commits) or throws (then nothing
    /// of it is written). A store of one process runs `body` on itself, each ``commit(_:)`` on its own: the
    /// server already serialises the users inside its process.
    ///
    /// - Parameters:
    ///   - users: the user ids `body` reads and writes.
    ///   - body: the work, given the store to use.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, and ``StoreError/unavailable(_:)`` when the store cannot be reached.
    func serializing<T: Sendable>(
        users: [String],
        _ body: @escaping @Sendable (any GuideStore) async throws -> T
    ) async throws -> T
}

extension GuideStore {
    /// Reads the users one at a time.
    public func users(_ ids: [String]) async throws -> [String: StoredUser] {
        var found: [String: StoredUser] = [:]
        for id in ids {
            if let user = try await user(id) { found[id] = user }
        }
        return found
    }

    /// Every event of a user, in the order they were stored (tools and tests; the server reads with a limit).
    public func events(of user: String) async throws -> [StoredEvent] {
        try await events(of: user, limit: .max)
    }

    /// Filters every event of the user.
    public func events(of user: String, at time: Double, limit: Int) async throws -> [StoredEvent] {
        Array(try await events(of: user, limit: .max).lazy.filter { $0.time == time }.prefix(limit))
    }

    /// A store used by one process runs `body` on itself: the server's per-user lock is enough.
    public func serializing<T: Sendable>(
        users: [String],
        _ body: @escaping @Sendable (any GuideStore) async throws -> T
    ) async throws -> T {
        try await body(self)
    }
}
