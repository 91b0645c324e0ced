import Foundation
import Testing

@testable import GuideKit

/// A user's `events.<name>.times` keeps the newest `UserState.EventSummary.keptTimes` times however the
/// summary is made (counted, read by each reader, decoded), `count`, `first` and `last` stay exact, and
/// `$performed` windows over a cut list are decided by the documented rule on both evaluators.
@Suite("Event times kept per event")
struct EventTimesTests {
    static let kept = UserState.EventSummary.keptTimes
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// A deterministic shuffle (SplitMix64), so an out-of-order test is the same on every run.
    static func shuffled<T>(_ items: [T], seed: UInt64) -> [T] {
        var items = items
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, Int(next() % UInt64(index + 1)))
        }
        return items
    }

    // MARK: Counting

    @Test func countingFiveThousandEventsKeepsTheNewestThousand() {
        var state = UserState(id: "u1")
        let times = (0..<5_000).map { Self.start.addingTimeInterval(Double($0) * 60) }
        for time in times { GuideStateMachine.count(event: "task_completed", in: &state, at: time) }
        let summary = state.events["task_completed"]
        #expect(summary?.count == 5_000)
        #expect(summary?.first == times.first)
        #expect(summary?.last == times.last)
        #expect(summary?.times?.count == Self.kept)
        #expect(summary?.times == Array(times.reversed().prefix(Self.kept)))
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func outOfOrderAndEqualTimesKeepTheNewestInOrder(seed: UInt64) {
        // 3,000 events over 700 distinct instants: many equal times, arriving in random order.
        let times = (0..<3_000).map { Self.start.addingTimeInterval(Double($0 % 700) * 3_600) }
        var state = UserState(id: "u1")
        for time in Self.shuffled(times, seed: seed) {
            GuideStateMachine.count(event: "login", in: &state, at: time)
        }
        let summary = state.events["login"]
        #expect(summary?.count == 3_000)
        #expect(summary?.first == times.min())
        #expect(summary?.last == times.max())
        #expect(summary?.times == Array(times.sorted(by: >).prefix(Self.kept)))
    }

    @Test func anOldEventAtTheCapChangesOnlyTheCountAndFirst() {
        var state = UserState(id: "u1")
        for minute in 1...Self.kept {
            GuideStateMachine.count(event: "login", in: &state, at: Self.start.addingTimeInterval(Double(minute) * 60))
        }
        let before = state.events["login"]?.times
        GuideStateMachine.count(event: "login", in: &state, at: Self.start)
        #expect(state.events["login"]?.times == before)
        #expect(state.events["login"]?.count == Self.kept + 1)
        #expect(state.events["login"]?.first == Self.start)
    }

    @Test func theInitializerCutsAndKeepsFirstAndLastExact() {
        let times = (0..<2_500).map { Self.start.addingTimeInterval(Double($0)) }
        let summary = UserState.EventSummary(count: 2_500, times: Self.shuffled(times, seed: 9))
        #expect(summary.times == Array(times.reversed().prefix(Self.kept)))
        #expect(summary.first == times.first)
        #expect(summary.last == times.last)
    }

    // MARK: Reading

    /// A state line listing `listed` times (shuffled), with `count` when given.
    static func stateLine(listed: Int, count: Int?, seed: UInt64 = 4) -> (line: String, times: [Date]) {
        let times = (0..<listed).map { Self.start.addingTimeInterval(Double($0) * 90 + 0.5) }
        let texts = shuffled(times, seed: seed).map { "\"\(Timestamp.string(from: $0))\"" }
        let countField = count.map { "\"count\":\($0)," } ?? ""
        let line =
            #"{"id":"u1","now":"\#(Timestamp.string(from: Self.start.addingTimeInterval(400_000)))","#
            + #""events":{"project_created":{\#(countField)"times":[\#(texts.joined(separator: ","))]}}}"#
        return (line, times)
    }

    /// The summary of `project_created` as each reader reads `line`.
    static func readers(_ line: String) throws -> [(String, UserState.EventSummary?)] {
        var copy = line
        let fast = copy.withUTF8 { UserState.fastReading(jsonLine: $0, catalog: nil) }
        let decoded = try JSONDecoder().decode(UserState.self, from: Data(line.utf8))
        let yaml = try UserState(yaml: line)
        return [
            ("general", try UserState(json: line).events["project_created"]),
            ("fast", fast?.events["project_created"]),
            ("yaml", yaml.events["project_created"]),
            ("codable", decoded.events["project_created"]),
        ]
    }

    @Test(arguments: [nil, 3_000, 7_000] as [Int?])
    func aStateListingThreeThousandTimesIsReadAsItsNewestThousand(count: Int?) throws {
        let (line, times) = Self.stateLine(listed: 3_000, count: count)
        let newest = Array(times.reversed().prefix(Self.kept))
        for (reader, summary) in try Self.readers(line) {
            #expect(summary?.count == count ?? 3_000, "\(reader)")
            #expect(summary?.times == newest, "\(reader)")
            #expect(summary?.last == times.last, "\(reader)")
            // The oldest listed time is the first only when every time is listed.
            #expect(summary?.first == (count == 7_000 ? nil : times.first), "\(reader)")
        }
        // The one-pass document equals the document of the state the other readers give.
        #expect(FastDocumentReadingTests.compare(line, catalog: nil))
        #expect(FastDocumentReadingTests.compare(line, catalog: SelectionFixtures.examples.catalog))
        let state = try UserState(json: line)
        let (_, document) = try #require(
            FastDocumentReadingTests.fused(line, catalog: nil, page: nil, now: nil)
        )
        let reference = FastDocumentReadingTests.selector.document(
            for: state,
            in: SelectionContext(now: state.now ?? Self.start)
        )
        #expect(document.layout == reference.layout)
        #expect(document.layout["events.project_created.times"]?.hasPrefix("array(\(Self.kept))") == true)
    }

    @Test func aCountBelowTheListedTimesIsStillRefused() {
        let (line, _) = Self.stateLine(listed: 3_000, count: 2_000)
        #expect(throws: UserStateError.self) { try UserState(json: line) }
        var copy = line
        #expect(copy.withUTF8 { UserState.fastReading(jsonLine: $0, catalog: nil) } == nil)
    }

    @Test func aFewListedTimesBelowTheCountGiveNoFirst() throws {
        let state = try UserState(
            json: #"{"id":"u1","events":{"a":{"count":5,"times":["2026-11-02T00:00:00Z","2026-11-01T00:00:00Z"]}}}"#
        )
        #expect(state.events["a"]?.first == nil)
        #expect(state.events["a"]?.last.map(Timestamp.string(from:)) == "2026-11-02T00:00:00Z")
    }

    // MARK: $performed over a cut list

    /// 1,500 logins a minute apart, the last at `now`; the state keeps the newest 1,000.
    static func busyUser() -> (UserState, now: Date) {
        var state = UserState(id: "u1")
        for minute in 0..<1_500 {
            GuideStateMachine.count(event: "login", in: &state, at: Self.start.addingTimeInterval(Double(minute) * 60))
        }
        let now = Self.start.addingTimeInterval(1_499 * 60)
        state.now = now
        return (state, now)
    }

    /// Evaluates `yaml` on `state` with both evaluators, the trace, and on the document built from the
    /// state's value; they must all agree.
    static func passes(
        _ yaml: String,
        _ state: UserState,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Bool {
        let condition = Condition(try YAMLSource.parse(yaml))
        let now = try #require(state.now).timeIntervalSince1970
        let document = ConditionDocument(state.document, now: now)
        let built = FastDocumentReadingTests.selector.document(
            for: state,
            in: SelectionContext(now: try #require(state.now))
        )
        let answer = condition.isSatisfied(by: document)
        #expect(condition.root.isSatisfied(by: document, at: 0) == answer, "tree", sourceLocation: sourceLocation)
        #expect(condition.explain(document).passed == answer, "trace", sourceLocation: sourceLocation)
        #expect(condition.isSatisfied(by: built) == answer, "built document", sourceLocation: sourceLocation)
        #expect(condition.root.isSatisfied(by: built, at: 0) == answer, "tree, built", sourceLocation: sourceLocation)
        return answer
    }

    @Test func aWindowStartingPastTheFirstEventCountsEveryEvent() throws {
        let (state, _) = Self.busyUser()
        // 2d reaches back past the first login: all 1,500 are in it.
        #expect(try Self.passes("events.login: {$performed: {atLeast: 1500, within: 2d}}", state))
        #expect(!(try Self.passes("events.login: {$performed: {atLeast: 1501, within: 2d}}", state)))
        #expect(!(try Self.passes("events.login: {$performed: {atMost: 1499, within: 2d}}", state)))
    }

    @Test func aWindowInsideTheKeptTimesIsExact() throws {
        let (state, _) = Self.busyUser()
        // 10m: the logins of minutes 1490 to 1499, all kept.
        #expect(try Self.passes("events.login: {$performed: {atLeast: 10, atMost: 10, within: 10m}}", state))
        #expect(!(try Self.passes("events.login: {$performed: {atLeast: 11, within: 10m}}", state)))
    }

    @Test func aWindowBetweenFirstAndTheOldestKeptTimeDecidesBoundsUpToTheCap() throws {
        let (state, _) = Self.busyUser()
        // 1d: 1,440 logins are in it, of which the kept 1,000 are known.
        #expect(try Self.passes("events.login: {$performed: {atLeast: 1000, within: 1d}}", state))
        #expect(!(try Self.passes("events.login: {$performed: {atMost: 999, within: 1d}}", state)))
        #expect(try Self.passes("events.login: {$performed: {atMost: 5000, within: 1d}}", state))
        // Above the cap the lower bound is what is compared (the linter warns on such bounds).
        #expect(!(try Self.passes("events.login: {$performed: {atLeast: 1440, within: 1d}}", state)))
    }

    @Test func aStateListingFewerTimesThanItsCountUsesFirst() throws {
        // Read from a file: 5,000 logins, the newest 1,000 listed, the first within a week of now.
        let now = Self.start.addingTimeInterval(6 * 86_400)
        let times = (0..<Self.kept).map { now.addingTimeInterval(-Double($0) * 60) }
        let summary = UserState.EventSummary(count: 5_000, first: Self.start, last: now, times: times)
        let state = UserState(id: "u1", events: ["login": summary], now: now)
        #expect(try Self.passes("events.login: {$performed: {atLeast: 5000, atMost: 5000, within: 7d}}", state))
        // Without a known first, only the listed times count.
        var unknown = state
        unknown.events["login"]?.first = nil
        #expect(try Self.passes("events.login: {$performed: {atLeast: 1000, atMost: 1000, within: 7d}}", unknown))
    }
}
