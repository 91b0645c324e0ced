import ArgumentParser

/// `guidekit bench …`: measurements of GuideKit's own speed on generated data.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure how fast GuideKit works on generated data (use a release build).",
        subcommands: [BenchLint.self, BenchEval.self, BenchSelect.self]
    )
}
