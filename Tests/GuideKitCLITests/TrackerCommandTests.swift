import Foundation
import Testing

/// `guidekit state` end to end: a log becomes a state file that `guidekit simulate --user` reads.
@Suite struct TrackerCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let log = """
        {"ts":"2026-11-23T09:40:00Z","user":"u_2001","guide":"welcome-tour","version":3,"type":"guide_started"}
        {"ts":"2026-11-23T09:40:00Z","user":"u_2001","guide":"welcome-tour","version":3,"step":"welcome","type":"step_viewed"}
        {"ts":"2026-11-23T09:40:30Z","user":"u_2001","guide":"welcome-tour","version":3,"step":"done","type":"step_completed"}
        {"ts":"2026-11-23T09:40:30Z","user":"u_2001","guide":"welcome-tour","version":3,"type":"guide_completed"}
        {"ts":"2026-11-23T09:40:30Z","user":"u_2001","guide":"welcome-tour","version":3,"type":"guide_completed"}
        {"ts":"2026-11-23T09:41:00Z","user":"u_9","guide":"welcome-tour","version":3,"type":"guide_started"}
        {"ts":"2026-11-23T09:42:00Z","user":"u_9","guide":"welcome-tour","version":"x","type":"guide_started"}

        """

    @Test func aStateFromTheLogIsWhatSimulateReads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-state-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let logURL = folder.appendingPathComponent("log.jsonl")
        try Data(Self.log.utf8).write(to: logURL)
        let persona = "examples/users/new-trial-admin.yaml"
        let before = try LintCommandTests.run(["simulate", "--user", persona, "--page", "/home"], in: Self.root)
        #expect(before.output.contains("shown: welcome-tour v3, step welcome"))

        let state = try LintCommandTests.run(
            [
                "state", "--events", logURL.path, "--user", "u_2001", "--base", persona, "--as-of",
                "2026-11-23T10:00:00Z",
            ],
            in: Self.root
        )
        #expect(state.status == 0)
        #expect(
            state.output.contains("welcome-tour:\n    status: completed\n    step: done\n    version: 3\n    shows: 1")
        )
        #expect(state.output.contains("now: 2026-11-23T10:00:00Z"))
        #expect(
            state.errors.contains(
                "read 1 file: 6 events (4 applied, 1 duplicates, 1 of other users), 1 bad line, 1 user"
            )
        )
        #expect(state.errors.contains("bad-version: 1 (\(logURL.path):7: version 'x')"))
        let stateURL = folder.appendingPathComponent("u_2001.yaml")
        try Data(state.output.utf8).write(to: stateURL)

        let after = try LintCommandTests.run(["simulate", "--user", stateURL.path, "--page", "/home"], in: Self.root)
        #expect(after.status == 0)
        #expect(!after.output.contains("shown: welcome-tour"))
        #expect(after.output.contains("completed at 2026-11-23T09:40:30Z; repeat_after_completion is false"))

        let strict = try LintCommandTests.run(["state", "--events", logURL.path, "--strict"], in: Self.root)
        #expect(strict.status == 1)
        let lines = try LintCommandTests.run(["state", "--events", logURL.path, "--format", "jsonl"], in: Self.root)
        #expect(lines.output.split(separator: "\n").count == 2)
    }
}
