import Foundation
import GuideKit
import Testing

/// The tracker: event logs (hand-built) into user states through the state machine.
@Suite struct TrackerTests {
    typealias F = SelectionFixtures

    static func date(_ text: String) -> Date { Timestamp.date(parsing: text) ?? Date(timeIntervalSince1970: 0) }

    /// Runs the tracker on JSON Lines (or CSV) text over the example guides.
    static func track(
        _ text: String,
        format: EventLogFormat = .jsonLines,
        users: Set<String>? = nil,
        asOf: Date? = nil,
        base: [String: UserState] = [:]
    ) throws -> (states: [String: UserState], summary: Tracker.Summary) {
        var tracker = Tracker(guides: F.examples, users: users, asOf: asOf, base: base)
        try tracker.read(.bytes(Array(text.utf8), name: "log", format: format))
        let states = tracker.states()
        return (Dictionary(uniqueKeysWithValues: states.map { ($0.id, $0) }), tracker.summary)
    }

    static func line(
        _ ts: String,
        _ user: String,
        _ type: String,
        guide: String = "welcome-tour",
        step: String? = nil,
        version: Int = 3,
        extra: String = ""
    ) -> String {
        let stepField = step.map { ",\"step\":\"\($0)\"" } ?? ""
        return
            "{\"ts\":\"2026-11-20T\(ts)Z\",\"user\":\"\(user)\",\"guide\":\"\(guide)\",\"version\":\(version)\(stepField),"
            + "\"type\":\"\(type)\"\(extra)}"
    }

    /// A full welcome tour, finished.
    static let completedTour = [
        line("10:00:00", "u-1", "guide_started"),
        line("10:00:00", "u-1", "step_viewed", step: "welcome"),
        line("10:00:05", "u-1", "step_completed", step: "welcome"),
        line("10:00:05", "u-1", "step_viewed", step: "sidebar"),
        line("10:00:09", "u-1", "step_completed", step: "sidebar"),
        line("10:00:09", "u-1", "step_viewed", step: "done"),
        line("10:00:15", "u-1", "step_completed", step: "done"),
        line("10:00:15", "u-1", "guide_completed"),
    ]

    @Test func completionBuildsTheStateTheMachineWouldBuild() throws {
        let result = try Self.track(Self.completedTour.joined(separator: "\n") + "\n")
        let progress = try #require(result.states["u-1"]?.guides["welcome-tour"])
        #expect(progress.status == .completed)
        #expect(progress.step == "done")
        #expect(progress.version == 3)
        #expect(progress.shows == 1)
        #expect(progress.startedAt == Self.date("2026-11-20T10:00:00Z"))
        #expect(progress.completedAt == Self.date("2026-11-20T10:00:15Z"))
        #expect(result.states["u-1"]?.now == Self.date("2026-11-20T10:00:15Z"))
        #expect(result.summary.applied == 8)
        #expect(result.summary.errorCount == 0)
    }

    @Test func inputOrderDoesNotMatter() throws {
        let inOrder = try Self.track(Self.completedTour.joined(separator: "\n"))
        let reversed = try Self.track(Self.completedTour.reversed().joined(separator: "\n"))
        var shuffled = Self.completedTour
        shuffled.swapAt(0, 7)
        shuffled.swapAt(2, 5)
        let mixed = try Self.track(shuffled.joined(separator: "\n"))
        #expect(reversed.states == inOrder.states)
        #expect(mixed.states == inOrder.states)
    }

    @Test func duplicatesDoNotCountTwice() throws {
        let retried =
            Self.completedTour + [
                Self.line("10:00:00", "u-1", "guide_started"),
                Self.line("10:00:00", "u-1", "guide_started", extra: ",\"id\":\"e-9\""),
                Self.line("10:00:05", "u-1", "step_completed", step: "welcome"),
            ]
        let result = try Self.track(retried.joined(separator: "\n"))
        #expect(result.states["u-1"]?.guides["welcome-tour"]?.shows == 1)
        #expect(result.summary.duplicates == 3)
        #expect(result.summary.applied == 8)
        // Same id, different content: the second is a retry that changed nothing we can trust.
        let sameID = [
            Self.line("10:00:00", "u-2", "guide_started", extra: ",\"id\":\"e-1\""),
            Self.line("10:00:01", "u-2", "guide_started", extra: ",\"id\":\"e-1\""),
        ]
        let byID = try Self.track(sameID.joined(separator: "\n"))
        #expect(byID.states["u-2"]?.guides["welcome-tour"]?.shows == 1)
        #expect(byID.summary.duplicates == 1)
    }

    @Test func dismissalAndSnoozeRecordWhereAndUntilWhen() throws {
        let log = [
            Self.line("10:00:00", "u-1", "guide_started"),
            Self.line("10:00:00", "u-1", "step_viewed", step: "welcome"),
            Self.line("10:00:03", "u-1", "guide_dismissed", step: "welcome"),
            Self.line("11:00:00", "u-2", "guide_started"),
            Self.line("11:00:00", "u-2", "step_viewed", step: "welcome"),
            Self.line("11:00:04", "u-2", "guide_snoozed", step: "welcome"),
        ]
        let result = try Self.track(log.joined(separator: "\n"))
        let dismissed = try #require(result.states["u-1"]?.guides["welcome-tour"])
        #expect(dismissed.status == .dismissed)
        #expect(dismissed.step == "welcome")
        let snoozed = try #require(result.states["u-2"]?.guides["welcome-tour"])
        #expect(snoozed.status == .snoozed)
        // welcome-tour snoozes for a day (frequency.snooze: 1d).
        #expect(snoozed.snoozedUntil == Self.date("2026-11-21T11:00:04Z"))
    }

    @Test func aSecondShowAfterASnoozeCountsAndResumes() throws {
        let log = [
            Self.line("10:00:00", "u-1", "guide_started"),
            Self.line("10:00:00", "u-1", "step_viewed", step: "welcome"),
            Self.line("10:00:04", "u-1", "guide_snoozed", step: "welcome"),
            Self.line("12:00:00", "u-1", "guide_started"),
            Self.line("12:00:00", "u-1", "step_viewed", step: "welcome"),
            Self.line("12:00:02", "u-1", "step_completed", step: "welcome"),
            Self.line("12:00:02", "u-1", "step_viewed", step: "sidebar"),
        ]
        let result = try Self.track(log.joined(separator: "\n"))
        let progress = try #require(result.states["u-1"]?.guides["welcome-tour"])
        #expect(progress.status == .inProgress)
        #expect(progress.step == "sidebar")
        #expect(progress.shows == 2)
        #expect(progress.snoozedUntil == nil)
        #expect(progress.lastShown == Self.date("2026-11-20T12:00:00Z"))
    }

    @Test func aNewVersionReplacesTheVersionSeen() throws {
        let log = [
            Self.line("10:00:00", "u-1", "guide_started", version: 2),
            Self.line("10:00:00", "u-1", "step_viewed", step: "welcome", version: 2),
            Self.line("10:00:04", "u-1", "guide_dismissed", step: "welcome", version: 2),
            Self.line("09:00:00", "u-2", "step_viewed", step: "welcome", version: 2),
            Self.line("12:00:00", "u-2", "step_viewed", step: "sidebar", version: 3),
        ]
        let result = try Self.track(log.joined(separator: "\n"))
        #expect(result.states["u-1"]?.guides["welcome-tour"]?.version == 2)
        let upgraded = try #require(result.states["u-2"]?.guides["welcome-tour"])
        #expect(upgraded.version == 3)
        #expect(upgraded.step == "sidebar")
        // A step_viewed without guide_started still starts a show (the start event was lost).
        #expect(upgraded.shows == 1)
    }

    @Test func unknownGuidesAreKeptAndCounted() throws {
        let log = [Self.line("10:00:00", "u-1", "guide_started", guide: "welcome-tuor")]
        let result = try Self.track(log.joined(separator: "\n"))
        #expect(result.summary.unknownGuides == ["welcome-tuor": 1])
        #expect(result.states["u-1"]?.guides["welcome-tuor"]?.status == .inProgress)
        #expect(result.summary.renderText(users: 1).contains("unknown-guide: 1 events of 'welcome-tuor'"))
    }

    @Test func badLinesAreCountedByReasonWithTheirLines() throws {
        let log = [
            Self.line("10:00:00", "u-1", "guide_started"),  // 1
            "{\"ts\":\"2026-11-20T10:00:01Z\",\"user\":\"u-1\"",  // 2: invalid JSON
            Self.line("10:00:02", "u-1", "step_seen", step: "welcome"),  // 3: unknown type
            Self.line("10:00:03", "u-1", "step_viewed"),  // 4: no step
            "{\"ts\":\"2026-11-20 10:00\",\"user\":\"u-1\",\"guide\":\"welcome-tour\",\"version\":3,"
                + "\"type\":\"guide_started\"}",  // 5: no zone
            Self.line("10:00:05", "u-1", "guide_started", version: 0),  // 6: bad version
            "",  // 7: blank, not an issue
            "{\"type\":\"page\",\"name\":\"Home\",\"userId\":\"u-1\"}",  // 8: other Segment call
            // 9: no user
            "{\"ts\":\"2026-11-20T10:00:09Z\",\"guide\":\"welcome-tour\",\"version\":3,\"type\":\"guide_started\"}",
            "{\"ts\":\"2026-11-20T10:00:10Z\",\"user\":\"u-1\",\"guide\":\"welcome",  // 10: unfinished last line
        ]
        let result = try Self.track(log.joined(separator: "\n"))
        let summary = result.summary
        #expect(summary.events == 1)
        #expect(summary.issues[.invalidJSON] == 1)
        #expect(summary.issues[.unknownType] == 1)
        #expect(summary.issues[.missingField] == 2)
        #expect(summary.issues[.badTimestamp] == 1)
        #expect(summary.issues[.badVersion] == 1)
        #expect(summary.issues[.otherEvent] == 1)
        #expect(summary.issues[.truncatedLine] == 1)
        #expect(summary.errorCount == 7)
        #expect(summary.places[.invalidJSON]?.first?.hasPrefix("log:2: ") == true)
        #expect(summary.places[.missingField] == ["log:4: no 'step' on a step event", "log:9: no 'user'"])
        #expect(summary.places[.badTimestamp] == ["log:5: ts '2026-11-20 10:00'"])
        #expect(summary.places[.truncatedLine]?.first?.hasPrefix("log:10:") == true)
        let text = summary.renderText(users: 1)
        #expect(text.contains("bad-version: 1 (log:6: version '0')"))
        #expect(text.contains("7 bad lines"))
    }

    @Test func segmentTrackCallsAreMapped() throws {
        let log = """
            {"type":"track","event":"Guide Started","userId":"u-7","timestamp":"2026-11-20T10:00:00Z","properties":{"guide":"welcome-tour","version":"3"}}
            {"type":"track","event":"Guide Step Viewed","anonymousId":"u-7","timestamp":"2026-11-20T10:00:00Z","messageId":"m-2","properties":{"guide":"welcome-tour","version":3,"step":"welcome"}}
            {"type":"track","event":"Guide Dismissed","userId":"u-7","timestamp":"2026-11-20T10:00:05Z","properties":{"guide":"welcome-tour","version":3,"step":"welcome"}}
            {"type":"track","event":"Button Clicked","userId":"u-7","timestamp":"2026-11-20T10:00:06Z","properties":{}}
            """
        let result = try Self.track(log)
        let progress = try #require(result.states["u-7"]?.guides["welcome-tour"])
        #expect(progress.status == .dismissed)
        #expect(progress.shows == 1)
        #expect(result.summary.issues == [.otherEvent: 1])
        #expect(result.summary.errorCount == 0)
    }

    @Test func csvLogsReadTheSameWay() throws {
        let csv = """
            ts,user,guide,version,step,type,variant,platform
            2026-11-20T10:00:00Z,u-1,board-automations-ab,1,,guide_started,recipe-modal,web
            2026-11-20T10:00:00Z,u-1,board-automations-ab,1,recipes,step_viewed,recipe-modal,web
            2026-11-20T10:00:07Z,u-1,board-automations-ab,1,recipes,guide_snoozed,recipe-modal,web
            2026-11-20T10:00:08Z,u-1,board-automations-ab,1,"say ""hi"", then",step_viewed,recipe-modal
            2026-11-20T10:00:09Z,u-1,board-automations-ab,1,re"cipes,step_viewed,recipe-modal,web

            """
        let result = try Self.track(csv, format: .csv)
        let progress = try #require(result.states["u-1"]?.guides["board-automations-ab"])
        #expect(progress.status == .snoozed)
        #expect(progress.variant == "recipe-modal")
        // board-automations-ab snoozes for 2d.
        #expect(progress.snoozedUntil == Self.date("2026-11-22T10:00:07Z"))
        #expect(result.summary.issues[.invalidCSV] == 2)
        #expect(result.summary.places[.invalidCSV]?.first == "log:5: 7 fields where the header has 8")
        #expect(result.summary.places[.invalidCSV]?.last == "log:6: a quote inside an unquoted field")
        #expect(throws: EventLogError.self) {
            try Self.track("ts,user,guide,type\n2026-11-20T10:00:00Z,u-1,welcome-tour,guide_started\n", format: .csv)
        }
    }

    @Test func usersFilterAndAsOf() throws {
        let log = Self.completedTour + [Self.line("09:00:00", "u-2", "guide_started")]
        let one = try Self.track(log.joined(separator: "\n"), users: ["u-2", "u-3"])
        #expect(Set(one.states.keys) == ["u-2", "u-3"])
        #expect(one.summary.otherUsers == 8)
        #expect(one.summary.usersWithoutEvents == ["u-3"])
        #expect(one.states["u-3"]?.guides.isEmpty == true)
        // The log's end is every state's now, whoever's event it was.
        #expect(one.states["u-2"]?.now == Self.date("2026-11-20T10:00:15Z"))
        let early = try Self.track(log.joined(separator: "\n"), asOf: Self.date("2026-11-20T10:00:06Z"))
        let progress = try #require(early.states["u-1"]?.guides["welcome-tour"])
        #expect(progress.status == .inProgress)
        #expect(progress.step == "sidebar")
        #expect(early.summary.afterAsOf == 4)
        #expect(early.states["u-1"]?.now == Self.date("2026-11-20T10:00:06Z"))
    }

    @Test func renderedStatesReadBackAndDecideAsExpected() throws {
        let persona = try F.persona("new-trial-admin")
        let now = try #require(persona.now)
        let context = SelectionContext(page: "/home", now: now)
        #expect(Selector(F.examples).select(for: persona, in: context).decision.guideID == "welcome-tour")
        let log = Self.completedTour.map { $0.replacingOccurrences(of: "\"u-1\"", with: "\"\(persona.id)\"") }
            .map { $0.replacingOccurrences(of: "2026-11-20T10", with: "2026-11-23T09") }
        let result = try Self.track(log.joined(separator: "\n"), base: [persona.id: persona])
        let state = try #require(result.states[persona.id])
        #expect(state.user == persona.user)
        let yaml = Tracker.renderYAML(state)
        let json = Tracker.renderJSON(state)
        #expect(try UserState(yaml: yaml) == state)
        #expect(try UserState(json: json) == state)
        var later = try UserState(yaml: yaml)
        later.now = now
        let selection = Selector(F.examples).select(for: later, in: context)
        #expect(selection.decision.guideID != "welcome-tour")
        #expect(selection.verdict(for: "welcome-tour")?.reason.contains("completed") == true)
    }

    @Test func yamlQuotesWhatWouldReadBackAsAnotherType() {
        let state = UserState(
            id: "42",
            guides: ["g": UserState.GuideProgress(status: .inProgress, step: "3", variant: "true", shows: 1)]
        )
        let yaml = Tracker.renderYAML(state)
        #expect(yaml.contains("id: \"42\""))
        #expect(yaml.contains("step: \"3\""))
        #expect(yaml.contains("variant: \"true\""))
        #expect((try? UserState(yaml: yaml)) == state)
    }
}
