import Foundation
import Testing

/// No silent passes: a wrong or empty folder, a guides folder given as scenarios, a comparison with nothing
/// to compare and a generated log with no event all fail with a message; exit statuses follow one scheme.
@Suite struct SilentPassTests {
    typealias CLI = LintCommandTests

    static var repository: URL { TrackerCommandTests.root }

    /// A temporary folder with the given files (path → text); empty folders end in `/`.
    static func folder(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-silent-\(UUID())")
        for (name, text) in files {
            let url = root.appendingPathComponent(name)
            if name.hasSuffix("/") {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                continue
            }
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    @Test func lintOfAnEmptyFolderFailsAndSaysWhereItLooked() throws {
        let root = try Self.folder(["empty/": "", "project-only/guidekit.yaml": "events: {}\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["empty", "project-only"] {
            let run = try CLI.run(["lint", folder], in: root)
            #expect(run.status == 66, "\(folder): \(run.output) \(run.errors)")
            #expect(
                run.errors.contains("error: no guides in \(folder): looked for *.yaml and *.yml files at the top level")
            )
            #expect(!run.errors.contains("Usage:"))
        }
        // Without arguments, lint looks in ./guides.
        let missing = try CLI.run(["lint"], in: root)
        #expect(missing.status == 66)
        #expect(missing.errors.contains("no such file or folder: guides"))
    }

    @Test func testOfTheGuidesFolderRunsItsTests() throws {
        let run = try CLI.run(["test", "guides"], in: Self.repository)
        #expect(run.status == 0, "\(run.output)\n\(run.errors)")
        #expect(run.errors.contains("note: guides is a guides folder; running the scenarios in guides/tests"))
        #expect(!run.output.contains("is not a scenario field"))
        #expect(run.output.contains("checks: all passed"))
    }

    @Test func aGuideFileIsNotAScenario() throws {
        let run = try CLI.run(["test", "guides/welcome-tour.yaml"], in: Self.repository)
        #expect(run.status == 65, "\(run.output)\n\(run.errors)")
        #expect(run.errors.contains("guides/welcome-tour.yaml is a guide, not a scenario"))
    }

    @Test func aGuidesFolderWithoutTestsSaysWhereTheyGo() throws {
        let root = try Self.folder([
            "guides/guidekit.yaml": "events: {}\n",
            "guides/clean.yaml": "id: clean\nname: Clean\nversion: 1\nstatus: draft\nsteps: [{id: a, kind: modal}]\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try CLI.run(["test", "guides"], in: root)
        #expect(run.status == 66)
        #expect(
            run.errors.contains("guides is a guides folder and has no tests/ folder; scenario tests go in guides/tests")
        )
    }

    @Test func aComparisonWithNothingToCompareFails() throws {
        let run = try CLI.run(
            ["report", "examples/events/acme-onboarding.jsonl", "--compare", "invite-teammates@3..4"],
            in: Self.repository
        )
        #expect(run.status == 65, "\(run.errors)")
        #expect(run.errors.contains("error: --compare invite-teammates@3..4: nothing to compare"))
        #expect(!run.output.isEmpty)
    }

    @Test func generatingEventsFromNoGuidesFails() throws {
        let root = try Self.folder([
            "empty/": "",
            "drafts/guidekit.yaml": "events: {}\n",
            "drafts/draft.yaml": "id: draft\nname: Draft\nversion: 1\nstatus: draft\nsteps: [{id: a, kind: modal}]\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let empty = try CLI.run(["generate-events", "--guides", "empty", "--users", "5"], in: root)
        #expect(empty.status == 66, "\(empty.errors)")
        #expect(empty.errors.contains("error: no guides in empty"))
        #expect(empty.output.isEmpty)
        let drafts = try CLI.run(["generate-events", "--guides", "drafts", "--users", "5"], in: root)
        #expect(drafts.status == 65, "\(drafts.errors)")
        #expect(drafts.errors.contains("error: no events: none of the 5 users saw a guide of drafts"))
        #expect(drafts.output.isEmpty)
    }

    @Test func runtimeFailuresAreNotUsageErrors() throws {
        let missing = try CLI.run(["simulate", "--user", "no/such.yaml"], in: Self.repository)
        #expect(missing.status == 66, "\(missing.errors)")
        #expect(!missing.errors.contains("Usage:"))
        let badState = try Self.folder(["bad.yaml": "user: {id: u1, seats: [\n"])
        defer { try? FileManager.default.removeItem(at: badState) }
        let bad = try CLI.run(
            ["simulate", "--guides", Self.repository.appendingPathComponent("guides").path, "--user", "bad.yaml"],
            in: badState
        )
        #expect(bad.status == 65, "\(bad.errors)")
        #expect(!bad.errors.contains("Usage:"))
        let usage = try CLI.run(["simulate"], in: Self.repository)
        #expect(usage.status == 64)
        #expect(usage.errors.contains("Usage:"))
    }

    @Test(arguments: [
        "check", "lint", "eval", "simulate", "test", "report", "generate-users", "state", "generate-events",
    ])
    func everyHelpDocumentsTheExitStatuses(_ command: String) throws {
        let run = try CLI.run([command, "--help"], in: Self.repository)
        #expect(run.status == 0)
        for line in [
            "Exit status:", "64  bad usage", "65  bad input data", "66  an input is missing", "74  the output",
        ] {
            #expect(run.output.contains(line), "\(command): \(line)")
        }
    }
}
