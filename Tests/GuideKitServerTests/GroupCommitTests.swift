import Foundation
import GuideKit
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GuideKitServer

/// Concurrent commits to the SQLite store share transactions, yet each keeps its own outcome: a change with a
/// known event id writes nothing of itself and nothing else is refused with it.
@Suite("Group commit")
struct GroupCommitTests {
    @Test func concurrentCommitsKeepTheirOwnOutcomes() async throws {
        let path = UserCacheTests.sqlitePath()
        let store = try SQLiteGuideStore(path: path)
        // 60 changes: each has an event of its own and one of 6 shared ids, and writes its user.
        let outcomes = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for index in 0..<60 {
                group.addTask {
                    let change = StoreChange(
                        events: [
                            StoreConformanceTests.event("own-\(index)", user: "u_\(index)"),
                            StoreConformanceTests.event("shared-\(index % 6)", user: "u_\(index)"),
                        ],
                        users: [StoredUser(state: UserState(id: "u_\(index)", user: ["n": .number(Double(index))]))]
                    )
                    do {
                        try await store.commit(change)
                        return (index, [])
                    } catch let error as StoreError {
                        return (index, error.duplicateIDs)
                    }
                }
            }
            var outcomes: [Int: [String]] = [:]
            for try await (index, duplicates) in group { outcomes[index] = duplicates }
            return outcomes
        }
        let committed = Set(outcomes.filter { $0.value.isEmpty }.map(\.key))
        // One change per shared id got it; the others were refused for exactly that id.
        #expect(committed.count == 6)
        #expect(Set(committed.map { $0 % 6 }).count == 6)
        for (index, duplicates) in outcomes where !duplicates.isEmpty {
            #expect(duplicates == ["shared-\(index % 6)"])
        }
        // The store holds exactly the committed changes, and reads (cached or not) agree with it.
        let stored = Set(try await store.events(after: 0, limit: 1_000).map(\.id))
        #expect(stored == Set(committed.flatMap { ["own-\($0)", "shared-\($0 % 6)"] }))
        for index in 0..<60 {
            let user = try await store.user("u_\(index)")
            #expect((user != nil) == committed.contains(index))
        }
        try await store.close()
        let reopened = try SQLiteGuideStore(path: path, cacheCapacity: 0)
        #expect(Set(try await reopened.events(after: 0, limit: 1_000).map(\.id)) == stored)
        #expect(try await reopened.counts().users == 6)
    }

    /// Concurrent requests with overlapping ids: every id is accepted once, and each answer counts its own.
    @Test func concurrentRequestsCountTheirOwnDuplicates() async throws {
        let harness = try ServerHarness(store: try SQLiteGuideStore(path: UserCacheTests.sqlitePath()))
        let answers = try await harness.test { client in
            try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for request in 0..<24 {
                    group.addTask {
                        // Request r sends ids r … r+9: ids overlap with the 9 requests before and after.
                        let events = (request..<request + 10).map {
                            #"{"type":"track","event":"task_created","user":"u_\#(request % 4)","ts":"2026-11-23T10:00:00Z","id":"e\#($0)"}"#
                        }
                        let reply = try await client.send(.post, "/v1/events", body: eventsBody(events))
                        #expect(reply.status == 202)
                        return (reply.json["accepted"] as? Int ?? -1, reply.json["duplicates"] as? Int ?? -1)
                    }
                }
                var answers: [(Int, Int)] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
        }
        let accepted = answers.map(\.0).reduce(0, +)
        let duplicates = answers.map(\.1).reduce(0, +)
        #expect(accepted == 33)  // ids e0 … e32
        #expect(duplicates == 240 - 33)
        #expect(try await harness.store.counts().events == 33)
        // Each accepted event was counted into its user's state once.
        var total = 0
        for user in 0..<4 {
            total += try await harness.store.user("u_\(user)")?.state.events["task_created"]?.count ?? 0
        }
        #expect(total == 33)
    }
}
