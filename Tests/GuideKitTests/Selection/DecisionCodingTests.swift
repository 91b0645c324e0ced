import Foundation
import GuideKit
import Testing

/// The decision as a front end receives it: every field it needs, `Codable`, and the same JSON the
/// command line prints.
@Suite struct DecisionCodingTests {
    static let now = Date(timeIntervalSince1970: 1_795_428_000)  // 2026-11-23T10:00:00Z

    @Test func welcomeTourCarriesEverythingToDrawIt() throws {
        let state = try SelectionFixtures.persona("new-trial-admin")
        let selection = Selector(SelectionFixtures.examples).select(
            for: state,
            in: SelectionContext(now: state.now ?? Self.now)
        )
        let decision = selection.decision
        #expect(decision.guideID == "welcome-tour")
        #expect(decision.name == "Welcome tour")
        let step = try #require(decision.step)
        #expect(step.kind == .modal)
        #expect(step.placement == .center)
        #expect(step.position == ResolvedStep.Position(index: 0, count: 6))
        #expect(step.bodyHTML?.hasPrefix("<p>Acme Projects keeps your team&#39;s work in one place: <strong>") == true)
        #expect(
            step.buttons.map(\.action) == [.next, .snooze(duration: GuideDuration(seconds: 86_400)), .dismiss]
        )
    }

    @Test func jsonRoundTripsAndMatchesTheCommandLine() throws {
        let state = try SelectionFixtures.persona("japanese-owner")
        let selection = Selector(SelectionFixtures.examples).select(
            for: state,
            in: SelectionContext(now: state.now ?? Self.now)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(selection.decision)
        #expect(try JSONDecoder().decode(Decision.self, from: data) == selection.decision)

        // The command line's `decision` is the same object.
        let printed = try #require(selection.renderJSON(user: state.id).data(using: .utf8))
        struct Output: Decodable { var decision: Decision }
        #expect(try JSONDecoder().decode(Output.self, from: printed).decision == selection.decision)

        // Every field is present, null when absent.
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == ["guide", "name", "version", "variant", "resumes", "launched", "step", "holdouts"]
        )
        let step = try #require(object["step"] as? [String: Any])
        #expect(
            Set(step.keys) == [
                "id", "kind", "locale", "title", "title_html", "body", "body_html", "target", "placement", "buttons",
                "advance_on", "position", "items", "survey",
            ]
        )
        #expect(step["target"] is NSNull)
    }

    @Test func nothingEncodesEveryFieldAsNull() throws {
        let data = try JSONEncoder().encode(Decision.nothing)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["guide"] is NSNull)
        #expect(object["step"] is NSNull)
        #expect(try JSONDecoder().decode(Decision.self, from: data) == .nothing)
    }

    @Test func actionsAndAdvanceEncodeAsDocumented() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json(_ value: some Encodable) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        #expect(
            try json(ResolvedStep.Action.snooze(duration: GuideDuration(seconds: 259_200)))
                == #"{"duration":"3d","seconds":259200,"type":"snooze"}"#
        )
        #expect(try json(ResolvedStep.Action.goto(step: "ease")) == #"{"step":"ease","type":"goto"}"#)
        #expect(try json(ResolvedStep.Advance.event("project_created")) == #"{"event":"project_created"}"#)
        let bad = Data(#"{"type":"jump"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ResolvedStep.Action.self, from: bad) }
        let two = Data(#"{"event":"a","page":"/b"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ResolvedStep.Advance.self, from: two) }
    }

    @Test func surveyStepCarriesItsQuestionScaleAndChoices() throws {
        let set = try SelectionFixtures.set([
            """
            id: pick
            name: Pick
            version: 2
            status: published
            frequency: {snooze: 3d}
            steps:
              - id: ask
                kind: survey
                question: Which **one**?
                scale: choice
                choices: [Boards, Lists]
                buttons:
                  - {label: Later, action: snooze}
                  - {label: Help, action: {url: "https://acme.com/help"}}
            """
        ])
        let decision = Selector(set).select(for: UserState(id: "u"), in: SelectionContext(page: "/", now: Self.now))
            .decision
        let step = try #require(decision.step)
        #expect(
            step.survey
                == ResolvedStep.ResolvedSurvey(
                    question: "Which **one**?",
                    scale: .choice,
                    choices: ["Boards", "Lists"]
                )
        )
        #expect(
            step.buttons.map(\.action) == [
                .snooze(duration: GuideDuration(seconds: 259_200)), .url("https://acme.com/help"),
            ]
        )
        #expect(decision.version == 2)
    }
}
