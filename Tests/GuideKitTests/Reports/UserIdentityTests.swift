import Testing

@testable import GuideKit

/// The reader tells users apart by their whole id, whatever its length: short ids are kept inline
/// (16 bytes at most, first and last eight overlapping), longer ones in an arena.
@Suite struct UserIdentityTests {
    /// Ids that share prefixes, suffixes or lengths with each other, across the inline/arena boundary.
    static let ids = [
        "a", "b", "ab", "ba", "abc", "abcd", "abce", "abcdefg", "abcdefgh", "abcdefgi", "xbcdefgh",
        "abcdefghi", "abcdefghj", "abcdefgh-bcdefgh", "abcdefgh-bcdefgi", "abcdefgh-bcdefgh1",
        "abcdefgh-bcdefgh2", "0b9c4a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21", "0b9c4a3e-1f2d-4c5b-9a8e-7d6c5b4a3f22",
        "1b9c4a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21", "ü-user", "üuser",
    ]

    @Test func everyIdIsItsOwnUser() throws {
        // Each id reaches step `a`; only ids at even positions complete it, then view `b`.
        var log = LogBuilder()
        for (index, id) in Self.ids.enumerated() {
            log.add(Double(index), id, "step_viewed", "a")
            if index % 2 == 0 {
                log.add(Double(index) + 0.5, id, "step_completed", "a")
                log.add(Double(index) + 1, id, "step_viewed", "b")
            }
        }
        let expectedCompleted = (Self.ids.count + 1) / 2
        for threads in [1, 3] {
            let report = try makeReport(log.text, options: noWindow(), threads: threads, minimumPartSize: 1)
            let tour = try #require(report.guide())
            #expect(tour.started == Self.ids.count)
            #expect(tour.step("a")?.reached == Self.ids.count)
            #expect(tour.step("a")?.completed == expectedCompleted)
            #expect(tour.step("b")?.reached == expectedCompleted)
            #expect(tour.step("a")?.dropped == Self.ids.count - expectedCompleted)
            #expect(tour.step("b")?.dropped == expectedCompleted)
        }
    }

    @Test func manyUsersInSeveralGuidesGrowTheTables() throws {
        // 20,000 users (the user table grows several times), each in two guides, events interleaved.
        let other = GuideOutline(id: "other", name: "Other", version: 1, steps: ["x", "y"])
        var log = LogBuilder()
        for index in 0..<20_000 {
            let id = index % 3 == 0 ? "user-with-a-long-identifier-\(index)" : "u\(index)"
            log.add(Double(index % 50), id, "step_viewed", "a")
            log.add(Double(index % 50) + 1, id, "step_viewed", "x", guide: "other")
            if index % 4 == 0 {
                log.add(Double(index % 50) + 2, id, "step_completed", "x", guide: "other")
                log.add(Double(index % 50) + 2.5, id, "step_viewed", "y", guide: "other")
            }
            log.add(Double(index % 50) + 3, id, "step_viewed", "b")
        }
        let book = StepOrderBook(current: [tourOutline, other])
        for threads in [1, 2] {
            let report = try makeReport(
                log.text,
                book: book,
                options: noWindow(),
                threads: threads,
                minimumPartSize: 1
            )
            #expect(report.guide()?.started == 20_000)
            #expect(report.guide()?.step("b")?.reached == 20_000)
            #expect(report.guide()?.step("a")?.reached == 20_000)
            #expect(report.guide("other")?.started == 20_000)
            #expect(report.guide("other")?.step("x")?.completed == 5_000)
            #expect(report.guide("other")?.step("x")?.dropped == 15_000)
            #expect(report.guide("other")?.step("y")?.dropped == 5_000)
        }
    }
}
