import Hummingbird

/// CORS for the allowed origins.
///
/// A preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered `204` with the methods and
/// headers the API reads; other responses to an allowed origin carry `Access-Control-Allow-Origin`. Origins
/// not allowed get no CORS headers, so the browser blocks them.
struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: [String]

    func allows(_ origin: String) -> Bool {
        origin != "null" && (allowedOrigins.contains("*") || allowedOrigins.contains(origin))
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers = HTTPFields()
            headers[.vary] = "Origin"
            if allows(origin) {
                headers[.accessControlAllowOrigin] = allowedOrigins.contains("*") ? "*" : origin
                headers[.accessControlAllowMethods] = "GET, POST, DELETE, OPTIONS"
                headers[.accessControlAllowHeaders] = "Authorization, Content-Type, GuideKit-Signature"
                headers[.accessControlMaxAge] = "600"
            }
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        if allows(origin) {
            response.headers[.accessControlAllowOrigin] = allowedOrigins.contains("*") ? "*" : origin
            response.headers[.vary] = "Origin"
        }
        return response
    }
}
