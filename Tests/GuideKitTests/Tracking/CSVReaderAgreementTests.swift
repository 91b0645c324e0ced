import Foundation
import Testing

@testable import GuideKit

/// Every reader of CSV event logs finds the same records, the same bad ones and the same reasons.
///
/// The readers: the report's reader with and without the C event runs, cut into small parts by three threads, and the
/// tracker's reader (`state --events`). Each case was a divergence, most found by the `FuzzEventLogs`
/// fuzz target; each fails without the shared ``CSVRecordScanner``.
@Suite struct CSVReaderAgreementTests {
    static let header = "ts,user,guide,version,step,type\n"
    static let valid = "2026-11-01T10:00:00Z,u9,tour,1,a,step_viewed\n"

    /// What one reader made of a log: events, bad lines by reason, and the first places of each reason
    /// (`log:line: detail`); or the error that refused it.
    struct Reading: Equatable, CustomStringConvertible {
        var events = 0
        var issues: [InputIssue: Int] = [:]
        var places: [InputIssue: [String]] = [:]
        var error: String?

        var description: String {
            if let error { return "refused: \(error)" }
            return "\(events) events, \(issues.sorted { $0.key < $1.key }), \(places.sorted { $0.key < $1.key })"
        }
    }

    /// The report's reading of `bytes` with the given settings.
    static func report(
        _ bytes: [UInt8],
        format: EventLogFormat = .csv,
        threads: Int,
        windowSize: Int? = nil,
        usesEventRuns: Bool
    ) -> Result<DropOffReport, EventLogError> {
        do {
            return .success(
                try DropOffReport(
                    reading: [.bytes(bytes, name: "log", format: format)],
                    book: StepOrderBook(current: [tourOutline]),
                    options: noWindow(),
                    threads: threads,
                    minimumPartSize: threads > 1 ? 1 : 1 << 30,
                    windowSize: windowSize,
                    usesEventRuns: usesEventRuns
                )
            )
        } catch let error as EventLogError {
            return .failure(error)
        } catch {
            return .failure(EventLogError(path: "log", message: "\(error)"))
        }
    }

    static func reading(_ result: Result<DropOffReport, EventLogError>) -> Reading {
        switch result {
        case .failure(let error): return Reading(error: error.message)
        case .success(let report):
            var reading = Reading(events: report.input.events + report.input.filteredOut)
            for skipped in report.input.skipped {
                reading.issues[skipped.issue] = skipped.count
                reading.places[skipped.issue] = skipped.first.map { "\($0.file):\($0.line): \($0.detail)" }
            }
            return reading
        }
    }

    static func trackerReading(_ bytes: [UInt8], format: EventLogFormat = .csv) -> Reading {
        var tracker = Tracker(guides: CompiledGuideSet(guides: [], project: nil))
        do {
            try tracker.read(.bytes(bytes, name: "log", format: format))
        } catch {
            return Reading(error: error.message)
        }
        let summary = tracker.summary
        return Reading(
            events: summary.events,
            issues: summary.issues.filter { $0.value > 0 },
            places: summary.places.filter { !$0.value.isEmpty }
        )
    }

    /// Reads `bytes` every way, expects every reading to agree, and returns the one reading.
    static func agreedReading(
        _ bytes: [UInt8],
        format: EventLogFormat = .csv,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Reading {
        let general = report(bytes, format: format, threads: 1, usesEventRuns: false)
        let others = [
            ("C event runs", report(bytes, format: format, threads: 1, usesEventRuns: true)),
            (
                "3 threads, 64-byte windows, C runs",
                report(bytes, format: format, threads: 3, windowSize: 64, usesEventRuns: true)
            ),
            ("3 threads", report(bytes, format: format, threads: 3, usesEventRuns: false)),
        ]
        let expected = reading(general)
        for (name, other) in others {
            switch (general, other) {
            case (.success(let one), .success(let two)):
                #expect(one == two, "the report read with \(name) differs", sourceLocation: sourceLocation)
            default:
                #expect(reading(other) == expected, "\(name)", sourceLocation: sourceLocation)
            }
        }
        #expect(
            trackerReading(bytes, format: format) == expected,
            "the tracker differs from the report",
            sourceLocation: sourceLocation
        )
        return expected
    }

    static func agreedReading(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Reading {
        agreedReading(Array(text.utf8), sourceLocation: sourceLocation)
    }

    /// The fuzzer's finding in `Fuzz/Findings` reads alike everywhere.
    ///
    /// The log (without the input's first byte of settings) is quoted, with a control byte in a timestamp
    /// and JSON glued to the end of a record. The tracker counted 5 invalid lines, the report 4 and a
    /// truncated line, because after `text after a closing quote` the report went on reading quotes in
    /// the rest of the line.
    @Test func theFuzzersQuotedLogReadsAlikeEverywhere() throws {
        let url = try #require(
            Bundle.module.url(forResource: "Fixtures/Events/fuzz-tracker-vs-report", withExtension: "csv")
        )
        let reading = Self.agreedReading(Array(try Data(contentsOf: url)))
        #expect(reading.error == nil)
        #expect(reading.issues[InputIssue.invalidCSV] == 5)
        #expect(reading.issues[InputIssue.truncatedLine] == nil)
        #expect(reading.issues[InputIssue.badTimestamp] == 1)
    }

    /// After a closing quote and text, the record is bad to the end of its line, whatever quotes follow:
    /// the next line is read as a record of its own.
    @Test func aBadRecordEndsAtItsLineEvenBeforeAQuotedLineBreak() {
        let log = Self.header + "2026-11-01T10:00:00Z\"x,u1,tour,1,\"a\nb\",step_viewed\n" + Self.valid
        let reading = Self.agreedReading(log)
        #expect(reading.events == 1)
        #expect(reading.issues == [InputIssue.invalidCSV: 2])
        #expect(
            reading.places[InputIssue.invalidCSV] == [
                "log:2: a quote inside an unquoted field", "log:3: a quote inside an unquoted field",
            ]
        )
        let after = Self.header + "\"2026-11-01T10:00:00Z\"x,u1,tour,1,\"a\nb\",step_viewed\n" + Self.valid
        #expect(
            Self.agreedReading(after).places[InputIssue.invalidCSV] == [
                "log:2: text after a closing quote", "log:3: a quote inside an unquoted field",
            ]
        )
    }

    /// A stray quote makes the quotes before later line ends odd: parts cut where the count of quotes is
    /// even began inside a quoted field that spans lines, and the threads read other records than one
    /// thread does.
    @Test func partsAfterAStrayQuoteStartWhereOneThreadsRecordsStart() {
        var log = Self.header
        for index in 0..<6 {
            log += "2026-11-01T10:00:0\(index)Z,u\(index),tour,1,a\"b,step_viewed\n"
            log += "2026-11-01T10:01:0\(index)Z,v\(index),tour,1,\"c\nd\",step_viewed\n"
            log += "2026-11-01T10:02:0\(index)Z,w\(index),tour,1,b,step_viewed\n"
        }
        let reading = Self.agreedReading(log)
        #expect(reading.events == 12)
        #expect(reading.issues == [InputIssue.invalidCSV: 6])
    }

    /// The header is read by one definition: a quote inside an unquoted name, a byte order mark, and the
    /// other names of `ts`, `user` and `type` (`timestamp`, `userId`, `user_id`, `event_type`).
    @Test(arguments: [
        (
            "ts,user,guide,version,step,type,no\"te\n",
            "the CSV header is not valid CSV (a quote inside an unquoted field)"
        ),
        ("ts,user,guide,version,step,\"type\"x\n", "the CSV header is not valid CSV (text after a closing quote)"),
        (
            "ts,user,guide,version,step,\"type\n",
            "the CSV header has an unclosed quote (a column name cannot hold a line break)"
        ),
        ("\n", "the CSV header is empty; the first line must name the columns, e.g. ts,user,guide,version,step,type"),
    ])
    func badHeadersAreRefusedAlike(header: String, message: String) {
        let reading = Self.agreedReading(header + Self.valid)
        #expect(reading.error == message)
    }

    @Test(arguments: [
        "\u{FEFF}ts,user,guide,version,step,type\n",
        "timestamp,userId,guide,version,step,event_type\n",
        "ts,user_id,guide,version,step,type,anonymousId\n",
        "\"ts\",\"user\",\"guide\",\"version\",\"step\",\"type\"\r\n",
    ])
    func everyHeaderOneReaderTakesTheOtherTakes(header: String) {
        let reading = Self.agreedReading(
            header + Self.valid.replacingOccurrences(of: "step_viewed", with: "step_viewed,x")
        )
        #expect(reading.error == nil)
        #expect(reading.events + reading.issues.values.reduce(0, +) == 1)
    }

    /// Lines that the readers used to take differently: a line of tabs, a last line cut short, a `\r` and
    /// text after a closing quote, a `\r` at the very end, an unclosed quote over several lines.
    @Test(
        arguments: [
            ("\t \t\n", 0, [:]),
            ("2026-11-01T10:00:01Z,u1,tour", 0, [InputIssue.truncatedLine: 1]),
            ("2026-11-01T10:00:01Z,u1,tour,1,a,step_viewed,extra", 0, [.invalidCSV: 1]),
            ("2026-11-01T10:00:01Z,u1,tour,1,\"a\"\rb,step_viewed\n", 0, [.invalidCSV: 1]),
            ("2026-11-01T10:00:01Z,u1,tour,1,\"a\"\r", 0, [.truncatedLine: 1]),
            ("2026-11-01T10:00:01Z,u1,tour,1,a,step_viewed\r", 1, [:]),
            ("2026-11-01T10:00:01Z,u1,tour,1,a,\"step_viewed\"\r", 1, [:]),
            ("2026-11-01T10:00:01Z,u1,tour,1,\"a\nb\nc,step_viewed\n", 0, [.truncatedLine: 1]),
        ] as [(String, Int, [InputIssue: Int])]
    )
    func oddLinesReadAlike(line: String, events: Int, issues: [InputIssue: Int]) {
        let reading = Self.agreedReading(Self.header + Self.valid + line)
        #expect(reading.events == events + 1)
        #expect(reading.issues == issues)
    }

    /// A log whose records hold quoted line breaks, read in parts by three threads at every size: the
    /// parts start at records (a part that ends inside a quoted field makes the reader cut again at
    /// record ends) and the report is the one-thread report.
    @Test(arguments: 1..<12)
    func quotedLineBreaksAtEveryCut(count: Int) {
        var log = Self.header
        for index in 0..<count {
            log +=
                "2026-11-01T10:00:\(10 + index)Z,u\(index),tour,1,\"a\n\(String(repeating: "x", count: index))\",step_viewed\n"
            if index % 3 == 1 { log += "2026-11-01T10:00:00Z,u\(index),tour,1,\"b\"\"\",\"step_viewed\"\n" }
            if index % 4 == 2 { log += "2026-11-01T10:00:00Z,u\(index),\"tour\n\"x,1,b,step_viewed\n" }
        }
        let reading = Self.agreedReading(log)
        #expect(reading.events == count + (count + 1) / 3)
    }

    /// A `type` or Segment `event` written with JSON escapes is the name it decodes to, in the report as in
    /// the tracker (the report matched the escaped bytes: an unknown type where the tracker read an event).
    @Test(
        arguments: [
            (#""type":"step\u005fviewed""#, 1, [:]),
            (#""type":"step\u005ftarget_missing""#, 1, [:]),
            (#""type":"tr\u0061ck","event":"Guide Step Viewed""#, 1, [:]),
            (#""type":"track","event":"Guide Step Vi\u0065wed""#, 1, [:]),
            (#""type":"expo\u0073ure""#, 0, [InputIssue.otherEvent: 1]),
            (#""type":"p\u0061ge""#, 0, [.otherEvent: 1]),
            (#""type":"step\u005fview""#, 0, [.unknownType: 1]),
        ] as [(String, Int, [InputIssue: Int])]
    )
    func escapedNamesReadAsTheirText(type: String, events: Int, issues: [InputIssue: Int]) {
        let line =
            #"{"ts":"2026-11-01T10:00:00Z","user":"u\u0031","guide":"t\u006fur","version":1,"step":"a",\#(type)}"#
        let reading = Self.agreedReading(Array((line + "\n").utf8), format: .jsonLines)
        #expect(reading.events == events)
        #expect(reading.issues == issues)
    }
}
