/// Where the server keeps events, users and their guide progress.
///
/// Events are append-only and unique by id; a user's state is replaced as a whole. Every write is one
/// ``commit(_:)``: committed (durable, for a store on disk) before it returns, or not at all. The server
/// serialises the writes of one user, so a store needs no per-user locking of its own.
///
/// Implementations: ``MemoryGuideStore`` (tests) and ``SQLiteGuideStore`` (the default, a file in WAL mode).
/// One conformance suite in the tests runs against each.
public protocol GuideStore: Sendable {
    /// The stored user, or `nil` when the store has never seen them.
    func user(_ id: String) async throws -> StoredUser?

    /// The ids among `ids` that are already stored.
    func storedEventIDs(_ ids: [String]) async throws -> Set<String>

    /// Every event of a user, in the order they were stored.
    func events(of user: String) async throws -> [StoredEvent]

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

    /// The number of stored users and events.
    func counts() async throws -> (users: Int, events: Int)

    /// Closes the store; later calls fail.
    func close() async throws
}
