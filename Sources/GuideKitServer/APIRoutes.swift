/// Every route of the API with the statuses it answers: the router is built from the same paths, `405`
/// answers come from it, and a test checks `Schemas/openapi.yaml` against it.
public struct APIRoute: Sendable, Hashable {
    /// The method.
    public var method: String
    /// The path as OpenAPI writes it (`/v1/users/{id}`).
    public var path: String
    /// The statuses the route answers.
    public var statuses: [Int]
    /// Whether the secret key is needed (in production mode).
    public var needsSecretKey: Bool

    /// The path as a pattern with `{…}` segments matching any one segment.
    func matches(_ requestPath: String) -> Bool {
        let pattern = path.split(separator: "/")
        let actual = requestPath.split(separator: "/", omittingEmptySubsequences: true)
        guard pattern.count == actual.count else { return false }
        return zip(pattern, actual).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}

/// The API's routes.
public enum APIRoutes {
    /// All routes, in the order the OpenAPI file lists them.
    public static let all: [APIRoute] = [
        APIRoute(method: "POST", path: "/v1/decide", statuses: [200, 400, 401, 403, 413, 422], needsSecretKey: false),
        APIRoute(method: "POST", path: "/v1/events", statuses: [202, 400, 401, 403, 413, 503], needsSecretKey: false),
        APIRoute(
            method: "POST",
            path: "/v1/identify",
            statuses: [200, 400, 401, 403, 413, 422],
            needsSecretKey: false
        ),
        APIRoute(method: "GET", path: "/v1/users/{id}", statuses: [200, 401, 403, 404], needsSecretKey: true),
        APIRoute(method: "DELETE", path: "/v1/users/{id}", statuses: [200, 401, 403], needsSecretKey: true),
        APIRoute(method: "GET", path: "/v1/events/export", statuses: [200, 401, 403], needsSecretKey: true),
        APIRoute(method: "GET", path: "/v1/report", statuses: [200, 400, 401, 403], needsSecretKey: true),
        APIRoute(method: "GET", path: "/v1/guides", statuses: [200, 401, 403], needsSecretKey: true),
        APIRoute(method: "GET", path: "/v1/openapi.yaml", statuses: [200], needsSecretKey: false),
        APIRoute(method: "GET", path: "/healthz", statuses: [200, 503], needsSecretKey: false),
        APIRoute(method: "GET", path: "/metrics", statuses: [200, 401, 403], needsSecretKey: true),
        APIRoute(method: "GET", path: "/sdk/guidekit.js", statuses: [200, 304], needsSecretKey: false),
        APIRoute(method: "GET", path: "/sdk/guidekit.global.js", statuses: [200, 304], needsSecretKey: false),
    ]

    /// The demo app's routes, served only with `--demo` (development mode): its script, its style and the
    /// page paths the example guides target, each answered with the app's single page.
    public static let demo: [APIRoute] =
        ["/demo/app.js", "/demo/app.css"].map {
            APIRoute(method: "GET", path: $0, statuses: [200, 304], needsSecretKey: false)
        }
        + [
            "/", "/home", "/projects", "/projects/new", "/projects/{project}/board", "/projects/{project}/list",
            "/settings", "/settings/members",
        ].map { APIRoute(method: "GET", path: $0, statuses: [200, 304], needsSecretKey: false) }

    /// The methods a path has, for a `405`.
    static func methods(for path: String) -> [String] {
        all.filter { $0.matches(path) }.map(\.method)
    }
}
