import Foundation
import GuideKit
import Testing

/// Checklists: items tick from their `done_when`, and a checklist whose required items are all done moves on.
@Suite struct ChecklistTests {
    typealias F = SelectionFixtures

    static let now = Timestamp.date(parsing: "2026-11-23T10:00:00Z") ?? Date()

    static let steps = """
        steps:
          - id: list
            kind: checklist
            title: Get going
            items:
              - {id: project, label: Create a project, done_when: {events.project_created.count: {$gte: 1}}}
              - {id: tasks, label: Complete two tasks, done_when: {events.task_completed.count: {$gte: 2}}}
              - {id: read, label: Read the guide}
            buttons: [{label: Done, action: next}]
          - {id: after, kind: modal, title: Well done, buttons: [{label: Close, action: complete}]}
        """

    func set(_ steps: String = Self.steps) throws -> CompiledGuideSet {
        try F.set([F.guide("cl", steps: steps)])
    }

    func state(projects: Int = 0, tasks: Int = 0, step: String? = nil) -> UserState {
        var state = UserState(id: "u")
        for (name, count) in [("project_created", projects), ("task_completed", tasks)] where count > 0 {
            let times = Array(repeating: Self.now, count: count)
            state.events[name] = UserState.EventSummary(count: count, first: Self.now, last: Self.now, times: times)
        }
        if let step {
            var progress = UserState.GuideProgress()
            progress.status = .inProgress
            progress.step = step
            progress.shows = 1
            progress.lastShown = Self.now
            state.guides["cl"] = progress
        }
        return state
    }

    func decision(_ set: CompiledGuideSet, _ state: UserState) -> Decision {
        Selector(set).select(for: state, in: SelectionContext(page: "/home", now: Self.now)).decision
    }

    @Test func itemsCarryTheirDoneState() throws {
        let step = try #require(decision(try set(), state(projects: 1, tasks: 1)).step)
        #expect(step.id == "list")
        #expect(step.items.map(\.done) == [true, false, false])
        #expect(step.items.map(\.required) == [true, true, false])
        #expect(!step.isFinishedChecklist)
    }

    @Test func aFinishedChecklistMovesOnInSelection() throws {
        // In progress on the list, both required items done (outside the state machine): the next step shows.
        let resumed = decision(try set(), state(projects: 1, tasks: 2, step: "list"))
        #expect(resumed.summary == "cl/after")
        #expect(resumed.resumes)
        // Never shown and already done: the checklist is passed like a step whose `when` is false.
        #expect(decision(try set(), state(projects: 3, tasks: 5)).summary == "cl/after")
    }

    @Test func theEventThatFinishesTheChecklistAdvancesIt() throws {
        let machine = GuideStateMachine(try set())
        var state = state(projects: 1, tasks: 1, step: "list")
        let events = try machine.apply(.event("task_completed"), to: &state, at: Self.now)
        #expect(events.map(\.summary) == ["step_completed cl/list", "step_viewed cl/after"])
        #expect(state.guides["cl"]?.step == "after")
        // An event that ticks nothing more leaves the guide where it is.
        #expect(try machine.apply(.event("task_completed"), to: &state, at: Self.now).isEmpty)
    }

    @Test func aChecklistAsTheLastStepCompletesTheGuide() throws {
        let last = """
            steps:
              - {id: one, kind: modal, title: One}
              - id: list
                kind: checklist
                items: [{id: project, label: Create a project, done_when: {events.project_created.count: {$gte: 1}}}]
            """
        let machine = GuideStateMachine(try set(last))
        var state = state(step: "list")
        let events = try machine.apply(.event("project_created"), to: &state, at: Self.now)
        #expect(events.map(\.summary) == ["step_completed cl/list", "guide_completed cl/list"])
        #expect(state.guides["cl"]?.status == .completed)
    }

    @Test func onlyUserTickedItemsNeverFinishByThemselves() throws {
        let manual = """
            steps:
              - id: list
                kind: checklist
                items: [{id: a, label: Read the docs}, {id: b, label: Watch the video}]
              - {id: after, kind: modal, title: Done}
            """
        let machine = GuideStateMachine(try set(manual))
        var state = state(projects: 4, tasks: 4, step: "list")
        #expect(try machine.apply(.event("project_created"), to: &state, at: Self.now).isEmpty)
        #expect(decision(try set(manual), state).summary == "cl/list")
    }

    @Test func showingTheNextStepCompletesAChecklistFinishedOutsideTheMachine() throws {
        let machine = GuideStateMachine(try set())
        var state = state(projects: 1, tasks: 2, step: "list")
        let events = try machine.apply(.show(guide: "cl", step: "after", variant: nil), to: &state, at: Self.now)
        #expect(events.map(\.summary) == ["step_completed cl/list", "step_viewed cl/after"])
    }

    @Test func theTrackerRebuildsTheStateOfATickedChecklist() throws {
        // The events a timeline produced, replayed by the tracker, give the same progress as the timeline.
        let scenario = try Scenario(contentsOf: F.path("guides/tests/setup-checklist-ticks.yaml"))
        let start = try #require(scenario.user)
        let result = try TimelineRunner(F.examples).run(scenario)
        #expect(result.passed)
        let events = result.steps.flatMap(\.events)
        #expect(events.contains { $0.name == .stepCompleted && $0.step == "checklist" })
        var tracker = Tracker(guides: F.examples, base: [start.id: start])
        for event in events {
            tracker.add(
                TrackerEvent(user: start.id, event: event, location: SourceLocation(file: "t", line: 1, column: 1))
            )
        }
        let rebuilt = try #require(tracker.states().first)
        #expect(rebuilt.guides["setup-checklist"] == result.finalState.guides["setup-checklist"])
        #expect(rebuilt.guides["setup-checklist"]?.status == .completed)

        // The drop-off report over the same events: the checklist step is reached and completed, and the
        // user finished the guide.
        let lines = events.filter { $0.guideID == "setup-checklist" }.map { event in
            "{\"ts\":\"\(Timestamp.string(from: event.time))\",\"user\":\"\(start.id)\",\"guide\":\"\(event.guideID)\","
                + "\"version\":\(event.version ?? 0),\"type\":\"\(event.name.rawValue)\""
                + (event.step.map { ",\"step\":\"\($0)\"" } ?? "") + "}"
        }
        var options = ReportOptions()
        options.windowSeconds = 0
        let report = try DropOffReport(
            reading: [.bytes(Array((lines.joined(separator: "\n") + "\n").utf8), name: "log", format: .jsonLines)],
            book: try StepOrderBook(guidesFolder: F.path("guides"), usesGitHistory: false),
            options: options
        )
        let guide = try #require(report.guides.first { $0.guide == "setup-checklist" })
        #expect(guide.finished == 1)
        let checklist = try #require(guide.steps.first { $0.id == "checklist" })
        #expect(checklist.reached == 1 && checklist.completed == 1)
    }
}
