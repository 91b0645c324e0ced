import Foundation
import Testing

/// `guidekit simulate`: the decision as JSON, manual launches, and typos in `--launch` and `--event`.
@Suite struct SimulateCommandTests {
    typealias CLI = LintCommandTests

    static var repository: URL { CheckCommandTests.repository }

    @Test(arguments: [
        (
            ["--launch", "keybord-shortcuts"],
            "--launch: there is no guide 'keybord-shortcuts' to launch; did you mean 'keyboard-shortcuts'?"
        ),
        (
            ["--event", "project_creatd"],
            "--event: event 'project_creatd' is not in the project's event catalog; did you mean 'project_created'?"
        ),
    ])
    func unknownIdsAreUsageErrors(arguments: [String], message: String) throws {
        let run = try CLI.run(
            ["simulate", "--user", "examples/users/new-trial-admin.yaml"] + arguments,
            in: Self.repository
        )
        #expect(run.status == 64, "\(run.output)\(run.errors)")
        #expect(run.errors.contains(message), "\(run.errors)")
        #expect(run.output.isEmpty)
    }

    @Test func aManualLaunchIsShownAndMarkedInTheJSON() throws {
        let run = try CLI.run(
            [
                "simulate", "--user", "examples/users/new-trial-admin.yaml", "--launch", "keyboard-shortcuts",
                "--format", "json",
            ],
            in: Self.repository
        )
        #expect(run.status == 0, "\(run.errors)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let decision = try #require(object["decision"] as? [String: Any])
        #expect(decision["guide"] as? String == "keyboard-shortcuts")
        #expect(decision["launched"] as? Bool == true)
        let step = try #require(decision["step"] as? [String: Any])
        #expect(step["title_html"] as? String == "Work faster with shortcuts")
        #expect((step["position"] as? [String: Any])?["count"] as? Int == 2)
    }
}
