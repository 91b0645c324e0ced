import CHotPath
import Foundation
import Testing

@testable import GuideKit

/// The C event runs (`gk_csv_event_run`, `gk_json_event_run`) take the common lines without the Swift
/// reader; whatever they take, the report must be the one the Swift reader alone gives.
@Suite struct EventRunTests {
    /// A seeded generator, so that a failure can be reproduced.
    struct SeededNumbers {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            return mixBits(state)
        }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

        /// True with a chance of `percent` in a hundred (tenths allowed).
        mutating func chance(_ percent: Double) -> Bool { Double(below(1_000)) < percent * 10 }
    }

    /// Sixty guides of four versions and eight steps (2,160 keys: more than the runs' key table holds),
    /// names of many lengths, one name too long for a remembered key, and one guide whose variant `B`
    /// has steps of its own (so the `variant` value is part of every key).
    static let book: StepOrderBook = {
        var outlines: [GuideOutline] = []
        for guide in 0..<guideCount {
            for version in 1...4 {
                outlines.append(
                    GuideOutline(id: guideName(guide), version: version, steps: (0..<8).map { "step-\($0)" })
                )
            }
        }
        outlines.append(
            GuideOutline(
                id: "split",
                version: 1,
                steps: ["step-0", "step-1", "step-2"],
                variantSteps: ["B": ["step-0", "step-2"]]
            )
        )
        return StepOrderBook(current: outlines)
    }()

    /// The same guides without the one whose variant has steps of its own, so that variants pick no
    /// step orders and a CSV log's adjacent key columns make the key (see `take_csv_record`).
    static let bookWithoutVariantOrders = StepOrderBook(
        current: book.current.values.filter { $0.id != "split" }.sorted { $0.id < $1.id }
    )

    static let guideCount = 60

    static func guideName(_ index: Int) -> String {
        index == guideCount - 1
            ? String(repeating: "long-", count: 32) : "g\(index)" + String(repeating: "x", count: index % 23)
    }

    /// One event's values as text, some of them wrong in the ways logs are.
    struct Values {
        var time: String
        var user: String
        var guide: String
        var version: String
        var step: String?
        var type: String
        var variant: String?
    }

    static func values(count: Int, seed: UInt64) -> [Values] {
        var random = SeededNumbers(state: seed)
        let types = [
            "guide_started", "step_viewed", "step_completed", "guide_completed", "guide_dismissed", "guide_snoozed",
            "step_target_missing",
        ]
        var events: [Values] = []
        for index in 0..<count {
            // Some guides far more often than others, as in real logs, but every key now and then.
            let (unknown, split) = (guideCount, guideCount + 1)
            let guideIndex = min(random.below(split + 1), random.below(split + 1), random.below(split + 1))
            let guide = guideIndex == split ? "split" : guideIndex == unknown ? "unknown-guide" : guideName(guideIndex)
            // Times in order over five days (some late), so that the runs meet new dates; some with a
            // fraction, an offset, a leap second or an impossible date.
            var seconds = LogBuilder.base + Double(index * 5 * 86_400 / count)
            if random.chance(3) { seconds -= Double(random.below(86_400)) }
            var time = Timestamp.string(fromSeconds: seconds)
            if random.chance(2) { time = time.replacingOccurrences(of: "Z", with: ".5Z") }
            if random.chance(1) { time = time.replacingOccurrences(of: "Z", with: "+01:00") }
            if random.chance(0.5) { time = String(time.dropLast(3)) + "60Z" }
            if random.chance(0.5) { time = "2026-02-30T10:00:00Z" }
            var type = types[random.below(types.count)]
            if random.chance(1) { type = "step_viewd" }
            var step: String? = type == "guide_started" || type == "guide_completed" ? nil : "step-\(random.below(8))"
            if random.chance(2) { step = "not-a-step" }
            if random.chance(1) { step = nil }
            var version = "\(1 + random.below(4))"
            if random.chance(0.5) { version = "x" }
            if random.chance(0.5) { version = "0" }
            let user = random.chance(10) ? "user-with-a-long-identifier-\(random.below(300))" : "u\(random.below(700))"
            let variant: String? =
                random.chance(guide == "split" ? 70 : 5) ? ["A", "B", "control"][random.below(3)] : nil
            events.append(
                Values(time: time, user: user, guide: guide, version: version, step: step, type: type, variant: variant)
            )
        }
        return events
    }

    static func jsonLines(_ events: [Values], seed: UInt64) -> String {
        var random = SeededNumbers(state: seed ^ 0x5555)
        var text = ""
        for event in events {
            var line = #"{"ts":"\#(event.time)","user":"\#(event.user)","guide":"\#(event.guide)","#
            line += random.chance(10) ? #""version":"\#(event.version)""# : #""version":\#(event.version)"#
            if let step = event.step { line += #","step":"\#(step)""# }
            line += #","type":"\#(event.type)""#
            if let variant = event.variant { line += #","variant":"\#(variant)""# }
            line += #","session":"s\#(random.below(9))"}"#
            // Lines the runs hand over: a space, an escape, a key order they have not seen, garbage.
            if random.chance(1) { line = "{ " + line.dropFirst() }
            if random.chance(1) { line = line.replacingOccurrences(of: #""user":"u"#, with: #""user":"\u0075"#) }
            if random.chance(1) { line = line.replacingOccurrences(of: #","type":"#, with: #","extra":null,"type":"#) }
            if random.chance(0.5) { line = "not json" }
            text += line + "\n"
        }
        return text
    }

    /// The usual columns: guide, version, step and type next to each other.
    static let csvColumns = ["ts", "user", "guide", "version", "step", "type", "session", "variant"]

    static func csv(_ events: [Values], seed: UInt64, columns: [String] = csvColumns) -> String {
        var random = SeededNumbers(state: seed ^ 0xAAAA)
        var text = columns.joined(separator: ",") + "\n"
        for event in events {
            var user = event.user
            // A quoted field (the runs take no quotes), a short record, a long record.
            if random.chance(1) { user = "\"\(user)\"" }
            let session = "s\(random.below(9))"
            let values = [
                "ts": event.time, "user": user, "guide": event.guide, "version": event.version,
                "step": event.step ?? "", "type": event.type, "session": session, "variant": event.variant ?? "",
            ]
            var line = columns.map { values[$0] ?? "" }.joined(separator: ",")
            if random.chance(0.5) { line = "\(event.time),\(user)" }
            if random.chance(0.3) { line += String(repeating: "z", count: 600) }
            text += line + (random.chance(5) ? "\r\n" : "\n")
        }
        return text
    }

    static func read(
        _ text: String,
        format: EventLogFormat,
        options: ReportOptions,
        threads: Int,
        runs: Bool,
        instructions: Int = 0,
        book: StepOrderBook = book
    ) throws -> (report: DropOffReport, linesInRuns: Int, spanKeys: Bool) {
        var reader = EventLogReader(filter: EventTally.Filter())
        reader.filter.guides = Set(options.guides)
        reader.filter.since = options.since
        reader.filter.until = options.until
        reader.threads = threads
        reader.minimumPartSize = 4_096
        reader.usesEventRuns = runs
        reader.eventRunInstructions = instructions
        let sources = [EventSource.bytes(Array(text.utf8), name: "log", format: format)]
        let result = try reader.read(sources, book: book)
        let linesInRuns = result.tallies.reduce(0) { $0 + $1.hot.pointee.linesInRuns }
        let spanKeys = result.tallies.contains { $0.hot.pointee.spanFirstColumn >= 0 }
        let report = try ReportAssembler(read: result, sources: sources, book: book, options: options).assemble()
        return (report, linesInRuns, spanKeys)
    }

    static let filters: [String: ReportOptions] = {
        var guides = noWindow()
        guides.guides = [guideName(0), guideName(3), guideName(guideCount - 1), "split"]
        var times = noWindow()
        times.since = LogBuilder.base + 86_400
        times.until = LogBuilder.base + 3 * 86_400
        return ["none": noWindow(), "guides": guides, "times": times]
    }()

    /// Without variant step orders, a CSV log whose guide, version, step and type columns are next to
    /// each other (in any order) is keyed by those fields' bytes; other layouts by each value.
    @Test(
        arguments: ["none", "guides"],
        [
            csvColumns, ["user", "type", "step", "version", "guide", "ts", "variant"],
            ["ts", "user", "guide", "version", "session", "step", "type"],
        ]
    )
    func theCSVRunKeysByAdjacentColumnsAsTheSwiftReaderReads(filter: String, columns: [String]) throws {
        let events = Self.values(count: 20_000, seed: 5)
        let options = try #require(Self.filters[filter])
        let text = Self.csv(events, seed: 5, columns: columns)
        let book = Self.bookWithoutVariantOrders
        for threads in [1, 2] {
            let swift = try Self.read(text, format: .csv, options: options, threads: threads, runs: false, book: book)
            let runs = try Self.read(text, format: .csv, options: options, threads: threads, runs: true, book: book)
            #expect(runs.spanKeys == (columns != ["ts", "user", "guide", "version", "session", "step", "type"]))
            // (Keys with types, of many guides, keep the key table busy: fewer lines than in the test below.)
            #expect(runs.linesInRuns > runs.report.input.lines / 4)
            #expect(runs.report.guides == swift.report.guides)
            #expect(runs.report.input == swift.report.input)
            #expect(runs.report.input.events > 1_000)
        }
    }

    /// The same bytes in key columns of another order name another guide and step: two logs whose
    /// guide and step columns are swapped, read by one thread, keep them apart.
    @Test func keyColumnsInAnotherOrderAreAnotherKey() throws {
        let book = StepOrderBook(current: [
            GuideOutline(id: "g", version: 1, steps: ["s"]), GuideOutline(id: "s", version: 1, steps: ["g"]),
        ])
        func log(_ header: String) -> EventSource {
            let lines = (0..<50).map { "2026-11-01T10:00:\(String(format: "%02d", $0))Z,u\($0),g,1,s,step_viewed" }
            return .bytes(
                Array((header + "\n" + lines.joined(separator: "\n") + "\n").utf8),
                name: header,
                format: .csv
            )
        }
        var reader = EventLogReader(filter: EventTally.Filter())
        reader.threads = 1
        let sources = [log("ts,user,guide,version,step,type"), log("ts,user,step,version,guide,type")]
        let result = try reader.read(sources, book: book)
        #expect(result.tallies[0].hot.pointee.linesInRuns > 90)
        let report = try ReportAssembler(read: result, sources: sources, book: book, options: noWindow()).assemble()
        #expect(report.guide("g")?.step("s")?.reached == 50)
        #expect(report.guide("s")?.step("g")?.reached == 50)
    }

    @Test(arguments: ["none", "guides", "times"], [1, 2])
    func theRunsReadEveryLineAsTheSwiftReaderDoes(filter: String, threads: Int) throws {
        let events = Self.values(count: 20_000, seed: 7)
        let options = try #require(Self.filters[filter])
        for (format, text) in [
            (EventLogFormat.jsonLines, Self.jsonLines(events, seed: 7)), (.csv, Self.csv(events, seed: 7)),
        ] {
            let swift = try Self.read(text, format: format, options: options, threads: threads, runs: false)
            let runs = try Self.read(text, format: format, options: options, threads: threads, runs: true)
            #expect(swift.linesInRuns == 0)
            // Most lines are common ones; the runs must have taken them for this test to mean anything.
            #expect(runs.linesInRuns > runs.report.input.lines / 3, "\(format)")
            #expect(runs.report.guides == swift.report.guides, "\(format)")
            #expect(runs.report.input == swift.report.input, "\(format)")
            #expect(runs.report.input.events > 1_000, "\(format)")
            #expect(!runs.report.input.skipped.isEmpty)
        }
    }

    /// The CSV run is compiled for the x86-64 baseline, for popcount and for AVX2 (32 bytes at a
    /// time); each copy must read as the Swift reader does (this machine runs those it has).
    @Test(arguments: [1, 2, 3])
    func everyCopyOfTheCSVRunReadsAsTheSwiftReaderDoes(instructions: Int) throws {
        let text = Self.csv(Self.values(count: 5_000, seed: 11), seed: 11)
        let swift = try Self.read(text, format: .csv, options: noWindow(), threads: 1, runs: false)
        let runs = try Self.read(
            text,
            format: .csv,
            options: noWindow(),
            threads: 1,
            runs: true,
            instructions: instructions
        )
        #expect(runs.linesInRuns > runs.report.input.lines / 3)
        #expect(runs.report.guides == swift.report.guides)
        #expect(runs.report.input == swift.report.input)
    }
}
