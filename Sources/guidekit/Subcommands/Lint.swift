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
        let groups: [LoadResult]
        do {
            groups = try GuideLoader.load(paths: paths)
        } catch {
            throw ValidationError(error.message)
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
        FileHandle.standardOutput.write(Data(output.utf8))
        if report.fails(strict: strict) { throw ExitCode(1) }
    }
}
