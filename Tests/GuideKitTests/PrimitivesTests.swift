import GuideKit
import Testing

@Test(arguments: [
    ("30s", 30), ("15m", 900), ("12h", 43_200), ("7d", 604_800), ("2w", 1_209_600), ("0s", 0),
])
func durationsParse(text: String, seconds: Int) throws {
    let duration = try #require(GuideDuration(parsing: text))
    #expect(duration.seconds == seconds)
}

@Test(arguments: ["", "7", "d", "7 d", "7D", "1.5h", "-3d", "7days", "３d", "99999999999999999999w"])
func invalidDurationsAreRejected(text: String) {
    #expect(GuideDuration(parsing: text) == nil)
}

@Test func durationsPrintInTheirShortestForm() {
    #expect(GuideDuration(seconds: 604_800).description == "1w")
    #expect(GuideDuration(seconds: 5_400).description == "90m")
    #expect(GuideDuration(seconds: 61).description == "61s")
}

@Test(arguments: [
    ("1970-01-01T00:00:00Z", 0.0),
    ("2026-11-23", 1_795_392_000.0),
    ("2026-11-23T10:00:00Z", 1_795_428_000.0),
    ("2026-11-23T19:00:00+09:00", 1_795_428_000.0),
    ("2026-11-23T19:00:00+0900", 1_795_428_000.0),
    ("2026-11-23T05:00:00-05", 1_795_428_000.0),
    ("2026-11-23 10:00:00Z", 1_795_428_000.0),
    ("2026-11-23T10:00:00.250Z", 1_795_428_000.25),
    ("2024-02-29T00:00:00Z", 1_709_164_800.0),
    ("1969-12-31T23:59:59Z", -1.0),
])
func timestampsParse(text: String, seconds: Double) throws {
    let parsed = try #require(Timestamp.seconds(parsing: text))
    #expect(abs(parsed - seconds) < 1e-6)
}

@Test(arguments: [
    "", "2026-11-23T10:00:00", "2026-13-01", "2026-02-29", "2026-11-23T24:00:00Z", "2026-11-23T10:00Zjunk",
    "2026/11/23", "2026-11-23T10:00:00.Z", "yesterday",
])
func invalidTimestampsAreRejected(text: String) {
    #expect(Timestamp.seconds(parsing: text) == nil)
}

@Test func timestampsRoundTrip() throws {
    for text in ["2026-11-23T10:00:00Z", "1999-12-31T23:59:59.500Z", "1960-03-01T00:00:00Z"] {
        let seconds = try #require(Timestamp.seconds(parsing: text))
        #expect(Timestamp.string(fromSeconds: seconds) == text)
    }
}

@Test func suggestionsFindLikelyTypos() {
    #expect(Suggestion.closest(to: "titel", in: ["id", "title", "body"]) == "title")
    #expect(Suggestion.closest(to: "$gtee", in: ["$gt", "$gte", "$lte"]) == "$gte")
    #expect(Suggestion.closest(to: "zzzzzz", in: ["title", "body"]) == nil)
    #expect(Suggestion.didYouMean("bdy", in: ["body"]) == "did you mean 'body'?")
}
