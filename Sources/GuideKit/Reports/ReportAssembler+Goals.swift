import Foundation

// Goals and experiments (see "Goals" and "Experiments and the holdout" in the DropOffReport article). The
// product events and exposures come from a second, light pass over the logs (``GoalEventReader``); the
// starts come from the runs the main read built, looked up by user before the user index is freed.
extension ReportAssembler {
    /// Per group: runs that reached the goal in time, and runs whose window was still open at `asOf`.
    struct GoalCounts {
        var converted: [Int]
        var open: [Int]
    }

    /// The goal of each group's guide version: its event and window, `nil` without a goal.
    static func goals(of groups: [GroupRegistry.Group]) -> [(event: String, within: Int?)?] {
        groups.map { group in
            group.resolution.flatMap { resolution in
                resolution.outline.goalEvent.map { ($0, resolution.outline.goalWithinSeconds) }
            }
        }
    }

    /// Counts, per group, the runs whose user did the goal event within the window after the run's start.
    ///
    /// A run starts at its first `guide_started`, or without one at its first step event (or its latest
    /// event, when it has neither).
    static func goalCounts(
        _ tallies: [EventTally],
        groups: [GroupRegistry.Group],
        goals: GoalEventReader,
        asOf: Double
    ) -> GoalCounts {
        let goalOf = Self.goals(of: groups)
        var counts = GoalCounts(
            converted: [Int](repeating: 0, count: groups.count),
            open: [Int](repeating: 0, count: groups.count)
        )
        guard goalOf.contains(where: { $0 != nil }) else { return counts }
        for tally in tallies {
            let runs = tally.runs
            let slots = runs.slotReader
            func start(of run: Int) -> Double {
                let record = runs.records[run]
                let times = slots.times(of: run, record)
                if times.started < .infinity { return times.started }
                var first = times.last
                if record.firstSlot != RunTable.noSlots {
                    for step in 0..<groups[Int(record.group)].steps.count {
                        let slot = slots.slot(Int(record.firstSlot) + step)
                        first = min(first, slot.viewed, slot.completed)
                    }
                }
                return first
            }
            for run in 0..<runs.count {
                let group = Int(runs.records[run].group)
                guard let goal = goalOf[group], let within = goal.within else { continue }
                if start(of: run) + Double(within) > asOf { counts.open[group] += 1 }
            }
            for user in goals.productEvents.keys {
                let slot = Array(user.utf8).withUnsafeBytes { bytes -> Int in
                    guard let base = bytes.baseAddress else { return -1 }
                    return runs.findUser(user: base, count: bytes.count, hash: hashBytes(base, bytes.count))
                }
                guard slot >= 0 else { continue }
                var run = runs.firstRun(userSlot: slot)
                while run != RunTable.noRun {
                    let record = runs.records[Int(run)]
                    let group = Int(record.group)
                    if let goal = goalOf[group],
                        goals.didReach(goal.event, user: user, from: start(of: Int(run)), within: goal.within)
                    {
                        counts.converted[group] += 1
                    }
                    run = record.next
                }
            }
        }
        return counts
    }

    /// The experiments that exposure events show: per guide version with exposures, each arm's exposed
    /// users and goal conversion, and each arm compared with the holdout.
    static func experiments(goals: GoalEventReader, book: StepOrderBook, asOf: Double) -> [ExperimentReport] {
        struct Version: Hashable {
            var guide: String
            var version: Int
        }
        var firstExposures: [Version: [String: [(user: String, time: Double)]]] = [:]
        for (key, time) in goals.exposures {
            firstExposures[Version(guide: key.guide, version: key.version), default: [:]][key.variant, default: []]
                .append((key.user, time))
        }
        let isMeasured = goals.productEventCount > 0
        var result: [ExperimentReport] = []
        for (version, byVariant) in firstExposures {
            let outline = book.resolve(guide: version.guide, version: version.version)?.outline
            let goal = outline?.goalEvent
            let within = outline?.goalWithinSeconds
            let holdout = outline?.holdout
            var variants = outline?.variants ?? []
            for variant in byVariant.keys.sorted() where !variants.contains(variant) { variants.append(variant) }
            var arms: [ExperimentReport.Arm] = variants.map { variant in
                let exposed = byVariant[variant] ?? []
                var converted: Rate?
                if let goal, isMeasured {
                    let count = exposed.filter {
                        goals.didReach(goal, user: $0.user, from: $0.time, within: within)
                    }
                    .count
                    converted = Rate(count, of: exposed.count)
                }
                let open = within.map { within in exposed.filter { $0.time + Double(within) > asOf }.count } ?? 0
                return ExperimentReport.Arm(
                    variant: variant,
                    isHoldout: variant == holdout,
                    exposed: exposed.count,
                    converted: converted,
                    open: open
                )
            }
            arms.sort { ($0.isHoldout ? 0 : 1, $0.variant) < ($1.isHoldout ? 0 : 1, $1.variant) }
            result.append(
                ExperimentReport(
                    guide: version.guide,
                    version: version.version,
                    goal: goal.map { GoalConversion(event: $0, withinSeconds: within, converted: nil, open: 0).label },
                    holdout: holdout,
                    arms: arms,
                    comparisons: holdoutComparisons(arms, guide: version.guide, version: version.version)
                )
            )
        }
        return result.sorted { ($0.guide, $0.version) < ($1.guide, $1.version) }
    }

    /// Each arm against the holdout on goal conversion, Holm-adjusted over the arms.
    static func holdoutComparisons(_ arms: [ExperimentReport.Arm], guide: String, version: Int) -> [Comparison] {
        guard let holdout = arms.first(where: \.isHoldout), let base = holdout.converted, base.of > 0 else {
            return []
        }
        var comparisons: [Comparison] = []
        for arm in arms where !arm.isHoldout {
            guard let rate = arm.converted, rate.of > 0 else { continue }
            let test = Statistics.twoProportionZTest(x1: base.count, n1: base.of, x2: rate.count, n2: rate.of)
            let row = Comparison.Row(
                metric: "goal",
                baseline: base,
                candidate: rate,
                difference: rate.value.flatMap { new in base.value.map { new - $0 } },
                z: test?.z,
                p: test?.p,
                adjustedP: nil,
                isSignificant: false
            )
            comparisons.append(
                Comparison(
                    guide: guide,
                    baseline: "v\(version) variant=\(holdout.variant)",
                    candidate: "v\(version) variant=\(arm.variant)",
                    rows: [row]
                )
            )
        }
        let tested = comparisons.indices.filter { comparisons[$0].rows[0].p != nil }
        let adjusted = Statistics.holm(tested.compactMap { comparisons[$0].rows[0].p })
        for (position, index) in tested.enumerated() {
            comparisons[index].rows[0].adjustedP = adjusted[position]
            comparisons[index].rows[0].isSignificant = adjusted[position] < 0.05
        }
        return comparisons
    }
}
