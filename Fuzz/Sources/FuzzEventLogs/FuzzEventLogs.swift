import Foundation
import FuzzSupport
@_spi(Testing) import GuideKit

/// The step orders of the repository's guides and of the report demo's guides (`examples/events/guides`),
/// so events of known guides, versions, steps and variants with their own steps are all reachable.
let book: StepOrderBook = {
    var book =
        (try? StepOrderBook(guidesFolder: repository.appendingPathComponent("guides").path, usesGitHistory: false))
        ?? StepOrderBook()
    let demo = repository.appendingPathComponent("examples/events/guides")
    for name in (try? FileManager.default.contentsOfDirectory(atPath: demo.path).sorted()) ?? [] {
        let path = demo.appendingPathComponent(name).path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let outline = try? GuideOutline(yaml: text, file: path), !book.knows(guide: outline.id)
        else { continue }
        book.add(current: outline, file: path)
    }
    return book
}()

/// The compiled guides for the tracker (`state --events`).
let guides: CompiledGuideSet = {
    let examples = loadExampleGuides()
    return CompiledGuideSet(guides: examples.guides, project: examples.project)
}()

/// What one input asks for: the first byte picks the format and the reader's settings, the rest is the log.
struct Setup {
    var format: EventLogFormat
    var options = ReportOptions()
    var threads = 1
    var windowSize: Int?

    init(_ selector: UInt8) {
        format = selector & 1 == 0 ? .jsonLines : .csv
        switch (selector >> 1) & 3 {
        case 1: options.guides = ["welcome-tour", "board-automations-ab", "data-import"]
        case 2:
            options.since = 1_790_000_000  // 2026-09-21
            options.until = 1_795_000_000  // 2026-11-18
        default: break
        }
        if selector & 8 != 0 { threads = 3 }
        if selector & 16 != 0 { windowSize = 64 }
        if selector & 32 != 0 { options.windowSeconds = 0 }
    }
}

/// One input: the first byte picks the format (bit 0: JSON Lines or CSV), a filter (bits 1–2: none, some
/// guides, a time range), three threads cutting the log into small parts (bit 3), 64-byte read windows
/// (bit 4) and no inactivity window (bit 5); the rest is the log.
///
/// Differential checks, each a crash when it fails:
/// 1. The report read with the C event runs (in the picked threads and windows) equals the report read
///    by the Swift reader alone on one thread, or both readers refuse the log with the same error.
/// 2. The tracker's reader (`state --events`) finds as many events and as many bad lines of each reason
///    as the report's reader, and the same first lines of each reason; or both refuse the log with the
///    same message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventLogs(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let setup = Setup(data[0])
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let source = EventSource.bytes(bytes, name: "fuzz", format: setup.format)
    let general = read(source, setup, threads: 1, windowSize: nil, usesEventRuns: false)
    let fast = read(source, setup, threads: setup.threads, windowSize: setup.windowSize, usesEventRuns: true)
    switch (fast, general) {
    case (.success(let fast), .success(let general)):
        if fast != general {
            // Which of the settings makes the difference: the C runs alone, or the threads and windows alone.
            let runsAlone = read(source, setup, threads: 1, windowSize: nil, usesEventRuns: true)
            let partsAlone = read(
                source,
                setup,
                threads: setup.threads,
                windowSize: setup.windowSize,
                usesEventRuns: false
            )
            fatalError(
                """
                the report differs: C runs alone \(same(runsAlone, general) ? "agree" : "DIFFER"), \
                threads/windows alone \(same(partsAlone, general) ? "agree" : "DIFFER")
                \(fast)
                ---
                \(general)
                """
            )
        }
        compareWithTracker(general, source: source)
    case (.failure(let fast), .failure(let general)):
        if "\(fast)" != "\(general)" { fatalError("different errors: \(fast) / \(general)") }
        var tracker = Tracker(guides: guides)
        do {
            try tracker.read(source)
            fatalError("the report refused the log, the tracker read it: \(fast)")
        } catch {
            if error.message != (general as? EventLogError)?.message {
                fatalError("the report and the tracker refuse the log differently: \(general) / \(error)")
            }
        }
    default:
        fatalError("one reader failed, the other did not: \(fast) / \(general)")
    }
    return 0
}

/// The report of `source` read with the given settings.
func read(
    _ source: EventSource,
    _ setup: Setup,
    threads: Int,
    windowSize: Int?,
    usesEventRuns: Bool
) -> Result<DropOffReport, any Error> {
    Result(catching: {
        try DropOffReport.reading(
            [source],
            book: book,
            options: setup.options,
            threads: threads,
            minimumPartSize: threads > 1 ? 1 : nil,
            windowSize: windowSize,
            usesEventRuns: usesEventRuns
        )
    })
}

/// Whether a report read with other settings is the given one.
func same(_ result: Result<DropOffReport, any Error>, _ report: DropOffReport) -> Bool {
    (try? result.get()) == report
}

/// Reads the log with the tracker and checks its counts against the report's input summary.
func compareWithTracker(_ report: DropOffReport, source: EventSource) {
    var tracker = Tracker(guides: guides)
    do {
        try tracker.read(source)
    } catch {
        fatalError("the report read the log, the tracker refused it: \(error)")
    }
    _ = tracker.states()
    let summary = tracker.summary
    let reportEvents = report.input.events + report.input.filteredOut
    var reportIssues: [InputIssue: Int] = [:]
    for skipped in report.input.skipped { reportIssues[skipped.issue, default: 0] += skipped.count }
    if summary.events != reportEvents || summary.issues.filter({ $0.value > 0 }) != reportIssues {
        fatalError(
            "the tracker and the report read different events: tracker \(summary.events) events, "
                + "\(summary.issues); report \(reportEvents) events, \(reportIssues)"
        )
    }
    // The first places of each reason (the tracker's are `name:line: detail`).
    for skipped in report.input.skipped {
        let trackerLines = (summary.places[skipped.issue] ?? []).map { $0.split(separator: ":", maxSplits: 2)[1] }
        let reportLines = skipped.first.map { Substring(String($0.line)) }
        if trackerLines != reportLines {
            fatalError(
                "the tracker and the report place \(skipped.issue) differently: \(trackerLines) / \(reportLines)"
            )
        }
    }
}

/// Builds the fixtures before the first input (libFuzzer calls this once).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    warmUp(
        fuzzEventLogs,
        with: "\u{0}"
            + #"{"ts":"2026-11-01T10:00:00Z","user":"u","guide":"welcome-tour","version":3,"type":"guide_started"}"#
    )
    return 0
}
