import Foundation
import GuideKit
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GuideKitServer

/// The SQLite store's user cache: a decide after a write sees the write, whichever route made it.
@Suite("User cache")
struct UserCacheTests {
    static func sqlitePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gk-cache-\(UUID().uuidString).sqlite").path
    }

    /// The decision object of a decide answer (the decision id differs per request).
    static func decision(_ reply: Reply) -> String {
        guard let decision = reply.json["decision"], !(decision is NSNull) else { return "null" }
        let data = try? JSONSerialization.data(withJSONObject: decision, options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    /// One journey of writes, each followed by a decide; returns the decisions.
    static func journey(_ harness: ServerHarness) async throws -> [String] {
        try await harness.test { client in
            var decisions: [String] = []
            func decide() async throws -> String {
                let reply = try await client.send(
                    .post,
                    "/v1/decide",
                    body: #"{"user":{"id":"u_9"},"context":{"page":"/home"}}"#
                )
                #expect(reply.status == 200)
                return Self.decision(reply)
            }
            func identify(_ attributes: String) async throws {
                let reply = try await client.send(
                    .post,
                    "/v1/identify",
                    body: #"{"user":{"id":"u_9","attributes":\#(attributes)}}"#
                )
                #expect(reply.status == 200)
            }
            decisions.append(try await decide())  // unknown user: cached as not stored
            try await identify(#"{"plan":"trial","role":"admin","signed_up_at":"2026-11-23T09:30:00Z"}"#)
            decisions.append(try await decide())  // the welcome tour
            try await identify(#"{"role":"guest"}"#)
            decisions.append(try await decide())  // guests are not its audience
            try await identify(#"{"role":"owner"}"#)
            decisions.append(try await decide())
            let viewed = try await client.send(
                .post,
                "/v1/events",
                body: eventsBody([
                    guideEvent("guide_started", user: "u_9", at: "2026-11-23T09:50:00Z"),
                    guideEvent("step_viewed", user: "u_9", step: "welcome", at: "2026-11-23T09:50:01Z"),
                    guideEvent("step_completed", user: "u_9", step: "welcome", at: "2026-11-23T09:50:02Z"),
                ])
            )
            #expect(viewed.json["accepted"] as? Int == 3)
            decisions.append(try await decide())  // the tour goes on at its next step
            let dismissed = try await client.send(
                .post,
                "/v1/events",
                body: eventsBody([
                    guideEvent("guide_dismissed", user: "u_9", step: "sidebar", at: "2026-11-23T09:51:00Z")
                ])
            )
            #expect(dismissed.json["accepted"] as? Int == 1)
            decisions.append(try await decide())  // no more tour
            let deleted = try await client.send(.delete, "/v1/users/u_9")
            #expect(deleted.status == 200)
            decisions.append(try await decide())  // erased: a user without attributes again
            return decisions
        }
    }

    @Test func aDecideAfterAnIdentifyAnEventOrADeleteSeesTheNewState() async throws {
        let cached = try ServerHarness(store: try SQLiteGuideStore(path: Self.sqlitePath()))
        let decisions = try await Self.journey(cached)
        // Each write changed the decision, and the store without a cache decides the same at every turn.
        let uncached = try ServerHarness(store: try SQLiteGuideStore(path: Self.sqlitePath(), cacheCapacity: 0))
        #expect(try await Self.journey(uncached) == decisions)
        let memory = try ServerHarness()
        #expect(try await Self.journey(memory) == decisions)
        #expect(decisions[0] == "null")
        #expect(decisions[1].contains(#""guide":"welcome-tour""#))
        #expect(!decisions[2].contains(#""guide":"welcome-tour""#))
        #expect(decisions[3] == decisions[1])
        #expect(decisions[4].contains(#""id":"sidebar""#))
        #expect(!decisions[5].contains(#""guide":"welcome-tour""#))
        #expect(decisions[6] == "null")
        #expect(try await cached.store.user("u_9") == nil)
    }

    @Test func aReadThatRacedAWriteIsNotCached() {
        let cache = UserCache(capacity: 10)
        let before = StoredUser(state: UserState(id: "u_1", user: ["plan": .string("free")]))
        let after = StoredUser(state: UserState(id: "u_1", user: ["plan": .string("pro")]))
        // A read began, a write committed, then the read (of the old row) tries to fill the cache.
        let epoch = cache.epoch
        cache.stored([after])
        cache.fill("u_1", before, since: epoch)
        #expect(cache.lookup("u_1") == .some(after))
        // A read that began after the write fills it.
        cache.removed("u_1")
        #expect(cache.lookup("u_1") == .some(nil))
        let later = cache.epoch
        cache.fill("u_2", after, since: later)
        #expect(cache.lookup("u_2") == .some(after))
    }

    @Test func theCacheHoldsAtMostItsCapacity() {
        let cache = UserCache(capacity: 100)
        for index in 0..<1_000 {
            cache.fill("u_\(index)", StoredUser(state: UserState(id: "u_\(index)")), since: cache.epoch)
            #expect(cache.statistics.count <= 100)
        }
        // The latest ones are still there; the first ones went.
        #expect(cache.lookup("u_999") != nil)
        #expect(cache.lookup("u_0") == nil)
        let disabled = UserCache(capacity: 0)
        disabled.fill("u_1", nil, since: disabled.epoch)
        #expect(disabled.lookup("u_1") == nil)
    }
}
