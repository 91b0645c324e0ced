import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The request context of the server's routes.
public typealias GuideKitRequestContext = BasicRequestContext

/// Builds the server: loads and lints the guides, opens the store, wires the routes, and adds the guide
/// reloader and the store's shutdown to the service group, as Hummingbird's examples do.
///
/// ```swift
/// let app = try await buildApplication(configuration)
/// try await app.runService()   // SIGTERM/SIGINT stop it gracefully
/// ```
///
/// - Parameters:
///   - configuration: the options.
///   - logger: the logger; a `GuideKit` one at `info` by default.
/// - Returns: the application.
/// - Throws: ``GuideLibraryError`` when the guides have errors, ``StoreError`` when the store cannot be
///   opened, ``ServerConfigurationError`` when the keys and address do not fit together.
public func buildApplication(
    _ configuration: ServerConfiguration,
    logger: Logger = Logger(label: "GuideKit")
) async throws -> some ApplicationProtocol {
    if configuration.isDevelopmentMode && !configuration.bindsLoopbackOnly {
        throw ServerConfigurationError(
            "no keys are set, so the server runs in development mode, which only binds to loopback; "
                + "set GUIDEKIT_SECRET_KEY (and GUIDEKIT_PUBLIC_KEY) to listen on \(configuration.host)"
        )
    }
    if configuration.demo && !configuration.isDevelopmentMode {
        throw ServerConfigurationError(
            "--demo serves a demo app whose users carry no key or signature, so it runs in development mode only; "
                + "unset GUIDEKIT_PUBLIC_KEY, GUIDEKIT_SECRET_KEY and GUIDEKIT_IDENTITY_SECRET"
        )
    }
    let library = try GuideLibrary(folder: configuration.guidesFolder, logger: logger)
    let store = try await openStore(
        configuration.database,
        userCacheCapacity: configuration.userCacheCapacity,
        logger: logger
    )
    let services = ServerServices(configuration: configuration, library: library, store: store, logger: logger)
    if configuration.isDevelopmentMode {
        logger.warning("development mode: no keys are set, every route is open; listening on loopback only")
    }
    let set = library.current
    logger.info(
        "serving \(set.compiled.guides.count) guides from \(configuration.guidesFolder) (version \(set.version), \(set.diagnostics.count) warnings)"
    )
    let app = Application(
        router: buildRouter(services),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "GuideKit"
        ),
        services: [
            GuideReloader(library: library, interval: configuration.reloadInterval, logger: logger),
            StoreCloser(store: store, logger: logger),
        ],
        logger: logger
    )
    return app
}

/// Builds the server and runs it until SIGTERM or SIGINT, then shuts down gracefully: the HTTP server stops
/// accepting and finishes its requests, then the store is closed.
///
/// - Parameters:
///   - configuration: the options.
///   - logger: the logger.
/// - Throws: what ``buildApplication(_:logger:)`` throws, and the server's failures (a port in use).
public func runServer(_ configuration: ServerConfiguration, logger: Logger) async throws {
    let app = try await buildApplication(configuration, logger: logger)
    try await app.runService()
}

/// Opens the store a configuration names, bringing its schema up to date.
///
/// - Parameters:
///   - database: the store.
///   - userCacheCapacity: how many users a SQLite store keeps decoded in memory.
///   - logger: where PostgreSQL's migrations are logged.
/// - Returns: the store.
/// - Throws: ``StoreError`` when it cannot be opened or reached.
public func openStore(
    _ database: ServerConfiguration.Database,
    userCacheCapacity: Int = SQLiteGuideStore.defaultCacheCapacity,
    logger: Logger
) async throws -> any GuideStore {
    switch database {
    case .memory: return MemoryGuideStore()
    case .sqlite(let path): return try SQLiteGuideStore(path: path, cacheCapacity: userCacheCapacity)
    case .postgres(let location):
        let store = try await PostgresGuideStore.open(location, logger: logger)
        logger.info(
            "store: \(location.redacted), schema version \(PostgresMigrations.latest), pool of \(location.poolSize)"
        )
        return store
    }
}

/// The router with every route and the middleware: one log line per request, CORS, and errors as JSON.
public func buildRouter(_ services: ServerServices) -> Router<GuideKitRequestContext> {
    let router = Router(context: GuideKitRequestContext.self)
    router.addMiddleware {
        RequestLogMiddleware(metrics: services.metrics)
        CORSPolicyMiddleware(allowedOrigins: services.configuration.allowedOrigins)
        ErrorMiddleware()
    }
    DecideController(services: services).addRoutes(to: router)
    EventsController(services: services).addRoutes(to: router)
    UsersController(services: services).addRoutes(to: router)
    ReportController(services: services).addRoutes(to: router)
    StatusController(services: services).addRoutes(to: router)
    WebController(services: services).addRoutes(to: router)
    return router
}

/// Closes the store after the HTTP server has finished its requests (services shut down in reverse order).
struct StoreCloser: Service {
    let store: any GuideStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        try await store.close()
        logger.info("store closed")
    }
}

/// The options do not fit together (keys, address).
public struct ServerConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var description: String

    init(_ description: String) { self.description = description }
}
