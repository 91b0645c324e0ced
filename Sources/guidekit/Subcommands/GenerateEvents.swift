import ArgumentParser
import Foundation
import GuideKit

/// `guidekit generate-events`: a seeded, realistic guide event log for the guides of a folder.
struct GenerateEvents: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-events",
        abstract: "Write a generated guide event log (JSON Lines) of Acme Projects users going through the guides.",
        discussion: """
            Users of a generated population visit pages, perform events and react to the guides the selector \
            shows (through the simulator's state machine). The same seed and options give the same log. \
            Example: guidekit generate-events --users 600 --seed 7 --days 14 -o examples/events/acme-onboarding.jsonl

            A run that produces no event (no guide any user could see) is a data error (65), not an empty log.

            """ + ExitStatus.help(failedCheck: nil)
    )

    @Option(help: "The guides folder.")
    var guides = "guides"

    @Option(help: "How many users.")
    var users = 500

    @Option(help: "The random seed.")
    var seed: UInt64 = 1

    @Option(help: "How many days the log covers.")
    var days = 14

    @Option(help: "When the log starts, ISO 8601.")
    var start = "2026-11-20T00:00:00Z"

    @Option(name: .shortAndLong, help: "The output file (default: standard output).")
    var output: String?

    func validate() throws {
        if users < 1 { throw ValidationError("--users must be 1 or more") }
        if days < 1 { throw ValidationError("--days must be 1 or more") }
        if Timestamp.date(parsing: start) == nil {
            throw ValidationError("--start '\(start)' is not \(Timestamp.expectedForm)")
        }
    }

    func run() throws {
        guard let date = Timestamp.date(parsing: start) else { return }
        let set = try GuidesFolder.load(guides)
        var generator = EventLogGenerator(set, seed: seed, start: date, days: days)
        let events = generator.generate(users: users)
        if events.isEmpty {
            throw CommandFailure.error(
                .dataError,
                "no events: none of the \(users) users saw a guide of \(guides) in \(days) day(s) "
                    + "(are its guides drafts, archived or scheduled outside the log's days?); nothing written"
            )
        }
        var text = ""
        text.reserveCapacity(events.count * 200)
        for event in events {
            text += event.jsonLine
            text += "\n"
        }
        if let output {
            try OutputFile.write(text, to: output)
        } else {
            try Output.write(text)
        }
        let userCount = Set(events.map(\.user)).count
        var note = "wrote \(events.count) events of \(userCount) users"
        for (guide, variants) in generator.holdouts.sorted(by: { $0.key < $1.key }) {
            let groups = variants.sorted { $0.key < $1.key }.map { "\($0.value.count) in '\($0.key)'" }
            note += "; \(guide) held out \(groups.joined(separator: ", ")) (no events: they saw nothing)"
        }
        Output.error(note + "\n")
    }
}
