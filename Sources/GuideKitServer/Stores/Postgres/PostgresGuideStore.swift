import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// The store for several servers: one PostgreSQL database that every `guidekit serve` instance reads and
/// writes, through a pool of connections (postgres-nio's `PostgresClient`).
///
/// ```swift
/// let store = try await PostgresGuideStore.open(PostgresLocation(url: "postgres://guidekit@db/guidekit"))
/// ```
///
/// Opening applies the schema migrations the database lacks (``PostgresMigrations``, under an advisory lock).
/// Each read-modify-write of a user runs in one transaction holding that user's advisory lock
/// (``serializing(users:_:)``), so two servers writing one user at once queue instead of overwriting each
/// other. Every operation that cannot reach the database within ``PostgresLocation/timeout`` throws
/// ``StoreError/unavailable(_:)`` (the server answers 503); the pool reconnects by itself when the database
/// is back.
public final class PostgresGuideStore: GuideStore {
    /// Where it connects.
    public let location: PostgresLocation
    /// The migrations applied when it was opened (empty when the schema was up to date).
    public let appliedMigrations: [Int]
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let closed = Atomic<Bool>(false)

    private init(location: PostgresLocation, client: PostgresClient, runner: Task<Void, Never>, applied: [Int]) {
        self.location = location
        self.client = client
        self.runner = runner
        self.appliedMigrations = applied
    }

    /// Connects, and brings the schema up to date.
    ///
    /// - Parameters:
    ///   - location: the database and the pool's size and timeout.
    ///   - logger: where migrations are logged.
    /// - Returns: the store, its schema up to date.
    /// - Throws: ``StoreError/unavailable(_:)`` naming the database (never its password) and the cause.
    public static func open(
        _ location: PostgresLocation,
        logger: Logger = Logger(label: "GuideKit")
    ) async throws
        -> PostgresGuideStore
    {
        let tls: PostgresClient.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: tls
        )
        configuration.options.maximumConnections = max(1, location.poolSize)
        configuration.options.connectTimeout = .milliseconds(Int64(location.timeout * 1_000))
        let client = PostgresClient(configuration: configuration)
        let runner = Task { await client.run() }
        do {
            let applied = try await Self.timed(location.timeout * 3, location: location) {
                try await client.withConnection { connection in
                    try await PostgresMigrations.apply(on: connection, logger: logger)
                }
            }
            return PostgresGuideStore(location: location, client: client, runner: runner, applied: applied)
        } catch {
            runner.cancel()
            throw Self.storeError(error, location: location)
        }
    }

    /// Runs one operation on a pooled connection, within the timeout.
    private func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T
    {
        guard !closed.load(ordering: .relaxed) else { throw StoreError.unavailable("the store is closed") }
        let client = self.client
        do {
            return try await Self.timed(location.timeout, location: location) {
                try await client.withConnection { try await body($0) }
            }
        } catch let error as BodyError {
            throw error
        } catch {
            throw Self.storeError(error, location: location)
        }
    }

    /// The stored user, or `nil`.
    public func user(_ id: String) async throws -> StoredUser? {
        try await run { try await PostgresStatements.user(id, on: $0) }
    }

    /// The stored users among `ids`, in one query.
    public func users(_ ids: [String]) async throws -> [String: StoredUser] {
        guard !ids.isEmpty else { return [:] }
        return try await run { try await PostgresStatements.users(ids, on: $0) }
    }

    /// The ids among `ids` that are already stored.
    public func storedEventIDs(_ ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try await run { try await PostgresStatements.storedEventIDs(ids, on: $0) }
    }

    /// Every event of a user, in storage order.
    public func events(of user: String, limit: Int) async throws -> [StoredEvent] {
        try await run { try await PostgresStatements.events(of: user, limit: limit, on: $0) }
    }

    /// How many events of a user are stored, up to `limit`.
    public func eventCount(of user: String, upTo limit: Int) async throws -> Int {
        try await run { try await PostgresStatements.eventCount(of: user, upTo: limit, on: $0) }
    }

    /// The first `limit` events of a user at one instant.
    public func events(of user: String, at time: Double, limit: Int) async throws -> [StoredEvent] {
        try await run { try await PostgresStatements.events(of: user, at: time, limit: limit, on: $0) }
    }

    /// Appends the events and replaces the users in one transaction, or writes nothing.
    public func commit(_ change: StoreChange) async throws {
        guard !change.isEmpty else { return }
        try await run { connection in
            try await Self.transaction(on: connection) { try await PostgresStatements.write(change, on: connection) }
        }
    }

    /// Up to `limit` events after `sequence`.
    public func events(after sequence: Int64, limit: Int) async throws -> [StoredEvent] {
        try await run { try await PostgresStatements.events(after: sequence, limit: limit, on: $0) }
    }

    /// Erases a user and their events, holding the user's lock.
    public func deleteUser(_ id: String) async throws -> (events: Int, users: Int) {
        try await run { connection in
            try await Self.transaction(on: connection) {
                try await PostgresStatements.lockUsers([id], on: connection)
                return try await PostgresStatements.deleteUser(id, on: connection)
            }
        }
    }

    /// The number of stored users and events.
    public func counts() async throws -> (users: Int, events: Int) {
        try await run { try await PostgresStatements.counts(on: $0) }
    }

    /// Answers when a pooled connection runs `SELECT 1`.
    public func ping() async throws {
        try await run { try await PostgresStatements.ping(on: $0) }
    }

    /// Runs `body` in one transaction that holds the advisory lock of each user until it commits.
    public func serializing<T: Sendable>(
        users: [String],
        _ body: @escaping @Sendable (any GuideStore) async throws -> T
    ) async throws -> T {
        // The whole transaction is under the timeout: when it runs out the request gets a 503 and the work
        // is cancelled; should it still commit, a retry of the request finds its events stored (duplicates).
        // The body's own errors (not the database's) reach the caller as they are.
        do {
            return try await run { connection in
                try await Self.transaction(on: connection) {
                    try await PostgresStatements.lockUsers(users, on: connection)
                    do {
                        return try await body(PostgresTransactionStore(connection: connection))
                    } catch let error as StoreError {
                        throw error
                    } catch let error as PSQLError {
                        throw error  // the database's failure, made a StoreError below
                    } catch {
                        throw BodyError(error: error)
                    }
                }
            }
        } catch let error as BodyError {
            throw error.error
        }
    }

    /// Closes the pool; later calls fail.
    public func close() async throws {
        closed.store(true, ordering: .relaxed)
        runner.cancel()
        _ = await runner.value
    }

    /// Runs `body` between BEGIN and COMMIT; rolls back when it throws.
    static func transaction<T: Sendable>(
        on connection: PostgresConnection,
        _ body: () async throws -> T
    )
        async throws -> T
    {
        try await connection.query("BEGIN", logger: PostgresStatements.logger)
        do {
            let value = try await body()
            try await connection.query("COMMIT", logger: PostgresStatements.logger)
            return value
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: PostgresStatements.logger)
            throw error
        }
    }

    /// Runs `body`, or throws ``StoreError/unavailable(_:)`` when it takes longer than `seconds` (then it is
    /// cancelled and left to end on its own).
    static func timed<T: Sendable>(
        _ seconds: Double,
        location: PostgresLocation,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withCheckedThrowingContinuation { continuation in
            race.begin(continuation)
            let work = Task {
                do {
                    race.finish(with: .success(try await body()))
                } catch {
                    race.finish(with: .failure(error))
                }
            }
            let timer = Task {
                try? await Task.sleep(for: .milliseconds(Int64(seconds * 1_000)))
                guard !Task.isCancelled else { return }
                if race.finish(
                    with: .failure(
                        StoreError.unavailable(
                            "no answer from \(location.redacted) within \(Self.seconds(seconds)) (--database-timeout)"
                        )
                    )
                ) {
                    work.cancel()
                }
            }
            race.setTimer(timer)
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// A failure as the server reports it: a ``StoreError`` as it is, anything else as unavailable with the
    /// driver's details (the server message, never the password).
    static func storeError(_ error: any Error, location: PostgresLocation) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PSQLError {
            var detail = "\(error.code)"
            if let message = error.serverInfo?[.message] { detail = message }
            if let state = error.serverInfo?[.sqlState] { detail += " (SQLSTATE \(state))" }
            if let underlying = error.underlying { detail += ": \(underlying)" }
            return .unavailable("\(location.redacted): \(detail)")
        }
        return .unavailable("\(location.redacted): \(error)")
    }
}

/// An error of the work ``PostgresGuideStore/serializing(users:_:)`` runs, carried past the store's mapping of
/// database failures.
private struct BodyError: Error, @unchecked Sendable {
    let error: any Error
}

/// One of two outcomes, whichever comes first: the work or the timer.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var timer: Task<Void, Never>?
        var done = false
    }

    private let state = Mutex(State())

    func begin(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func setTimer(_ timer: Task<Void, Never>) {
        let cancel = state.withLock { state -> Bool in
            if state.done { return true }
            state.timer = timer
            return false
        }
        if cancel { timer.cancel() }
    }

    /// Resumes the caller unless the other side did; returns whether this call did.
    @discardableResult
    func finish(with result: Result<T, any Error>) -> Bool {
        let (continuation, timer) = state.withLock {
            state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?) in
            guard !state.done else { return (nil, nil) }
            state.done = true
            defer {
                state.continuation = nil
                state.timer = nil
            }
            return (state.continuation, state.timer)
        }
        timer?.cancel()
        continuation?.resume(with: result)
        return continuation != nil
    }
}
