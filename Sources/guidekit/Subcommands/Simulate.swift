import ArgumentParser
import Foundation
import GuideKit

/// `guidekit simulate`: which guide a user, a population or a scripted journey sees, and why.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which guide and step a user sees and why every other guide is not shown.",
        discussion: """
            One user:    guidekit simulate --user examples/users/new-trial-admin.yaml [--page /home] \
            [--event NAME] [--launch GUIDE] [--at TIME] [--explain]
            A timeline:  guidekit simulate --timeline FILE [--user FILE]
            A population: guidekit simulate --users users.jsonl [--page /home] [--format text|json|csv]
            (guidekit generate-users --count 1000 -o users.jsonl writes a population to try.)

            """ + ExitStatus.help(failedCheck: "a timeline's expectation failed, or a line of it cannot apply")
                + "\nA population with users that cannot be read exits 65 after the report (the first 10 are named)."
    )

    /// How results are printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
        case csv
    }

    @Option(help: "The guides folder.")
    var guides = "guides"

    @Option(help: "One user state (YAML or JSON).")
    var user: String?

    @Option(help: "Many user states (JSON Lines or CSV), streamed.")
    var users: String?

    @Option(help: "A timeline or scenario file to replay.")
    var timeline: String?

    @Option(help: "The current page path (default: the user's page).")
    var page: String?

    @Option(help: "A product event that just happened.")
    var event: String?

    @Option(help: "A guide launched by id (manual trigger).")
    var launch: String?

    @Option(help: "The time of the decision, ISO 8601 (default: the user's now, else the clock).")
    var at: String?

    @Flag(help: "Show every audience clause's result.")
    var explain = false

    @Option(help: "Output format: text, json or csv (csv for populations).")
    var format: Format = .text

    @Flag(help: "Consider draft guides too (preview).")
    var includeDrafts = false

    func validate() throws {
        let modes = [user != nil && timeline == nil, users != nil, timeline != nil].filter { $0 }.count
        if modes != 1 {
            throw ValidationError("give exactly one of --user, --users or --timeline (with an optional --user)")
        }
        if let at, Timestamp.date(parsing: at) == nil {
            throw ValidationError("--at '\(at)' is not \(Timestamp.expectedForm)")
        }
        if format == .csv && users == nil { throw ValidationError("--format csv is for populations (--users)") }
    }

    func run() throws {
        let set = try GuidesFolder.load(guides)
        let time = at.flatMap { Timestamp.date(parsing: $0) }
        // A typo in --launch or --event is an error, not a selection in which nothing happens.
        for (option, context) in [
            ("--launch", SelectionContext(launch: launch, now: Date())),
            ("--event", SelectionContext(event: event, now: Date())),
        ] {
            do {
                try set.check(context)
            } catch {
                throw CommandFailure.error(.usage, "\(option): \(error.message)")
            }
        }
        if let timeline {
            try runTimeline(timeline, set: set, time: time)
        } else if let users {
            try runPopulation(users, set: set, time: time)
        } else if let user {
            try runOne(user, set: set, time: time)
        }
    }

    private func runOne(_ path: String, set: CompiledGuideSet, time: Date?) throws {
        var state = try Self.readUser(path, catalog: set.catalog)
        let now = time ?? state.now ?? Date()
        if let event {
            do {
                try GuideStateMachine(set).record(event: event, in: &state, at: now)
            } catch {
                throw CommandFailure.error(.dataError, error.description)
            }
        }
        let context = SelectionContext(
            page: page,
            event: event,
            launch: launch,
            now: now,
            includesDrafts: includeDrafts
        )
        let selection = Selector(set).select(for: state, in: context, explains: explain)
        switch format {
        case .json: try Output.write(selection.renderJSON(user: state.id))
        default:
            var header = "user \(state.id)"
            if let path = page ?? state.page?.path { header += " on \(path)" }
            if let event { header += " after \(event)" }
            if let launch { header += " launching \(launch)" }
            header += " at \(Timestamp.string(from: now))"
            if let locale = state.locale { header += " (locale \(locale))" }
            try Output.write(selection.renderText(guides: set, header: header, explains: explain))
        }
    }

    private func runTimeline(_ path: String, set: CompiledGuideSet, time: Date?) throws {
        var scenario: Scenario
        do {
            scenario = try Scenario(contentsOf: path)
        } catch {
            throw CommandFailure.error(error.code == .unreadable ? .noInput : .dataError, error.description)
        }
        if let time { scenario.start = time }
        let override = try user.map { try Self.readUser($0, catalog: set.catalog) }
        let result: TimelineRunner.Result
        do {
            result = try TimelineRunner(set, includesDrafts: includeDrafts).run(scenario, user: override)
        } catch  where error.code == .noUser {
            throw CommandFailure.error(.dataError, error.description + " or pass --user FILE")
        } catch {
            throw CommandFailure.error(.failedCheck, error.description)
        }
        try Output.write(format == .json ? result.renderJSONLines() : result.renderText())
        if !result.passed { throw ExitCode(1) }
    }

    private func runPopulation(_ path: String, set: CompiledGuideSet, time: Date?) throws {
        let reader: UserStateReader
        do {
            reader = try UserStateReader(contentsOf: URL(fileURLWithPath: path), catalog: set.catalog)
        } catch {
            throw CommandFailure(error)
        }
        var simulation = PopulationSimulation(
            set,
            page: page,
            event: event,
            launch: launch,
            now: time,
            includesDrafts: includeDrafts
        )
        var errors = 0
        simulation.add(contentsOf: reader) { error in
            errors += 1
            if errors <= 10 {
                Output.error("warning: skipped a user: \(error.description)\n")
            }
        }
        if errors > 10 { Output.error("warning: skipped \(errors) users in all\n") }
        let report = simulation.report
        switch format {
        case .text: try Output.write(report.renderText())
        case .json: try Output.write(report.renderJSON())
        case .csv: try Output.write(report.renderCSV())
        }
        if errors > 0 {
            throw CommandFailure.error(.dataError, "\(errors) user(s) of \(path) could not be read and were left out")
        }
    }

    /// Reads one user state file, checking its attributes against the catalog when given.
    static func readUser(_ path: String, catalog: Catalog? = nil) throws(CommandFailure) -> UserState {
        do {
            return try UserState(contentsOf: URL(fileURLWithPath: path), catalog: catalog)
        } catch {
            throw CommandFailure(error)
        }
    }
}
