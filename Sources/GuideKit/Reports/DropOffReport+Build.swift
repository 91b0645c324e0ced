import Foundation

extension DropOffReport {
    /// Reads event logs and builds the report.
    ///
    /// - Parameters:
    ///   - sources: the event logs.
    ///   - book: the step order of every guide version.
    ///   - options: filters, window, breakdown and comparison.
    /// - Throws: ``EventLogError`` when a source cannot be read at all.
    public init(reading sources: [EventSource], book: StepOrderBook, options: ReportOptions = ReportOptions()) throws {
        try self.init(reading: sources, book: book, options: options, threads: nil, minimumPartSize: nil)
    }

    /// The same, with the reader's parallelism, window and C event runs settable (tests force small
    /// parts to exercise merging, small windows to exercise records that span them, and the Swift
    /// reader alone to check the runs against it).
    init(
        reading sources: [EventSource],
        book: StepOrderBook,
        options: ReportOptions,
        threads: Int?,
        minimumPartSize: Int?,
        windowSize: Int? = nil,
        usesEventRuns: Bool = true
    ) throws {
        var filter = EventTally.Filter()
        filter.guides = Set(options.guides)
        filter.since = options.since
        filter.until = options.until
        if case .property(let name) = options.breakdown { filter.groupProperty = name }
        var reader = EventLogReader(filter: filter)
        if let threads { reader.threads = threads }
        if let minimumPartSize { reader.minimumPartSize = minimumPartSize }
        if let windowSize { reader.windowSize = windowSize }
        reader.usesEventRuns = usesEventRuns
        let result = try reader.read(sources, book: book)
        self = try ReportAssembler(read: result, sources: sources, book: book, options: options).assemble()
    }

    /// Reads event logs and builds the report with the reader's settings given, for the fuzz targets in
    /// `Fuzz/`, which compare the C event runs with the Swift reader (not a public API).
    ///
    /// - Parameters:
    ///   - sources: the event logs.
    ///   - book: the step order of every guide version.
    ///   - options: filters, window, breakdown and comparison.
    ///   - threads: reading threads; `nil` for one per core (at most 8).
    ///   - minimumPartSize: the least size of a file that is cut into parts; `nil` for 16 MiB.
    ///   - windowSize: bytes read at a time; `nil` for a quarter megabyte.
    ///   - usesEventRuns: whether the C event runs read the common lines (`false`: the Swift reader reads all).
    /// - Returns: the report.
    /// - Throws: ``EventLogError`` when a source cannot be read at all.
    @_spi(Testing) public static func reading(
        _ sources: [EventSource],
        book: StepOrderBook,
        options: ReportOptions,
        threads: Int?,
        minimumPartSize: Int?,
        windowSize: Int?,
        usesEventRuns: Bool
    ) throws -> DropOffReport {
        try DropOffReport(
            reading: sources,
            book: book,
            options: options,
            threads: threads,
            minimumPartSize: minimumPartSize,
            windowSize: windowSize,
            usesEventRuns: usesEventRuns
        )
    }
}

/// Turns the tallies into the report: one pass over each thread's runs, which hold their step slots.
struct ReportAssembler {
    let read: EventLogReader.Result
    let sources: [EventSource]
    let book: StepOrderBook
    let options: ReportOptions

    /// Counters of one guide version (or group).
    struct GroupCounts: Sendable {
        var started = 0
        var noStep = 0
        var finished = 0
        var dismissed = 0
        var finishSkew = 0
        var finishTimes = DurationList()
        var reached: [Int]
        var completed: [Int]
        var dismissedAt: [Int]
        var snoozed: [Int]
        /// Users per step whose target was missing (`step_target_missing`).
        var targetMissing: [Int]
        var dropped: [Int]
        var inProgress: [Int]
        var skewed: [Int]
        var durations: [DurationList]

        /// Adds `other`'s counts (its durations are copied into this one's lists).
        mutating func add(_ other: GroupCounts) {
            started += other.started
            noStep += other.noStep
            finished += other.finished
            dismissed += other.dismissed
            finishSkew += other.finishSkew
            finishTimes.append(contentsOf: other.finishTimes)
            for step in reached.indices {
                reached[step] += other.reached[step]
                completed[step] += other.completed[step]
                dismissedAt[step] += other.dismissedAt[step]
                snoozed[step] += other.snoozed[step]
                targetMissing[step] += other.targetMissing[step]
                dropped[step] += other.dropped[step]
                inProgress[step] += other.inProgress[step]
                skewed[step] += other.skewed[step]
                durations[step].append(contentsOf: other.durations[step])
            }
        }

        init(steps: Int) {
            reached = Array(repeating: 0, count: steps)
            completed = reached
            dismissedAt = reached
            snoozed = reached
            targetMissing = reached
            dropped = reached
            inProgress = reached
            skewed = reached
            durations = (0..<steps).map { _ in DurationList() }
        }
    }

    /// Counts the runs of one thread's tally per group and step.
    ///
    /// The counters are kept flat while counting (one block per measure, indexed by the group's first
    /// step plus the step, in memory of their own: this loop runs once per run, millions of times) and
    /// handed back as one ``GroupCounts`` per group.
    private static func count(
        _ tally: EventTally,
        groups: [GroupRegistry.Group],
        window: Double,
        cutoff: Double
    ) -> [GroupCounts] {
        let stepCounts = groups.map(\.steps.count)
        let isKnown = groups.map { $0.resolution != nil }
        var offsets: [Int] = []
        var total = 0
        for count in stepCounts {
            offsets.append(total)
            total += count
        }
        // Five counters per group: started, no step, dismissed, finished, finish skew.
        let perGroup = UnsafeMutablePointer<Int>.allocate(capacity: max(1, groups.count * 5))
        perGroup.initialize(repeating: 0, count: groups.count * 5)
        defer { perGroup.deallocate() }
        let started = perGroup
        let noStep = perGroup + groups.count
        let dismissed = perGroup + groups.count * 2
        let finished = perGroup + groups.count * 3
        let finishSkew = perGroup + groups.count * 4
        // Seven counters per step: reached, completed, dismissed, snoozed, dropped, in progress, skewed.
        let perStep = UnsafeMutablePointer<Int>.allocate(capacity: max(1, total * 7))
        perStep.initialize(repeating: 0, count: total * 7)
        defer { perStep.deallocate() }
        let reached = perStep
        let completed = perStep + total
        let dismissedAt = perStep + total * 2
        let snoozed = perStep + total * 3
        let dropped = perStep + total * 4
        let inProgress = perStep + total * 5
        let skewed = perStep + total * 6
        // Durations, one list per step and then one per group for finishing: whole seconds below
        // DurationList.histogramSize are counted in a histogram per list (unless there are so many
        // lists that the histograms would outweigh the durations), larger ones listed; Doubles once
        // the step slots are (see ``RunTable/compactSlots``).
        let listCount = total + groups.count
        let histogramSize = DurationList.histogramSize
        let usesHistograms = listCount * histogramSize * MemoryLayout<UInt32>.stride <= 4 << 20
        let histogramLimit = UInt32(usesHistograms ? histogramSize : 0)
        let histogramCount = usesHistograms ? listCount * histogramSize : 1
        let histograms = UnsafeMutablePointer<UInt32>.allocate(capacity: histogramCount)
        histograms.initialize(repeating: 0, count: histogramCount)
        defer { histograms.deallocate() }
        let largeSeconds = UnsafeMutablePointer<GrowableBuffer<UInt32>>.allocate(capacity: max(1, listCount))
        largeSeconds.initialize(repeating: GrowableBuffer(), count: listCount)
        defer { largeSeconds.deallocate() }
        let otherTimes = UnsafeMutablePointer<GrowableBuffer<Double>>.allocate(capacity: max(1, listCount))
        otherTimes.initialize(repeating: GrowableBuffer(), count: listCount)
        defer { otherTimes.deallocate() }
        let runs = tally.runs
        let records = runs.records.base
        let slots = runs.slotReader
        let compactSlots = slots.compact
        stepCounts.withUnsafeBufferPointer { stepCounts in
            offsets.withUnsafeBufferPointer { offsets in
                isKnown.withUnsafeBufferPointer { isKnown in
                    for run in 0..<runs.count {
                        let record = records[run]
                        let times = slots.times(of: run, record)
                        let group = Int(record.group)
                        started[group] += 1
                        if record.flags & RunTable.reachedAnyStep == 0 { noStep[group] += 1 }
                        if record.flags & RunTable.dismissedAnywhere != 0 { dismissed[group] += 1 }
                        guard isKnown[group] else { continue }
                        let stepCount = stepCounts[group]
                        var finishedAt = times.completed
                        let first = Int(record.firstSlot)
                        if record.firstSlot != RunTable.noSlots, stepCount > 0 {
                            finishedAt = min(finishedAt, slots.slot(first + stepCount - 1).completed)
                        }
                        let isFinished = finishedAt < .infinity
                        if isFinished {
                            finished[group] += 1
                            if times.started < .infinity {
                                if finishedAt >= times.started {
                                    let list = total + group
                                    let duration = finishedAt - times.started
                                    if compactSlots == nil {
                                        otherTimes[list].append(duration)
                                    } else if UInt32(duration) < histogramLimit {
                                        // Whole seconds from the origin: the difference is exact.
                                        histograms[list * histogramSize + Int(duration)] += 1
                                    } else {
                                        largeSeconds[list].append(UInt32(duration))
                                    }
                                } else {
                                    finishSkew[group] += 1
                                }
                            }
                        }
                        guard record.firstSlot != RunTable.noSlots else { continue }
                        let base = offsets[group]
                        // Without branches on the data (0 or 1 per counter): which steps a user reached is
                        // unpredictable, and mispredicted branches cost more than the adds.
                        var furthest = -1
                        for step in 0..<stepCount {
                            let at = base + step
                            let slot = slots.slot(first + step)
                            let flags = slot.flags
                            let wasViewed = slot.viewed < .infinity ? 1 : 0
                            let wasCompleted = slot.completed < .infinity ? 1 : 0
                            let wasReached = wasViewed | wasCompleted
                            let hasBoth = wasViewed & wasCompleted
                            let isInOrder = slot.completed >= slot.viewed ? 1 : 0
                            furthest = wasReached != 0 ? step : furthest
                            dismissedAt[at] &+= flags & EventTally.dismissedHere != 0 ? 1 : 0
                            snoozed[at] &+= flags & EventTally.snoozedHere != 0 ? 1 : 0
                            completed[at] &+= wasCompleted
                            reached[at] &+= wasReached
                            let hasDuration = hasBoth & isInOrder
                            if let compactSlots {
                                // The times without their flag bits; 0 without a duration, which then adds 0
                                // to the histogram.
                                let raw = compactSlots[first + step]
                                let elapsed = (raw.completed & RunTable.noTime) &- (raw.viewed & RunTable.noTime)
                                let duration = hasDuration != 0 ? elapsed : 0
                                if duration < histogramLimit {
                                    histograms[at * histogramSize + Int(duration)] &+= UInt32(hasDuration)
                                } else if hasDuration != 0 {
                                    largeSeconds[at].append(duration)
                                }
                            } else {
                                otherTimes[at].append(slot.completed - slot.viewed, if: hasDuration != 0)
                            }
                            skewed[at] &+= hasBoth & (1 - isInOrder)
                        }
                        // An unfinished run ends at its furthest step: dropped there, or still in progress.
                        if !isFinished, furthest >= 0 {
                            if window <= 0 || times.last < cutoff {
                                dropped[base + furthest] += 1
                            } else {
                                inProgress[base + furthest] += 1
                            }
                        }
                    }
                }
            }
        }
        // Steps not shown: one entry per user and step whose target was missing.
        var targetMissing = Array(repeating: 0, count: total)
        for entry in tally.targetMissing {
            let record = records[Int(entry >> 32)]
            let group = Int(record.group)
            let step = Int(entry & 0xFFFF_FFFF)
            guard isKnown[group], step < stepCounts[group] else { continue }
            targetMissing[offsets[group] + step] += 1
        }
        func durations(_ list: Int) -> DurationList {
            DurationList(
                histogram: usesHistograms ? UnsafePointer(histograms + list * histogramSize) : nil,
                seconds: largeSeconds[list],
                values: otherTimes[list]
            )
        }
        return groups.indices.map { group in
            var counts = GroupCounts(steps: stepCounts[group])
            counts.started = started[group]
            counts.noStep = noStep[group]
            counts.dismissed = dismissed[group]
            counts.finished = finished[group]
            counts.finishSkew = finishSkew[group]
            counts.finishTimes = durations(total + group)
            let first = offsets[group]
            let steps = stepCounts[group]
            func counters(_ block: UnsafeMutablePointer<Int>) -> [Int] {
                Array(UnsafeBufferPointer(start: block + first, count: steps))
            }
            counts.reached = counters(reached)
            counts.completed = counters(completed)
            counts.dismissedAt = counters(dismissedAt)
            counts.snoozed = counters(snoozed)
            counts.targetMissing = Array(targetMissing[first..<first + steps])
            counts.dropped = counters(dropped)
            counts.inProgress = counters(inProgress)
            counts.skewed = counters(skewed)
            counts.durations = (0..<steps).map { durations(first + $0) }
            return counts
        }
    }

    /// Builds the report.
    ///
    /// - Throws: the error of an ``EventStream`` that failed while the goal pass read it again.
    func assemble() throws -> DropOffReport {
        let statistics = read.tallies[0]
        for other in read.tallies.dropFirst() { statistics.mergeStatistics(other) }
        // The log's latest time, whatever the filters left out: --guide must not move "now".
        let logLatest = max(statistics.latest, statistics.filteredLatest)
        let asOf: Double? = options.asOf ?? (logLatest > -.infinity ? logLatest : nil)
        let window = Double(options.windowSeconds)
        let cutoff = (asOf ?? 0) - window
        let groups = read.registry.all
        // The user index is needed only to find users in several step orders; freed before counting,
        // whose time lists are the report's largest allocation.
        let severalOrders = Self.usersInSeveralStepOrders(read.tallies, groups: groups)
        // Goals and exposures: a second, light pass over the logs, only when the main read noted lines that
        // are not guide events (product events, exposures) and a guide has a goal or variants.
        let outlines = Array(book.current.values) + book.earlier.values.flatMap { $0.values.map(\.outline) }
        let needsGoals = outlines.contains { $0.goalEvent != nil || !$0.variants.isEmpty }
        var goalEvents: GoalEventReader?
        if needsGoals, statistics.issues[.otherEvent]?.count ?? 0 > 0 {
            let names = Set(outlines.compactMap(\.goalEvent))
            goalEvents = GoalEventReader(sources: sources, goalEvents: names, options: options)
            if let failure = goalEvents?.failure { throw failure }
        }
        let goalCounts = goalEvents.flatMap { goals in
            goals.productEventCount > 0
                ? Self.goalCounts(read.tallies, groups: groups, goals: goals, asOf: asOf ?? .infinity) : nil
        }
        for tally in read.tallies { tally.runs.releaseUsers() }
        // Each thread's runs are counted on their own thread, then the counts are added up.
        let perTally = ResultSlots<[GroupCounts]>(count: read.tallies.count)
        let tallies = SendableTallies(read.tallies)
        DispatchQueue.concurrentPerform(iterations: read.tallies.count) { index in
            perTally.store(index, Self.count(tallies.tallies[index], groups: groups, window: window, cutoff: cutoff))
        }
        var counts = perTally.take(0) ?? groups.map { GroupCounts(steps: $0.steps.count) }
        for index in 1..<max(read.tallies.count, 1) {
            guard let more = perTally.take(index) else { continue }
            for group in counts.indices { counts[group].add(more[group]) }
        }

        // Events per group, unmapped steps per group.
        var groupEvents = [Int](repeating: 0, count: groups.count)
        var unmapped = [[String: Int]](repeating: [:], count: groups.count)
        for tally in read.tallies {
            for (group, count) in tally.groupEvents.enumerated() { groupEvents[group] += count }
            for key in 0..<tally.stepKeys.count where tally.stepIndexOfKey[key] == EventTally.unmappedStep {
                let packed = tally.stepKeys.keys[key]
                let group = Int(packed >> 32)
                guard groups[group].resolution != nil else { continue }
                let step = tally.strings.string(Int32(truncatingIfNeeded: packed & 0xFFFF_FFFF))
                unmapped[group][step, default: 0] += tally.stepEvents[key]
            }
        }
        // Medians and p90s of every step and of finishing, largest lists first, in parallel.
        var lists: [(group: Int, step: Int, durations: DurationList, skewed: Int)] = []
        for (id, count) in counts.enumerated() {
            lists.append((id, -1, count.finishTimes, count.finishSkew))
            for step in count.durations.indices { lists.append((id, step, count.durations[step], count.skewed[step])) }
        }
        lists.sort { $0.durations.count > $1.durations.count }
        let found = ResultSlots<Timing>(count: lists.count)
        let jobs = lists
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            found.store(index, jobs[index].durations.timing(skewed: jobs[index].skewed))
        }
        var stepTimingsOf = counts.map { Array(repeating: Timing(durations: [], skewed: 0), count: $0.durations.count) }
        var finishTimingOf = Array(repeating: Timing(durations: [], skewed: 0), count: counts.count)
        for (index, job) in lists.enumerated() {
            guard let timing = found.take(index) else { continue }
            if job.step < 0 { finishTimingOf[job.group] = timing } else { stepTimingsOf[job.group][job.step] = timing }
        }
        var unknownGuides: [String: Int] = [:]
        var guides: [GuideVersionReport] = []
        for (id, group) in groups.enumerated() {
            guard let resolution = group.resolution else {
                unknownGuides[group.guide, default: 0] += groupEvents[id]
                continue
            }
            if group.hasVariantSteps, groupEvents[id] == 0 { continue }  // a step order no event met
            let count = counts[id]
            let (stepTimings, finishTiming) = (stepTimingsOf[id], finishTimingOf[id])
            var steps: [StepReport] = []
            for (index, stepId) in group.steps.enumerated() {
                steps.append(
                    StepReport(
                        index: index,
                        id: stepId,
                        reached: count.reached[index],
                        completed: count.completed[index],
                        dismissed: count.dismissedAt[index],
                        snoozed: count.snoozed[index],
                        notShown: StepReport.NotShown(targetMissing: count.targetMissing[index]),
                        dropped: count.dropped[index],
                        inProgress: count.inProgress[index],
                        dropRate: Rate(count.dropped[index], of: count.reached[index]),
                        time: stepTimings[index],
                        title: resolution.outline.stepTitles[stepId],
                        isOptional: resolution.outline.optionalSteps.contains(stepId)
                    )
                )
            }
            let worst = steps.filter { $0.dropped > 0 }
                .max { ($0.dropRate.value ?? 0, -$0.index) < ($1.dropRate.value ?? 0, -$1.index) }
            guides.append(
                GuideVersionReport(
                    guide: resolution.outline.id,
                    name: resolution.outline.name,
                    version: resolution.outline.version,
                    group: groupLabel(group.value),
                    stepVariant: group.stepVariant,
                    orderSource: resolution.source,
                    orderOrigin: resolution.origin,
                    started: count.started,
                    noStepShown: count.noStep,
                    finished: count.finished,
                    completion: Rate(count.finished, of: count.started),
                    dismissed: count.dismissed,
                    timeToFinish: finishTiming,
                    steps: steps,
                    unmappedEvents: unmapped[id],
                    worstStep: worst?.index,
                    events: groupEvents[id],
                    goal: resolution.outline.goalEvent.map { event in
                        GoalConversion(
                            event: event,
                            withinSeconds: resolution.outline.goalWithinSeconds,
                            converted: goalCounts.map { Rate($0.converted[id], of: count.started) },
                            open: goalCounts?.open[id] ?? 0
                        )
                    }
                )
            )
        }
        guides.sort { lhs, rhs in
            let left = (lhs.guide, lhs.version, lhs.group ?? "", lhs.stepVariant ?? "")
            return left < (rhs.guide, rhs.version, rhs.group ?? "", rhs.stepVariant ?? "")
        }

        var report = DropOffReport(
            guides: guides,
            comparisons: [],
            input: inputSummary(
                statistics,
                unknownGuides: unknownGuides,
                severalOrders: severalOrders
            ),
            asOf: asOf,
            windowSeconds: options.windowSeconds,
            breakdown: options.breakdown.name
        )
        if let spec = options.compare {
            report.comparisons = Comparison.make(spec, from: guides, breakdown: options.breakdown)
        }
        if let goalEvents {
            report.experiments = Self.experiments(goals: goalEvents, book: book, asOf: asOf ?? .infinity)
            report.input.productEvents = goalEvents.productEventCount
            report.input.exposures = goalEvents.exposureCount
            report.input.goalsUnread = goalEvents.unreadSources
        }
        return report
    }

    private func groupLabel(_ value: String?) -> String? {
        guard case .property(let name) = options.breakdown else { return nil }
        return "\(name)=\(value ?? "(none)")"
    }

    private func inputSummary(
        _ tally: EventTally,
        unknownGuides: [String: Int],
        severalOrders: [String: Int]
    ) -> InputSummary {
        let skipped = tally.issues.keys.sorted().compactMap { issue -> InputSummary.Skipped? in
            guard let entry = tally.issues[issue] else { return nil }
            return InputSummary.Skipped(
                issue: issue,
                count: entry.count,
                first: entry.first.map {
                    InputSummary.Place(file: sources[$0.file].name, line: $0.line, detail: $0.detail)
                }
            )
        }
        return InputSummary(
            files: read.files.map {
                InputSummary.File(
                    name: $0.name,
                    format: $0.format,
                    bytes: $0.bytes,
                    lines: $0.lines,
                    events: $0.events,
                    skipped: $0.issues
                )
            },
            lines: tally.lines,
            events: tally.events,
            filteredOut: tally.filteredOut,
            skipped: skipped,
            unknownGuides: unknownGuides,
            usersInSeveralStepOrders: severalOrders,
            guideProblems: book.problems.map(\.description),
            timeRange: tally.events > 0 ? tally.earliest...tally.latest : nil
        )
    }
}

/// One result per index, written by concurrent workers (each index by one worker only).
final class ResultSlots<Value>: @unchecked Sendable {
    private var values: [Value?]
    private let lock = NSLock()

    init(count: Int) {
        values = Array(repeating: nil, count: count)
    }

    func store(_ index: Int, _ value: Value) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    func take(_ index: Int) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        let value = values[index]
        values[index] = nil
        return value
    }
}

/// The tallies, read (never written) by the counting workers.
private final class SendableTallies: @unchecked Sendable {
    let tallies: [EventTally]

    init(_ tallies: [EventTally]) {
        self.tallies = tallies
    }
}
