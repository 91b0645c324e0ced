import GuideKit
import Testing

/// How YAML is read: the 1.2 core schema, anchors, duplicate keys, documents, and inputs that are not YAML.
@Suite struct YAMLReadingTests {
    static let minimalSteps = "steps:\n  - {id: hello, kind: modal, title: Hello}\n"

    static func guide(_ fields: String) -> (guide: Guide?, diagnostics: [Diagnostic]) {
        GuideLoader.loadGuide(yaml: fields + minimalSteps, file: "g.yaml")
    }

    @Test func yaml12ScalarsStayStringsWhereStringsAreExpected() throws {
        let (guide, diagnostics) = Self.guide(
            """
            id: g
            name: no
            description: 1.10
            version: 1
            status: draft
            tags: [on, off, yes, 1.10, '007', ~x]

            """
        )
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let loaded = try #require(guide)
        #expect(loaded.name == "no")
        #expect(loaded.description == "1.10")
        #expect(loaded.tags == ["on", "off", "yes", "1.10", "007", "~x"])
    }

    @Test(
        arguments: [
            ("version: \"1\"", "wrong-type", "write 1 without quotes"),
            ("version: 1.10", "wrong-type", nil),
            ("version: 0x10", "wrong-type", nil),
            ("version: one", "wrong-type", nil),
            ("version:", "wrong-type", "write a value after 'version:'"),
            ("version: 0", "invalid-value", "write 'version: 1' and bump it when the steps change"),
        ] as [(String, String, String?)]
    )
    func integersArePlainDecimals(line: String, rule: String, fix: String?) throws {
        let (_, diagnostics) = Self.guide("id: g\nname: G\nstatus: draft\n\(line)\n")
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostics.count == 1, "\(diagnostics)")
        #expect(diagnostic.rule == rule)
        #expect(diagnostic.location.line == 4)
        #expect(diagnostic.location.column == (line == "version:" ? 9 : 10))
        if let fix { #expect(diagnostic.fix == fix) }
    }

    @Test(arguments: ["yes", "no", "on", "off", "Yes", "'true'", "1", "y"])
    func onlyTrueAndFalseAreBooleans(_ text: String) throws {
        let (_, diagnostics) = Self.guide(
            "id: g\nname: G\nversion: 1\nstatus: draft\nfrequency: {repeat_after_completion: \(text)}\n"
        )
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostics.count == 1)
        #expect(diagnostic.rule == "wrong-type")
        #expect(diagnostic.fix == "write true or false")
        #expect(diagnostic.location.line == 5)
        #expect(diagnostic.location.column == 38)
    }

    @Test(arguments: ["true", "True", "TRUE", "false", "False", "FALSE"])
    func coreSchemaBooleans(_ text: String) throws {
        let (guide, diagnostics) = Self.guide(
            "id: g\nname: G\nversion: 1\nstatus: draft\nfrequency: {repeat_after_completion: \(text)}\n"
        )
        #expect(diagnostics.isEmpty)
        #expect(try #require(guide?.frequency).repeatsAfterCompletion == (text.lowercased() == "true"))
    }

    @Test func numbersAcceptFractionsButNotQuotesOrPercentSigns() throws {
        let good = Self.guide("id: g\nname: G\nversion: 1\nstatus: draft\nrollout: {percent: 12.5}\n")
        #expect(good.diagnostics.isEmpty)
        #expect(good.guide?.rollout?.percent.value == 12.5)
        let percent = Self.guide("id: g\nname: G\nversion: 1\nstatus: draft\nrollout: {percent: 50%}\n")
        #expect(percent.diagnostics.map(\.rule) == ["wrong-type"])
        #expect(percent.diagnostics.first?.fix == "write 50 without '%'")
        let quoted = Self.guide("id: g\nname: G\nversion: 1\nstatus: draft\nrollout: {percent: \"50\"}\n")
        #expect(quoted.diagnostics.first?.fix == "write 50 without quotes")
        let infinite = Self.guide("id: g\nname: G\nversion: 1\nstatus: draft\nrollout: {percent: .inf}\n")
        #expect(infinite.diagnostics.map(\.rule) == ["wrong-type"])
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let (guide, diagnostics) = GuideLoader.loadGuide(
            yaml: """
                id: g
                name: &name Shared
                description: *name
                version: 1
                status: draft
                audience: &paid {user.plan: pro}
                steps:
                  - &base {id: first, kind: tooltip, target: "#a", title: Base}
                  - <<: *base
                    id: second
                    when: *paid
                  - <<: [*base, {body: Merged}]
                    id: third
                """
        )
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let loaded = try #require(guide)
        #expect(loaded.description == "Shared")
        #expect(loaded.steps.map(\.id.value) == ["first", "second", "third"])
        #expect(loaded.steps[1].target?.value == "#a")
        #expect(loaded.steps[1].title == "Base")
        #expect(loaded.steps[1].when == loaded.audience)
        #expect(loaded.steps[2].body == "Merged")
        // A value that came through an alias points at its anchor's text.
        #expect(loaded.steps[1].target?.location.line == 8)
    }

    @Test func unknownAliasIsReportedAndReadingGoesOn() throws {
        let (guide, diagnostics) = Self.guide("id: g\nname: *nam\nversion: x\nstatus: draft\n")
        #expect(diagnostics.map(\.rule) == ["unknown-anchor", "wrong-type", "wrong-type"])
        #expect(diagnostics[0].location == SourceLocation(file: "g.yaml", line: 2, column: 7))
        #expect(guide != nil)
    }

    @Test func everyDuplicateKeyIsReportedAndTheFirstValueKept() throws {
        let (guide, diagnostics) = Self.guide(
            "id: g\nname: First\nversion: 1\nname: Second\nstatus: draft\nname: Third\nversion: 2\n"
        )
        #expect(diagnostics.map(\.rule) == ["duplicate-key", "duplicate-key", "duplicate-key"])
        #expect(diagnostics.map(\.location.line) == [4, 6, 7])
        #expect(diagnostics[0].message == "'name' is already a key of this mapping at line 2")
        #expect(diagnostics[0].related == [SourceLocation(file: "g.yaml", line: 2, column: 1)])
        #expect(guide?.name == "First")
        #expect(guide?.version.value == 1)
    }

    @Test func severalDocumentsAreAnError() throws {
        let (guide, diagnostics) = GuideLoader.loadGuide(
            yaml: "id: g\nname: G\nversion: 1\nstatus: draft\n\(Self.minimalSteps)---\nid: h\n---\nid: i\n",
            file: "g.yaml"
        )
        #expect(diagnostics.map(\.rule) == ["multiple-documents"])
        #expect(diagnostics[0].location.line == 7)
        #expect(guide?.id.value == "g")
    }

    @Test(arguments: [
        "",
        "\n\n",
        "# only a comment\n",
        "---\n",
        "--- # nothing\n",
    ])
    func emptyFiles(_ text: String) throws {
        let (guide, diagnostics) = GuideLoader.loadGuide(yaml: text, file: "g.yaml")
        #expect(guide == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.rule == "empty-file")
    }

    @Test func rootThatIsNotAMapping() throws {
        let (guide, diagnostics) = GuideLoader.loadGuide(yaml: "- a\n- b\n", file: "g.yaml")
        #expect(guide == nil)
        #expect(diagnostics.map(\.rule) == ["wrong-type"])
        #expect(diagnostics.first?.message.hasPrefix("the guide file must be a mapping") == true)
    }

    @Test func syntaxErrorsCarryTheParsersPositionAndAFix() throws {
        let (_, tabs) = GuideLoader.loadGuide(yaml: "id: g\nsteps:\n\t- id: a\n", file: "g.yaml")
        #expect(tabs.map(\.rule) == ["yaml-syntax"])
        #expect(tabs.first?.location.line == 3)
        #expect(tabs.first?.fix == "indent with spaces; YAML does not allow tabs")

        let (_, indent) = GuideLoader.loadGuide(yaml: "id: g\nname: G\n  version: 1\n", file: "g.yaml")
        #expect(indent.map(\.rule) == ["yaml-syntax"])
        #expect(indent.first?.location.line == 3)

        let (_, flow) = GuideLoader.loadGuide(yaml: "id: g\ntags: [a, b\nname: G\n", file: "g.yaml")
        #expect(flow.first?.message.contains("in the [ ] list that starts at line 2, column 7") == true)
    }

    @Test func truncatedAndGarbageInputNeverCrash() throws {
        let valid = "id: g\nname: \"Guide\"\nversion: 1\nstatus: draft\n" + Self.minimalSteps
        for length in 0...valid.count {
            let (_, diagnostics) = GuideLoader.loadGuide(yaml: String(valid.prefix(length)), file: "g.yaml")
            if length < valid.count - 1 { #expect(!diagnostics.isEmpty, "prefix \(length)") }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0..<400, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            _ = GuideLoader.loadGuide(yaml: text, file: "g.yaml")
        }
        let deep = String(repeating: "[", count: 5_000)
        let (_, nested) = GuideLoader.loadGuide(yaml: deep, file: "g.yaml")
        #expect(nested.map(\.rule) == ["yaml-syntax"])
    }

    @Test func aliasBombsAreStopped() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            let previous = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(previous)]\n"
        }
        let (guide, diagnostics) = GuideLoader.loadGuide(yaml: yaml, file: "g.yaml")
        #expect(guide == nil)
        #expect(diagnostics.map(\.rule) == ["yaml-syntax"])
        #expect(diagnostics.first?.message.contains("aliases expand") == true)
    }

    @Test func jsonIsReadAsYAML() throws {
        let (guide, diagnostics) = GuideLoader.loadGuide(
            yaml: """
                {
                  "$schema": "../Schemas/guide.schema.json",
                  "id": "from-json",
                  "name": "From JSON",
                  "version": 2,
                  "status": "published",
                  "frequency": {"repeat_after_completion": true, "max_shows": 3},
                  "steps": [{"id": "hello", "kind": "modal", "titel": "Hi"}]
                }
                """,
            file: "from-json.json"
        )
        #expect(guide?.version.value == 2)
        #expect(guide?.frequency?.maxShows == 3)
        #expect(diagnostics.map(\.rule) == ["unknown-field"])
        #expect(diagnostics.first?.location == SourceLocation(file: "from-json.json", line: 8, column: 46))
        #expect(diagnostics.first?.fix == "did you mean 'title'?")
    }

    @Test func quotedScalarsAreStringsEvenWhenTheyLookLikeNumbers() throws {
        let (guide, diagnostics) = Self.guide("id: g\nname: '12'\nversion: 1\nstatus: draft\ntags: [\"1\", 2]\n")
        #expect(diagnostics.isEmpty)
        #expect(guide?.name == "12")
        #expect(guide?.tags == ["1", "2"])
    }

    @Test func emptyStringFieldIsReported() throws {
        let (_, diagnostics) = Self.guide("id: g\nname:\nversion: 1\nstatus: draft\n")
        #expect(diagnostics.map(\.rule) == ["wrong-type"])
        #expect(diagnostics.first?.message == "'name' must be a string, not an empty value")
    }
}
