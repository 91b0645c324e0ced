import Foundation
import GuideKit
import Testing

@testable import GuideKitServer

/// The store conformance checks against PostgreSQL, and what only a store shared by several servers needs:
/// migrations that two servers apply at once, per-user serialisation across pools, and recovery.
@Suite("PostgreSQL store", .enabled(if: PostgresTestDatabase.isConfigured, PostgresTestDatabase.skipped))
struct PostgresStoreTests {
    @Test func eventsAreAppendedInOrderAndUniqueByID() async throws {
        try await PostgresTestDatabase.withStore {
            try await StoreConformanceTests.eventsAreAppendedInOrderAndUniqueByID($0)
        }
    }

    @Test func everyFieldOfAnEventRoundTrips() async throws {
        try await PostgresTestDatabase.withStore { try await StoreConformanceTests.everyFieldOfAnEventRoundTrips($0) }
    }

    @Test func usersRoundTripTheirState() async throws {
        try await PostgresTestDatabase.withStore { try await StoreConformanceTests.usersRoundTripTheirState($0) }
    }

    @Test func pingAnswersWhileTheStoreIsOpen() async throws {
        try await PostgresTestDatabase.withStore { try await StoreConformanceTests.pingAnswersWhileTheStoreIsOpen($0) }
    }

    @Test func deletingAUserErasesTheirEventsOnly() async throws {
        try await PostgresTestDatabase.withStore {
            try await StoreConformanceTests.deletingAUserErasesTheirEventsOnly($0)
        }
    }

    @Test func serializedWorkReadsItsOwnWritesAndSurvivesADuplicate() async throws {
        try await PostgresTestDatabase.withStore {
            try await StoreConformanceTests.serializedWorkReadsItsOwnWritesAndSurvivesADuplicate($0)
        }
    }

    /// Events keep every field through the store, NULLs included, and the export lines are the stored lines.
    @Test func eventFieldsRoundTripWithNulls() async throws {
        try await PostgresTestDatabase.withStore { store in
            let full = StoredEvent(
                id: "e1",
                user: "u_ü",
                time: 1_795_428_000.125,
                type: "step_viewed",
                guide: "welcome-tour",
                version: 3,
                step: "sidebar",
                variant: "B",
                line: #"{"id":"e1","note":"a \"quoted\"\nline \\ é"}"#
            )
            let bare = StoredEvent(id: "e2", user: "u_ü", time: -5, type: "track", name: "x", line: "{}")
            try await store.commit(StoreChange(events: [full, bare]))
            let read = try await store.events(of: "u_ü")
            #expect(read.count == 2)
            var expected = [full, bare]
            for index in expected.indices { expected[index].sequence = read[index].sequence }
            #expect(read == expected)
            let export = try await PostgresEventExport.open(store.location)
            let lines = try PostgresReportTests.readAll(export.stream.open(.all))
            await export.close()
            #expect(String(decoding: lines, as: UTF8.self) == full.line + "\n" + bare.line + "\n")
        }
    }

    /// Two servers starting together on an empty database: each migration is applied once.
    @Test func concurrentStartsApplyEachMigrationOnce() async throws {
        let location = try await PostgresTestDatabase.create()
        let stores = try await withThrowingTaskGroup(of: PostgresGuideStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresGuideStore.open(location) } }
            var stores: [PostgresGuideStore] = []
            for try await store in group { stores.append(store) }
            return stores
        }
        let applied = stores.map(\.appliedMigrations)
        #expect(applied.filter { !$0.isEmpty } == [PostgresMigrations.all.map(\.version)])
        let again = try await PostgresGuideStore.open(location)
        #expect(again.appliedMigrations.isEmpty)
        try await again.commit(StoreChange(events: [StoreConformanceTests.event("a")]))
        #expect(try await stores[0].counts() == (users: 0, events: 1))
        // Migration 2 put the index by user and time in place of the one by sequence.
        #expect(try await again.events(of: "u_1", at: 100, limit: 5).map(\.id) == ["a"])
        let connection = try await PostgresTestDatabase.connect(location)
        let rows = try await connection.query(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'guidekit_event' ORDER BY indexname",
            logger: PostgresStatements.logger
        )
        var indexes: [String] = []
        for try await name in rows.decode(String.self) { indexes.append(name) }
        try await connection.close()
        #expect(indexes.contains("guidekit_event_by_user_time"))
        #expect(!indexes.contains("guidekit_event_by_user"))
        for store in stores + [again] { try await store.close() }
        try await PostgresTestDatabase.drop(location)
    }

    /// The concurrency test of the server, across two servers (two pools, two in-process locks) on one database:
    /// many concurrent batches for one user, spread over both, end in the state of their replay in time order.
    @Test func twoServersWritingOneUserEndAsTheReplay() async throws {
        let location = try await PostgresTestDatabase.create()
        let first = try await PostgresGuideStore.open(location)
        let second = try await PostgresGuideStore.open(location)
        let servers = [try ServerHarness(store: first), try ServerHarness(store: second)]
        var events: [String] = []
        for round in 0..<4 {
            let base = round * 20
            func ts(_ offset: Int) -> String {
                String(format: "2026-11-23T10:%02d:%02dZ", (base + offset) / 60, (base + offset) % 60)
            }
            events.append(guideEvent("guide_started", user: "u_c", at: ts(0), id: "r\(round)-start"))
            for (index, step) in ["welcome", "sidebar", "new-project", "search"].enumerated() {
                events.append(
                    guideEvent("step_viewed", user: "u_c", step: step, at: ts(1 + 2 * index), id: "r\(round)-\(step)-v")
                )
                events.append(
                    guideEvent(
                        "step_completed",
                        user: "u_c",
                        step: step,
                        at: ts(2 + 2 * index),
                        id: "r\(round)-\(step)-c"
                    )
                )
            }
            events.append(
                #"{"type":"track","event":"project_created","user":"u_c","ts":"\#(ts(10))","id":"r\#(round)-track"}"#
            )
            events.append(
                guideEvent(
                    round == 3 ? "guide_completed" : "guide_snoozed",
                    user: "u_c",
                    step: "search",
                    at: ts(11),
                    id: "r\(round)-end"
                )
            )
        }
        let all = events
        let shuffled = all.shuffled()
        let pairs = stride(from: 0, to: shuffled.count, by: 2).map { Array(shuffled[$0..<min($0 + 2, shuffled.count)]) }
        try await servers[0].test { one in
            try await servers[1].test { two in
                try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    for (index, batch) in pairs.enumerated() {
                        // Each batch also goes a second time to the other server: a retry must be a duplicate.
                        group.addTask {
                            let reply = try await (index % 2 == 0 ? one : two).send(
                                .post,
                                "/v1/events",
                                body: eventsBody(batch)
                            )
                            return (reply.json["accepted"] as? Int ?? -100, reply.json["duplicates"] as? Int ?? -100)
                        }
                        group.addTask {
                            let reply = try await (index % 2 == 0 ? two : one).send(
                                .post,
                                "/v1/events",
                                body: eventsBody(batch)
                            )
                            return (reply.json["accepted"] as? Int ?? -100, reply.json["duplicates"] as? Int ?? -100)
                        }
                    }
                    var accepted = 0
                    var duplicates = 0
                    for try await (a, d) in group {
                        accepted += a
                        duplicates += d
                    }
                    #expect(accepted == all.count)
                    #expect(duplicates == all.count)
                }
            }
        }
        let reference = try ServerHarness()
        try await reference.test { client in
            for event in all { _ = try await client.send(.post, "/v1/events", body: eventsBody([event])) }
        }
        let shared = try #require(try await first.user("u_c")).state
        let ordered = try #require(try await reference.store.user("u_c")).state
        #expect(shared == ordered)
        #expect(shared.guides["welcome-tour"]?.status == .completed)
        #expect(shared.events["project_created"]?.count == 4)
        // Every event (and what the server derived from them) stored once.
        let stored = try await second.events(after: 0, limit: 10_000).map(\.id)
        #expect(Set(stored).count == stored.count)
        #expect(
            Set(all.map { $0.components(separatedBy: #""id":""#)[1].prefix { $0 != "\"" } }.map(String.init)).isSubset(
                of: Set(stored)
            )
        )
        try await first.close()
        try await second.close()
        try await PostgresTestDatabase.drop(location)
    }

    /// Two pools (two servers) doing a slow read-modify-write of one user at once: the second waits for the
    /// first's transaction, so neither write is lost; another user is not held up.
    @Test func serializingExcludesOtherServersForTheUserOnly() async throws {
        let location = try await PostgresTestDatabase.create()
        let first = try await PostgresGuideStore.open(location)
        let second = try await PostgresGuideStore.open(location)
        @Sendable func increment(_ store: PostgresGuideStore, user: String) async throws {
            try await store.serializing(users: [user]) { store in
                var record = try await store.user(user) ?? StoredUser(state: UserState(id: user))
                try await Task.sleep(for: .milliseconds(300))
                guard case .number(let count) = record.state.user["n"] ?? .number(0) else { return }
                record.state.user["n"] = .number(count + 1)
                try await store.commit(StoreChange(users: [record]))
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await increment(first, user: "u_x") }
            group.addTask { try await increment(second, user: "u_x") }
            group.addTask { try await increment(second, user: "u_y") }
            try await group.waitForAll()
        }
        #expect(clock.now - started >= .milliseconds(600))
        #expect(try await first.user("u_x")?.state.user["n"] == .number(2))
        #expect(try await first.user("u_y")?.state.user["n"] == .number(1))
        try await first.close()
        try await second.close()
        try await PostgresTestDatabase.drop(location)
    }

    /// Product events for one user sent one per request, concurrently, half to each server: without a lock
    /// across the servers, two of them read the same state and the later write loses the other's event.
    @Test func twoServersCountEveryEventOfOneUser() async throws {
        let location = try await PostgresTestDatabase.create()
        let first = try await PostgresGuideStore.open(location)
        let second = try await PostgresGuideStore.open(location)
        let servers = [try ServerHarness(store: first), try ServerHarness(store: second)]
        let events = (0..<80).map { index in
            String(
                format:
                    #"{"type":"track","event":"project_created","user":"u_n","ts":"2026-11-23T10:%02d:%02dZ","id":"n%d"}"#,
                index / 60,
                index % 60,
                index
            )
        }
        try await servers[0].test { one in
            try await servers[1].test { two in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for (index, event) in events.enumerated() {
                        group.addTask {
                            let reply = try await (index % 2 == 0 ? one : two).send(
                                .post,
                                "/v1/events",
                                body: eventsBody([event])
                            )
                            return reply.json["accepted"] as? Int ?? -100
                        }
                    }
                    var accepted = 0
                    for try await count in group { accepted += count }
                    #expect(accepted == events.count)
                }
            }
        }
        let state = try #require(try await second.user("u_n")).state
        #expect(state.events["project_created"]?.count == events.count)
        try await first.close()
        try await second.close()
        try await PostgresTestDatabase.drop(location)
    }

    /// `GET /v1/report` and `guidekit report --database postgres://…` are both the command line's report of
    /// the saved export, byte for byte.
    @Test func theReportOfTheDatabaseIsTheCommandLineReport() async throws {
        try await PostgresTestDatabase.withStore { store in
            try await RouteTests.reportMatchesTheCommandLine(
                try ServerHarness(store: store),
                database: try PostgresTestDatabase.url(of: store.location)
            )
        }
    }

    /// A database that is not there: opening fails within the timeout, naming the database but not the password.
    @Test func anUnreachableDatabaseIsAClearError() async throws {
        var location = try PostgresLocation(url: "postgres://guidekit:hunter2@127.0.0.1:1/nowhere?sslmode=disable")
        location.timeout = 0.5
        let error = await #expect(throws: StoreError.self) { try await PostgresGuideStore.open(location) }
        let text = error?.description ?? ""
        #expect(text.contains("127.0.0.1:1/nowhere"))
        #expect(!text.contains("hunter2"))
    }

    /// Connections the database drops (a restart, a fail-over) are replaced without a restart of the server.
    @Test func droppedConnectionsAreReplaced() async throws {
        try await PostgresTestDatabase.withStore { store in
            try await store.commit(StoreChange(events: [StoreConformanceTests.event("a")]))
            // Ends every other connection to the test database, as a restart does.
            try await PostgresTestDatabase.terminateConnections(to: store.location.database)
            var recovered = false
            for _ in 0..<50 {
                if (try? await store.counts()) != nil {
                    recovered = true
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(recovered)
            #expect(try await store.events(of: "u_1").map(\.id) == ["a"])
        }
    }
}

/// A NUL character in an identifier, which PostgreSQL's text cannot hold, is refused before the database, naming
/// the field (a 400, or the event rejected in its batch's answer), on every store (PostgreSQL answered 503).
@Suite("NUL in identifiers", .enabled(if: PostgresTestDatabase.isConfigured, PostgresTestDatabase.skipped))
struct NULIdentifierTests {
    @Test func aNULInAnIdentifierIsRefusedNamingTheField() async throws {
        try await PostgresTestDatabase.withStore { store in
            for harness in [try ServerHarness(store: store), try ServerHarness()] {
                try await harness.test { client in
                    let nul = #"\u0000"#
                    let cases: [(String, String, String)] = [
                        (
                            "/v1/events",
                            eventsBody([guideEvent("guide_started", user: "u\(nul)1", at: "2026-11-23T10:00:00Z")]),
                            "events[0].user"
                        ),
                        (
                            "/v1/events",
                            eventsBody([guideEvent("guide_started", at: "2026-11-23T10:00:00Z", id: "e\(nul)")]),
                            "events[0].id"
                        ),
                        (
                            "/v1/events",
                            eventsBody([
                                #"{"type":"track","event":"a\#(nul)b","user":"u_1","ts":"2026-11-23T10:00:00Z"}"#
                            ]),
                            "events[0].event"
                        ),
                        ("/v1/decide", trialAdminDecide(user: "u\(nul)"), "user.id"),
                    ]
                    for (path, body, field) in cases {
                        let reply = try await client.send(.post, path, body: body)
                        if path == "/v1/events" {
                            // A bad event of a batch is rejected on its own, naming its field, as every bad event is.
                            #expect(reply.status == 202, "\(field): \(reply.text)")
                            #expect(reply.json["accepted"] as? Int == 0, "\(reply.text)")
                            let rejected = reply.json["rejected"] as? [[String: Any]] ?? []
                            #expect(rejected.first?["field"] as? String == field, "\(reply.text)")
                        } else {
                            #expect(reply.status == 400, "\(field): \(reply.text)")
                            #expect(reply.errorField == field, "\(reply.text)")
                        }
                        #expect(reply.text.contains("NUL"), "\(reply.text)")
                    }
                }
            }
        }
    }
}
