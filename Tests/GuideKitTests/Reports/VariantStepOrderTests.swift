import Foundation
import Testing

@testable import GuideKit

/// Guides whose A/B variants bring their own steps: each run is counted against its variant's order.
@Suite struct VariantStepOrderTests {
    /// Guide `ab`: steps a, b, c; variant `modal` shows m1, m2 instead; `tour` and `control` have none.
    static let outline = GuideOutline(
        id: "ab",
        name: "AB",
        version: 1,
        steps: ["a", "b", "c"],
        variantSteps: ["modal": ["m1", "m2"]]
    )
    static let book = StepOrderBook(current: [outline])

    /// One event: minutes after the base time, user, type, step, variant, platform.
    struct Event {
        var minutes: Double
        var user: String
        var type: String
        var step: String?
        var variant: String?
        var platform = "web"
        var version = 1
    }

    /// The hand-built log; the expected counts are worked out in the tests.
    static let events: [Event] = {
        var events: [Event] = []
        func add(_ minutes: Double, _ user: String, _ type: String, _ step: String? = nil, _ variant: String?) {
            let platform = ["u1", "u2", "u3", "u4"].contains(user) ? "ios" : "web"
            events.append(
                Event(minutes: minutes, user: user, type: type, step: step, variant: variant, platform: platform)
            )
        }
        // u1 (tour): the guide's three steps, finishes by completing the last one.
        add(0, "u1", "guide_started", nil, "tour")
        for (offset, step) in ["a", "b", "c"].enumerated() {
            add(Double(offset * 2 + 1), "u1", "step_viewed", step, "tour")
            add(Double(offset * 2 + 2), "u1", "step_completed", step, "tour")
        }
        // u2 (tour): sees a, leaves.
        add(0, "u2", "guide_started", nil, "tour")
        add(1, "u2", "step_viewed", "a", "tour")
        // u3 (modal): both of the variant's steps; finishing = completing m2, the order's last step.
        add(0, "u3", "guide_started", nil, "modal")
        add(1, "u3", "step_viewed", "m1", "modal")
        add(2, "u3", "step_completed", "m1", "modal")
        add(3, "u3", "step_viewed", "m2", "modal")
        add(5, "u3", "step_completed", "m2", "modal")
        // u4 (modal): leaves at m2.
        add(0, "u4", "guide_started", nil, "modal")
        add(1, "u4", "step_viewed", "m1", "modal")
        add(2, "u4", "step_completed", "m1", "modal")
        add(3, "u4", "step_viewed", "m2", "modal")
        // u5 (modal): dismisses at m1.
        add(0, "u5", "guide_started", nil, "modal")
        add(1, "u5", "step_viewed", "m1", "modal")
        add(2, "u5", "guide_dismissed", "m1", "modal")
        // u6 (modal): sees m1, and an event names the guide's step a: unmapped in the variant's order.
        add(0, "u6", "guide_started", nil, "modal")
        add(1, "u6", "step_viewed", "m1", "modal")
        add(2, "u6", "step_viewed", "a", "modal")
        // u7 (control holdout): started, no step: the guide's order.
        add(0, "u7", "guide_started", nil, "control")
        // u8: events in tour, then in modal: a run in each order.
        add(0, "u8", "guide_started", nil, "tour")
        add(1, "u8", "step_viewed", "a", "tour")
        add(10, "u8", "step_viewed", "m1", "modal")
        add(11, "u8", "step_completed", "m1", "modal")
        add(12, "u8", "step_viewed", "m2", "modal")
        add(13, "u8", "step_completed", "m2", "modal")
        add(13, "u8", "guide_completed", nil, "modal")
        // u9: no variant on an event of m1: the guide's order, where m1 is unmapped.
        add(0, "u9", "step_viewed", "m1", nil)
        return events
    }()

    static func jsonLines(_ events: [Event], segment: Bool = false) -> String {
        events.map { event in
            let time = LogBuilder.time(event.minutes)
            var line =
                "{\"ts\":\"\(time)\",\"user\":\"\(event.user)\",\"guide\":\"ab\",\"version\":\(event.version)"
            if let step = event.step { line += ",\"step\":\"\(step)\"" }
            line += ",\"type\":\"\(event.type)\""
            if let variant = event.variant { line += ",\"variant\":\"\(variant)\"" }
            return line + ",\"platform\":\"\(event.platform)\"}"
        }
        .joined(separator: "\n") + "\n"
    }

    static func csv(_ events: [Event]) -> String {
        var out = "ts,user,guide,version,step,type,variant,platform\n"
        for event in events {
            out += "\(LogBuilder.time(event.minutes)),\(event.user),ab,\(event.version),\(event.step ?? ""),"
            out += "\(event.type),\(event.variant ?? ""),\(event.platform)\n"
        }
        return out
    }

    static func report(
        _ text: String,
        format: EventLogFormat = .jsonLines,
        book: StepOrderBook = book,
        options: ReportOptions = noWindow(),
        threads: Int = 1,
        minimumPartSize: Int = 1 << 30
    ) throws -> DropOffReport {
        try makeReport(
            text,
            format: format,
            book: book,
            options: options,
            threads: threads,
            minimumPartSize: minimumPartSize
        )
    }

    static func entry(_ report: DropOffReport, variant: String?, group: String? = nil) throws -> GuideVersionReport {
        try #require(report.guides.first { $0.guide == "ab" && $0.stepVariant == variant && $0.group == group })
    }

    @Test func eachRunIsCountedAgainstItsVariantsStepOrder() throws {
        let report = try Self.report(Self.jsonLines(Self.events))
        #expect(report.guides.count == 2)
        #expect(report.guides.map(\.stepVariant) == [nil, "modal"])

        // The guide's order: u1, u2, u7 (control), u8 (its tour events), u9 (no variant).
        let guide = try Self.entry(report, variant: nil)
        #expect(guide.steps.map(\.id) == ["a", "b", "c"])
        #expect(guide.started == 5)
        #expect(guide.noStepShown == 1)  // u7; u9 reached a step, if unmapped
        #expect(guide.finished == 1)
        #expect(guide.steps.map(\.reached) == [3, 1, 1])
        #expect(guide.steps.map(\.completed) == [1, 1, 1])
        #expect(guide.steps.map(\.dropped) == [2, 0, 0])  // u2 and u8 at a
        #expect(guide.unmappedEvents == ["m1": 1])
        #expect(guide.events == 13)
        #expect(guide.label == "ab v1")

        // The variant's order: u3, u4, u5, u6, u8 (its modal events).
        let modal = try Self.entry(report, variant: "modal")
        #expect(modal.steps.map(\.id) == ["m1", "m2"])
        #expect(modal.started == 5)
        #expect(modal.noStepShown == 0)
        #expect(modal.finished == 2)  // u3 by completing m2 (the order's last step), u8 also by guide_completed
        #expect(modal.completion == Rate(2, of: 5))
        #expect(modal.steps.map(\.reached) == [5, 3])
        #expect(modal.steps.map(\.completed) == [3, 2])
        #expect(modal.steps.map(\.dropped) == [2, 1])  // u5, u6 at m1; u4 at m2
        #expect(modal.steps.map(\.dismissed) == [1, 0])
        #expect(modal.dismissed == 1)
        #expect(modal.worstStep == 0)  // m1: 2/5 against m2: 1/3
        #expect(modal.unmappedEvents == ["a": 1])
        #expect(modal.steps[1].time.median == 90)  // m2: u3 took 2 minutes, u8 one
        #expect(modal.label == "ab v1 · steps of variant modal")

        // Every event is in one entry; u8 is in both orders, and the summary says so.
        #expect(guide.events + modal.events == Self.events.count)
        #expect(report.input.usersInSeveralStepOrders == ["ab v1": 1])
        #expect(report.input.unknownGuides.isEmpty)
    }

    @Test func inProgressAndDroppedFollowTheWindowWithinEachOrder() throws {
        var options = ReportOptions()
        options.windowSeconds = 5 * 60  // as of minute 13 (u8's last event): active from minute 8
        let report = try Self.report(Self.jsonLines(Self.events), options: options)
        let modal = try Self.entry(report, variant: "modal")
        #expect(modal.steps.map(\.dropped) == [2, 1])
        #expect(modal.steps.map(\.inProgress) == [0, 0])
        let guide = try Self.entry(report, variant: nil)
        // u8's run in the guide's order ends at minute 1 even though u8 went on in the variant's order.
        #expect(guide.steps.map(\.dropped) == [2, 0, 0])

        var later = ReportOptions()
        later.windowSeconds = 13 * 60  // active from minute 0: everyone unfinished is in progress
        let recent = try Self.report(Self.jsonLines(Self.events), options: later)
        let modalRecent = try Self.entry(recent, variant: "modal")
        #expect(modalRecent.steps.map(\.inProgress) == [2, 1])
        #expect(modalRecent.steps.map(\.dropped) == [0, 0])
    }

    @Test func csvSegmentAndThreadsGiveTheSameReport() throws {
        let expected = try Self.report(Self.jsonLines(Self.events))
        let csv = try Self.report(Self.csv(Self.events), format: .csv)
        #expect(csv.guides == expected.guides)
        #expect(csv.input.usersInSeveralStepOrders == ["ab v1": 1])
        // Many small parts on three threads: users are handed between threads.
        let threaded = try Self.report(Self.jsonLines(Self.events), threads: 3, minimumPartSize: 64)
        #expect(threaded.guides == expected.guides)
        #expect(threaded.input.usersInSeveralStepOrders == ["ab v1": 1])

        // A Segment track call carries the variant in properties.
        let segment = """
            {"type":"track","event":"Guide Step Viewed","userId":"s1","timestamp":"\(LogBuilder.time(0))",\
            "properties":{"guide":"ab","version":1,"step":"m2","variant":"modal"}}
            {"type":"track","event":"Guide Step Viewed","userId":"s2","timestamp":"\(LogBuilder.time(0))",\
            "properties":{"guide":"ab","version":1,"step":"b"}}

            """
        let fromSegment = try Self.report(segment)
        #expect(try Self.entry(fromSegment, variant: "modal").steps.map(\.reached) == [0, 1])
        #expect(try Self.entry(fromSegment, variant: nil).steps.map(\.reached) == [0, 1, 0])
    }

    @Test func guidesWithoutVariantStepsAreUnaffected() throws {
        // The same log against a book whose guide has no variant steps: one entry, modal steps unmapped.
        let plain = StepOrderBook(current: [GuideOutline(id: "ab", name: "AB", version: 1, steps: ["a", "b", "c"])])
        let report = try Self.report(Self.jsonLines(Self.events), book: plain)
        #expect(report.guides.count == 1)
        let only = try Self.entry(report, variant: nil)
        #expect(only.started == 9)
        #expect(only.unmappedEvents == ["m1": 10, "m2": 5])
        #expect(report.input.usersInSeveralStepOrders.isEmpty)
    }

    @Test func breakdownsCoincideWithOrSplitByStepOrder() throws {
        var byVariant = noWindow()
        byVariant.breakdown = .property("variant")
        let report = try Self.report(Self.jsonLines(Self.events), options: byVariant)
        #expect(
            report.guides.map(\.label) == [
                "ab v1 [variant=(none)]", "ab v1 [variant=control]", "ab v1 [variant=modal] · steps of variant modal",
                "ab v1 [variant=tour]",
            ]
        )
        let modal = try Self.entry(report, variant: "modal", group: "variant=modal")
        let plain = try Self.entry(Self.report(Self.jsonLines(Self.events)), variant: "modal")
        #expect(modal.steps == plain.steps)
        #expect(modal.started == plain.started)
        #expect(try Self.entry(report, variant: nil, group: "variant=tour").started == 3)

        var byPlatform = noWindow()
        byPlatform.breakdown = .property("platform")
        let split = try Self.report(Self.jsonLines(Self.events), options: byPlatform)
        #expect(
            split.guides.map(\.label) == [
                "ab v1 [platform=ios]", "ab v1 [platform=ios] · steps of variant modal", "ab v1 [platform=web]",
                "ab v1 [platform=web] · steps of variant modal",
            ]
        )
        let iosModal = try Self.entry(split, variant: "modal", group: "platform=ios")
        #expect(iosModal.started == 2)  // u3, u4
        #expect(iosModal.finished == 1)
        #expect(iosModal.steps.map(\.dropped) == [0, 1])
        #expect(try Self.entry(split, variant: nil, group: "platform=web").started == 3)  // u7, u8, u9
    }

    @Test func comparingTwoVariantsComparesCompletionOnly() throws {
        var options = noWindow()
        options.compare = ReportOptions.CompareSpec(parsing: "ab@tour..modal")
        options.breakdown = .property("variant")
        let report = try Self.report(Self.jsonLines(Self.events), options: options)
        let comparison = try #require(report.comparisons.first)
        #expect(report.comparisons.count == 1)
        #expect(comparison.rows.map(\.metric) == ["completion"])
        #expect(comparison.rows[0].baseline == Rate(1, of: 3))  // u1 of u1, u2, u8
        #expect(comparison.rows[0].candidate == Rate(2, of: 5))
        #expect(comparison.note == "the two sides show different steps: only completion is compared")
        #expect(TableRenderer().render(report).contains("only completion is compared"))
    }

    @Test func versionComparisonsPairEntriesByStepOrder() throws {
        var second = Self.outline
        second.version = 2
        let book = StepOrderBook(current: [second], earlier: [Self.outline])
        var events = Self.events
        for event in Self.events {
            var copy = event
            copy.version = 2
            copy.user += "-2"
            events.append(copy)
        }
        var options = noWindow()
        options.compare = ReportOptions.CompareSpec(parsing: "ab@1..2")
        let report = try Self.report(Self.jsonLines(events), book: book, options: options)
        #expect(report.guides.count == 4)
        #expect(
            report.comparisons.map { "\($0.baseline) → \($0.candidate)" } == [
                "v1 · guide steps → v2 · guide steps", "v1 · steps of variant modal → v2 · steps of variant modal",
            ]
        )
        #expect(report.comparisons.allSatisfy { $0.note == nil })
        #expect(report.comparisons[1].rows.map(\.metric) == ["completion", "m1", "m2"])
        #expect(report.input.usersInSeveralStepOrders == ["ab v1": 1, "ab v2": 1])
    }

    @Test func renderersShowTheStepOrderLabel() throws {
        let report = try Self.report(Self.jsonLines(Self.events))
        let table = TableRenderer().render(report)
        #expect(table.contains("ab v1 · steps of variant modal  AB"))
        #expect(table.contains("; the steps of variant modal"))
        #expect(table.contains("unmapped events (step not in v1 (steps of variant modal)): a (1)"))
        #expect(table.contains("ab v1: 1 users with events in more than one step order (counted in each)"))

        let json = JSONRenderer().render(report)
        #expect(json.contains("\"step_variant\": \"modal\""))
        #expect(json.contains("\"step_variant\": null"))
        #expect(json.contains("\"users_in_several_step_orders\": {\n      \"ab v1\": 1\n    }"))

        let csv = CSVRenderer().render(report).split(separator: "\n")
        let header = csv[0].split(separator: ",").map(String.init)
        let variantColumn = try #require(header.firstIndex(of: "step_variant"))
        #expect(header[variantColumn - 1] == "order_source")
        let cells = csv.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(cells.filter { $0[variantColumn] == "modal" }.map { $0[4] } == ["m1", "m2"])
        #expect(cells.filter { $0[variantColumn] == "" && $0[variantColumn - 1] == "current file" }.count == 3)

        let html = HTMLRenderer().render(report)
        #expect(html.contains("ab v1 · steps of variant modal"))
        #expect(html.contains("users with events in more than one step order"))
    }

    @Test func guideFilesGiveVariantStepOrders() throws {
        let yaml = """
            id: ab
            name: AB
            version: 1
            status: published
            rollout:
              percent: 100
              variants:
                - {id: control, weight: 20}
                - {id: tour, weight: 40}
                - id: modal
                  weight: 40
                  steps:
                    - {id: m1, kind: modal}
                    - {id: m2, kind: modal}
            steps:
              - {id: a, kind: modal}
              - {id: b, kind: modal}
              - {id: c, kind: modal}
            """
        let outline = try GuideOutline(yaml: yaml, file: "ab.yaml")
        var expected = Self.outline
        expected.variants = ["control", "tour", "modal"]
        expected.holdout = "control"
        #expect(outline == expected)
        #expect(outline.stepOrder(forVariant: "modal").steps == ["m1", "m2"])
        #expect(outline.stepOrder(forVariant: "tour").variant == nil)
        #expect(outline.stepOrder(forVariant: nil).steps == ["a", "b", "c"])
    }

    @Test func earlierVersionsKeepTheirVariantStepsFromGit() throws {
        let root = try StepOrderBookTests.scratchFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("guides/ab.yaml")
        try StepOrderBookTests.run(["git", "init", "-q"], in: root)
        for (version, variantSteps) in [(1, ["m1", "m2"]), (2, ["n1"])] {
            var text = "id: ab\nname: AB\nversion: \(version)\nstatus: published\nrollout:\n  percent: 100\n"
            text += "  variants:\n    - id: tour\n      weight: 50\n    - id: modal\n      weight: 50\n      steps:\n"
            for step in variantSteps { text += "        - {id: \(step), kind: modal}\n" }
            text += "steps:\n  - {id: a, kind: modal}\n  - {id: b, kind: modal}\n"
            try text.write(to: file, atomically: true, encoding: .utf8)
            try StepOrderBookTests.run(["git", "add", "-A"], in: root)
            try StepOrderBookTests.run(
                [
                    "git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "commit", "-qm",
                    "v\(version)",
                ],
                in: root
            )
        }
        let book = try StepOrderBook(guidesFolder: root.appendingPathComponent("guides").path)
        #expect(book.resolve(guide: "ab", version: 1)?.outline.variantSteps == ["modal": ["m1", "m2"]])
        #expect(book.resolve(guide: "ab", version: 2)?.outline.variantSteps == ["modal": ["n1"]])

        var log = LogBuilder()
        log.add(0, "x", "step_completed", "m2", guide: "ab", version: 1, extra: ",\"variant\":\"modal\"")
        log.add(0, "y", "step_completed", "n1", guide: "ab", version: 2, extra: ",\"variant\":\"modal\"")
        log.add(0, "z", "step_viewed", "m1", guide: "ab", version: 2, extra: ",\"variant\":\"modal\"")
        let report = try makeReport(log.text, book: book, options: noWindow())
        let old = try #require(report.guides.first { $0.version == 1 })
        #expect(old.stepVariant == "modal")
        #expect(old.orderSource == .gitHistory)
        #expect(old.steps.map(\.id) == ["m1", "m2"])
        #expect(old.finished == 1)  // completing m2, the last step of v1's modal order
        let new = try #require(report.guides.first { $0.version == 2 })
        #expect(new.steps.map(\.id) == ["n1"])
        #expect(new.finished == 1)
        #expect(new.unmappedEvents == ["m1": 1])
        #expect(report.guides.count == 2)
    }
}
