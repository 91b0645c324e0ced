import Foundation
import GRDB
import Synchronization

/// The default store: one SQLite file through GRDB's `DatabasePool` in WAL mode, so reads (decide, export)
/// never wait for a write, and each commit is synced to disk before it returns (`synchronous = FULL`).
///
/// ```swift
/// let store = try SQLiteGuideStore(path: "guidekit.sqlite")
/// ```
///
/// One server process owns the file, and claims it with an exclusive lock (a second writer is refused at start;
/// read-only readers are not) (``GuideStore/serializing(users:_:)`` relies on its per-user locks), so the
/// store keeps the users it read or wrote last in a bounded ``UserCache``: a `decide` for a user seen recently
/// reads nothing from the file. Every write goes through this store and updates the cache once committed.
/// Commits of concurrent requests are written in one transaction with one sync (``SQLiteCommitQueue``), each
/// change under its own savepoint, so one change's duplicate ids refuse that change only.
public final class SQLiteGuideStore: GuideStore {
    /// How many users the cache holds by default.
    public static let defaultCacheCapacity = 100_000

    private let pool: any DatabaseWriter
    private let cache: UserCache
    private let commits: SQLiteCommitQueue
    private let closed = Atomic<Bool>(false)
    /// The writer's claim on the file (`nil` for a read-only store).
    private let claim: SQLiteOwnerLock?

    /// Opens (or creates) the database file and brings its tables up to date.
    ///
    /// - Parameters:
    ///   - path: the file path.
    ///   - cacheCapacity: how many decoded users to keep in memory (0: none).
    /// - Throws: ``StoreError/unavailable(_:)`` when the file cannot be opened, is not a GuideKit store, or is in
    ///   use by another store (another `guidekit serve`).
    public convenience init(path: String, cacheCapacity: Int = SQLiteGuideStore.defaultCacheCapacity) throws {
        // Claimed before anything is read or migrated, so a second instance changes nothing.
        let claim = try SQLiteOwnerLock(path: path)
        let writer = try Self.open(path)
        self.init(writer: writer, cacheCapacity: cacheCapacity, claim: claim)
    }

    /// The file opened for writing, its tables up to date.
    private static func open(_ path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError.unavailable("\(path): \(error)")
        }
        return pool
    }

    // Every throwing step is done before this initializer runs (a throwing designated initializer of this class
    // crashed the optimizer, Swift 6.3.1, on the way out past the atomic flag).
    private init(writer: any DatabaseWriter, cacheCapacity: Int, claim: SQLiteOwnerLock? = nil) {
        pool = writer
        self.claim = claim
        cache = UserCache(capacity: cacheCapacity)
        commits = SQLiteCommitQueue(writer: writer, cache: cache)
    }

    /// Opens an existing store file for reading only, as `guidekit report --database` does: nothing is created,
    /// migrated or written, so a file that is not a GuideKit store is refused and left as it was.
    ///
    /// - Parameter path: the file path.
    /// - Throws: ``StoreError/unavailable(_:)`` when the file cannot be opened or has no GuideKit tables.
    public convenience init(readingFrom path: String) throws {
        self.init(writer: try Self.openForReading(path), cacheCapacity: 0)
    }

    /// The file opened read-only, once it is known to be a store.
    private static func openForReading(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let queue: DatabaseQueue
        let isStore: Bool
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            isStore = try queue.read { db in try db.tableExists("event") && db.tableExists("user") }
        } catch {
            throw StoreError.unavailable("\(path): \(error)")
        }
        guard isStore else {
            try? queue.close()
            throw StoreError.unavailable(
                "\(path) is not a guidekit serve store (it has no event and user tables); give the file serve --database uses"
            )
        }
        return queue
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        user TEXT NOT NULL,
                        time REAL NOT NULL,
                        type TEXT NOT NULL,
                        guide TEXT,
                        version INTEGER,
                        step TEXT,
                        variant TEXT,
                        name TEXT,
                        line TEXT NOT NULL
                    );
                    CREATE INDEX event_by_user ON event(user, sequence);
                    CREATE TABLE user (
                        id TEXT PRIMARY KEY NOT NULL,
                        state TEXT NOT NULL,
                        appliedThrough REAL
                    ) WITHOUT ROWID;
                    """
            )
        }
        // A user's events by time: the read of the events at one instant (a batch at the user's latest applied
        // instant) is a seek, where the index by sequence walked the user's whole history. It replaces that
        // index (one index per event still, 8 bytes more per entry); reads by user alone and counts use its prefix.
        migrator.registerMigration("v2 events by user and time") { db in
            try db.execute(
                sql: """
                    DROP INDEX event_by_user;
                    CREATE INDEX event_by_user_time ON event(user, time, sequence);
                    """
            )
        }
        return migrator
    }

    private func reading<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable("\(error)")
        }
    }

    /// A read on the calling thread (GRDB's synchronous read).
    private func readingHere<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// The stored user, or `nil`.
    public func user(_ id: String) async throws -> StoredUser? {
        guard !closed.load(ordering: .relaxed) else { throw StoreError.unavailable("the store is closed") }
        if let cached = cache.lookup(id) { return cached }
        return try readUser(id)
    }

    /// Reads one user missing from the cache, and caches it.
    private func readUser(_ id: String) throws -> StoredUser? {
        let epoch = cache.epoch
        // One row by its key, from the page cache or one page read: read on this thread, which costs less than
        // handing it to a reader's queue and back.
        let row: (state: String, through: Double?)?
        do {
            row = try readingHere { db in
                let statement = try db.cachedStatement(sql: "SELECT state, appliedThrough FROM user WHERE id = ?")
                return try Row.fetchOne(statement, arguments: [id])
                    .map { (state: $0["state"] as String, through: $0["appliedThrough"] as Double?) }
            }
        } catch {
            throw StoreError.unavailable("\(error)")
        }
        let user = try row.map {
            StoredUser(state: try UserStateCoding.decode($0.state, id: id), appliedThrough: $0.through)
        }
        cache.fill(id, user, since: epoch)
        return user
    }

    /// The stored users among `ids`: cached ones from memory, the others in one query.
    public func users(_ ids: [String]) async throws -> [String: StoredUser] {
        guard !closed.load(ordering: .relaxed) else { throw StoreError.unavailable("the store is closed") }
        var found: [String: StoredUser] = [:]
        var missing: [String] = []
        for id in Set(ids) {
            switch cache.lookup(id) {
            case .some(.some(let user)): found[id] = user
            case .some(.none): break
            case .none: missing.append(id)
            }
        }
        guard !missing.isEmpty else { return found }
        if missing.count == 1, let id = missing.first {
            // One user (a browser's batch): its row by key, on this thread.
            found[id] = try readUser(id)
            return found
        }
        let epoch = cache.epoch
        let wanted = missing
        let rows = try await reading { db in
            var rows: [(id: String, state: String, through: Double?)] = []
            for chunk in stride(from: 0, to: wanted.count, by: 500) {
                let part = Array(wanted[chunk..<min(chunk + 500, wanted.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                rows += try Row.fetchAll(
                    db,
                    sql: "SELECT id, state, appliedThrough FROM user WHERE id IN (\(marks))",
                    arguments: StatementArguments(part)
                )
                .map { (id: $0["id"], state: $0["state"], through: $0["appliedThrough"]) }
            }
            return rows
        }
        var read: [String: StoredUser] = [:]
        for row in rows {
            read[row.id] = StoredUser(
                state: try UserStateCoding.decode(row.state, id: row.id),
                appliedThrough: row.through
            )
        }
        for id in missing {
            cache.fill(id, read[id], since: epoch)
            found[id] = read[id]
        }
        return found
    }

    /// The ids among `ids` that are already stored.
    public func storedEventIDs(_ ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try await reading { db in
            var found = Set<String>()
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let part = Array(ids[chunk..<min(chunk + 500, ids.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                let rows = try String.fetchAll(
                    db,
                    sql: "SELECT id FROM event WHERE id IN (\(marks))",
                    arguments: StatementArguments(part)
                )
                found.formUnion(rows)
            }
            return found
        }
    }

    /// Every event of a user, in storage order.
    public func events(of user: String, limit: Int) async throws -> [StoredEvent] {
        try await reading { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM event WHERE user = ? ORDER BY sequence LIMIT ?",
                arguments: [user, limit]
            )
            .map(Self.event)
        }
    }

    /// How many events of a user are stored, up to `limit`: index entries counted, no row read.
    public func eventCount(of user: String, upTo limit: Int) async throws -> Int {
        try await reading { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM (SELECT 1 FROM event WHERE user = ? LIMIT ?)"),
                arguments: [user, limit]
            ) ?? 0
        }
    }

    /// The read of a user's events at one instant: a seek in `event_by_user_time`.
    static let eventsAtInstantSQL = "SELECT * FROM event WHERE user = ? AND time = ? ORDER BY sequence LIMIT ?"

    /// The events of a user at one instant, in storage order.
    ///
    /// The ingestor asks for them whenever a batch starts at the instant its user's progress was applied through
    /// (a burst of one event sent in several requests, a retry), one user after another: up to
    /// ``rowsReadHere`` rows are read on the calling thread, as ``user(_:)`` reads, which costs less than a
    /// reader's queue and back; a longer run of events at one instant is read there.
    public func events(of user: String, at time: Double, limit: Int) async throws -> [StoredEvent] {
        let sql = Self.eventsAtInstantSQL
        let first = min(limit, Self.rowsReadHere)
        let page: [StoredEvent]
        do {
            page = try readingHere { db in
                try Row.fetchAll(try db.cachedStatement(sql: sql), arguments: [user, time, first]).map(Self.event)
            }
        } catch {
            throw StoreError.unavailable("\(error)")
        }
        guard page.count == first, limit > first else { return page }
        return try await reading { db in
            try Row.fetchAll(try db.cachedStatement(sql: sql), arguments: [user, time, limit]).map(Self.event)
        }
    }

    /// The most events at one instant read on the calling thread.
    static let rowsReadHere = 500

    /// Appends the events and replaces the users in one transaction, or writes nothing; concurrent commits share
    /// one transaction and one sync.
    public func commit(_ change: StoreChange) async throws {
        guard !change.isEmpty else { return }
        try await commits.commit(change)
    }

    /// Up to `limit` events after `sequence`.
    public func events(after sequence: Int64, limit: Int) async throws -> [StoredEvent] {
        try await reading { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM event WHERE sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [sequence, limit]
            )
            .map(Self.event)
        }
    }

    /// Erases a user and their events.
    public func deleteUser(_ id: String) async throws -> (events: Int, users: Int) {
        let cache = self.cache
        do {
            return try await pool.writeWithoutTransaction { db in
                var counts = (events: 0, users: 0)
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "DELETE FROM event WHERE user = ?", arguments: [id])
                    counts.events = db.changesCount
                    try db.execute(sql: "DELETE FROM user WHERE id = ?", arguments: [id])
                    counts.users = db.changesCount
                    return .commit
                }
                // Committed: later reads must not see the user.
                cache.removed(id)
                return counts
            }
        } catch {
            throw StoreError.unavailable("\(error)")
        }
    }

    /// The number of stored users and events.
    public func counts() async throws -> (users: Int, events: Int) {
        try await reading { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM user") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0
            )
        }
    }

    /// Answers when the database is open and readable: one `SELECT 1` on a reader.
    public func ping() async throws {
        guard !closed.load(ordering: .relaxed) else { throw StoreError.unavailable("the store is closed") }
        try await reading { db in try db.execute(sql: "SELECT 1") }
    }

    /// Closes the database.
    public func close() async throws {
        closed.store(true, ordering: .relaxed)
        cache.clear()
        defer { claim?.release() }
        try pool.close()
    }

    private static func event(_ row: Row) -> StoredEvent {
        StoredEvent(
            sequence: row["sequence"],
            id: row["id"],
            user: row["user"],
            time: row["time"],
            type: row["type"],
            guide: row["guide"],
            version: row["version"],
            step: row["step"],
            variant: row["variant"],
            name: row["name"],
            line: row["line"]
        )
    }
}
