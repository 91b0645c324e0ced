import ArgumentParser
import Foundation
import GuideKit

/// `guidekit lint [PATH…]`: checks guide and project files and prints every finding.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check guides and the project file; print every problem with its line, column and fix.",
        discussion: """
            A PATH is a guides folder (its guidekit.yaml and top-level *.yaml files) or a single file. \
            A folder without guide files is an error (66): lint names where it looked.

            """ + ExitStatus.help(failedCheck: "lint found errors (with --strict, warnings too)")
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

    func run() throws {
        var diagnostics: [Diagnostic] = []
        var guideCount = 0
        let linter = Linter()
        var groups: [LoadResult] = []
        do {
            // A folder without guides is a wrong path, not a clean project: say where guides were looked for.
            for path in paths where Self.isFolder(path) {
                let group = try GuideLoader.loadFolder(at: path)
                if group.guideFiles.isEmpty {
                    throw CommandFailure.error(.noInput, "no guides in \(path): \(GuidesFolder.lookedFor(path))")
                }
                groups.append(group)
            }
            let files = paths.filter { !Self.isFolder($0) }
            if !files.isEmpty { groups += try GuideLoader.load(paths: files) }
        } catch let error as LoadError {
            throw CommandFailure(error)
        }
        for group in groups {
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
        try Output.write(output)
        if report.fails(strict: strict) { throw ExitCode(1) }
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
