import Foundation
import GuideKit
import Testing

@Suite("User state")
struct UserStateTests {
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/users")

    static let here = SourceLocation(file: "guidekit.yaml", line: 1, column: 1)

    @Test func readsTheIssueExample() throws {
        let state = try UserState(contentsOf: Self.examples.appendingPathComponent("trial-admin.yaml"))
        #expect(state.id == "u-42")
        #expect(state.user["plan"] == .string("trial"))
        #expect(state.user["seats"] == .number(3))
        #expect(state.user["signed_up_at"] == .string("2026-11-20T09:00:00Z"))
        let event = try #require(state.events["project_created"])
        #expect(event.count == 2)
        #expect(event.times?.count == 2)
        #expect(event.times?.first.map(Timestamp.string(from:)) == "2026-11-21T08:00:00Z")
        let tour = try #require(state.guides["welcome-tour"])
        #expect(tour.status == .completed && tour.step == "finish" && tour.version == 3 && tour.variant == "B")
        #expect(tour.shows == 2)
        #expect(state.page?.path == "/projects/new")
        #expect(state.device["app_version"] == .string("5.2.0"))
        #expect(state.locale == "ja-JP")
        #expect(state.now.map(Timestamp.string(from:)) == "2026-11-23T10:00:00Z")
    }

    @Test(arguments: ["trial-admin.yaml", "new-viewer.yaml", "returning-pro.yaml"])
    func everyPersonaReads(file: String) throws {
        let url = Self.examples.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasPrefix("# yaml-language-server: $schema=../../Schemas/user-state.schema.json"))
        _ = try UserState(contentsOf: url)
    }

    @Test func yamlAndJSONReadTheSameState() throws {
        let yaml = try UserState(
            yaml: """
                id: u-1
                user: {plan: trial, seats: 3, verified: true}
                events: {login: {count: 2, last: 2026-11-21T08:00:00+09:00}}
                guides: {tour: {status: in_progress, step: two}}
                """
        )
        let json = try UserState(
            json: """
                {"id": "u-1", "user": {"plan": "trial", "seats": 3, "verified": true},
                 "events": {"login": {"count": 2, "last": "2026-11-20T23:00:00Z"}},
                 "guides": {"tour": {"status": "in_progress", "step": "two"}}}
                """
        )
        #expect(yaml == json)
        #expect(try UserState(value: yaml.document) == yaml)
    }

    @Test func completionAddsDefaultsForEventsAndGuides() throws {
        let catalog = Catalog(
            userAttributes: ["signed_up_at": .init(name: "signed_up_at", type: .timestamp, location: Self.here)],
            events: [
                "deal_created": .init(name: "deal_created", location: Self.here),
                "login": .init(name: "login", location: Self.here),
            ]
        )
        let state = try UserState(
            yaml: "{id: u-1, user: {signed_up_at: \"2026-11-20T18:00:00+09:00\"}, events: {login: {count: 4}}}"
        )
        let now = try #require(Timestamp.date(parsing: "2026-11-23T10:00:00Z"))
        let completed = state.completed(with: catalog, guides: ["welcome-tour"], now: now)
        #expect(completed.events["deal_created"] == UserState.EventSummary(count: 0))
        #expect(completed.events["login"]?.count == 4)
        #expect(completed.guides["welcome-tour"] == UserState.GuideProgress(status: .notStarted, shows: 0))
        #expect(completed.now == now)
        #expect(completed.user["signed_up_at"] == .string("2026-11-20T09:00:00Z"))

        let document = ConditionDocument(completed.document)
        let neverDealt = Condition(.object(["events.deal_created.count": .object(["$lt": .number(1)])]))
        #expect(neverDealt.isSatisfied(by: document))
        let notStarted = Condition(.object(["guides.welcome-tour.status": .string("not_started")]))
        #expect(notStarted.isSatisfied(by: document))
        // A truly missing attribute stays missing: the strict reading fails every comparison on it.
        let seats = Condition(.object(["user.seats": .object(["$lt": .number(100)])]))
        #expect(!seats.isSatisfied(by: document))
    }

    @Test func theDocumentUsesUTCTimestamps() throws {
        let state = try UserState(yaml: "{id: u-1, events: {e: {count: 1, first: \"2026-11-21T09:00:00+09:00\"}}}")
        guard case .object(let root) = state.document, case .object(let events)? = root["events"],
            case .object(let event)? = events["e"]
        else {
            Issue.record("unexpected document \(state.document)")
            return
        }
        #expect(event["first"] == .string("2026-11-21T00:00:00Z"))
        #expect(event["last"] == .string("2026-11-21T00:00:00Z"), "last defaults from first when count is 1")
    }

    @Test func pagePathComesFromTheURL() throws {
        let state = try UserState(yaml: "{id: u-1, page: {url: \"https://app.acme.io/projects/7?tab=x\"}}")
        #expect(state.page?.path == "/projects/7")
    }

    @Test(arguments: [
        ("user: {plan: trial}", "missing-field", 1, 1),
        ("id: u-1\nusr: {plan: trial}", "unknown-field", 2, 1),
        ("id: u-1\nguides: {tour: {status: finished}}", "invalid-value", 2, 25),
        ("id: u-1\nevents: {login: {count: -1}}", "wrong-type", 2, 25),
        ("id: u-1\nevents: {login: {count: 1, last: yesterday}}", "invalid-timestamp", 2, 34),
        ("id: u-1\nnow: 2026-13-01", "invalid-timestamp", 2, 6),
        ("id: u-1\nevents: {login: {count: 1, times: [2026-11-01, 2026-11-02]}}", "invalid-value", 2, 17),
        ("id: [u-1]", "wrong-type", 1, 5),
        ("id: u-1\nuser: [plan]", "wrong-type", 2, 7),
        ("id: u-1\nuser: {plan: trial", "syntax", 3, 1),
    ])
    func badStatesNameTheFieldAndPlace(yaml: String, code: String, line: Int, column: Int) {
        #expect {
            _ = try UserState(yaml: yaml, file: "u.yaml")
        } throws: { error in
            guard let error = error as? UserStateError else { return false }
            return error.code.rawValue == code && error.location?.line == line && error.location?.column == column
                && error.location?.file == "u.yaml"
        }
    }

    @Test func didYouMeanForStatusesAndFields() throws {
        do {
            _ = try UserState(yaml: "{id: u-1, guides: {tour: {status: complete}}}")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("did you mean 'completed'?"))
            #expect(error.path == "guides.tour.status")
        }
    }
}

@Suite("User state populations")
struct UserStateReaderTests {
    static let here = SourceLocation(file: "guidekit.yaml", line: 1, column: 1)

    @Test func jsonLinesStreamStatesAndNumberedErrors() {
        let text = """
            {"id": "u-1", "user": {"plan": "trial"}}

            {"id": "u-2", "user": {"plan": "pro"}, "events": {"login": {"count": 3}}}
            {"id": "u-3", "user": 
            {"user": {"plan": "pro"}}
            {"id": "u-5", "guides": {"tour": {"status": "done"}}}
            {"id": "u-6"}
            """
        let results = Array(UserStateReader(text: text, file: "users.jsonl", format: .jsonLines))
        #expect(results.count == 6)
        #expect((try? results[0].get().id) == "u-1")
        #expect((try? results[1].get().events["login"]?.count) == 3)
        #expect(Self.error(results[2])?.code == .syntax)
        #expect(Self.error(results[2])?.location?.line == 4)
        #expect(Self.error(results[3])?.code == .missingField)
        #expect(Self.error(results[3])?.location?.line == 5)
        #expect(Self.error(results[4])?.code == .invalidValue)
        #expect(Self.error(results[4])?.location == SourceLocation(file: "users.jsonl", line: 6, column: 45))
        #expect((try? results[5].get().id) == "u-6")
    }

    @Test func csvColumnsAreDottedPaths() throws {
        let catalog = Catalog(
            userAttributes: [
                "plan": .init(name: "plan", type: .string, location: Self.here),
                "zip": .init(name: "zip", type: .string, location: Self.here),
                "seats": .init(name: "seats", type: .number, location: Self.here),
                "tags": .init(name: "tags", type: .list, location: Self.here),
                "verified": .init(name: "verified", type: .boolean, location: Self.here),
            ]
        )
        let text = """
            id,user.plan,user.zip,user.seats,user.tags,user.verified,events.login.count,guides.tour.status,page.path,device.app_version,now
            u-1,trial,01234,3,beta;vip,true,2,completed,/home,5.2,2026-11-23T10:00:00Z
            u-2,"pro, annual",,12,"[""a"", ""b""]",false,,,,,
            u-3,trial,,three,,,,,,,
            """
        let results = Array(UserStateReader(text: text, file: "users.csv", format: .csv, catalog: catalog))
        #expect(results.count == 3)
        let first = try results[0].get()
        #expect(first.user["plan"] == .string("trial"))
        #expect(first.user["zip"] == .string("01234"), "a string attribute keeps its leading zero")
        #expect(first.user["seats"] == .number(3))
        #expect(first.user["tags"] == .array([.string("beta"), .string("vip")]))
        #expect(first.user["verified"] == .bool(true))
        #expect(first.events["login"]?.count == 2)
        #expect(first.guides["tour"]?.status == .completed)
        #expect(first.page?.path == "/home")
        #expect(first.device["app_version"] == .string("5.2"), "device cells stay strings")
        #expect(first.now.map(Timestamp.string(from:)) == "2026-11-23T10:00:00Z")
        let second = try results[1].get()
        #expect(second.user["plan"] == .string("pro, annual"))
        #expect(second.user["tags"] == .array([.string("a"), .string("b")]))
        #expect(second.user["zip"] == nil, "an empty cell is an absent field")
        let quoted = Array(
            UserStateReader(text: "id,user.plan,user.seats\nu-1,\"a, b\",many\n", format: .csv, catalog: catalog)
        )
        #expect(Self.error(quoted[0])?.location?.column == 12, "columns count the quotes as written")
        let error = try #require(Self.error(results[2]))
        #expect(error.code == .wrongType)
        #expect(error.path == "user.seats")
        #expect(error.location == SourceLocation(file: "users.csv", line: 4, column: 12))
    }

    @Test func csvWithoutACatalogInfersTypes() throws {
        let text = "id,user.seats,user.flag,user.zip,user.name\nu-1,3,true,01234,Ann\n"
        let state = try #require(Array(UserStateReader(text: text, format: .csv)).first).get()
        #expect(state.user["seats"] == .number(3))
        #expect(state.user["flag"] == .bool(true))
        #expect(state.user["zip"] == .string("01234"))
        #expect(state.user["name"] == .string("Ann"))
    }

    @Test func csvRecordsMaySpanLinesInQuotes() throws {
        let text = "id,user.note\nu-1,\"two\nlines\"\nu-2,x\n"
        let states = try Array(UserStateReader(text: text, format: .csv)).map { try $0.get() }
        #expect(states.map(\.id) == ["u-1", "u-2"])
        #expect(states[0].user["note"] == .string("two\nlines"))
    }

    @Test func csvHeaderNeedsAnIdColumn() {
        let results = Array(UserStateReader(text: "user.plan\ntrial\n", file: "u.csv", format: .csv))
        #expect(results.count == 1)
        #expect(Self.error(results[0])?.code == .missingField)
    }

    @Test func csvRowsWithTooManyCells() {
        let results = Array(UserStateReader(text: "id,user.plan\nu-1,trial,extra\n", format: .csv))
        #expect(Self.error(results[0])?.code == .syntax)
    }

    @Test func readsFilesInChunks() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "guidekit-users-\(UUID().uuidString).jsonl"
        )
        defer { try? FileManager.default.removeItem(at: url) }
        let lines = (0..<5_000).map { "{\"id\": \"u-\($0)\", \"user\": {\"n\": \($0)}}" }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        let states = try Array(UserStateReader(contentsOf: url)).map { try $0.get() }
        #expect(states.count == 5_000)
        #expect(states.last?.user["n"] == .number(4_999))
    }

    static func error(_ result: Result<UserState, UserStateError>) -> UserStateError? {
        if case .failure(let error) = result { return error }
        return nil
    }
}
