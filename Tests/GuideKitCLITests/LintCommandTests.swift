import Foundation
import Testing

/// Runs the built `guidekit` binary: `guidekit lint` output in each format, and its exit codes.
@Suite struct LintCommandTests {
    struct Run {
        var status: Int32
        var output: String
        var errors: String
        var lines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The `guidekit` binary beside the test bundle (SwiftPM builds it first, as a dependency).
    static func binary() throws -> URL {
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        for folder in candidates {
            let url = folder.appendingPathComponent("guidekit")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "guidekit binary next to the tests"])
    }

    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData, as: UTF8.self)
        )
    }

    /// A folder with `guides/`: a project, a clean guide, a guide with an error and one with a warning.
    static func workspace() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-cli-\(UUID().uuidString)")
        let files = [
            "guides/guidekit.yaml": "events: {project_created: {}}\n",
            "guides/clean.yaml": "id: clean\nname: Clean\nversion: 1\nstatus: draft\nsteps: [{id: a, kind: modal}]\n",
            "guides/broken.yaml":
                "id: broken\nname: Broken\nversion: 1\nstatus: draft\nsteps:\n  - {id: a, kind: modal, titel: Hi}\n",
            "guides/renamed.yaml": "id: other\nname: Other\nversion: 1\nstatus: draft\nsteps: [{id: a, kind: modal}]\n",
            "guides/tests/scenario.yaml": "not: [a guide\n",
            "clean-only/clean.yaml":
                "id: clean\nname: Clean\nversion: 1\nstatus: draft\nsteps: [{id: a, kind: modal}]\n",
            "warn-only/renamed.yaml":
                "id: other\nname: Other\nversion: 1\nstatus: draft\nsteps: [{id: a, kind: modal}]\n",
        ]
        for (name, text) in files {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    @Test func humanOutputIsGroupedByFileWithASummary() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try Self.run(["lint"], in: root)
        #expect(run.status == 1)
        #expect(
            run.lines == [
                "guides/broken.yaml",
                "  6:26  error    [unknown-field] 'titel' is not a step field; did you mean 'title'?",
                "",
                "guides/renamed.yaml",
                "  1:5  warning  [file-name-mismatch] guide id 'other' differs from the file name 'renamed.yaml'; "
                    + "rename the file to 'other.yaml', or change the id to 'renamed'",
                "",
                "3 guides, 1 error, 1 warning",
                "",
            ]
        )
        #expect(!run.output.contains("\u{1B}["), "no colour when stdout is not a terminal")
    }

    @Test func jsonFormat() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try Self.run(["lint", "guides", "--format", "json"], in: root)
        #expect(run.status == 1)
        let data = Data(run.output.utf8)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == 2)
        let first = try #require(array.first)
        #expect(first["file"] as? String == "guides/broken.yaml")
        #expect(first["line"] as? Int == 6)
        #expect(first["column"] as? Int == 26)
        #expect(first["severity"] as? String == "error")
        #expect(first["rule"] as? String == "unknown-field")
        #expect(first["message"] as? String == "'titel' is not a step field")
        #expect(first["fix"] as? String == "did you mean 'title'?")
        #expect(array.last?["fix"] is String)
        #expect(Set(first.keys) == ["file", "line", "column", "severity", "rule", "message", "fix"])
    }

    @Test func githubFormat() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try Self.run(["lint", "--format", "github"], in: root)
        #expect(run.status == 1)
        #expect(
            run.lines.first
                == "::error file=guides/broken.yaml,line=6,col=26::[unknown-field] 'titel' is not a step field; "
                + "did you mean 'title'?"
        )
        #expect(run.lines[1].hasPrefix("::warning file=guides/renamed.yaml,line=1,col=5::[file-name-mismatch] "))
        #expect(run.lines[2] == "3 guides, 1 error, 1 warning")
    }

    @Test func exitCodesFollowErrorsWarningsAndStrict() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let clean = try Self.run(["lint", "clean-only"], in: root)
        #expect(clean.status == 0)
        #expect(clean.output == "1 guide, 0 errors, 0 warnings\n")
        #expect(try Self.run(["lint", "warn-only"], in: root).status == 0)
        let strict = try Self.run(["lint", "--strict", "warn-only"], in: root)
        #expect(strict.status == 1)
        #expect(strict.lines.last(where: { !$0.isEmpty }) == "1 guide, 0 errors, 1 warning")
    }

    @Test func singleFilesUseTheProjectBesideThem() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let guide = root.appendingPathComponent("guides/evented.yaml")
        try Data(
            "id: evented\nname: E\nversion: 1\nstatus: draft\ntrigger: {event: project_creatd}\nsteps: [{id: a, kind: modal}]\n"
                .utf8
        ).write(to: guide)
        let run = try Self.run(["lint", "guides/evented.yaml", "clean-only/clean.yaml"], in: root)
        #expect(run.status == 1)
        #expect(
            run.output.contains(
                "5:18  error    [unknown-event] the trigger event 'project_creatd' is not in the event catalog; did you mean 'project_created'?"
            )
        )
        #expect(run.lines.last(where: { !$0.isEmpty }) == "2 guides, 1 error, 0 warnings")
    }

    @Test func badUsageExitsWith64AndAMissingPathWith66() throws {
        let root = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = try Self.run(["lint", "nowhere"], in: root)
        #expect(missing.status == 66)
        #expect(missing.errors.contains("no such file or folder: nowhere"))
        let format = try Self.run(["lint", "--format", "xml"], in: root)
        #expect(format.status == 64)
        let noDefault = try Self.run(["lint"], in: root.appendingPathComponent("clean-only"))
        #expect(noDefault.status == 66)
        #expect(noDefault.errors.contains("no such file or folder: guides"))
    }
}
