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

    @Test func copiesShareTheirStorage() {
        let condition = Condition(.object(["user.plan": .string("trial")]))
        let copy = condition
        #expect(copy == condition)
        #expect(copy.hashValue == condition.hashValue)
        #expect(Condition(.object(["user.plan": .string("pro")])) != condition)
    }
}
