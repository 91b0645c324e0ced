import Foundation

/// Where a ``PostgresGuideStore`` connects and how: read from a `postgres://user:password@host:port/database`
/// URL, with the pool size and timeout that `--database-pool-size` and `--database-timeout` set.
///
/// ```swift
/// var location = try PostgresLocation(url: "postgres://guidekit:secret@db.internal:5432/guidekit")
/// location.poolSize = 20
/// ```
///
/// The URL may end in `?sslmode=disable`, `prefer` (the default: TLS when the server offers it) or `require`.
public struct PostgresLocation: Sendable, Hashable {
    /// How the connection uses TLS.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP (a local or private-network database).
        case disable
        /// TLS when the server offers it.
        case prefer
        /// TLS, or no connection.
        case require
    }

    /// The host name or address.
    public var host: String
    /// The port (5432 unless the URL says otherwise).
    public var port: Int
    /// The user name.
    public var username: String
    /// The password, if any.
    public var password: String?
    /// The database name (the user name when the URL has none, as `psql` does).
    public var database: String
    /// TLS use.
    public var tls: TLSMode = .prefer
    /// The most connections one server opens (`--database-pool-size`).
    public var poolSize = 10
    /// Seconds one store operation may take, waiting for a connection included, before the request gets a
    /// 503 (`--database-timeout`); also the connect timeout.
    public var timeout: Double = 10

    /// Whether the text names a PostgreSQL database (`postgres://` or `postgresql://`) rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads a URL.
    ///
    /// - Throws: ``StoreError/unavailable(_:)`` naming what is wrong with it (the password is never repeated).
    public init(url text: String) throws(StoreError) {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw .unavailable(
                "the database URL is not postgres://user:password@host:port/database (percent-encode special characters)"
            )
        }
        guard let host = components.host, !host.isEmpty else {
            throw .unavailable("the database URL has no host; write postgres://user:password@host:port/database")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .unavailable("the database URL has no user name; write postgres://user:password@host:port/database")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? self.username : (path.removingPercentEncoding ?? path)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw .unavailable(
                        "sslmode '\(item.value ?? "")' in the database URL is not disable, prefer or require"
                    )
                }
                tls = mode
            default:
                throw .unavailable("'\(item.name)' in the database URL is not a known parameter (sslmode)")
            }
        }
    }

    /// The URL without the password, for logs and messages.
    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }
}
