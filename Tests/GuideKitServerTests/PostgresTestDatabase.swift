import Foundation
import Logging
import PostgresNIO
import Testing

@testable import GuideKitServer

/// The PostgreSQL server the store tests use: `GUIDEKIT_TEST_POSTGRES_URL`.
///
/// `.ci/run` sets it to a throw-away cluster. Each test gets a database of its own, dropped at the end.
enum PostgresTestDatabase {
    /// The URL of a database the tests may create databases from, or `nil`.
    static let url: String? = ProcessInfo.processInfo.environment["GUIDEKIT_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }

    /// Whether the PostgreSQL tests run; when they do not, the reason is printed once.
    static let isConfigured: Bool = {
        if url == nil {
            print(
                "PostgreSQL store tests SKIPPED: GUIDEKIT_TEST_POSTGRES_URL is not set "
                    + "(.ci/run starts a throw-away cluster and sets it)"
            )
        }
        return url != nil
    }()

    /// The reason shown beside each skipped test.
    static let skipped: Comment =
        "GUIDEKIT_TEST_POSTGRES_URL is not set: the PostgreSQL store tests are skipped (.ci/run sets it)"

    /// A new, empty database on the test server.
    static func create() async throws -> PostgresLocation {
        let admin = try PostgresLocation(url: try #require(url))
        var location = admin
        location.database =
            "guidekit_test_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        location.timeout = 20
        try await run("CREATE DATABASE \(location.database)", on: admin)
        return location
    }

    /// Drops a database made by ``create()`` (its stores must be closed).
    static func drop(_ location: PostgresLocation) async throws {
        let admin = try PostgresLocation(url: try #require(url))
        try await run("DROP DATABASE IF EXISTS \(location.database) WITH (FORCE)", on: admin)
    }

    /// Runs a test on a fresh database with one store, then closes the store and drops the database.
    static func withStore(_ body: (PostgresGuideStore) async throws -> Void) async throws {
        let location = try await create()
        let store = try await PostgresGuideStore.open(location)
        do {
            try await body(store)
        } catch {
            try await store.close()
            try await drop(location)
            throw error
        }
        try await store.close()
        try await drop(location)
    }

    /// A connection of its own to the location's database (the caller closes it).
    static func connect(_ location: PostgresLocation) async throws -> PostgresConnection {
        let configuration = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: .disable
        )
        return try await PostgresConnection.connect(
            configuration: configuration,
            id: 1,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    private static func run(_ sql: String, on location: PostgresLocation) async throws {
        let connection = try await connect(location)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresStatements.logger)
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()
    }
}

extension PostgresTestDatabase {
    /// Terminates every connection to a database, as a restart of the server does.
    static func terminateConnections(to database: String) async throws {
        let admin = try PostgresLocation(url: try #require(url))
        try await run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()",
            on: admin
        )
    }
}

extension PostgresTestDatabase {
    /// The test server's URL with another database in its path.
    static func url(of location: PostgresLocation) throws -> String {
        let text = try #require(url)
        var components = try #require(URLComponents(string: text))
        components.path = "/\(location.database)"
        return try #require(components.string)
    }
}
