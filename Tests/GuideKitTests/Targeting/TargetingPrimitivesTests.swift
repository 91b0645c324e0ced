import Testing

@testable import GuideKit

@Suite("Targeting primitives")
struct TargetingPrimitivesTests {
    @Test(arguments: [
        ("1.2.3", "    1-    2-    3-~"),
        ("v1.2.3-rc.1+build.5", "    1-    2-    3-rc-    1"),
        ("1.0.0--", "    1-    0-    0--"),
        ("10000.0.0", "10000-    0-    0-~"),
        ("123456.1.2", "123456-    1-    2-~"),
        ("1-2-3", "    1-    2-    3-~"),
        ("", "    0"),
        ("a.b", "a-b"),
    ])
    func paddedVersionsMatchGrowthBook(version: String, padded: String) {
        #expect(VersionOrder.padded(version) == padded)
    }

    @Test func theVersionFastPathAgreesWithThePaddedComparison() {
        let versions = ["0.0.1", "1.2.3", "1.10.0", "1.9.99", "10.0.0", "99999.0.0", "1.2.3-rc.1", "v1.2.3", "1.2"]
        for actual in versions {
            for expected in versions {
                let slow =
                    VersionOrder.padded(actual).utf8.lexicographicallyPrecedes(VersionOrder.padded(expected).utf8)
                    ? -1 : (VersionOrder.padded(actual) == VersionOrder.padded(expected) ? 0 : 1)
                var actualText = actual
                var paddedText = VersionOrder.padded(expected)
                let fast = actualText.withUTF8 { a in
                    paddedText.withUTF8 { VersionOrder.compare(a, paddedExpected: $0) }
                }
                #expect(fast == slow, "\(actual) vs \(expected)")
                #expect(VersionOrder.compare(actual, expected) == slow, "\(actual) vs \(expected)")
            }
        }
    }

    /// Regression: `1e19` trapped ("Double value cannot be converted to Int64") when a version operator
    /// read a number value.
    @Test(arguments: [
        (1e19, "10000000000000000000"),
        (9_223_372_036_854_775_808, "9223372036854776000"),
        (-1e20, "-100000000000000000000"),
        (1e21, "1e+21"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (5e-324, "5e-324"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (0.1 + 0.2, "0.30000000000000004"),
        (123.456, "123.456"),
        (100, "100"),
        (-0.0, "0"),
        (Double.infinity, "Infinity"),
        (-Double.infinity, "-Infinity"),
        (Double.nan, "NaN"),
    ])
    func numbersReadAsJavaScriptWritesThem(number: Double, text: String) {
        #expect(number.javaScriptText == text)
    }

    @Test func clampedIntIsTotal() {
        #expect(1e19.clampedInt == Int.max)
        #expect((-1e300).clampedInt == Int.min)
        #expect(Double.nan.clampedInt == 0)
        #expect(Double.infinity.clampedInt == Int.max)
        #expect((-2.7).clampedInt == -2)
        #expect(Timestamp.string(fromSeconds: 1e300) == Timestamp.string(fromSeconds: 1e14))
        #expect(Timestamp.string(fromSeconds: .nan) == "1970-01-01T00:00:00Z")
    }

    @Test func stringsOrderByUTF16CodeUnits() {
        #expect(TextOrder.compare("a", "b") < 0)
        #expect(TextOrder.compare("ab", "a") > 0)
        #expect(TextOrder.compare("\u{FF5E}", "😀") > 0, "U+FF5E sorts after a surrogate pair")
        #expect(TextOrder.compare("😀", "\u{E000}") < 0)
        #expect(TextOrder.compare("é", "e\u{301}") != 0, "no Unicode equivalence")
        #expect(!TextOrder.isEqual("é", "e\u{301}"))
    }

    @Test func jsonParserKeepsOrderAndPositions() throws {
        let node = try JSONSourceParser.parse(
            "{\n  \"b\": [1, 2.5e1, true, null],\n  \"a\": \"x\\u00e9\\ud83d\\ude00\"\n}",
            file: "c.json"
        )
        guard case .mapping(let pairs) = node.content else {
            Issue.record("expected a mapping")
            return
        }
        #expect(pairs.map { $0.key.scalarText } == ["b", "a"])
        #expect(pairs[1].key.location == SourceLocation(file: "c.json", line: 3, column: 3))
        #expect(pairs[0].value.jsonValue == .array([.number(1), .number(25), .bool(true), .null]))
        #expect(pairs[1].value.jsonValue == .string("xé😀"))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9),
        ("{\"a\" 1}", 1, 6),
        ("[1, 2", 1, 6),
        ("{\"a\": 01}", 1, 7),
        ("{\"a\": \"\\ud800\"}", 1, 14),
        ("\n  tru", 2, 3),
        ("{} x", 1, 4),
    ])
    func jsonErrorsArePositioned(text: String, line: Int, column: Int) {
        #expect {
            _ = try JSONSourceParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONSourceParser.SyntaxError else { return false }
            return error.location.line == line && error.location.column == column
        }
    }

    @Test func plainScalarsReadAsJSONWould() {
        func read(_ text: String, plain: Bool = true) -> Value {
            SourceNode.Scalar(text: text, isPlain: plain).jsonValue
        }
        #expect(read("3") == .number(3))
        #expect(read("-0.5e2") == .number(-50))
        #expect(read("010") == .string("010"))
        #expect(read("1_000") == .string("1_000"))
        #expect(read("+1") == .string("+1"))
        #expect(read(".5") == .string(".5"))
        #expect(read("0x1F") == .string("0x1F"))
        #expect(read("TRUE") == .bool(true))
        #expect(read("yes") == .string("yes"))
        #expect(read("~") == .null)
        #expect(read("") == .null)
        #expect(read("3", plain: false) == .string("3"))
    }

    @Test func globsMatchSegments() {
        #expect(GlobPattern("/a/*/c").matches("/a/b/c"))
        #expect(!GlobPattern("/a/*/c").matches("/a/b/x/c"))
        #expect(GlobPattern("/a/*/c").matches("/a//c"), "* may match an empty segment")
        #expect(GlobPattern("/a/**/c").matches("/a/c"))
        #expect(GlobPattern("/a/**/c").matches("/a/b/x/c"))
        #expect(GlobPattern("**").matches("/anything/at/all"))
        #expect(GlobPattern("*.html").matches("index.html"))
        #expect(!GlobPattern("*.html").matches("docs/index.html"))
    }

    /// Regression: `*`s and `**`s backtracked, in exponential time.
    ///
    /// `/p/*-*-*-*-*-*-*-*/edit` against 60 dashes took 7.5 s. These cases would take hours that way; the work is now at most one pass over the path
    /// per token.
    @Test(arguments: [
        "/p/*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*/edit",
        "/p/**-**-**-**-**-**-**-**-**-**-**-**/edit",
        "/p/**/-/**/-/**/-/**/-/**/-/**/-/**/-/**/edit",
    ])
    func globsTakeLinearWorkPerToken(pattern: String) {
        let glob = GlobPattern(pattern)
        let path = "/p/" + String(repeating: "-", count: 400)
        var steps = 0
        #expect(!glob.matches(path, steps: &steps))
        #expect(steps <= glob.tokens.count * (path.utf8.count + 1))
        let slashes = "/p/" + String(repeating: "-/", count: 200) + "x"
        #expect(!glob.matches(slashes, steps: &steps))
        #expect(steps <= glob.tokens.count * (slashes.utf8.count + 1))
    }

    /// The automaton agrees with a plain backtracking reading of the documented rules on every small
    /// pattern and path over a tricky alphabet.
    @Test func globsAgreeWithTheBacktrackingReading() {
        var generator = SplitMix(seed: 7)
        let patternPieces = ["a", "-", "/", "*", "**", "**/", "/**"]
        let pathPieces = ["a", "-", "/", "b"]
        for _ in 0..<4_000 {
            let pattern = (0..<generator.next(upTo: 6)).map { _ in patternPieces[generator.next(upTo: 7)] }.joined()
            let path = (0..<generator.next(upTo: 8)).map { _ in pathPieces[generator.next(upTo: 4)] }.joined()
            let glob = GlobPattern(pattern)
            let expected = Self.backtrack(glob.tokens[...], Array(path.utf8)[...])
            #expect(glob.matches(path) == expected, "\(pattern) against \(path)")
        }
    }

    private static func backtrack(_ tokens: ArraySlice<GlobPattern.Token>, _ bytes: ArraySlice<UInt8>) -> Bool {
        guard let token = tokens.first else { return bytes.isEmpty }
        let rest = tokens.dropFirst()
        switch token {
        case .byte(let byte): return bytes.first == byte && backtrack(rest, bytes.dropFirst())
        case .segment:
            for length in 0...bytes.count {
                if backtrack(rest, bytes.dropFirst(length)) { return true }
                if length < bytes.count, bytes[bytes.startIndex + length] == 0x2F { return false }
            }
            return false
        case .segments:
            if backtrack(rest, bytes) { return true }
            for (offset, byte) in bytes.enumerated() where byte == 0x2F {
                if backtrack(rest, bytes.dropFirst(offset + 1)) { return true }
            }
            return false
        case .anything:
            return (0...bytes.count).contains { backtrack(rest, bytes.dropFirst($0)) }
        }
    }

    @Test func copiesShareTheirStorage() {
        let condition = Condition(.object(["user.plan": .string("trial")]))
        let copy = condition
        #expect(copy == condition)
        #expect(copy.hashValue == condition.hashValue)
        #expect(Condition(.object(["user.plan": .string("pro")])) != condition)
    }
}

/// A small deterministic generator (SplitMix64) for generated test cases.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(upTo bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
