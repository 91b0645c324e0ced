import Foundation
import Testing

/// `guidekit check`: lint, scenario tests, personas and a report in one run, with one exit code.
@Suite struct CheckCommandTests {
    typealias CLI = LintCommandTests

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    @Test func theBundledExamplesPassEveryPart() throws {
        let run = try CLI.run(
            [
                "check", "--users", "examples/users/new-trial-admin.yaml", "--users",
                "examples/users/japanese-owner.yaml",
            ],
            in: Self.repository
        )
        #expect(run.status == 0, "\(run.output)\(run.errors)")
        #expect(run.lines.contains("== lint guides"))
        #expect(run.output.contains("guides, 0 errors, 0 warnings"))
        #expect(run.lines.contains("== test guides/tests"))
        #expect(run.output.contains("checks: all passed"))
        #expect(run.lines.contains("== simulate 2 user(s)"))
        #expect(
            run.lines.contains(
                "new-trial-admin.yaml  welcome-tour v3 · step welcome (modal) \"Welcome to Acme Projects 👋\" on /home"
            ),
            "\(run.output)"
        )
        #expect(
            run.lines.contains {
                $0.hasPrefix("japanese-owner.yaml   welcome-tour v3 · step welcome (modal) \"Acme Projects へようこそ")
            }
        )
    }

    @Test func lintErrorsStopTheRestAndFail() throws {
        let workspace = try CLI.workspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let run = try CLI.run(["check"], in: workspace)
        #expect(run.status == 1)
        #expect(run.output.contains("[unknown-field] 'titel' is not a step field; did you mean 'title'?"))
        #expect(run.output.contains("The guides have errors"))
        #expect(!run.output.contains("== test"))
    }

    @Test func warningsFailOnlyWhenStrict() throws {
        let workspace = try CLI.workspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        #expect(try CLI.run(["check", "--guides", "warn-only"], in: workspace).status == 0)
        #expect(try CLI.run(["check", "--guides", "warn-only", "--strict"], in: workspace).status == 1)
    }

    @Test func aMissingUsersPathIsAMissingInput() throws {
        let run = try CLI.run(["check", "--users", "no/such/folder"], in: Self.repository)
        #expect(run.status == 66)
        #expect(run.errors.contains("no such file or folder: no/such/folder"))
    }

    @Test func aUsersFolderWithoutStatesIsAMissingInput() throws {
        let workspace = try CLI.workspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        try FileManager.default.createDirectory(
            at: workspace.appendingPathComponent("personas"),
            withIntermediateDirectories: true
        )
        let run = try CLI.run(["check", "--guides", "clean-only", "--users", "personas"], in: workspace)
        #expect(run.status == 66)
        #expect(run.errors.contains("no files (*.json, *.yaml, *.yml) in personas"))
    }
}
