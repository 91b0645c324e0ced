import Foundation
import Testing

@testable import GuideKit

/// Event timestamps are RFC 3339 date-times in every reader; a CSV header may not name a column twice;
/// values quoted in messages are capped.
@Suite struct StrictInputTests {
    /// Timestamps and whether an event log accepts them (Events.md, `ts`).
    static let timestamps: [(String, Bool)] = [
        ("2026-11-01T10:00:00Z", true),
        ("2026-11-01T10:00:00.250Z", true),
        ("2026-11-01T11:00:00+01:00", true),
        ("2026-11-01T05:00:00.5-05:00", true),
        ("2026-11-01", false),
        ("2026-11-01t10:00:00Z", false),
        ("2026-11-01T10:00:00z", false),
        ("2026-11-01 10:00:00Z", false),
        ("2026-11-01T11:00:00+01", false),
        ("2026-11-01T11:00:00+0100", false),
        ("2026-11-01T10:00Z", false),
        ("2026-11-01T10:00:00,5Z", false),
        ("2026-11-01T10:00:00", false),
        ("2026-11-01T10:00:00.Z", false),
        ("2026-02-30T10:00:00Z", false),
        ("2026-11-01T24:00:00Z", false),
        ("2026-11-01T10:00:00+01:00 ", false),
    ]

    /// The number of bad timestamps the report's reader counts in `text`.
    static func badInReport(_ text: String, format: EventLogFormat, usesEventRuns: Bool) throws -> Int {
        let report = try DropOffReport(
            reading: [.bytes(Array(text.utf8), name: "log", format: format)],
            book: StepOrderBook(current: [tourOutline]),
            options: noWindow(),
            threads: 1,
            minimumPartSize: 1 << 30,
            usesEventRuns: usesEventRuns
        )
        return report.input.skipped.first { $0.issue == .badTimestamp }?.count ?? 0
    }

    @Test(arguments: timestamps)
    func everyReaderAcceptsTheSameTimestamps(ts: String, isValid: Bool) throws {
        // The timestamp after lines on the same day, so that the C runs have the date in their cache.
        let day = String(ts.prefix(10))
        var json = ""
        var csv = "ts,user,guide,version,step,type\n"
        for index in 0..<3 {
            json += #"{"ts":"\#(day)T09:00:0\#(index)Z","user":"u\#(index)","guide":"tour","version":1,"#
            json += #""type":"guide_started"}"# + "\n"
            csv += "\(day)T09:00:0\(index)Z,u\(index),tour,1,,guide_started\n"
        }
        json += #"{"ts":"\#(ts)","user":"v","guide":"tour","version":1,"type":"guide_started"}"# + "\n"
        csv += "\(ts.contains(",") ? "\"\(ts)\"" : ts),v,tour,1,,guide_started\n"
        let bad = isValid ? 0 : 1
        let dayIsValid = Timestamp.eventSeconds(parsing: "\(day)T09:00:00Z") != nil
        let expected = dayIsValid ? bad : 4
        for usesEventRuns in [true, false] {
            #expect(try Self.badInReport(json, format: .jsonLines, usesEventRuns: usesEventRuns) == expected)
            #expect(try Self.badInReport(csv, format: .csv, usesEventRuns: usesEventRuns) == expected)
        }
        for (text, format) in [(json, EventLogFormat.jsonLines), (csv, .csv)] {
            var tracker = Tracker(guides: CompiledGuideSet(guides: [], project: nil))
            try tracker.read(.bytes(Array(text.utf8), name: "log", format: format))
            #expect(tracker.summary.issues[.badTimestamp, default: 0] == expected)
        }
    }

    @Test func aRepeatedCSVColumnIsAnErrorNamingItAndBothPlaces() throws {
        let text = "ts,user,guide,version,step,type,user\n2026-11-01T10:00:00Z,a,tour,1,,guide_started,b\n"
        let message =
            "log: error: the CSV header names the column 'user' twice (columns 2 and 7); "
            + "give each column its own name"
        #expect {
            _ = try makeReport(text, format: .csv)
        } throws: { "\($0)" == message }
        var tracker = Tracker(guides: CompiledGuideSet(guides: [], project: nil))
        #expect {
            try tracker.read(.bytes(Array(text.utf8), name: "log", format: .csv))
        } throws: { "\($0)" == message }
        // Unnamed columns may repeat.
        let unnamed = "ts,user,guide,version,step,type,,\n2026-11-01T10:00:00Z,a,tour,1,,guide_started,,\n"
        #expect(try makeReport(unnamed, format: .csv, options: noWindow()).guide()?.started == 1)
    }

    @Test func quotedValuesAreCappedWithTheirLength() {
        #expect(quotedValue("short") == "short")
        #expect(quotedValue(String(repeating: "é", count: 80)) == String(repeating: "é", count: 80))
        let accents = String(repeating: "é", count: 80)
        #expect(quotedValue(accents + "é") == accents + "… (81 characters)")
        let id = String(repeating: "x", count: 1_000_000)
        let diagnostic = Diagnostic(
            .warning,
            rule: "file-name-mismatch",
            "guide id '\(id)' differs from the file name 'g.yaml'",
            at: SourceLocation(file: "g.yaml", line: 1, column: 5),
            fix: "rename the file to '\(id).yaml', or change the id to 'g'"
        )
        let shown = String(repeating: "x", count: 80)
        #expect(diagnostic.message == "guide id '\(shown)… (1000000 characters)' differs from the file name 'g.yaml'")
        #expect(diagnostic.fix == "rename the file to '\(shown)… (1000005 characters)', or change the id to 'g'")
        // Apostrophes in prose are not quotes; a quote that never closes leaves the rest as it is.
        let prose = "the guide's step 'a' is the user's first; " + String(repeating: "it's ", count: 40)
        #expect(Diagnostic.cappingQuotedValues(prose) == prose)
        let unclosed = "value '" + String(repeating: "y 'z ", count: 100)
        #expect(Diagnostic.cappingQuotedValues(unclosed) == unclosed)
    }

    @Test func longValuesInBadLinesAreCappedByBothReaders() throws {
        let long = String(repeating: "9", count: 5_000)
        let text =
            #"{"ts":"2026-11-01T10:00:00Z","user":"u","guide":"tour","version":"\#(long)","#
            + #""type":"guide_started"}"#
        let report = try makeReport(text + "\n")
        let detail = try #require(report.input.skipped.first { $0.issue == .badVersion }?.first.first?.detail)
        #expect(detail == "version '\(String(repeating: "9", count: 80))… (5000 bytes)'")
        var tracker = Tracker(guides: CompiledGuideSet(guides: [], project: nil))
        try tracker.read(.bytes(Array((text + "\n").utf8), name: "log", format: .jsonLines))
        let place = try #require(tracker.summary.places[.badVersion]?.first)
        #expect(place == "log:1: version '\(String(repeating: "9", count: 80))… (5000 characters)'")
    }
}
