import Foundation
import Testing

@testable import GuideKit

/// The same events as JSON Lines, quoted CSV and unquoted CSV give the same report, whichever way they
/// are read: from memory, from a file (read in windows, in parts by several threads), or as a stream
/// (a FIFO, read like standard input), at several sizes, with the C event runs and without.
@Suite struct FormatAgreementTests {
    /// Guide `ab` (steps a, b, c; variant `modal` shows m1, m2) and guide `other` (x, y).
    static let book = StepOrderBook(current: [
        VariantStepOrderTests.outline,
        GuideOutline(id: "other", name: "Other", version: 1, steps: ["x", "y"]),
    ])

    struct Row {
        var fields: [String: String]
    }

    /// `count` events of a fixed pseudo-random sequence: both guides, every type, steps of both orders,
    /// variants with and without steps of their own, no variant, and long user ids.
    static func rows(_ count: Int) -> [Row] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let types = [
            "guide_started", "step_viewed", "step_completed", "guide_completed", "guide_dismissed", "guide_snoozed",
        ]
        let variants = ["modal", "modal", "tour", "control", ""]
        var rows: [Row] = []
        for index in 0..<count {
            let guide = next(5) == 0 ? "other" : "ab"
            let variant = variants[next(variants.count)]
            let steps =
                guide == "other" ? ["x", "y"] : variant == "modal" ? ["m1", "m2", "a"] : ["a", "b", "c", "m1"]
            let type = types[next(types.count)]
            let step = type == "guide_started" || type == "guide_completed" ? "" : steps[next(steps.count)]
            var user = "u\(next(max(1, count / 6)))"
            if next(10) == 0 { user += String(repeating: "x", count: 20) }
            let minutes = Double(index / 3) + Double(next(3))
            rows.append(
                Row(fields: [
                    "ts": LogBuilder.time(minutes), "user": user, "guide": guide, "version": "1", "step": step,
                    "type": type, "variant": variant, "platform": next(2) == 0 ? "web" : "ios",
                ])
            )
        }
        return rows
    }

    static let columns = ["ts", "user", "guide", "version", "step", "type", "variant", "platform"]

    static func jsonLines(_ rows: [Row]) -> String {
        var out = ""
        for row in rows {
            var members: [String] = []
            for name in columns {
                guard let value = row.fields[name], !value.isEmpty else { continue }
                members.append(name == "version" ? "\"\(name)\":\(value)" : "\"\(name)\":\"\(value)\"")
            }
            out += "{" + members.joined(separator: ",") + "}\n"
        }
        return out
    }

    static func csv(_ rows: [Row], columns: [String] = columns, quoted: Bool) -> String {
        var out = columns.joined(separator: ",") + "\n"
        for row in rows {
            let values = columns.map { row.fields[$0] ?? "" }
            out += values.map { quoted ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// The report's guides of one text read from memory, from a file and from a FIFO.
    static func reports(
        _ text: String,
        format: EventLogFormat,
        usesEventRuns: Bool = true
    ) throws -> [[GuideVersionReport]] {
        var results: [[GuideVersionReport]] = []
        let bytes = Array(text.utf8)
        results.append(
            try DropOffReport(
                reading: [.bytes(bytes, name: "log", format: format)],
                book: book,
                options: noWindow(),
                threads: 1,
                minimumPartSize: 1 << 30,
                usesEventRuns: usesEventRuns
            ).guides
        )
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("log").path
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        // A file: one part, then many parts and small windows on three threads.
        for (threads, part, window) in [(1, 1 << 30, 256 << 10), (3, 4_096, 512)] {
            results.append(
                try DropOffReport(
                    reading: [.file(path: file, format: format)],
                    book: book,
                    options: noWindow(),
                    threads: threads,
                    minimumPartSize: part,
                    windowSize: window,
                    usesEventRuns: usesEventRuns
                ).guides
            )
        }
        // A FIFO, read as a stream like standard input.
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            let descriptor = open(fifo, O_WRONLY)
            guard descriptor >= 0 else { return }
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(descriptor)
        }
        writer.start()
        results.append(
            try DropOffReport(
                reading: [.file(path: fifo, format: format)],
                book: book,
                options: noWindow(),
                threads: 2,
                minimumPartSize: 1 << 30,
                usesEventRuns: usesEventRuns
            ).guides
        )
        return results
    }

    @Test(arguments: [40, 3_000, 30_000])
    func jsonLinesQuotedAndUnquotedCSVGiveTheSameReportHoweverRead(count: Int) throws {
        let rows = Self.rows(count)
        let expected = try DropOffReport(
            reading: [.bytes(Array(Self.jsonLines(rows).utf8), name: "log", format: .jsonLines)],
            book: Self.book,
            options: noWindow(),
            threads: 1,
            minimumPartSize: 1 << 30,
            usesEventRuns: false
        ).guides
        // The variant's own order is in the report, with its events.
        let modal = try #require(expected.first { $0.guide == "ab" && $0.stepVariant == "modal" })
        #expect(modal.started > 0)
        #expect(modal.steps.map(\.id) == ["m1", "m2"])
        let texts: [(String, EventLogFormat, String)] = [
            ("JSON Lines", .jsonLines, Self.jsonLines(rows)),
            ("quoted CSV", .csv, Self.csv(rows, quoted: true)),
            ("unquoted CSV", .csv, Self.csv(rows, quoted: false)),
            (
                "unquoted CSV, variant first", .csv,
                Self.csv(rows, columns: ["variant", "ts", "user", "guide", "version", "step", "type"], quoted: false)
            ),
            (
                "unquoted CSV, key columns apart", .csv,
                Self.csv(rows, columns: ["ts", "guide", "user", "version", "type", "step", "variant"], quoted: false)
            ),
        ]
        for (name, format, text) in texts {
            for usesEventRuns in [true, false] {
                for (way, guides) in try Self.reports(text, format: format, usesEventRuns: usesEventRuns).enumerated() {
                    #expect(guides == expected, "\(name), way \(way), C runs \(usesEventRuns)")
                }
            }
        }
    }
}
