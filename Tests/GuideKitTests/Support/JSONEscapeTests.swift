import Testing

@testable import GuideKit

/// The one JSON escape decoder the event readers and the condition parser share.
@Suite struct JSONEscapeTests {
    /// Decodes the escape at the start of `text` (a backslash).
    static func decode(_ text: String) -> (output: String, index: Int, failure: JSONEscape.Failure?) {
        let bytes = Array(text.utf8)
        var index = 0
        var output: [UInt8] = []
        let failure = JSONEscape.decode(bytes, at: &index, into: &output)
        return (String(decoding: output, as: UTF8.self), index, failure)
    }

    @Test(arguments: [
        (#"\"x"#, "\"", 2), (#"\\"#, "\\", 2), (#"\/"#, "/", 2), (#"\b"#, "\u{8}", 2), (#"\f"#, "\u{C}", 2),
        (#"\n"#, "\n", 2), (#"\r"#, "\r", 2), (#"\t"#, "\t", 2), (#"\u00e9!"#, "é", 6), (#"\u00E9"#, "é", 6),
        (#"\ud83d\ude00x"#, "😀", 12),
    ])
    func escapesDecodeToUTF8(text: String, expected: String, next: Int) {
        let result = Self.decode(text)
        #expect(result.failure == nil)
        #expect(result.output == expected)
        #expect(result.index == next)
    }

    @Test(arguments: [
        (#"\"#, JSONEscape.Failure.truncated, 1),
        (#"\x"#, .unknownEscape, 1),
        (#"\u12"#, .badHex, 2),
        (#"\u12g4"#, .badHex, 4),
        (#"\ud83dx"#, .loneSurrogate, 6),
        (#"\ude00"#, .loneSurrogate, 6),
        (#"\ud83d\u12"#, .badLowHex, 8),
        (#"\ud83d\u0041"#, .badLowSurrogate, 12),
    ])
    func failuresSayWhatAndWhere(text: String, failure: JSONEscape.Failure, index: Int) {
        let result = Self.decode(text)
        #expect(result.failure == failure)
        #expect(result.index == index)
    }
}
