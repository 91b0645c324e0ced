import Foundation
import GuideKit
import Testing

/// A population counted on every core (``PopulationSimulation/add(contentsOf:failed:)``) gives the report
/// and the errors, in line order, that adding each state of the sequential reader in turn gives.
@Suite struct PopulationParallelTests {
    typealias F = SelectionFixtures

    /// Lines the one-pass reader leaves to the general reader, which reads them.
    static let unusualLines = [
        #"{"id":"u\u0031x","user":{"plan":"trial","role":"owner"}}"#,
        #" { "id" : "spaced" , "locale" : "ja-JP" , "page" : { "path" : "/home" } } "#,
        #"{"id":12345,"user":{"plan":"pro"}}"#,
        #"{"id":"dup","user":{"plan":"trial","plan":"pro"}}"#,
        #"{"id":"u-url","page":{"url":"https://example.com/projects/7/board?x=1"}}"#,
        #"{"id":"u-event","events":{"project_created":{"count":1,"times":["2026-12-01T00:00:00+09:00"]}}}"#,
    ]

    /// Lines no reader reads: each is an error naming its line.
    static let badLines = [
        #"{"id":"broken""#,
        #"{"user":{"plan":"trial"}}"#,
        #"{"id":"u-bad-status","guides":{"welcome-tour":{"status":"finished"}}}"#,
        #"{"id":"u-bad-count","events":{"task_created":{"count":-1}}}"#,
        "not json at all",
    ]

    /// A generated population with unusual, bad, blank and over-long lines mixed in, as JSON Lines.
    static func population(users: Int) -> (text: String, badLineNumbers: [Int]) {
        var generator = PopulationGenerator(seed: 7, now: Date(timeIntervalSince1970: 1_796_292_000))
        var lines: [String] = []
        var bad: [Int] = []
        for index in 0..<users {
            lines.append(PopulationGenerator.jsonLine(generator.next()))
            if index % 97 == 5 { lines.append(unusualLines[index % unusualLines.count]) }
            if index % 211 == 17 {
                lines.append(badLines[index % badLines.count])
                bad.append(lines.count)
            }
            if index % 503 == 0 { lines.append("") }
            if index % 701 == 300 {
                lines.append(#"{"id":"long","user":{"note":""# + String(repeating: "x", count: 9_000) + #""}}"#)
                bad.append(lines.count)
            }
        }
        return (lines.joined(separator: "\n") + "\n", bad)
    }

    /// The report and the error descriptions of adding each state of the sequential reader in turn.
    static func sequential(
        _ reader: UserStateReader,
        _ simulation: PopulationSimulation
    ) -> (PopulationReport, [String]) {
        var simulation = simulation
        var errors: [String] = []
        for item in reader {
            switch item {
            case .success(let state): simulation.add(state)
            case .failure(let error): errors.append(error.description)
            }
        }
        return (simulation.report, errors)
    }

    static func parallel(
        _ reader: UserStateReader,
        _ simulation: PopulationSimulation
    ) -> (PopulationReport, [String]) {
        var simulation = simulation
        var errors: [String] = []
        simulation.add(contentsOf: reader) { errors.append($0.description) }
        return (simulation.report, errors)
    }

    @Test func jsonLinesCountTheSameOnEveryCoreAsInTurn() throws {
        let (text, badLines) = Self.population(users: 3_000)
        let reader = UserStateReader(
            text: text,
            file: "users.jsonl",
            format: .jsonLines,
            catalog: F.examples.catalog,
            maximumLineLength: 8_192
        )
        let contexts = [
            PopulationSimulation(F.examples),
            PopulationSimulation(F.examples, page: "/projects/7/board", now: try F.time("2026-12-03T10:00:00Z")),
            PopulationSimulation(F.examples, event: "project_created", launch: "keyboard-shortcuts"),
        ]
        for simulation in contexts {
            let (expected, expectedErrors) = Self.sequential(reader, simulation)
            let (report, errors) = Self.parallel(reader, simulation)
            #expect(report == expected)
            #expect(errors == expectedErrors)
            for format in ["text", "json", "csv"] {
                let render = { (report: PopulationReport) in
                    format == "text" ? report.renderText() : format == "json" ? report.renderJSON() : report.renderCSV()
                }
                #expect(render(report) == render(expected), "\(format)")
            }
        }
        let (report, errors) = Self.parallel(reader, contexts[0])
        // Every good line is a user, every bad one an error naming its line, in line order.
        #expect(report.users == 3_000 + 3_000 / 97 + 1)
        #expect(errors.count == badLines.count)
        for (error, line) in zip(errors, badLines) {
            #expect(error.hasPrefix("users.jsonl:\(line):"), "\(error)")
        }
        #expect(report.guides.reduce(0) { $0 + $1.shown } + report.nothingShown == report.users)
    }

    @Test func csvCountsTheSameOnEveryCoreAsInTurn() throws {
        var generator = PopulationGenerator(seed: 3, now: Date(timeIntervalSince1970: 1_796_292_000))
        var rows = [
            "id,user.plan,user.role,user.seats,events.project_created.count,guides.welcome-tour.status,page.path"
        ]
        for index in 0..<2_500 {
            let state = generator.next()
            let plan = state.user["plan"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? ""
            let role = state.user["role"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? ""
            let seats = index % 400 == 9 ? "many" : "\(index % 12)"
            let count = state.events["project_created"]?.count ?? 0
            let status = state.guides["welcome-tour"]?.status.rawValue ?? ""
            rows.append("\(state.id),\(plan),\(role),\(seats),\(count),\(status),\(index % 3 == 0 ? "/home" : "")")
        }
        let reader = UserStateReader(
            text: rows.joined(separator: "\n"),
            file: "users.csv",
            format: .csv,
            catalog: F.examples.catalog
        )
        let (expected, expectedErrors) = Self.sequential(reader, PopulationSimulation(F.examples))
        let (report, errors) = Self.parallel(reader, PopulationSimulation(F.examples))
        #expect(report == expected)
        #expect(errors == expectedErrors)
        #expect(report.users + errors.count == 2_500)
        #expect(errors.count == 7)
        #expect(errors.first?.hasPrefix("users.csv:11:") == true)
    }
}
