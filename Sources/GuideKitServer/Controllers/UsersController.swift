import GuideKit
import Hummingbird

/// `GET /v1/users/{id}` and `DELETE /v1/users/{id}` (secret key).
struct UsersController<Context: RequestContext> {
    let services: ServerServices

    func addRoutes(to router: Router<Context>) {
        router.get("/v1/users/:id", use: show)
        router.delete("/v1/users/:id", use: erase)
    }

    private func id(_ context: Context) throws(APIError) -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.utf8.count <= EventInput.maxIdentifierLength
        else { throw .invalidField("id", "the user id in the path is empty or too long") }
        return id
    }

    /// The stored state as `Schemas/user-state.schema.json` describes it: what `guidekit simulate --user` reads.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try RequestReading.requireSecret(request, services: services)
        let id = try self.id(context)
        guard let user = try await services.store.user(id) else {
            throw APIError.notFound("no user '\(id)' in the store")
        }
        return JSONResponse.ok(Tracker.renderJSON(user.state))
    }

    /// Erases the user, their progress and their events.
    @Sendable func erase(_ request: Request, context: Context) async throws -> Response {
        _ = try RequestReading.requireSecret(request, services: services)
        let id = try self.id(context)
        let deleted = try await services.locks.withLock(id) {
            try await services.store.serializing(users: [id]) { try await $0.deleteUser(id) }
        }
        return JSONResponse.ok(
            #"{"user":\#(JSONString.quoted(id)),"deleted":{"events":\#(deleted.events),"users":\#(deleted.users)}}"#
        )
    }
}
