import GuideKit
import Testing

@Suite("GrowthBook conformance: bucketing")
struct BucketingTests {
    /// Rounds as GrowthBook's own harness does before comparing floats.
    static func rounded(_ value: Double) -> Double { (value * 1e8).rounded() / 1e8 }

    static func numbers(_ node: SourceNode) -> [Double] {
        GrowthBookSuite.items(node).compactMap { if case .number(let n) = $0.jsonValue { n } else { nil } }
    }

    static func ranges(_ node: SourceNode) -> [Bucketing.Range] {
        GrowthBookSuite.items(node).map {
            let pair = numbers($0)
            return Bucketing.Range(lower: pair.first ?? .nan, upper: pair.last ?? .nan)
        }
    }

    @Test func everySectionIsRead() {
        #expect(GrowthBookSuite.section("hash").count == 15)
        #expect(GrowthBookSuite.section("getBucketRange").count == 13)
        #expect(GrowthBookSuite.section("chooseVariation").count == 13)
        #expect(GrowthBookSuite.section("getEqualWeights").count == 6)
    }

    @Test func hash() throws {
        for node in GrowthBookSuite.section("hash") {
            let parts = GrowthBookSuite.items(node)
            try #require(parts.count == 4)
            guard case .string(let seed) = parts[0].jsonValue, case .string(let value) = parts[1].jsonValue,
                case .number(let version) = parts[2].jsonValue
            else {
                Issue.record("malformed hash case \(node.jsonValue)")
                continue
            }
            let actual = Bucketing.hash(seed: seed, value: value, version: Int(version))
            switch parts[3].jsonValue {
            case .number(let expected):
                #expect(actual.map(Self.rounded) == Self.rounded(expected), "hash(\(seed), \(value), \(version))")
            default:
                #expect(actual == nil, "hash(\(seed), \(value), \(version)) has no version")
            }
        }
    }

    @Test func bucketRanges() throws {
        for node in GrowthBookSuite.section("getBucketRange") {
            let parts = GrowthBookSuite.items(node)
            try #require(parts.count == 3)
            let arguments = GrowthBookSuite.items(parts[1])
            try #require(arguments.count == 3)
            guard case .number(let count) = arguments[0].jsonValue, case .number(let coverage) = arguments[1].jsonValue
            else {
                Issue.record("malformed case \(node.jsonValue)")
                continue
            }
            let weights: [Double]? = arguments[2].jsonValue == .null ? nil : Self.numbers(arguments[2])
            let actual = Bucketing.ranges(count: Int(count), coverage: coverage, weights: weights)
            let expected = Self.ranges(parts[2])
            #expect(
                actual.map { [Self.rounded($0.lower), Self.rounded($0.upper)] }
                    == expected.map { [Self.rounded($0.lower), Self.rounded($0.upper)] },
                "\(parts[0].jsonValue)"
            )
        }
    }

    @Test func chooseVariation() throws {
        for node in GrowthBookSuite.section("chooseVariation") {
            let parts = GrowthBookSuite.items(node)
            try #require(parts.count == 4)
            guard case .number(let bucket) = parts[1].jsonValue, case .number(let expected) = parts[3].jsonValue else {
                Issue.record("malformed case \(node.jsonValue)")
                continue
            }
            let actual = Bucketing.variation(for: bucket, in: Self.ranges(parts[2]))
            #expect((actual ?? -1) == Int(expected), "\(parts[0].jsonValue)")
        }
    }

    @Test func equalWeights() throws {
        for node in GrowthBookSuite.section("getEqualWeights") {
            let parts = GrowthBookSuite.items(node)
            try #require(parts.count == 2)
            guard case .number(let count) = parts[0].jsonValue else { continue }
            #expect(Bucketing.equalWeights(Int(count)).map(Self.rounded) == Self.numbers(parts[1]).map(Self.rounded))
        }
    }

    @Test func hashCountsUTF16CodeUnits() {
        // "😀" is two UTF-16 code units; JavaScript's charCodeAt hashes each.
        var expected: UInt32 = 0x811c_9dc5
        for unit: UInt16 in [0xD83D, 0xDE00] {
            expected ^= UInt32(unit)
            expected = expected &* 16_777_619
        }
        #expect(Bucketing.fnv32a("😀") == expected)
    }

    @Test func continuedHashEqualsTheHashOfTheConcatenation() {
        let pairs = [("", ""), ("seed", "u-42"), ("guide-0001-2026", "u_100001"), ("caf\u{E9}", "x"), ("a", "😀b")]
        for (first, second) in pairs {
            #expect(Bucketing.fnv32a(second, from: Bucketing.fnv32a(first)) == Bucketing.fnv32a(first + second))
        }
    }

    @Test func decimalHashEqualsTheHashOfTheDigits() {
        var numbers: [UInt32] = [0, 1, 9, 10, 99, 100, 999_999_999, 1_000_000_000, 4_294_967_295]
        var value: UInt32 = 12_345
        for _ in 0..<1_000 {
            value = value &* 1_664_525 &+ 1_013_904_223
            numbers.append(value)
        }
        for number in numbers {
            #expect(Bucketing.fnv32a(decimal: number) == Bucketing.fnv32a(String(number)), "\(number)")
        }
    }
}
