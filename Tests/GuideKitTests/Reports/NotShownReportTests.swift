import Foundation
import Testing

@testable import GuideKit

/// `step_target_missing` (the web SDK waited for a step's target and it never appeared) counts per step as
/// "not shown" with its reason, in every reader and every format, and changes no progress.
@Suite struct NotShownReportTests {
    /// u1 misses a's target twice (a retry) and sees nothing; u2 misses c's target and then is shown c; u3
    /// misses b's target with no guide_started; u4 sends one without a step (a bad line); u5 misses the
    /// target of a step the guide does not have.
    static var log: LogBuilder {
        var log = LogBuilder()
        log.add(0, "u1", "guide_started")
        log.add(1, "u1", "step_target_missing", "a", extra: ##","target":"#nav","timeout":6000,"page":"/home""##)
        log.add(1, "u1", "step_target_missing", "a")
        log.add(0, "u2", "guide_started")
        log.add(1, "u2", "step_viewed", "a")
        log.add(2, "u2", "step_completed", "a")
        log.add(3, "u2", "step_target_missing", "c")
        log.add(4, "u2", "step_viewed", "c")
        log.add(5, "u3", "step_target_missing", "b")
        log.add(5, "u4", "step_target_missing")
        log.add(6, "u5", "step_target_missing", "zz")
        return log
    }

    /// The log as CSV, quoted or not.
    static func csv(quoted: Bool) -> String {
        var text = "ts,user,guide,version,step,type,target\n"
        for line in log.lines {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
            let values = ["ts", "user", "guide", "version", "step", "type", "target"].map { "\(object[$0] ?? "")" }
            text += values.map { quoted ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
        }
        return text
    }

    static let texts: [(String, EventLogFormat)] = [
        (log.text, .jsonLines), (csv(quoted: false), .csv), (csv(quoted: true), .csv),
    ]

    @Test(arguments: 0..<3, [(1, false), (1, true), (3, true)])
    func targetMissingCountsPerStepAsNotShown(text: Int, reading: (threads: Int, usesEventRuns: Bool)) throws {
        let (log, format) = Self.texts[text]
        let report = try DropOffReport(
            reading: [.bytes(Array(log.utf8), name: "log", format: format)],
            book: StepOrderBook(current: [tourOutline]),
            options: noWindow(),
            threads: reading.threads,
            minimumPartSize: reading.threads > 1 ? 1 : 1 << 30,
            usesEventRuns: reading.usesEventRuns
        )
        let tour = try #require(report.guide())
        #expect(tour.steps.map(\.notShown.targetMissing) == [1, 1, 1, 0])
        // Not a reach: u1, u3 and u5 saw no step; u2 reached a and c.
        #expect(tour.steps.map(\.reached) == [1, 0, 1, 0])
        #expect(tour.started == 4)
        #expect(tour.noStepShown == 3)
        #expect(tour.unmappedEvents == ["zz": 1])
        // Read as events; the one without a step is a bad line.
        #expect(report.input.events == 10)
        #expect(report.input.skipped.map(\.issue) == [.missingField])
        #expect(!report.input.skipped.contains { $0.issue == .otherEvent })
    }

    /// The C event runs take `step_target_missing` lines of a key they know, as they take the six types.
    @Test(arguments: [EventLogFormat.jsonLines, .csv])
    func theCEventRunsTakeTargetMissingLines(format: EventLogFormat) throws {
        var text = format == .csv ? "ts,user,guide,version,step,type\n" : ""
        for index in 0..<200 {
            let time = LogBuilder.time(Double(index))
            text +=
                format == .csv
                ? "\(time),u\(index),tour,1,b,step_target_missing\n"
                : #"{"ts":"\#(time)","user":"u\#(index)","guide":"tour","version":1,"step":"b","type":"step_target_missing"}"#
                    + "\n"
        }
        let book = StepOrderBook(current: [tourOutline])
        func read(runs: Bool) throws -> (report: DropOffReport, linesInRuns: Int, spanKeys: Bool) {
            try EventRunTests.read(text, format: format, options: noWindow(), threads: 1, runs: runs, book: book)
        }
        let (fast, general) = (try read(runs: true), try read(runs: false))
        #expect(fast.linesInRuns >= 190)
        #expect(fast.report == general.report)
        #expect(fast.report.guide()?.step("b")?.notShown.targetMissing == 200)
    }

    @Test func everyFormatShowsNotShownWithItsReason() throws {
        let report = try makeReport(Self.log.text, options: noWindow())
        let table = TableRenderer().render(report)
        #expect(table.contains("in progress         not shown  drop-off"))
        #expect(table.contains("  2  b           0          0        0            0  1 target missing         –"))
        #expect(table.contains("  4  d           0          0        0            0                 0         –"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(JSONRenderer().render(report).utf8)) as? [String: Any]
        )
        let guides = try #require(json["guides"] as? [[String: Any]])
        let steps = try #require(guides.first?["steps"] as? [[String: Any]])
        let notShown = steps.map { ($0["not_shown"] as? [String: Int]) ?? [:] }
        #expect(
            notShown == [["target_missing": 1], ["target_missing": 1], ["target_missing": 1], ["target_missing": 0]]
        )
        let csv = CSVRenderer().render(report).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let column = try #require(csv.first?.firstIndex(of: "not_shown_target_missing"))
        #expect(csv.dropFirst().map { $0[column] } == ["1", "1", "1", "0"])
        let html = HTMLRenderer().render(report)
        #expect(html.contains(">not shown</th>"))
        #expect(html.contains("<td class=\"not-shown\">1 target missing</td>"))
    }

    /// Without a step not shown, the table and the HTML page keep their columns.
    @Test func noColumnWithoutAStepNotShown() throws {
        var log = LogBuilder()
        log.add(0, "u1", "guide_started")
        log.add(1, "u1", "step_viewed", "a")
        let report = try makeReport(log.text, options: noWindow())
        #expect(!TableRenderer().render(report).contains("not shown"))
        #expect(!HTMLRenderer().render(report).contains("not shown"))
    }

    /// The tracker reads the same events: `step_target_missing` counts as read, changes no state.
    @Test(arguments: 0..<3)
    func theTrackerReadsTargetMissingWithoutProgress(text: Int) throws {
        let (log, format) = Self.texts[text]
        var tracker = Tracker(guides: CompiledGuideSet(guides: [], project: nil))
        try tracker.read(.bytes(Array(log.utf8), name: "log", format: format))
        let states = tracker.states()
        #expect(tracker.summary.events == 10)
        #expect(tracker.summary.stepsNotShown == 5)
        #expect(tracker.summary.issues == [.missingField: 1])
        // u3 and u5 have only steps not shown: no progress at all; u1 only started.
        #expect(states.first { $0.id == "u3" }?.guides.isEmpty ?? true)
        #expect(states.first { $0.id == "u1" }?.guides["tour"]?.step == nil)
        #expect(
            tracker.summary.renderText(users: states.count).contains(
                "10 events (5 applied, 5 steps not shown (target missing))"
            )
        )
    }
}
