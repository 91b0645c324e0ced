import Foundation
import GuideKit
import Testing

/// `UserState`, `TrackedGuideEvent` and `Value` encode to the JSON shapes of the schemas and decode back
/// to equal values.
@Suite struct CodableTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func date(_ text: String) throws -> Date { try #require(Timestamp.date(parsing: text)) }

    static func state() throws -> UserState {
        UserState(
            id: "u-42",
            user: [
                "plan": .string("trial"), "seats": .number(3), "beta": .bool(true), "roles": .array([.string("admin")]),
            ],
            account: ["industry": .string("retail"), "meta": .object(["tier": .null])],
            events: [
                "project_created": UserState.EventSummary(
                    count: 2,
                    first: try date("2026-11-20T10:00:00Z"),
                    last: try date("2026-11-21T08:00:00.250Z"),
                    times: [try date("2026-11-20T10:00:00Z"), try date("2026-11-21T08:00:00.250Z")]
                )
            ],
            guides: [
                "welcome-tour": UserState.GuideProgress(
                    status: .snoozed,
                    step: "sidebar",
                    version: 3,
                    variant: "control",
                    shows: 2,
                    lastShown: try date("2026-11-22T09:00:00Z"),
                    startedAt: try date("2026-11-21T09:00:00Z"),
                    snoozedUntil: try date("2026-11-24T09:00:00Z")
                )
            ],
            page: UserState.Page(path: "/projects/new", url: "https://app.acme.io/projects/new"),
            device: ["type": .string("desktop"), "app_version": .string("5.2.0")],
            locale: "ja-JP",
            now: try date("2026-11-23T10:00:00Z")
        )
    }

    @Test func aUserStateRoundTrips() throws {
        let state = try Self.state()
        let data = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(UserState.self, from: data) == state)
        // The schema's own reader reads the encoded JSON as the same state.
        #expect(try UserState(json: String(decoding: data, as: UTF8.self)) == state)
    }

    @Test func theEncodedStateUsesTheSchemasFieldNames() throws {
        let data = try JSONEncoder().encode(try Self.state())
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == Set(UserState.fields))
        let schemaData = try Data(contentsOf: Self.root.appendingPathComponent("Schemas/user-state.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: schemaData) as? [String: Any])
        let definitions = try #require(schema["$defs"] as? [String: Any])
        func properties(_ name: String) throws -> Set<String> {
            let definition = try #require(definitions[name] as? [String: Any])
            return Set(try #require(definition["properties"] as? [String: Any]).keys)
        }
        let guides = try #require(object["guides"] as? [String: Any])
        let progress = try #require(guides["welcome-tour"] as? [String: Any])
        #expect(Set(progress.keys).isSubset(of: try properties("guide")))
        #expect(progress["snoozed_until"] as? String == "2026-11-24T09:00:00Z")
        let events = try #require(object["events"] as? [String: Any])
        let summary = try #require(events["project_created"] as? [String: Any])
        #expect(Set(summary.keys) == (try properties("event")))
        #expect(summary["last"] as? String == "2026-11-21T08:00:00.250Z")
        #expect(object["now"] as? String == "2026-11-23T10:00:00Z")
    }

    @Test func theExamplePersonasRoundTrip() throws {
        let folder = Self.root.appendingPathComponent("examples/users")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(!names.isEmpty)
        for name in names {
            let state = try UserState(contentsOf: folder.appendingPathComponent(name))
            let back = try JSONDecoder().decode(UserState.self, from: try JSONEncoder().encode(state))
            #expect(back == state, "\(name)")
        }
    }

    @Test func decodingFillsTheSchemasDefaultsAndRejectsBadTimestamps() throws {
        let json = #"{"id": 42, "events": {"a": {"first": "2026-11-20"}}, "guides": {"g": {"step": "s"}}}"#
        let state = try JSONDecoder().decode(UserState.self, from: Data(json.utf8))
        #expect(state.id == "42")
        #expect(state.events["a"]?.count == 1)
        #expect(state.guides["g"] == UserState.GuideProgress(step: "s"))
        let bad = #"{"id": "u", "now": "last tuesday"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(UserState.self, from: Data(bad.utf8)) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(UserState.self, from: Data(#"{"user": {}}"#.utf8))
        }
    }

    @Test func aTrackedEventIsALogLineWithoutItsUser() throws {
        let event = TrackedGuideEvent(
            .stepViewed,
            at: try Self.date("2026-11-23T10:00:00Z"),
            guide: "welcome-tour",
            version: 3,
            step: "welcome",
            variant: "tooltip-tour"
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let line = String(decoding: try encoder.encode(event), as: UTF8.self)
        #expect(
            line
                == #"{"guide":"welcome-tour","step":"welcome","ts":"2026-11-23T10:00:00Z","type":"step_viewed","variant":"tooltip-tour","version":3}"#
        )
        #expect(try JSONDecoder().decode(TrackedGuideEvent.self, from: Data(line.utf8)) == event)
        // A log line, with its user and a version written as digits, decodes too.
        let logLine = #"{"ts":"2026-11-23T10:00:00Z","user":"u1","guide":"g","version":"2","type":"guide_started"}"#
        let decoded = try JSONDecoder().decode(TrackedGuideEvent.self, from: Data(logLine.utf8))
        #expect(
            decoded
                == TrackedGuideEvent(.guideStarted, at: try Self.date("2026-11-23T10:00:00Z"), guide: "g", version: 2)
        )
    }

    @Test(arguments: [
        Value.null, .bool(false), .number(-2.5), .string("x"), .array([.number(1), .null]),
        .object(["a": .object(["b": .array([.bool(true)])])]),
    ])
    func aValueRoundTrips(_ value: Value) throws {
        #expect(try JSONDecoder().decode(Value.self, from: try JSONEncoder().encode(value)) == value)
    }

    @Test func aValueDecodesEveryJSONType() throws {
        let json = #"{"n": null, "b": true, "x": 1, "s": "1", "a": [1, "1"], "o": {}}"#
        let value = try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        #expect(
            value
                == .object([
                    "n": .null, "b": .bool(true), "x": .number(1), "s": .string("1"),
                    "a": .array([.number(1), .string("1")]), "o": .object([:]),
                ])
        )
    }
}
