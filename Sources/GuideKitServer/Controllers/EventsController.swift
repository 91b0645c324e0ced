import GuideKit
import Hummingbird

/// `POST /v1/events` and `GET /v1/events/export`.
struct EventsController<Context: RequestContext> {
    /// The most events one request may carry.
    static var maxEvents: Int { 500 }
    /// The largest events body.
    static var maxBodyBytes: Int { 512 * 1024 }

    let services: ServerServices

    func addRoutes(to router: Router<Context>) {
        router.post("/v1/events", use: receive)
        router.get("/v1/events/export", use: export)
    }

    @Sendable func receive(_ request: Request, context: Context) async throws -> Response {
        let body = try FieldReader(try await RequestReading.json(request, limit: Self.maxBodyBytes), at: "")
        try body.rejectUnknown(allowing: ["events", "key", "signature", "user"])
        let caller = try services.keys.caller(key: RequestReading.key(request, body: body))
        guard let value = body.members["events"] else { throw APIError.missingField("events") }
        guard case .array(let items) = value else {
            throw APIError.invalidField("events", "'events' is \(value.typeName); it must be an array of events")
        }
        guard items.count <= Self.maxEvents else { throw APIError.tooManyEvents(items.count, limit: Self.maxEvents) }
        if caller == .browser {
            try authorizeBrowser(items, body: body, request: request)
        }
        let set = services.library.current
        var rejected: [String] = []
        var valid: [(index: Int, event: StoredEvent)] = []
        for (index, item) in items.enumerated() {
            do {
                valid.append((index, try EventInput.read(item, at: index, guides: set)))
            } catch {
                var entry = #"{"index":\#(index)"#
                if case .object(let fields) = item, case .string(let id)? = fields["id"] {
                    entry += #","id":\#(JSONString.quoted(String(id.prefix(EventInput.maxIdentifierLength))))"#
                }
                entry += #","error":\#(JSONString.quoted(error.message))"#
                if let field = error.field { entry += #","field":\#(JSONString.quoted(field))"# }
                rejected.append(entry + "}")
            }
        }
        let outcome = try await services.ingestor.ingest(valid)
        services.metrics.events(
            accepted: outcome.accepted,
            duplicates: outcome.duplicates.count,
            rejected: rejected.count,
            late: outcome.late
        )
        // `late` only when some were: the usual answer keeps its three fields.
        let late = outcome.late > 0 ? #","late":\#(outcome.late)"# : ""
        let json =
            #"{"accepted":\#(outcome.accepted),"duplicates":\#(outcome.duplicates.count)\#(late),"rejected":[\#(rejected.joined(separator: ","))]}"#
        return JSONResponse.ok(json, status: .accepted)
    }

    /// A browser's request carries the events of one user, with that user's signature.
    private func authorizeBrowser(_ items: [Value], body: FieldReader, request: Request) throws(APIError) {
        var claimed = try body.string("user", maxLength: EventInput.maxIdentifierLength)
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item, case .string(let user)? = fields["user"] else { continue }
            if claimed == nil { claimed = user }
            if user != claimed {
                throw .forbidden(
                    "with the public key every event must be for one user; events[\(index)].user is another user",
                    field: "events[\(index)].user"
                )
            }
        }
        if let claimed {
            try services.keys.verify(
                user: claimed,
                signature: RequestReading.signature(request, body: body),
                caller: .browser
            )
        }
    }

    @Sendable func export(_ request: Request, context: Context) async throws -> Response {
        _ = try RequestReading.requireSecret(request, services: services)
        let store = services.store
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson"
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                var after: Int64 = 0
                while true {
                    let page = try await store.events(after: after, limit: 1_000)
                    guard let last = page.last else { break }
                    var text = ""
                    for event in page {
                        text += event.line
                        text += "\n"
                    }
                    try await writer.write(ByteBuffer(string: text))
                    after = last.sequence
                }
                try await writer.finish(nil)
            }
        )
    }
}
