import ArgumentParser
import Foundation
import GuideKit

/// `guidekit state`: rebuilds user states from a guide event log, ready for `guidekit simulate --user`.
struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild user states from a guide event log (for guidekit simulate --user).",
        discussion: """
            Each user's guide events, sorted by time and without duplicates, go through the same state machine \
            the simulator uses. States are printed on standard output; what was read and skipped on standard \
            error. Examples:
              guidekit state --events log.jsonl --user u_100488 > u.yaml
              guidekit simulate --user u.yaml --page /projects
              guidekit state --events log.jsonl --base users.jsonl --format jsonl > now.jsonl

            """ + ExitStatus.help(failedCheck: "with --strict, an input line is bad")
    )

    /// How states are printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml
        case json
        case jsonl
    }

    @Option(help: "An event log (.jsonl, .json, .csv; - reads standard input). Repeatable.")
    var events: [String] = []

    @Option(help: "Only this user (repeatable). Default: every user in the log.")
    var user: [String] = []

    @Option(help: "The guides folder (snooze durations, first steps, known guides).")
    var guides = "guides"

    @Option(help: "States to start from: one state (.yaml, .json) or a population (.jsonl, .csv).")
    var base: String?

    @Option(help: "Output format: yaml (one document per user), json, or jsonl (one state per line).")
    var format: Format = .yaml

    @Option(name: .customLong("as-of"), help: "Leave out later events; the states' now (default: the latest event).")
    var asOf: String?

    @Option(name: .customLong("input-format"), help: "Read every input as jsonl or csv (default: by extension).")
    var inputFormat: String?

    @Flag(help: "Exit 1 when any line is bad.")
    var strict = false

    func validate() throws {
        if events.isEmpty { throw ValidationError("give an event log with --events FILE") }
        if let asOf, Timestamp.date(parsing: asOf) == nil {
            throw ValidationError("--as-of '\(asOf)' is not \(Timestamp.expectedForm)")
        }
        if let inputFormat, EventLogFormat(rawValue: inputFormat) == nil {
            throw ValidationError("--input-format '\(inputFormat)' is not jsonl or csv")
        }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        let set: CompiledGuideSet
        if FileManager.default.fileExists(atPath: guides, isDirectory: &isDirectory), isDirectory.boolValue {
            set = try GuidesFolder.load(guides)
        } else {
            Output.error("warning: no guides folder '\(guides)'; snoozes last 1d and guide ids are not checked\n")
            set = CompiledGuideSet(guides: [], project: nil)
        }
        var tracker = Tracker(
            guides: set,
            users: user.isEmpty ? nil : Set(user),
            asOf: asOf.flatMap { Timestamp.date(parsing: $0) },
            base: try base.map { try Self.readBase($0, catalog: set.catalog) } ?? [:]
        )
        let forced = inputFormat.flatMap(EventLogFormat.init(rawValue:))
        for path in events {
            do {
                try tracker.read(EventSource(argument: path, format: forced))
            } catch {
                throw CommandFailure(error)
            }
        }
        let states = tracker.states()
        switch format {
        case .yaml:
            try Output.write(states.map(Tracker.renderYAML).joined(separator: "---\n"))
        case .json:
            let rendered = states.map { Tracker.renderJSON($0) }
            try Output.line(rendered.count == 1 ? rendered[0] : "[" + rendered.joined(separator: ",\n") + "]")
        case .jsonl:
            try Output.write(states.map { Tracker.renderJSON($0, pretty: false) + "\n" }.joined())
        }
        Output.error(tracker.summary.renderText(users: states.count))
        if strict && tracker.summary.errorCount > 0 { throw ExitCode(ExitStatus.failedCheck.rawValue) }
    }

    /// Reads starting states: one state file, or a population.
    private static func readBase(_ path: String, catalog: Catalog) throws(CommandFailure) -> [String: UserState] {
        let lower = path.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") {
            let state = try Simulate.readUser(path)
            return [state.id: state]
        }
        var states: [String: UserState] = [:]
        do throws(UserStateError) {
            for item in try UserStateReader(contentsOf: URL(fileURLWithPath: path), catalog: catalog) {
                switch item {
                case .success(let state): states[state.id] = state
                case .failure(let error): throw error
                }
            }
        } catch {
            throw CommandFailure(error)
        }
        return states
    }
}
