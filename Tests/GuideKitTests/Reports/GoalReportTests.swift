import Foundation
import Testing

@testable import GuideKit

/// Goals and experiments: goal conversion per entry, exposures per arm, each arm against the holdout.
@Suite struct GoalReportTests {
    static let day = 24.0 * 60  // minutes

    static var goalOutline: GuideOutline {
        var outline = tourOutline
        outline.goalEvent = "project_created"
        outline.goalWithinSeconds = 7 * 86_400
        outline.variants = ["control", "a", "b"]
        outline.holdout = "control"
        return outline
    }

    static func product(_ minutes: Double, _ user: String, _ name: String = "project_created") -> String {
        "{\"type\":\"track\",\"event\":\"\(name)\",\"user\":\"\(user)\",\"ts\":\"\(LogBuilder.time(minutes))\"}"
    }

    static func exposure(_ minutes: Double, _ user: String, _ variant: String, version: Int = 1) -> String {
        "{\"type\":\"exposure\",\"guide\":\"tour\",\"version\":\(version),\"variant\":\"\(variant)\","
            + "\"user\":\"\(user)\",\"ts\":\"\(LogBuilder.time(minutes))\",\"id\":\"x-\(user)\"}"
    }

    /// u1 reaches the goal a day after starting; u2 after eight days (too late); u3 before starting; u4
    /// never; u5 has no start but a first step view, and reaches it an hour later; u6 did it without the guide.
    static func goalLog() -> String {
        var log = LogBuilder()
        for user in ["u1", "u2", "u3", "u4"] {
            log.add(0, user, "guide_started")
            log.add(1, user, "step_viewed", "a")
        }
        log.add(30, "u5", "step_viewed", "a")
        log.lines += [
            product(day, "u1"), product(8 * day, "u2"), product(-5, "u3"), product(90, "u5"), product(10, "u6"),
            product(20, "u4", "something_else"),
        ]
        return log.text
    }

    @Test(arguments: [(1, true), (2, true), (2, false)])
    func goalConversionCountsEventsWithinTheWindowAfterTheStart(threads: Int, usesEventRuns: Bool) throws {
        let report = try DropOffReport(
            reading: [.bytes(Array(Self.goalLog().utf8), name: "log", format: .jsonLines)],
            book: StepOrderBook(current: [Self.goalOutline]),
            options: noWindow(),
            threads: threads,
            minimumPartSize: 64,
            usesEventRuns: usesEventRuns
        )
        let goal = try #require(report.guide()?.goal)
        #expect(goal.event == "project_created")
        #expect(goal.converted?.count == 2)  // u1 and u5
        #expect(goal.converted?.of == 5)
        #expect(goal.converted?.interval != nil)
        // As of is the latest guide event (30 minutes in): every window is still open.
        #expect(goal.open == 5)
        #expect(report.input.productEvents == 6)
        #expect(report.input.badLines == 0)
        #expect(report.input.skipped.first { $0.issue == .otherEvent }?.count == 6)
    }

    @Test func anOpenWindowIsCountedAndTheRendererShowsTheGoal() throws {
        var log = LogBuilder()
        log.add(0, "u1", "step_viewed", "a")
        log.add(2 * Self.day, "u2", "step_viewed", "a")
        log.lines.append(Self.product(10, "u1"))
        let report = try makeReport(log.text, book: StepOrderBook(current: [Self.goalOutline]), options: noWindow())
        let goal = try #require(report.guide()?.goal)
        #expect(goal.converted?.count == 1)
        #expect(goal.open == 2)  // as of is 2 days in: both started less than 7 days before
        let table = TableRenderer().render(report)
        #expect(table.contains("goal project_created within 7d: 1 of 2 (50.0%, 95% CI"))
        #expect(table.contains("2 still within the window"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(JSONRenderer().render(report).utf8)) as? [String: Any]
        )
        let entry = try #require((json["guides"] as? [[String: Any]])?.first)
        let goalJSON = try #require(entry["goal"] as? [String: Any])
        #expect(goalJSON["reached"] as? Int == 1)
        #expect(goalJSON["rate"] as? Double == 0.5)
        #expect((goalJSON["ci95"] as? [Double])?.count == 2)
        let csv = CSVRenderer().render(report)
        #expect(
            csv.split(separator: "\n")[0].contains("goal_event,goal_reached,goal_rate,goal_ci95_low,goal_ci95_high")
        )
        #expect(csv.split(separator: "\n")[1].contains(",project_created,1,0.5,"))
        let html = HTMLRenderer().render(report)
        #expect(html.contains("goal: project_created within 7d"))
    }

    @Test func withoutProductEventsTheGoalIsNotMeasured() throws {
        var log = LogBuilder()
        log.add(0, "u1", "step_viewed", "a")
        let report = try makeReport(log.text, book: StepOrderBook(current: [Self.goalOutline]), options: noWindow())
        let goal = try #require(report.guide()?.goal)
        #expect(goal.converted == nil)
        #expect(TableRenderer().render(report).contains("goal project_created within 7d: not measured"))
        #expect(report.experiments.isEmpty)
    }

    /// 100 users per arm; `converted` of them create a project a day after exposure.
    static func experimentLog(control: Int, a: Int, b: Int) -> String {
        var lines: [String] = []
        for (variant, converted) in [("control", control), ("a", a), ("b", b)] {
            for index in 0..<100 {
                let user = "\(variant)-\(index)"
                lines.append(exposure(Double(index), user, variant))
                if index < converted { lines.append(product(Double(index) + day, user)) }
            }
        }
        var log = LogBuilder()
        log.add(0, "a-0", "step_viewed", "a", extra: ",\"variant\":\"a\"")
        log.add(9 * day, "b-0", "step_viewed", "a", extra: ",\"variant\":\"b\"")
        return (log.lines + lines).joined(separator: "\n") + "\n"
    }

    @Test func eachArmIsComparedWithTheHoldoutByExposure() throws {
        let report = try makeReport(
            Self.experimentLog(control: 10, a: 30, b: 12),
            book: StepOrderBook(current: [Self.goalOutline]),
            options: noWindow(),
            threads: 2
        )
        #expect(report.input.badLines == 0)
        #expect(report.input.exposures == 300)
        let experiment = try #require(report.experiments.first)
        #expect(experiment.label == "tour v1")
        #expect(experiment.holdout == "control")
        #expect(experiment.arms.map(\.variant) == ["control", "a", "b"])
        #expect(experiment.arms.map(\.exposed) == [100, 100, 100])
        #expect(experiment.arms.map { $0.converted?.count } == [10, 30, 12])
        #expect(experiment.comparisons.count == 2)
        let findings = experiment.comparisons.flatMap(\.findings)
        #expect(
            findings[0].hasPrefix(
                "variant a (v1) reaches the goal more often than variant control (v1) (30.0% vs 10.0%, p "
            )
        )
        #expect(
            findings[1].hasPrefix(
                "no significant difference in reaching the goal between variant b (v1) and variant control (v1) (p = "
            )
        )
        let table = TableRenderer().render(report)
        #expect(table.contains("Experiment tour v1: goal project_created within 7d, by exposure"))
        #expect(table.contains("  control (holdout): 100 exposed: 10 of 100 (10.0%, 95% CI"))
        let html = HTMLRenderer().render(report)
        #expect(html.contains("<section class=\"experiment\"><h2>Experiment tour v1"))
        let json = JSONRenderer().render(report)
        #expect(json.contains("\"experiments\""))
        #expect(json.contains("\"exposed\": 100"))
    }

    @Test func exposuresAreNotesForTheTrackerToo() throws {
        let text = Self.experimentLog(control: 1, a: 1, b: 1)
        var tracker = Tracker(guides: SelectionFixtures.examples)
        try tracker.read(.bytes(Array(text.utf8), name: "log", format: .jsonLines))
        #expect(tracker.summary.errorCount == 0)
        #expect(tracker.summary.issues[.otherEvent] == 303)
    }

    @Test func titlesAndOptionalStepsComeFromTheGuideFile() throws {
        let book = try StepOrderBook(guidesFolder: SelectionFixtures.path("guides"), usesGitHistory: false)
        let connect = try #require(book.current["connect-integration"])
        #expect(!connect.optionalSteps.isEmpty)
        #expect(connect.optionalSteps.isSubset(of: Set(connect.steps)))
        #expect(connect.stepTitles[connect.steps[0]] != nil)
        let welcome = try #require(book.current["welcome-tour"])
        #expect(welcome.optionalSteps == ["invite"])  // its own `when`: admins and owners only
        #expect(welcome.goalEvent == "project_created")
        #expect(welcome.goalWithinSeconds == 7 * 86_400)
        let experiment = try #require(book.current["board-automations-ab"])
        #expect(experiment.holdout == "control")
        #expect(experiment.variants == ["control", "tooltip-tour", "recipe-modal"])
    }
}
