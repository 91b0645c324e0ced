import Foundation
import Testing

@testable import GuideKit

/// The report as a product manager reads it: a filter never moves "now", numbers print as the table
/// shows them, and a comparison says what it found.
@Suite struct ReportReadingTests {
    /// Two guides; the other guide's events are the latest in the log.
    static func twoGuideLog() -> LogBuilder {
        var log = LogBuilder()
        log.add(0, "u1", "step_viewed", "a")
        log.add(1, "u2", "step_viewed", "a")
        log.add(60 * 24 * 9, "u3", "step_viewed", "x", guide: "other")
        return log
    }

    static let book = StepOrderBook(current: [
        tourOutline, GuideOutline(id: "other", name: "Other", version: 1, steps: ["x"]),
    ])

    @Test(arguments: [1, 2])
    func aGuideFilterDoesNotMoveAsOf(threads: Int) throws {
        let log = Self.twoGuideLog()
        let all = try makeReport(log.text, book: Self.book, threads: threads)
        var options = ReportOptions()
        options.guides = ["tour"]
        let filtered = try makeReport(log.text, book: Self.book, options: options, threads: threads)
        #expect(filtered.asOf == LogBuilder.base + 60 * 24 * 9 * 60)
        #expect(filtered.asOf == all.asOf)
        // So the tour's users, inactive for 9 days against the log's end, have dropped in both reports.
        #expect(filtered.guide()?.step("a")?.dropped == 2)
        #expect(all.guide()?.step("a")?.dropped == 2)
        #expect(filtered.input.filteredOut == 1)
    }

    @Test func timeFiltersDoNotMoveAsOfEither() throws {
        let log = Self.twoGuideLog()
        var options = ReportOptions()
        options.until = LogBuilder.base + 3_600
        let report = try makeReport(log.text, book: Self.book, options: options)
        #expect(report.asOf == LogBuilder.base + 60 * 24 * 9 * 60)
        // The C event runs and Swift's reader agree.
        let swiftOnly = try DropOffReport(
            reading: [.bytes(Array(log.text.utf8), name: "log", format: .jsonLines)],
            book: Self.book,
            options: options,
            threads: 1,
            minimumPartSize: 1 << 30,
            usesEventRuns: false
        )
        #expect(swiftOnly.asOf == report.asOf)
    }

    @Test func csvRoundsAsTheTableDoes() throws {
        #expect(CSVRenderer.seconds(505.899_999_999_999_64) == "505.9")
        #expect(CSVRenderer.seconds(60) == "60")
        #expect(CSVRenderer.seconds(nil) == "")
        #expect(CSVRenderer.rate(1.0 / 3) == "0.333")
        #expect(CSVRenderer.rate(0.1 + 0.2) == "0.3")
        #expect(CSVRenderer.rate(1) == "1")
        // A report whose durations carry float noise: 10:00:00.1 to 10:08:26.0 is 505.9 s.
        let lines = [
            #"{"ts":"2026-11-01T10:00:00.1Z","user":"u1","guide":"tour","version":1,"step":"a","type":"step_viewed"}"#,
            #"{"ts":"2026-11-01T10:08:26Z","user":"u1","guide":"tour","version":1,"step":"a","type":"step_completed"}"#,
        ]
        let report = try makeReport(lines.joined(separator: "\n") + "\n", options: noWindow())
        let median = try #require(report.guide()?.step("a")?.time.median)
        #expect(median != 505.9)  // the noise is real
        let csv = CSVRenderer().render(report)
        #expect(csv.contains(",505.9,505.9,1,0,"))
        #expect(!csv.contains("99999"))
    }

    static func comparisonReport(baseline: (Int, Int), candidate: (Int, Int)) throws -> DropOffReport {
        var log = LogBuilder()
        for (version, counts) in [(1, baseline), (2, candidate)] {
            for user in 0..<counts.1 {
                let id = "v\(version)-\(user)"
                log.add(0, id, "step_viewed", "a", version: version)
                if user < counts.0 { log.add(1, id, "guide_completed", version: version) }
            }
        }
        var options = noWindow()
        options.compare = ReportOptions.CompareSpec(parsing: "tour@1..2")
        let v2 = GuideOutline(id: "tour", name: "Tour", version: 2, steps: ["a", "b", "c", "d"])
        return try makeReport(log.text, book: StepOrderBook(current: [v2], earlier: [tourOutline]), options: options)
    }

    @Test func theComparisonSaysWhatItFound() throws {
        let clear = try Self.comparisonReport(baseline: (30, 100), candidate: (60, 100))
        let found = try #require(clear.comparisons.first?.findings)
        #expect(found.first == "version 2 finishes more often (60.0% vs 30.0%, p < 0.001)")
        let table = TableRenderer().render(clear)
        #expect(table.contains("→ version 2 finishes more often"))
        #expect(!table.contains("significant at 0.05"))

        let unclear = try Self.comparisonReport(baseline: (40, 80), candidate: (43, 80))
        let none = try #require(unclear.comparisons.first?.findings)
        let p = try #require(unclear.comparisons.first?.rows.first?.adjustedP)
        #expect(p > 0.05)
        #expect(none.first == "no significant difference in completion (\(Comparison.pText(p)))")
        #expect(Comparison.pText(0.4712) == "p = 0.47")
        #expect(Comparison.pText(0.0031) == "p = 0.0031")
        #expect(Comparison.sideName("v1 variant=A") == "variant A (v1)")
        let json = JSONRenderer().render(unclear)
        #expect(json.contains("\"findings\""))
    }
}
