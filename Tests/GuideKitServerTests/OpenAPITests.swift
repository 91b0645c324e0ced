import Foundation
import Testing

@testable import GuideKitServer

@Suite("OpenAPI")
struct OpenAPITests {
    static let document =
        (try? String(
            contentsOf: ServerHarness.repository.appendingPathComponent("Schemas/openapi.yaml"),
            encoding: .utf8
        )) ?? ""

    /// The lines of one path's block: from `  /path:` to the next path.
    static func block(of path: String) -> [Substring]? {
        let lines = document.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == "  \(path):" }) else { return nil }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex { $0.hasPrefix("  /") || (!$0.hasPrefix(" ") && !$0.isEmpty) } ?? lines.endIndex
        return Array(lines[(start + 1)..<end])
    }

    /// The routes the router really has, with the demo on, are the listed ones: none unlisted, none missing.
    @Test func theRouterServesExactlyTheListedRoutes() throws {
        let harness = try ServerHarness(demo: true)
        let served = Set(buildRouter(harness.services).routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let listed = Set((APIRoutes.all + APIRoutes.demo).map { "\($0.method) \($0.path)" })
        #expect(
            served.subtracting(listed).isEmpty,
            "served but not in APIRoutes: \(served.subtracting(listed).sorted())"
        )
        #expect(
            listed.subtracting(served).isEmpty,
            "in APIRoutes but not served: \(listed.subtracting(served).sorted())"
        )
    }

    /// Without `--demo` the router has only the API's routes.
    @Test func withoutTheDemoOnlyTheAPIIsServed() throws {
        let harness = try ServerHarness()
        let served = Set(buildRouter(harness.services).routes.map { "\($0.method.rawValue) \($0.path.description)" })
        #expect(served == Set(APIRoutes.all.map { "\($0.method) \($0.path)" }))
    }

    @Test(arguments: APIRoutes.all + APIRoutes.demo)
    func everyRouteAndStatusIsDocumented(route: APIRoute) throws {
        let block = try #require(Self.block(of: route.path), "\(route.path) is not in Schemas/openapi.yaml")
        let method = "    \(route.method.lowercased()):"
        let start = try #require(block.firstIndex { $0 == method }, "\(route.method) \(route.path) is not documented")
        let operation = block[(start + 1)...].prefix { !$0.hasPrefix("    ") || $0.hasPrefix("      ") || $0.isEmpty }
        for status in route.statuses {
            #expect(
                operation.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\"\(status)\":") },
                "\(route.method) \(route.path) does not document \(status)"
            )
        }
    }

    @Test func theServedDocumentIsTheSchemaFile() {
        #expect(OpenAPIDocument.text == Self.document)
        #expect(Self.document.hasPrefix("openapi: 3.1.0"))
    }
}
