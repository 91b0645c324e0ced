import GuideKit
import Testing

@Suite("Condition lint")
struct ConditionLinterTests {
    static let here = SourceLocation(file: "guidekit.yaml", line: 1, column: 1)

    static let catalog: Catalog = {
        var catalog = Catalog(
            userAttributes: [
                "plan": .init(name: "plan", type: .string, values: ["trial", "pro", "free"], location: here),
                "role": .init(name: "role", type: .string, location: here),
                "seats": .init(name: "seats", type: .number, location: here),
                "signed_up_at": .init(name: "signed_up_at", type: .timestamp, location: here),
                "tags": .init(name: "tags", type: .list, values: ["beta", "vip"], location: here),
                "verified": .init(name: "verified", type: .boolean, location: here),
                "app_version": .init(name: "app_version", type: .version, location: here),
            ],
            accountAttributes: ["employees": .init(name: "employees", type: .number, location: here)],
            events: [
                "project_created": .init(name: "project_created", location: here),
                "deal_created": .init(name: "deal_created", location: here),
            ],
            groups: ["beta-testers": .init(name: "beta-testers", members: ["u-1"], location: here)]
        )
        let node = { (yaml: String) in
            (try? YAMLSource.parse(yaml, file: "guidekit.yaml")) ?? SourceNode(.mapping([]), at: here)
        }
        catalog.segments["trial-admins"] = .init(
            name: "trial-admins",
            condition: node("{user.plan: trial}"),
            location: here
        )
        return catalog
    }()

    /// Lints marked YAML and checks that exactly the expected rules are reported at the markers.
    func check(
        _ marked: String,
        _ expected: [(marker: String, rule: String, fix: String?)],
        guides: Set<String>? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let text = MarkedText(marked)
        let node = try YAMLSource.parse(text.text, file: "guide.yaml")
        let diagnostics = ConditionLinter(catalog: Self.catalog, guides: guides).diagnostics(for: node)
        #expect(
            diagnostics.count == expected.count,
            "got \(diagnostics.map(\.description))",
            sourceLocation: sourceLocation
        )
        for (marker, rule, fix) in expected {
            let position = try #require(
                text.markers[marker],
                "marker \(marker) missing",
                sourceLocation: sourceLocation
            )
            let match = diagnostics.first {
                $0.rule == rule && $0.location.line == position.line && $0.location.column == position.column
            }
            #expect(
                match != nil,
                "no [\(rule)] at \(position.line):\(position.column); got \(diagnostics.map(\.description))",
                sourceLocation: sourceLocation
            )
            if let fix { #expect(match?.fix == fix, sourceLocation: sourceLocation) }
        }
    }

    @Test func aCleanConditionHasNoFindings() throws {
        try check(
            """
            user.plan: {$in: [trial, pro]}
            user.seats: {$gte: 5}
            user.signed_up_at: {$newerThan: 7d}
            events.project_created: {$performed: {atLeast: 2, within: 7d}}
            events.deal_created.count: {$lt: 1}
            page.path: {$glob: "/projects/*"}
            user.app_version: {$vgte: 5.0.0}
            $segment: trial-admins
            id: {$inGroup: beta-testers}
            """,
            []
        )
    }

    @Test func unknownOperatorSuggestsTheClosest() throws {
        try check("user.seats: {1️⃣$gtee: 5}", [("1️⃣", "unknown-operator", "did you mean '$gte'?")])
        try check("1️⃣$sgement: trial-admins", [("1️⃣", "unknown-operator", "did you mean '$segment'?")])
    }

    @Test func pathsOutsideTheNamespaces() throws {
        try check("1️⃣usr.plan: trial", [("1️⃣", "unknown-namespace", "did you mean 'user.plan'?")])
        try check("1️⃣plan: trial", [("1️⃣", "unknown-namespace", nil)])
    }

    @Test func unknownAttributesAndEvents() throws {
        try check("1️⃣user.plna: trial", [("1️⃣", "unknown-attribute", "did you mean 'user.plan'?")])
        try check(
            "1️⃣events.project_craeted.count: {$gt: 0}",
            [("1️⃣", "unknown-event", "did you mean 'project_created'?")]
        )
        try check("1️⃣events.project_created.coutn: 1", [("1️⃣", "unknown-field", "did you mean 'count'?")])
        try check(
            "1️⃣guides.welcom-tour.status: completed",
            [("1️⃣", "unknown-guide", "did you mean 'welcome-tour'?")],
            guides: ["welcome-tour"]
        )
    }

    @Test func operatorsThatCannotApplyToTheType() throws {
        try check("user.plan: {1️⃣$gt: trial}", [("1️⃣", "operator-type-mismatch", nil)])
        try check("user.seats: {1️⃣$newerThan: 7d}", [("1️⃣", "operator-type-mismatch", nil)])
        try check("user.app_version: {1️⃣$gte: 5.0.0}", [("1️⃣", "operator-type-mismatch", "use $vgte")])
        try check("user.seats: {1️⃣$regex: \"^1\"}", [("1️⃣", "operator-type-mismatch", nil)])
        try check("events.project_created.count: {1️⃣$performed: {atLeast: 1}}", [("1️⃣", "operator-type-mismatch", nil)])
        try check("user.plan: {1️⃣$size: 2}", [("1️⃣", "operator-type-mismatch", nil)])
    }

    @Test func valuesOfTheWrongType() throws {
        try check("user.seats: 1️⃣\"5\"", [("1️⃣", "value-type-mismatch", "write 5 without quotes")])
        try check("user.seats: {$gt: 1️⃣\"5\"}", [("1️⃣", "value-type-mismatch", "write 5 without quotes")])
        try check("user.verified: 1️⃣\"true\"", [("1️⃣", "value-type-mismatch", "write true without quotes")])
        try check("user.signed_up_at: {$gt: 1️⃣yesterday}", [("1️⃣", "value-type-mismatch", nil)])
    }

    @Test func valuesOutsideTheCatalog() throws {
        try check("user.plan: 1️⃣trail", [("1️⃣", "value-not-allowed", "did you mean 'trial'?")])
        try check("user.plan: {$in: [trial, 1️⃣proo]}", [("1️⃣", "value-not-allowed", "did you mean 'pro'?")])
        try check("user.tags: 1️⃣vpi", [("1️⃣", "value-not-allowed", "did you mean 'vip'?")])
        try check("guides.welcome-tour.status: 1️⃣complete", [("1️⃣", "value-not-allowed", "did you mean 'completed'?")])
    }

    @Test func anEmptyMappingPassesAndIsWarnedAbout() throws {
        try check("user.seats: 1️⃣{}", [("1️⃣", "empty-operators", nil)])
    }

    @Test func nestedQuantifiersAreWarnedAbout() throws {
        try check("user.role: {$regex: 1️⃣\"(a+)+$\"}", [("1️⃣", "regex-nested-quantifier", nil)])
        try check("user.role: {$regexi: 1️⃣\"^(x*y?)*z\"}", [("1️⃣", "regex-nested-quantifier", nil)])
        try check("user.role: {$regex: 1️⃣\"((ab){2,})+\"}", [("1️⃣", "regex-nested-quantifier", nil)])
        try check("user.role: {$regex: \"(ab)+|c*\"}", [])
        try check("user.role: {$regex: \"(a?)+\"}", [])
    }

    @Test func regexesThatNeedBacktrackingDoNotCompile() throws {
        try check("user.role: {$regex: 1️⃣\"(a)\\\\1\"}", [("1️⃣", "invalid-regex", nil)])
        try check("user.role: {$regex: 1️⃣\"a(?=b)\"}", [("1️⃣", "invalid-regex", nil)])
        try check("user.role: {$regex: 1️⃣\"a*+b\"}", [("1️⃣", "invalid-regex", nil)])
    }

    @Test func invalidRegexesAndDurations() throws {
        try check("user.role: {$regex: 1️⃣\"(admin\"}", [("1️⃣", "invalid-regex", nil)])
        try check("user.role: {$regex: 1️⃣\"/admin/i\"}", [("1️⃣", "invalid-regex", nil)])
        try check("user.signed_up_at: {$olderThan: 1️⃣30days}", [("1️⃣", "invalid-duration", nil)])
        try check(
            "events.project_created: {$performed: {atLeast: 1, within: 1️⃣week}}",
            [("1️⃣", "invalid-duration", nil)]
        )
        try check("events.project_created: {$performed: {1️⃣atleast: 1}}", [("1️⃣", "invalid-operand", nil)])
    }

    @Test func performedWindowsBeyondTheKeptTimesAreWarnedOn() throws {
        try check(
            "events.project_created: {$performed: {atLeast: 1️⃣1001, within: 7d}}",
            [("1️⃣", "performed-window-over-limit", "use atLeast ≤ 1000 or drop 'within' to compare the exact count")]
        )
        try check(
            "events.project_created: {$performed: {atMost: 1️⃣1000, within: 30d}}",
            [("1️⃣", "performed-window-over-limit", "use atMost < 1000 or drop 'within' to compare the exact count")]
        )
        try check(
            "events.project_created: {$performed: {within: 1d, atLeast: 1️⃣5000, atMost: 2️⃣9000}}",
            [("1️⃣", "performed-window-over-limit", nil), ("2️⃣", "performed-window-over-limit", nil)]
        )
        // Decided exactly by the kept times, or by the exact count without a window: no warning.
        try check("events.project_created: {$performed: {atLeast: 1000, atMost: 999, within: 7d}}", [])
        try check("events.project_created: {$performed: {atLeast: 5000, atMost: 9000}}", [])
    }

    @Test func thePerformedWindowWarningNamesItsPlaceAndTheLimit() throws {
        let text = MarkedText("audience:\n  events.project_created: {$performed: {atLeast: 1️⃣1500, within: 7d}}\n")
        let place = try #require(text.markers["1️⃣"])
        let node = try YAMLSource.parse(text.text, file: "guides/power.yaml")
        guard case .mapping(let pairs) = node.content, let audience = pairs.first?.value else {
            Issue.record("not a mapping")
            return
        }
        let diagnostics = ConditionLinter(catalog: Self.catalog).diagnostics(for: audience)
        #expect(diagnostics.count == 1)
        let line = try #require(diagnostics.first?.description)
        let prefix =
            "guides/power.yaml:\(place.line):\(place.column): warning: [performed-window-over-limit] atLeast 1500"
        #expect(line.hasPrefix(prefix), "\(line)")
        #expect(line.contains("newest 1000 times a user state keeps per event"), "\(line)")
    }

    @Test func unknownSegmentsAndGroups() throws {
        try check("$segment: 1️⃣trial-admin", [("1️⃣", "unknown-segment", "did you mean 'trial-admins'?")])
        try check("id: {$inGroup: 1️⃣beta-tester}", [("1️⃣", "unknown-group", "did you mean 'beta-testers'?")])
    }

    @Test func segmentCyclesAreFoundOnce() throws {
        var catalog = Self.catalog
        let a = MarkedText("$segment: b")
        let b = MarkedText("{user.plan: trial, $segment: 1️⃣a}")
        catalog.segments["a"] = .init(
            name: "a",
            condition: try YAMLSource.parse(a.text, file: "guidekit.yaml"),
            location: Self.here
        )
        catalog.segments["b"] = .init(
            name: "b",
            condition: try YAMLSource.parse(b.text, file: "guidekit.yaml"),
            location: Self.here
        )
        let diagnostics = ConditionLinter(catalog: catalog).diagnostics(forSegmentsIn: catalog)
        #expect(diagnostics.map(\.rule) == ["segment-cycle"])
        let position = try #require(b.markers["1️⃣"])
        #expect(
            diagnostics.first?.location.line == position.line && diagnostics.first?.location.column == position.column
        )
        #expect(diagnostics.first?.message.contains("a → b → a") == true)
        #expect(ConditionLinter(catalog: Self.catalog).diagnostics(forSegmentsIn: Self.catalog).isEmpty)
    }

    @Test func andsThatCanNeverHold() throws {
        try check(
            """
            user.plan: trial
            $and: [{user.plan: 1️⃣pro}]
            """,
            [("1️⃣", "unsatisfiable-condition", nil)]
        )
        try check("user.seats: {$gt: 10, 1️⃣$lt: 5}", [("1️⃣", "unsatisfiable-condition", nil)])
        try check("user.plan: {$eq: trial, $in: 1️⃣[pro, free]}", [("1️⃣", "unsatisfiable-condition", nil)])
        // A list attribute may hold both values; an $or is fine.
        try check("{user.tags: beta, $and: [{user.tags: vip}]}", [])
        try check("$or: [{user.plan: trial}, {user.plan: pro}]", [])
    }

    @Test func plainScalarsThatYAML11ReadsDifferently() throws {
        try check("user.role: 1️⃣yes", [("1️⃣", "yaml11-scalar", "quote it: \"yes\"")])
        try check("user.role: {$in: [1️⃣on, 2️⃣off, \"no\"]}", [("1️⃣", "yaml11-scalar", nil), ("2️⃣", "yaml11-scalar", nil)])
        try check("user.role: 1️⃣010", [("1️⃣", "yaml11-scalar", nil)])
        try check("user.role: 1️⃣1_000", [("1️⃣", "yaml11-scalar", nil)])
        try check("user.role: 1️⃣12:30", [("1️⃣", "yaml11-scalar", nil)])
        try check("user.signed_up_at: {$gte: 1️⃣2026-01-01}", [("1️⃣", "yaml11-scalar", "quote it: \"2026-01-01\"")])
        try check("user.role: \"yes\"", [])
    }

    @Test func malformedConditions() throws {
        try check("1️⃣[user.plan]", [("1️⃣", "invalid-condition", nil)])
        try check("$or: 1️⃣{user.plan: trial}", [("1️⃣", "invalid-condition", nil)])
        try check("user.plan: {$in: 1️⃣trial}", [("1️⃣", "invalid-operand", nil)])
        try check("user.plan: 1️⃣{$eq: trial, plan: pro}", [("1️⃣", "mixed-operators", nil)])
    }

    @Test func withoutACatalogOnlyTheLanguageIsChecked() throws {
        let node = try YAMLSource.parse("{user.anything: 1, events.whatever.count: {$gt: 0}, user.x: {$gtee: 1}}")
        let diagnostics = ConditionLinter(catalog: Catalog()).diagnostics(for: node)
        #expect(diagnostics.map(\.rule) == ["unknown-operator"])
    }

    /// A condition given as a value (as `Condition(_:)` compiles it) is linted as the same text would be,
    /// without places.
    @Test func aConditionGivenAsAValue() {
        let condition: Value = .object([
            "user.plan": .string("trail"),
            "user.seats": .object(["$gtee": .number(1)]),
        ])
        let diagnostics = ConditionLinter(catalog: Self.catalog).diagnostics(for: condition)
        #expect(diagnostics.map(\.rule).sorted() == ["unknown-operator", "value-not-allowed"])
        let suggestsTrial = diagnostics.contains {
            $0.message.contains("did you mean 'trial'?") || $0.fix?.contains("trial") == true
        }
        #expect(suggestsTrial)
        #expect(diagnostics.allSatisfy { $0.location == SourceLocation(file: "", line: 1, column: 1) })
    }
}
