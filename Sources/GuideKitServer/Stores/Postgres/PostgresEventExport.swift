import GuideKit
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The stored events of a PostgreSQL store, streamed with `COPY … TO STDOUT` for a report: the report reads
/// the rows as the database sends them, instead of a whole export gathered in memory first.
///
/// ```swift
/// let export = try await PostgresEventExport.open(location)
/// let report = try DropOffReport(reading: [.stream(export.stream)], book: book)
/// try await export.close()
/// ```
///
/// It opens a connection of its own (not one of the store's pool) through postgres-nio, which does the
/// start-up, TLS as the URL's `sslmode` says and the authentication (trust, password, MD5, SCRAM-SHA-256).
/// postgres-nio 1.33.2 has no `COPY … TO STDOUT`, so the connection is opened on a channel this type makes,
/// and each COPY runs in a handler put in that channel's pipeline for as long as it lasts
/// (``PostgresCopyOutHandler``). Nothing is created or written: opening refuses a database without the
/// store's tables, then begins a read-only `REPEATABLE READ` transaction, so that every reading of the
/// stream (the report's main pass, and the goal pass some reports make) sees the same events.
package final class PostgresEventExport: Sendable {
    /// The database.
    package let location: PostgresLocation
    private let connection: PostgresConnection
    private let channel: any Channel

    private init(location: PostgresLocation, connection: PostgresConnection, channel: any Channel) {
        self.location = location
        self.connection = connection
        self.channel = channel
    }

    /// Connects, checks that the database holds a GuideKit store, and begins the snapshot.
    ///
    /// - Parameter location: the database; its timeout bounds the connection and each wait for rows.
    /// - Returns: the export, ready to stream.
    /// - Throws: ``StoreError/unavailable(_:)`` naming the database (never its password) and the cause: it
    ///   cannot be reached, refuses the login, or has no GuideKit tables.
    package static func open(_ location: PostgresLocation) async throws -> PostgresEventExport {
        let channel: any Channel
        do {
            channel = try await PostgresGuideStore.timed(location.timeout, location: location) {
                try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.milliseconds(Int64(location.timeout * 1_000)))
                    .connect(host: location.host, port: location.port)
                    .get()
            }
        } catch {
            throw PostgresGuideStore.storeError(error, location: location)
        }
        let connection: PostgresConnection
        do {
            connection = try await PostgresGuideStore.timed(location.timeout, location: location) {
                try await PostgresConnection.connect(
                    on: channel.eventLoop,
                    configuration: try configuration(location, channel: channel),
                    id: 1,
                    logger: PostgresStatements.logger
                ).get()
            }
        } catch {
            channel.close(promise: nil)
            throw PostgresGuideStore.storeError(error, location: location)
        }
        let export = PostgresEventExport(location: location, connection: connection, channel: channel)
        do {
            try await PostgresGuideStore.timed(location.timeout, location: location) {
                try await export.checkSchemaAndBegin()
            }
            return export
        } catch {
            await export.close()
            throw PostgresGuideStore.storeError(error, location: location)
        }
    }

    /// The stored events as the stream of JSON Lines `GET /v1/events/export` writes, named as the export is
    /// saved (``StoreExport/inputName``).
    package var stream: EventStream {
        EventStream(name: StoreExport.inputName, format: .jsonLines) { [self] selection in
            copy(selection)
        }
    }

    /// Starts a COPY of the lines `selection` needs, in storage order; callable from any thread but the
    /// connection's event loop, one at a time (each read to its end before the next).
    func copy(_ selection: EventStream.Selection) -> PostgresCopyOutStream {
        let filter = selection == .goalEvents ? " WHERE type IN ('track', 'exposure')" : ""
        let query =
            "COPY (SELECT line FROM guidekit_event\(filter) ORDER BY sequence) "
            + "TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')"
        let stream = PostgresCopyOutStream(location: location, idleTimeout: location.timeout)
        let location = self.location
        let channel = self.channel
        channel.eventLoop.execute {
            let handler = PostgresCopyOutHandler(query: query, stream: stream, location: location)
            let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
            stream.onResume { channel.eventLoop.execute { bound.value.resume() } }
            do {
                // Below postgres-nio's handler: after TLS when there is TLS, else first.
                let operations = channel.pipeline.syncOperations
                if let tls = try? operations.handler(type: NIOSSLClientHandler.self) {
                    try operations.addHandler(handler, position: .after(tls))
                } else {
                    try operations.addHandler(handler, position: .first)
                }
            } catch {
                stream.fail(.unavailable("\(location.redacted): the export could not begin: \(error)"))
            }
        }
        return stream
    }

    /// Ends the snapshot and closes the connection.
    package func close() async {
        do {
            try await connection.close()
        } catch {
            channel.close(promise: nil)
        }
    }

    /// Refuses a database without the store's tables or with a newer schema, then begins the snapshot.
    private func checkSchemaAndBegin() async throws {
        let logger = PostgresStatements.logger
        var hasEvents = false
        var hasMigrations = false
        for try await (events, migrations) in try await connection.query(
            "SELECT to_regclass('guidekit_event') IS NOT NULL, to_regclass('guidekit_migrations') IS NOT NULL",
            logger: logger
        ).decode((Bool, Bool).self) {
            hasEvents = events
            hasMigrations = migrations
        }
        guard hasEvents, hasMigrations else {
            throw StoreError.unavailable(
                "\(location.redacted) is not a guidekit serve store (it has no guidekit_event and guidekit_migrations "
                    + "tables); give the database serve --database uses (guidekit serve --migrate-only creates them)"
            )
        }
        var newest = 0
        for try await version in try await connection.query(
            "SELECT coalesce(max(version), 0) FROM guidekit_migrations",
            logger: logger
        ).decode(Int32.self) { newest = Int(version) }
        if newest > PostgresMigrations.latest {
            throw StoreError.unavailable(
                "\(location.redacted) is at schema version \(newest), newer than this guidekit knows "
                    + "(\(PostgresMigrations.latest)); upgrade guidekit"
            )
        }
        try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
    }

    private static func configuration(
        _ location: PostgresLocation,
        channel: any Channel
    ) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            establishedChannel: channel,
            tls: tls,
            username: location.username,
            password: location.password,
            database: location.database
        )
        configuration.options.connectTimeout = .milliseconds(Int64(location.timeout * 1_000))
        // As for a connection postgres-nio makes itself: the host name for SNI and the certificate's check,
        // unless it is an address.
        if (try? SocketAddress(ipAddress: location.host, port: 0)) == nil {
            configuration.options.tlsServerName = location.host
        }
        return configuration
    }
}
