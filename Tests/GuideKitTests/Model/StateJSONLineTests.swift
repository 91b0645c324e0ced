import Foundation
import Testing

@testable import GuideKit

/// ``UserState/renderedJSONLine()`` writes the text `Tracker.renderJSON(_:pretty: false)` writes, byte for
/// byte, for states of every shape (odd strings, unicode, control characters, fractions, far dates, many
/// equal times), and ``Timestamp/append(seconds:to:)`` writes ``Timestamp/string(fromSeconds:)``.
@Suite("State JSON lines")
struct StateJSONLineTests {
    static func pick<T>(_ choices: [T], _ random: inout SplitMix64) -> T {
        choices[Int.random(in: 0..<choices.count, using: &random)]
    }

    static let texts = [
        "", "plain", "with space", "quote \" inside", "back\\slash", "tab\tnew\nline\rreturn", "\u{0}\u{1}\u{1F}",
        "\u{7F}del", "ünïcödé", "日本語", "emoji 👩‍👩‍👧 and 🇯🇵", "e\u{301}", "\u{E9}", "a/b", "</script>", "\u{2028}\u{2029}",
        "\u{FEFF}bom", "z", "A", "_", "-", "0", "10", "9", "\u{10FFFF}",
    ]
    static let numbers: [Double] = [
        0, -0.0, 1, -1, 3, 0.1, 0.5, 1.25, -2.75, 0.1 + 0.2, 1e15, 1e15 - 1, -1e15, 999_999_999_999_999, 1e20, 1e-7,
        123_456.789, .pi, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 42, 1_000_000,
    ]
    /// Seconds around the usual range and at its edges: whole, with milliseconds, sub-millisecond, rounding up
    /// to the next second, before 1970, past year 9999, before year 0, and past any calendar (clamped).
    static let seconds: [Double] = [
        0, 1_795_500_000, 1_795_500_000.5, 1_795_500_000.123, 1_795_500_000.0004, 1_795_500_000.9996, -1, -0.001,
        -86_400.25, 253_402_300_799.999, 253_402_300_800, -62_167_219_200, -62_167_219_200.5, 1e14, 1e300, -1e300,
        951_782_400, 1_709_208_000.010,
    ]

    static func text(_ random: inout SplitMix64) -> String {
        if Bool.random(using: &random) { return pick(texts, &random) }
        let scalars = (0..<Int.random(in: 0...12, using: &random)).map { _ -> Character in
            switch Int.random(in: 0...9, using: &random) {
            case 0: Character(UnicodeScalar(UInt8.random(in: 0...0x1F, using: &random)))
            case 1: Character(UnicodeScalar(UInt32.random(in: 0xA0...0xD7FF, using: &random)) ?? "?")
            case 2: Character(UnicodeScalar(UInt32.random(in: 0x1F300...0x1F64F, using: &random)) ?? "?")
            case 3: pick(["\"", "\\", "/", "\u{7F}"], &random)
            default: Character(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &random)))
            }
        }
        return String(scalars)
    }

    static func date(_ random: inout SplitMix64) -> Date {
        if Int.random(in: 0...3, using: &random) == 0 {
            return Date(timeIntervalSince1970: pick(seconds, &random))
        }
        let whole = Double(Int.random(in: 1_700_000_000...1_800_000_000, using: &random))
        let fraction: Double =
            switch Int.random(in: 0...3, using: &random) {
            case 0: 0
            case 1: Double(Int.random(in: 1...999, using: &random)) / 1_000
            default: Double.random(in: 0..<1, using: &random)
            }
        return Date(timeIntervalSince1970: whole + fraction)
    }

    static func value(_ random: inout SplitMix64, depth: Int) -> Value {
        switch Int.random(in: 0...(depth < 3 ? 6 : 3), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(pick(numbers, &random))
        case 3: return .string(text(&random))
        case 4: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(&random, depth: depth + 1) })
        default: return .object(attributes(&random, depth: depth + 1))
        }
    }

    static func attributes(_ random: inout SplitMix64, depth: Int = 0) -> [String: Value] {
        var members: [String: Value] = [:]
        for _ in 0..<Int.random(in: 0...5, using: &random) { members[text(&random)] = value(&random, depth: depth) }
        return members
    }

    static func optional<T>(_ random: inout SplitMix64, _ make: (inout SplitMix64) -> T) -> T? {
        Bool.random(using: &random) ? make(&random) : nil
    }

    static func state(_ random: inout SplitMix64) -> UserState {
        var events: [String: UserState.EventSummary] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            var times: [Date]? = nil
            switch Int.random(in: 0...3, using: &random) {
            case 0: times = nil
            case 1: times = []
            case 2:
                // A burst: many equal times, as a batch of one event at one instant leaves.
                let instant = date(&random)
                times = Array(repeating: instant, count: Int.random(in: 1...150, using: &random))
            default: times = (0..<Int.random(in: 1...40, using: &random)).map { _ in date(&random) }
            }
            events[text(&random)] = UserState.EventSummary(
                count: Int.random(in: 0...3, using: &random) == 0
                    ? pick([0, 1, Int(1e15), Int.max], &random) : Int.random(in: 0...500, using: &random),
                first: optional(&random, date),
                last: optional(&random, date),
                times: times
            )
        }
        var guides: [String: UserState.GuideProgress] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            guides[text(&random)] = UserState.GuideProgress(
                status: pick(UserState.GuideStatus.allCases, &random),
                step: optional(&random, text),
                version: optional(&random) { Int.random(in: -3...1_000_000, using: &$0) },
                variant: optional(&random, text),
                shows: Int.random(in: 0...20, using: &random),
                lastShown: optional(&random, date),
                startedAt: optional(&random, date),
                completedAt: optional(&random, date),
                snoozedUntil: optional(&random, date)
            )
        }
        let page: UserState.Page? =
            switch Int.random(in: 0...4, using: &random) {
            case 0: nil
            case 1: UserState.Page()
            case 2: UserState.Page(path: text(&random))
            case 3: UserState.Page(url: text(&random))
            default: UserState.Page(path: text(&random), url: text(&random))
            }
        return UserState(
            id: text(&random),
            user: attributes(&random),
            account: attributes(&random),
            events: events,
            guides: guides,
            page: page,
            device: attributes(&random),
            locale: optional(&random, text),
            now: optional(&random, date)
        )
    }

    @Test func writesTheTrackerRenderersText() {
        for seed in UInt64(0)..<3_000 {
            var random = SplitMix64(seed: seed)
            let state = Self.state(&random)
            let expected = Tracker.renderJSON(state, pretty: false)
            let written = state.renderedJSONLine()
            #expect(written == expected, "seed \(seed)")
            if written != expected { return }
        }
    }

    @Test func writesAnExampleState() throws {
        let burst = try #require(Timestamp.date(parsing: "2026-11-24T10:00:00Z"))
        let state = UserState(
            id: "u-\"1\"",
            user: ["role": .string("owner"), "seats": .number(3), "score": .number(0.5), "tags": .array([.null])],
            events: [
                "task_completed": UserState.EventSummary(
                    count: 3,
                    first: burst,
                    last: burst,
                    times: [burst, burst, burst]
                )
            ],
            guides: [
                "welcome-tour": UserState.GuideProgress(status: .inProgress, step: "welcome", version: 3, shows: 1)
            ],
            page: UserState.Page(path: "/home"),
            locale: "ja-JP\n"
        )
        let line =
            #"{"id":"u-\"1\"","user":{"role":"owner","score":0.5,"seats":3,"tags":[null]},"#
            + #""events":{"task_completed":{"count":3,"first":"2026-11-24T10:00:00Z","last":"2026-11-24T10:00:00Z","#
            + #""times":["2026-11-24T10:00:00Z","2026-11-24T10:00:00Z","2026-11-24T10:00:00Z"]}},"#
            + #""guides":{"welcome-tour":{"status":"in_progress","step":"welcome","version":3,"shows":1}},"#
            + #""page":{"path":"/home"},"locale":"ja-JP\n"}"#
        #expect(state.renderedJSONLine() == line)
    }

    @Test func appendsTheFormattersTimestamp() {
        var random = SplitMix64(seed: 14)
        var cases = Self.seconds
        for _ in 0..<20_000 { cases.append(Double.random(in: -7e10...3e11, using: &random)) }
        for _ in 0..<5_000 { cases.append(Double(Int.random(in: 0...300_000_000_000, using: &random)) / 1_000) }
        cases += [.nan, .infinity, -.infinity]
        for seconds in cases {
            var bytes: [UInt8] = []
            Timestamp.append(seconds: seconds, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == Timestamp.string(fromSeconds: seconds), "\(seconds)")
        }
    }
}
