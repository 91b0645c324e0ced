import ArgumentParser
import Foundation
import GuideKitServer
import Logging

/// `guidekit serve`: the HTTP runtime that tells a web app which guide to show and records what users did.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the guides over HTTP: decide, events, users, export and report, with hot reload.",
        discussion: """
            Every option can also be set with its GUIDEKIT_* environment variable (GUIDEKIT_GUIDES, \
            GUIDEKIT_DATABASE or GUIDEKIT_DATABASE_URL, GUIDEKIT_DATABASE_POOL_SIZE, GUIDEKIT_DATABASE_TIMEOUT, \
            GUIDEKIT_HOST, GUIDEKIT_PORT, GUIDEKIT_ALLOW_ORIGIN, comma-separated); a flag \
            wins over the variable. The keys are read from the environment only, so they never show in a \
            process list: GUIDEKIT_PUBLIC_KEY (browsers), GUIDEKIT_SECRET_KEY (backends) and \
            GUIDEKIT_IDENTITY_SECRET (identity signatures). Without keys the server runs in development \
            mode on loopback only.

            Examples:
              guidekit serve
              GUIDEKIT_SECRET_KEY=… GUIDEKIT_PUBLIC_KEY=… guidekit serve --host 0.0.0.0 --allow-origin https://app.example.com
              guidekit serve --database postgres://guidekit:secret@db.internal:5432/guidekit --port 8081
              guidekit serve --database postgres://guidekit:secret@db.internal/guidekit --migrate-only
            """
    )

    @Option(help: "The guides folder (GUIDEKIT_GUIDES; default guides).")
    var guides: String?

    @Option(
        help: """
            A SQLite file, :memory:, or postgres://user:password@host:port/database for several servers on one \
            database (GUIDEKIT_DATABASE_URL or GUIDEKIT_DATABASE; default guidekit.sqlite).
            """
    )
    var database: String?

    @Option(help: "PostgreSQL: the most connections this server opens (GUIDEKIT_DATABASE_POOL_SIZE; default 10).")
    var databasePoolSize: Int?

    @Option(
        help: """
            PostgreSQL: seconds an operation may wait for the database before the request gets a 503 \
            (GUIDEKIT_DATABASE_TIMEOUT; default 10).
            """
    )
    var databaseTimeout: Double?

    @Flag(help: "Bring the database schema up to date, print what was applied, and exit (for deploy pipelines).")
    var migrateOnly = false

    @Option(help: "The address to bind (GUIDEKIT_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "The port (GUIDEKIT_PORT; default 8080; 0 picks a free one).")
    var port: Int?

    @Option(
        name: .customLong("allow-origin"),
        help: "A browser origin allowed to call the API, or * (repeatable; GUIDEKIT_ALLOW_ORIGIN)."
    )
    var allowOrigins: [String] = []

    @Option(
        help: "Seconds between checks of the guides folder for changes; 0 = SIGHUP only (GUIDEKIT_RELOAD_INTERVAL)."
    )
    var reloadInterval: Double?

    @Option(
        help: """
            SQLite: how many users to keep decoded in memory for decide; 0 = none (GUIDEKIT_USER_CACHE; default \
            \(SQLiteGuideStore.defaultCacheCapacity)).
            """
    )
    var userCache: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error (GUIDEKIT_LOG_LEVEL; default info).")
    var logLevel: String?

    @Flag(help: "Also serve the \"Acme Projects\" demo app, which loads the web SDK (development mode only).")
    var demo = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ flag: String?, _ name: String) -> String? {
            flag ?? environment["GUIDEKIT_\(name)"].flatMap { $0.isEmpty ? nil : $0 }
        }
        var configuration = ServerConfiguration()
        configuration.guidesFolder = setting(guides, "GUIDES") ?? "guides"
        let databasePath = database ?? setting(nil, "DATABASE_URL") ?? setting(nil, "DATABASE") ?? "guidekit.sqlite"
        if PostgresLocation.isURL(databasePath) {
            var location: PostgresLocation
            do {
                location = try PostgresLocation(url: databasePath)
            } catch {
                throw ValidationError(
                    "--database: \(error.description.replacingOccurrences(of: "the store is unavailable: ", with: ""))"
                )
            }
            if let text = setting(databasePoolSize.map(String.init), "DATABASE_POOL_SIZE") {
                guard let value = Int(text), (1...1_000).contains(value) else {
                    throw ValidationError("database pool size '\(text)' is not a number from 1 to 1000")
                }
                location.poolSize = value
            }
            if let text = setting(databaseTimeout.map { String($0) }, "DATABASE_TIMEOUT") {
                guard let value = Double(text), value > 0, value <= 3_600 else {
                    throw ValidationError("database timeout '\(text)' is not a number of seconds from 0 to 3600")
                }
                location.timeout = value
            }
            configuration.database = .postgres(location)
        } else {
            if databasePoolSize != nil || databaseTimeout != nil {
                throw ValidationError(
                    "--database-pool-size and --database-timeout apply to a postgres:// database, not '\(databasePath)'"
                )
            }
            configuration.database = databasePath == ":memory:" ? .memory : .sqlite(path: databasePath)
        }
        configuration.host = setting(host, "HOST") ?? "127.0.0.1"
        if let text = setting(port.map(String.init), "PORT") {
            guard let value = Int(text), (0...65_535).contains(value) else {
                throw ValidationError("port '\(text)' is not a number from 0 to 65535")
            }
            configuration.port = value
        }
        configuration.allowedOrigins =
            allowOrigins.isEmpty
            ? (environment["GUIDEKIT_ALLOW_ORIGIN"] ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            .filter { !$0.isEmpty } : allowOrigins
        if let text = setting(reloadInterval.map { String($0) }, "RELOAD_INTERVAL") {
            guard let value = Double(text), value >= 0 else {
                throw ValidationError("reload interval '\(text)' is not a number of seconds ≥ 0")
            }
            configuration.reloadInterval = value
        }
        if let text = setting(userCache.map(String.init), "USER_CACHE") {
            guard let value = Int(text), value >= 0 else {
                throw ValidationError("user cache '\(text)' is not a number of users ≥ 0")
            }
            configuration.userCacheCapacity = value
        }
        configuration.publicKey = environment["GUIDEKIT_PUBLIC_KEY"]
        configuration.secretKey = environment["GUIDEKIT_SECRET_KEY"]
        configuration.identitySecret = environment["GUIDEKIT_IDENTITY_SECRET"]
        var logger = Logger(label: "GuideKit")
        let level = setting(logLevel, "LOG_LEVEL") ?? "info"
        guard let parsed = Logger.Level(rawValue: level) else {
            throw ValidationError("log level '\(level)' is not trace, debug, info, notice, warning, error or critical")
        }
        logger.logLevel = parsed
        configuration.demo = demo
        if migrateOnly {
            try await migrate(configuration.database, logger: logger)
            return
        }
        if demo {
            logger.notice("demo app: open http://\(configuration.host):\(configuration.port)/home in a browser")
        }
        do {
            try await runServer(configuration, logger: logger)
        } catch let error as GuideLibraryError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(1)
        } catch let error as ServerConfigurationError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(64)
        } catch let error as StoreError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// `--migrate-only`: opens the store (which applies what is missing), says what it did, and closes it.
    private func migrate(_ database: ServerConfiguration.Database, logger: Logger) async throws {
        do {
            let store = try await openStore(database, logger: logger)
            var line: String
            switch database {
            case .postgres(let location):
                let applied = (store as? PostgresGuideStore)?.appliedMigrations ?? []
                line =
                    applied.isEmpty
                    ? "\(location.redacted): schema up to date (version \(PostgresMigrations.latest))"
                    : "\(location.redacted): applied migration(s) \(applied.map(String.init).joined(separator: ", ")); "
                        + "schema version \(PostgresMigrations.latest)"
            case .sqlite(let path): line = "\(path): schema up to date"
            case .memory: line = ":memory: needs no migration"
            }
            try await store.close()
            print(line)
        } catch let error as StoreError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
