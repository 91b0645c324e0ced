import Foundation
import Testing

/// `guidekit report` end to end.
@Suite struct ReportCommandTests {
    static let root = TrackerCommandTests.root

    @Test func anUnknownGuideIsAnErrorWithASuggestion() throws {
        let result = try LintCommandTests.run(
            ["report", "examples/events/acme-onboarding.jsonl", "--guide", "welcome-tuor"],
            in: Self.root
        )
        #expect(result.status == 64)
        #expect(result.errors.contains("--guide welcome-tuor: no guide 'welcome-tuor' in guides"))
        #expect(result.errors.contains("did you mean 'welcome-tour'?"))
        #expect(result.output.isEmpty)
        #expect(!result.errors.contains("Usage:"))  // a bad value, not a bad command line
    }

    @Test func aGuideFilterKeepsTheLogsAsOf() throws {
        let all = try LintCommandTests.run(
            ["report", "examples/events/acme-onboarding.jsonl", "--format", "json"],
            in: Self.root
        )
        let one = try LintCommandTests.run(
            ["report", "examples/events/acme-onboarding.jsonl", "--guide", "nps-survey", "--format", "json"],
            in: Self.root
        )
        #expect(all.status == 0 && one.status == 0)
        func asOf(_ text: String) throws -> String? {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            return object?["as_of"] as? String
        }
        #expect(try asOf(one.output) != nil)
        #expect(try asOf(one.output) == asOf(all.output))
    }
}
