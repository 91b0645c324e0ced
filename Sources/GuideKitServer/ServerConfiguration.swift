import Foundation

/// Everything `guidekit serve` is told: where the guides and the store are, where to listen, the keys and
/// the browser origins it answers.
///
/// The command fills it from flags and `GUIDEKIT_*` environment variables; tests build one by hand.
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.guidesFolder = "guides"
/// configuration.database = .sqlite(path: "guidekit.sqlite")
/// let app = try await buildApplication(configuration)
/// try await app.runService()
/// ```
public struct ServerConfiguration: Sendable {
    /// Where events, users and progress are kept.
    public enum Database: Sendable, Hashable {
        /// In memory, lost when the process ends (tests, previews).
        case memory
        /// A SQLite file in WAL mode, created when missing.
        case sqlite(path: String)
        /// A PostgreSQL database shared by several servers (``PostgresGuideStore``).
        case postgres(PostgresLocation)
    }

    /// The guides folder (with its `guidekit.yaml`).
    public var guidesFolder = "guides"
    /// The store.
    public var database = Database.sqlite(path: "guidekit.sqlite")
    /// The address to bind.
    public var host = "127.0.0.1"
    /// The port to bind; 0 picks a free one.
    public var port = 8080
    /// The browser's key (`GUIDEKIT_PUBLIC_KEY`): decide, events and identify for one user.
    public var publicKey: String?
    /// The backend's key (`GUIDEKIT_SECRET_KEY`): every route.
    public var secretKey: String?
    /// The identity verification secret (`GUIDEKIT_IDENTITY_SECRET`): public-key requests then need
    /// `HMAC-SHA256(secret, user id)` in hex.
    public var identitySecret: String?
    /// Origins whose pages may call the API from a browser (`*` for any).
    public var allowedOrigins: [String] = []
    /// How often the guides folder is checked for changes, in seconds; 0 turns watching off (SIGHUP still
    /// reloads).
    public var reloadInterval: Double = 2
    /// How many users a SQLite store keeps decoded in memory for `decide` (0: none); PostgreSQL keeps none, as
    /// other servers write the same users.
    public var userCacheCapacity = SQLiteGuideStore.defaultCacheCapacity
    /// The clock decisions and exposures use (the system clock unless a test fixes it).
    public var clock: @Sendable () -> Date = { Date() }

    /// Whether to serve the "Acme Projects" demo app on its page paths (development mode only).
    public var demo = false

    /// Creates the default configuration: `guides`, `guidekit.sqlite`, `127.0.0.1:8080`, no keys.
    public init() {}

    /// Whether no key is configured: the server then runs in development mode, loopback only.
    public var isDevelopmentMode: Bool { publicKey == nil && secretKey == nil }

    /// Whether the host is a loopback address (`127.0.0.0/8`, `::1`, `localhost`).
    public var bindsLoopbackOnly: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
