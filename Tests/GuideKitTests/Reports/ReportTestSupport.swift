import Foundation

@testable import GuideKit

/// A small log builder: events at minutes after 2026-11-01T10:00:00Z.
struct LogBuilder {
    var lines: [String] = []

    static let base = 1_793_527_200.0  // 2026-11-01T10:00:00Z

    static func time(_ minutes: Double) -> String { Timestamp.string(fromSeconds: base + minutes * 60) }

    mutating func add(
        _ minutes: Double,
        _ user: String,
        _ type: String,
        _ step: String? = nil,
        guide: String = "tour",
        version: Int = 1,
        extra: String = ""
    ) {
        var line =
            "{\"ts\":\"\(Self.time(minutes))\",\"user\":\"\(user)\",\"guide\":\"\(guide)\",\"version\":\(version)"
        if let step { line += ",\"step\":\"\(step)\"" }
        line += ",\"type\":\"\(type)\"\(extra)}"
        lines.append(line)
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}

/// The guide most tests use: four steps, the second optional in practice.
let tourOutline = GuideOutline(id: "tour", name: "Tour", version: 1, steps: ["a", "b", "c", "d"])

func makeReport(
    _ text: String,
    format: EventLogFormat = .jsonLines,
    book: StepOrderBook = StepOrderBook(current: [tourOutline]),
    options: ReportOptions = ReportOptions(),
    threads: Int = 1,
    minimumPartSize: Int = 1 << 30
) throws -> DropOffReport {
    try DropOffReport(
        reading: [.bytes(Array(text.utf8), name: "log", format: format)],
        book: book,
        options: options,
        threads: threads,
        minimumPartSize: minimumPartSize
    )
}

func noWindow() -> ReportOptions {
    var options = ReportOptions()
    options.windowSeconds = 0
    return options
}

extension DropOffReport {
    /// The report of one guide version.
    func guide(_ id: String = "tour", version: Int = 1, group: String? = nil) -> GuideVersionReport? {
        guides.first { $0.guide == id && $0.version == version && $0.group == group }
    }
}

extension GuideVersionReport {
    /// A step by id.
    func step(_ id: String) -> StepReport? { steps.first { $0.id == id } }
}
