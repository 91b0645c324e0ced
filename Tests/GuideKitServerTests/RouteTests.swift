import Foundation
import GuideKit
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GuideKitServer

@Suite("Routes")
struct RouteTests {
    @Test func decideShowsTheWelcomeTourToANewTrialAdminAndStoresTheAttributes() async throws {
        let harness = try ServerHarness()
        try await harness.test { client in
            let reply = try await client.send(.post, "/v1/decide", body: trialAdminDecide())
            #expect(reply.status == 200)
            let decision = try #require(reply.json["decision"] as? [String: Any])
            #expect(decision["guide"] as? String == "welcome-tour")
            #expect((decision["step"] as? [String: Any])?["id"] as? String == "welcome")
            #expect((reply.json["decisionId"] as? String)?.count == 36)
            #expect(reply.json["verdicts"] == nil)
        }
        let stored = try #require(try await harness.store.user("u_2001"))
        #expect(stored.state.user["plan"] == .string("trial"))
        #expect(stored.state.account["employees"] == .number(40))
        #expect(stored.state.page == nil)
    }

    /// The server decides for every example persona as `guidekit simulate --user <persona> --format json` does.
    @Test(
        arguments: try FileManager.default.contentsOfDirectory(
            atPath: ServerHarness.repository.appendingPathComponent("examples/users").path
        ).filter { $0.hasSuffix(".yaml") }.sorted()
    )
    func decideMatchesSimulateForThePersonas(file: String) async throws {
        let url = ServerHarness.repository.appendingPathComponent("examples/users/\(file)")
        var persona = try UserState(contentsOf: url)
        let now = try #require(persona.now)
        let page = persona.page?.path
        let harness = try ServerHarness(now: now)
        let set = harness.services.library.current
        let expected = set.selector.select(for: persona, in: SelectionContext(now: now))
        // The decision `guidekit simulate --format json` prints, in its Codable encoding.
        let expectedDecision = expected.decision.guideID == nil ? "null" : expected.decision.renderJSON()
        // The store keeps attributes, event counts and progress; page, device and locale come with the request.
        let device = persona.device
        let locale = persona.locale
        persona.page = nil
        persona.now = nil
        try await harness.store.commit(StoreChange(users: [StoredUser(state: persona)]))
        let deviceJSON = Value.object(device).rendered
        var context = #"{"device":\#(deviceJSON)"#
        if let page { context += #","page":\#(JSONString.quoted(page))"# }
        if let locale { context += #","locale":\#(JSONString.quoted(locale))"# }
        context += "}"
        let body = #"{"user":{"id":\#(JSONString.quoted(persona.id))},"context":\#(context)}"#
        try await harness.test { client in
            let reply = try await client.send(.post, "/v1/decide", body: body)
            #expect(reply.status == 200)
            #expect(reply.text.hasPrefix(#"{"decision":\#(expectedDecision),"decisionId":"#))
        }
    }

    @Test func aJourneyWalksTheWelcomeTourToItsEndAndTheReportShowsTheUser() async throws {
        let harness = try ServerHarness()
        let user = "u_2001"
        try await harness.test { client in
            var reply = try await client.send(.post, "/v1/decide", body: trialAdminDecide(user: user))
            var time = 0
            func ts() -> String {
                time += 10
                return String(format: "2026-11-23T10:%02d:%02dZ", time / 60, time % 60)
            }
            var events = [guideEvent("guide_started", user: user, at: ts())]
            var shown: [String] = []
            while let decision = reply.json["decision"] as? [String: Any],
                decision["guide"] as? String == "welcome-tour"
            {
                let step = try #require((decision["step"] as? [String: Any])?["id"] as? String)
                #expect(!shown.contains(step), "the step \(step) came back")
                shown.append(step)
                events.append(guideEvent("step_viewed", user: user, step: step, at: ts()))
                events.append(guideEvent("step_completed", user: user, step: step, at: ts()))
                let posted = try await client.send(.post, "/v1/events", body: eventsBody(events))
                #expect(posted.status == 202)
                #expect(posted.json["accepted"] as? Int == events.count)
                events = []
                reply = try await client.send(.post, "/v1/decide", body: trialAdminDecide(user: user))
                if shown.count > 10 { break }
            }
            #expect(shown.first == "welcome")
            #expect(shown.count >= 4)
            // The last step's completion is the guide's end.
            let done = try await client.send(
                .post,
                "/v1/events",
                body: eventsBody([guideEvent("guide_completed", user: user, step: shown.last, at: ts())])
            )
            #expect(done.json["accepted"] as? Int == 1)
            let state = try await client.send(.get, "/v1/users/\(user)")
            #expect(state.status == 200)
            let guides = try #require(state.json["guides"] as? [String: Any])
            #expect((guides["welcome-tour"] as? [String: Any])?["status"] as? String == "completed")
            let after = try await client.send(.post, "/v1/decide", body: trialAdminDecide(user: user))
            #expect((after.json["decision"] as? [String: Any])?["guide"] as? String != "welcome-tour")
            let report = try await client.send(.get, "/v1/report?format=json&guide=welcome-tour")
            #expect(report.status == 200)
            #expect(report.text.contains("\"completed\": 1") || report.text.contains("\"completed\":1"))
        }
    }

    @Test func eventsAreAcceptedRejectedOneByOneAndDuplicatesChangeNothing() async throws {
        let harness = try ServerHarness()
        try await harness.test { client in
            let batch = eventsBody([
                guideEvent("guide_started", at: "2026-11-23T10:00:00Z", id: "e1"),
                guideEvent("step_viewed", step: "welcome", at: "2026-11-23T10:00:01Z", id: "e2"),
                guideEvent("step_viewed", step: "no-such-step", at: "2026-11-23T10:00:02Z", id: "e3"),
                #"{"type":"step_viewed","user":"u_1","guide":"welcome-tour","version":3,"ts":"yesterday","step":"welcome"}"#,
                #"{"type":"track","event":"project_created","user":"u_1","ts":"2026-11-23T10:00:03Z"}"#,
                #"{"type":"guide_exploded","user":"u_1","guide":"welcome-tour","version":3,"ts":"2026-11-23T10:00:03Z"}"#,
                #"{"type":"step_viewed","user":"u_1","guide":"welcome-tour","version":0,"ts":"2026-11-23T10:00:03Z","step":"welcome"}"#,
                "42",
            ])
            let first = try await client.send(.post, "/v1/events", body: batch)
            #expect(first.status == 202)
            #expect(first.json["accepted"] as? Int == 3)
            #expect(first.json["duplicates"] as? Int == 0)
            let rejected = try #require(first.json["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["index"] as? Int } == [2, 3, 5, 6, 7])
            #expect(rejected[0]["id"] as? String == "e3")
            #expect((rejected[0]["error"] as? String)?.contains("no step 'no-such-step'") == true)
            #expect(rejected[1]["field"] as? String == "events[3].ts")
            #expect((rejected[2]["error"] as? String)?.contains("guide_exploded") == true)
            #expect(rejected[3]["field"] as? String == "events[6].version")
            let before = try await harness.store.user("u_1")
            let second = try await client.send(.post, "/v1/events", body: batch)
            #expect(second.json["accepted"] as? Int == 0)
            #expect(second.json["duplicates"] as? Int == 3)
            #expect(try await harness.store.user("u_1") == before)
            #expect(try await harness.store.counts().events == 3)
        }
        let state = try #require(try await harness.store.user("u_1")).state
        #expect(state.guides["welcome-tour"]?.status == .inProgress)
        #expect(state.guides["welcome-tour"]?.step == "welcome")
        #expect(state.events["project_created"]?.count == 1)
    }

    @Test func aTrackedEventAdvancesAStepWaitingForIt() async throws {
        let harness = try ServerHarness()
        let user = "u_3095"
        try await harness.test { client in
            let events = [
                guideEvent(
                    "guide_started",
                    user: user,
                    guide: "board-automations-ab",
                    version: 1,
                    at: "2026-12-03T10:00:00Z"
                ),
                guideEvent(
                    "step_viewed",
                    user: user,
                    guide: "board-automations-ab",
                    version: 1,
                    step: "automations-button",
                    at: "2026-12-03T10:00:01Z"
                ),
                guideEvent(
                    "step_completed",
                    user: user,
                    guide: "board-automations-ab",
                    version: 1,
                    step: "automations-button",
                    at: "2026-12-03T10:00:02Z"
                ),
                guideEvent(
                    "step_viewed",
                    user: user,
                    guide: "board-automations-ab",
                    version: 1,
                    step: "pick-trigger",
                    at: "2026-12-03T10:00:03Z"
                ),
                #"{"type":"track","event":"automation_created","user":"\#(user)","ts":"2026-12-03T10:01:00Z","properties":{"recipe":"due-tomorrow"}}"#,
            ]
            let reply = try await client.send(.post, "/v1/events", body: eventsBody(events))
            #expect(reply.json["accepted"] as? Int == 5)
        }
        let state = try #require(try await harness.store.user(user)).state
        #expect(state.events["automation_created"]?.count == 1)
        #expect(state.guides["board-automations-ab"]?.step == "rule-saved")
    }

    @Test func anExperimentRecordsTheVariantOnceAsAnExposure() async throws {
        let persona = try UserState(
            contentsOf: ServerHarness.repository.appendingPathComponent("examples/users/pro-power-user.yaml")
        )
        let harness = try ServerHarness(now: try #require(persona.now))
        var stored = persona
        stored.page = nil
        stored.now = nil
        try await harness.store.commit(StoreChange(users: [StoredUser(state: stored)]))
        let body = #"{"user":{"id":"u_3095"},"context":{"page":"/projects/platform/board"}}"#
        try await harness.test { client in
            for _ in 0..<3 {
                let reply = try await client.send(.post, "/v1/decide", body: body)
                #expect((reply.json["decision"] as? [String: Any])?["variant"] as? String == "tooltip-tour")
            }
            let export = try await client.send(.get, "/v1/events/export")
            #expect(export.status == 200)
            #expect(export.headers[.contentType] == "application/x-ndjson")
            let lines = export.text.split(separator: "\n")
            #expect(lines.count == 1)
            let exposure = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
            #expect(exposure?["type"] as? String == "exposure")
            #expect(exposure?["guide"] as? String == "board-automations-ab")
            #expect(exposure?["variant"] as? String == "tooltip-tour")
            #expect(exposure?["version"] as? Int == 1)
            #expect(exposure?["user"] as? String == "u_3095")
            #expect(exposure?["ts"] as? String == "2026-12-03T10:00:00Z")
        }
    }

    /// `GET /v1/report` is byte for byte what the command line prints for `GET /v1/events/export` saved as
    /// `export.jsonl`, goal conversions (read from the product events) included.
    @Test func theReportIsTheCommandLineReportOfTheExport() async throws {
        try await Self.reportMatchesTheCommandLine(try ServerHarness(), database: nil)
    }

    /// `guidekit report --database` on a SQLite store prints what `GET /v1/report` answers.
    @Test func theReportOfASQLiteStoreIsTheCommandLineReportOfTheDatabase() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gk-\(UUID().uuidString).sqlite").path
        let harness = try ServerHarness(store: try SQLiteGuideStore(path: path))
        try await Self.reportMatchesTheCommandLine(harness, database: path)
    }

    /// Stores a population's events (goal conversions among them), then compares `GET /v1/report` in every
    /// format with `guidekit report export.jsonl` on the saved export and, given a database, with
    /// `guidekit report --database`.
    static func reportMatchesTheCommandLine(_ harness: ServerHarness, database: String?) async throws {
        try await harness.test { client in
            var events: [String] = []
            for index in 0..<30 {
                let user = "u_\(index)"
                events.append(guideEvent("guide_started", user: user, at: "2026-11-23T10:00:00Z"))
                events.append(guideEvent("step_viewed", user: user, step: "welcome", at: "2026-11-23T10:00:01Z"))
                if index % 3 != 0 {
                    events.append(guideEvent("step_completed", user: user, step: "welcome", at: "2026-11-23T10:00:05Z"))
                    events.append(guideEvent("step_viewed", user: user, step: "sidebar", at: "2026-11-23T10:00:06Z"))
                }
                events.append(
                    guideEvent("guide_started", user: user, guide: "create-first-project", at: "2026-11-23T11:00:00Z")
                )
                if index % 2 == 0 {
                    events.append(
                        #"{"type":"track","event":"project_created","user":"\#(user)","ts":"2026-11-23T12:00:00Z"}"#
                    )
                }
            }
            let stored = try await client.send(.post, "/v1/events", body: eventsBody(events))
            #expect(stored.json["accepted"] as? Int == events.count, "\(stored.text)")
            let export = try await client.send(.get, "/v1/events/export")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gk-report-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try Data(export.text.utf8).write(to: folder.appendingPathComponent("export.jsonl"))
            for format in ["json", "csv", "html", "table"] {
                let command = try runGuidekit(
                    ["report", "export.jsonl", "--guides", ServerHarness.guidesFolder, "--format", format],
                    in: folder
                )
                let reply = try await client.send(.get, "/v1/report?format=\(format)")
                #expect(reply.status == 200)
                #expect(reply.text == command, "format \(format)")
                if let database {
                    let stored = try runGuidekit(
                        ["report", "--database", database, "--guides", ServerHarness.guidesFolder, "--format", format],
                        in: folder
                    )
                    #expect(stored == command, "report --database, format \(format)")
                }
            }
            let json = try await client.send(.get, "/v1/report?format=json&guide=create-first-project")
            #expect(json.text.contains("project_created"), "the goal is in the report: \(json.text.prefix(400))")
            let bad = try await client.send(.get, "/v1/report?format=pdf")
            #expect(bad.status == 400 && bad.errorField == "format")
            let unknown = try await client.send(.get, "/v1/report?fromat=csv")
            #expect(unknown.status == 400 && unknown.errorCode == "unknown_field")
        }
    }

    @Test func usersAreReadAsStateFilesAndErased() async throws {
        let harness = try ServerHarness()
        try await harness.test { client in
            _ = try await client.send(.post, "/v1/decide", body: trialAdminDecide())
            _ = try await client.send(
                .post,
                "/v1/events",
                body: eventsBody([
                    guideEvent("guide_started", user: "u_2001", at: "2026-11-23T10:00:00Z"),
                    guideEvent("step_viewed", user: "u_2001", step: "welcome", at: "2026-11-23T10:00:01Z"),
                ])
            )
            let state = try await client.send(.get, "/v1/users/u_2001")
            #expect(state.status == 200)
            // What the server answers is a user state that `guidekit simulate --user` reads as it is.
            let read = try UserState(json: state.text)
            #expect(read.guides["welcome-tour"]?.step == "welcome")
            #expect(read.user["role"] == .string("admin"))
            let erased = try await client.send(.delete, "/v1/users/u_2001")
            #expect(erased.status == 200)
            #expect(erased.json["deleted"] as? [String: Int] == ["events": 2, "users": 1])
            #expect(try await client.send(.get, "/v1/users/u_2001").status == 404)
            #expect(try await client.send(.get, "/v1/events/export").text.isEmpty)
        }
    }

    @Test func identifyChecksAttributesAgainstTheCatalog() async throws {
        let harness = try ServerHarness()
        try await harness.test { client in
            let ok = try await client.send(
                .post,
                "/v1/identify",
                body:
                    #"{"user":{"id":"u_9","attributes":{"plan":"pro","seats":4,"tags":["vip"]},"account":{"industry":"agency"}}}"#
            )
            #expect(ok.status == 200)
            #expect(ok.json["changed"] as? Bool == true)
            let cases: [(String, String)] = [
                (#"{"user":{"id":"u_9","attributes":{"seats":"four"}}}"#, "user.attributes.seats"),
                (#"{"user":{"id":"u_9","attributes":{"plan":"platinum"}}}"#, "user.attributes.plan"),
                (#"{"user":{"id":"u_9","attributes":{"plann":"pro"}}}"#, "user.attributes.plann"),
                (#"{"user":{"id":"u_9","attributes":{"signed_up_at":"last week"}}}"#, "user.attributes.signed_up_at"),
                (#"{"user":{"id":"u_9","attributes":{"tags":["vip",3]}}}"#, "user.attributes.tags"),
                (#"{"user":{"id":"u_9","account":{"employees":true}}}"#, "user.account.employees"),
            ]
            for (body, field) in cases {
                let reply = try await client.send(.post, "/v1/identify", body: body)
                #expect(reply.status == 422, "\(body)")
                #expect(reply.errorCode == "invalid_attribute")
                #expect(reply.errorField == field)
            }
        }
        let state = try #require(try await harness.store.user("u_9")).state
        #expect(state.user == ["plan": .string("pro"), "seats": .number(4), "tags": .array([.string("vip")])])
    }

    @Test func badRequestsGetOneErrorShapeWithAFittingStatus() async throws {
        let harness = try ServerHarness()
        try await harness.test { client in
            let cases: [(HTTPRequest.Method, String, String?, Int, String, String?)] = [
                (.post, "/v1/decide", "{not json", 400, "bad_json", nil),
                (.post, "/v1/decide", "", 400, "bad_json", nil),
                (.post, "/v1/decide", "[1]", 400, "bad_json", nil),
                (.post, "/v1/decide", #"{"context":{}}"#, 400, "missing_field", "user"),
                (.post, "/v1/decide", #"{"user":{"id":7}}"#, 400, "invalid_field", "user.id"),
                (.post, "/v1/decide", #"{"user":{"id":""}}"#, 400, "invalid_field", "user.id"),
                (.post, "/v1/decide", #"{"user":{"id":"u"},"contxt":{}}"#, 400, "unknown_field", "contxt"),
                (
                    .post, "/v1/decide", #"{"user":{"id":"u"},"context":{"pgae":"/"}}"#, 400, "unknown_field",
                    "context.pgae"
                ),
                (.post, "/v1/decide", #"{"user":{"id":"u"},"launch":"welcome-tuor"}"#, 422, "unknown_guide", "launch"),
                (.post, "/v1/events", #"{"events":{}}"#, 400, "invalid_field", "events"),
                (.post, "/v1/events", #"{}"#, 400, "missing_field", "events"),
                (.get, "/v1/nothing", nil, 404, "not_found", nil),
                (.get, "/v1/decide", nil, 405, "method_not_allowed", nil),
                (.put, "/v1/users/u_1", nil, 405, "method_not_allowed", nil),
                (.get, "/v1/users/nobody", nil, 404, "not_found", nil),
            ]
            for (method, uri, body, status, code, field) in cases {
                let reply = try await client.send(method, uri, body: body)
                #expect(reply.status == status, "\(method) \(uri) \(body ?? "")")
                #expect(reply.errorCode == code, "\(method) \(uri) \(body ?? "")")
                #expect(reply.errorField == field, "\(method) \(uri) \(body ?? "")")
                #expect(reply.headers[.contentType] == "application/json")
            }
            let many = eventsBody(Array(repeating: guideEvent("guide_started", at: "2026-11-23T10:00:00Z"), count: 501))
            let tooMany = try await client.send(.post, "/v1/events", body: many)
            #expect(tooMany.status == 413 && tooMany.errorCode == "too_many_events")
            let padding = String(repeating: "x", count: 600 * 1024)
            let huge = try await client.send(.post, "/v1/events", body: #"{"events":[],"pad":"\#(padding)"}"#)
            #expect(huge.status == 413 && huge.errorCode == "body_too_large")
        }
        #expect(try await harness.store.counts() == (users: 0, events: 0))
    }

    @Test func statusRoutesReportTheGuidesTheStoreAndTheMetrics() async throws {
        let harness = try ServerHarness()
        try await harness.test { client in
            let health = try await client.send(.get, "/healthz")
            #expect(health.status == 200)
            #expect(health.json["mode"] as? String == "development")
            #expect((health.json["store"] as? [String: Any])?["reachable"] as? Bool == true)
            let version = (health.json["guides"] as? [String: Any])?["version"] as? String
            #expect(version?.count == 12)
            let guides = try await client.send(.get, "/v1/guides")
            let list = try #require(guides.json["guides"] as? [[String: Any]])
            #expect(
                list.contains { $0["id"] as? String == "board-automations-ab" && $0["experiment"] as? Bool == true }
            )
            #expect((guides.json["lint"] as? [String: Any])?["errors"] as? Int == 0)
            _ = try await client.send(.post, "/v1/decide", body: trialAdminDecide())
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == 200)
            #expect(
                metrics.text.contains(#"guidekit_http_requests_total{route="/v1/decide",method="POST",status="200"} 1"#)
            )
            #expect(metrics.text.contains(#"guidekit_decisions_total{guide="welcome-tour"} 1"#))
            #expect(metrics.text.contains("guidekit_http_request_duration_seconds_bucket"))
            let openAPI = try await client.send(.get, "/v1/openapi.yaml")
            #expect(openAPI.status == 200 && openAPI.text.hasPrefix("openapi: 3.1"))
        }
    }

    @Test func healthAsksTheStoreOneTrivialQueryAndAnswers503WhenItCannot() async throws {
        let harness = try ServerHarness()
        try await harness.test { client in
            _ = try await client.send(.post, "/v1/decide", body: trialAdminDecide())
            let health = try await client.send(.get, "/healthz")
            #expect(health.status == 200)
            // No counts: they scan every table on each call of an open route, and tell anyone the number of users.
            #expect((health.json["store"] as? [String: Any])?.keys.sorted() == ["reachable"])
            try await harness.store.close()
            let down = try await client.send(.get, "/healthz")
            #expect(down.status == 503)
            #expect(down.json["status"] as? String == "unavailable")
            #expect((down.json["store"] as? [String: Any])?["reachable"] as? Bool == false)
        }
    }

    @Test func browsersOfAllowedOriginsGetCORSHeadersAndPreflightAnswers() async throws {
        let harness = try ServerHarness(origins: ["https://app.example.com"])
        try await harness.test { client in
            let preflight = try await client.send(
                .options,
                "/v1/decide",
                headers: ["Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"]
            )
            #expect(preflight.status == 204)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.example.com")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("GuideKit-Signature") == true)
            let allowed = try await client.send(
                .post,
                "/v1/decide",
                body: trialAdminDecide(),
                headers: ["Origin": "https://app.example.com"]
            )
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.example.com")
            let error = try await client.send(
                .post,
                "/v1/decide",
                body: "{",
                headers: ["Origin": "https://app.example.com"]
            )
            #expect(error.status == 400 && error.headers[.accessControlAllowOrigin] == "https://app.example.com")
            let other = try await client.send(
                .options,
                "/v1/decide",
                headers: ["Origin": "https://evil.example", "Access-Control-Request-Method": "POST"]
            )
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
