import ArgumentParser
import Foundation
import GuideKit
import GuideKitServer

/// `guidekit report`: the drop-off report of event logs.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report per guide version and step who reached it, who left there and how long it took.",
        discussion: """
            Reads guide events (JSON Lines or CSV, see the Events article) and the step order of every guide \
            version from the guides folder (earlier versions from its git history). Bad lines are counted by \
            reason in the footer; --strict makes them fail the command.

            Examples:
              guidekit report events.jsonl
              guidekit report events.csv --guide welcome-tour --compare welcome-tour@3..4
              guidekit report events.jsonl --by variant --format html -o report.html
              guidekit report --database postgres://guidekit@db.internal/guidekit --format json

            """ + ExitStatus.help(failedCheck: "with --strict, an input line is bad")
                + "\n--compare with nothing to compare (a version or group without events) is a data error (65)."
    )

    /// The output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv, html
    }

    @Argument(help: "Event logs (.jsonl, .json, .csv); - reads standard input.")
    var events: [String] = []

    @Option(
        help: """
            Report the events stored by guidekit serve instead of logs: postgres://user:password@host:port/database \
            or a SQLite file. The same report as GET /v1/report (its input is named export.jsonl).
            """
    )
    var database: String?

    @Option(help: "The guides folder.")
    var guides = "guides"

    @Option(name: .customLong("guide"), help: "Only this guide (repeatable).")
    var onlyGuides: [String] = []

    @Option(help: "Only events at or after this time (ISO 8601).")
    var since: String?

    @Option(help: "Only events before this time (ISO 8601).")
    var until: String?

    @Option(name: .customLong("as-of"), help: "The moment the window is measured from (default: the latest event).")
    var asOf: String?

    @Option(help: "Users inactive longer than this have dropped; the others are in progress (7d, 12h; 0 = no window).")
    var window = "7d"

    @Option(help: "Break each guide version down by version, variant or any event property.")
    var by = "version"

    @Option(help: "Compare two versions (welcome-tour@3..4) or two groups (welcome-tour@A..B, with --by).")
    var compare: String?

    @Option(help: "Output format: table, json, csv or html.")
    var format = Format.table

    @Option(name: [.short, .long], help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("input-format"), help: "Read every input as jsonl or csv (default: by extension).")
    var inputFormat: String?

    @Flag(help: "Exit with status 1 when any input line is bad.")
    var strict = false

    func validate() throws {
        if events.isEmpty && database == nil {
            throw ValidationError("give event logs (- for standard input), or --database for a guidekit serve store")
        }
        if !events.isEmpty && database != nil {
            throw ValidationError("give event logs or --database, not both")
        }
    }

    func run() async throws {
        var options = ReportOptions()
        options.guides = onlyGuides
        options.since = try since.map { try timestamp($0, option: "--since") }
        options.until = try until.map { try timestamp($0, option: "--until") }
        options.asOf = try asOf.map { try timestamp($0, option: "--as-of") }
        if window == "0" {
            options.windowSeconds = 0
        } else if let duration = GuideDuration(parsing: window) {
            options.windowSeconds = duration.seconds
        } else {
            throw ValidationError("--window '\(window)' is not \(GuideDuration.expectedForm), or 0")
        }
        let reserved = [
            "ts", "timestamp", "user", "userId", "anonymousId", "guide", "step", "type", "event", "properties",
        ]
        if by != "version" {
            guard !reserved.contains(by) else {
                throw ValidationError(
                    "--by \(by): choose version, variant or an event property other than the core fields"
                )
            }
            options.breakdown = .property(by)
        }
        if let compare {
            guard let spec = ReportOptions.CompareSpec(parsing: compare) else {
                throw ValidationError(
                    "--compare '\(compare)' is not <guide>@<version>..<version> or <guide>@<group>..<group>"
                )
            }
            if !spec.comparesVersions, by == "version" { options.breakdown = .property("variant") }
            options.compare = spec
        }
        var forced: EventLogFormat?
        if let inputFormat {
            guard let parsed = EventLogFormat(rawValue: inputFormat) else {
                throw ValidationError("--input-format must be jsonl or csv")
            }
            forced = parsed
        }
        let book: StepOrderBook
        do {
            book = try StepOrderBook(guidesFolder: guides)
        } catch let error as EventLogError {
            throw CommandFailure(error)
        }
        for id in onlyGuides where !book.knows(guide: id) {
            let hint = Suggestion.didYouMean(id, in: book.current.keys.sorted()).map { "; \($0)" } ?? ""
            throw CommandFailure.error(.usage, "--guide \(id): no guide '\(id)' in \(guides)\(hint)")
        }
        let report: DropOffReport
        do {
            if let database {
                report = try await Self.storeReport(database, book: book, options: options)
            } else {
                let sources = events.map { EventSource(argument: $0, format: forced) }
                report = try DropOffReport(reading: sources, book: book, options: options)
            }
        } catch let error as EventLogError {
            throw CommandFailure(error)
        }
        var nothingToCompare: String?
        if let spec = options.compare, report.comparisons.isEmpty {
            let have = report.guides.filter { $0.guide == spec.guide }.map { $0.group ?? "v\($0.version)" }
            let list = have.isEmpty ? "no events of \(spec.guide)" : "the report has " + have.joined(separator: ", ")
            nothingToCompare = "error: --compare \(compare ?? ""): nothing to compare (\(list))"
        }
        let text: String
        switch format {
        case .table: text = TableRenderer(usesColor: output == nil && isatty(1) != 0).render(report)
        case .json: text = JSONRenderer().render(report)
        case .csv: text = CSVRenderer().render(report)
        case .html: text = HTMLRenderer().render(report)
        }
        if let output {
            try OutputFile.write(text, to: output)
        } else {
            try Output.write(text)
        }
        // The report is printed first (what there is to see), then the command fails.
        if let nothingToCompare { throw CommandFailure(.dataError, nothingToCompare) }
        if strict, report.input.badLines > 0 {
            throw CommandFailure.error(
                .failedCheck,
                "\(report.input.badLines) bad input line(s); see the input summary"
            )
        }
    }

    /// The report of the events a guidekit serve store holds, read without writing to it: a PostgreSQL
    /// database streamed with COPY, a SQLite file opened read-only.
    private static func storeReport(
        _ database: String,
        book: StepOrderBook,
        options: ReportOptions
    ) async throws -> DropOffReport {
        do {
            if PostgresLocation.isURL(database) {
                let location: PostgresLocation
                do {
                    location = try PostgresLocation(url: database)
                } catch {
                    throw ValidationError("--database: \(error.description)")
                }
                return try await StoreReport.make(ofDatabase: location, book: book, options: options)
            }
            guard FileManager.default.fileExists(atPath: database) else {
                throw CommandFailure.error(
                    .noInput,
                    "--database \(database): no such file (a SQLite store, or postgres://…)"
                )
            }
            let store = try SQLiteGuideStore(readingFrom: database)
            do {
                let report = try await StoreReport.make(of: store, book: book, options: options)
                try await store.close()
                return report
            } catch {
                try? await store.close()
                throw error
            }
        } catch let error as StoreError {
            throw CommandFailure.error(.ioError, "--database: \(error.description)")
        }
    }

    private func timestamp(_ text: String, option: String) throws -> Double {
        guard let seconds = Timestamp.seconds(parsing: text) else {
            throw ValidationError("\(option) '\(text)' is not \(Timestamp.expectedForm)")
        }
        return seconds
    }
}
