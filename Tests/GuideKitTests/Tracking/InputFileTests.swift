import Foundation
import Testing

@testable import GuideKit

/// Every command reads its input files through ``InputFile``: FIFOs and `/dev/null` are read as streams,
/// and a file that cannot be read is an error that names the path and the real cause.
@Suite struct InputFileTests {
    static let line = #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":1,"type":"guide_started"}"#

    /// A fresh folder, removed after `body`.
    static func inFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    /// Writes `text` into the FIFO at `path` from another thread.
    static func feed(_ path: String, _ text: String) {
        let bytes = Array(text.utf8)
        Thread {
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { return }
            bytes.withUnsafeBytes { raw in _ = write(descriptor, raw.baseAddress, raw.count) }
            close(descriptor)
        }
        .start()
    }

    /// The message both readers give for `path`: the report's and the tracker's (`state --events`).
    static func errors(_ path: String) -> (report: String?, tracker: String?) {
        var report: String?
        var tracker: String?
        do {
            _ = try DropOffReport(reading: [.file(path: path)], book: StepOrderBook(current: [tourOutline]))
        } catch {
            report = "\(error)"
        }
        var state = Tracker(guides: CompiledGuideSet(guides: [], project: nil))
        do {
            try state.read(.file(path: path))
        } catch {
            tracker = "\(error)"
        }
        return (report, tracker)
    }

    @Test func aFIFOIsReadAsAStreamByBothReaders() throws {
        try Self.inFolder { folder in
            let fifo = folder.appendingPathComponent("events.jsonl").path
            #expect(mkfifo(fifo, 0o600) == 0)
            Self.feed(fifo, Self.line + "\n")
            let report = try DropOffReport(reading: [.file(path: fifo)], book: StepOrderBook(current: [tourOutline]))
            #expect(report.guide()?.started == 1)
            Self.feed(fifo, Self.line + "\n")
            var tracker = Tracker(guides: CompiledGuideSet(guides: [], project: nil))
            try tracker.read(.file(path: fifo))
            #expect(tracker.summary.events == 1)
        }
    }

    @Test func devNullIsAnEmptyLogForBothReaders() throws {
        let report = try DropOffReport(reading: [.file(path: "/dev/null")], book: StepOrderBook(current: [tourOutline]))
        #expect(report.input.files.map(\.events) == [0])
        var tracker = Tracker(guides: CompiledGuideSet(guides: [], project: nil))
        try tracker.read(.file(path: "/dev/null"))
        #expect(tracker.summary.files.map(\.events) == [0])
    }

    @Test func aFolderIsNamedAsAFolder() throws {
        try Self.inFolder { folder in
            let (report, tracker) = Self.errors(folder.path)
            #expect(report == "\(folder.path): error: cannot read the file: it is a folder, not a file (EISDIR)")
            #expect(tracker == report)
        }
    }

    @Test func aMissingFileIsNamedAsMissing() throws {
        try Self.inFolder { folder in
            let path = folder.appendingPathComponent("nope.jsonl").path
            let (report, tracker) = Self.errors(path)
            #expect(report == "\(path): error: cannot read the file: no such file (ENOENT)")
            #expect(tracker == report)
            let under = folder.appendingPathComponent("nope/events.csv").path
            #expect(Self.errors(under).report == "\(under): error: cannot read the file: no such file (ENOENT)")
        }
    }

    @Test func aFileUsedAsAFolderIsNamedSo() throws {
        try Self.inFolder { folder in
            let file = folder.appendingPathComponent("events.jsonl")
            try Data(Self.line.utf8).write(to: file)
            let path = file.path + "/more.jsonl"
            let (report, tracker) = Self.errors(path)
            #expect(report == "\(path): error: cannot read the file: a part of the path is not a folder (ENOTDIR)")
            #expect(tracker == report)
        }
    }

    /// Root reads files whatever their mode, so this runs only as another user (and is shown as skipped).
    @Test(.enabled(if: getuid() != 0, "runs as root, which may read any file"))
    func anUnreadableFileIsNamedAsAPermissionProblem() throws {
        try Self.inFolder { folder in
            let file = folder.appendingPathComponent("events.jsonl")
            try Data(Self.line.utf8).write(to: file)
            #expect(chmod(file.path, 0) == 0)
            let (report, tracker) = Self.errors(file.path)
            #expect(report?.contains("permission denied (EACCES)") == true)
            #expect(tracker == report)
        }
    }

    /// The messages of the system errors no test can provoke as root, or at all (`EIO`).
    @Test(arguments: [
        (EACCES, "permission denied (EACCES)"), (EIO, "an input/output error (EIO)"), (EISDIR, "(EISDIR)"),
        (ENOENT, "no such file (ENOENT)"), (ELOOP, "(ELOOP)"), (EMFILE, "(EMFILE)"),
    ])
    func systemErrorsAreNamed(code: Int32, words: String) {
        let error = InputFileError(path: "logs/a.csv", code: code)
        #expect(error.reason.contains(words))
        #expect(error.description.hasPrefix("cannot read logs/a.csv: "))
        #expect(EventLogError(error).description.hasPrefix("logs/a.csv: error: cannot read the file: "))
        // A permission message only for a permission error.
        #expect(error.reason.contains("permission") == (code == EACCES))
    }

    @Test func userStatesAndScenariosNameTheSameCauses() throws {
        try Self.inFolder { folder in
            let missing = folder.appendingPathComponent("nope.yaml")
            #expect {
                _ = try UserState(contentsOf: folder)
            } throws: { "\($0)".contains("cannot read \(folder.path): it is a folder, not a file (EISDIR)") }
            #expect {
                _ = try UserStateReader(contentsOf: folder)
            } throws: { "\($0)".contains("cannot read \(folder.path): it is a folder, not a file (EISDIR)") }
            #expect {
                _ = try Scenario(contentsOf: missing.path)
            } throws: { "\($0)".contains("cannot read \(missing.path): no such file (ENOENT)") }
            let latin1 = folder.appendingPathComponent("state.yaml")
            try Data([0x69, 0x64, 0x3A, 0x20, 0xE9, 0x0A]).write(to: latin1)
            #expect {
                _ = try UserState(contentsOf: latin1)
            } throws: { "\($0)".contains("not UTF-8 text") }
        }
    }

    @Test func readAllReadsRegularFilesStreamsAndNamesShrinks() throws {
        try Self.inFolder { folder in
            let file = folder.appendingPathComponent("a.txt")
            try Data("hello\n".utf8).write(to: file)
            #expect(try InputFile.text(atPath: file.path) == "hello\n")
            #expect(try InputFile.bytes(atPath: "/dev/null").isEmpty)
            #expect(throws: InputFileError(path: folder.path, code: EISDIR)) {
                try InputFile.bytes(atPath: folder.path)
            }
        }
    }
}
