import Foundation
import Testing

@testable import GuideKit

@Suite struct StepOrderBookTests {
    static func guideYAML(version: Int, steps: [String]) -> String {
        var text = "id: tour\nname: The tour\nversion: \(version)\nstatus: published\nsteps:\n"
        for step in steps { text += "  - id: \(step)\n    kind: modal\n" }
        return text
    }

    static func run(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(arguments) failed")
    }

    static func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("guides"),
            withIntermediateDirectories: true
        )
        return url
    }

    @Test func outlinesAreReadFromGuideYAML() throws {
        let outline = try GuideOutline(yaml: Self.guideYAML(version: 3, steps: ["a", "b"]), file: "tour.yaml")
        #expect(outline == GuideOutline(id: "tour", name: "The tour", version: 3, steps: ["a", "b"]))
        #expect(outline.lastStepId == "b")
        #expect(throws: EventLogError.self) { try GuideOutline(yaml: "id: tour\nversion: 1\n", file: "x.yaml") }
        #expect(throws: EventLogError.self) {
            try GuideOutline(yaml: "id: tour\nversion: \"1\"\nsteps: [{id: a}]", file: "x.yaml")
        }
        #expect(throws: EventLogError.self) {
            try GuideOutline(yaml: "id: tour\nversion: 1\nsteps: [{kind: modal}]", file: "x.yaml")
        }
        #expect(throws: EventLogError.self) { try GuideOutline(yaml: "id: [", file: "x.yaml") }
    }

    @Test func earlierVersionsComeFromGitHistory() throws {
        let root = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("guides/tour.yaml")
        try Self.run(["git", "init", "-q"], in: root)
        for (version, steps) in [(1, ["a", "b", "c"]), (2, ["a", "c"]), (3, ["a", "c", "d"])] {
            try Self.guideYAML(version: version, steps: steps).write(to: file, atomically: true, encoding: .utf8)
            try Self.run(["git", "add", "-A"], in: root)
            try Self.run(
                [
                    "git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "commit", "-qm",
                    "v\(version)",
                ],
                in: root
            )
        }
        // An uncommitted edit of the current version: the working file wins for v3.
        try Self.guideYAML(version: 3, steps: ["a", "c", "e"]).write(to: file, atomically: true, encoding: .utf8)
        try "not: [a guide".write(
            to: root.appendingPathComponent("guides/broken.yaml"),
            atomically: true,
            encoding: .utf8
        )
        try "project: x\n".write(
            to: root.appendingPathComponent("guides/guidekit.yaml"),
            atomically: true,
            encoding: .utf8
        )

        let book = try StepOrderBook(guidesFolder: root.appendingPathComponent("guides").path)
        #expect(book.isInGitRepository)
        #expect(book.resolve(guide: "tour", version: 3)?.outline.steps == ["a", "c", "e"])
        #expect(book.resolve(guide: "tour", version: 3)?.source == .currentFile)
        #expect(book.resolve(guide: "tour", version: 2)?.outline.steps == ["a", "c"])
        #expect(book.resolve(guide: "tour", version: 2)?.source == .gitHistory)
        #expect(book.resolve(guide: "tour", version: 1)?.outline.steps == ["a", "b", "c"])
        #expect(book.resolve(guide: "tour", version: 7)?.source == .matchedById)
        #expect(book.resolve(guide: "tour", version: 7)?.outline.steps == ["a", "c", "e"])
        #expect(book.resolve(guide: "ghost", version: 1) == nil)
        #expect(book.problems.count == 1)
        #expect(book.problems.first?.location.file.hasSuffix("broken.yaml") == true)
    }

    @Test func withoutGitEarlierVersionsAreMatchedById() throws {
        let root = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.guideYAML(version: 2, steps: ["a", "b"])
            .write(to: root.appendingPathComponent("guides/tour.yaml"), atomically: true, encoding: .utf8)
        let book = try StepOrderBook(guidesFolder: root.appendingPathComponent("guides").path)
        #expect(!book.isInGitRepository)
        #expect(book.resolve(guide: "tour", version: 1)?.source == .matchedById)
    }

    @Test func aMissingGuidesFolderIsAnError() {
        #expect(throws: EventLogError.self) { try StepOrderBook(guidesFolder: "/nonexistent/guides") }
    }
}
