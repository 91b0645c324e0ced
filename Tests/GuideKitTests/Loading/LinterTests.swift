import GuideKit
import Testing

/// The cross-reference checks, the pluggable check list and the report's renderings.
@Suite struct LinterTests {
    static func lint(_ yaml: String, project: String? = nil, file: String = "g.yaml") -> [Diagnostic] {
        let (guide, diagnostics) = GuideLoader.loadGuide(yaml: yaml, file: file)
        let loadedProject = project.map { GuideLoader.loadProject(yaml: $0).project } ?? nil
        return Linter().lint(
            LoadResult(
                project: loadedProject,
                guides: guide.map { [$0] } ?? [],
                guideFiles: [file],
                diagnostics: diagnostics
            )
        )
    }

    static let header = "id: g\nname: G\nversion: 1\nstatus: draft\n"

    @Test func backButtonsAndGotoLoopsReachEveryStep() {
        let diagnostics = Self.lint(
            Self.header + """
                steps:
                  - {id: a, kind: modal, buttons: [{label: Go, action: {goto: c}}]}
                  - {id: b, kind: modal, buttons: [{label: Done, action: complete}]}
                  - {id: c, kind: modal, buttons: [{label: Back, action: back}, {label: Again, action: {goto: a}}]}
                """
        )
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func stepsAfterAnEndingStepAreUnreachable() {
        let diagnostics = Self.lint(
            Self.header + """
                steps:
                  - {id: a, kind: modal, buttons: [{label: Later, action: snooze}, {label: Docs, action: {url: "https://x"}}]}
                  - {id: b, kind: modal}
                  - {id: c, kind: modal}
                """
        )
        #expect(diagnostics.map(\.rule) == ["unreachable-step", "unreachable-step"])
        #expect(diagnostics.first?.fix?.hasPrefix("step 'a' never moves on to it") == true)
    }

    @Test func advanceOnSurveysAndChecklistsMoveOn() {
        let diagnostics = Self.lint(
            Self.header + """
                steps:
                  - {id: a, kind: modal, advance_on: {page: /x}, buttons: [{label: Close, action: dismiss}]}
                  - {id: b, kind: survey, question: Q, scale: nps, buttons: [{label: Later, action: snooze}]}
                  - {id: c, kind: checklist, items: [{id: i, label: I}], buttons: [{label: Hide, action: dismiss}]}
                  - {id: d, kind: modal}
                """
        )
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func variantStepsAreCheckedOnTheirOwn() {
        let diagnostics = Self.lint(
            Self.header + """
                rollout:
                  variants:
                    - {id: control, weight: 50}
                    - id: alt
                      weight: 50
                      steps:
                        - {id: x, kind: modal, buttons: [{label: Go, action: {goto: a}}]}
                steps:
                  - {id: a, kind: modal}
                """
        )
        #expect(diagnostics.map(\.rule) == ["unknown-step"])
        #expect(diagnostics.first?.location.line == 11)
    }

    @Test func eventsAreCheckedOnlyAgainstANonEmptyCatalog() {
        let guide = Self.header + "trigger: {event: signed_up}\nsteps: [{id: a, kind: modal}]\n"
        #expect(Self.lint(guide).isEmpty)
        #expect(Self.lint(guide, project: "throttle: 1d\n").isEmpty)
        let diagnostics = Self.lint(guide, project: "events: {signed_in: {}, project_created: {}}\n")
        #expect(diagnostics.map(\.rule) == ["unknown-event"])
        #expect(diagnostics.first?.fix == "did you mean 'signed_in'?")
    }

    @Test func missingTranslationsSkipTheDefaultLocale() {
        let guide = Self.header + "steps: [{id: a, kind: modal, title: A}]\nlocales: {ja: {steps: {a: {title: エー}}}}\n"
        #expect(Self.lint(guide, project: "default_locale: en\nlocales: [en, ja]\n").isEmpty)
        let diagnostics = Self.lint(guide, project: "default_locale: en\nlocales: [en, ja, fr]\n")
        #expect(diagnostics.map(\.message) == ["guide 'g' has no 'fr' translation"])
        #expect(diagnostics.first?.severity == .warning)
    }

    @Test func duplicateGuideIdsNameBothPlaces() throws {
        let first = GuideLoader.loadGuide(yaml: Self.header + "steps: [{id: a, kind: modal}]\n", file: "g.yaml").guide
        let second = GuideLoader.loadGuide(yaml: "\n" + Self.header + "steps: [{id: a, kind: modal}]\n", file: "h.yaml")
            .guide
        let diagnostics = Linter().lint(LoadResult(guides: [try #require(first), try #require(second)]))
        let duplicate = try #require(diagnostics.first { $0.rule == "duplicate-guide-id" })
        #expect(duplicate.location == SourceLocation(file: "h.yaml", line: 2, column: 5))
        #expect(duplicate.message == "guide id 'g' is already used by g.yaml:1:5")
        #expect(duplicate.related == [SourceLocation(file: "g.yaml", line: 1, column: 5)])
        #expect(diagnostics.map(\.rule).sorted() == ["duplicate-guide-id", "file-name-mismatch"])
    }

    @Test func anExtraCheckIsAddedInOneLine() {
        let noDrafts: Linter.Check = { guides, _ in
            guides.filter { $0.status == .draft }.map {
                Diagnostic(.warning, rule: "draft", "guide '\($0.id.value)' is a draft", at: $0.id.location)
            }
        }
        let linter = Linter(checks: Linter.standardChecks + [noDrafts])
        let (guide, _) = GuideLoader.loadGuide(yaml: Self.header + "steps: [{id: a, kind: modal}]\n", file: "g.yaml")
        let report = linter.report(LoadResult(guides: guide.map { [$0] } ?? [], guideFiles: ["g.yaml"]))
        #expect(report.diagnostics.map(\.rule) == ["draft"])
        #expect(report.summary == "1 guide, 0 errors, 1 warning")
        #expect(!report.fails(strict: false))
        #expect(report.fails(strict: true))
    }

    @Test func renderings() {
        let report = LintReport(
            diagnostics: [
                Diagnostic(
                    .error,
                    rule: "unknown-field",
                    "'titel' is not a step field",
                    at: SourceLocation(file: "guides/a,b.yaml", line: 12, column: 7),
                    fix: "did you mean 'title'?"
                ),
                Diagnostic(
                    .warning,
                    rule: "unreachable-step",
                    "step \"x\" can never be reached\n100%",
                    at: SourceLocation(file: "guides/a,b.yaml", line: 3, column: 9)
                ),
            ],
            guideCount: 12
        )
        #expect(
            report.renderHuman(colored: false) == """
                guides/a,b.yaml
                  12:7  error    [unknown-field] 'titel' is not a step field; did you mean 'title'?
                  3:9   warning  [unreachable-step] step "x" can never be reached
                100%

                12 guides, 1 error, 1 warning

                """
        )
        #expect(report.renderHuman(colored: true).contains("\u{1B}[31merror  \u{1B}[0m"))
        #expect(
            report.renderJSON() == """
                [
                  {"file": "guides/a,b.yaml", "line": 12, "column": 7, "severity": "error", "rule": "unknown-field", \
                "message": "'titel' is not a step field", "fix": "did you mean 'title'?"},
                  {"file": "guides/a,b.yaml", "line": 3, "column": 9, "severity": "warning", "rule": "unreachable-step", \
                "message": "step \\"x\\" can never be reached\\n100%", "fix": null}
                ]

                """
        )
        #expect(
            report.renderGitHub() == """
                ::error file=guides/a%2Cb.yaml,line=12,col=7::[unknown-field] 'titel' is not a step field; did you mean 'title'?
                ::warning file=guides/a%2Cb.yaml,line=3,col=9::[unreachable-step] step "x" can never be reached%0A100%25
                12 guides, 1 error, 1 warning

                """
        )
        #expect(LintReport(diagnostics: [], guideCount: 0).renderJSON() == "[]\n")
    }
}
