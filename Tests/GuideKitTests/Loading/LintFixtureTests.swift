import Foundation
import GuideKit
import Testing

/// Runs every fixture in `Fixtures/Lint/`: each file (or each folder, linted as a guides folder) must
/// yield exactly the diagnostics its header declares, at the marked positions.
///
/// Fixtures without declarations (the schema helper's) must give at least one error at each marker when
/// they start with `# schema: reject`, and no error when they start with `# schema: accept`.
/// `file-name-mismatch` is only expected where declared: fixture names describe the case, not the id.
@Suite struct LintFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Lint")

    static var singleFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    }

    static var folders: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(
                atPath: folder.appendingPathComponent(name).path,
                isDirectory: &isDirectory
            ) && isDirectory.boolValue
        }.sorted()
    }

    @Test func fixturesExist() {
        #expect(Self.singleFiles.count >= 20)
        #expect(Self.folders.count >= 2)
    }

    @Test(arguments: singleFiles) func singleFile(_ name: String) throws {
        let marked = try MarkedText(String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8))
        let temporary = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: temporary) }
        let path = temporary.appendingPathComponent(name).path
        try Data(marked.text.utf8).write(to: URL(fileURLWithPath: path))
        // The fixtures' convention: a name containing `guidekit` is a project file.
        let result =
            name.contains("guidekit")
            ? GuideLoader.load(guideFiles: [], projectFile: path)
            : GuideLoader.load(guideFiles: [path], projectFile: nil)
        let diagnostics = Linter().lint(result)
        try Self.verify(marked, diagnostics.filter { $0.location.file == path }, fixture: name)
    }

    @Test(arguments: folders) func folder(_ name: String) throws {
        let source = Self.folder.appendingPathComponent(name)
        let temporary = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: temporary) }
        var marks: [String: MarkedText] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            let marked = try MarkedText(String(contentsOf: source.appendingPathComponent(file), encoding: .utf8))
            let path = temporary.appendingPathComponent(file).path
            try Data(marked.text.utf8).write(to: URL(fileURLWithPath: path))
            marks[path] = marked
        }
        let diagnostics = Linter().lint(try GuideLoader.loadFolder(at: temporary.path))
        for (path, marked) in marks.sorted(by: { $0.key < $1.key }) {
            let fixture = name + "/" + (path as NSString).lastPathComponent
            try Self.verify(marked, diagnostics.filter { $0.location.file == path }, fixture: fixture)
        }
    }

    /// Every rule in the format's diagnostics table has a fixture that declares it, except the attribute
    /// check (the targeting checks own it) and the two about the file system, which `GuideLoaderTests`
    /// cover (a fixture cannot be unreadable, and its first line must be the schema verdict).
    @Test func everyDocumentedRuleHasAFixture() throws {
        let format = Self.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/GuideKit/GuideKit.docc/GuideFormat.md")
        let text = try String(contentsOf: format, encoding: .utf8)
        let rules = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            let cell = line.dropFirst(3).prefix { $0 != "`" }
            guard cell.allSatisfy({ $0.isLowercase || $0 == "-" }), cell.contains("-") || cell.count > 3 else {
                return nil
            }
            let columns = line.split(separator: "|")
            guard columns.count >= 3, ["error", "warning"].contains(columns[1].trimmingCharacters(in: .whitespaces))
            else { return nil }
            return String(cell)
        }
        #expect(rules.count >= 25)
        var declared = Set<String>()
        var files = Self.singleFiles.map { Self.folder.appendingPathComponent($0) }
        for folder in Self.folders {
            let names = try FileManager.default.contentsOfDirectory(
                atPath: Self.folder.appendingPathComponent(folder).path
            )
            files += names.map { Self.folder.appendingPathComponent(folder).appendingPathComponent($0) }
        }
        for file in files {
            declared.formUnion(try MarkedText(String(contentsOf: file, encoding: .utf8)).declarations.map(\.rule))
        }
        let exempt: Set = ["unknown-attribute", "unreadable-file", "duplicate-project-file"]
        for rule in rules where !exempt.contains(rule) {
            #expect(declared.contains(rule), "no fixture declares rule '\(rule)'")
        }
    }

    static func verify(_ marked: MarkedText, _ diagnostics: [Diagnostic], fixture: String) throws {
        let verdict = try #require(marked.schemaVerdict, "\(fixture) must start with '# schema: accept|reject'")
        #expect(["accept", "reject"].contains(verdict), "\(fixture): unknown schema verdict '\(verdict)'")
        let (expected, unplaced) = marked.expectations()
        #expect(unplaced.isEmpty, "\(fixture): declared markers without a position: \(unplaced)")
        let declaresNameCheck = marked.declarations.contains { $0.rule == "file-name-mismatch" }
        let found = diagnostics.filter { declaresNameCheck || $0.rule != "file-name-mismatch" }
        guard marked.declarations.isEmpty else {
            let actual = Set(found.map(\.expectation))
            let missing = expected.subtracting(actual).sorted { $0.description < $1.description }
            let extra = found.filter { !expected.contains($0.expectation) }
            #expect(missing.isEmpty, "\(fixture): expected but not reported: \(missing)")
            #expect(
                extra.isEmpty,
                "\(fixture): reported but not expected:\n\(extra.map(\.description).joined(separator: "\n"))"
            )
            return
        }
        let errors = found.filter { $0.severity == .error }
        if verdict == "accept" {
            #expect(errors.isEmpty, "\(fixture): a schema-valid fixture gave errors: \(errors)")
        } else {
            #expect(!errors.isEmpty, "\(fixture): a schema-invalid fixture gave no error")
            for (name, position) in marked.markers {
                #expect(
                    errors.contains { $0.location.line == position.line && $0.location.column == position.column },
                    "\(fixture): no error at marker \(name) (\(position.line):\(position.column)); got \(errors)"
                )
            }
        }
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
