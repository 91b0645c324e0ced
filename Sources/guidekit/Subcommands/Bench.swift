import ArgumentParser

/// `guidekit bench …`: measurements of GuideKit's own speed.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure how fast GuideKit works on generated data (use a release build).",
        subcommands: [BenchLint.self, BenchSelect.self]
    )
}
