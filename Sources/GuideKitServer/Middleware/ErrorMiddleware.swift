import Hummingbird
import Logging

/// Turns every error a route throws into the API's one error shape: ``APIError`` as it is, a store failure
/// as `503`, an unknown route as `404` (or `405` when the path has other methods), anything else as `500`
/// with the details in the log only.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return try Self.apiError(for: error, request: request, logger: context.logger)
                .response(from: request, context: context)
        }
    }

    static func apiError(for error: any Error, request: Request, logger: Logger) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as StoreError:
            logger.error("store: \(error.description)")
            return .unavailable("the store cannot be reached; retry later")
        case let error as HTTPError where error.status == .notFound:
            let methods = APIRoutes.methods(for: request.uri.path)
            if !methods.isEmpty {
                return .methodNotAllowed(
                    "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(methods.joined(separator: " or "))"
                )
            }
            return .notFound("no route \(request.method.rawValue) \(request.uri.path); see /v1/openapi.yaml")
        case let error as HTTPError where error.status == .contentTooLarge:
            return .bodyTooLarge(limit: 0)
        case let error as any HTTPResponseError where (400..<500).contains(error.status.code):
            return .badJSON("\(error.status.reasonPhrase)")
        default:
            logger.error("unexpected error: \(String(reflecting: error))")
            return .internalError("the server failed to answer; the details are in its log")
        }
    }
}
