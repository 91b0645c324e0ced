import Foundation
import GRDB
import Testing

@testable import GuideKitServer

/// The SQLite store's index of a user's events by time, and its migration from the index by sequence.
@Suite("SQLite event index")
struct SQLiteIndexTests {
    @Test func theReadOfOneInstantSeeksTheUserAndTheTime() throws {
        let path = UserCacheTests.sqlitePath()
        _ = try SQLiteGuideStore(path: path)
        let queue = try DatabaseQueue(path: path)
        let plan = try queue.read { db in
            try Row.fetchAll(
                db,
                sql: "EXPLAIN QUERY PLAN " + SQLiteGuideStore.eventsAtInstantSQL,
                arguments: ["u", 1, 1]
            )
            .map { $0["detail"] as String }
        }
        // Before, the plan walked every entry of the user in `event_by_user (user=?)`.
        #expect(plan.contains { $0.contains("event_by_user_time (user=? AND time=?)") }, "\(plan)")
    }

    @Test func aFileOfTheFirstSchemaIsMigratedAndKeepsItsEvents() async throws {
        let path = UserCacheTests.sqlitePath()
        // The first schema as the first release wrote it, with GRDB's record of the migration.
        try await DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, user TEXT NOT NULL,
                        time REAL NOT NULL, type TEXT NOT NULL, guide TEXT, version INTEGER, step TEXT, variant TEXT,
                        name TEXT, line TEXT NOT NULL
                    );
                    CREATE INDEX event_by_user ON event(user, sequence);
                    CREATE TABLE user (id TEXT PRIMARY KEY NOT NULL, state TEXT NOT NULL, appliedThrough REAL)
                        WITHOUT ROWID;
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1');
                    INSERT INTO event (id, user, time, type, name, line)
                        VALUES ('a', 'u_1', 100, 'track', 'task_created', '{"id":"a"}'),
                               ('b', 'u_1', 100, 'track', 'task_created', '{"id":"b"}');
                    """
            )
        }
        let store = try SQLiteGuideStore(path: path)
        #expect(try await store.events(of: "u_1", at: 100, limit: 10).map(\.id) == ["a", "b"])
        try await store.close()
        let indexes = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'")
        }
        #expect(indexes.contains("event_by_user_time"))
        #expect(!indexes.contains("event_by_user"))
    }
}
