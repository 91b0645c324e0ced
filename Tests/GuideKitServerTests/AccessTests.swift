import Foundation
import GuideKit
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GuideKitServer

@Suite("Access")
struct AccessTests {
    static let publicKey = "pk_test_browser"
    static let secretKey = "sk_test_backend"
    static let identitySecret = "id_secret"

    static func harness() throws -> ServerHarness {
        try ServerHarness(publicKey: publicKey, secretKey: secretKey, identitySecret: identitySecret)
    }

    static func signature(_ user: String) -> String { KeyRing.signature(of: user, secret: identitySecret) }

    @Test func requestsWithoutAValidKeyAreRefusedAndWriteNothing() async throws {
        let harness = try Self.harness()
        try await harness.test { client in
            let event = eventsBody([guideEvent("guide_started", user: "u_2001", at: "2026-11-23T10:00:00Z")])
            let cases: [(HTTPRequest.Method, String, String?, String?, [String: String], Int, String)] = [
                (.post, "/v1/decide", trialAdminDecide(), nil, [:], 401, "unauthorized"),
                (.post, "/v1/decide", trialAdminDecide(), "sk_wrong", [:], 401, "unauthorized"),
                (.post, "/v1/events", event, nil, [:], 401, "unauthorized"),
                (.post, "/v1/events", event, "pk_wrong", [:], 401, "unauthorized"),
                (
                    .post, "/v1/identify", #"{"user":{"id":"u_2001","attributes":{"plan":"pro"}}}"#, nil, [:], 401,
                    "unauthorized"
                ),
                // The public key on secret routes.
                (.get, "/v1/users/u_2001", nil, Self.publicKey, [:], 403, "forbidden"),
                (.delete, "/v1/users/u_2001", nil, Self.publicKey, [:], 403, "forbidden"),
                (.get, "/v1/events/export", nil, Self.publicKey, [:], 403, "forbidden"),
                (.get, "/v1/report", nil, Self.publicKey, [:], 403, "forbidden"),
                (.get, "/v1/guides", nil, Self.publicKey, [:], 403, "forbidden"),
                (.get, "/metrics", nil, Self.publicKey, [:], 403, "forbidden"),
                (.get, "/v1/users/u_2001", nil, nil, [:], 401, "unauthorized"),
                (
                    .post, "/v1/decide?explain=1", trialAdminDecide(), Self.publicKey,
                    ["GuideKit-Signature": Self.signature("u_2001")], 403, "forbidden"
                ),
                // A missing or wrong identity signature.
                (.post, "/v1/decide", trialAdminDecide(), Self.publicKey, [:], 401, "bad_signature"),
                (
                    .post, "/v1/decide", trialAdminDecide(), Self.publicKey,
                    ["GuideKit-Signature": Self.signature("u_2002")], 401, "bad_signature"
                ),
                (.post, "/v1/events", event, Self.publicKey, [:], 401, "bad_signature"),
                (.post, "/v1/events", event, Self.publicKey, ["GuideKit-Signature": "00ff"], 401, "bad_signature"),
                // Signed for one user, writing another's events.
                (
                    .post, "/v1/events",
                    eventsBody([
                        guideEvent("guide_started", user: "u_2001", at: "2026-11-23T10:00:00Z"),
                        guideEvent("guide_started", user: "u_2002", at: "2026-11-23T10:00:00Z"),
                    ]),
                    Self.publicKey, ["GuideKit-Signature": Self.signature("u_2001")], 403, "forbidden"
                ),
                (
                    .post, "/v1/events",
                    #"{"user":"u_2001","events":[\#(guideEvent("guide_started", user: "u_2002", at: "2026-11-23T10:00:00Z"))]}"#,
                    Self.publicKey, ["GuideKit-Signature": Self.signature("u_2001")], 403, "forbidden"
                ),
                (
                    .post, "/v1/identify", #"{"user":{"id":"anon-42","account":{"industry":"agency"}}}"#,
                    Self.publicKey, [:],
                    403, "forbidden"
                ),
                (.post, "/v1/decide", trialAdminDecide(), nil, ["Authorization": "Basic abc"], 401, "unauthorized"),
            ]
            for (method, uri, body, key, headers, status, code) in cases {
                let reply = try await client.send(method, uri, body: body, key: key, headers: headers)
                #expect(reply.status == status, "\(method) \(uri) key \(key ?? "none") \(headers)")
                #expect(reply.errorCode == code, "\(method) \(uri) key \(key ?? "none") \(headers)")
                #expect(!reply.text.contains(Self.secretKey) && !reply.text.contains(Self.publicKey))
            }
        }
        #expect(try await harness.store.counts() == (users: 0, events: 0))
    }

    @Test func theRightKeysAndSignaturesAreLetThrough() async throws {
        let harness = try Self.harness()
        try await harness.test { client in
            let signed = ["GuideKit-Signature": Self.signature("u_2001")]
            let decide = try await client.send(
                .post,
                "/v1/decide",
                body: trialAdminDecide(),
                key: Self.publicKey,
                headers: signed
            )
            #expect(decide.status == 200)
            // The key and signature in the body, as navigator.sendBeacon sends them.
            let beacon =
                #"{"key":"\#(Self.publicKey)","signature":"\#(Self.signature("u_2001"))","events":[\#(guideEvent("guide_started", user: "u_2001", at: "2026-11-23T10:00:00Z"))]}"#
            let events = try await client.send(.post, "/v1/events", body: beacon)
            #expect(events.status == 202 && events.json["accepted"] as? Int == 1)
            let upper = try await client.send(
                .post,
                "/v1/decide",
                body: trialAdminDecide(),
                key: Self.publicKey,
                headers: ["GuideKit-Signature": Self.signature("u_2001").uppercased()]
            )
            #expect(upper.status == 200)
            let anonymous = try await client.send(
                .post,
                "/v1/decide",
                body: #"{"user":{"id":"anon-7f3a","attributes":{"plan":"free"}},"context":{"page":"/home"}}"#,
                key: Self.publicKey
            )
            #expect(anonymous.status == 200)
            let secret = try await client.send(.get, "/v1/users/u_2001", key: Self.secretKey)
            #expect(secret.status == 200)
            let explain = try await client.send(
                .post,
                "/v1/decide?explain=1",
                body: trialAdminDecide(),
                key: Self.secretKey
            )
            #expect((explain.json["verdicts"] as? [Any])?.isEmpty == false)
            let health = try await client.send(.get, "/healthz")
            #expect(health.json["mode"] as? String == "production")
        }
    }

    @Test func developmentModeRefusesToListenBeyondLoopback() async throws {
        var configuration = ServerConfiguration()
        configuration.guidesFolder = ServerHarness.guidesFolder
        configuration.database = .memory
        configuration.host = "0.0.0.0"
        await #expect(throws: ServerConfigurationError.self) { _ = try await buildApplication(configuration) }
        configuration.secretKey = "sk"
        _ = try await buildApplication(configuration)
    }

    @Test func keysCompareByContentOnly() {
        #expect(KeyRing.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!KeyRing.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!KeyRing.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!KeyRing.constantTimeEquals([], Array("a".utf8)))
        // Known HMAC-SHA256 test vector (RFC 4231 case 2).
        #expect(
            KeyRing.signature(of: "what do ya want for nothing?", secret: "Jefe")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        )
    }
}
