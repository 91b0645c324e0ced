import Foundation
import GuideKit
import Logging
import PostgresNIO

/// The store's SQL on one connection, shared by the pooled store and its transaction views.
package enum PostgresStatements {
    static let logger = Logger(label: "GuideKit.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    static let eventColumns = "sequence, id, user_id, time, type, guide, version, step, variant, name, line"

    static func user(_ id: String, on connection: PostgresConnection) async throws -> StoredUser? {
        let rows = try await connection.query(
            "SELECT state, applied_through FROM guidekit_user WHERE id = \(id)",
            logger: logger
        )
        for try await (state, through) in rows.decode((String, Double?).self) {
            return StoredUser(state: try UserStateCoding.decode(state, id: id), appliedThrough: through)
        }
        return nil
    }

    static func users(_ ids: [String], on connection: PostgresConnection) async throws -> [String: StoredUser] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            "SELECT id, state, applied_through FROM guidekit_user WHERE id = ANY(\(ids)::text[])",
            logger: logger
        )
        var found: [String: StoredUser] = [:]
        for try await (id, state, through) in rows.decode((String, String, Double?).self) {
            found[id] = StoredUser(state: try UserStateCoding.decode(state, id: id), appliedThrough: through)
        }
        return found
    }

    static func storedEventIDs(_ ids: [String], on connection: PostgresConnection) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT id FROM guidekit_event WHERE id = ANY(\(ids)::text[])",
            logger: logger
        )
        var found = Set<String>()
        for try await id in rows.decode(String.self) { found.insert(id) }
        return found
    }

    static func events(of user: String, limit: Int, on connection: PostgresConnection) async throws -> [StoredEvent] {
        try await collect(
            connection.query(
                PostgresQuery(
                    unsafeSQL:
                        "SELECT \(eventColumns) FROM guidekit_event WHERE user_id = $1 ORDER BY sequence LIMIT $2",
                    binds: try binds(user, Int64(limit))
                ),
                logger: logger
            )
        )
    }

    static func eventCount(of user: String, upTo limit: Int, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: "SELECT count(*) FROM (SELECT 1 FROM guidekit_event WHERE user_id = $1 LIMIT $2) AS e",
                binds: try binds(user, Int64(limit))
            ),
            logger: logger
        )
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    static func events(
        of user: String,
        at time: Double,
        limit: Int,
        on connection: PostgresConnection
    ) async throws -> [StoredEvent] {
        try await collect(
            connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT \(eventColumns) FROM guidekit_event WHERE user_id = $1 AND time = $2
                        ORDER BY sequence LIMIT $3
                        """,
                    binds: try binds(user, time, Int64(limit))
                ),
                logger: logger
            )
        )
    }

    static func events(
        after sequence: Int64,
        limit: Int,
        on connection: PostgresConnection
    ) async throws
        -> [StoredEvent]
    {
        try await collect(
            connection.query(
                PostgresQuery(
                    unsafeSQL:
                        "SELECT \(eventColumns) FROM guidekit_event WHERE sequence > $1 ORDER BY sequence LIMIT $2",
                    binds: try binds(sequence, Int64(limit))
                ),
                logger: logger
            )
        )
    }

    /// Inserts the events (in order, so their sequences follow it) and upserts the users.
    ///
    /// - Throws: ``StoreError/duplicateEvents(_:)`` after the insert when some ids were stored already; the
    ///   caller rolls back (a transaction or a savepoint) so that nothing of the change stays.
    static func write(_ change: StoreChange, on connection: PostgresConnection) async throws {
        if !change.events.isEmpty {
            var ids: [String] = []
            var users: [String] = []
            var times: [Double] = []
            var types: [String] = []
            var lines: [String] = []
            var optional: [String] = []
            for event in change.events {
                ids.append(event.id)
                users.append(event.user)
                times.append(event.time)
                types.append(event.type)
                lines.append(event.line)
                var fields: [String: Value] = [:]
                if let guide = event.guide { fields["g"] = .string(guide) }
                if let version = event.version { fields["v"] = .string(String(version)) }
                if let step = event.step { fields["s"] = .string(step) }
                if let variant = event.variant { fields["a"] = .string(variant) }
                if let name = event.name { fields["n"] = .string(name) }
                optional.append(Value.object(fields).rendered)
            }
            // The nullable columns travel as one small JSON object per event (postgres-nio has no arrays of
            // optionals); ORDER BY the ordinality assigns the sequences in the change's order.
            let rows = try await connection.query(
                """
                INSERT INTO guidekit_event (id, user_id, time, type, guide, version, step, variant, name, line)
                SELECT i.id, i.user_id, i.time, i.type, (i.o::jsonb)->>'g', ((i.o::jsonb)->>'v')::bigint,
                       (i.o::jsonb)->>'s', (i.o::jsonb)->>'a', (i.o::jsonb)->>'n', i.line
                FROM unnest(\(ids)::text[], \(users)::text[], \(times)::float8[], \(types)::text[],
                            \(lines)::text[], \(optional)::text[])
                     WITH ORDINALITY AS i(id, user_id, time, type, line, o, position)
                ORDER BY i.position
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """,
                logger: logger
            )
            var inserted = Set<String>()
            for try await id in rows.decode(String.self) { inserted.insert(id) }
            if inserted.count != ids.count {
                var seen = Set<String>()
                let duplicates = ids.filter { !inserted.contains($0) || !seen.insert($0).inserted }
                throw StoreError.duplicateEvents(duplicates)
            }
        }
        if !change.users.isEmpty {
            let ids = change.users.map(\.id)
            let states = change.users.map { UserStateCoding.encode($0.state) }
            // NaN stands for "no event applied yet" (NULL); PostgreSQL compares NaN equal to NaN.
            let through = change.users.map { $0.appliedThrough ?? .nan }
            try await connection.query(
                """
                INSERT INTO guidekit_user (id, state, applied_through)
                SELECT id, state, NULLIF(through, 'NaN'::float8)
                FROM unnest(\(ids)::text[], \(states)::text[], \(through)::float8[]) AS u(id, state, through)
                ON CONFLICT (id) DO UPDATE
                SET state = excluded.state, applied_through = excluded.applied_through, updated_at = now()
                """,
                logger: logger
            )
        }
    }

    static func deleteUser(_ id: String, on connection: PostgresConnection) async throws -> (events: Int, users: Int) {
        var events = 0
        var users = 0
        for try await count in try await connection.query(
            "WITH gone AS (DELETE FROM guidekit_event WHERE user_id = \(id) RETURNING 1) SELECT count(*) FROM gone",
            logger: logger
        ).decode(Int64.self) { events = Int(count) }
        for try await count in try await connection.query(
            "WITH gone AS (DELETE FROM guidekit_user WHERE id = \(id) RETURNING 1) SELECT count(*) FROM gone",
            logger: logger
        ).decode(Int64.self) { users = Int(count) }
        return (events, users)
    }

    static func ping(on connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT 1", logger: logger)
        for try await _ in rows {}
    }

    static func counts(on connection: PostgresConnection) async throws -> (users: Int, events: Int) {
        let rows = try await connection.query(
            "SELECT (SELECT count(*) FROM guidekit_user), (SELECT count(*) FROM guidekit_event)",
            logger: logger
        )
        for try await (users, events) in rows.decode((Int64, Int64).self) { return (Int(users), Int(events)) }
        return (0, 0)
    }

    /// Takes the transaction-scoped lock of each user, in one order (by key) so that two transactions never
    /// wait on each other.
    static func lockUsers(_ users: [String], on connection: PostgresConnection) async throws {
        let keys = Set(users.map(lockKey)).sorted()
        guard !keys.isEmpty else { return }
        // One round trip: the keys in ascending order, locked in that order (a function scan yields the
        // array's order; the planner evaluates the volatile lock after the ORDER BY).
        try await connection.query(
            """
            SELECT pg_advisory_xact_lock(key)
            FROM unnest(\(keys)::int8[]) WITH ORDINALITY AS k(key, position) ORDER BY position
            """,
            logger: logger
        )
    }

    /// A user's advisory lock key: FNV-1a over the id's UTF-8 bytes, as a signed 64-bit number.
    ///
    /// Two users
    /// sharing a key only wait on each other; they never mix their data.
    static func lockKey(_ user: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in user.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        // Keep clear of the migration lock's key space by clearing the top bit (keys ≥ 0).
        return Int64(bitPattern: hash & 0x7fff_ffff_ffff_ffff)
    }

    private static func binds(_ values: any PostgresEncodable & Sendable...) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { try bindings.append(value) }
        return bindings
    }

    private static func collect(_ rows: PostgresRowSequence) async throws -> [StoredEvent] {
        var events: [StoredEvent] = []
        for try await row in rows {
            let (sequence, id, user, time, type, guide, version, step, variant, name, line) = try row.decode(
                (Int64, String, String, Double, String, String?, Int64?, String?, String?, String?, String).self
            )
            events.append(
                StoredEvent(
                    sequence: sequence,
                    id: id,
                    user: user,
                    time: time,
                    type: type,
                    guide: guide,
                    version: version.map(Int.init),
                    step: step,
                    variant: variant,
                    name: name,
                    line: line
                )
            )
        }
        return events
    }
}
