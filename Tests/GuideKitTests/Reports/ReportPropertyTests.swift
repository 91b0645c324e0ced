import Foundation
import PropertyBased
import Testing

@testable import GuideKit

/// Properties of the report on random logs (Events.md, "Duplicates and order"; DropOffReport.md,
/// "Definitions"): every measure is a set of users, a first time or a last time, so the order of lines,
/// events read twice and lines that are not events never change a number; and one log gives one report
/// whether it is written as JSON Lines, quoted CSV or unquoted CSV.
@Suite struct ReportPropertyTests {
    /// One random guide event.
    struct Event: Sendable, CustomStringConvertible {
        var minutes: Int
        var user: String
        var guide: String
        var version: Int
        var type: String
        var step: String?
        var variant: String?
        var id: String?

        /// The event's fields in CSV column order; absent ones are empty.
        var fields: [String] {
            [
                LogBuilder.time(Double(minutes)), user, guide, String(version), step ?? "", type, variant ?? "",
                id ?? "",
            ]
        }

        var jsonLine: String {
            var line = #"{"ts":"\#(LogBuilder.time(Double(minutes)))","user":"\#(user)","guide":"\#(guide)""#
            line += #","version":\#(version),"type":"\#(type)""#
            if let step { line += #","step":"\#(step)""# }
            if let variant { line += #","variant":"\#(variant)""# }
            if let id { line += #","id":"\#(id)""# }
            return line + "}"
        }

        var description: String { jsonLine }
    }

    static let columns = "ts,user,guide,version,step,type,variant,id"
    static let types = [
        "guide_started", "step_viewed", "step_completed", "guide_completed", "guide_dismissed", "guide_snoozed",
    ]
    /// Steps of both guides, of the variant with its own steps, and one that no order has.
    static let steps = ["a", "b", "c", "d", "x", "y", "z", "r1", "r2", "gone"]
    /// `tour` (four steps), `ab` (three steps; its variant `recipe` has two of its own) and `ghost`, which
    /// has no guide file.
    static let book = StepOrderBook(current: [
        tourOutline,
        GuideOutline(
            id: "ab",
            name: "AB",
            version: 1,
            steps: ["x", "y", "z"],
            variantSteps: ["recipe": ["r1", "r2"]]
        ),
    ])

    /// Events over 30 days (the default 7-day window matters), eight users, two versions of two known
    /// guides and an unknown one, every type, steps on step events always and on dismissals sometimes.
    static func events(variants: [String?]) -> Generator<[Event], some SendableSequenceType> {
        zip(
            Gen.int(in: 0...43_200),
            Gen.int(in: 0...7),
            Gen.element(of: ["tour", "tour", "ab", "ab", "ghost"]),
            Gen.int(in: 1...2),
            Gen.int(in: 0...5),
            Gen.int(in: 0...(steps.count - 1)),
            Gen.element(of: variants),
            Gen.int(in: 0...3)
        )
        .map { minutes, user, guide, version, type, step, variant, id in
            let name = types[type]
            let hasStep =
                name.hasPrefix("step_") || ((name == "guide_dismissed" || name == "guide_snoozed") && step % 2 == 0)
            return Event(
                minutes: minutes,
                user: "u\(user)",
                guide: guide ?? "tour",
                version: version,
                type: name,
                step: hasStep ? steps[step] : nil,
                variant: variant ?? nil,
                id: id == 0 ? nil : "e\(minutes)-\(user)-\(id)"
            )
        }
        .array(of: 1...80)
    }

    /// Lines that are not events, one of each reason (Events.md, "Bad input"); none is blank.
    static let garbage = [
        "{oops",
        "not json at all",
        #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":1,"type":"step_viewed"}"#,
        #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":1,"step":"a","type":"step_seen"}"#,
        #"{"ts":"yesterday","user":"u1","guide":"tour","version":1,"step":"a","type":"step_viewed"}"#,
        #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":0,"step":"a","type":"step_viewed"}"#,
        #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":1,"step":"a","type":"step_viewed"} x"#,
        #"[1,2,3]"#,
    ]

    /// A small deterministic generator for the shuffles and insertions (SplitMix64).
    struct Mixer {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static func report(_ text: String, format: EventLogFormat = .jsonLines) throws -> DropOffReport {
        try makeReport(text, format: format, book: book)
    }

    /// The report without what counts lines or events rather than users: the input summary, and each
    /// version's event counts (valid events and unmapped events, whose steps must still agree).
    static func userNumbers(_ report: DropOffReport) -> [GuideVersionReport] {
        report.guides.map { guide in
            var guide = guide
            guide.events = 0
            guide.unmappedEvents = guide.unmappedEvents.mapValues { _ in 0 }
            return guide
        }
    }

    @Test func reorderingDuplicatingAndAddingBadLinesChangesNoNumber() async throws {
        await propertyCheck(input: Self.events(variants: [nil, "A", "recipe"]), Gen.uint64(in: 0...UInt64.max)) {
            events,
            seed in
            let lines = events.map(\.jsonLine)
            let original = try Self.report(lines.joined(separator: "\n") + "\n")

            var mixer = Mixer(state: seed)
            var mixed = lines
            let duplicates = mixer.below(lines.count + 1)
            for _ in 0..<duplicates { mixed.append(lines[mixer.below(lines.count)]) }
            let bad = mixer.below(6)
            for index in 0..<bad { mixed.append(Self.garbage[(index + mixer.below(8)) % Self.garbage.count]) }
            for index in mixed.indices.reversed() { mixed.swapAt(index, mixer.below(index + 1)) }
            let changed = try Self.report(mixed.joined(separator: "\n") + "\n")

            #expect(Self.userNumbers(changed) == Self.userNumbers(original))
            #expect(changed.comparisons == original.comparisons)
            #expect(changed.asOf == original.asOf)
            #expect(changed.input.timeRange == original.input.timeRange)
            #expect(changed.input.events == original.input.events + duplicates)
            #expect(changed.input.badLines == bad)
            #expect(changed.input.lines == lines.count + duplicates + bad)
        }
    }

    @Test func reorderingAloneChangesNothingButThePlacesOfBadLines() async throws {
        await propertyCheck(input: Self.events(variants: [nil, "A", "recipe"]), Gen.uint64(in: 0...UInt64.max)) {
            events,
            seed in
            var mixer = Mixer(state: seed)
            var lines = events.map(\.jsonLine)
            let original = try Self.report(lines.joined(separator: "\n") + "\n")
            for index in lines.indices.reversed() { lines.swapAt(index, mixer.below(index + 1)) }
            let reordered = try Self.report(lines.joined(separator: "\n") + "\n")
            #expect(reordered == original)
        }
    }

    @Test func oneLogGivesOneReportAsJSONLinesQuotedCSVAndUnquotedCSV() async throws {
        await propertyCheck(input: Self.events(variants: [nil, "A", "recipe"]), Gen.uint64(in: 0...UInt64.max)) {
            events,
            seed in
            // CSV columns come in any order (Events.md): a random one per log.
            var mixer = Mixer(state: seed)
            var order = Array(Self.columns.split(separator: ",").indices)
            for index in order.indices.reversed() { order.swapAt(index, mixer.below(index + 1)) }
            let header = order.map { String(Self.columns.split(separator: ",")[$0]) }.joined(separator: ",")
            let rows = events.map { event in order.map { event.fields[$0] } }
            let unquoted = ([header] + rows.map { $0.joined(separator: ",") }).joined(separator: "\n") + "\n"
            let quoted =
                ([header] + rows.map { $0.map { "\"\($0)\"" }.joined(separator: ",") }).joined(separator: "\r\n")
                + "\r\n"
            let expected = try Self.report(events.map(\.jsonLine).joined(separator: "\n") + "\n")
            for (name, text) in [("unquoted", unquoted), ("quoted", quoted)] {
                // As a file too: files are mapped and read in windows, bytes in memory are not.
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("property-\(UUID()).csv")
                try Data(text.utf8).write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                let fromFile = try DropOffReport(reading: [.file(path: file.path)], book: Self.book)
                #expect(fromFile.guides == expected.guides, "\(name) CSV file, columns \(header)")
                // One thread reading the whole log, and three reading it in small parts through small windows.
                for threads in [1, 3] {
                    let csv = try DropOffReport(
                        reading: [.bytes(Array(text.utf8), name: "log", format: .csv)],
                        book: Self.book,
                        options: ReportOptions(),
                        threads: threads,
                        minimumPartSize: threads == 1 ? 1 << 30 : 1,
                        windowSize: threads == 1 ? nil : 64
                    )
                    let label = Comment(rawValue: "\(name) CSV, \(threads) threads, columns \(header)")
                    #expect(csv.guides == expected.guides, label)
                    #expect(csv.comparisons == expected.comparisons, label)
                    #expect(csv.asOf == expected.asOf, label)
                    #expect(csv.input.events == expected.input.events, label)
                    #expect(csv.input.skipped == expected.input.skipped, label)
                    #expect(csv.input.timeRange == expected.input.timeRange, label)
                    #expect(csv.input.lines == expected.input.lines + 1, label)
                }
            }
        }
    }
}
