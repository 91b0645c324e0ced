import ArgumentParser
import Foundation

/// The `guidekit` command: lint, evaluate and report on onboarding guides kept as code.
@main
struct GuideKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guidekit",
        abstract: "Onboarding guides as code: lint them, simulate who sees what, and report where users drop off.",
        discussion: ExitStatus.help(failedCheck: "a check failed (each command's --help says which)"),
        version: "0.1.0",
        subcommands: [
            Check.self, Lint.self, Eval.self, Simulate.self, ScenarioTest.self, Report.self, GenerateUsers.self,
            State.self, GenerateEvents.self, Bench.self, Serve.self,
        ]
    )

    /// Parses the command line and runs the command.
    ///
    /// A ``CommandFailure`` prints its message on standard error and exits with its status; anything else
    /// (bad usage, `--help`) is ArgumentParser's.
    static func main() async {
        Output.occupyClosedStandardDescriptors()
        do {
            var command = try parseAsRoot()
            // `guidekit serve` is asynchronous; its synchronous `run()` would only print its help.
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            Output.error(failure.message + "\n")
            Foundation.exit(failure.status.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
