import Foundation
import GuideKit
import Testing

/// Shared helpers for the selection tests: the example guides, personas, and inline guides.
enum SelectionFixtures {
    /// The repository root, found from this source file.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Selection
        .deletingLastPathComponent()  // GuideKitTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repo

    /// A path under the repository root.
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The example guides, compiled once.
    static let examples: CompiledGuideSet = {
        let result = (try? GuideLoader.loadFolder(at: path("guides"))) ?? LoadResult()
        return (try? CompiledGuideSet(result)) ?? CompiledGuideSet(guides: [], project: nil)
    }()

    /// A persona from `examples/users/`.
    static func persona(_ name: String) throws -> UserState {
        try UserState(contentsOf: root.appendingPathComponent("examples/users/\(name).yaml"))
    }

    /// The project file used by inline tests: a throttle, a default locale and a small catalog.
    static let projectYAML = """
        default_locale: en
        locales: [en, ja]
        throttle: 4h
        attributes:
          plan: {type: string, values: [free, trial, pro]}
          role: {type: string, values: [owner, admin, member, guest]}
          seats: {type: number}
        events:
          project_created: {}
          task_completed: {}
        """

    /// Compiles inline guides under ``projectYAML`` (or another project).
    static func set(_ guides: [String], project: String = projectYAML) throws -> CompiledGuideSet {
        let loadedProject = GuideLoader.loadProject(yaml: project)
        #expect(loadedProject.diagnostics.filter { $0.severity == .error }.isEmpty)
        var loaded: [Guide] = []
        for (index, text) in guides.enumerated() {
            let result = GuideLoader.loadGuide(yaml: text, file: "g\(index).yaml")
            let errors = result.diagnostics.filter { $0.severity == .error }
            #expect(errors.isEmpty, "\(errors)")
            loaded.append(try #require(result.guide))
        }
        return CompiledGuideSet(guides: loaded, project: loadedProject.project)
    }

    /// A minimal published guide.
    static func guide(
        _ id: String,
        priority: Int = 0,
        extra: String = "",
        steps: String = """
        steps:
          - {id: one, kind: modal, title: One, buttons: [{label: Next, action: next}]}
          - {id: two, kind: modal, title: Two, buttons: [{label: Done, action: complete}]}
        """
    ) -> String {
        """
        id: \(id)
        name: \(id)
        version: 1
        status: published
        priority: \(priority)
        \(extra)
        \(steps)
        """
    }

    /// A time from ISO 8601 text.
    static func time(_ text: String) throws -> Date {
        try #require(Timestamp.date(parsing: text))
    }
}
