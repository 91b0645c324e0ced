import Foundation
import GuideKit
import Hummingbird

/// `GET /v1/report?format=json|csv|html|table&guide=…&window=…` (secret key): the drop-off report of the stored
/// events, byte for byte what `guidekit report export.jsonl --format …` prints for `GET /v1/events/export`
/// saved as `export.jsonl` (the input summary names the store's events so).
struct ReportController<Context: RequestContext> {
    let services: ServerServices

    func addRoutes(to router: Router<Context>) {
        router.get("/v1/report", use: report)
    }

    @Sendable func report(_ request: Request, context: Context) async throws -> Response {
        _ = try RequestReading.requireSecret(request, services: services)
        let query = request.uri.queryParameters
        for key in query.map({ String($0.key) }) where !["format", "guide", "window"].contains(key) {
            throw APIError.unknownField(key, "'\(key)' is not a report parameter (format, guide, window)")
        }
        var options = ReportOptions()
        options.guides = query.getAll("guide")
        if let window = query["window"].map(String.init) {
            if window == "0" {
                options.windowSeconds = 0
            } else if let duration = GuideDuration(parsing: window) {
                options.windowSeconds = duration.seconds
            } else {
                throw APIError.invalidField("window", "window '\(window)' is not \(GuideDuration.expectedForm), or 0")
            }
        }
        let format = query["format"].map(String.init) ?? "json"
        let contentType: String
        switch format {
        case "json": contentType = "application/json"
        case "csv": contentType = "text/csv; charset=utf-8"
        case "html": contentType = "text/html; charset=utf-8"
        case "table": contentType = "text/plain; charset=utf-8"
        default: throw APIError.invalidField("format", "format '\(format)' is not json, csv, html or table")
        }
        let book: StepOrderBook
        do {
            book = try StepOrderBook(guidesFolder: services.library.folder)
        } catch {
            throw APIError.unavailable("the guides folder cannot be read for the report: \(error)")
        }
        let report = try await StoreReport.make(of: services.store, book: book, options: options)
        let text: String
        switch format {
        case "csv": text = CSVRenderer().render(report)
        case "html": text = HTMLRenderer().render(report)
        case "table": text = TableRenderer(usesColor: false).render(report)
        default: text = JSONRenderer().render(report)
        }
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
