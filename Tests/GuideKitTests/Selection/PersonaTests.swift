import Foundation
import GuideKit
import Testing

/// Every persona in `examples/users/` simulated against the example guides: the decision and the reasons.
@Suite struct PersonaTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var persona: String
        var page: String? = nil
        var event: String? = nil
        var decision: String
        var variant: String? = nil
        var locale: String? = nil
        /// Expected verdict reasons (prefixes) by guide.
        var reasons: [String: String]

        var testDescription: String {
            persona + (page.map { " on \($0)" } ?? "") + (event.map { " after \($0)" } ?? "")
        }
    }

    static let cases: [Case] = [
        Case(
            persona: "new-trial-admin",
            decision: "welcome-tour/welcome",
            reasons: [
                "welcome-tour": "shown",
                "create-first-project":
                    "blocked: audience: guides.welcome-tour.status: {$in: [completed, dismissed]} is false",
                "invite-teammates": "blocked: trigger: waits for event 'project_created'; no event happened",
                "keyboard-shortcuts": "blocked: trigger: manual: not launched",
                "timeline-launch": "blocked: schedule: starts at 2026-12-01T09:00:00Z",
                "trial-expiry-nudge": "blocked: audience: user.trial_days_left: {$lte: 3} is false",
                "year-end-offer-2025": "blocked: status: archived",
                "nps-survey": "blocked: audience: user.signed_up_at: {$olderThan: 30d} is false",
            ]
        ),
        Case(
            persona: "invited-member",
            decision: "create-first-project/click-new",
            reasons: [
                "create-first-project": "shown",
                "welcome-tour":
                    "blocked: frequency: completed at 2026-11-21T15:07:00Z; repeat_after_completion is false",
                "setup-checklist": "blocked: audience: user.role: {$in: [owner, admin]} is false",
                "invite-teammates": "blocked: audience: user.role: {$in: [owner, admin]} is false",
            ]
        ),
        Case(
            persona: "pro-power-user",
            decision: "board-automations-ab/automations-button",
            variant: "tooltip-tour",
            reasons: [
                "board-automations-ab": "shown",
                "timeline-launch": "eligible, outranked by board-automations-ab",
                "connect-integration": "blocked: audience: $nor:",
                "welcome-tour": "blocked: audience: $segment: new-users is false",
                "setup-checklist": "blocked: audience: user.signed_up_at: {$newerThan: 30d} is false",
            ]
        ),
        Case(
            persona: "japanese-owner",
            decision: "welcome-tour/welcome",
            locale: "ja",
            reasons: [
                "welcome-tour": "shown",
                "setup-checklist": "blocked: audience: guides.welcome-tour.status: completed is false",
            ]
        ),
        Case(
            persona: "beta-tester-mobile",
            decision: "nothing",
            reasons: [
                "offline-mode-beta": "blocked: trigger: waits for event 'mobile_app_opened'; no event happened",
                "keyboard-shortcuts": "blocked: audience: device.platform: {$in: [web, desktop]} is false",
                "welcome-tour": "blocked: audience: $segment: new-users is false",
            ]
        ),
        Case(
            persona: "beta-tester-mobile",
            event: "mobile_app_opened",
            decision: "offline-mode-beta/intro",
            reasons: ["offline-mode-beta": "shown"]
        ),
        Case(
            persona: "churn-risk-trial",
            decision: "trial-expiry-nudge/banner",
            reasons: [
                "trial-expiry-nudge": "shown",
                "setup-checklist": "eligible, outranked by trial-expiry-nudge",
                "nps-survey": "blocked: audience: user.signed_up_at: {$olderThan: 30d} is false",
            ]
        ),
        Case(
            persona: "churn-risk-trial",
            page: "/settings/billing",
            decision: "nothing",
            reasons: [
                "trial-expiry-nudge": "blocked: audience: $nor: [{page.path: /settings/billing}",
                "setup-checklist":
                    "blocked: trigger: page /settings/billing does not match /home, /projects, /projects/*/board",
            ]
        ),
    ]

    /// The targeting branch's personas (`examples/users/{new-viewer,returning-pro,trial-admin}.yaml`), which
    /// arrive when the branches are merged; until then this table is disabled (reported as skipped).
    static let targetingCases: [Case] = [
        Case(
            persona: "new-viewer",
            decision: "welcome-tour/welcome",
            reasons: [
                "welcome-tour": "shown",
                "connect-integration": "blocked: audience: user.role: {$in: [owner, admin]} is false",
            ]
        ),
        Case(
            persona: "returning-pro",
            decision: "nothing",
            reasons: [
                "welcome-tour": "blocked: audience: $segment: new-users is false",
                "connect-integration": "blocked: trigger: page /reports/quarterly does not match /projects/*/board",
                "create-first-project": "blocked: audience: $nor: [{events.project_created.count: {$gte: 1}",
            ]
        ),
        Case(
            persona: "trial-admin",
            decision: "nothing",
            reasons: [
                "welcome-tour": "blocked: trigger: page /projects/new does not match /home, /projects",
                "trial-expiry-nudge": "blocked: audience: user.trial_days_left: {$lte: 3} is false",
            ]
        ),
    ]

    static let targetingPersonasArePresent = targetingCases.allSatisfy {
        FileManager.default.fileExists(atPath: SelectionFixtures.path("examples/users/\($0.persona).yaml"))
    }

    @Test(.enabled(if: targetingPersonasArePresent), arguments: targetingCases)
    func targetingPersona(_ testCase: Case) throws {
        try persona(testCase)
    }

    @Test(arguments: cases)
    func persona(_ testCase: Case) throws {
        var state = try SelectionFixtures.persona(testCase.persona)
        let now = try #require(state.now)
        if let event = testCase.event {
            try GuideStateMachine(SelectionFixtures.examples).record(event: event, in: &state, at: now)
        }
        let selection = Selector(SelectionFixtures.examples).select(
            for: state,
            in: SelectionContext(page: testCase.page, event: testCase.event, now: now)
        )
        #expect(selection.decision.summary == testCase.decision)
        #expect(selection.decision.variant == testCase.variant)
        #expect(selection.decision.step?.locale == testCase.locale)
        #expect(selection.verdicts.count == SelectionFixtures.examples.guides.count)
        for (guide, reason) in testCase.reasons {
            let verdict = try #require(selection.verdict(for: guide))
            #expect(verdict.reason.hasPrefix(reason), "\(guide): \(verdict.reason)")
        }
        let shown = selection.verdicts.filter { $0.outcome == .shown }.map(\.guideID)
        #expect(shown == (selection.decision.guideID.map { [$0] } ?? []))
    }

    @Test func everyPersonaIsCovered() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: SelectionFixtures.path("examples/users"))
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        #expect(names.count >= 5)
        for name in names {
            #expect(
                (Self.cases + Self.targetingCases).contains { $0.persona == name },
                "persona \(name) has no simulate test"
            )
        }
    }

    @Test func japaneseTextIsResolvedThroughTheLanguage() throws {
        let state = try SelectionFixtures.persona("japanese-owner")
        let selection = Selector(SelectionFixtures.examples).select(
            for: state,
            in: SelectionContext(now: try #require(state.now))
        )
        let step = try #require(selection.decision.step)
        #expect(step.title == "Acme Projects へようこそ 👋")
        #expect(step.buttons.map(\.text) == ["ツアーを始める", "明日もう一度表示", "ツアーをスキップ"])
        #expect(step.buttons.map(\.label) == ["Show me around", "Remind me tomorrow", "Skip the tour"])
    }

    @Test func renderedTextShowsTheStepAndEveryVerdict() throws {
        let state = try SelectionFixtures.persona("new-trial-admin")
        let set = SelectionFixtures.examples
        let selection = Selector(set).select(
            for: state,
            in: SelectionContext(now: try #require(state.now)),
            explains: true
        )
        let text = selection.renderText(guides: set, header: "user u_2001", explains: true)
        #expect(text.contains("shown: welcome-tour v3, step welcome (modal)"))
        #expect(text.contains("    [Show me around] [Remind me tomorrow] [Skip the tour]"))
        #expect(text.contains("✓ $segment \"new-users\":"))
        #expect(
            text.contains(
                "✗ guides.welcome-tour.status is \"not_started\", expected $in [\"completed\", \"dismissed\"]"
            )
        )
        let json = selection.renderJSON(user: state.id)
        #expect(json.contains("\"guide\": \"welcome-tour\""))
        #expect(json.contains("\"rule\": \"audience\""))
        #expect(json.contains("\"explanation\": ["))
    }
}
