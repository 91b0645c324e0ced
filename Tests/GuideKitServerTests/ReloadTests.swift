import Foundation
import GuideKit
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GuideKitServer

@Suite("Hot reload")
struct ReloadTests {
    /// A copy of the example guides in a temporary folder.
    static func copyOfGuides() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guides-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: ServerHarness.guidesFolder)
        where name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(
                atPath: ServerHarness.guidesFolder + "/" + name,
                toPath: folder + "/" + name
            )
        }
        return folder
    }

    @Test func aSetWithErrorsIsRefusedAndTheOldOneKeepsServing() async throws {
        let folder = try Self.copyOfGuides()
        let harness = try ServerHarness(guidesFolder: folder)
        let library = harness.services.library
        let original = library.current.version
        #expect(library.reload() == .unchanged)
        let file = folder + "/welcome-tour.yaml"
        let good = try String(contentsOfFile: file, encoding: .utf8)
        try good.replacingOccurrences(of: "kind: modal", with: "kind: modla").write(
            toFile: file,
            atomically: true,
            encoding: .utf8
        )
        // Both modal steps of the file now have the typo.
        #expect(library.reload(force: true) == .refused(errors: 2))
        #expect(library.current.version == original)
        try await harness.test { client in
            let decide = try await client.send(.post, "/v1/decide", body: trialAdminDecide())
            #expect((decide.json["decision"] as? [String: Any])?["guide"] as? String == "welcome-tour")
            let guides = try await client.send(.get, "/v1/guides")
            let reload = try #require(guides.json["reload"] as? [String: Any])
            let errors = try #require(reload["errors"] as? [[String: Any]])
            #expect(errors.first?["message"] as? String != nil)
            #expect((errors.first?["location"] as? String)?.hasPrefix(file) == true)
            let health = try await client.send(.get, "/healthz")
            #expect((health.json["guides"] as? [String: Any])?["reloadRefused"] as? Bool == true)
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.text.contains("guidekit_guide_reload_failures 1"))
        }
        // Fixed, with a new version: the new set serves.
        try good.replacingOccurrences(of: "version: 3", with: "version: 4").write(
            toFile: file,
            atomically: true,
            encoding: .utf8
        )
        guard case .loaded(let version) = library.reload() else {
            Issue.record("the fixed set was not loaded")
            return
        }
        #expect(version != original)
        #expect(library.failure == nil)
        #expect(library.current.compiled["welcome-tour"]?.guide.version.value == 4)
    }

    @Test func theServerDoesNotStartOnGuidesWithErrors() throws {
        let folder = try Self.copyOfGuides()
        try "id: broken\nsteps: 3\n".write(toFile: folder + "/broken.yaml", atomically: true, encoding: .utf8)
        #expect(throws: GuideLibraryError.self) { try ServerHarness(guidesFolder: folder) }
    }
}
