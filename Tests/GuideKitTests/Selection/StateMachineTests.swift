import Foundation
import GuideKit
import Testing

/// The state machine: actions, app events, advance_on, and tracked guide events.
@Suite struct StateMachineTests {
    typealias F = SelectionFixtures

    static let now = Timestamp.date(parsing: "2026-11-23T10:00:00Z") ?? Date()

    static let steps = """
        frequency: {snooze: 3d}
        steps:
          - {id: one, kind: modal, buttons: [{label: Go, action: next}, {label: Later, action: snooze}]}
          - id: two
            kind: tooltip
            target: '#x'
            advance_on: {event: project_created}
          - id: three
            kind: tooltip
            target: '#y'
            advance_on: {click: '#y'}
          - id: four
            kind: modal
            advance_on: {page: "/projects/*"}
          - {id: five, kind: modal, buttons: [{label: Restart, action: {goto: one}}, {label: Finish, action: complete}]}
        """

    func machine() throws -> GuideStateMachine { GuideStateMachine(try F.set([F.guide("a", steps: Self.steps)])) }

    @Test func showStartsAndResumingIsNotANewShow() throws {
        let machine = try machine()
        var state = UserState(id: "u1")
        let events = try machine.apply(.show(guide: "a", step: "one", variant: "v1"), to: &state, at: Self.now)
        #expect(events.map(\.name) == [.guideStarted, .stepViewed])
        let progress = try #require(state.guides["a"])
        #expect(progress.status == .inProgress)
        #expect(progress.shows == 1)
        #expect(progress.step == "one")
        #expect(progress.version == 1)
        #expect(progress.variant == "v1")
        #expect(progress.startedAt == Self.now)
        #expect(progress.lastShown == Self.now)
        let again = try machine.apply(.show(guide: "a", step: "one", variant: "v1"), to: &state, at: Self.now + 60)
        #expect(again.isEmpty)
        #expect(state.guides["a"]?.shows == 1)
        #expect(state.guides["a"]?.lastShown == Self.now)
    }

    /// A client that reports only what the user did (the web SDK: a view when drawn, a completion when the user
    /// moves on) is shown the following step: completing the step on screen moves the guide as *next* would.
    @Test func completingTheCurrentStepMovesTheGuideOn() throws {
        let machine = try machine()
        var state = UserState(id: "u1")
        func event(_ name: TrackedGuideEvent.Name, _ step: String?, _ seconds: Double) {
            let tracked = TrackedGuideEvent(name, at: Self.now + seconds, guide: "a", version: 1, step: step)
            machine.apply(tracked, to: &state)
        }
        event(.guideStarted, "one", 0)
        event(.stepViewed, "one", 0)
        event(.stepCompleted, "one", 5)
        #expect(state.guides["a"]?.step == "two")
        #expect(state.guides["a"]?.status == .inProgress)
        // The log's own view of the next step changes nothing; a completion of a step not on screen moves nothing.
        event(.stepViewed, "two", 6)
        #expect(state.guides["a"]?.step == "two")
        event(.stepCompleted, "two", 7)
        #expect(state.guides["a"]?.step == "three")
        event(.stepCompleted, "one", 8)
        #expect(state.guides["a"]?.step == "one")
        event(.stepViewed, "four", 9)
        event(.stepCompleted, "four", 10)
        #expect(state.guides["a"]?.step == "five")
        event(.stepCompleted, "five", 11)
        #expect(state.guides["a"]?.status == .completed)
    }

    /// `record(event:)` and `apply(.event)` are one way to record an app event: both count it and both move
    /// a step that waits for it.
    @Test func recordingAnAppEventMovesAStepThatWaitsForIt() throws {
        let machine = try machine()
        var recorded = UserState(id: "u1")
        try machine.apply(.show(guide: "a", step: "two", variant: nil), to: &recorded, at: Self.now)
        var applied = recorded
        let moved = try machine.record(event: "project_created", in: &recorded, at: Self.now + 10)
        #expect(moved.map(\.name) == [.stepCompleted, .stepViewed])
        #expect(recorded.guides["a"]?.step == "three")
        #expect(recorded.events["project_created"]?.count == 1)
        let appliedEvents = try machine.apply(.event("project_created"), to: &applied, at: Self.now + 10)
        #expect(appliedEvents == moved)
        #expect(applied == recorded)
    }

    @Test func nextBackGotoCompleteAndAdvanceOn() throws {
        let machine = try machine()
        var state = UserState(id: "u1")
        try machine.apply(.show(guide: "a", step: "one", variant: nil), to: &state, at: Self.now)
        try machine.apply(.click("Go", guide: "a"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.step == "two")
        try machine.apply(.back(guide: "a"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.step == "one")
        try machine.apply(.next(guide: "a"), to: &state, at: Self.now)
        // advance_on event: the event is counted and moves the step.
        try machine.apply(.event("project_created"), to: &state, at: Self.now + 10)
        #expect(state.guides["a"]?.step == "three")
        #expect(state.events["project_created"]?.count == 1)
        // advance_on click by selector.
        try machine.apply(.click("#y", guide: "a"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.step == "four")
        // advance_on page.
        try machine.apply(.visit("/home"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.step == "four")
        try machine.apply(.visit("/projects/42"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.step == "five")
        #expect(state.page?.path == "/projects/42")
        try machine.apply(.click("Restart", guide: "a"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.step == "one")
        try machine.apply(.goto(guide: "a", step: "five"), to: &state, at: Self.now)
        let events = try machine.apply(.click("Finish", guide: "a"), to: &state, at: Self.now + 99)
        #expect(events.map(\.name) == [.stepCompleted, .guideCompleted])
        #expect(state.guides["a"]?.status == .completed)
        #expect(state.guides["a"]?.completedAt == Self.now + 99)
    }

    @Test func nextOnTheLastStepCompletes() throws {
        let machine = try machine()
        var state = UserState(id: "u1")
        try machine.apply(.show(guide: "a", step: "five", variant: nil), to: &state, at: Self.now)
        try machine.apply(.completeStep(guide: "a"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.status == .completed)
    }

    @Test func dismissAndSnooze() throws {
        let machine = try machine()
        var state = UserState(id: "u1")
        try machine.apply(.show(guide: "a", step: "one", variant: nil), to: &state, at: Self.now)
        try machine.apply(.click("Later", guide: "a"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.status == .snoozed)
        #expect(state.guides["a"]?.snoozedUntil == Self.now + 3 * 86_400)
        try machine.apply(.show(guide: "a", step: "one", variant: nil), to: &state, at: Self.now + 4 * 86_400)
        #expect(state.guides["a"]?.shows == 2)
        #expect(state.guides["a"]?.snoozedUntil == nil)
        try machine.apply(.dismiss(guide: "a"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.status == .dismissed)
    }

    @Test func appEventsKeepCountFirstLastAndTimesNewestFirst() throws {
        let machine = try machine()
        var state = UserState(id: "u1")
        try machine.record(event: "task_completed", in: &state, at: Self.now)
        try machine.record(event: "task_completed", in: &state, at: Self.now - 100)
        try machine.record(event: "task_completed", in: &state, at: Self.now + 100)
        let summary = state.events["task_completed"]
        #expect(summary?.count == 3)
        #expect(summary?.first == Self.now - 100)
        #expect(summary?.last == Self.now + 100)
        #expect(summary?.times == [Self.now + 100, Self.now, Self.now - 100])
    }

    @Test func errorsNameTheFix() throws {
        let machine = try machine()
        var state = UserState(id: "u1")
        #expect(throws: SelectionError(.unknownGuide, "no guide 'b'; did you mean 'a'?")) {
            try machine.apply(.next(guide: "b"), to: &state, at: Self.now)
        }
        #expect(throws: SelectionError(.notInProgress, "'a' is not in progress (it is not_started)")) {
            try machine.apply(.next(guide: "a"), to: &state, at: Self.now)
        }
        try machine.apply(.show(guide: "a", step: "one", variant: nil), to: &state, at: Self.now)
        #expect(throws: SelectionError(.noPreviousStep, "'a' is on its first step; there is no step to go back to")) {
            try machine.apply(.back(guide: "a"), to: &state, at: Self.now)
        }
        do {
            try machine.apply(.click("Goo", guide: "a"), to: &state, at: Self.now)
            Issue.record("an unknown button must throw")
        } catch {
            #expect(
                error.message
                    == "no button or advance_on click 'Goo' on the step of 'a' on screen (it has: 'Go', 'Later'); did you mean 'Go'?"
            )
        }
    }

    @Test func trackedEventsRebuildTheSameState() throws {
        let machine = try machine()
        var live = UserState(id: "u1")
        var log: [TrackedGuideEvent] = []
        log += try machine.apply(.show(guide: "a", step: "one", variant: "v"), to: &live, at: Self.now)
        log += try machine.apply(.next(guide: "a"), to: &live, at: Self.now + 5)
        log += try machine.apply(.snooze(guide: "a"), to: &live, at: Self.now + 9)
        log += try machine.apply(.show(guide: "a", step: "two", variant: "v"), to: &live, at: Self.now + 5 * 86_400)
        log += try machine.apply(.goto(guide: "a", step: "five"), to: &live, at: Self.now + 5 * 86_400 + 3)
        log += try machine.apply(.complete(guide: "a"), to: &live, at: Self.now + 5 * 86_400 + 7)
        var replayed = UserState(id: "u1")
        for event in log { machine.apply(event, to: &replayed) }
        #expect(replayed.guides == live.guides)
        #expect(replayed.guides["a"]?.shows == 2)
        #expect(log.map(\.name.rawValue).contains("guide_snoozed"))
    }

    @Test func growthBookHashV2CasesPickTheSameVariant() throws {
        // The conformance suite's v2 hash cases, through a two-variant guide: the variant the selector picks
        // is the one GrowthBook's ranges give for the expected bucket.
        var checked = 0
        for node in GrowthBookSuite.section("hash") {
            let parts = GrowthBookSuite.items(node)
            guard parts.count == 4, case .string(let seed) = parts[0].jsonValue,
                case .string(let value) = parts[1].jsonValue,
                case .number(2) = parts[2].jsonValue, case .number(let bucket) = parts[3].jsonValue, !seed.isEmpty
            else { continue }
            let seeded = try F.set([
                F.guide(
                    "a",
                    extra: """
                        rollout:
                          percent: 100
                          seed: "\(seed)"
                          variants: [{id: left, weight: 50}, {id: right, weight: 50}]
                        """
                )
            ])
            let verdict = Selector(seeded).select(for: UserState(id: value), in: SelectionContext(now: Self.now))
                .verdict(for: "a")
            #expect(verdict?.variant == (bucket < 0.5 ? "left" : "right"), "seed \(seed) value \(value)")
            checked += 1
        }
        #expect(checked > 0)
    }
}
