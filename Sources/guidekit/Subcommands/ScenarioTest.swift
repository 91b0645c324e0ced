import ArgumentParser
import Foundation
import GuideKit

/// `guidekit test [PATH…]`: replays scenario files and checks what is shown after each line.
struct ScenarioTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the scenario tests: replay each user's timeline and check what is shown after each line.",
        discussion: """
            A PATH is a scenario file or a folder of them. A guides folder (one with guidekit.yaml or guide \
            files) stands for its tests/ folder, and is then the guides folder unless --guides is given: \
            guidekit test guides runs guides/tests against guides. A guide file named as a scenario is an error.

            """ + ExitStatus.help(failedCheck: "a scenario failed or cannot be read")
    )

    @Argument(
        help: "Scenario files or folders, or a guides folder (its tests/).",
        completion: .file(extensions: ["yaml", "yml"])
    )
    var paths: [String] = ["guides/tests"]

    @Option(help: "The guides folder (default: guides, or the guides folder named as PATH).")
    var guides: String?

    func run() throws {
        var scenarios: [String] = []
        var guidesFolder = guides
        for path in paths {
            guard Self.isGuidesFolder(path) else {
                if let guide = Self.guideFile(named: path) {
                    throw CommandFailure.error(
                        .dataError,
                        "\(guide) is a guide, not a scenario; scenarios are in the guides folder's tests/ "
                            + "(guidekit test \((guide as NSString).deletingLastPathComponent))"
                    )
                }
                scenarios.append(path)
                continue
            }
            let tests = (path as NSString).appendingPathComponent("tests")
            guard Self.isFolder(tests) else {
                throw CommandFailure.error(
                    .noInput,
                    "\(path) is a guides folder and has no tests/ folder; scenario tests go in \(tests)"
                )
            }
            Output.error("note: \(path) is a guides folder; running the scenarios in \(tests)\n")
            scenarios.append(tests)
            if guidesFolder == nil { guidesFolder = path }
        }
        let set = try GuidesFolder.load(guidesFolder ?? "guides")
        let suite: ScenarioSuite
        do {
            suite = try ScenarioSuite(paths: scenarios, guides: set)
        } catch {
            throw CommandFailure.error(error.code == .unreadable ? .noInput : .dataError, error.description)
        }
        try Output.write(suite.renderText())
        if !suite.passed { throw ExitCode(ExitStatus.failedCheck.rawValue) }
    }

    /// Whether `path` is a folder holding a project file or a guide file.
    static func isGuidesFolder(_ path: String) -> Bool {
        guard isFolder(path), let files = SourceFiles.files(at: path, extensions: ["yaml", "yml"]) else { return false }
        return files.contains { GuideLoader.isProjectFile(($0 as NSString).lastPathComponent) || isGuideFile($0) }
    }

    /// `path` when it is a guide or project file rather than a scenario.
    private static func guideFile(named path: String) -> String? {
        guard !isFolder(path) else { return nil }
        return GuideLoader.isProjectFile((path as NSString).lastPathComponent) || isGuideFile(path) ? path : nil
    }

    /// Whether a YAML file reads as a guide: a top-level `steps:` and no top-level `timeline:`.
    private static func isGuideFile(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        var hasSteps = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("timeline:") { return false }
            if line.hasPrefix("steps:") { hasSteps = true }
        }
        return hasSteps
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
