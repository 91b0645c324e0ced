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

    @Option(help: "Write the generated guides into this folder and keep them (default: a temporary folder).")
    var keep: String?

    func validate() throws {
        guard guides >= 1 else { throw ValidationError("--guides must be 1 or more") }
        guard steps >= 2 else { throw ValidationError("--steps must be 2 or more") }
        guard runs >= 1 else { throw ValidationError("--runs must be 1 or more") }
    }

    func run() throws {
        let folder =
            keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        try Data(GuideGenerator.project().utf8).write(to: folder.appendingPathComponent(GuideLoader.projectFileName))
        var bytes = 0
        for number in 1...guides {
            let (name, yaml) = GuideGenerator.guide(number: number, steps: steps)
            bytes += yaml.utf8.count
            try Data(yaml.utf8).write(to: folder.appendingPathComponent(name))
        }
        try Output.line("generated \(guides) guides of \(steps) steps (\(bytes / 1_024) KiB) in \(folder.path)")

        let linter = Linter()
        var times: [Double] = []
        var cpuTimes: [Double] = []
        var findings = 0
        for run in 0...runs {
            let clock = ContinuousClock()
            var diagnostics: [Diagnostic] = []
            let cpuStart = Self.cpuSeconds()
            let elapsed = try clock.measure {
                let result = try GuideLoader.loadFolder(at: folder.path)
                diagnostics = linter.lint(result)
            }
            if run > 0 {
                times.append(Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
                cpuTimes.append(Self.cpuSeconds() - cpuStart)
            }
            findings = diagnostics.count
            if run == 0, let first = diagnostics.first {
                try Output.line("warning: the generated guides are not clean: \(first)")
            }
        }
        times.sort()
        cpuTimes.sort()
        let median = times[times.count / 2]
        let best = times[0]
        try Output.line("load + lint, \(runs) runs: median \(Self.format(median)), best \(Self.format(best))")
        try Output.line(
            "CPU time (this process, less sensitive to a busy machine): median "
                + "\(Self.format(cpuTimes[cpuTimes.count / 2])), best \(Self.format(cpuTimes[0]))"
        )
        try Output.line(
            "throughput: \(Int(Double(guides) / median)) guides/s, \(Int(Double(bytes) / median / 1_048_576)) MiB/s"
        )
        try Output.line("findings per run: \(findings)")
    }

    /// The CPU time this process has used, in seconds.
    private static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private static func format(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1_000) : String(format: "%.2f s", seconds)
    }
}
