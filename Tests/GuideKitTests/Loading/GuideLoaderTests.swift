import Foundation
import GuideKit
import Testing

/// Loading folders and files from disk.
@Suite struct GuideLoaderTests {
    static func makeFolder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-loader-\(UUID().uuidString)")
        for (name, text) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(text.utf8).write(to: file)
        }
        return url
    }

    static func guide(_ id: String, extra: String = "") -> String {
        "id: \(id)\nname: \(id)\nversion: 1\nstatus: draft\n\(extra)steps:\n  - {id: a, kind: modal, title: A}\n"
    }

    @Test func loadsTheProjectAndTopLevelGuidesOnly() throws {
        let folder = try Self.makeFolder([
            "guidekit.yaml": "events: {project_created: {}}\n",
            "b.yaml": Self.guide("b"),
            "a.yml": Self.guide("a"),
            "notes.txt": "not a guide",
            ".hidden.yaml": "garbage: [",
            "tests/scenario.yaml": "given: whatever\n",
            "drafts/c.yaml": Self.guide("c"),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try GuideLoader.loadFolder(at: folder.path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.guides.map(\.id.value) == ["a", "b"])
        #expect(result.guideFiles == [folder.path + "/a.yml", folder.path + "/b.yaml"])
        #expect(result.projectFile == folder.path + "/guidekit.yaml")
        #expect(result.project?.catalog.events["project_created"] != nil)
    }

    @Test func diagnosticsAreSortedByFileLineAndColumn() throws {
        let folder = try Self.makeFolder([
            "b.yaml": Self.guide("b", extra: "priority: high\n"),
            "a.yaml": "id: a\nname: A\nversion: one\nstatus: draft\nsteps: []\ntitel: x\n",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try GuideLoader.loadFolder(at: folder.path)
        let places = result.diagnostics.map {
            "\(($0.location.file as NSString).lastPathComponent):\($0.location.line)"
        }
        #expect(places == ["a.yaml:3", "a.yaml:5", "a.yaml:6", "b.yaml:5"])
    }

    @Test func pathsInDiagnosticsAreAsTheUserNamedThem() throws {
        let folder = try Self.makeFolder(["x.yaml": "id: x\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try GuideLoader.loadFolder(at: folder.path + "/")
        #expect(result.diagnostics.allSatisfy { $0.location.file == folder.path + "/x.yaml" })
    }

    @Test func missingFolderAndFileAreThrownErrors() throws {
        #expect(throws: LoadError.self) { try GuideLoader.loadFolder(at: "/nonexistent/guides") }
        do {
            _ = try GuideLoader.load(contentsOf: "/nonexistent/guide.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.message == "no such file: /nonexistent/guide.yaml")
        }
        let folder = try Self.makeFolder(["g.yaml": Self.guide("g")])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: LoadError.self) { try GuideLoader.loadFolder(at: folder.path + "/g.yaml") }
    }

    @Test func singleFilesAreGuidesOrProjects() throws {
        let folder = try Self.makeFolder([
            "g.json":
                "{\"id\": \"g\", \"name\": \"G\", \"version\": 1, \"status\": \"draft\", \"steps\": [{\"id\": \"a\", \"kind\": \"modal\"}]}",
            "demo.guidekit.yaml": "throttle: 1d\n",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let guide = try GuideLoader.load(contentsOf: folder.path + "/g.json")
        #expect(guide.guides.map(\.id.value) == ["g"])
        #expect(guide.diagnostics.isEmpty)
        let project = try GuideLoader.load(contentsOf: folder.path + "/demo.guidekit.yaml")
        #expect(project.guides.isEmpty)
        #expect(project.project?.throttle == GuideDuration(seconds: 86_400))
    }

    @Test func pathsGroupFilesByFolderWithTheProjectBesideThem() throws {
        let folder = try Self.makeFolder([
            "guides/guidekit.yaml": "events: {signed_up: {}}\n",
            "guides/a.yaml": Self.guide("a", extra: "trigger: {event: signed_in}\n"),
            "guides/b.yaml": Self.guide("b"),
            "other/c.yaml": Self.guide("c", extra: "trigger: {event: anything}\n"),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try GuideLoader.load(paths: [
            folder.path + "/guides/a.yaml", folder.path + "/other", folder.path + "/guides/b.yaml",
        ])
        #expect(results.count == 2)
        #expect(results[0].guides.map(\.id.value) == ["c"])
        #expect(results[0].project == nil)
        #expect(results[1].guides.map(\.id.value) == ["a", "b"])
        #expect(results[1].projectFile == folder.path + "/guides/guidekit.yaml")
        #expect(Linter().lint(results[1]).map(\.rule) == ["unknown-event"])
        #expect(throws: LoadError.self) { try GuideLoader.load(paths: [folder.path + "/missing.yaml"]) }
    }

    @Test func twoProjectFilesAreReported() throws {
        let folder = try Self.makeFolder(["guidekit.yaml": "throttle: 1d\n", "guidekit.yml": "throttle: 2d\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try GuideLoader.loadFolder(at: folder.path)
        #expect(result.diagnostics.map(\.rule) == ["duplicate-project-file"])
        #expect(result.project?.throttle == GuideDuration(seconds: 86_400))
    }

    @Test func unreadableFilesAreReported() throws {
        let result = GuideLoader.load(guideFiles: ["/nonexistent/g.yaml"], projectFile: nil)
        #expect(result.diagnostics.map(\.rule) == ["unreadable-file"])
        #expect(result.guideFiles == ["/nonexistent/g.yaml"])
        #expect(result.guides.isEmpty)
    }

    @Test func utf16AndByteOrderMarksAreRead() throws {
        let folder = try Self.makeFolder([:])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = Self.guide("g")
        var utf16 = Data([0xFF, 0xFE])
        for unit in text.utf16 { utf16.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        try utf16.write(to: folder.appendingPathComponent("g.yaml"))
        try (Data([0xEF, 0xBB, 0xBF]) + Data(Self.guide("h").utf8)).write(to: folder.appendingPathComponent("h.yaml"))
        let result = try GuideLoader.loadFolder(at: folder.path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.guides.map(\.id.value) == ["g", "h"])
    }

    @Test func invalidUTF8IsASyntaxErrorAtItsPlace() throws {
        let folder = try Self.makeFolder([:])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try (Data("id: g\nname: caf".utf8) + Data([0xE9, 0x0A])).write(to: folder.appendingPathComponent("g.yaml"))
        let result = try GuideLoader.loadFolder(at: folder.path)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.rule == "yaml-syntax")
        #expect(diagnostic.location.line == 2)
        #expect(diagnostic.location.column == 10)
        #expect(diagnostic.fix == "save the file as UTF-8 text")
    }

    @Test func randomBytesNeverCrashTheLoader() throws {
        let folder = try Self.makeFolder([:])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("id: name\n-[]{}&*!|>'\"#%@`\t ,?:~".utf8)
        for index in 0..<150 {
            let count = Int.random(in: 0..<300, using: &generator)
            let bytes = (0..<count).map { _ in
                index.isMultiple(of: 2)
                    ? UInt8.random(in: 0...255, using: &generator)
                    : alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
            }
            try Data(bytes).write(to: folder.appendingPathComponent("f\(index).yaml"))
        }
        let result = try GuideLoader.loadFolder(at: folder.path)
        #expect(result.guideFiles.count == 150)
        #expect(result.diagnostics.count >= 150, "every random file has at least one finding")
        #expect(result.diagnostics.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
        _ = Linter().lint(result)
    }
}
