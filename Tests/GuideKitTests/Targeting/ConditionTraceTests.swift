import GuideKit
import Testing

@Suite("Condition explanations and requests")
struct ConditionTraceTests {
    static func condition(_ yaml: String) throws -> Condition {
        Condition(try YAMLSource.parse(yaml, file: "audience.yaml"))
    }

    static let document = ConditionDocument(
        .object([
            "user": .object(["plan": .string("pro"), "seats": .number(5)]),
            "page": .object(["path": .string("/projects/new")]),
            "now": .string("2026-11-23T10:00:00Z"),
        ])
    )

    @Test func rendersOneLinePerClause() throws {
        let condition = try Self.condition(
            """
            user.plan: trial
            user.seats: {$gte: 3}
            $or:
              - page.path: {$glob: "/projects/*"}
              - user.role: admin
            """
        )
        let trace = condition.explain(Self.document)
        #expect(!trace.passed)
        #expect(
            trace.rendered() == """
                ✗ user.plan is "pro", expected "trial"
                ✓ user.seats is 5, expected $gte 3
                ✓ $or (1 of 2 passed):
                  ✓ page.path is "/projects/new", expected $glob "/projects/*"
                  ✗ user.role is missing, expected "admin"
                """
        )
    }

    @Test func entriesCarryPathValueOperatorAndLocation() throws {
        let trace = try Self.condition("user.seats: {$gt: 1, $lt: 3}").explain(Self.document)
        #expect(trace.entries.count == 2)
        let failing = try #require(trace.entries.last)
        #expect(failing.path == "user.seats")
        #expect(failing.found == .number(5))
        #expect(failing.operator == "$lt")
        #expect(failing.expected == .number(3))
        #expect(!failing.passed)
        #expect(failing.location == SourceLocation(file: "audience.yaml", line: 1, column: 22))
        #expect(trace.rendered(showingLocations: true).contains("(audience.yaml:1:22)"))
    }

    @Test func problemsAreExplained() throws {
        let trace = try Self.condition("{user.seats: {$gtee: 3}, $segment: nobody}").explain(Self.document)
        #expect(
            trace.rendered() == """
                ✗ user.seats is 5; unknown operator $gtee
                ✗ $segment "nobody": unknown segment 'nobody'
                """
        )
    }

    @Test func anEmptyConditionMatchesEveryone() throws {
        let trace = try Self.condition("{}").explain(Self.document)
        #expect(trace.passed)
        #expect(trace.rendered() == "✓ (no clauses: everyone matches)")
    }

    @Test(arguments: [
        (#"{"condition": {"user.plan": "pro"}, "attributes": {"user": {"plan": "pro"}}}"#, #"{"result": true}"#),
        (
            #"{"condition": {"id": {"$inGroup": "g"}}, "state": {"id": 2}, "savedGroups": {"g": [1, 2]}}"#,
            #"{"result": true}"#
        ),
        (#"{"condition": {"n": {"$gt": 5}}, "attributes": {"n": "8"}}"#, #"{"result": false}"#),
        (#"{"condition": {}}"#, #"{"result": true}"#),
        (
            #"{"condition": {"a": 1}, "attributes": {"a": 1}"#,
            #"{"error": "invalid JSON at column 47: unterminated object"}"#
        ),
        (#"[1]"#, #"{"error": "a request must be a JSON object {\"condition\", \"attributes\", \"savedGroups\"}"}"#),
        (#"{"attributes": {}}"#, #"{"error": "missing \"condition\""}"#),
        (#"{"condition": [], "attributes": {}}"#, #"{"error": "\"condition\" must be an object"}"#),
        (
            #"{"condition": {}, "atributes": {}}"#,
            #"{"error": "unknown key \"atributes\"; did you mean 'attributes'?"}"#
        ),
        (#"{"condition": {}, "savedGroups": {"g": 1}}"#, #"{"error": "saved group \"g\" must be an array"}"#),
    ])
    func batchRequests(line: String, response: String) {
        #expect(ConditionRequest.response(to: line, now: 0) == response)
    }
}
