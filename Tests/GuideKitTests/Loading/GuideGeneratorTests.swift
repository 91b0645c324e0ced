import Foundation
import GuideKit
import Testing

/// The guides `guidekit bench lint` and `bench select` generate lint clean against the project file written
/// with them: a benchmark of the linter measures clean guides, not thousands of findings.
@Suite struct GuideGeneratorTests {
    @Test(arguments: [2, 3, 4, 5, 10, 12])
    func generatedGuidesAreLintClean(steps: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-generated-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(GuideGenerator.project().utf8).write(to: folder.appendingPathComponent(GuideLoader.projectFileName))
        for number in 1...25 {
            let (name, yaml) = GuideGenerator.guide(number: number, steps: steps)
            try Data(yaml.utf8).write(to: folder.appendingPathComponent(name))
        }
        let result = try GuideLoader.loadFolder(at: folder.path)
        #expect(result.guides.count == 25)
        let findings = Linter().lint(result)
        #expect(findings.isEmpty, "\(findings.prefix(5).map(\.description))")
    }
}
