import Hummingbird
import Logging

/// One log line and the metrics of every request.
///
/// The line has the method, route, status and duration; never the body, the query, the headers, keys or
/// attributes.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try ErrorMiddleware<Context>.apiError(for: error, request: request, logger: context.logger)
                .response(from: request, context: context)
        }
        let duration = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: response.status.code, duration: duration)
        let milliseconds = Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1_000
        context.logger.info(
            "\(request.method.rawValue) \(route) \(response.status.code) \(String(format: "%.2f", milliseconds))ms"
        )
        return response
    }
}
