import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered migrations kept in the repository and applied in order at start.
///
/// Each migration runs in its own transaction and is recorded in `guidekit_migrations`; the whole run holds
/// a session advisory lock, so two servers starting together apply each migration once (the second waits,
/// then finds nothing left to do). Migrations are append-only: a released one is never edited, a change is
/// a new one.
package enum PostgresMigrations {
    /// One schema change.
    package struct Migration: Sendable {
        /// Its number, from 1, in the order they apply.
        package var version: Int
        /// A short name for the log and the table.
        package var name: String
        /// The statements, run in order in one transaction.
        package var statements: [String]
    }

    /// The advisory lock key the run holds (a negative number, so it never meets a user's key).
    static let lockKey: Int64 = -0x4775_6964_654b_6974  // "GuideKit"

    /// Every migration, oldest first.
    package static let all: [Migration] = [
        Migration(
            version: 1,
            name: "events and users",
            statements: [
                """
                CREATE TABLE guidekit_event (
                    sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id text NOT NULL UNIQUE,
                    user_id text NOT NULL,
                    time double precision NOT NULL,
                    type text NOT NULL,
                    guide text,
                    version bigint,
                    step text,
                    variant text,
                    name text,
                    line text NOT NULL
                )
                """,
                "CREATE INDEX guidekit_event_by_user ON guidekit_event (user_id, sequence)",
                """
                CREATE TABLE guidekit_user (
                    id text PRIMARY KEY,
                    state text NOT NULL,
                    applied_through double precision,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
            ]
        ),
        // A user's events by time: the read of the events at one instant (a batch at the user's latest applied
        // instant) is a seek, where the index by sequence walked the user's whole history. It replaces that
        // index; reads by user alone and counts use its prefix. (Built in the migration's transaction: writes to
        // the events wait while a large table is indexed.)
        Migration(
            version: 2,
            name: "events by user and time",
            statements: [
                "DROP INDEX guidekit_event_by_user",
                "CREATE INDEX guidekit_event_by_user_time ON guidekit_event (user_id, time, sequence)",
            ]
        ),
    ]

    /// The latest version.
    package static var latest: Int { all.last?.version ?? 0 }

    /// Applies the migrations the database lacks, under the advisory lock.
    ///
    /// - Returns: the versions applied now (empty when the database was up to date).
    package static func apply(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        let quiet = PostgresStatements.logger
        try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: quiet)
        do {
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS guidekit_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: quiet
            )
            var done = Set<Int>()
            for try await version in try await connection.query(
                "SELECT version FROM guidekit_migrations",
                logger: quiet
            ).decode(Int32.self) { done.insert(Int(version)) }
            if let newest = done.max(), newest > latest {
                throw StoreError.unavailable(
                    "the database is at schema version \(newest), newer than this guidekit knows (\(latest)); "
                        + "upgrade guidekit"
                )
            }
            var applied: [Int] = []
            for migration in all where !done.contains(migration.version) {
                try await connection.query("BEGIN", logger: quiet)
                do {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: quiet)
                    }
                    let version = Int32(migration.version)
                    try await connection.query(
                        "INSERT INTO guidekit_migrations (version, name) VALUES (\(version), \(migration.name))",
                        logger: quiet
                    )
                    try await connection.query("COMMIT", logger: quiet)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: quiet)
                    throw error
                }
                logger.info("database: applied migration \(migration.version) (\(migration.name))")
                applied.append(migration.version)
            }
            try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: quiet)
            return applied
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: quiet)
            throw error
        }
    }
}
