import Foundation
import GuideKit
import Testing

/// `guidekit lint` runs the targeting language's checks on every condition of a folder.
@Suite struct ConditionChecksTests {
    static let project = """
        default_locale: en
        attributes:
          plan: {type: string, values: [free, trial, pro]}
          seats: {type: number}
        events:
          project_created: {}
        segments:
          loop-a: {$segment: 4️⃣loop-b}
          loop-b: {$segment: loop-a}
          typo: {user.plna: pro}
        """

    static let guide = """
        id: g
        name: G
        version: 1
        status: published
        audience: {user.plan: 1️⃣trail}
        steps:
          - id: a
            kind: modal
            when: {user.seats: {2️⃣$gtee: 3}}
          - id: b
            kind: checklist
            items:
              - {id: one, label: One, done_when: {3️⃣events.project_craeted.count: {$gte: 1}}}
        """

    @Test func everyConditionOfTheFolderIsChecked() throws {
        let guideText = MarkedText(Self.guide)
        let projectText = MarkedText(Self.project)
        let (guide, loadDiagnostics) = GuideLoader.loadGuide(yaml: guideText.text, file: "g.yaml")
        #expect(loadDiagnostics.isEmpty, "\(loadDiagnostics)")
        let loadedProject = GuideLoader.loadProject(yaml: projectText.text, file: "guidekit.yaml")
        let result = LoadResult(
            project: loadedProject.project,
            guides: try [#require(guide)],
            guideFiles: ["g.yaml"],
            diagnostics: loadDiagnostics + loadedProject.diagnostics
        )
        let diagnostics = Linter().lint(result)
        let found = Set(diagnostics.map { "\($0.location.file):\($0.location.line):\($0.location.column) \($0.rule)" })

        func at(_ file: String, _ marked: MarkedText, _ marker: String, _ rule: String) throws -> String {
            let position = try #require(marked.markers[marker])
            return "\(file):\(position.line):\(position.column) \(rule)"
        }
        #expect(found.contains(try at("g.yaml", guideText, "1️⃣", "value-not-allowed")), "\(diagnostics)")
        #expect(found.contains(try at("g.yaml", guideText, "2️⃣", "unknown-operator")), "\(diagnostics)")
        #expect(found.contains(try at("g.yaml", guideText, "3️⃣", "unknown-event")), "\(diagnostics)")
        #expect(diagnostics.contains { $0.rule == "segment-cycle" && $0.location.file == "guidekit.yaml" })
        #expect(diagnostics.contains { $0.rule == "unknown-attribute" && $0.message.contains("plna") })
        let fixes = diagnostics.compactMap(\.fix)
        #expect(fixes.contains("did you mean 'trial'?"))
        #expect(fixes.contains("did you mean '$gte'?"))
    }

    @Test func theExampleGuidesHaveCleanConditions() throws {
        let folder = try GuideLoader.loadFolder(at: Self.examples)
        let diagnostics = Linter().lint(folder)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(folder.guides.count >= 8)
    }

    static var examples: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("guides").path
    }
}
