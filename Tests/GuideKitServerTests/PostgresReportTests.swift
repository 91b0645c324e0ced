import Foundation
import GuideKit
import Logging
import PostgresNIO
import Testing

@testable import GuideKitServer

/// Reports of a PostgreSQL store: the events streamed with `COPY … TO STDOUT` (``PostgresEventExport``) are the
/// stored lines byte for byte, the database is only read, logins with a password work, and a database that
/// goes away mid-COPY fails the read instead of ending it early.
@Suite("PostgreSQL reports", .enabled(if: PostgresTestDatabase.isConfigured, PostgresTestDatabase.skipped))
struct PostgresReportTests {
    /// Every byte a reading of the stream gives, to its end.
    static func readAll(_ source: any EventByteSource) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1_000)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    /// Lines with what CSV would quote (the COPY's delimiter and quote bytes, line breaks, an empty line)
    /// come out as they were stored, and the goal pass gets the product events and exposures in order.
    @Test func theStreamIsTheStoredLinesByteForByte() async throws {
        try await PostgresTestDatabase.withStore { store in
            let lines = [
                #"{"type":"guide_started","user":"u_1","note":"a, \"quoted\" \\ é"}"#,
                "delimiter \u{01} and quote \u{02}\u{02} bytes",
                "\u{02}begins with the quote",
                "a line\nbreak and a\r\nCRLF",
                "",
                #"{"type":"track","event":"project_created","user":"u_1"}"#,
                #"{"type":"exposure","guide":"welcome-tour","user":"u_1"}"#,
            ]
            let types = [
                "guide_started", "step_viewed", "step_viewed", "step_viewed", "step_viewed", "track", "exposure",
            ]
            let events = lines.indices.map { index in
                StoredEvent(
                    id: "e\(index)",
                    user: "u_1",
                    time: Double(index),
                    type: types[index],
                    guide: "welcome-tour",
                    line: lines[index]
                )
            }
            try await store.commit(StoreChange(events: events))
            let export = try await PostgresEventExport.open(store.location)
            let all = try Self.readAll(export.stream.open(.all))
            #expect(all == Array(lines.map { $0 + "\n" }.joined().utf8))
            let goals = try Self.readAll(export.stream.open(.goalEvents))
            #expect(String(decoding: goals, as: UTF8.self) == lines[5] + "\n" + lines[6] + "\n")
            // The snapshot: events stored after the export began are not in a later reading of it.
            try await store.commit(StoreChange(events: [StoreConformanceTests.event("late")]))
            #expect(try Self.readAll(export.stream.open(.all)) == all)
            await export.close()
        }
    }

    /// `guidekit report --database postgres://…` on a database without GuideKit's tables: refused with a
    /// message naming the fix, and nothing is created (it used to run the migrations).
    @Test func aDatabaseWithoutTheStoresTablesIsRefusedAndLeftAsItWas() async throws {
        let location = try await PostgresTestDatabase.create()
        let error = await #expect(throws: StoreError.self) { try await PostgresEventExport.open(location) }
        #expect(error?.description.contains("is not a guidekit serve store") == true, "\(String(describing: error))")
        let run = try Self.guidekit([
            "report", "--database", try PostgresTestDatabase.url(of: location), "--guides", ServerHarness.guidesFolder,
        ])
        #expect(run.status == 74, "\(run.error)")
        #expect(run.error.contains("is not a guidekit serve store"), "\(run.error)")
        #expect(try await PostgresTestDatabase.tables(in: location).isEmpty)
        try await PostgresTestDatabase.drop(location)
    }

    /// Logins with a password (SCRAM-SHA-256, PostgreSQL 15's default; MD5; cleartext) read the store, and a
    /// wrong password is a clear error that names the database, never the password.
    ///
    /// `.ci/run` makes the test cluster ask these roles for their passwords and sets
    /// `GUIDEKIT_TEST_POSTGRES_PASSWORD_AUTH`.
    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment["GUIDEKIT_TEST_POSTGRES_PASSWORD_AUTH"] == "1",
            "GUIDEKIT_TEST_POSTGRES_PASSWORD_AUTH is not set: the cluster's pg_hba.conf trusts every role (.ci/run sets it)"
        ),
        arguments: [("guidekit_scram", "scram-sha-256"), ("guidekit_md5", "md5"), ("guidekit_password", "password")]
    )
    func passwordLoginsReadTheStore(role: String, method: String) async throws {
        try await PostgresTestDatabase.withStore { store in
            let rule = try await PostgresTestDatabase.query(
                "SELECT auth_method FROM pg_hba_file_rules WHERE '\(role)' = ANY(user_name) AND type = 'host'",
                on: store.location
            )
            #expect(rule == [method], "pg_hba.conf must ask \(role) for a password with \(method)")
            let encryption = method == "md5" ? "md5" : "scram-sha-256"
            _ = try await PostgresTestDatabase.query(
                """
                DO $$ BEGIN
                  SET LOCAL password_encryption = '\(encryption)';
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(role)') THEN
                    CREATE ROLE \(role) LOGIN PASSWORD 'pa:ss w0rd';
                  ELSE
                    ALTER ROLE \(role) PASSWORD 'pa:ss w0rd';
                  END IF;
                END $$
                """,
                on: store.location
            )
            _ = try await PostgresTestDatabase.query(
                "GRANT SELECT ON guidekit_event, guidekit_migrations TO \(role)",
                on: store.location
            )
            try await store.commit(StoreChange(events: [StoreConformanceTests.event("a")]))
            var login = store.location
            login.username = role
            login.password = "pa:ss w0rd"
            let export = try await PostgresEventExport.open(login)
            #expect(try Self.readAll(export.stream.open(.all)) == Array(#"{"id":"a"}"#.utf8) + [0x0A])
            await export.close()
            login.password = "hunter2"
            let error = await #expect(throws: StoreError.self) { try await PostgresEventExport.open(login) }
            let text = error?.description ?? ""
            #expect(text.contains("\(role):***@") && text.contains(login.database), "\(text)")
            #expect(text.contains("password authentication failed"), "\(text)")
            #expect(!text.contains("hunter2"))
        }
    }

    /// The database ends the COPY's connection while the report reads (a restart, a fail-over): the next read
    /// throws the database's reason instead of ending the stream, so no report is made of part of the events.
    ///
    /// Meanwhile the reader's queue stays bounded while the reader does not read.
    @Test func theDatabaseGoingAwayMidCopyFailsTheRead() async throws {
        try await PostgresTestDatabase.withStore { store in
            _ = try await PostgresTestDatabase.query(
                """
                INSERT INTO guidekit_event (id, user_id, time, type, line)
                SELECT 'e' || g, 'u' || (g % 100), g, 'step_viewed', repeat('x', 500) FROM generate_series(1, 60000) g
                """,
                on: store.location
            )
            let total = 60_000 * 501
            let export = try await PostgresEventExport.open(store.location)
            let stream = export.copy(.all)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            var read = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            try await Task.sleep(for: .milliseconds(500))
            #expect(stream.queuedBytes <= PostgresCopyOutStream.highWater + (1 << 20))
            let ended = try await PostgresTestDatabase.query(
                """
                SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
                WHERE datname = current_database() AND query LIKE 'COPY (SELECT line%'
                """,
                on: store.location
            )
            #expect(ended == ["true"])
            let error = #expect(throws: StoreError.self) {
                while true {
                    let count = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
                    if count == 0 { break }
                    read += count
                }
            }
            let text = error?.description ?? ""
            #expect(
                text.contains("terminating connection") || text.contains("closed the connection"),
                "\(text)"
            )
            #expect(read < total)
            await export.close()
        }
    }

    /// `GET /v1/report` when the database cannot be read answers 503 with the API's error, not a report.
    @Test func aReportOfADatabaseThatIsGoneIs503() async throws {
        let location = try await PostgresTestDatabase.create()
        let store = try await PostgresGuideStore.open(location)
        let harness = try ServerHarness(store: store)
        try await PostgresTestDatabase.drop(location)
        try await harness.test { client in
            let reply = try await client.send(.get, "/v1/report?format=json")
            #expect(reply.status == 503)
            #expect(reply.errorCode == "unavailable", "\(reply.text)")
        }
        try await store.close()
    }

    /// Runs the built `guidekit` and returns its exit status and standard error.
    static func guidekit(_ arguments: [String]) throws -> (status: Int32, error: String) {
        let binary = ServerHarness.repository.appendingPathComponent(".build/debug/guidekit")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension PostgresTestDatabase {
    /// The tables in a database's public schema.
    static func tables(in location: PostgresLocation) async throws -> [String] {
        try await query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'", on: location)
    }

    /// Runs one statement as the test server's user on `location`'s database; the first column of each row.
    @discardableResult
    static func query(_ sql: String, on location: PostgresLocation) async throws -> [String] {
        let admin = try PostgresLocation(url: try #require(url))
        let configuration = PostgresConnection.Configuration(
            host: admin.host,
            port: admin.port,
            username: admin.username,
            password: admin.password,
            database: location.database,
            tls: .disable
        )
        let connection = try await PostgresConnection.connect(
            configuration: configuration,
            id: 1,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        do {
            var values: [String] = []
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: sql),
                logger: PostgresStatements.logger
            ) {
                values.append((try? row.decode(String?.self)).flatMap { $0 } ?? "")
            }
            try await connection.close()
            return values
        } catch {
            try await connection.close()
            throw error
        }
    }
}
