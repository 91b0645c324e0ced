import Foundation
import GuideKit
import Hummingbird

/// `POST /v1/decide` and `POST /v1/identify`.
struct DecideController<Context: RequestContext> {
    let services: ServerServices

    func addRoutes(to router: Router<Context>) {
        router.post("/v1/decide", use: decide)
        router.post("/v1/identify", use: identify)
    }

    /// The user object of a body, its id checked against the caller.
    private func user(
        _ body: FieldReader,
        request: Request,
        allowing fields: [String]
    ) throws(APIError) -> (reader: FieldReader, id: String, caller: Caller) {
        let caller = try services.keys.caller(key: RequestReading.key(request, body: body))
        guard let user = try body.object("user") else { throw .missingField("user") }
        try user.rejectUnknown(allowing: fields)
        let id = try user.requiredString("id", maxLength: EventInput.maxIdentifierLength)
        try services.keys.verify(user: id, signature: RequestReading.signature(request, body: body), caller: caller)
        if caller == .browser, id.hasPrefix("anon-"), user.members["account"] != nil {
            throw .forbidden("anonymous users ('anon-…') may not carry account attributes", field: "user.account")
        }
        return (user, id, caller)
    }

    @Sendable func decide(_ request: Request, context: Context) async throws -> Response {
        let body = try FieldReader(
            try await RequestReading.json(request, limit: RequestReading.defaultBodyLimit),
            at: ""
        )
        try body.rejectUnknown(allowing: ["user", "context", "launch", "event", "key", "signature"])
        let (user, id, caller) = try self.user(body, request: request, allowing: ["id", "attributes", "account"])
        let catalog = services.library.current.compiled.catalog
        var input = Decider.Request(user: id)
        input.attributes = try AttributeUpdate(
            attributes: try user.object("attributes"),
            account: try user.object("account"),
            catalog: catalog
        )
        if let page = try body.object("context") {
            try page.rejectUnknown(allowing: ["page", "url", "locale", "device"])
            input.page = try page.string("page")
            input.url = try page.string("url", maxLength: 8_192)
            input.locale = try page.string("locale", maxLength: 64)
            if let device = try page.object("device") {
                for (key, value) in device.members {
                    guard case .string = value else {
                        throw APIError.invalidField(device.field(key), "'\(device.field(key))' must be a string")
                    }
                    input.device[key] = value
                }
            }
        }
        input.launch = try body.string("launch", maxLength: EventInput.maxIdentifierLength)
        input.event = try body.string("event", maxLength: EventInput.maxIdentifierLength)
        if let explain = request.uri.queryParameters["explain"], explain != "0", explain != "false" {
            guard caller.isTrusted else {
                throw APIError.forbidden("?explain=1 needs the secret key: verdicts reveal every guide's audience")
            }
            input.explains = true
        }
        let answer = try await services.decider.decide(input)
        services.metrics.decision(guide: answer.selection.decision.guideID)
        return JSONResponse.ok(DecisionPayload.render(answer.selection, user: id, explains: input.explains))
    }

    @Sendable func identify(_ request: Request, context: Context) async throws -> Response {
        let body = try FieldReader(
            try await RequestReading.json(request, limit: RequestReading.defaultBodyLimit),
            at: ""
        )
        try body.rejectUnknown(allowing: ["user", "key", "signature"])
        let (user, id, _) = try self.user(body, request: request, allowing: ["id", "attributes", "account"])
        let update = try AttributeUpdate(
            attributes: try user.object("attributes"),
            account: try user.object("account"),
            catalog: services.library.current.compiled.catalog
        )
        let changed = try await services.locks.withLock(id) {
            try await services.store.serializing(users: [id]) { store in
                let existing = try await store.user(id)
                var record = existing ?? StoredUser(state: UserState(id: id))
                let changed = update.apply(to: &record.state)
                if changed || existing == nil {
                    try await store.commit(StoreChange(users: [record]))
                }
                return changed
            }
        }
        return JSONResponse.ok(#"{"user":\#(JSONString.quoted(id)),"changed":\#(changed)}"#)
    }
}
