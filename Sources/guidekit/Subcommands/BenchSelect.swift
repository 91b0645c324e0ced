import ArgumentParser
import Foundation
import GuideKit

/// `guidekit bench select`: the time of one decision over generated guides, and the throughput of a
/// population simulation over generated users.
struct BenchSelect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Time one selection over generated guides, and a population simulation over generated users."
    )

    @Option(help: "How many generated guides for the single-decision timing.")
    var guides = 50

    @Option(help: "How many decisions to time.")
    var decisions = 20_000

    @Option(help: "How many generated users for the population run (0 skips it).")
    var users = 100_000

    @Option(help: "The guides folder for the population run.")
    var folder = "guides"

    func validate() throws {
        guard guides >= 1 else { throw ValidationError("--guides must be 1 or more") }
        guard decisions >= 1 else { throw ValidationError("--decisions must be 1 or more") }
        guard users >= 0 else { throw ValidationError("--users must be 0 or more") }
    }

    func run() throws {
        try singleDecision()
        if users > 0 { try population() }
    }

    private func singleDecision() throws {
        let project = GuideLoader.loadProject(yaml: GuideGenerator.project()).project
        var loaded: [Guide] = []
        for number in 1...guides {
            let (name, yaml) = GuideGenerator.guide(number: number)
            if let guide = GuideLoader.loadGuide(yaml: yaml, file: name).guide { loaded.append(guide) }
        }
        let set = CompiledGuideSet(guides: loaded, project: project)
        let selector = Selector(set)
        let now = Timestamp.date(parsing: "2026-11-23T10:00:00Z") ?? Date()
        let state = UserState(
            id: "u-42",
            user: ["plan": .string("pro"), "signed_up_at": .string("2026-06-01T00:00:00Z")],
            events: ["project_created": UserState.EventSummary(count: 1)],
            page: UserState.Page(path: "/projects/7")
        )
        let context = SelectionContext(now: now)
        var shown = 0
        for _ in 0..<200 where selector.select(for: state, in: context).decision.guideID != nil { shown += 1 }
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(decisions)
        for _ in 0..<decisions {
            let elapsed = clock.measure {
                if selector.select(for: state, in: context).decision.guideID != nil { shown += 1 }
            }
            samples.append(Self.seconds(elapsed))
        }
        samples.sort()
        let decision = selector.select(for: state, in: context).decision.summary
        try Output.line("one decision over \(set.guides.count) guides (decision: \(decision)), \(decisions) runs:")
        try Output.line(
            String(
                format: "  median %.1f µs, p90 %.1f µs, best %.1f µs",
                samples[samples.count / 2] * 1e6,
                samples[samples.count * 9 / 10] * 1e6,
                samples[0] * 1e6
            )
        )
    }

    private func population() throws {
        let result: LoadResult
        do {
            result = try GuideLoader.loadFolder(at: folder)
        } catch {
            throw CommandFailure(error)
        }
        let set = try GuidesFolder.compile(result, folder: folder)
        let now = Timestamp.date(parsing: "2026-12-03T10:00:00Z") ?? Date()
        var generator = PopulationGenerator(seed: 1, now: now)
        var simulation = PopulationSimulation(set, now: now)
        let clock = ContinuousClock()
        var selecting = Duration.zero
        let total = clock.measure {
            for _ in 0..<users {
                let state = generator.next()
                selecting += clock.measure { simulation.add(state) }
            }
        }
        let seconds = Self.seconds(selecting)
        try Output.line("population: \(users) generated users over \(set.guides.count) guides in \(folder):")
        try Output.line(
            String(
                format: "  selection %.2f s (%.0f users/s, %.1f µs/user); with generation %.2f s",
                seconds,
                Double(users) / seconds,
                seconds / Double(users) * 1e6,
                Self.seconds(total)
            )
        )
        let shown = simulation.report.guides.map { "\($0.id) \($0.shown)" }.joined(separator: ", ")
        try Output.line("  shown: \(shown); nothing \(simulation.report.nothingShown)")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
