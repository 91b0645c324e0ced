import ArgumentParser

/// The `guidekit` command: lint, evaluate and report on onboarding guides kept as code.
@main
struct GuideKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guidekit",
        abstract: "Onboarding guides as code: lint them, simulate who sees what, and report where users drop off.",
        version: "0.1.0",
        subcommands: [
            Check.self, Lint.self, Eval.self, Simulate.self, ScenarioTest.self, Report.self, GenerateUsers.self,
            State.self, GenerateEvents.self, Bench.self,
        ]
    )
}
