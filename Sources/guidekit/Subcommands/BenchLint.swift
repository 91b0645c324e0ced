import ArgumentParser
import Foundation
import GuideKit

/// `guidekit bench lint`: generates guides into a temporary folder, then loads and lints them repeatedly.
struct BenchLint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Load and lint generated guides several times; print the median and best times."
    )

    @Option(help: "How many guides to generate.")
    var guides = 1_000

    @Option(help: "How many steps each guide has.")
    var steps = 10

    @Option(help: "How many timed runs (after one warm-up run).")
    var runs = 7

    func validate() throws {
        guard guides >= 1 else { throw ValidationError("--guides must be 1 or more") }
        guard steps >= 2 else { throw ValidationError("--steps must be 2 or more") }
        guard runs >= 1 else { throw ValidationError("--runs must be 1 or more") }
    }

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(GuideGenerator.project().utf8).write(to: folder.appendingPathComponent(GuideLoader.projectFileName))
        var bytes = 0
        for number in 1...guides {
            let (name, yaml) = GuideGenerator.guide(number: number, steps: steps)
            bytes += yaml.utf8.count
            try Data(yaml.utf8).write(to: folder.appendingPathComponent(name))
        }
        print("generated \(guides) guides of \(steps) steps (\(bytes / 1_024) KiB) in \(folder.path)")

        let linter = Linter()
        var times: [Double] = []
        var findings = 0
        for run in 0...runs {
            let clock = ContinuousClock()
            var diagnostics: [Diagnostic] = []
            let elapsed = try clock.measure {
                let result = try GuideLoader.loadFolder(at: folder.path)
                diagnostics = linter.lint(result)
            }
            if run > 0 { times.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)) }
            findings = diagnostics.count
            if run == 0, let first = diagnostics.first {
                print("warning: the generated guides are not clean: \(first)")
            }
        }
        times.sort()
        let median = times[times.count / 2]
        let best = times[0]
        print("load + lint, \(runs) runs: median \(Self.format(median)), best \(Self.format(best))")
        print("throughput: \(Int(Double(guides) / median)) guides/s, \(Int(Double(bytes) / median / 1_048_576)) MiB/s")
        print("findings per run: \(findings)")
    }

    private static func format(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1_000) : String(format: "%.2f s", seconds)
    }
}
