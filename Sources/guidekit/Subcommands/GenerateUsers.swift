import ArgumentParser
import Foundation
import GuideKit

/// `guidekit generate-users`: seeded, realistic user states for population simulations.
struct GenerateUsers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write generated Acme Projects users as JSON Lines (the same seed gives the same users).",
        discussion: """
            Example: guidekit generate-users --count 1000 -o users.jsonl, then guidekit simulate --users users.jsonl

            """ + ExitStatus.help(failedCheck: nil)
    )

    @Option(help: "How many users.")
    var count = 1_000

    @Option(help: "The random seed.")
    var seed: UInt64 = 1

    @Option(help: "Every user's `now`, ISO 8601.")
    var now = "2026-12-03T10:00:00Z"

    @Option(name: .shortAndLong, help: "The output file (default: standard output).")
    var output: String?

    func validate() throws {
        if count < 0 { throw ValidationError("--count must be 0 or more") }
        if Timestamp.date(parsing: now) == nil {
            throw ValidationError("--now '\(now)' is not \(Timestamp.expectedForm)")
        }
    }

    func run() throws {
        guard let date = Timestamp.date(parsing: now) else { return }
        var generator = PopulationGenerator(seed: seed, now: date)
        let descriptor = try output.map(OutputFile.descriptor(forWriting:)) ?? STDOUT_FILENO
        defer { if output != nil { close(descriptor) } }
        let name = output ?? "standard output"
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        for _ in 0..<count {
            buffer += PopulationGenerator.jsonLine(generator.next())
            buffer += "\n"
            if buffer.utf8.count > 1 << 20 {
                try Output.write(buffer, to: descriptor, name: name)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try Output.write(buffer, to: descriptor, name: name)
    }
}
