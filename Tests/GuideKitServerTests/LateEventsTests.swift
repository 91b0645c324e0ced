import Foundation
import GuideKit
import Testing

@testable import GuideKitServer

/// Events that arrive before ones already applied are replayed with the user's history, up to the ingestor's
/// replay limit; past it they are applied on top and counted as late, so no request costs more than the limit.
@Suite("Late events")
struct LateEventsTests {
    /// Reads pass through to a memory store; the largest number of events any read returned is kept.
    final class ReadCountingStore: GuideStore, @unchecked Sendable {
        let inner = MemoryGuideStore()
        private let lock = NSLock()
        private var largest = 0

        var largestRead: Int { lock.withLock { largest } }

        private func counted(_ events: [StoredEvent]) -> [StoredEvent] {
            lock.withLock { largest = max(largest, events.count) }
            return events
        }

        func user(_ id: String) async throws -> StoredUser? { try await inner.user(id) }
        func storedEventIDs(_ ids: [String]) async throws -> Set<String> { try await inner.storedEventIDs(ids) }
        func eventCount(of user: String, upTo limit: Int) async throws -> Int {
            try await inner.eventCount(of: user, upTo: limit)
        }
        func events(of user: String, limit: Int) async throws -> [StoredEvent] {
            counted(try await inner.events(of: user, limit: limit))
        }
        func events(of user: String, at time: Double, limit: Int) async throws -> [StoredEvent] {
            counted(try await inner.events(of: user, at: time, limit: limit))
        }
        func commit(_ change: StoreChange) async throws { try await inner.commit(change) }
        func events(after sequence: Int64, limit: Int) async throws -> [StoredEvent] {
            try await inner.events(after: sequence, limit: limit)
        }
        func deleteUser(_ id: String) async throws -> (events: Int, users: Int) { try await inner.deleteUser(id) }
        func counts() async throws -> (users: Int, events: Int) { try await inner.counts() }
        func ping() async throws { try await inner.ping() }
        func close() async throws { try await inner.close() }
    }

    /// `task_created` product events of one user, one second apart from `second`.
    static func track(_ prefix: String, count: Int, from second: Double) -> [(index: Int, event: StoredEvent)] {
        (0..<count).map { offset in
            let id = "\(prefix)-\(offset)"
            let event = StoredEvent(
                id: id,
                user: "u_long",
                time: 1_795_428_000 + second + Double(offset),
                type: "track",
                name: "task_created",
                line: #"{"id":"\#(id)"}"#
            )
            return (offset, event)
        }
    }

    /// An ingestor of the example guides into `store` with a small replay limit.
    static func ingestor(replayingAtMost limit: Int, into store: some GuideStore) throws -> EventIngestor {
        let harness = try ServerHarness(store: store)
        return EventIngestor(store: store, library: harness.services.library, locks: KeyedLock(), replayLimit: limit)
    }

    @Test func aLongHistoryIsNotReplayedAndItsLateEventsAreCounted() async throws {
        let store = ReadCountingStore()
        let ingestor = try Self.ingestor(replayingAtMost: 20, into: store)
        // 30 events in order: applied on top, none late.
        let first = try await ingestor.ingest(Self.track("a", count: 30, from: 100))
        #expect(first == EventIngestor.Outcome(accepted: 30, duplicates: [], late: 0))
        // 5 events older than all of them: more stored events than the limit, so applied on top, counted late,
        // and none of the history was read (only counted).
        let late = try await ingestor.ingest(Self.track("b", count: 5, from: 0))
        #expect(late == EventIngestor.Outcome(accepted: 5, duplicates: [], late: 5))
        #expect(store.largestRead == 0)
        let state = try #require(try await store.user("u_long")).state
        // Counting does not depend on order: the count, first and last are exact all the same.
        let summary = try #require(state.events["task_created"])
        #expect(summary.count == 35)
        #expect(summary.first == Date(timeIntervalSince1970: 1_795_428_000))
        #expect(summary.last == Date(timeIntervalSince1970: 1_795_428_129))
        // Stored for the report like any other event.
        #expect(try await store.events(of: "u_long").count == 35)
    }

    @Test func aShortHistoryIsReplayedAndNothingIsLate() async throws {
        let store = ReadCountingStore()
        let ingestor = try Self.ingestor(replayingAtMost: 20, into: store)
        _ = try await ingestor.ingest(Self.track("a", count: 10, from: 100))
        let outcome = try await ingestor.ingest(Self.track("b", count: 5, from: 0))
        #expect(outcome == EventIngestor.Outcome(accepted: 5, duplicates: [], late: 0))
        // The replay read the whole history.
        #expect(store.largestRead == 10)
    }

    @Test func theEventsRouteSaysHowManyWereLateOnlyWhenSomeWere() async throws {
        let harness = try ServerHarness()
        try await harness.test { client in
            func body(_ events: [(index: Int, event: StoredEvent)]) -> String {
                let items = events.map {
                    #"{"type":"track","event":"task_created","user":"u_long","id":"\#($0.event.id)","ts":"\#(Timestamp.string(from: Date(timeIntervalSince1970: $0.event.time)))"}"#
                }
                return #"{"events":[\#(items.joined(separator: ","))]}"#
            }
            let history = EventIngestor.defaultReplayLimit + 1
            var sent = 0
            while sent < history {
                let count = min(500, history - sent)
                let answer = try await client.send(
                    .post,
                    "/v1/events",
                    body: body(Self.track("a\(sent)", count: count, from: 1_000 + Double(sent)))
                )
                #expect(answer.status == 202)
                #expect(answer.json["late"] == nil)
                sent += count
            }
            let late = try await client.send(.post, "/v1/events", body: body(Self.track("b", count: 3, from: 0)))
            #expect(late.status == 202)
            #expect(late.json["accepted"] as? Int == 3)
            #expect(late.json["late"] as? Int == 3)
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.text.contains(#"guidekit_events_total{outcome="late"} 3"#))
        }
    }
}
