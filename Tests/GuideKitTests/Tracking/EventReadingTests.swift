import Foundation
import Testing

@testable import GuideKit

@Suite struct EventReadingTests {
    static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/Events/\(name)", withExtension: nil))
        return url.path
    }

    @Test func everyKindOfBadLineIsCountedWithItsLineNumber() throws {
        let good =
            #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":1,"step":"a","type":"step_viewed"}"#
        let lines = [
            good,
            // 2: not JSON
            #"{"ts":"2026-11-01T10:00:00Z","user":"u1""#,
            // 3: no user
            #"{"ts":"2026-11-01T10:00:00Z","guide":"tour","version":1,"type":"guide_started"}"#,
            // 4
            #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":1,"type":"guide_exploded"}"#,
            // 5
            #"{"ts":"yesterday","user":"u1","guide":"tour","version":1,"type":"guide_started"}"#,
            // 6
            #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":0,"type":"guide_started"}"#,
            // 7
            #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":"x","type":"guide_started"}"#,
            // 8: no step
            #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":1,"type":"step_viewed"}"#,
            // 9: no zone
            #"{"ts":"2026-11-01T10:00:00","user":"u1","guide":"tour","version":1,"type":"guide_started"}"#,
            // 10
            #"["not", "an", "object"]"#,
            // 11
            #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":1,"step":"a","type":"step_viewed"} x"#,
            good,
            // 13: truncated, no newline
            #"{"ts":"2026-11-01T10:00:00Z","user":"u2","gui"#,
        ]
        let report = try makeReport(lines.joined(separator: "\n"))
        let byIssue = Dictionary(uniqueKeysWithValues: report.input.skipped.map { ($0.issue, $0) })
        #expect(byIssue[.invalidJSON]?.first.map(\.line) == [2, 10, 11])
        #expect(byIssue[.missingField]?.first.map(\.line) == [3, 8])
        #expect(byIssue[.missingField]?.first.first?.detail == "no 'user'")
        #expect(byIssue[.unknownType]?.first.map(\.line) == [4])
        #expect(byIssue[.badTimestamp]?.first.map(\.line) == [5, 9])
        #expect(byIssue[.badVersion]?.first.map(\.line) == [6, 7])
        #expect(byIssue[.truncatedLine]?.first.map(\.line) == [13])
        #expect(byIssue[.truncatedLine]?.first.first?.file == "log")
        #expect(report.input.badLines == 11)
        #expect(report.input.lines == 13)
        #expect(report.input.events == 2)
        #expect(report.guide()?.step("a")?.reached == 1)
    }

    /// The readers remember the last two dates they parsed; a timestamp whose date bytes match the
    /// empty memory (all zero bytes) is still a bad timestamp, on the first line or later, and late
    /// events on earlier dates keep their times.
    @Test(arguments: [EventLogFormat.csv, .jsonLines])
    func datesAreRememberedOnlyOnceParsed(format: EventLogFormat) throws {
        let zeros = String(repeating: "\u{0}", count: 10) + "T10:00:00Z"
        let times = [
            zeros, "2026-11-02T10:00:00Z", "2026-11-01T23:59:00Z", "2026-11-02T10:01:00Z", "2026-10-30T08:00:00Z",
            "2026-11-02T10:02:00Z", zeros, "2026-11-01T23:59:30Z",
        ]
        var text = format == .csv ? "ts,user,guide,version,step,type\n" : ""
        for (index, time) in times.enumerated() {
            let step = ["a", "b", "c", "d"][index % 4]
            if format == .csv {
                text += "\(time),u\(index % 3),tour,1,\(step),step_viewed\n"
            } else {
                let escaped = time.replacingOccurrences(of: "\u{0}", with: "\\u0000")
                text +=
                    #"{"ts":"\#(escaped)","user":"u\#(index % 3)","guide":"tour","version":1,"step":"\#(step)","type":"step_viewed"}"#
                    + "\n"
            }
        }
        for runs in [true, false] {
            let report = try DropOffReport(
                reading: [.bytes(Array(text.utf8), name: "log", format: format)],
                book: StepOrderBook(current: [tourOutline]),
                options: noWindow(),
                threads: 1,
                minimumPartSize: 1 << 30,
                usesEventRuns: runs
            )
            let bad = report.input.skipped.first { $0.issue == .badTimestamp }
            #expect(bad?.count == 2)
            #expect(report.input.events == 6)
            // The earliest event is the late one of October 30th, the latest of November 2nd.
            let earliest = try #require(Timestamp.seconds(parsing: "2026-10-30T08:00:00Z"))
            let latest = try #require(Timestamp.seconds(parsing: "2026-11-02T10:02:00Z"))
            #expect(report.input.timeRange == earliest...latest)
        }
    }

    @Test func onlyTheFirstFiveLinesOfAReasonAreKept() throws {
        let text = String(repeating: "{oops}\n", count: 12)
        let report = try makeReport(text)
        let entry = try #require(report.input.skipped.first)
        #expect(entry.count == 12)
        #expect(entry.first.map(\.line) == [1, 2, 3, 4, 5])
    }

    @Test func lineNumbersStayRightWhenAFileIsReadInParallelParts() throws {
        var log = LogBuilder()
        for index in 0..<1_000 { log.add(Double(index), "u\(index % 37)", "step_viewed", "a") }
        log.lines[899] = "{broken"
        log.lines[949] = "{broken"
        let single = try makeReport(log.text, options: noWindow())
        for threads in [2, 3, 4] {
            let parallel = try makeReport(log.text, options: noWindow(), threads: threads, minimumPartSize: 1)
            #expect(parallel.input.skipped.first?.first.map(\.line) == [900, 950])
            #expect(parallel.guides == single.guides)
            #expect(parallel.input.lines == 1_000)
        }
    }

    @Test func theFirstBadLinesAreTheFileWideFirstWhenChunksAreReadByManyThreads() throws {
        // Bad lines all over the file: the summary must name the first five of the file, whichever
        // thread read which chunk, in JSON Lines and in CSV (whose header is line 1).
        let bad = [40, 130, 131, 420, 777, 901, 950, 999]
        var log = LogBuilder()
        for index in 0..<1_000 { log.add(Double(index), "u\(index % 37)", "step_viewed", "a") }
        for line in bad { log.lines[line - 1] = "{broken" }
        var csv = "ts,user,guide,version,step,type\n"
        for index in 0..<1_000 {
            let time = LogBuilder.time(Double(index))
            csv += bad.contains(index + 2) ? "x,y\n" : "\(time),u\(index % 37),tour,1,a,step_viewed\n"
        }
        for threads in [1, 2, 3] {
            let json = try makeReport(log.text, options: noWindow(), threads: threads, minimumPartSize: 1)
            #expect(json.input.skipped.first?.first.map(\.line) == Array(bad.prefix(5)))
            #expect(json.input.skipped.first?.count == bad.count)
            let fromCSV = try makeReport(csv, format: .csv, options: noWindow(), threads: threads, minimumPartSize: 1)
            #expect(fromCSV.input.skipped.first?.first.map(\.line) == Array(bad.prefix(5)))
            #expect(fromCSV.input.lines == 1_001)
        }
    }

    @Test func csvFieldsWithLineBreaksAreReadRightWhereverTheFileIsCut() throws {
        // Every third record has a quoted note of three lines, so many cuts of a file read in small
        // chunks fall inside a record: the reader must notice and read the file again without them.
        let note = "\"first line\nsecond, \"\"quoted\"\"\nthird\""
        var csv = "ts,user,guide,version,step,type,note\n"
        for index in 0..<600 {
            let time = LogBuilder.time(Double(index))
            let step = ["a", "b", "c", "d"][index % 4]
            csv += "\(time),u\(index % 29),tour,1,\(step),step_viewed,\(index % 3 == 0 ? note : "plain")\n"
        }
        var options = noWindow()
        options.breakdown = .property("note")
        let single = try makeReport(csv, format: .csv, options: options)
        #expect(single.input.skipped.isEmpty)
        #expect(single.input.events == 600)
        let groups = single.guides.map { $0.group ?? "" }
        #expect(groups == ["note=first line\nsecond, \"quoted\"\nthird", "note=plain"])
        #expect(single.guides.map { $0.steps.map(\.reached) } == [[29, 29, 29, 29], [29, 29, 29, 29]])
        for threads in [2, 3] {
            for part in [1, 64, 400] {
                let parallel = try makeReport(
                    csv,
                    format: .csv,
                    options: options,
                    threads: threads,
                    minimumPartSize: part
                )
                #expect(parallel.guides == single.guides, "\(threads) threads, parts of \(part)")
                #expect(parallel.input == single.input, "\(threads) threads, parts of \(part)")
            }
        }
    }

    @Test func filesReadInSmallWindowsByManyThreadsGiveTheSameReport() throws {
        // Files are read window by window into each thread's buffer: records longer than a window,
        // chunks cut as threads take them, quoted line breaks in CSV and a truncated last line.
        var log = LogBuilder()
        for index in 0..<700 {
            let type = ["step_viewed", "step_completed"][index % 2]
            let padding = index == 300 ? #","padding":"\#(String(repeating: "x", count: 900))""# : ""
            log.add(Double(index), "user-\(index % 41)", type, ["a", "b", "c"][index % 3], extra: padding)
        }
        var json = log.text
        json += #"{"ts":"2026-11-01T10:00:00Z","user":"u"#  // truncated last line
        let note = "\"a note\nover two lines\""
        var csv = "ts,user,guide,version,step,type,note\n"
        for index in 0..<700 {
            let type = ["step_viewed", "step_completed"][index % 2]
            let step = ["a", "b", "c"][index % 3]
            let text = index % 5 == 0 ? note : index == 300 ? String(repeating: "y", count: 900) : "plain"
            csv += "\(LogBuilder.time(Double(index))),user-\(index % 41),tour,1,\(step),\(type),\(text)\n"
        }
        csv += "2026-11-01T10:00:00Z,u"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-files-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (text, format, name) in [(json, EventLogFormat.jsonLines, "log.jsonl"), (csv, .csv, "log.csv")] {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            let book = StepOrderBook(current: [tourOutline])
            let single = try makeReport(text, format: format, options: noWindow())
            #expect(single.input.events == 700)
            #expect(single.input.skipped.map(\.issue) == [.truncatedLine])
            for threads in [1, 2, 3] {
                let fromFile = try DropOffReport(
                    reading: [.file(path: url.path)],
                    book: book,
                    options: noWindow(),
                    threads: threads,
                    minimumPartSize: 64,
                    windowSize: 256
                )
                #expect(fromFile.guides == single.guides, "\(name), \(threads) threads")
                #expect(fromFile.input.events == 700, "\(name), \(threads) threads")
                #expect(fromFile.input.lines == single.input.lines, "\(name), \(threads) threads")
                #expect(
                    fromFile.input.skipped.first?.first
                        == single.input.skipped.first?.first.map {
                            InputSummary.Place(file: url.path, line: $0.line, detail: $0.detail)
                        }
                )
            }
        }
    }

    @Test func jsonIsReadCorrectlyNotJustQuickly() throws {
        let book = StepOrderBook(current: [GuideOutline(id: "tour", version: 1, steps: ["café", "a\"b", "c"])])
        let lines = [
            // Escapes in keys and values, any key order, extra and nested properties, spaces.
            #" { "type" : "step_viewed", "st\u0065p": "caf\u00e9", "user": "u\u0031", "guide": "tour", "#
                + #""version": 1, "ts": "2026-11-01T10:00:00Z", "extra": {"a": [1, 2.5e3, true, null, "x"]} } "#,
            #"{"user":"u1","guide":"tour","version":1,"step":"a\"b","type":"step_viewed","ts":"2026-11-01T10:00:01Z"}"#,
            #"{"user":"u1","guide":"tour","version":1,"step":null,"type":"guide_started","ts":"2026-11-01T09:00:00+00:00"}"#,
            // A surrogate pair, and an event on a step that is not in the order.
            #"{"user":"u1","guide":"tour","version":1,"step":"\ud83d\ude00","type":"step_viewed","ts":"2026-11-01T10:00:02Z"}"#,
            // Bad JSON: an invalid escape, a lone surrogate, a raw control character, a bad number.
            #"{"user":"u\x","guide":"tour","version":1,"type":"guide_started","ts":"2026-11-01T10:00:00Z"}"#,
            #"{"user":"\udc00","guide":"tour","version":1,"type":"guide_started","ts":"2026-11-01T10:00:00Z"}"#,
            "{\"user\":\"u\t1\",\"guide\":\"tour\",\"version\":1,\"type\":\"guide_started\",\"ts\":\"2026-11-01T10:00:00Z\"}",
            #"{"user":"u1","guide":"tour","version":01,"type":"guide_started","ts":"2026-11-01T10:00:00Z"}"#,
        ]
        let report = try makeReport(lines.joined(separator: "\r\n") + "\r\n", book: book, options: noWindow())
        let tour = try #require(report.guide())
        #expect(tour.started == 1)
        #expect(tour.steps.map(\.reached) == [1, 1, 0])
        #expect(tour.unmappedEvents == ["😀": 1])
        #expect(report.input.skipped.map(\.issue) == [.invalidJSON])
        #expect(report.input.skipped.first?.first.map(\.line) == [5, 6, 7, 8])
    }

    @Test func longStringsAreCheckedPastTheirFirstSixteenBytes() throws {
        // Escapes and control characters at every offset of long strings, where the reader scans
        // sixteen bytes at a time, then eight, then single bytes.
        var lines: [String] = []
        var valid = 0
        for offset in 0..<40 {
            let prefix = String(repeating: "x", count: offset)
            let tail = #","guide":"tour","version":1,"type":"guide_started"}"#
            // Valid: an escaped quote, and an escaped unicode character, at `offset`.
            lines.append(#"{"ts":"2026-11-01T10:00:00Z","user":""# + prefix + #"\"q-\#(offset)""# + tail)
            lines.append(#"{"ts":"2026-11-01T10:00:00Z","user":""# + prefix + #"\u00e9-\#(offset)""# + tail)
            valid += 2
            // Invalid: a raw tab, and a bad escape, at `offset`.
            lines.append(#"{"ts":"2026-11-01T10:00:00Z","user":""# + prefix + "\t-\(offset)\"" + tail)
            lines.append(#"{"ts":"2026-11-01T10:00:00Z","user":""# + prefix + #"\x-\#(offset)""# + tail)
        }
        let report = try makeReport(lines.joined(separator: "\n") + "\n", options: noWindow())
        #expect(report.guide()?.started == valid)
        #expect(report.input.skipped.map(\.issue) == [.invalidJSON])
        #expect(report.input.skipped.first?.count == 80)
    }

    @Test func segmentTrackCallsAreMapped() throws {
        let report = try DropOffReport(
            reading: [.file(path: try Self.fixture("segment.jsonl"))],
            book: StepOrderBook(current: [tourOutline]),
            options: noWindow()
        )
        let tour = try #require(report.guide())
        #expect(tour.started == 2)  // u-1 and anon-7
        #expect(tour.finished == 1)
        #expect(tour.dismissed == 1)
        let a = try #require(tour.step("a"))
        #expect(a.reached == 2)
        #expect(a.completed == 1)
        #expect(a.dismissed == 1)
        #expect(a.dropped == 1)
        // 11:00:04+01:00 is 10:00:04Z: 2.5 s after the view at 10:00:01.5.
        #expect(a.time.median == 2.5)
        #expect(tour.timeToFinish.median == 300)
        // The page call and the other track event are noted, not errors.
        #expect(report.input.skipped.map(\.issue) == [.otherEvent])
        #expect(report.input.skipped.first?.count == 2)
        #expect(report.input.badLines == 0)
    }

    @Test func segmentPropertiesCanBreakTheReportDown() throws {
        var options = noWindow()
        options.breakdown = .property("variant")
        let report = try DropOffReport(
            reading: [.file(path: try Self.fixture("segment.jsonl"))],
            book: StepOrderBook(current: [tourOutline]),
            options: options
        )
        #expect(report.guides.compactMap(\.group) == ["variant=(none)", "variant=B"])
        #expect(report.guide(group: "variant=B")?.step("a")?.reached == 1)
    }

    @Test func csvQuotingFollowsRFC4180() throws {
        let book = StepOrderBook(current: [GuideOutline(id: "tour", version: 1, steps: ["a, then b", "multi\nline"])])
        let report = try DropOffReport(
            reading: [.file(path: try Self.fixture("quoting.csv"))],
            book: book,
            options: noWindow()
        )
        let tour = try #require(report.guide())
        #expect(tour.steps.map(\.reached) == [1, 1])
        #expect(tour.steps.map(\.completed) == [1, 0])
        #expect(tour.started == 2)
        #expect(report.input.badLines == 0)
        #expect(report.input.lines == 7)  // physical lines, the header included
    }

    @Test func badCSVRecordsAreCounted() throws {
        let text = """
            ts,user,guide,version,step,type
            2026-11-01T10:00:00Z,u1,tour,1,a,step_viewed
            2026-11-01T10:00:00Z,u"1,tour,1,a,step_viewed
            2026-11-01T10:00:00Z,u1,tour,1,a
            2026-11-01T10:00:00Z,"u1"x,tour,1,a,step_viewed

            2026-11-01T10:00:00Z,u2,tour,1,,step_viewed
            2026-11-01T10:00:00Z,u3,tour,1,a,step_viewed
            2026-11-01T10:00:00Z,"u4,tour,1,a,step_viewed
            """
        let report = try makeReport(text, format: .csv)
        let byIssue = Dictionary(uniqueKeysWithValues: report.input.skipped.map { ($0.issue, $0) })
        #expect(byIssue[.invalidCSV]?.first.map(\.line) == [3, 4, 5])
        #expect(byIssue[.missingField]?.first.map(\.line) == [7])
        #expect(byIssue[.truncatedLine]?.first.map(\.line) == [9])
        #expect(report.guide()?.step("a")?.reached == 2)
    }

    @Test func aCSVHeaderWithoutAUserColumnIsAnError() {
        #expect(throws: EventLogError.self) {
            try makeReport("ts,guide,version,step,type\n2026-11-01T10:00:00Z,tour,1,a,step_viewed\n", format: .csv)
        }
    }

    @Test func csvAndJSONGiveTheSameReport() throws {
        let json = DropOffDefinitionTests.optionalStepLog
        var csv = "ts,user,guide,version,step,type\n"
        for line in json.lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let fields = ["ts", "user", "guide", "version", "step", "type"].map { "\(object[$0] ?? "")" }
            csv += fields.joined(separator: ",") + "\n"
        }
        let fromJSON = try makeReport(json.text, options: noWindow())
        let fromCSV = try makeReport(csv, format: .csv, options: noWindow(), threads: 2, minimumPartSize: 1)
        #expect(fromCSV.guides == fromJSON.guides)
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: EventLogError.self) {
            try DropOffReport(reading: [.file(path: "/nonexistent/events.jsonl")], book: StepOrderBook())
        }
    }

    @Test func formatsFollowTheExtension() {
        #expect(EventLogFormat(path: "a/b.CSV") == .csv)
        #expect(EventLogFormat(path: "events.jsonl") == .jsonLines)
        #expect(EventSource(argument: "-").name == "-")
        #expect(GuideEventType(segmentEventName: "Guide Step Viewed") == .stepViewed)
        #expect(GuideEventType(segmentEventName: "Signed Up") == nil)
    }
}
