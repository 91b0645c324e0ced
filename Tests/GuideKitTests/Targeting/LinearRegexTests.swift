import Foundation
import Testing

@testable import GuideKit

@Suite("Linear-time regular expressions")
struct LinearRegexTests {
    /// Regression: `(a+)+$` took exponential time in ICU's backtracking matcher.
    ///
    /// On 28 `a`s and a `!` it took 2.7 s, ×4 per two more characters; 60 `a`s would take years. The automaton's work is bounded by text × pattern.
    @Test(arguments: ["(a+)+$", "(a*)*b", "(a|aa)+$", "^(\\w+\\s?)*$", "(x+x+)+y", "(.*a){12}"])
    func catastrophicPatternsTakeBoundedWork(pattern: String) throws {
        let regex = try LinearRegex(pattern, caseInsensitive: false)
        for length in [28, 60, 5_000] {
            let text = String(repeating: "a", count: length) + "!"
            var steps = 0
            _ = regex.matches(text, steps: &steps)
            #expect(steps <= (text.unicodeScalars.count + 1) * regex.instructionCount, "\(pattern) on \(length)")
        }
    }

    @Test(arguments: [
        ("-12-25$", "2026-12-25", true),
        ("(Mobile|Tablet)", "Some Tablet", true),
        ("^ping", "a ping", false),
        ("^\\d{3}-\\d{4}$", "555-1234", true),
        ("^\\d{3}-\\d{4}$", "555-12345", false),
        ("colou?r", "color", true),
        ("a{2,}", "a{2,}", false),
        ("a{,2}", "a{,2}", true),
        ("[\\]a-]+x", "]-ax", true),
        ("\\bcat\\b", "a cat!", true),
        ("\\bcat\\b", "concat", false),
        ("\\Bcat", "concat", true),
        ("end$", "the end\n", true),
        ("end$", "the end\nx", false),
        ("^$", "", true),
        ("a.c", "a\nc", false),
        ("\\u00e9|\\x{1F600}", "😀", true),
        ("(?<year>\\d{4})-(?:\\d\\d)", "2026-11", true),
        ("東京", "東京都", true),
        ("\\w+@\\w+\\.io", "ana@acme.io", true),
        ("[^\\s]", "   ", false),
        ("x*", "", true),
    ])
    func matchesLikeICU(pattern: String, text: String, expected: Bool) throws {
        #expect(try LinearRegex(pattern, caseInsensitive: false).matches(text) == expected)
    }

    @Test func caseInsensitiveFoldsLiteralsAndClasses() throws {
        #expect(try LinearRegex("(mobile|tablet)", caseInsensitive: true).matches("iPad TABLET"))
        #expect(try LinearRegex("^[a-c]+$", caseInsensitive: true).matches("AbC"))
        #expect(try LinearRegex("ÉTÉ", caseInsensitive: true).matches("été"))
        #expect(try !LinearRegex("^[^a]$", caseInsensitive: true).matches("A"))
    }

    @Test(arguments: [
        "(a)\\1", "a(?=b)", "a(?!b)", "(?<=a)b", "(?>a)", "a*+", "(?i)a", "\\p{L}", "[[a]]", "(", "a)",
        "[a", "*a", "a**", "x{3,1}", "a{1001}", "\\",
    ])
    func unsupportedOrBrokenPatternsDoNotCompile(pattern: String) {
        #expect(throws: RegexSyntaxError.self) { try LinearRegex(pattern, caseInsensitive: false) }
    }

    @Test func countedRepetitionsAreCapped() {
        #expect(throws: RegexSyntaxError.self) { try LinearRegex("((a{1000}){1000}){1000}", caseInsensitive: false) }
    }

    /// Generated patterns over a small grammar agree with ICU (`NSRegularExpression`) on generated texts.
    ///
    /// A quantified group never matches the empty string here: ICU ends a loop at an empty iteration, so
    /// `(x?){2}a` fails on `a` in ICU while JavaScript, Python and GuideKit match it.
    @Test func generatedPatternsAgreeWithICU() throws {
        var generator = SplitMix(seed: 11)
        let atoms = ["a", "b", "1", ".", "[ab]", "[^a]", "\\d", "\\w", "\\s", "é", "[a-c1]", "x"]
        let quantifiers = ["", "", "", "*", "+", "?", "{1,2}", "{2}", "*?"]
        let nonEmptyQuantifiers = ["", "", "+", "{1,2}", "{2}"]
        func pattern(_ depth: Int, nonEmpty: Bool) -> String {
            var parts: [String] = []
            for _ in 0..<(1 + generator.next(upTo: 3)) {
                var atom: String
                var isAssertion = false
                switch generator.next(upTo: 10) {
                case 0 where depth < 2:
                    atom = "(" + pattern(depth + 1, nonEmpty: true) + "|" + pattern(depth + 1, nonEmpty: true) + ")"
                case 1 where depth < 2: atom = "(?:" + pattern(depth + 1, nonEmpty: true) + ")"
                case 2 where !nonEmpty:
                    atom = ["^", "$", "\\b"][generator.next(upTo: 3)]
                    isAssertion = true
                default: atom = atoms[generator.next(upTo: atoms.count)]
                }
                if !isAssertion {
                    let choices = nonEmpty ? nonEmptyQuantifiers : quantifiers
                    atom += choices[generator.next(upTo: choices.count)]
                }
                parts.append(atom)
            }
            return parts.joined()
        }
        let letters = ["a", "b", "1", " ", "é", "x", "\n", "B"]
        var compared = 0
        for _ in 0..<1_000 {
            let source = pattern(0, nonEmpty: false)
            let insensitive = generator.next(upTo: 4) == 0
            let icu = try NSRegularExpression(pattern: source, options: insensitive ? [.caseInsensitive] : [])
            let regex = try #require(
                try? LinearRegex(source, caseInsensitive: insensitive),
                "\(source) does not compile"
            )
            for _ in 0..<4 {
                let text = (0..<generator.next(upTo: 7)).map { _ in letters[generator.next(upTo: letters.count)] }
                    .joined()
                let expected = icu.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(regex.matches(text) == expected, "\(source) on \(text.debugDescription)")
                compared += 1
            }
        }
        #expect(compared == 4_000)
    }
}
