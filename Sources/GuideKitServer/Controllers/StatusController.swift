import Foundation
import GuideKit
import Hummingbird

/// `GET /healthz`, `GET /metrics`, `GET /v1/guides` and `GET /v1/openapi.yaml`.
struct StatusController<Context: RequestContext> {
    let services: ServerServices

    func addRoutes(to router: Router<Context>) {
        router.get("/healthz", use: health)
        router.get("/metrics", use: metrics)
        router.get("/v1/guides", use: guides)
        router.get("/v1/openapi.yaml", use: openAPI)
    }

    /// Ready, the mode, the guide set version and whether the store answers.
    ///
    /// Anyone may call it, often (load balancers do), so it costs the same whatever the store holds: one
    /// trivial query, no counts (those would scan every table, and tell anyone how many users there are).
    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        let set = services.library.current
        var reachable = true
        do {
            try await services.store.ping()
        } catch {
            reachable = false
        }
        let mode = services.keys.isDevelopmentMode ? "development" : "production"
        let failure = services.library.failure
        let json = Value.object([
            "status": .string(reachable ? "ok" : "unavailable"),
            "mode": .string(mode),
            "guides": .object([
                "version": .string(set.version),
                "count": .number(Double(set.compiled.guides.count)),
                "loadedAt": .string(Timestamp.string(from: set.loadedAt)),
                "reloadRefused": .bool(failure != nil),
            ]),
            "store": .object(["reachable": .bool(reachable)]),
        ])
        return JSONResponse.ok(json.rendered, status: reachable ? .ok : .serviceUnavailable)
    }

    /// Prometheus text.
    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        _ = try RequestReading.requireSecret(request, services: services)
        return JSONResponse.ok(
            services.metrics.render(library: services.library),
            contentType: "text/plain; version=0.0.4; charset=utf-8"
        )
    }

    /// The serving guide set, its lint warnings, and the errors of a refused reload.
    @Sendable func guides(_ request: Request, context: Context) async throws -> Response {
        _ = try RequestReading.requireSecret(request, services: services)
        let set = services.library.current
        func diagnostics(_ list: [Diagnostic]) -> Value {
            .array(
                list.map { diagnostic in
                    var fields: [String: Value] = [
                        "severity": .string(diagnostic.severity.rawValue), "rule": .string(diagnostic.rule),
                        "message": .string(diagnostic.message), "location": .string(diagnostic.location.description),
                    ]
                    if let fix = diagnostic.fix { fields["fix"] = .string(fix) }
                    return .object(fields)
                }
            )
        }
        var members: [String: Value] = [
            "version": .string(set.version),
            "loadedAt": .string(Timestamp.string(from: set.loadedAt)),
            "folder": .string(services.library.folder),
            "guides": .array(
                set.compiled.guides.map { compiled in
                    .object([
                        "id": .string(compiled.id), "name": .string(compiled.guide.name),
                        "version": .number(Double(compiled.guide.version.value)),
                        "status": .string(compiled.guide.status.rawValue),
                        "experiment": .bool(set.isExperiment(compiled.id)),
                    ])
                }
            ),
            "lint": .object([
                "errors": .number(0),
                "warnings": .number(Double(set.diagnostics.count { $0.severity == .warning })),
                "diagnostics": diagnostics(set.diagnostics),
            ]),
            "reload": .null,
        ]
        if let failure = services.library.failure {
            members["reload"] = .object([
                "refused": .bool(true),
                "at": .string(Timestamp.string(from: failure.at)),
                "errors": diagnostics(failure.diagnostics),
            ])
        }
        return JSONResponse.ok(Value.object(members).rendered)
    }

    /// The OpenAPI document of this API.
    @Sendable func openAPI(_ request: Request, context: Context) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        return Response(
            status: .ok,
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text))
        )
    }
}
