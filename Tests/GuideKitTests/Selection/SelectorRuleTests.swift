import Foundation
import GuideKit
import Testing

/// Each selection rule on small inline guides.
@Suite struct SelectorRuleTests {
    typealias F = SelectionFixtures

    static let now = Timestamp.date(parsing: "2026-11-23T10:00:00Z") ?? Date()

    func select(
        _ set: CompiledGuideSet,
        _ state: UserState = UserState(id: "u1"),
        page: String? = "/home",
        event: String? = nil,
        launch: String? = nil,
        at now: Date = SelectorRuleTests.now,
        drafts: Bool = false
    ) -> Selection {
        Selector(set).select(
            for: state,
            in: SelectionContext(page: page, event: event, launch: launch, now: now, includesDrafts: drafts)
        )
    }

    @Test func rule1OnlyPublishedGuidesUnlessDraftsAreIncluded() throws {
        let draft = F.guide("a").replacingOccurrences(of: "status: published", with: "status: draft")
        let archived = F.guide("b").replacingOccurrences(of: "status: published", with: "status: archived")
        let set = try F.set([draft, archived])
        let selection = select(set)
        #expect(selection.decision.guideID == nil)
        #expect(selection.verdict(for: "a")?.block?.rule == .status)
        #expect(selection.verdict(for: "a")?.reason == "blocked: status: draft (shown only in previews)")
        #expect(selection.verdict(for: "b")?.reason == "blocked: status: archived")
        #expect(select(set, drafts: true).decision.guideID == "a")
    }

    @Test func rule2Schedule() throws {
        let set = try F.set([F.guide("a", extra: "schedule: {start: 2026-12-01T09:00:00Z, end: 2027-01-15}")])
        #expect(select(set).verdict(for: "a")?.reason == "blocked: schedule: starts at 2026-12-01T09:00:00Z")
        #expect(select(set, at: try F.time("2026-12-01T09:00:00Z")).decision.guideID == "a")
        #expect(
            select(set, at: try F.time("2027-01-15T00:00:00Z")).verdict(for: "a")?.reason
                == "blocked: schedule: ended at 2027-01-15T00:00:00Z"
        )
    }

    @Test func rule3AudienceNamesTheFirstFailingClauseAndItsLine() throws {
        let set = try F.set([
            F.guide("a", extra: "audience:\n  user.plan: trial\n  user.role: {$in: [owner, admin]}")
        ])
        let member = UserState(id: "u1", user: ["plan": .string("trial"), "role": .string("member")])
        let verdict = try #require(select(set, member).verdict(for: "a"))
        let block = try #require(verdict.block)
        #expect(block.rule == .audience)
        #expect(block.clause == "user.role: {$in: [owner, admin]}")
        #expect(block.location?.line == 8)
        #expect(block.location?.file == "g0.yaml")
        let owner = UserState(id: "u1", user: ["plan": .string("trial"), "role": .string("owner")])
        #expect(select(set, owner).decision.guideID == "a")
    }

    @Test func rule4Triggers() throws {
        let set = try F.set([
            F.guide("page", extra: "trigger: {page: [\"/projects/**\"]}"),
            F.guide("event", extra: "trigger: {event: project_created}"),
            F.guide("manual", extra: "trigger: {manual: true}"),
        ])
        let onHome = select(set)
        #expect(onHome.verdict(for: "page")?.reason == "blocked: trigger: page /home does not match /projects/**")
        #expect(
            onHome.verdict(for: "event")?.reason
                == "blocked: trigger: waits for event 'project_created'; no event happened"
        )
        #expect(onHome.verdict(for: "manual")?.reason == "blocked: trigger: manual: not launched")
        #expect(select(set, page: "/projects/a/b").decision.guideID == "page")
        #expect(select(set, event: "project_created").decision.guideID == "event")
        #expect(
            select(set, event: "task_completed").verdict(for: "event")?.reason
                == "blocked: trigger: waits for event 'project_created'; 'task_completed' happened"
        )
        #expect(select(set, launch: "manual").decision.guideID == "manual")
        #expect(
            select(set, page: nil).verdict(for: "page")?.block?.message == "no current page (the trigger is a page)"
        )
    }

    @Test func rule5FrequencyGovernsNewStarts() throws {
        let set = try F.set([F.guide("a", extra: "frequency: {max_shows: 2, cooldown: 1d, snooze: 2d}")])
        func state(_ progress: UserState.GuideProgress) -> UserState { UserState(id: "u1", guides: ["a": progress]) }
        let hourAgo = Self.now.addingTimeInterval(-3_600)
        let completed = UserState.GuideProgress(status: .completed, shows: 1, completedAt: hourAgo)
        #expect(
            select(set, state(completed)).verdict(for: "a")?.reason
                == "blocked: frequency: completed at 2026-11-23T09:00:00Z; repeat_after_completion is false"
        )
        #expect(
            select(set, state(.init(status: .dismissed, shows: 1))).verdict(for: "a")?.reason
                == "blocked: frequency: dismissed by the user"
        )
        #expect(
            select(set, state(.init(status: .notStarted, shows: 2))).verdict(for: "a")?.reason
                == "blocked: frequency: shown 2 times; max_shows is 2"
        )
        let cooling = UserState.GuideProgress(status: .notStarted, shows: 1, lastShown: hourAgo)
        #expect(select(set, state(cooling)).verdict(for: "a")?.block?.rule == .frequency)
        // Snoozed without snoozed_until: the guide's snooze (2d) from the last show.
        let snoozed = UserState.GuideProgress(status: .snoozed, step: "two", shows: 1, lastShown: hourAgo)
        #expect(
            select(set, state(snoozed)).verdict(for: "a")?.reason
                == "blocked: frequency: snoozed until 2026-11-25T09:00:00Z"
        )
        let later = select(set, state(snoozed), at: try F.time("2026-11-25T09:00:00Z"))
        #expect(later.decision.summary == "a/two")
        #expect(later.decision.resumes == false)
        // In progress: frequency does not apply (resuming is not a new show).
        let inProgress = UserState.GuideProgress(status: .inProgress, step: "two", shows: 2, lastShown: hourAgo)
        let resumed = select(set, state(inProgress))
        #expect(resumed.decision.summary == "a/two")
        #expect(resumed.decision.resumes)
    }

    @Test func rule5RepeatAfterCompletion() throws {
        let set = try F.set([F.guide("a", extra: "frequency: {repeat_after_completion: true}")])
        let state = UserState(id: "u1", guides: ["a": .init(status: .completed, step: "two", shows: 1)])
        #expect(select(set, state).decision.summary == "a/one")
    }

    @Test func rule6RolloutIsDeterministicAndMatchesGrowthBook() throws {
        let set = try F.set([F.guide("a", extra: "rollout: {percent: 30, seed: s1}")])
        var inside = 0
        for index in 0..<1_000 {
            let id = "user-\(index)"
            let bucket = Bucketing.hash(seed: "s1", value: id, version: .v2)
            let verdict = try #require(select(set, UserState(id: id)).verdict(for: "a"))
            #expect(verdict.isEligible == (bucket < 0.3), "\(id) bucket \(bucket)")
            #expect(select(set, UserState(id: id)).verdict(for: "a") == verdict)
            if verdict.isEligible { inside += 1 }
        }
        #expect((250...350).contains(inside))
    }

    @Test func rule6VariantsAndHoldout() throws {
        let set = try F.set([
            F.guide(
                "a",
                extra: """
                    rollout:
                      percent: 100
                      variants:
                        - {id: control, weight: 50}
                        - id: short
                          weight: 50
                          steps:
                            - {id: only, kind: modal, title: Short}
                    """
            )
        ])
        var sawHoldout = false
        var sawShort = false
        for index in 0..<40 {
            let id = "v-\(index)"
            let bucket = Bucketing.hash(seed: "a", value: id, version: .v2)
            let selection = select(set, UserState(id: id))
            if bucket < 0.5 {
                sawHoldout = true
                #expect(selection.decision.guideID == nil)
                #expect(selection.decision.holdouts == [Decision.Holdout(guideID: "a", variant: "control")])
                #expect(selection.verdict(for: "a")?.block?.rule == .holdout)
                #expect(selection.verdict(for: "a")?.variant == "control")
            } else {
                sawShort = true
                #expect(selection.decision.summary == "a/only")
                #expect(selection.decision.variant == "short")
            }
        }
        #expect(sawHoldout && sawShort)
    }

    @Test func rule7ThrottleHoldsBackOtherGuidesOnly() throws {
        let set = try F.set([F.guide("a", priority: 1), F.guide("b")])
        let state = UserState(
            id: "u1",
            guides: ["a": .init(status: .completed, shows: 1, lastShown: Self.now.addingTimeInterval(-3_600))]
        )
        let selection = select(set, state)
        #expect(selection.decision.guideID == nil)
        #expect(
            selection.verdict(for: "b")?.reason
                == "blocked: throttle: 'a' was shown at 2026-11-23T09:00:00Z; throttle 4h lasts until 2026-11-23T13:00:00Z"
        )
        #expect(select(set, state, at: Self.now.addingTimeInterval(3 * 3_600)).decision.guideID == "b")
    }

    @Test func rule8InProgressResumesAheadOfHigherPriorityAndThrottle() throws {
        let set = try F.set([
            F.guide("high", priority: 100), F.guide("low", extra: "audience: {user.plan: trial}"),
        ])
        let recent = Self.now.addingTimeInterval(-60)
        var state = UserState(
            id: "u1",
            user: ["plan": .string("trial")],
            guides: ["low": .init(status: .inProgress, step: "two", shows: 1, lastShown: recent)]
        )
        let selection = select(set, state)
        #expect(selection.decision.summary == "low/two")
        #expect(selection.decision.resumes)
        #expect(selection.verdict(for: "high")?.block?.rule == .throttle)
        // Its audience must still hold.
        state.user["plan"] = .string("pro")
        #expect(select(set, state).verdict(for: "low")?.block?.rule == .audience)
    }

    @Test func rule9PriorityThenIdBreaksTies() throws {
        let set = try F.set([
            F.guide("zeta", priority: 5), F.guide("alpha", priority: 5), F.guide("omega", priority: 9),
        ])
        let selection = select(set)
        #expect(selection.decision.guideID == "omega")
        #expect(selection.verdict(for: "alpha")?.reason == "eligible, outranked by omega")
        let tie = try F.set([F.guide("zeta", priority: 5), F.guide("alpha", priority: 5)])
        #expect(select(tie).decision.guideID == "alpha")
    }

    @Test func rule10StepWhenBranchesAndLocales() throws {
        let steps = """
            steps:
              - id: first
                kind: modal
                when: {user.role: admin}
                title: Admins
              - id: second
                kind: modal
                title: Everyone
                next:
                  - {when: {user.seats: {$gte: 5}}, goto: fourth}
              - {id: third, kind: modal, title: Third}
              - {id: fourth, kind: modal, title: Fourth}
            locales:
              ja:
                steps:
                  second: {title: みんな}
              en:
                steps:
                  second: {title: Everyone (en)}
            """
        let set = try F.set([F.guide("a", steps: steps)])
        let member = UserState(id: "u1", user: ["role": .string("member"), "seats": .number(8)], locale: "ja-JP")
        let selection = select(set, member)
        #expect(selection.decision.step?.id == "second")
        #expect(selection.decision.step?.title == "みんな")
        #expect(selection.decision.step?.locale == "ja")
        var french = member
        french.locale = "fr-FR"
        #expect(select(set, french).decision.step?.title == "Everyone (en)")
        // Branches: next from second goes to fourth for 5+ seats, else third.
        let machine = GuideStateMachine(set)
        var state = member
        try machine.apply(.show(guide: "a", step: "second", variant: nil), to: &state, at: Self.now)
        try machine.apply(.next(guide: "a"), to: &state, at: Self.now)
        #expect(state.guides["a"]?.step == "fourth")
        var small = UserState(id: "u2", user: ["role": .string("member"), "seats": .number(2)])
        try machine.apply(.show(guide: "a", step: "second", variant: nil), to: &small, at: Self.now)
        try machine.apply(.next(guide: "a"), to: &small, at: Self.now)
        #expect(small.guides["a"]?.step == "third")
    }

    @Test func rule10AGuideWithNoShowableStepLetsTheNextOneWin() throws {
        let steps = "steps:\n  - {id: only, kind: modal, when: {user.role: admin}}"
        let set = try F.set([F.guide("a", priority: 9, steps: steps), F.guide("b")])
        let selection = select(set, UserState(id: "u1", user: ["role": .string("member")]))
        #expect(selection.decision.guideID == "b")
        #expect(selection.verdict(for: "a")?.block?.rule == .step)
    }
}
