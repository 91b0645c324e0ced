import Foundation
import GuideKit
import Testing

/// Timelines, scenario files and the scenario runner (`guidekit test`).
@Suite struct TimelineTests {
    typealias F = SelectionFixtures

    @Test func theExampleScenariosPass() throws {
        let suite = try ScenarioSuite(paths: [F.path("guides/tests")], guides: F.examples)
        #expect(suite.outcomes.count >= 10)
        for outcome in suite.outcomes {
            #expect(
                outcome.passed,
                "\(outcome.file): \(outcome.error?.description ?? "") \(outcome.result?.failures.map(\.description) ?? [])"
            )
        }
        #expect(suite.renderText().hasSuffix("all passed\n"))
    }

    @Test func aBrokenScenarioFailsWithFileLineAndWhatWasShown() throws {
        let file = F.path("Tests/GuideKitTests/Fixtures/Selection/broken-welcome.yaml")
        let suite = try ScenarioSuite(paths: [file], guides: F.examples)
        #expect(!suite.passed)
        let failures = try #require(suite.outcomes.first?.result?.failures)
        #expect(failures.count == 2)
        #expect(
            failures[0].description
                == "\(file):10:5: expected welcome-tour/sidebar, shown welcome-tour/welcome (welcome-tour: shown)"
        )
        #expect(failures[1].location.line == 12)
        #expect(
            failures[1].description.hasSuffix(
                "expected create-first-project/click-new, shown nothing (create-first-project: blocked: trigger: page /home does not match /projects)"
            )
        )
        let text = suite.renderText()
        #expect(text.contains("FAIL  broken on purpose"))
        #expect(text.hasSuffix("1 scenario, 2 checks: 1 scenario failed (2 failures)\n"))
    }

    @Test func aReplayPrintsWhatIsShownAfterEachLine() throws {
        let scenario = try Scenario(
            yaml: """
                - visit: /home
                - click: Show me around
                - wait: 2d
                - action: dismiss
                - {at: 2026-11-26T12:00:00Z, visit: /projects}
                """,
            file: "t.yaml"
        )
        let user = try F.persona("new-trial-admin")
        let result = try TimelineRunner(F.examples).run(scenario, user: user)
        #expect(
            result.steps.map(\.selection.decision.summary) == [
                "welcome-tour/welcome", "welcome-tour/sidebar", "welcome-tour/sidebar", "nothing",
                "create-first-project/click-new",
            ]
        )
        #expect(result.steps[2].selection.decision.resumes)
        #expect(result.finalState.guides["welcome-tour"]?.status == .dismissed)
        let text = result.renderText()
        #expect(text.contains("1    2026-11-23T10:00:00Z  visit /home"))
        #expect(text.contains("→ welcome-tour/welcome"))
        #expect(text.contains("events: guide_started welcome-tour/welcome, step_viewed welcome-tour/welcome"))
        #expect(text.contains("5    2026-11-26T12:00:00Z  visit /projects"))
    }

    @Test func aLineThatCannotApplyStopsWithItsPosition() throws {
        let scenario = try Scenario(yaml: "- visit: /settings\n- action: next\n  expect: nothing\n", file: "t.yaml")
        let result = try TimelineRunner(F.examples).run(scenario, user: try F.persona("new-trial-admin"))
        #expect(!result.passed)
        #expect(result.error?.description == "t.yaml:2:3: nothing is shown, so there is nothing to 'next'")
    }

    @Test(arguments: [
        ("- {visit: home}", "t.yaml:1:11: 'visit' takes a path starting with '/', not 'home'"),
        ("- {action: skip}", "t.yaml:1:12: 'skip' is not an action (one of next, back, dismiss, snooze, complete)"),
        (
            "- {wait: 2 days}",
            "t.yaml:1:10: '2 days' is not a duration: a whole number and a unit: 30s, 15m, 12h, 7d or 2w"
        ),
        ("- {vist: /home}", "t.yaml:1:4: 'vist' is not a timeline field; did you mean 'visit'?"),
        ("- {visit: /a, event: b}", "t.yaml:1:15: a line does one thing; put 'event' on a line of its own"),
        (
            "- {visit: /a, expect: {guide: x, stp: y}}",
            "t.yaml:1:34: 'stp' is not an expectation field; did you mean 'step'?"
        ),
        (
            "- {expect: nothing}",
            "t.yaml:1:3: the line does nothing: give one of visit, event, action, click, launch, wait (or at)"
        ),
        ("user: {id: u}\ntimelin: []", "t.yaml:2:1: 'timelin' is not a scenario field; did you mean 'timeline'?"),
    ])
    func badScenariosSayWhereAndHowToFix(_ text: String, _ message: String) {
        #expect(throws: SelectionError.self) { try Scenario(yaml: text, file: "t.yaml") }
        do {
            _ = try Scenario(yaml: text, file: "t.yaml")
        } catch {
            #expect(error.description == message)
        }
    }
}
