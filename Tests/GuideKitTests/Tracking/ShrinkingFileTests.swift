import Foundation
import Testing

@testable import GuideKit

/// A log truncated while it is read (log rotation with `copytruncate`) is an error naming the file, never
/// a crash: the readers read files with `read`/`pread`, not through a memory mapping.
@Suite struct ShrinkingFileTests {
    /// A JSON Lines log of `count` events, and the same as CSV.
    static func logs(_ count: Int) -> (json: String, csv: String) {
        var json = ""
        var csv = "ts,user,guide,version,step,type\n"
        for index in 0..<count {
            let time = LogBuilder.time(Double(index) / 10)
            json += #"{"ts":"\#(time)","user":"u\#(index % 997)","guide":"tour","version":1,"step":"a","#
            json += #""type":"step_viewed"}"# + "\n"
            csv += "\(time),u\(index % 997),tour,1,a,step_viewed\n"
        }
        return (json, csv)
    }

    @Test(arguments: [EventLogFormat.jsonLines, .csv], [1, 3])
    func aFileTruncatedBetweenWindowsIsAnErrorNamingIt(format: EventLogFormat, threads: Int) throws {
        let (json, csv) = Self.logs(40_000)
        let text = format == .csv ? csv : json
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shrink-\(UUID().uuidString)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        var reader = EventLogReader(filter: EventTally.Filter())
        reader.threads = threads
        reader.minimumPartSize = 64 << 10
        reader.windowSize = 16 << 10
        // The second window of any thread finds the file cut to a tenth.
        let windows = Counter()
        let size = text.utf8.count
        reader.beforeWindow = { _ in
            if windows.next() == 2 { _ = truncate(file, off_t(size / 10)) }
        }
        #expect {
            _ = try reader.read([.file(path: file, format: format)], book: StepOrderBook(current: [tourOutline]))
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("\(file): error: cannot read the file: the file got shorter while it was read")
        }
    }

    @Test(arguments: [EventLogFormat.jsonLines, .csv])
    func aFileTruncatedBeforeItIsCutIsAnErrorNamingIt(format: EventLogFormat) throws {
        let (json, csv) = Self.logs(20_000)
        let text = format == .csv ? csv : json
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shrink-\(UUID().uuidString)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        var reader = EventLogReader(filter: EventTally.Filter())
        reader.threads = 2
        reader.minimumPartSize = 4_096
        // Cut to almost nothing as the first window is read: the cuts of the other chunks meet the end.
        let windows = Counter()
        reader.beforeWindow = { _ in
            if windows.next() == 1 { _ = truncate(file, 100) }
        }
        #expect(throws: EventLogError.self) {
            _ = try reader.read([.file(path: file, format: format)], book: StepOrderBook(current: [tourOutline]))
        }
    }

    /// Another thread truncates and rewrites the file, as `copytruncate` does, while both readers read it
    /// again and again: each read gives a report or an error, and the process does not crash.
    @Test func readersSurviveAFileRotatedUnderThem() throws {
        let (json, _) = Self.logs(20_000)
        let bytes = Data(json.utf8)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-\(UUID().uuidString)").path
        try bytes.write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        let stop = Counter()
        let rotator = Thread {
            while stop.value == 0 {
                _ = truncate(file, 0)
                usleep(300)
                try? bytes.write(to: URL(fileURLWithPath: file))
                usleep(700)
            }
            stop.set(2)
        }
        rotator.start()
        var outcomes = (reports: 0, errors: 0)
        for _ in 0..<8 {
            do {
                _ = try DropOffReport(
                    reading: [.file(path: file)],
                    book: StepOrderBook(current: [tourOutline]),
                    options: noWindow(),
                    threads: 2,
                    minimumPartSize: 64 << 10,
                    windowSize: 8 << 10
                )
                outcomes.reports += 1
            } catch {
                #expect("\(error)".contains(file))
                outcomes.errors += 1
            }
            var tracker = Tracker(guides: CompiledGuideSet(guides: [], project: nil))
            do {
                try tracker.read(.file(path: file))
                outcomes.reports += 1
            } catch {
                #expect("\(error)".contains(file))
                outcomes.errors += 1
            }
        }
        stop.set(1)
        while stop.value != 2 { usleep(100) }
        #expect(outcomes.reports + outcomes.errors == 16)
    }
}

/// A thread-safe counter for the hooks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// Adds one and returns the new count.
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    func set(_ value: Int) {
        lock.lock()
        count = value
        lock.unlock()
    }
}
