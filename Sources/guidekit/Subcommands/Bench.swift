import ArgumentParser

/// `guidekit bench`: micro-benchmarks of the engine's hot paths (build with `-c release`).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine's hot paths (use a release build).",
        subcommands: [BenchEval.self]
    )
}
