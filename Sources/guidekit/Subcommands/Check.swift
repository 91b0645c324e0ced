import ArgumentParser
import Foundation
import GuideKit

/// `guidekit check`: the whole loop on one guides folder — lint, scenario tests, what each persona would see,
/// and the drop-off report of event logs — with one exit code for CI.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint the guides, run their scenario tests, simulate personas and report on event logs.",
        discussion: """
            The command a guides repository runs in CI. Each part runs when its input is there:
              lint          the guides folder (warnings fail with --strict)
              test          every scenario in <guides>/tests
              simulate      every user state in --users (a folder of YAML/JSON files, or files)
              report        the drop-off report of every --events log

            """ + ExitStatus.help(failedCheck: "lint found errors (with --strict, warnings too) or a scenario failed")
    )

    @Option(help: "The guides folder.")
    var guides = "guides"

    @Option(help: "Scenario files or folders (default: <guides>/tests when it exists).")
    var tests: [String] = []

    @Option(help: "Persona files or folders of user states to simulate (YAML or JSON).")
    var users: [String] = []

    @Option(help: "Event logs (JSON Lines or CSV) for the drop-off report.")
    var events: [String] = []

    @Flag(help: "Fail on lint warnings too.")
    var strict = false

    func run() throws {
        var failed = false
        let colored = isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

        try Output.line(Self.heading("lint \(guides)", colored: colored))
        let loaded: LoadResult
        do {
            loaded = try GuideLoader.loadFolder(at: guides)
        } catch {
            throw CommandFailure(error)
        }
        if loaded.guideFiles.isEmpty {
            throw CommandFailure.error(.noInput, "no guides in \(guides): \(GuidesFolder.lookedFor(guides))")
        }
        let lint = Linter().report(loaded)
        try Output.write(lint.renderHuman(colored: colored))
        if lint.fails(strict: strict) { failed = true }
        guard lint.errorCount == 0 else {
            try Output.line(
                "\nThe guides have errors: the scenario tests, simulation and report need them fixed first."
            )
            throw ExitCode(ExitStatus.failedCheck.rawValue)
        }
        let set = try GuidesFolder.compile(loaded, folder: guides)

        let scenarioPaths = tests.isEmpty ? Self.defaultTests(in: guides) : tests
        if !scenarioPaths.isEmpty {
            try Output.line("\n" + Self.heading("test \(scenarioPaths.joined(separator: " "))", colored: colored))
            let suite: ScenarioSuite
            do {
                suite = try ScenarioSuite(paths: scenarioPaths, guides: set)
            } catch {
                throw CommandFailure.error(error.code == .unreadable ? .noInput : .dataError, error.description)
            }
            try Output.write(suite.renderText())
            if !suite.passed { failed = true }
        }

        let personas = try Self.files(in: users, extensions: ["yaml", "yml", "json"])
        if !personas.isEmpty {
            try Output.line("\n" + Self.heading("simulate \(personas.count) user(s)", colored: colored))
            let selector = Selector(set)
            let width = personas.map { ($0 as NSString).lastPathComponent.count }.max() ?? 0
            for path in personas {
                let state = try Simulate.readUser(path)
                let context = SelectionContext(now: state.now ?? Date())
                let decision = selector.select(for: state, in: context, explains: false).decision
                let name = (path as NSString).lastPathComponent
                let padded = name.padding(toLength: width, withPad: " ", startingAt: 0)
                try Output.line("\(padded)  \(Self.describe(decision, page: state.page?.path))")
            }
        }

        if !events.isEmpty {
            try Output.line("\n" + Self.heading("report \(events.joined(separator: " "))", colored: colored))
            let report: DropOffReport
            do {
                let book = try StepOrderBook(guidesFolder: guides)
                report = try DropOffReport(
                    reading: events.map { EventSource(argument: $0, format: nil) },
                    book: book,
                    options: ReportOptions()
                )
            } catch let error as EventLogError {
                throw CommandFailure(error)
            }
            try Output.write(TableRenderer(usesColor: colored).render(report))
        }
        if failed { throw ExitCode(ExitStatus.failedCheck.rawValue) }
    }

    /// `welcome-tour v3 · step welcome (modal) "Welcome to Acme Projects" on /home`, or `nothing on /home`.
    static func describe(_ decision: Decision, page: String?) -> String {
        let place = page.map { " on \($0)" } ?? ""
        guard let guide = decision.guideID, let step = decision.step else {
            let holdouts = decision.holdouts.map { "\($0.guideID) (\($0.variant))" }
            return "nothing\(place)" + (holdouts.isEmpty ? "" : "; held out of " + holdouts.joined(separator: ", "))
        }
        var text = guide
        if let version = decision.version { text += " v\(version)" }
        if let variant = decision.variant { text += " variant \(variant)" }
        text += " · step \(step.id) (\(step.kind.rawValue))"
        if let title = step.title { text += " \"\(title)\"" }
        if decision.resumes { text += ", resumed" }
        return text + place
    }

    static func heading(_ text: String, colored: Bool) -> String {
        colored ? "\u{1B}[1m== \(text)\u{1B}[0m" : "== \(text)"
    }

    static func defaultTests(in guides: String) -> [String] {
        let folder = (guides as NSString).appendingPathComponent("tests")
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue
            ? [folder] : []
    }

    /// The files named, and the files with one of `extensions` in the folders named, sorted.
    static func files(in paths: [String], extensions: Set<String>) throws(CommandFailure) -> [String] {
        var files: [String] = []
        for path in paths {
            guard let found = SourceFiles.files(at: path, extensions: extensions) else {
                throw CommandFailure.error(.noInput, "no such file or folder: \(path)")
            }
            if found.isEmpty {
                let kinds = extensions.sorted().map { "*.\($0)" }.joined(separator: ", ")
                throw CommandFailure.error(.noInput, "no files (\(kinds)) in \(path)")
            }
            files += found
        }
        return files
    }
}
