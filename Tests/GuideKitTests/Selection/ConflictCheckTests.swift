import Foundation
import GuideKit
import Testing

/// `guidekit lint` conflict checks: equal priorities, shadowed guides, self-ending audiences, unknown guides.
@Suite struct ConflictCheckTests {
    typealias F = SelectionFixtures

    func lint(_ guides: [String]) -> [Diagnostic] {
        let project = GuideLoader.loadProject(yaml: F.projectYAML).project
        let loaded = guides.enumerated().compactMap { GuideLoader.loadGuide(yaml: $1, file: "g\($0).yaml").guide }
        return Linter().lint(LoadResult(project: project, guides: loaded, guideFiles: loaded.map(\.file)))
    }

    @Test func theExampleGuidesHaveNoConflicts() throws {
        let result = try GuideLoader.loadFolder(at: F.path("guides"))
        #expect(Linter().lint(result).isEmpty)
    }

    @Test func equalPrioritiesOnOverlappingPagesAndAudiencesWarnWithBothPositions() throws {
        let diagnostics = lint([
            F.guide(
                "b-guide",
                priority: 5,
                extra: "trigger: {page: \"/projects/*\"}\naudience: {user.plan: {$in: [trial, pro]}}"
            ),
            F.guide("a-guide", priority: 5, extra: "trigger: {page: /projects/42}\naudience: {user.plan: {$ne: free}}"),
        ])
        let warning = try #require(diagnostics.first { $0.rule == "equal-priority" })
        #expect(warning.severity == .warning)
        #expect(warning.location.file == "g0.yaml")
        #expect(warning.location.line == 1)
        #expect(warning.related.map(\.file) == ["g1.yaml"])
        #expect(warning.message.hasPrefix("'b-guide' and 'a-guide' (g1.yaml:1) both have priority 5"))
    }

    @Test(arguments: [
        // Audiences that cannot both hold (declared values, number ranges).
        ("audience: {user.plan: trial}", "audience: {user.plan: {$in: [pro, free]}}"),
        ("audience: {user.role: {$nin: [owner, admin]}}", "audience: {user.role: {$in: [owner]}}"),
        ("audience: {user.seats: {$lt: 5}}", "audience: {user.seats: {$gte: 5}}"),
        // Triggers that never fire together.
        ("trigger: {page: /home}", "trigger: {page: \"/projects/**\"}"),
        ("trigger: {event: project_created}", "trigger: {event: task_completed}"),
        ("trigger: {manual: true}", ""),
    ])
    func noWarningWhenTheyCannotCompete(_ first: String, _ second: String) {
        let diagnostics = lint([F.guide("a", priority: 3, extra: first), F.guide("b", priority: 3, extra: second)])
        #expect(!diagnostics.contains { $0.rule == "equal-priority" }, "\(diagnostics)")
    }

    @Test func aGuideAlwaysOutrankedByAWiderOneIsShadowed() throws {
        let always = F.guide(
            "help",
            priority: 9,
            extra: "audience: {user.role: {$in: [owner, admin, member]}}\nfrequency: {repeat_after_completion: true}"
        )
        let narrow = F.guide(
            "admins",
            priority: 1,
            extra: "audience: {user.role: admin, user.plan: trial}\ntrigger: {page: /home}"
        )
        let diagnostics = lint([always, narrow])
        let warning = try #require(diagnostics.first { $0.rule == "shadowed-guide" })
        #expect(warning.location.file == "g1.yaml")
        #expect(warning.related.first?.file == "g0.yaml")
        #expect(warning.message.hasPrefix("'admins' can never be shown: 'help' (priority 9, g0.yaml:1)"))
        // A dismiss button, a max_shows, or a narrower audience lets the lower guide through.
        let dismissable = always + "\n" + ""
        let withDismiss = dismissable.replacingOccurrences(of: "action: complete", with: "action: dismiss")
        #expect(!lint([withDismiss, narrow]).contains { $0.rule == "shadowed-guide" })
        let wider = F.guide("admins", priority: 1, extra: "audience: {user.plan: trial}")
        #expect(!lint([always, wider]).contains { $0.rule == "shadowed-guide" })
    }

    @Test func anAudienceThatEndsItsOwnGuideIsReported() throws {
        let steps = """
            audience:
              events.project_created.count: {$lt: 1}
            steps:
              - id: create
                kind: tooltip
                target: '#new'
                advance_on: {event: project_created}
              - {id: celebrate, kind: modal, title: Yay}
            """
        let diagnostics = lint([F.guide("a", steps: steps)])
        let warning = try #require(diagnostics.first { $0.rule == "audience-ends-guide" })
        #expect(warning.location.line == 8)
        #expect(warning.related.first?.line == 10)
        #expect(
            warning.fix
                == "allow users finishing the guide: $nor: [{events.project_created.count: {$gte: 1}, guides.a.status: {$ne: in_progress}}]"
        )
    }

    @Test func lintingOneFileKnowsTheOtherGuidesOfItsFolder() {
        let result = GuideLoader.load(
            guideFiles: [F.path("guides/setup-checklist.yaml")],
            projectFile: F.path("guides/guidekit.yaml")
        )
        #expect(result.guides.count == 1)
        #expect(!Linter().lint(result).contains { $0.rule == "unknown-guide" })
    }

    @Test func unknownGuideReferencesSuggestTheClosestId() throws {
        let diagnostics = lint([
            F.guide("welcome-tour"),
            F.guide("next", extra: "audience: {guides.welcome-tuor.status: completed}"),
        ])
        let warning = try #require(diagnostics.first { $0.rule == "unknown-guide" })
        #expect(warning.location.file == "g1.yaml")
        #expect(warning.location.line == 6)
        #expect(warning.location.column == 19)
        #expect(warning.fix == "did you mean 'welcome-tour'?")
    }
}
