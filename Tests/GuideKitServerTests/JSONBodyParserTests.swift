import Foundation
import GuideKit
import Testing

@testable import GuideKitServer

/// The request body reader accepts what `JSONDecoder` accepts, and reads it to the same ``Value``.
@Suite("JSON body parser")
struct JSONBodyParserTests {
    static let samples: [String] = [
        #"{"user":{"id":"u_1","attributes":{"plan":"trial","seats":3}},"context":{"page":"/home"}}"#,
        #"  [1, -0, 0.5, -12.25e3, 1E-2, 1e+2, true, false, null, "", {}, []]  "#,
        #""a \"quoted\" \\ \/ \b\f\n\r\t text""#,
        #""\u00e9\u4e2d\ud83d\ude00 é 中 😀""#,
        #""\u0000""#,
        #"{"a":1,"a":2}"#,
        "[1,]", "{\"a\":1,}", "[ 1 , ]", "{\"a\":{\"b\":[2,],},}",
        "3", "-7.5", "\"plain\"", "null", "[[[[]]]]",
        // Not JSON:
        "", " ", "{", "}", "[,]", "{,}", "[1,,]", "[1,,2]", "{\"a\":1,,}", "{a:1}", "{'a':1}", "01", "1.", ".5", "-",
        "+1", "1e", "0x10",
        "NaN", "Infinity", "1e400", "tru", "nul", "\"open", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
        "\"tab\there\"", "[1 2]", "{\"a\" 1}", "1 2", "{\"a\":1}x", "\"\u{7F}\"",
    ]

    @Test(arguments: samples)
    func readsAsJSONDecoderDoes(text: String) {
        let decoded = try? JSONDecoder().decode(Value.self, from: Data(text.utf8))
        let parsed = try? JSONBodyParser.parse(Array(text.utf8))
        #expect(parsed == decoded, "\(text)")
    }

    @Test func invalidUTF8AndDeepNestingAreRefusedWithoutCrashing() {
        #expect(throws: JSONBodyParser.Failure.self) { try JSONBodyParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONBodyParser.Failure.self) { try JSONBodyParser.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONBodyParser.Failure.self) { try JSONBodyParser.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect((try? JSONBodyParser.parse(Array(fine.utf8))) != nil)
    }

    @Test func randomValuesReadBackAsTheyWereRendered() throws {
        var generator = SplitMix(seed: 14)
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let text = value.rendered
            #expect(try JSONBodyParser.parse(Array(text.utf8)) == value, "\(text)")
            #expect(try JSONDecoder().decode(Value.self, from: Data(text.utf8)) == value)
        }
    }

    static func randomValue(depth: Int, using generator: inout SplitMix) -> Value {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            let numbers: [Double] = [0, -1, 3.5, 1e-7, 123_456_789, -2.25e12, 0.1]
            return .number(numbers[Int.random(in: 0..<numbers.count, using: &generator)])
        case 3:
            let pieces = ["a", "é", "中", "😀", "\"", "\\", "\n", "\u{1}", " ", "/", "\u{7F}"]
            return .string(
                (0..<Int.random(in: 0..<6, using: &generator)).map { _ in
                    pieces[Int.random(in: 0..<pieces.count, using: &generator)]
                }.joined()
            )
        case 4:
            return .array(
                (0..<Int.random(in: 0..<4, using: &generator)).map { _ in
                    randomValue(depth: depth + 1, using: &generator)
                }
            )
        default:
            var members: [String: Value] = [:]
            for index in 0..<Int.random(in: 0..<4, using: &generator) {
                members["k\(index)é"] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(members)
        }
    }
}

/// A seeded generator, so a failure can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
