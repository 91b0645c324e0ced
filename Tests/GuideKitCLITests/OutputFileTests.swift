import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--output` replaces a regular file atomically but writes into anything else (`/dev/null`, a pipe)
/// without replacing it.
@Suite struct OutputFileTests {
    /// A fresh temporary folder holding the tracker tests' log.
    static func folderWithLog() throws -> (folder: URL, log: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-output-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("log.jsonl")
        try Data(TrackerCommandTests.log.utf8).write(to: log)
        return (folder, log)
    }

    @Test func aReportGoesIntoANamedPipeWhichStaysAPipe() throws {
        let (folder, log) = try Self.folderWithLog()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipe = folder.appendingPathComponent("report.pipe").path
        try #require(mkfifo(pipe, 0o600) == 0)
        // Open for reading and writing, so the command's open does not wait for a reader and this
        // test does not hang when the pipe is replaced instead of written.
        let descriptor = open(pipe, O_RDWR | O_NONBLOCK)
        try #require(descriptor >= 0)
        defer { close(descriptor) }

        let run = try LintCommandTests.run(
            ["report", log.path, "--format", "csv", "-o", pipe],
            in: TrackerCommandTests.root
        )
        #expect(run.status == 0, "\(run.errors)")
        var status = stat()
        #expect(stat(pipe, &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFIFO)
        var bytes = [UInt8](repeating: 0, count: 60_000)
        let count = read(descriptor, &bytes, bytes.count)
        let text = String(decoding: bytes.prefix(max(0, count)), as: UTF8.self)
        #expect(text.hasPrefix("guide,"), "\(text.prefix(200))")
        #expect(text.contains("welcome-tour"))
    }

    @Test func aRegularFileIsReplaced() throws {
        let (folder, log) = try Self.folderWithLog()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("report.csv")
        try Data(String(repeating: "old contents\n", count: 10_000).utf8).write(to: output)

        let run = try LintCommandTests.run(
            ["report", log.path, "--format", "csv", "-o", output.path],
            in: TrackerCommandTests.root
        )
        #expect(run.status == 0, "\(run.errors)")
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(text.hasPrefix("guide,"))
        #expect(!text.contains("old contents"))
    }
}
