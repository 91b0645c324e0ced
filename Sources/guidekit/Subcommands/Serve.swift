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
            GUIDEKIT_DATABASE, GUIDEKIT_HOST, GUIDEKIT_PORT, GUIDEKIT_ALLOW_ORIGIN, comma-separated); a flag \
            wins over the variable. The keys are read from the environment only, so they never show in a \
            process list: GUIDEKIT_PUBLIC_KEY (browsers), GUIDEKIT_SECRET_KEY (backends) and \
            GUIDEKIT_IDENTITY_SECRET (identity signatures). Without keys the server runs in development \
            mode on loopback only.

            Examples:
              guidekit serve
              GUIDEKIT_SECRET_KEY=… GUIDEKIT_PUBLIC_KEY=… guidekit serve --host 0.0.0.0 --allow-origin https://app.example.com
            """
    )

    @Option(help: "The guides folder (GUIDEKIT_GUIDES; default guides).")
    var guides: String?

    @Option(help: "The SQLite file, or :memory: (GUIDEKIT_DATABASE; default guidekit.sqlite).")
    var database: String?

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
        let databasePath = setting(database, "DATABASE") ?? "guidekit.sqlite"
        configuration.database = databasePath == ":memory:" ? .memory : .sqlite(path: databasePath)
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
}
