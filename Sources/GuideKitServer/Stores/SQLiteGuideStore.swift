import Foundation
import GRDB

/// The default store: one SQLite file through GRDB's `DatabasePool` in WAL mode, so reads (decide, export)
/// never wait for a write, and each commit is synced to disk before it returns (`synchronous = FULL`).
///
/// ```swift
/// let store = try SQLiteGuideStore(path: "guidekit.sqlite")
/// ```
public final class SQLiteGuideStore: GuideStore {
    private let pool: any DatabaseWriter

    /// Opens (or creates) the database file and brings its tables up to date.
    ///
    /// - Parameter path: the file path.
    /// - Throws: ``StoreError/unavailable(_:)`` when the file cannot be opened or is not a GuideKit store.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError.unavailable("\(path): \(error)")
        }
    }

    /// Opens an existing store file for reading only, as `guidekit report --database` does: nothing is created,
    /// migrated or written, so a file that is not a GuideKit store is refused and left as it was.
    ///
    /// - Parameter path: the file path.
    /// - Throws: ``StoreError/unavailable(_:)`` when the file cannot be opened or has no GuideKit tables.
    public init(readingFrom path: String) throws {
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
        pool = queue
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

    /// The stored user, or `nil`.
    public func user(_ id: String) async throws -> StoredUser? {
        let row = try await reading { db in
            try Row.fetchOne(db, sql: "SELECT state, appliedThrough FROM user WHERE id = ?", arguments: [id])
                .map { (state: $0["state"] as String, through: $0["appliedThrough"] as Double?) }
        }
        guard let row else { return nil }
        return StoredUser(state: try UserStateCoding.decode(row.state, id: id), appliedThrough: row.through)
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
    public func events(of user: String) async throws -> [StoredEvent] {
        try await reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE user = ? ORDER BY sequence", arguments: [user])
                .map(Self.event)
        }
    }

    /// Appends the events and replaces the users in one transaction, or writes nothing.
    public func commit(_ change: StoreChange) async throws {
        guard !change.isEmpty else { return }
        let states = change.users.map {
            (id: $0.id, state: UserStateCoding.encode($0.state), through: $0.appliedThrough)
        }
        do {
            try await pool.write { db in
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO event (id, user, time, type, guide, version, step, variant, name, line)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                        """
                )
                var duplicates: [String] = []
                for event in change.events {
                    try insert.execute(arguments: [
                        event.id, event.user, event.time, event.type, event.guide, event.version, event.step,
                        event.variant, event.name, event.line,
                    ])
                    if db.changesCount == 0 { duplicates.append(event.id) }
                }
                // Throwing rolls the transaction back: a change with a known id writes nothing.
                if !duplicates.isEmpty { throw StoreError.duplicateEvents(duplicates) }
                let upsert = try db.cachedStatement(
                    sql: """
                        INSERT INTO user (id, state, appliedThrough) VALUES (?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET state = excluded.state, appliedThrough = excluded.appliedThrough
                        """
                )
                for user in states { try upsert.execute(arguments: [user.id, user.state, user.through]) }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable("\(error)")
        }
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
        do {
            return try await pool.write { db in
                try db.execute(sql: "DELETE FROM event WHERE user = ?", arguments: [id])
                let events = db.changesCount
                try db.execute(sql: "DELETE FROM user WHERE id = ?", arguments: [id])
                return (events, db.changesCount)
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

    /// Closes the database.
    public func close() async throws {
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
