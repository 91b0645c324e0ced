import Foundation
import Testing

/// Every command writing to a full standard output (`/dev/full`) says so on standard error and exits 74,
/// instead of trapping on a failed write (132) or exiting 0 having written nothing.
@Suite struct FullOutputTests {
    typealias CLI = LintCommandTests

    /// Runs `guidekit` with standard output on `/dev/full` and `input` on standard input.
    static func runToFullDevice(_ arguments: [String], input: String = "") throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = arguments
        process.currentDirectoryURL = TrackerCommandTests.root
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = full
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errorData, as: UTF8.self))
    }

    static let commands: [[String]] = [
        ["lint", "guides"],
        ["lint", "guides", "--format", "json"],
        ["report", "examples/events/acme-onboarding.jsonl", "--guide", "welcome-tour"],
        ["report", "examples/events/acme-onboarding.jsonl", "--format", "csv"],
        ["simulate", "--user", "examples/users/new-trial-admin.yaml"],
        ["simulate", "--user", "examples/users/new-trial-admin.yaml", "--format", "json"],
        ["simulate", "--timeline", "guides/tests/welcome-tour-admin.yaml"],
        ["state", "--events", "examples/events/acme-onboarding.jsonl", "--user", "u_100488"],
        ["state", "--events", "examples/events/acme-onboarding.jsonl", "--format", "jsonl"],
        ["test", "guides/tests"],
        ["check"],
        ["generate-users", "--count", "20"],
        ["generate-events", "--users", "5"],
        ["eval", "--condition", "{user.plan: trial}", "--state", "examples/users/new-trial-admin.yaml"],
    ]

    @Test(arguments: commands) func aFullStandardOutputFailsWith74(_ arguments: [String]) throws {
        let run = try Self.runToFullDevice(arguments)
        #expect(run.status == 74, "\(arguments): \(run.errors)")
        #expect(run.errors.contains("error: cannot write standard output (No space left on device)"), "\(run.errors)")
    }

    @Test func aBatchEvaluationToAFullOutputFailsWith74() throws {
        let request = #"{"condition": {"a": 1}, "attributes": {"a": 1}}"#
        let run = try Self.runToFullDevice(["eval", "--jsonl"], input: request + "\n" + request + "\n")
        #expect(run.status == 74, "\(run.errors)")
        #expect(run.errors.contains("error: cannot write standard output (No space left on device)"))
    }

    @Test func aPopulationToAFullOutputFailsWith74() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-full-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let users = folder.appendingPathComponent("users.jsonl").path
        let generated = try CLI.run(["generate-users", "--count", "30", "-o", users], in: TrackerCommandTests.root)
        #expect(generated.status == 0, "\(generated.errors)")
        let run = try Self.runToFullDevice(["simulate", "--users", users])
        #expect(run.status == 74, "\(run.errors)")
        #expect(run.errors.contains("error: cannot write standard output (No space left on device)"))
    }

    @Test func anOutputFileOnAFullDeviceFailsWith74() throws {
        let run = try CLI.run(
            ["report", "examples/events/acme-onboarding.jsonl", "-o", "/dev/full"],
            in: TrackerCommandTests.root
        )
        #expect(run.status == 74, "\(run.errors)")
        #expect(run.errors.contains("error: cannot write /dev/full (No space left on device)"))
        let users = try CLI.run(["generate-users", "--count", "5", "-o", "/dev/full"], in: TrackerCommandTests.root)
        #expect(users.status == 74, "\(users.errors)")
    }
}

/// A command started with standard output closed (`>&-`) reports it and exits 74; its output does not go
/// into whatever file the process opens next.
@Suite struct ClosedOutputTests {
    @Test func aClosedStandardOutputFailsWith74() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"exec "$0" lint guides >&-"#, try LintCommandTests.binary().path]
        process.currentDirectoryURL = TrackerCommandTests.root
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 74)
        #expect(
            String(decoding: errorData, as: UTF8.self).contains(
                "error: cannot write standard output (Bad file descriptor)"
            )
        )
    }
}
