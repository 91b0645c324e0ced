import Foundation
import Testing

@testable import GuideKit

/// One meaning of "finished": the drop-off report, the tracker (`guidekit state`) and the state machine
/// agree on every user of the same logs (see "Finished" in the Selection article).
@Suite struct FinishedAgreementTests {
    typealias F = SelectionFixtures

    /// Per (user, guide): whether the report counts the user as finished in some version of the guide.
    ///
    /// Each line gets the property `who` (its user), and the report is broken down by it: every group is
    /// one user's run, so `finished` is 0 or 1.
    static func reportVerdicts(_ lines: [String], guides: Set<String>) throws -> [String: Bool] {
        var tagged: [String] = []
        for line in lines {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                "not an object: \(line)"
            )
            let user = try #require(object["user"] as? String)
            tagged.append(String(line.dropLast()) + ",\"who\":\"\(user)\"}")
        }
        var options = ReportOptions()
        options.windowSeconds = 0
        options.breakdown = .property("who")
        let report = try DropOffReport(
            reading: [.bytes(Array((tagged.joined(separator: "\n") + "\n").utf8), name: "log", format: .jsonLines)],
            book: try StepOrderBook(guidesFolder: F.path("guides"), usesGitHistory: false),
            options: options
        )
        #expect(report.input.badLines == 0)
        var verdicts: [String: Bool] = [:]
        for entry in report.guides where guides.contains(entry.guide) {
            let user = try #require(entry.group.map { String($0.dropFirst("who=".count)) })
            #expect(entry.finished <= 1, "\(entry.label)")
            verdicts["\(user) \(entry.guide)", default: false] =
                verdicts["\(user) \(entry.guide)", default: false]
                || entry.finished == 1
        }
        return verdicts
    }

    /// Per (user, guide): whether the tracker's state says the user finished the guide (`completed_at`).
    static func trackerVerdicts(_ lines: [String], guides: Set<String>) throws -> [String: Bool] {
        var tracker = Tracker(guides: F.examples)
        try tracker.read(.bytes(Array((lines.joined(separator: "\n") + "\n").utf8), name: "log", format: .jsonLines))
        var verdicts: [String: Bool] = [:]
        for state in tracker.states() {
            for (guide, progress) in state.guides where guides.contains(guide) {
                verdicts["\(state.id) \(guide)"] = progress.completedAt != nil
            }
        }
        return verdicts
    }

    static func compare(_ lines: [String], expectingUnfinishedLastSteps: Bool = true) throws {
        let guides = Set(F.examples.ids)
        let report = try reportVerdicts(lines, guides: guides)
        let tracker = try trackerVerdicts(lines, guides: guides)
        #expect(report.count > 20)
        #expect(Set(report.keys) == Set(tracker.keys))
        var disagreements: [String] = []
        for (key, finished) in report.sorted(by: { $0.key < $1.key }) where tracker[key] != finished {
            disagreements.append("\(key): report \(finished), state \(tracker[key].map(String.init) ?? "none")")
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) users: \(disagreements.prefix(10))")
        #expect(report.values.contains(true) && report.values.contains(false))
    }

    /// A generated log with some `guide_completed` lost (an app closed before sending it), every other line
    /// in reverse order, and one line sent twice.
    static func lossyLog(seed: UInt64, users: Int) -> [String] {
        let lines = TrackerGeneratorTests.lines(seed: seed, users: users)
        var kept: [String] = []
        var completions = 0
        for line in lines {
            if line.contains("\"type\":\"guide_completed\"") {
                completions += 1
                if completions % 2 == 0 { continue }
            }
            kept.append(line)
        }
        let shuffled = kept.enumerated().map { $0.offset % 2 == 0 ? $0.element : kept[kept.count - 1 - $0.offset] }
        return shuffled + kept.prefix(1)
    }

    @Test func theExampleLog() throws {
        let text = try String(contentsOfFile: F.path("examples/events/acme-onboarding.jsonl"), encoding: .utf8)
        try Self.compare(text.split(separator: "\n").map(String.init))
    }

    @Test(arguments: [UInt64(11), 12])
    func generatedLogsWithLostCompletions(seed: UInt64) throws {
        try Self.compare(Self.lossyLog(seed: seed, users: 40))
    }

    @Test func theLastStepsCompletionFinishesTheGuideInTheState() throws {
        // The log: a start, views and completions, ending in step_completed of the last step.
        var log = LogBuilder()
        let steps = ["welcome", "sidebar", "new-project", "search", "invite", "done"]
        log.add(0, "u1", "guide_started", guide: "welcome-tour", version: 3)
        for (index, step) in steps.enumerated() {
            log.add(Double(index) + 0.1, "u1", "step_viewed", step, guide: "welcome-tour", version: 3)
            if step != "done" {
                log.add(Double(index) + 0.5, "u1", "step_completed", step, guide: "welcome-tour", version: 3)
            }
        }
        log.add(9, "u1", "step_completed", "done", guide: "welcome-tour", version: 3)
        // u2 stops one step earlier.
        log.add(0, "u2", "guide_started", guide: "welcome-tour", version: 3)
        log.add(1, "u2", "step_viewed", "invite", guide: "welcome-tour", version: 3)
        log.add(2, "u2", "step_completed", "invite", guide: "welcome-tour", version: 3)
        var tracker = Tracker(guides: F.examples)
        try tracker.read(.bytes(Array(log.text.utf8), name: "log", format: .jsonLines))
        let states = tracker.states()
        let finished = try #require(states.first { $0.id == "u1" }?.guides["welcome-tour"])
        #expect(finished.status == .completed)
        #expect(finished.step == "done")
        #expect(finished.completedAt == Timestamp.date(parsing: LogBuilder.time(9)))
        let stopped = try #require(states.first { $0.id == "u2" }?.guides["welcome-tour"])
        #expect(stopped.status == .inProgress)
        #expect(stopped.completedAt == nil)
    }

    @Test func aVariantsOwnLastStepFinishesItsUsers() throws {
        // board-automations-ab: recipe-modal brings its own steps, ending in recipe-done; the guide's own
        // order ends in rule-saved. recipe-done finishes only with the variant on the event.
        var log = LogBuilder()
        let variant = ",\"variant\":\"recipe-modal\""
        for (user, step, extra) in [
            ("u1", "recipe-done", variant), ("u2", "recipe-done", ""), ("u3", "rule-saved", ""),
            ("u4", "rule-saved", variant),
        ] {
            log.add(0, user, "step_viewed", step, guide: "board-automations-ab", extra: extra)
            log.add(1, user, "step_completed", step, guide: "board-automations-ab", extra: extra)
        }
        var tracker = Tracker(guides: F.examples)
        try tracker.read(.bytes(Array(log.text.utf8), name: "log", format: .jsonLines))
        let status = Dictionary(
            uniqueKeysWithValues: tracker.states().map { ($0.id, $0.guides["board-automations-ab"]?.status) }
        )
        #expect(status == ["u1": .completed, "u2": .inProgress, "u3": .completed, "u4": .inProgress])
    }
}
