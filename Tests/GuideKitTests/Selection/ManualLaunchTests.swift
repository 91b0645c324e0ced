import Foundation
import GuideKit
import Testing

/// A guide the app launched by hand: shown above automatic guides, past frequency and throttle, within its
/// status, schedule, audience and rollout; unknown launches and events are errors.
@Suite struct ManualLaunchTests {
    typealias F = SelectionFixtures

    static let now = Timestamp.date(parsing: "2026-11-23T10:00:00Z") ?? Date()

    func select(_ set: CompiledGuideSet, _ state: UserState, launch: String?) -> Selection {
        Selector(set).select(for: state, in: SelectionContext(page: "/home", launch: launch, now: Self.now))
    }

    /// `auto` (priority 100) is in progress and was just shown; `help` (manual) was completed and has
    /// reached its max_shows.
    func fixture(helpExtra: String = "") throws -> (CompiledGuideSet, UserState) {
        let set = try F.set([
            F.guide("auto", priority: 100),
            F.guide(
                "help",
                priority: 1,
                extra: """
                    trigger: {manual: true}
                    frequency: {max_shows: 1}
                    \(helpExtra)
                    """
            ),
        ])
        var state = UserState(id: "u1")
        var auto = UserState.GuideProgress()
        auto.status = .inProgress
        auto.step = "two"
        auto.shows = 1
        auto.lastShown = Self.now.addingTimeInterval(-60)
        state.guides["auto"] = auto
        var help = UserState.GuideProgress()
        help.status = .completed
        help.step = "two"
        help.shows = 1
        help.lastShown = Self.now.addingTimeInterval(-3_600)
        state.guides["help"] = help
        return (set, state)
    }

    @Test func aLaunchWinsOverAGuideInProgressPastFrequencyAndThrottle() throws {
        let (set, state) = try fixture()
        let selection = select(set, state, launch: "help")
        #expect(selection.decision.summary == "help/one")
        #expect(selection.decision.launched)
        #expect(!selection.decision.resumes)
        #expect(selection.verdict(for: "help")?.reason == "shown (launched by hand)")
        #expect(selection.verdict(for: "auto")?.reason == "eligible, outranked by help")
        // Without the launch the guide in progress resumes and the manual guide waits.
        let automatic = select(set, state, launch: nil)
        #expect(automatic.decision.summary == "auto/two")
        #expect(!automatic.decision.launched)
    }

    @Test(arguments: [
        ("audience: {user.plan: pro}", "blocked: audience: user.plan: pro is false"),
        ("schedule: {end: 2026-11-01T00:00:00Z}", "blocked: schedule: ended at 2026-11-01T00:00:00Z"),
        ("rollout: {percent: 0}", "blocked: rollout: bucket"),
    ])
    func aLaunchStillNeedsAudienceScheduleAndRollout(extra: String, reason: String) throws {
        let (set, state) = try fixture(helpExtra: extra)
        let selection = select(set, state, launch: "help")
        #expect(selection.decision.summary == "auto/two")
        #expect(selection.verdict(for: "help")?.reason.hasPrefix(reason) == true, "\(selection.verdicts)")
    }

    @Test func unknownLaunchesAndEventsAreErrorsWithASuggestion() throws {
        let (set, _) = try fixture()
        #expect(throws: SelectionError(.unknownGuide, "there is no guide 'hepl' to launch; did you mean 'help'?")) {
            try set.check(SelectionContext(launch: "hepl", now: Self.now))
        }
        // The fixtures' project declares project_created and task_completed.
        #expect(
            throws: SelectionError(
                .unknownEvent,
                "event 'project_creatd' is not in the project's event catalog; did you mean 'project_created'?"
            )
        ) {
            try set.check(SelectionContext(event: "project_creatd", now: Self.now))
        }
        try set.check(SelectionContext(event: "task_completed", launch: "help", now: Self.now))
    }

    @Test func withoutACatalogAnEventMustBeReadByAGuide() throws {
        let guide = F.guide(
            "a",
            extra: "trigger: {event: invite_sent}\naudience: {events.board_viewed.count: {$gte: 2}}"
        )
        let loaded = try #require(GuideLoader.loadGuide(yaml: guide, file: "a.yaml").guide)
        let set = CompiledGuideSet(guides: [loaded], project: nil)
        #expect(set.knownEvents == ["board_viewed", "invite_sent"])
        try set.check(SelectionContext(event: "board_viewed", now: Self.now))
        #expect(
            throws: SelectionError(
                .unknownEvent,
                "no guide reads event 'invite_snt' (in a trigger, goal, advance_on or condition), so it changes nothing; did you mean 'invite_sent'?"
            )
        ) {
            try set.check(SelectionContext(event: "invite_snt", now: Self.now))
        }
    }
}
