import Foundation
import GuideKit
import Testing

/// Population simulation on a small known population, and the seeded generator.
@Suite struct PopulationTests {
    typealias F = SelectionFixtures

    @Test func countsEligibleShownAndTheWaterfall() throws {
        let set = try F.set([
            F.guide("tour", priority: 10, extra: "audience:\n  user.role: {$in: [owner, admin]}\n  user.plan: trial"),
            F.guide("tips", priority: 5, extra: "audience: {user.plan: {$in: [trial, pro]}}"),
            F.guide("board", priority: 50, extra: "trigger: {page: \"/projects/*/board\"}"),
        ])
        let now = try F.time("2026-11-23T10:00:00Z")
        var simulation = PopulationSimulation(set, page: "/home", now: now)
        let users: [(String, String)] = [
            ("owner", "trial"), ("admin", "trial"), ("member", "trial"), ("owner", "pro"), ("guest", "free"),
        ]
        for (index, user) in users.enumerated() {
            simulation.add(UserState(id: "u\(index)", user: ["role": .string(user.0), "plan": .string(user.1)]))
        }
        let report = simulation.report
        #expect(report.users == 5)
        #expect(report.nothingShown == 1)
        let tour = try #require(report.guides.first { $0.id == "tour" })
        #expect(tour.eligible == 2)
        #expect(tour.shown == 2)
        #expect(tour.removed[.audience] == 3)
        #expect(tour.removedByClause == [2, 1])
        let tips = try #require(report.guides.first { $0.id == "tips" })
        #expect(tips.eligible == 4)
        #expect(tips.outranked == 2)
        #expect(tips.shown == 2)
        #expect(tips.removed[.audience] == 1)
        let board = try #require(report.guides.first { $0.id == "board" })
        #expect(board.removed[.trigger] == 5)
        #expect(board.shown == 0)
        let text = report.renderText()
        #expect(text.hasPrefix("5 users on /home at 2026-11-23T10:00:00Z"))
        let clauseLine = text.split(separator: "\n").first { $0.contains("user.role: {$in: [owner, admin]}") }
        #expect(clauseLine?.hasSuffix("       2   40.0%") == true)
        #expect(report.renderCSV().contains("\ntour,10,5,0,0,3,0,0,0,0,0,0,2,0,2,0\n"))
        #expect(report.renderJSON().contains("\"nothing_shown\": 1"))
    }

    @Test func theGeneratorIsSeededAndReadable() throws {
        let now = try F.time("2026-12-03T10:00:00Z")
        var first = PopulationGenerator(seed: 42, now: now)
        var second = PopulationGenerator(seed: 42, now: now)
        var other = PopulationGenerator(seed: 43, now: now)
        var lines: [String] = []
        for _ in 0..<200 {
            let line = PopulationGenerator.jsonLine(first.next())
            #expect(line == PopulationGenerator.jsonLine(second.next()))
            lines.append(line)
        }
        #expect(lines[0] != PopulationGenerator.jsonLine(other.next()))
        var read = 0
        var simulation = PopulationSimulation(F.examples)
        for item in UserStateReader(text: lines.joined(separator: "\n"), format: .jsonLines) {
            let state = try item.get()
            simulation.add(state)
            read += 1
        }
        #expect(read == 200)
        #expect(simulation.report.users == 200)
        // A realistic mix: some users see a guide, some see nothing.
        let shown = simulation.report.guides.reduce(0) { $0 + $1.shown }
        #expect(shown > 10 && shown < 190)
        #expect(shown + simulation.report.nothingShown == 200)
    }
}
