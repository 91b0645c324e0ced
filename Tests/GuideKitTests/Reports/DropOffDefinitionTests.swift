import Testing

@testable import GuideKit

/// The report's definitions on hand-built logs whose answers are worked out by hand.
@Suite struct DropOffDefinitionTests {
    /// Five users on a, b, c, d where b is skipped by some (optional in practice).
    static var optionalStepLog: LogBuilder {
        var log = LogBuilder()
        // u1 goes through every step; finishing by completing the last step (no guide_completed).
        log.add(0, "u1", "guide_started")
        for (step, view, done) in [("a", 1.0, 2.0), ("b", 3, 5), ("c", 6, 7), ("d", 8, 10)] {
            log.add(view, "u1", "step_viewed", step)
            log.add(done, "u1", "step_completed", step)
        }
        // u2 skips b and finishes with guide_completed after completing d.
        log.add(0, "u2", "guide_started")
        for (step, view, done) in [("a", 1.0, 3.0), ("c", 4, 6), ("d", 7, 8)] {
            log.add(view, "u2", "step_viewed", step)
            log.add(done, "u2", "step_completed", step)
        }
        log.add(9, "u2", "guide_completed")
        // u3 leaves at a.
        log.add(0, "u3", "guide_started")
        log.add(1, "u3", "step_viewed", "a")
        // u4 skips b and leaves at c.
        log.add(0, "u4", "guide_started")
        log.add(1, "u4", "step_viewed", "a")
        log.add(2, "u4", "step_completed", "a")
        log.add(3, "u4", "step_viewed", "c")
        // u5 never sees a step (a render failure).
        log.add(0, "u5", "guide_started")
        return log
    }

    @Test func optionalStepsDoNotCorruptTheFunnel() throws {
        let report = try makeReport(Self.optionalStepLog.text, options: noWindow())
        let tour = try #require(report.guide())
        #expect(tour.steps.map(\.reached) == [4, 1, 3, 2])
        #expect(tour.steps.map(\.completed) == [3, 1, 2, 2])
        #expect(tour.steps.map(\.dropped) == [1, 0, 1, 0])
        #expect(tour.steps.map(\.inProgress) == [0, 0, 0, 0])
        // reached(b) − reached(c) would be −2: drop-off is never computed that way.
        #expect(tour.step("b")?.dropRate.value == 0)
        #expect(tour.step("a")?.dropRate.value == 0.25)
        #expect(tour.step("c")?.dropRate.value == 1.0 / 3)
        #expect(tour.worstStep == 2)
        #expect(tour.started == 5)
        #expect(tour.noStepShown == 1)
        #expect(tour.finished == 2)
        #expect(tour.completion.value == 0.4)
        #expect(tour.orderSource == .currentFile)
    }

    @Test func timesUseFirstOccurrencesAndNumpyPercentiles() throws {
        let report = try makeReport(Self.optionalStepLog.text, options: noWindow())
        let tour = try #require(report.guide())
        // Time on a: u1 60 s, u2 120 s, u4 60 s.
        let a = try #require(tour.step("a"))
        #expect(a.time.users == 3)
        #expect(a.time.median == 60)
        #expect(a.time.p90 == 108)
        // Time to finish: u1 600 s (last step completed), u2 480 s (d completed before guide_completed).
        #expect(tour.timeToFinish.users == 2)
        #expect(tour.timeToFinish.median == 540)
        #expect(tour.timeToFinish.p90 == 588)
    }

    @Test func inputOrderAndDuplicatesNeverMatter() throws {
        let log = Self.optionalStepLog
        let reference = try makeReport(log.text, options: noWindow())
        let reversed = log.lines.reversed().joined(separator: "\n")
        let doubled = (log.lines + log.lines.shuffled()).joined(separator: "\n")
        func withoutEventCounts(_ report: DropOffReport) -> [GuideVersionReport] {
            report.guides.map { guide in
                var copy = guide
                copy.events = 0
                return copy
            }
        }
        for text in [reversed, doubled] {
            let other = try makeReport(text, options: noWindow())
            #expect(withoutEventCounts(other) == withoutEventCounts(reference))
        }
        // Read in several parts on several threads, then merged.
        let parallel = try makeReport(doubled, options: noWindow(), threads: 3, minimumPartSize: 1)
        #expect(withoutEventCounts(parallel) == withoutEventCounts(reference))
        #expect(parallel.guide()?.events == 2 * log.lines.count)
    }

    @Test func theWindowSeparatesInProgressFromDropped() throws {
        var log = LogBuilder()
        log.add(0, "u1", "step_viewed", "a")  // long gone
        log.add(8_559, "u5", "step_viewed", "a")  // one minute older than the window
        log.add(8_560, "u4", "step_viewed", "a")  // exactly at as_of − window: not older, in progress
        log.add(10_000, "u3", "step_viewed", "a")  // the latest event: as_of
        var options = ReportOptions()
        options.windowSeconds = 1_440 * 60
        let report = try makeReport(log.text, options: options)
        let a = try #require(report.guide()?.step("a"))
        #expect(a.reached == 4)
        #expect(a.dropped == 2)
        #expect(a.inProgress == 2)
        #expect(report.asOf == LogBuilder.base + 10_000 * 60)

        options.asOf = LogBuilder.base + 20_000 * 60
        let later = try makeReport(log.text, options: options)
        #expect(later.guide()?.step("a")?.dropped == 4)
    }

    /// Times are kept in whole seconds until the first one with a fraction, then as Doubles: a log
    /// whose first fraction comes first, in the middle or last gives every number it would give in
    /// Doubles from the start, fractions included.
    @Test(arguments: [0, 7, 14, 99]) func aTimeWithAFractionKeepsEveryTimeExact(at position: Int) throws {
        var log = LogBuilder()
        for user in 0..<5 {
            let start = Double(user * 100)
            log.add(start, "u\(user)", "guide_started")
            log.add(start + 1, "u\(user)", "step_viewed", "a")
            log.add(start + 2, "u\(user)", "step_completed", "a")
            if user < 3 { log.add(start + 3, "u\(user)", "guide_completed") }
        }
        // Step flags kept before the table holds fractions or after (they move with the times).
        log.add(304, "u3", "guide_dismissed", "a")
        log.add(404, "u4", "guide_snoozed", "a")
        // One user's view and completion of b, 1.5 s apart, inside the window or not, then a dismissal.
        let fractional = [
            #"{"ts":"2026-11-01T10:00:00.250Z","user":"f","guide":"tour","version":1,"step":"b","type":"step_viewed"}"#,
            #"{"ts":"2026-11-01T10:00:01.750Z","user":"f","guide":"tour","version":1,"step":"b","type":"step_completed"}"#,
            #"{"ts":"2026-11-01T10:00:02.500Z","user":"f","guide":"tour","version":1,"step":"b","type":"guide_dismissed"}"#,
        ]
        var lines = log.lines
        lines.insert(contentsOf: fractional, at: min(position, lines.count))
        var options = ReportOptions()
        options.windowSeconds = 200 * 60
        let report = try makeReport(lines.joined(separator: "\n") + "\n", options: options)
        let guide = try #require(report.guide())
        #expect(guide.started == 6)
        #expect(guide.finished == 3)
        // Each finisher took 3 minutes from guide_started to guide_completed.
        #expect(guide.timeToFinish.median == 180)
        let a = try #require(guide.step("a"))
        #expect(a.time.median == 60)
        #expect(a.time.users == 5)
        #expect(a.dismissed == 1)
        #expect(a.snoozed == 1)
        let b = try #require(guide.step("b"))
        #expect(b.time.median == 1.5)
        #expect(b.dismissed == 1)
        #expect(b.snoozed == 0)
        #expect(guide.dismissed == 2)
        // as_of is u4's last event (minute 404): u0, u1 and f (minute 0) are older than the window.
        #expect(report.asOf == LogBuilder.base + 404 * 60)
        #expect(a.dropped + a.inProgress == 2)
        #expect(a.inProgress == 2)
        #expect(b.dropped == 1)
    }

    @Test func aLateEventPutsAUserBackInProgress() throws {
        var log = LogBuilder()
        log.add(0, "u1", "step_viewed", "a")
        log.add(10_000, "u2", "step_viewed", "a")
        var options = ReportOptions()
        options.windowSeconds = 86_400
        #expect(try makeReport(log.text, options: options).guide()?.step("a")?.dropped == 2 - 1)
        // u1's completion of a arrives last in the file, with an event time inside the window.
        log.add(9_500, "u1", "step_completed", "a")
        let a = try #require(try makeReport(log.text, options: options).guide()?.step("a"))
        #expect(a.dropped == 0)
        #expect(a.inProgress == 2)
        #expect(a.completed == 1)
    }

    @Test func clockSkewIsCountedAndSkipped() throws {
        var log = LogBuilder()
        log.add(10, "u1", "step_viewed", "a")
        log.add(9, "u1", "step_completed", "a")
        log.add(10, "u2", "step_viewed", "a")
        log.add(12, "u2", "step_completed", "a")
        let a = try #require(try makeReport(log.text, options: noWindow()).guide()?.step("a"))
        #expect(a.reached == 2)
        #expect(a.completed == 2)
        #expect(a.time.users == 1)
        #expect(a.time.skewed == 1)
        #expect(a.time.median == 120)
    }

    @Test func repeatsCountOnceAndTimeFromFirstOccurrences() throws {
        var log = LogBuilder()
        log.add(0, "u1", "step_viewed", "a")
        log.add(2, "u1", "step_completed", "a")
        log.add(10, "u1", "step_viewed", "a")
        log.add(11, "u1", "step_completed", "a")
        log.add(20, "u1", "step_viewed", "a")
        let a = try #require(try makeReport(log.text, options: noWindow()).guide()?.step("a"))
        #expect(a.reached == 1)
        #expect(a.completed == 1)
        #expect(a.time.median == 120)
        #expect(a.dropped == 1)
    }

    @Test func dismissalsAndSnoozes() throws {
        var log = LogBuilder()
        log.add(0, "u1", "step_viewed", "a")
        log.add(1, "u1", "guide_dismissed", "a")
        log.add(0, "u2", "step_viewed", "a")
        log.add(1, "u2", "step_completed", "a")
        log.add(2, "u2", "step_viewed", "b")
        log.add(3, "u2", "guide_dismissed")
        log.add(0, "u3", "step_viewed", "a")
        log.add(1, "u3", "guide_snoozed", "a")
        let tour = try #require(try makeReport(log.text, options: noWindow()).guide())
        #expect(tour.step("a")?.dismissed == 1)
        #expect(tour.step("b")?.dismissed == 0)
        #expect(tour.step("a")?.snoozed == 1)
        #expect(tour.dismissed == 2)
        // A dismissal or snooze does not reach a step.
        #expect(tour.step("a")?.reached == 3)
        #expect(tour.step("b")?.reached == 1)
    }

    @Test func versionsUseTheirOwnStepOrder() throws {
        let v2 = GuideOutline(id: "tour", name: "Tour", version: 2, steps: ["a", "c", "d"])
        let book = StepOrderBook(current: [v2], earlier: [tourOutline])
        var log = LogBuilder()
        // u1 starts on v1, leaves at b, and continues on v2 where b no longer exists.
        log.add(0, "u1", "step_viewed", "a", version: 1)
        log.add(1, "u1", "step_completed", "a", version: 1)
        log.add(2, "u1", "step_viewed", "b", version: 1)
        log.add(100, "u1", "step_viewed", "c", version: 2)
        log.add(101, "u1", "step_completed", "c", version: 2)
        log.add(102, "u1", "step_viewed", "d", version: 2)
        log.add(103, "u2", "step_viewed", "b", version: 2)  // b is not in v2
        log.add(104, "u3", "step_viewed", "c", version: 3)  // v3 is nowhere: current order by id
        let report = try makeReport(log.text, book: book, options: noWindow())
        let one = try #require(report.guide(version: 1))
        #expect(one.orderSource == .gitHistory)
        #expect(one.steps.map(\.dropped) == [0, 1, 0, 0])
        let two = try #require(report.guide(version: 2))
        #expect(two.orderSource == .currentFile)
        #expect(two.steps.map(\.id) == ["a", "c", "d"])
        #expect(two.steps.map(\.reached) == [0, 1, 1])
        #expect(two.steps.map(\.dropped) == [0, 0, 1])
        #expect(two.unmappedEvents == ["b": 1])
        #expect(two.started == 2)
        let three = try #require(report.guide(version: 3))
        #expect(three.orderSource == .matchedById)
        #expect(three.steps.map(\.reached) == [0, 1, 0])
    }

    @Test func unknownGuidesAreCountedNotReported() throws {
        var log = LogBuilder()
        log.add(0, "u1", "step_viewed", "a")
        log.add(0, "u1", "step_viewed", "x", guide: "ghost")
        log.add(1, "u2", "guide_started", guide: "ghost", version: 2)
        let report = try makeReport(log.text)
        #expect(report.guides.map(\.guide) == ["tour"])
        #expect(report.input.unknownGuides == ["ghost": 2])
        #expect(report.input.events == 3)
    }

    @Test func filtersLeaveEventsOutAndCountThem() throws {
        var log = Self.optionalStepLog
        log.add(0, "u9", "step_viewed", "x", guide: "other")
        var options = noWindow()
        options.guides = ["tour"]
        options.since = LogBuilder.base + 60
        options.until = LogBuilder.base + 9 * 60
        let report = try makeReport(log.text, book: StepOrderBook(current: [tourOutline]), options: options)
        let tour = try #require(report.guide())
        // Only minutes 1..<9 remain: no guide_started, u1's d completion (10) and u2's guide_completed (9) are out.
        #expect(tour.started == 4)
        #expect(tour.finished == 1)
        #expect(report.input.filteredOut == 1 + 5 + 1 + 1)
        #expect(report.input.unknownGuides.isEmpty)
    }

    @Test func breakdownByVariantAndComparison() throws {
        var log = LogBuilder()
        for index in 0..<40 {
            let variant = index % 2 == 0 ? "A" : "B"
            let user = "u\(index)"
            log.add(0, user, "step_viewed", "a", extra: ",\"variant\":\"\(variant)\"")
            // A: 5 of 20 finish; B: 15 of 20 finish.
            let finishes = variant == "A" ? index % 8 == 0 : (index / 2) % 4 != 3
            if finishes { log.add(1, user, "guide_completed", extra: ",\"variant\":\"\(variant)\"") }
        }
        var options = noWindow()
        options.breakdown = .property("variant")
        options.compare = ReportOptions.CompareSpec(parsing: "tour@A..B")
        let report = try makeReport(log.text, options: options)
        let a = try #require(report.guide(group: "variant=A"))
        let b = try #require(report.guide(group: "variant=B"))
        #expect(a.started == 20)
        #expect(a.finished == 5)
        #expect(b.finished == 15)
        let comparison = try #require(report.comparisons.first)
        let completion = try #require(comparison.rows.first)
        #expect(completion.metric == "completion")
        #expect(completion.difference == 0.5)
        let expected = try #require(Statistics.twoProportionZTest(x1: 5, n1: 20, x2: 15, n2: 20))
        #expect(completion.p == expected.p)
        #expect(completion.isSignificant)
        #expect(comparison.rows.map(\.metric) == ["completion", "a"])
    }

    @Test func comparingVersions() throws {
        let v2 = GuideOutline(id: "tour", name: "Tour", version: 2, steps: ["a", "b", "c", "d"])
        var log = LogBuilder()
        for index in 0..<10 {
            log.add(0, "u\(index)", "step_viewed", "a", version: 1)
            log.add(0, "w\(index)", "step_viewed", "a", version: 2)
            if index < 8 {
                log.add(1, "w\(index)", "step_completed", "a", version: 2)
                log.add(2, "w\(index)", "step_viewed", "b", version: 2)
            }
        }
        var options = noWindow()
        options.compare = ReportOptions.CompareSpec(parsing: "tour@1..2")
        let report = try makeReport(
            log.text,
            book: StepOrderBook(current: [v2], earlier: [tourOutline]),
            options: options
        )
        let comparison = try #require(report.comparisons.first)
        #expect(comparison.baseline == "v1")
        #expect(comparison.candidate == "v2")
        let a = try #require(comparison.rows.first { $0.metric == "a" })
        #expect(a.baseline.value == 1)
        #expect(a.candidate.value == 0.2)
        #expect(a.adjustedP != nil)
        // Steps with no users on either side are left out.
        #expect(comparison.rows.map(\.metric) == ["completion", "a", "b"])
        #expect(comparison.rows[0].p == nil)
    }

    @Test func emptyInputGivesAnEmptyReport() throws {
        for text in ["", "\n\n"] {
            let report = try makeReport(text)
            #expect(report.guides.isEmpty)
            #expect(report.asOf == nil)
            #expect(report.input.events == 0)
            #expect(TableRenderer().render(report).contains("No guide events"))
            #expect(HTMLRenderer().render(report).contains("</html>"))
            #expect(JSONRenderer().render(report).contains("\"guides\": []"))
        }
    }
}
