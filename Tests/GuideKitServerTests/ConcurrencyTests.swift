import Foundation
import GuideKit
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GuideKitServer

@Suite("Concurrency")
struct ConcurrencyTests {
    /// Events for one user sent from many concurrent requests in a shuffled order end in the state of
    /// `guidekit state` replaying them in time order.
    @Test(arguments: [false, true])
    func concurrentEventsForOneUserEndAsTheirReplayInTimeOrder(sqlite: Bool) async throws {
        let store: any GuideStore =
            sqlite
            ? try SQLiteGuideStore(
                path: FileManager.default.temporaryDirectory.appendingPathComponent("gk-\(UUID().uuidString).sqlite")
                    .path
            ) : MemoryGuideStore()
        let harness = try ServerHarness(store: store)
        let steps = ["welcome", "sidebar", "new-project", "search"]
        var events: [String] = []
        var second = 0
        func ts() -> String {
            second += 1
            return String(format: "2026-11-23T10:%02d:%02dZ", second / 60, second % 60)
        }
        for round in 0..<3 {
            events.append(guideEvent("guide_started", user: "u_c", at: ts(), id: "r\(round)-start"))
            for step in steps {
                events.append(guideEvent("step_viewed", user: "u_c", step: step, at: ts(), id: "r\(round)-\(step)-v"))
                events.append(
                    guideEvent("step_completed", user: "u_c", step: step, at: ts(), id: "r\(round)-\(step)-c")
                )
            }
            events.append(
                #"{"type":"track","event":"project_created","user":"u_c","ts":"\#(ts())","id":"r\#(round)-track"}"#
            )
            events.append(
                guideEvent(
                    round == 2 ? "guide_completed" : "guide_snoozed",
                    user: "u_c",
                    step: "search",
                    at: ts(),
                    id: "r\(round)-end"
                )
            )
        }
        let allEvents = events
        var generator = SystemRandomNumberGenerator()
        let shuffled = events.shuffled(using: &generator)
        let batches = stride(from: 0, to: shuffled.count, by: 2).map {
            Array(shuffled[$0..<min($0 + 2, shuffled.count)])
        }
        try await harness.test { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for batch in batches {
                    group.addTask {
                        let reply = try await client.send(.post, "/v1/events", body: eventsBody(batch))
                        return reply.json["accepted"] as? Int ?? -1
                    }
                }
                var accepted = 0
                for try await count in group { accepted += count }
                #expect(accepted == allEvents.count)
            }
        }
        // The reference: the same events in time order, one by one, through a fresh server.
        let reference = try ServerHarness()
        try await reference.test { client in
            for event in allEvents { _ = try await client.send(.post, "/v1/events", body: eventsBody([event])) }
        }
        let concurrent = try #require(try await harness.store.user("u_c")).state
        let ordered = try #require(try await reference.store.user("u_c")).state
        #expect(concurrent == ordered)
        #expect(concurrent.guides["welcome-tour"]?.status == .completed)
        #expect(concurrent.guides["welcome-tour"]?.shows == 3)
        #expect(concurrent.events["project_created"]?.count == 3)
        // And `guidekit state`'s tracker, replaying the guide events of the export, agrees on the progress.
        var tracker = Tracker(guides: harness.services.library.current.compiled)
        var export: [UInt8] = []
        for event in try await harness.store.events(after: 0, limit: 1_000) {
            export += Array(event.line.utf8) + [10]
        }
        try tracker.read(.bytes(export, name: "export", format: .jsonLines))
        let replayed = try #require(tracker.states().first)
        #expect(replayed.guides == concurrent.guides)
    }
}
