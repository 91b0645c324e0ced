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

    /// The same, with the reader's parallelism settable (tests force small parts to exercise merging).
    init(
        reading sources: [EventSource],
        book: StepOrderBook,
        options: ReportOptions,
        threads: Int?,
        minimumPartSize: Int?
    ) throws {
        var filter = EventTally.Filter()
        filter.guides = Set(options.guides)
        filter.since = options.since
        filter.until = options.until
        if case .property(let name) = options.breakdown { filter.groupProperty = name }
        var reader = EventLogReader(filter: filter)
        if let threads { reader.threads = threads }
        if let minimumPartSize { reader.minimumPartSize = minimumPartSize }
        let (tally, files) = try reader.read(sources)
        self = ReportAssembler(tally: tally, files: files, sources: sources, book: book, options: options).assemble()
    }
}

/// Turns a tally into the report: resolves step orders, walks the records twice, counts.
struct ReportAssembler {
    let tally: EventTally
    let files: [EventLogReader.FileCounts]
    let sources: [EventSource]
    let book: StepOrderBook
    let options: ReportOptions

    func assemble() -> DropOffReport {
        let asOf: Double? = options.asOf ?? (tally.events > 0 ? tally.latest : nil)
        let window = Double(options.windowSeconds)
        let groupCount = tally.groups.count

        // Resolve every group's order; map (group, step string) → index.
        var resolutions: [StepOrderBook.Resolution?] = []
        var offsets: [Int] = []
        var totalSteps = 0
        var unknownGuides: [String: Int] = [:]
        let stepIndex = KeyIndex(capacity: 1_024)
        let stepIndexValue = FlatBuffer<Int32>()
        let lastIndex = FlatBuffer<Int32>()
        for group in 0..<groupCount {
            let guide = tally.strings.string(tally.groupGuide[group])
            let resolution = book.resolve(guide: guide, version: Int(tally.groupVersion[group]))
            resolutions.append(resolution)
            offsets.append(totalSteps)
            guard let resolution else {
                unknownGuides[guide, default: 0] += tally.groupEvents[group]
                lastIndex.append(-1)
                continue
            }
            for (index, step) in resolution.outline.steps.enumerated() {
                let id = tally.strings.intern(step)
                let (slot, isNew) = stepIndex.insert(UInt64(group) << 32 | UInt64(UInt32(bitPattern: id)))
                if isNew { stepIndexValue.append(Int32(index)) } else { stepIndexValue[slot] = Int32(index) }
            }
            lastIndex.append(Int32(resolution.outline.steps.count - 1))
            totalSteps += resolution.outline.steps.count
        }

        // Pass 1: per run, the furthest step, finishing by the last step, dismissals.
        let runCount = tally.runs.count
        var furthest = [Int32](repeating: -1, count: runCount)
        var reachedAny = [Bool](repeating: false, count: runCount)
        var lastStepDone = [Double](repeating: .infinity, count: runCount)
        var dismissedAny = [Bool](repeating: false, count: runCount)
        let recordCount = tally.stepRecords.count
        var recordIndex = [Int32](repeating: -1, count: recordCount)
        for record in 0..<recordCount {
            let key = tally.stepRecords.keys[record]
            let run = Int(key >> 32)
            let group = Int(tally.runs.keys[run] & 0xFFFF_FFFF)
            let reached = tally.stepViewed[record] < .infinity || tally.stepCompleted[record] < .infinity
            if tally.stepFlags[record] & EventTally.dismissedHere != 0 { dismissedAny[run] = true }
            if reached { reachedAny[run] = true }
            guard resolutions[group] != nil,
                let slot = stepIndex.find(UInt64(group) << 32 | (key & 0xFFFF_FFFF))
            else { continue }
            let index = stepIndexValue[slot]
            recordIndex[record] = index
            if reached, index > furthest[run] { furthest[run] = index }
            if index == lastIndex[group], tally.stepCompleted[record] < lastStepDone[run] {
                lastStepDone[run] = tally.stepCompleted[record]
            }
        }

        // Pass 2: per step counts and durations.
        var reached = [Int](repeating: 0, count: totalSteps)
        var completed = reached
        var dismissed = reached
        var snoozed = reached
        var dropped = reached
        var inProgress = reached
        var skewed = reached
        var durations = [[Double]](repeating: [], count: totalSteps)
        for record in 0..<recordCount {
            let index = Int(recordIndex[record])
            guard index >= 0 else { continue }
            let run = Int(tally.stepRecords.keys[record] >> 32)
            let group = Int(tally.runs.keys[run] & 0xFFFF_FFFF)
            let cell = offsets[group] + index
            let viewed = tally.stepViewed[record]
            let done = tally.stepCompleted[record]
            let flags = tally.stepFlags[record]
            if flags & EventTally.dismissedHere != 0 { dismissed[cell] += 1 }
            if flags & EventTally.snoozedHere != 0 { snoozed[cell] += 1 }
            if done < .infinity { completed[cell] += 1 }
            guard viewed < .infinity || done < .infinity else { continue }
            reached[cell] += 1
            if viewed < .infinity, done < .infinity {
                if done >= viewed { durations[cell].append(done - viewed) } else { skewed[cell] += 1 }
            }
            let isFinished = tally.runCompleted[run] < .infinity || lastStepDone[run] < .infinity
            if Int32(index) == furthest[run], !isFinished {
                if window <= 0 || tally.runLast[run] < (asOf ?? 0) - window {
                    dropped[cell] += 1
                } else {
                    inProgress[cell] += 1
                }
            }
        }

        // Per run: started, no step shown, finished, time to finish.
        var started = [Int](repeating: 0, count: groupCount)
        var noStep = started
        var finished = started
        var dismissedUsers = started
        var finishSkew = started
        var finishTimes = [[Double]](repeating: [], count: groupCount)
        for run in 0..<runCount {
            let group = Int(tally.runs.keys[run] & 0xFFFF_FFFF)
            started[group] += 1
            if !reachedAny[run] { noStep[group] += 1 }
            if dismissedAny[run] || tally.runFlags[run] & EventTally.dismissedWithoutStep != 0 {
                dismissedUsers[group] += 1
            }
            let finishedAt = min(tally.runCompleted[run], lastStepDone[run])
            guard finishedAt < .infinity else { continue }
            finished[group] += 1
            let startedAt = tally.runStarted[run]
            if startedAt < .infinity {
                if finishedAt >= startedAt {
                    finishTimes[group].append(finishedAt - startedAt)
                } else {
                    finishSkew[group] += 1
                }
            }
        }

        // Unmapped steps.
        var unmapped = [[String: Int]](repeating: [:], count: groupCount)
        for counter in 0..<tally.groupSteps.count {
            let key = tally.groupSteps.keys[counter]
            let group = Int(key >> 32)
            guard resolutions[group] != nil, stepIndex.find(key) == nil else { continue }
            unmapped[group][tally.strings.string(Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)), default: 0] +=
                tally.groupStepEvents[counter]
        }

        var guides: [GuideVersionReport] = []
        for group in 0..<groupCount {
            guard let resolution = resolutions[group] else { continue }
            let value = tally.groupValue[group]
            var steps: [StepReport] = []
            for (index, id) in resolution.outline.steps.enumerated() {
                let cell = offsets[group] + index
                steps.append(
                    StepReport(
                        index: index,
                        id: id,
                        reached: reached[cell],
                        completed: completed[cell],
                        dismissed: dismissed[cell],
                        snoozed: snoozed[cell],
                        dropped: dropped[cell],
                        inProgress: inProgress[cell],
                        dropRate: Rate(dropped[cell], of: reached[cell]),
                        time: Timing(durations: durations[cell], skewed: skewed[cell])
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
                    group: groupLabel(value),
                    orderSource: resolution.source,
                    orderOrigin: resolution.origin,
                    started: started[group],
                    noStepShown: noStep[group],
                    finished: finished[group],
                    completion: Rate(finished[group], of: started[group]),
                    dismissed: dismissedUsers[group],
                    timeToFinish: Timing(durations: finishTimes[group], skewed: finishSkew[group]),
                    steps: steps,
                    unmappedEvents: unmapped[group],
                    worstStep: worst?.index,
                    events: tally.groupEvents[group]
                )
            )
        }
        guides.sort { ($0.guide, $0.version, $0.group ?? "") < ($1.guide, $1.version, $1.group ?? "") }

        let report = DropOffReport(
            guides: guides,
            comparisons: [],
            input: inputSummary(unknownGuides: unknownGuides),
            asOf: asOf,
            windowSeconds: options.windowSeconds,
            breakdown: options.breakdown.name
        )
        guard let spec = options.compare else { return report }
        var withComparison = report
        withComparison.comparisons = Comparison.make(spec, from: guides, breakdown: options.breakdown)
        return withComparison
    }

    private func groupLabel(_ value: Int32) -> String? {
        guard case .property(let name) = options.breakdown else { return nil }
        return "\(name)=\(value < 0 ? "(none)" : tally.strings.string(value))"
    }

    private func inputSummary(unknownGuides: [String: Int]) -> InputSummary {
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
            files: files.map {
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
            guideProblems: book.problems.map(\.description),
            timeRange: tally.events > 0 ? tally.earliest...tally.latest : nil
        )
    }
}
