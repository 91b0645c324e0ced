import Foundation
import Testing

@testable import GuideKit

@Suite struct RendererTests {
    static func report() throws -> DropOffReport {
        var options = ReportOptions()
        options.windowSeconds = 0
        options.compare = ReportOptions.CompareSpec(parsing: "tour@1..2")
        let v2 = GuideOutline(id: "tour", name: "Tour", version: 2, steps: ["a", "c", "d"])
        var log = DropOffDefinitionTests.optionalStepLog
        log.add(20, "u9", "step_viewed", "a", version: 2)
        log.lines.append("{not json")
        return try makeReport(log.text, book: StepOrderBook(current: [v2], earlier: [tourOutline]), options: options)
    }

    /// The table is compared with a golden file; `GUIDEKIT_RECORD=1 swift test` re-records it.
    @Test func tableMatchesTheGoldenFile() throws {
        let text = TableRenderer().render(try Self.report())
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/Events/optional-steps.table.txt")
        if ProcessInfo.processInfo.environment["GUIDEKIT_RECORD"] != nil {
            try FileManager.default.createDirectory(
                at: golden.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try text.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(text == expected)
    }

    @Test func jsonIsValidAndKeepsExactNumbers() throws {
        let json = JSONRenderer().render(try Self.report())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let guides = try #require(object["guides"] as? [[String: Any]])
        #expect(guides.count == 2)
        let steps = try #require(guides.first?["steps"] as? [[String: Any]])
        #expect(steps.first?["p90_s"] as? Double == 108)
        #expect(steps[2]["drop_rate"] as? Double == 1.0 / 3)
        #expect(guides.first?["worst_step"] as? String == "c")
        let input = try #require(object["input"] as? [String: Any])
        let skipped = try #require(input["skipped"] as? [[String: Any]])
        #expect(skipped.first?["reason"] as? String == "invalid-json")
        #expect((object["comparisons"] as? [Any])?.count == 1)
    }

    @Test func csvHasOneRowPerStep() throws {
        let csv = CSVRenderer().render(try Self.report())
        let rows = csv.split(separator: "\n")
        #expect(rows.first == Substring(CSVRenderer.columns.joined(separator: ",")))
        #expect(rows.count == 1 + 4 + 3)
        #expect(rows[1].hasPrefix("tour,1,,0,a,4,3,0,0,1,0,0.25,60,108,3,0,5,1,2,0.4,"))
        #expect(CSVRenderer.field("a,\"b\"") == "\"a,\"\"b\"\"\"")
    }

    @Test func htmlIsSelfContained() throws {
        let html = HTMLRenderer().render(try Self.report())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg class=\"funnel\""))
        #expect(html.contains("Compare tour: v1 → v2"))
        #expect(html.contains("invalid-json"))
        // No scripts, stylesheets, fonts or images from anywhere: the only URL is the SVG namespace.
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
    }

    @Test func htmlEscapesNames() throws {
        let book = StepOrderBook(current: [GuideOutline(id: "tour", name: "<b>Tour</b>", version: 1, steps: ["a&b"])])
        var log = LogBuilder()
        log.add(0, "u1", "step_viewed", "a&b")
        let html = HTMLRenderer().render(try makeReport(log.text, book: book))
        #expect(html.contains("&lt;b&gt;Tour&lt;/b&gt;"))
        #expect(html.contains("a&amp;b"))
        #expect(!html.contains("<b>Tour"))
    }
}
