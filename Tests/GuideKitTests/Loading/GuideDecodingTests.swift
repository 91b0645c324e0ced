import Foundation
import GuideKit
import Testing

/// Decoding a whole guide into the model, and a guide with ten mistakes.
@Suite struct GuideDecodingTests {
    @Test func aCompleteGuideDecodesIntoTheModel() throws {
        let (guide, diagnostics) = GuideLoader.loadGuide(
            yaml: """
                id: welcome-tour
                name: Welcome tour
                description: First steps.
                version: 3
                status: published
                priority: 10
                tags: [onboarding]
                audience: {user.plan: pro}
                trigger: {page: /projects/*}
                schedule: {start: 2026-12-01, end: "2026-12-31T23:59:59Z"}
                frequency: {max_shows: 2, cooldown: 7d, snooze: 2h, repeat_after_completion: true}
                rollout:
                  percent: 50
                  seed: tour-2026
                  variants:
                    - {id: control, weight: 50}
                    - id: short
                      weight: 50
                      steps: [{id: only, kind: banner, title: Short}]
                goal: {event: project_created, within: 14d}
                steps:
                  - id: hello
                    kind: modal
                    title: Hello
                    body: "**Welcome**"
                    buttons:
                      - {label: Next, action: next}
                      - {label: Docs, action: {url: "https://example.com"}}
                      - {label: Skip, action: {goto: survey}}
                  - id: point
                    kind: tooltip
                    target: "#new"
                    placement: bottom
                    advance_on: {click: "#new"}
                    when: {user.seen: false}
                    next: [{when: {user.plan: team}, goto: survey}, {goto: todo}]
                  - id: todo
                    kind: checklist
                    items: [{id: create, label: Create, done_when: {events.project_created.count: {$gte: 1}}}]
                  - id: survey
                    kind: survey
                    question: Which?
                    scale: choice
                    choices: [A, B]
                locales:
                  ja:
                    steps:
                      hello: {title: こんにちは, buttons: {Next: 次へ}}
                """,
            file: "welcome-tour.yaml"
        )
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let tour = try #require(guide)
        #expect(tour.id == Located("welcome-tour", at: SourceLocation(file: "welcome-tour.yaml", line: 1, column: 5)))
        #expect(tour.version.value == 3)
        #expect(tour.status == .published)
        #expect(tour.priority == 10)
        #expect(
            tour.trigger?.kind
                == .page([Located("/projects/*", at: .init(file: "welcome-tour.yaml", line: 9, column: 17))])
        )
        #expect(tour.schedule?.start?.value == Timestamp.date(parsing: "2026-12-01"))
        #expect(tour.frequency?.cooldown == GuideDuration(seconds: 7 * 86_400))
        #expect(tour.frequency?.snooze == GuideDuration(seconds: 7_200))
        #expect(tour.frequency?.repeatsAfterCompletion == true)
        #expect(tour.rollout?.variants.map(\.id.value) == ["control", "short"])
        #expect(tour.rollout?.variants.first?.isHoldout == true)
        #expect(tour.rollout?.variants.last?.steps?.map(\.id.value) == ["only"])
        #expect(tour.stepLists.count == 2)
        #expect(tour.goal?.within == GuideDuration(seconds: 14 * 86_400))
        #expect(tour.steps.map(\.kind.value) == [.modal, .tooltip, .checklist, .survey])
        let hello = tour.steps[0]
        #expect(
            hello.buttons.map(\.action) == [
                .next, .url("https://example.com"),
                .goto(Located("survey", at: .init(file: "welcome-tour.yaml", line: 29, column: 38))),
            ]
        )
        let point = tour.steps[1]
        #expect(point.placement == .bottom)
        #expect(point.advanceOn?.kind == .click("#new"))
        #expect(point.when != nil)
        #expect(point.next.map(\.goto.value) == ["survey", "todo"])
        #expect(point.next[1].when == nil)
        #expect(tour.steps[2].items.first?.doneWhen != nil)
        #expect(
            tour.steps[3].survey
                == Survey(
                    question: "Which?",
                    scale: .choice,
                    choices: ["A", "B"],
                    choicesLocation: .init(file: "welcome-tour.yaml", line: 44, column: 14)
                )
        )
        #expect(tour.translations.first?.locale.value == "ja")
        #expect(tour.translations.first?.steps.first?.title == "こんにちは")
        #expect(Linter().lint(LoadResult(guides: [tour], guideFiles: ["welcome-tour.yaml"])).isEmpty)
    }

    /// One guide with ten different mistakes gives ten diagnostics, each at its place.
    @Test func tenMistakesGiveTenDiagnostics() throws {
        let marked = MarkedText(
            """
            # schema: reject
            # 1️⃣ error invalid-value
            # 2️⃣ error wrong-type
            # 3️⃣ error invalid-timestamp
            # 4️⃣ error invalid-duration
            # 5️⃣ error rollout-range
            # 6️⃣ error unknown-field
            # 7️⃣ error missing-target
            # 8️⃣ error unknown-step
            # 9️⃣ error duplicate-step-id
            # 🔟 warning unreachable-step
            id: 1️⃣Ten_Mistakes
            name: Ten mistakes
            version: 2️⃣"2"
            status: draft
            schedule: {start: 3️⃣tomorrow}
            frequency: {cooldown: 4️⃣a week}
            rollout: {percent: 5️⃣101}
            steps:
              - id: intro
                kind: modal
                6️⃣titel: Hi
                buttons: [{label: Go, action: {goto: 8️⃣nowhere}}]
              - id: 🔟look
                kind: 7️⃣tooltip
              - id: 9️⃣look
                kind: banner
            """
        )
        let (guide, loading) = GuideLoader.loadGuide(yaml: marked.text, file: "ten.yaml")
        let diagnostics = Linter().lint(LoadResult(guides: guide.map { [$0] } ?? [], diagnostics: loading))
        let (expected, unplaced) = marked.expectations()
        #expect(unplaced.isEmpty)
        #expect(expected.count == 10)
        #expect(diagnostics.count == 10, "\(diagnostics.map(\.description).joined(separator: "\n"))")
        #expect(Set(diagnostics.map(\.expectation)) == expected)
        #expect(Set(diagnostics.map(\.rule)).count == 10)
    }

    @Test func messagesNameTheValueAndTheFix() throws {
        let (_, diagnostics) = GuideLoader.loadGuide(
            yaml: """
                id: g
                name: G
                version: 1
                status: publshed
                steps:
                  - {id: a, kind: modal, titel: Hi}
                """,
            file: "guides/g.yaml"
        )
        #expect(
            diagnostics.map(\.description) == [
                "guides/g.yaml:4:9: error: [invalid-value] 'publshed' is not a valid 'status'; it must be one of "
                    + "draft, published, archived; did you mean 'published'?",
                "guides/g.yaml:6:26: error: [unknown-field] 'titel' is not a step field; did you mean 'title'?",
            ]
        )
    }

    @Test(arguments: [
        ("trigger: /home\nsteps: [{id: a, kind: modal}]", "write 'trigger: {page: /home}'"),
        ("trigger: signed_up\nsteps: [{id: a, kind: modal}]", "write 'trigger: {event: signed_up}'"),
        ("goal: project_created\nsteps: [{id: a, kind: modal}]", "write 'goal: {event: project_created}'"),
        ("steps:\n  id: a\n  kind: modal", "start each of the steps with '- ' on its own line"),
        ("steps: [{id: a, kind: modal, buttons: [next]}]", "write '{label: Next, action: next}'"),
        ("steps: [{id: a, kind: modal, buttons: [{label: Go, action: goto a}]}]", "write 'action: {goto: a}'"),
        ("steps: [{id: a, kind: modal, buttons: [{label: Go, action: dismis}]}]", "did you mean 'dismiss'?"),
        ("steps: [{id: a, kind: modal, buttons: [{label: Go, action: goto}]}]", "write 'action: {goto: <step-id>}'"),
    ])
    func scalarsWhereMappingsBelongGetAFix(_ body: String, fix: String) throws {
        let (_, diagnostics) = GuideLoader.loadGuide(yaml: "id: g\nname: G\nversion: 1\nstatus: draft\n" + body)
        #expect(diagnostics.count == 1, "\(diagnostics)")
        #expect(diagnostics.first?.fix == fix)
    }

    @Test func nonKebabIdsGetAFixedSpelling() throws {
        let (_, diagnostics) = GuideLoader.loadGuide(
            yaml: "id: WelcomeTour v2\nname: G\nversion: 1\nstatus: draft\nsteps: [{id: a, kind: modal}]\n"
        )
        #expect(diagnostics.map(\.rule) == ["invalid-value"])
        #expect(diagnostics.first?.fix == "write 'welcome-tour-v2'")
    }

    @Test func projectFileFillsTheCatalog() throws {
        let (project, diagnostics) = GuideLoader.loadProject(
            yaml: """
                default_locale: en
                locales: [en, ja, pt-BR]
                throttle: 12h
                attributes:
                  plan: {type: string, values: [free, pro], description: The plan}
                  signed_up_at: {type: timestamp}
                account_attributes:
                  seats: {type: number}
                events:
                  project_created: {description: Created}
                  invite_sent:
                segments:
                  paying: {user.plan: pro}
                groups:
                  beta: [u-1, u-2]
                """
        )
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let loaded = try #require(project)
        #expect(loaded.defaultLocale?.value == "en")
        #expect(loaded.translatedLocales.map(\.value) == ["ja", "pt-BR"])
        #expect(loaded.throttle == GuideDuration(seconds: 43_200))
        #expect(loaded.catalog.userAttributes["plan"]?.values == ["free", "pro"])
        #expect(loaded.catalog.userAttributes["signed_up_at"]?.type == .timestamp)
        #expect(loaded.catalog.accountAttributes["seats"]?.type == .number)
        #expect(loaded.catalog.events.keys.sorted() == ["invite_sent", "project_created"])
        #expect(loaded.catalog.events["project_created"]?.description == "Created")
        #expect(loaded.catalog.segments["paying"] != nil)
        #expect(loaded.catalog.groups["beta"]?.members == ["u-1", "u-2"])
    }

    @Test func emptyProjectFileIsAnEmptyProject() throws {
        let (project, diagnostics) = GuideLoader.loadProject(yaml: "# nothing yet\n")
        #expect(diagnostics.isEmpty)
        #expect(project?.catalog == Catalog())
    }
}
