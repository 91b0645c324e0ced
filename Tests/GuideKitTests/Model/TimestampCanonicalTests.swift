import Foundation
import Testing

@testable import GuideKit

/// Timestamps in the UTC form the condition document writes are read at fixed places to the same seconds
/// as the general parser, and writing those seconds again (as a `Date` keeps them) gives the same text.
@Suite("Canonical timestamps")
struct TimestampCanonicalTests {
    static func canonical(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { Timestamp.canonicalSeconds(UnsafeRawBufferPointer($0)) }
    }

    /// The text the document writes for the seconds a `Date` keeps of `seconds`.
    static func written(_ seconds: Double) -> (String, Double) {
        var builder = ConditionDocument.Builder()
        builder.reset()
        builder.setTimestamp(0, seconds: Date(timeIntervalSince1970: seconds).timeIntervalSince1970)
        let node = builder.nodes[0]
        let text = String(decoding: builder.bytes[Int(node.first)..<Int(node.first + node.count)], as: UTF8.self)
        return (text, node.number)
    }

    @Test func readsAsTheParserAndWritesBackTheSameText() throws {
        var random = SystemRandomNumberGenerator()
        var texts = [
            "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00.001Z", "9999-12-31T23:59:59.999Z",
            "2024-02-29T12:00:00.500Z", "2026-11-23T10:00:00Z", "2000-02-29T00:00:00.010Z", "1600-03-01T00:00:00.100Z",
        ]
        for _ in 0..<20_000 {
            let year = Int.random(in: 0...9_999, using: &random)
            let month = Int.random(in: 1...12, using: &random)
            let day = Int.random(in: 1...Timestamp.daysIn(month: month, year: year), using: &random)
            var text = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d",
                year,
                month,
                day,
                Int.random(in: 0...23, using: &random),
                Int.random(in: 0...59, using: &random),
                Int.random(in: 0...59, using: &random)
            )
            let millis = Int.random(in: 0...999, using: &random)
            text += millis == 0 ? "Z" : String(format: ".%03dZ", millis)
            texts.append(text)
        }
        for text in texts {
            let seconds = try #require(Self.canonical(text), "\(text)")
            #expect(seconds == Timestamp.seconds(parsing: text), "\(text)")
            let (again, instant) = Self.written(seconds)
            #expect(again == text)
            #expect(instant == seconds, "\(text)")
        }
    }

    @Test(arguments: [
        "2026-11-23T10:00:60Z", "2026-11-23T10:00:00.000Z", "2026-11-23T10:00:00+09:00", "2026-11-23T10:00:00z",
        "2026-11-23t10:00:00Z", "2026-11-23 10:00:00Z", "2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z",
        "2026-11-23T24:00:00Z", "2026-11-23T10:60:00Z", "2026-11-23T10:00:00.5Z", "2026-11-23T10:00:00.1234Z",
        "2026-11-23", "2026-11-23T10:00Z", "2026-1a-23T10:00:00Z", "2026-11-23T10:00:00,123Z", "+026-11-23T10:00:00Z",
        "2026-11-23T10:00:00.12aZ",
    ])
    func otherFormsAreLeftToTheParser(text: String) {
        #expect(Self.canonical(text) == nil)
    }
}
