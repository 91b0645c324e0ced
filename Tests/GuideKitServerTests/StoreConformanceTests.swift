import Foundation
import GuideKit
import Testing

@testable import GuideKitServer

/// One suite, run against every store: memory and SQLite here, PostgreSQL in ``PostgresStoreTests`` (with the
/// same checks, when a test database is configured).
@Suite("Store conformance")
struct StoreConformanceTests {
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case memory, sqlite
        var testDescription: String { rawValue }

        func make() throws -> (store: any GuideStore, path: String?) {
            switch self {
            case .memory: return (MemoryGuideStore(), nil)
            case .sqlite:
                let path = FileManager.default.temporaryDirectory
                    .appendingPathComponent("guidekit-store-\(UUID().uuidString).sqlite").path
                return (try SQLiteGuideStore(path: path), path)
            }
        }
    }

    static func event(_ id: String, user: String = "u_1", time: Double = 100, type: String = "track") -> StoredEvent {
        StoredEvent(id: id, user: user, time: time, type: type, name: "project_created", line: #"{"id":"\#(id)"}"#)
    }

    @Test(arguments: Kind.allCases)
    func eventsAreAppendedInOrderAndUniqueByID(kind: Kind) async throws {
        try await Self.eventsAreAppendedInOrderAndUniqueByID(try kind.make().store)
    }

    static func eventsAreAppendedInOrderAndUniqueByID(_ store: any GuideStore) async throws {
        try await store.commit(StoreChange(events: [Self.event("a"), Self.event("b", user: "u_2")]))
        try await store.commit(StoreChange(events: [Self.event("c")]))
        await #expect(throws: StoreError.duplicateEvents(["b"])) {
            try await store.commit(StoreChange(events: [Self.event("d"), Self.event("b")]))
        }
        // Nothing of the refused change was written, not even its new event.
        let all = try await store.events(after: 0, limit: 100)
        #expect(all.map(\.id) == ["a", "b", "c"])
        #expect(all.map(\.sequence) == all.map(\.sequence).sorted())
        #expect(try await store.storedEventIDs(["a", "d", "c", "zz"]) == ["a", "c"])
        #expect(try await store.events(of: "u_1").map(\.id) == ["a", "c"])
        // The ingestor reads a user's history with a limit: the first events in storage order.
        #expect(try await store.events(of: "u_1", limit: 1).map(\.id) == ["a"])
        #expect(try await store.eventCount(of: "u_1", upTo: 1) == 1)
        #expect(try await store.eventCount(of: "u_1", upTo: 10) == 2)
        #expect(try await store.eventCount(of: "nobody", upTo: 10) == 0)
        try await store.commit(StoreChange(events: [Self.event("e", time: 100), Self.event("f", time: 200)]))
        #expect(try await store.events(of: "u_1", at: 100, limit: 2).map(\.id) == ["a", "c"])
        #expect(try await store.events(of: "u_1", at: 100, limit: 10).map(\.id) == ["a", "c", "e"])
        let page = try await store.events(after: all[0].sequence, limit: 1)
        #expect(page.map(\.id) == ["b"])
        #expect(page[0].line == #"{"id":"b"}"#)
    }

    /// A run of events at one instant longer than the SQLite store reads on the calling thread comes back whole,
    /// in storage order, up to the limit.
    @Test(arguments: Kind.allCases)
    func aLongRunOfEventsAtOneInstantIsReadWhole(kind: Kind) async throws {
        let store = try kind.make().store
        let count = SQLiteGuideStore.rowsReadHere + 120
        let run = (0..<count).map { Self.event("r\($0)", time: 300) }
        try await store.commit(StoreChange(events: [Self.event("before", time: 200)] + run))
        let ids = run.map(\.id)
        #expect(try await store.events(of: "u_1", at: 300, limit: 10_001).map(\.id) == ids)
        #expect(
            try await store.events(of: "u_1", at: 300, limit: count - 20).map(\.id) == Array(ids.prefix(count - 20))
        )
        let here = SQLiteGuideStore.rowsReadHere
        #expect(try await store.events(of: "u_1", at: 300, limit: here).map(\.id) == Array(ids.prefix(here)))
        #expect(try await store.events(of: "u_1", at: 200, limit: 10_001).map(\.id) == ["before"])
    }

    @Test(arguments: Kind.allCases)
    func everyFieldOfAnEventRoundTrips(kind: Kind) async throws {
        try await Self.everyFieldOfAnEventRoundTrips(try kind.make().store)
    }

    /// Each column as it was given: empty text stays empty (not NULL), absent fields stay absent, text of any
    /// kind and fractional times come back unchanged.
    static func everyFieldOfAnEventRoundTrips(_ store: any GuideStore) async throws {
        let events = [
            StoredEvent(
                id: "full",
                user: "u-é \"q\"",
                time: 1_795_500_000.123,
                type: "step_viewed",
                guide: "welcome-tour",
                version: 3,
                step: "welcome",
                variant: "b",
                line: #"{"id":"full","note":"日本 \n 👩‍👩‍👧"}"#
            ),
            StoredEvent(
                id: "empty",
                user: "u-é \"q\"",
                time: -0.5,
                type: "guide_dismissed",
                guide: "",
                version: nil,
                step: "",
                variant: "",
                name: "",
                line: ""
            ),
            StoredEvent(id: "bare", user: "u_2", time: 0, type: "track", name: "task_completed", line: "{}"),
        ]
        try await store.commit(StoreChange(events: events))
        let stored = try await store.events(after: 0, limit: 10)
        #expect(stored.count == 3)
        for (read, written) in zip(stored, events) {
            var read = read
            read.sequence = 0
            #expect(read == written)
        }
    }

    @Test(arguments: Kind.allCases)
    func usersRoundTripTheirState(kind: Kind) async throws {
        try await Self.usersRoundTripTheirState(try kind.make().store)
    }

    static func usersRoundTripTheirState(_ store: any GuideStore) async throws {
        #expect(try await store.user("u_1") == nil)
        var state = UserState(id: "u_1", user: ["plan": .string("trial"), "seats": .number(3)])
        state.guides["welcome-tour"] = UserState.GuideProgress(
            status: .inProgress,
            step: "sidebar",
            version: 3,
            shows: 1,
            lastShown: Date(timeIntervalSince1970: 1_795_428_000),
            startedAt: Date(timeIntervalSince1970: 1_795_428_000)
        )
        GuideStateMachine.count(event: "project_created", in: &state, at: Date(timeIntervalSince1970: 1_795_428_100))
        try await store.commit(StoreChange(users: [StoredUser(state: state, appliedThrough: 1_795_428_100)]))
        let stored = try #require(try await store.user("u_1"))
        #expect(stored.state == state)
        #expect(stored.appliedThrough == 1_795_428_100)
        #expect(try await store.counts() == (users: 1, events: 0))
        let many = try await store.users(["nobody", "u_1"])
        #expect(many.count == 1 && many["u_1"] == stored)
    }

    @Test(arguments: Kind.allCases)
    func deletingAUserErasesTheirEventsOnly(kind: Kind) async throws {
        try await Self.deletingAUserErasesTheirEventsOnly(try kind.make().store)
    }

    static func deletingAUserErasesTheirEventsOnly(_ store: any GuideStore) async throws {
        try await store.commit(
            StoreChange(
                events: [Self.event("a"), Self.event("b", user: "u_2"), Self.event("c")],
                users: [StoredUser(state: UserState(id: "u_1")), StoredUser(state: UserState(id: "u_2"))]
            )
        )
        let deleted = try await store.deleteUser("u_1")
        #expect(deleted.events == 2 && deleted.users == 1)
        #expect(try await store.user("u_1") == nil)
        #expect(try await store.events(after: 0, limit: 10).map(\.id) == ["b"])
        // The id is free again: a user who is erased and comes back can send the same event.
        try await store.commit(StoreChange(events: [Self.event("a")]))
        let again = try await store.deleteUser("nobody")
        #expect(again.events == 0 && again.users == 0)
    }

    /// `ping` answers on an open store (and inside a serialized body), whatever it holds, and fails once it is
    /// closed.
    @Test(arguments: Kind.allCases)
    func pingAnswersWhileTheStoreIsOpen(kind: Kind) async throws {
        let store = try kind.make().store
        try await Self.pingAnswersWhileTheStoreIsOpen(store)
        try await store.close()
        await #expect(throws: StoreError.self) { try await store.ping() }
    }

    static func pingAnswersWhileTheStoreIsOpen(_ store: any GuideStore) async throws {
        try await store.ping()
        try await store.commit(StoreChange(events: [Self.event("a")]))
        try await store.serializing(users: ["u_1"]) { try await $0.ping() }
        try await store.ping()
    }

    /// A read-modify-write inside ``GuideStore/serializing(users:_:)`` sees its own writes, and a change refused
    /// for a duplicate id writes nothing but leaves the rest of the work possible.
    @Test(arguments: Kind.allCases)
    func serializedWorkReadsItsOwnWritesAndSurvivesADuplicate(kind: Kind) async throws {
        try await Self.serializedWorkReadsItsOwnWritesAndSurvivesADuplicate(try kind.make().store)
    }

    static func serializedWorkReadsItsOwnWritesAndSurvivesADuplicate(_ store: any GuideStore) async throws {
        try await store.commit(StoreChange(events: [Self.event("a")]))
        let through = try await store.serializing(users: ["u_1"]) { store in
            await #expect(throws: StoreError.duplicateEvents(["a"])) {
                try await store.commit(StoreChange(events: [Self.event("b"), Self.event("a")]))
            }
            try await store.commit(
                StoreChange(
                    events: [Self.event("b")],
                    users: [StoredUser(state: UserState(id: "u_1"), appliedThrough: 7)]
                )
            )
            #expect(try await store.events(of: "u_1").map(\.id) == ["a", "b"])
            return try await store.user("u_1")?.appliedThrough
        }
        #expect(through == 7)
        #expect(try await store.events(after: 0, limit: 10).map(\.id) == ["a", "b"])
        // A body that throws writes nothing.
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await store.serializing(users: ["u_2"]) { store in
                try await store.commit(StoreChange(events: [Self.event("c", user: "u_2")]))
                throw Refused()
            }
        }
        // Memory and SQLite stores have no transaction around the body (one process: the server's lock is the
        // guarantee), so only PostgreSQL rolls the body's commit back.
        if store is PostgresGuideStore { #expect(try await store.storedEventIDs(["c"]).isEmpty) }
    }

    @Test func sqliteKeepsEverythingAcrossReopening() async throws {
        let (first, path) = try Kind.sqlite.make()
        let file = try #require(path)
        try await first.commit(
            StoreChange(
                events: [Self.event("a")],
                users: [StoredUser(state: UserState(id: "u_1"), appliedThrough: 100)]
            )
        )
        try await first.close()
        let second = try SQLiteGuideStore(path: file)
        #expect(try await second.events(after: 0, limit: 10).map(\.id) == ["a"])
        #expect(try await second.user("u_1")?.appliedThrough == 100)
        let mode = try String(contentsOfFile: file, encoding: .isoLatin1).prefix(20)
        #expect(mode.hasPrefix("SQLite format 3"))
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-db-\(UUID().uuidString)").path
        try Data(repeating: 0x41, count: 4_096).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try SQLiteGuideStore(path: path) }
    }
}
