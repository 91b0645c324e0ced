import ArgumentParser
import Foundation
import GuideKit

/// `guidekit lint [PATH…]`: checks guide and project files and prints every finding.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check guides and the project file; print every problem with its line, column and fix.",
        discussion: """
            A PATH is a guides folder (its guidekit.yaml and top-level *.yaml files) or a single file. \
            Exits with 1 when there are errors (or, with --strict, warnings), 64 on bad usage.
            """
    )

    /// How findings are printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human
        case json
        case github
    }

    @Argument(help: "Guide folders or files to lint.", completion: .file(extensions: ["yaml", "yml", "json"]))
    var paths: [String] = ["guides"]

    @Option(help: "Output format: human, json or github.")
    var format: Format = .human

    @Flag(help: "Fail on warnings too.")
    var strict = false

    func validate() throws {
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no such file or folder: \(path)")
        }
    }

    func run() throws {
        var diagnostics: [Diagnostic] = []
        var guideCount = 0
        let linter = Linter()
        for group in try Self.groups(paths) {
            let report = linter.report(group)
            diagnostics += report.diagnostics
            guideCount += report.guideCount
        }
        let report = LintReport(diagnostics: diagnostics, guideCount: guideCount)
        let output: String
        switch format {
        case .human:
            let colored = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            output = report.renderHuman(colored: colored)
        case .json: output = report.renderJSON()
        case .github: output = report.renderGitHub()
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        if report.fails(strict: strict) { throw ExitCode(1) }
    }

    /// Loads each folder on its own; files in one folder are loaded together with that folder's project file.
    private static func groups(_ paths: [String]) throws -> [LoadResult] {
        var results: [LoadResult] = []
        var filesByFolder: [(folder: String, files: [String])] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            do {
                if isDirectory.boolValue {
                    results.append(try GuideLoader.loadFolder(at: path))
                    continue
                }
            } catch {
                throw ValidationError(error.message)
            }
            let folder = (path as NSString).deletingLastPathComponent
            if let index = filesByFolder.firstIndex(where: { $0.folder == folder }) {
                filesByFolder[index].files.append(path)
            } else {
                filesByFolder.append((folder, [path]))
            }
        }
        for (folder, files) in filesByFolder {
            let projects = files.filter { GuideLoader.isProjectFile(($0 as NSString).lastPathComponent) }
            let guides = files.filter { !GuideLoader.isProjectFile(($0 as NSString).lastPathComponent) }
            var project = projects.first
            if project == nil {
                let sibling = (folder.isEmpty ? "" : folder + "/") + GuideLoader.projectFileName
                if FileManager.default.fileExists(atPath: sibling) { project = sibling }
            }
            results.append(GuideLoader.load(guideFiles: guides, projectFile: project))
        }
        return results
    }
}
