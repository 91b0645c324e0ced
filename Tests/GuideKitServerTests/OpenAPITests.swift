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

    @Test(arguments: APIRoutes.all)
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
