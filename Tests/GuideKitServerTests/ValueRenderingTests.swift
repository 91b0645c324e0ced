import Foundation
import GuideKit
import Testing

@testable import GuideKitServer

/// ``GuideKit/Value/rendered`` (the stored event line, compact JSON with sorted keys) writes the text of the
/// string-building renderer it replaced, on many generated values, and that text reads back as the value.
@Suite("Value rendering")
struct ValueRenderingTests {
    /// The renderer ``GuideKit/Value/rendered`` replaced, kept as the reference.
    static func reference(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            guard number.isFinite else { return "null" }
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .string(let text): return JSONString.quoted(text)
        case .array(let items): return "[" + items.map(reference).joined(separator: ",") + "]"
        case .object(let members):
            return "{"
                + members.keys.sorted().map { JSONString.quoted($0) + ":" + reference(members[$0] ?? .null) }
                .joined(separator: ",") + "}"
        }
    }

    static func pick<T>(_ choices: [T], _ random: inout SplitMix64) -> T {
        choices[Int.random(in: 0..<choices.count, using: &random)]
    }

    static let strings = [
        "", "task_completed", "quote \"", "back\\slash", "\u{0}\u{8}\u{C}\u{1F}", "tab\tline\nreturn\r", "\u{7F}",
        "é", "e\u{301}", "日本", "👩‍👩‍👧", "\u{2028}", "</script>", "2026-11-24T10:00:00Z",
    ]
    static let numbers: [Double] = [
        0, -0.0, 1, -1, 0.5, 0.1 + 0.2, 1e15, 1e15 - 1, -1e15, 1e21, 1e-9, 3.141_592_653_589_793, 42, .nan,
        .leastNonzeroMagnitude,
        .infinity, -.infinity,
    ]

    static func string(_ random: inout SplitMix64) -> String {
        if Bool.random(using: &random) { return pick(strings, &random) }
        return String(
            (0..<Int.random(in: 0...10, using: &random)).map { _ in
                Character(UnicodeScalar(UInt32.random(in: 0...0x2FF, using: &random)) ?? "?")
            }
        )
    }

    static func value(_ random: inout SplitMix64, depth: Int = 0) -> Value {
        switch Int.random(in: 0...(depth < 3 ? 6 : 3), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2:
            return .number(
                Bool.random(using: &random)
                    ? pick(numbers, &random) : Double.random(in: -1e6...1e6, using: &random)
            )
        case 3: return .string(string(&random))
        case 4: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in value(&random, depth: depth + 1) })
        default:
            var members: [String: Value] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                members[string(&random)] = value(&random, depth: depth + 1)
            }
            return .object(members)
        }
    }

    @Test func writesTheReferenceText() throws {
        for seed in UInt64(0)..<3_000 {
            var random = SplitMix64(seed: seed)
            let value = Self.value(&random)
            let rendered = value.rendered
            #expect(rendered == Self.reference(value), "seed \(seed)")
            if rendered != Self.reference(value) { return }
        }
    }

    @Test func anObjectWithOneMemberSetIsTheObjectWithThatMember() {
        for seed in UInt64(0)..<2_000 {
            var random = SplitMix64(seed: seed)
            var members: [String: Value] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                members[Self.string(&random)] = Self.value(&random, depth: 1)
            }
            let key = Bool.random(using: &random) ? members.keys.first ?? "id" : Self.string(&random)
            let value = Self.value(&random, depth: 2)
            var writer = JSONByteWriter(nonFiniteAsNull: true)
            writer.object(members, setting: key, to: value)
            members[key] = value
            #expect(writer.text == Value.object(members).rendered, "seed \(seed)")
        }
    }

    @Test func anEventLineReadsBackAsTheEvent() throws {
        let event: Value = .object([
            "type": .string("track"), "event": .string("task \"completed\"\n"), "user": .string("u-é"),
            "ts": .string("2026-11-24T10:00:00Z"), "properties": .object(["n": .number(2.5), "ok": .bool(true)]),
        ])
        let line = event.rendered
        #expect(
            line
                == #"{"event":"task \"completed\"\n","properties":{"n":2.5,"ok":true},"ts":"2026-11-24T10:00:00Z","type":"track","user":"u-é"}"#
        )
        #expect(try JSONBodyParser.parse(Array(line.utf8)) == event)
    }
}
