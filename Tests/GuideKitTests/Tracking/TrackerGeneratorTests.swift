import Foundation
import GuideKit
import Testing

/// The event log generator: seeded, valid, and read back cleanly by the tracker and the report.
@Suite struct TrackerGeneratorTests {
    typealias F = SelectionFixtures

    static let start = Timestamp.date(parsing: "2026-11-20T00:00:00Z") ?? Date(timeIntervalSince1970: 0)

    /// One log shared by the tests that read it (generation takes a few seconds in a debug build).
    static let shared = lines(seed: 7, users: 60)

    static func lines(seed: UInt64, users: Int) -> [String] {
        var generator = EventLogGenerator(F.examples, seed: seed, start: start, days: 14)
        return generator.generate(users: users).map(\.jsonLine)
    }

    @Test func theSameSeedGivesTheSameLog() {
        let first = Self.lines(seed: 3, users: 8)
        #expect(!first.isEmpty)
        #expect(first == Self.lines(seed: 3, users: 8))
        #expect(first != Self.lines(seed: 4, users: 8))
    }

    @Test func everyEventIsValidAndInTimeOrder() throws {
        let lines = Self.shared
        var tracker = Tracker(guides: F.examples)
        try tracker.read(.bytes(Array((lines.joined(separator: "\n") + "\n").utf8), name: "gen", format: .jsonLines))
        let states = tracker.states()
        #expect(tracker.summary.events == lines.count)
        #expect(tracker.summary.issues.isEmpty)
        #expect(tracker.summary.unknownGuides.isEmpty)
        #expect(tracker.summary.duplicates == 0)
        var previous = ""
        for line in lines {
            let ts = String(line.dropFirst(7).prefix(20))
            #expect(ts >= previous, "out of order: \(line)")
            previous = ts
            #expect(ts.hasSuffix("Z") && !ts.contains("."), "whole seconds in UTC: \(line)")
            let isStartOrEnd =
                line.contains("\"type\":\"guide_started\"") || line.contains("\"type\":\"guide_completed\"")
            #expect(isStartOrEnd != line.contains("\"step\":"), "step only on step, dismiss and snooze events: \(line)")
        }
        // Journeys end in every state: finished, dismissed or snoozed, and some still in progress.
        let statuses = Set(states.flatMap { $0.guides.values.map(\.status) })
        #expect(statuses.isSuperset(of: [.completed, .dismissed, .inProgress]))
    }

    @Test func replayingTheLogRebuildsTheSimulatedProgress() throws {
        // The tracker's states agree with the events: every show starts with guide_started (a guide left in
        // progress before the log starts again as a new show), and completed guides have a completion time.
        let lines = Self.shared
        var tracker = Tracker(guides: F.examples)
        try tracker.read(.bytes(Array(lines.joined(separator: "\n").utf8), name: "gen", format: .jsonLines))
        for state in tracker.states() {
            for (guide, progress) in state.guides {
                let starts = lines.filter {
                    $0.contains("\"user\":\"\(state.id)\"") && $0.contains("\"guide\":\"\(guide)\"")
                        && $0.contains("guide_started")
                }
                #expect(progress.shows == starts.count, "\(state.id) \(guide)")
                #expect(progress.status != .completed || progress.completedAt != nil)
            }
        }
    }

    @Test func theReportReadsItWithoutBadLinesOrUnknownGuides() throws {
        let text = Self.shared.joined(separator: "\n") + "\n"
        let book = try StepOrderBook(guidesFolder: F.path("guides"), usesGitHistory: false)
        let report = try DropOffReport(
            reading: [.bytes(Array(text.utf8), name: "gen", format: .jsonLines)],
            book: book
        )
        #expect(report.input.badLines == 0)
        #expect(report.input.unknownGuides.isEmpty)
        #expect(report.guides.count >= 4)
        #expect(report.guides.contains { $0.guide == "welcome-tour" && $0.finished > 0 })
        // The report's step order is the guide's own steps; a variant with its own steps (recipe-modal of
        // board-automations-ab) shows as unmapped there. Nothing else may be unmapped.
        for guide in report.guides {
            let compiled = try #require(F.examples[guide.guide])
            let variantSteps = Set(compiled.variantSteps.values.flatMap { $0.map(\.step.id.value) })
            #expect(Set(guide.unmappedEvents.keys).isSubset(of: variantSteps), "\(guide.guide)")
        }
    }
}
