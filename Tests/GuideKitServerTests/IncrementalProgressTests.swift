import Foundation
import GuideKit
import Testing

@testable import GuideKitServer

/// Events applied on top of a user's stored progress (in order) end where a replay of all their events ends, and
/// an event older than the applied ones (or one sorting before them at the same instant) is replayed.
@Suite("Incremental progress")
struct IncrementalProgressTests {
    static let steps = ["welcome", "sidebar", "new-project", "search"]

    /// A user's journey: shows of the welcome tour and product events, some at one instant.
    static func journey(user: String, using generator: inout SplitMix) -> [StoredEvent] {
        var events: [StoredEvent] = []
        var second = 0.0
        func add(_ type: String, step: String? = nil, name: String? = nil, guide: String = "welcome-tour") {
            // A third of the events share the instant of the one before.
            if Int.random(in: 0..<3, using: &generator) > 0 { second += 1 }
            let id = "\(user)-\(events.count)"
            var fields: [String: Value] = [
                "type": .string(type), "user": .string(user), "id": .string(id),
                "ts": .string(Timestamp.string(from: Date(timeIntervalSince1970: 1_795_428_000 + second))),
            ]
            if let name { fields["event"] = .string(name) } else { fields["guide"] = .string(guide) }
            if name == nil { fields["version"] = .number(guide == "welcome-tour" ? 3 : 1) }
            if let step { fields["step"] = .string(step) }
            events.append(
                StoredEvent(
                    id: id,
                    user: user,
                    time: 1_795_428_000 + second,
                    type: type,
                    guide: name == nil ? guide : nil,
                    version: name == nil ? (guide == "welcome-tour" ? 3 : 1) : nil,
                    step: step,
                    name: name,
                    line: Value.object(fields).rendered
                )
            )
        }
        for show in 0..<3 {
            add("guide_started")
            for step in steps.prefix(1 + Int.random(in: 0..<4, using: &generator)) {
                add("step_viewed", step: step)
                if Bool.random(using: &generator) { add("track", name: "task_created") }
                add("step_completed", step: step)
            }
            add(show == 2 ? "guide_completed" : "guide_snoozed", step: "welcome")
            add("track", name: "project_created")
        }
        add("guide_started", guide: "board-automations-ab")
        add("step_viewed", step: "automations-button", guide: "board-automations-ab")
        add("step_completed", step: "automations-button", guide: "board-automations-ab")
        add("step_viewed", step: "pick-trigger", guide: "board-automations-ab")
        add("track", name: "automation_created")
        return events
    }

    static func ingest(_ batches: [[StoredEvent]], into store: any GuideStore) async throws {
        let harness = try ServerHarness(store: store)
        for batch in batches {
            _ = try await harness.services.ingestor.ingest(batch.enumerated().map { ($0.offset, $0.element) })
        }
    }

    /// The state a replay of every stored event of the user gives (derived events included, as stored).
    static func replayed(_ user: String, in store: any GuideStore) async throws -> UserState {
        let harness = try ServerHarness(store: store)
        let stored = try #require(try await store.user(user))
        let events = try await store.events(of: user)
        return ProgressReplay(harness.services.library.current).replay(events, onto: stored.state).state
    }

    @Test(arguments: [false, true])
    func batchesInAnyOrderEndAsTheReplayOfEveryEvent(sqlite: Bool) async throws {
        var generator = SplitMix(seed: sqlite ? 41 : 14)
        for round in 0..<12 {
            let user = "u_r\(round)"
            let events = Self.journey(user: user, using: &generator)
            // Batches in time order (applied on top), except some rounds that move a batch later (out of order).
            var batches: [[StoredEvent]] = []
            var index = 0
            while index < events.count {
                let size = Int.random(in: 1...5, using: &generator)
                batches.append(Array(events[index..<min(index + size, events.count)]))
                index += size
            }
            if round % 3 == 2, batches.count > 2 {
                let moved = batches.remove(at: 1)
                batches.append(moved)
            }
            let store: any GuideStore =
                sqlite
                ? try SQLiteGuideStore(path: UserCacheTests.sqlitePath()) : MemoryGuideStore()
            try await Self.ingest(batches, into: store)
            let state = try #require(try await store.user(user)).state
            let replayedState = try await Self.replayed(user, in: store)
            #expect(state == replayedState, "round \(round)")
            // And all at once, into a fresh store.
            let whole = MemoryGuideStore()
            try await Self.ingest([events], into: whole)
            #expect(state.guides == (try #require(try await whole.user(user))).state.guides, "round \(round)")
            #expect(state.events == (try #require(try await whole.user(user))).state.events, "round \(round)")
        }
    }

    /// At the instant of the latest applied event, a new event that sorts before an applied one is replayed.
    ///
    /// (A view of the step completed at that instant sorts before it.) One that sorts after it is applied on top.
    /// Both end as the replay does.
    @Test func anEventAtTheLatestInstantIsReplayedWhenItSortsBeforeAnAppliedOne() async throws {
        let store = MemoryGuideStore()
        let harness = try ServerHarness(store: store)
        let replay = ProgressReplay(harness.services.library.current)
        func event(_ id: String, _ type: String, step: String? = nil, second: Double) -> StoredEvent {
            StoredEvent(
                id: id,
                user: "u_t",
                time: 1_795_428_000 + second,
                type: type,
                guide: "welcome-tour",
                version: 3,
                step: step,
                line: #"{"id":"\#(id)"}"#
            )
        }
        let applied = [
            event("a", "guide_started", second: 0), event("b", "step_viewed", step: "welcome", second: 1),
            event("c", "step_completed", step: "sidebar", second: 2),
        ]
        let through = 1_795_428_002.0
        let before = [event("d", "step_viewed", step: "sidebar", second: 2)]
        let after = [event("e", "guide_snoozed", step: "sidebar", second: 2)]
        #expect(!replay.follow(before, through: through, applied: applied))
        #expect(replay.follow(after, through: through, applied: applied))
        #expect(
            replay.follow([event("f", "step_viewed", step: "welcome", second: 3)], through: through, applied: applied)
        )
        #expect(!replay.follow([event("g", "guide_snoozed", second: 1)], through: through, applied: applied))

        try await Self.ingest([applied, before, after], into: store)
        let state = try #require(try await store.user("u_t")).state
        #expect(state == (try await Self.replayed("u_t", in: store)))
        #expect(state.guides["welcome-tour"]?.status == .snoozed)
    }

    /// In one batch, a product event that could move no guide does not stop a later one of the same name from
    /// moving a step that the guide events between them brought on screen (as each in its own batch does).
    @Test func aProductEventMovesAStepReachedEarlierInItsBatch() async throws {
        var events: [StoredEvent] = []
        func add(_ type: String, step: String? = nil, name: String? = nil) {
            let id = "m\(events.count)"
            events.append(
                StoredEvent(
                    id: id,
                    user: "u_m",
                    time: 1_795_428_000 + Double(events.count),
                    type: type,
                    guide: name == nil ? "create-first-project" : nil,
                    version: name == nil ? 2 : nil,
                    step: step,
                    name: name,
                    line: #"{"id":"\#(id)"}"#
                )
            )
        }
        add("track", name: "project_created")
        add("guide_started")
        add("step_viewed", step: "click-new")
        add("step_completed", step: "click-new")
        add("step_viewed", step: "pick-template")
        add("track", name: "project_created")
        var states: [UserState] = []
        for perBatch in [1, events.count] {
            let store = MemoryGuideStore()
            let batches = stride(from: 0, to: events.count, by: perBatch).map {
                Array(events[$0..<min($0 + perBatch, events.count)])
            }
            try await Self.ingest(batches, into: store)
            let state = try #require(try await store.user("u_m")).state
            #expect(state.guides["create-first-project"]?.step == "celebrate", "\(perBatch) per batch")
            #expect(state == (try await Self.replayed("u_m", in: store)))
            states.append(state)
        }
        #expect(states[0] == states[1])
    }

    /// Product events that finish a checklist's items move it on (derived events), batch by batch as in one.
    @Test func productEventsThatFinishAChecklistMoveItOn() async throws {
        for perBatch in [1, 20] {
            let store = MemoryGuideStore()
            let base = UserState(id: "u_k", account: ["integrations": .array([.string("slack")])])
            try await store.commit(StoreChange(users: [StoredUser(state: base)]))
            var events: [StoredEvent] = []
            func add(_ type: String, step: String? = nil, name: String? = nil) {
                let id = "k\(events.count)"
                events.append(
                    StoredEvent(
                        id: id,
                        user: "u_k",
                        time: 1_795_428_000 + Double(events.count),
                        type: type,
                        guide: name == nil ? "setup-checklist" : nil,
                        version: name == nil ? 5 : nil,
                        step: step,
                        name: name,
                        line: #"{"id":"\#(id)"}"#
                    )
                )
            }
            add("guide_started")
            add("step_viewed", step: "checklist")
            for name in [
                "project_created", "task_created", "task_created", "task_created", "due_date_set", "teammate_invited",
                "mobile_app_opened",
            ] {
                add("track", name: name)
            }
            let batches = stride(from: 0, to: events.count, by: perBatch).map {
                Array(events[$0..<min($0 + perBatch, events.count)])
            }
            try await Self.ingest(batches, into: store)
            let state = try #require(try await store.user("u_k")).state
            #expect(state.guides["setup-checklist"]?.step == "ease", "\(perBatch) per batch")
            #expect(state == (try await Self.replayed("u_k", in: store)))
        }
    }
}
