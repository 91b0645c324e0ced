import ArgumentParser
import Foundation
import GuideKit

/// `guidekit test [PATH…]`: replays scenario files and checks what is shown after each line.
struct ScenarioTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the scenario tests: replay each user's timeline and check what is shown after each line.",
        discussion: "Exits with 1 when a scenario fails or cannot be read, 64 on bad usage."
    )

    @Argument(help: "Scenario files or folders.", completion: .file(extensions: ["yaml", "yml"]))
    var paths: [String] = ["guides/tests"]

    @Option(help: "The guides folder.")
    var guides = "guides"

    func run() throws {
        let set = try Simulate.loadGuides(guides)
        let suite: ScenarioSuite
        do {
            suite = try ScenarioSuite(paths: paths, guides: set)
        } catch {
            throw ValidationError(error.description)
        }
        print(suite.renderText(), terminator: "")
        if !suite.passed { throw ExitCode(1) }
    }
}
