import PostgresNIO

/// A view of one open transaction of a ``PostgresGuideStore`` that holds the advisory locks of some users.
///
/// ``PostgresGuideStore/serializing(users:_:)`` hands it to its body. Its reads see the transaction's own writes;
/// nothing is visible to other servers until the transaction commits.
struct PostgresTransactionStore: GuideStore {
    let connection: PostgresConnection

    func user(_ id: String) async throws -> StoredUser? {
        try await PostgresStatements.user(id, on: connection)
    }

    func users(_ ids: [String]) async throws -> [String: StoredUser] {
        try await PostgresStatements.users(ids, on: connection)
    }

    func storedEventIDs(_ ids: [String]) async throws -> Set<String> {
        try await PostgresStatements.storedEventIDs(ids, on: connection)
    }

    func events(of user: String, limit: Int) async throws -> [StoredEvent] {
        try await PostgresStatements.events(of: user, limit: limit, on: connection)
    }

    func eventCount(of user: String, upTo limit: Int) async throws -> Int {
        try await PostgresStatements.eventCount(of: user, upTo: limit, on: connection)
    }

    func events(of user: String, at time: Double, limit: Int) async throws -> [StoredEvent] {
        try await PostgresStatements.events(of: user, at: time, limit: limit, on: connection)
    }

    /// Writes the change under a savepoint, so that a change refused for a duplicate id leaves the
    /// transaction (and its locks) usable for the retry without it.
    func commit(_ change: StoreChange) async throws {
        guard !change.isEmpty else { return }
        let logger = PostgresStatements.logger
        try await connection.query("SAVEPOINT guidekit_change", logger: logger)
        do {
            try await PostgresStatements.write(change, on: connection)
            try await connection.query("RELEASE SAVEPOINT guidekit_change", logger: logger)
        } catch {
            try await connection.query("ROLLBACK TO SAVEPOINT guidekit_change", logger: logger)
            throw error
        }
    }

    func events(after sequence: Int64, limit: Int) async throws -> [StoredEvent] {
        try await PostgresStatements.events(after: sequence, limit: limit, on: connection)
    }

    func deleteUser(_ id: String) async throws -> (events: Int, users: Int) {
        try await PostgresStatements.lockUsers([id], on: connection)
        return try await PostgresStatements.deleteUser(id, on: connection)
    }

    func counts() async throws -> (users: Int, events: Int) {
        try await PostgresStatements.counts(on: connection)
    }

    /// Answers when the transaction's connection runs `SELECT 1`.
    func ping() async throws {
        try await PostgresStatements.ping(on: connection)
    }

    /// The transaction is the pooled store's; closing the view closes nothing.
    func close() async throws {}

    /// Already inside a transaction: takes the further users' locks and runs `body` here.
    func serializing<T: Sendable>(
        users: [String],
        _ body: @escaping @Sendable (any GuideStore) async throws -> T
    ) async throws -> T {
        try await PostgresStatements.lockUsers(users, on: connection)
        return try await body(self)
    }
}
