import Foundation

/// What the readers keep while streaming a log.
///
/// Per user and guide version a few timestamps, per user, guide version and step the first view and
/// completion. Memory grows with users × guides,
/// never with the number of events.
///
/// Every measure is a set membership, a first time or a last time, so reading an event twice (a
/// duplicate) or in any order gives the same tally. One tally per reading thread; ``merge(_:)``
/// folds another thread's tally into this one.
final class EventTally {
    /// Which events to keep.
    struct Filter {
        var guides: Set<String> = []
        var since: Double?
        var until: Double?
        /// The property whose value splits each guide version into groups (`variant`, `platform`).
        var groupProperty: String?
    }

    /// Run flags.
    static let dismissedWithoutStep: UInt8 = 1
    /// Step flags.
    static let dismissedHere: UInt8 = 1
    /// Step flags.
    static let snoozedHere: UInt8 = 2

    let filter: Filter
    let groupPropertyBytes: [UInt8]?
    private var allowedGuides: Set<Int32> = []

    let strings = ByteInterner()
    let users = ByteInterner()

    /// (guide, version, group value) → group.
    let groups = KeyIndex(capacity: 256)
    let groupVersionKeys = KeyIndex(capacity: 256)
    let groupGuide = FlatBuffer<Int32>()
    let groupVersion = FlatBuffer<Int32>()
    let groupValue = FlatBuffer<Int32>()
    let groupEvents = FlatBuffer<Int>()

    /// (user, group) → run: one user's events of one guide version.
    let runs = KeyIndex(capacity: 1 << 16)
    let runLast = FlatBuffer<Double>(capacity: 1 << 16)
    let runStarted = FlatBuffer<Double>(capacity: 1 << 16)
    let runCompleted = FlatBuffer<Double>(capacity: 1 << 16)
    let runFlags = FlatBuffer<UInt8>(capacity: 1 << 16)

    /// (run, step) → the first view and completion of the step.
    let stepRecords = KeyIndex(capacity: 1 << 16)
    let stepViewed = FlatBuffer<Double>(capacity: 1 << 16)
    let stepCompleted = FlatBuffer<Double>(capacity: 1 << 16)
    let stepFlags = FlatBuffer<UInt8>(capacity: 1 << 16)

    /// (group, step) → number of events naming the step.
    let groupSteps = KeyIndex(capacity: 1_024)
    let groupStepEvents = FlatBuffer<Int>()

    /// Input statistics.
    var lines = 0
    /// The line number within the part of the file being read.
    var lineInPart = 0
    var events = 0
    var filteredOut = 0
    var earliest = Double.infinity
    var latest = -Double.infinity
    var issues: [InputIssue: IssueTally] = [:]
    /// The file being read (index into the reader's file list).
    var fileIndex = 0
    /// Added to the local line numbers of this tally's issues for `fileIndex` (set when a file is
    /// split between threads and this tally read the second part).
    var lineBase = 0

    /// Reusable scratch space for decoded strings.
    var scratch: [UInt8] = []
    var scratch2: [UInt8] = []

    /// Where an issue occurred and how often.
    struct IssueTally {
        var count = 0
        var first: [(file: Int, line: Int, detail: String)] = []
    }

    init(filter: Filter) {
        self.filter = filter
        groupPropertyBytes = filter.groupProperty.map { Array($0.utf8) }
        for guide in filter.guides { allowedGuides.insert(strings.intern(guide)) }
        scratch.reserveCapacity(256)
        scratch2.reserveCapacity(256)
    }

    func note(_ issue: InputIssue, line: Int, detail: String = "") {
        var tally = issues[issue, default: IssueTally()]
        tally.count += 1
        if tally.first.count < 5 { tally.first.append((fileIndex, lineBase + line, detail)) }
        issues[issue] = tally
    }

    /// Adds one valid event.
    ///
    /// `step` and `value` are `-1` when absent.
    @inline(__always)
    func add(time: Double, user: Int32, guide: Int32, version: Int32, step: Int32, type: UInt8, value: Int32) {
        if !allowedGuides.isEmpty, !allowedGuides.contains(guide) {
            filteredOut += 1
            return
        }
        if let since = filter.since, time < since {
            filteredOut += 1
            return
        }
        if let until = filter.until, time >= until {
            filteredOut += 1
            return
        }
        events += 1
        if time > latest { latest = time }
        if time < earliest { earliest = time }
        let group = groupIndex(guide: guide, version: version, value: value)
        groupEvents[group] += 1

        let (run, isNewRun) = runs.insert(UInt64(UInt32(bitPattern: user)) << 32 | UInt64(group))
        if isNewRun {
            runLast.append(time)
            runStarted.append(.infinity)
            runCompleted.append(.infinity)
            runFlags.append(0)
        } else if time > runLast[run] {
            runLast[run] = time
        }
        switch type {
        case 0:
            if time < runStarted[run] { runStarted[run] = time }
        case 3:
            if time < runCompleted[run] { runCompleted[run] = time }
        default:
            break
        }
        guard step >= 0 else {
            if type == 4 { runFlags[run] |= Self.dismissedWithoutStep }
            return
        }
        let (counter, isNewCounter) = groupSteps.insert(UInt64(group) << 32 | UInt64(UInt32(bitPattern: step)))
        if isNewCounter { groupStepEvents.append(1) } else { groupStepEvents[counter] += 1 }

        let (record, isNew) = stepRecords.insert(UInt64(run) << 32 | UInt64(UInt32(bitPattern: step)))
        if isNew {
            stepViewed.append(.infinity)
            stepCompleted.append(.infinity)
            stepFlags.append(0)
        }
        switch type {
        case 1:
            if time < stepViewed[record] { stepViewed[record] = time }
        case 2:
            if time < stepCompleted[record] { stepCompleted[record] = time }
        case 4:
            stepFlags[record] |= Self.dismissedHere
        case 5:
            stepFlags[record] |= Self.snoozedHere
        default:
            break
        }
    }

    @inline(__always)
    private func groupIndex(guide: Int32, version: Int32, value: Int32) -> Int {
        let guideVersion = UInt64(UInt32(bitPattern: guide)) << 32 | UInt64(UInt32(bitPattern: version))
        let key: UInt64
        if groupPropertyBytes == nil {
            key = guideVersion
        } else {
            let (index, _) = groupVersionKeys.insert(guideVersion)
            key = UInt64(index) << 32 | UInt64(UInt32(bitPattern: value &+ 1))
        }
        let (group, isNew) = groups.insert(key)
        if isNew {
            groupGuide.append(guide)
            groupVersion.append(version)
            groupValue.append(value)
            groupEvents.append(0)
        }
        return group
    }

    /// Folds `other` (read by another thread) into this tally.
    func merge(_ other: EventTally) {
        var stringMap = [Int32](repeating: 0, count: other.strings.count)
        for id in 0..<other.strings.count {
            stringMap[id] = other.strings.withBytes(Int32(id)) { strings.intern($0, $1) }
        }
        var userMap = [Int32](repeating: 0, count: other.users.count)
        for id in 0..<other.users.count {
            userMap[id] = other.users.withBytes(Int32(id)) { users.intern($0, $1) }
        }
        var groupMap = [Int](repeating: 0, count: other.groups.count)
        for group in 0..<other.groups.count {
            let value = other.groupValue[group]
            let mapped = groupIndex(
                guide: stringMap[Int(other.groupGuide[group])],
                version: other.groupVersion[group],
                value: value < 0 ? -1 : stringMap[Int(value)]
            )
            groupMap[group] = mapped
            groupEvents[mapped] += other.groupEvents[group]
        }
        var runMap = [Int32](repeating: 0, count: other.runs.count)
        for run in 0..<other.runs.count {
            let key = other.runs.keys[run]
            let user = userMap[Int(key >> 32)]
            let group = groupMap[Int(key & 0xFFFF_FFFF)]
            let (mapped, isNew) = runs.insert(UInt64(UInt32(bitPattern: user)) << 32 | UInt64(group))
            runMap[run] = Int32(mapped)
            if isNew {
                runLast.append(other.runLast[run])
                runStarted.append(other.runStarted[run])
                runCompleted.append(other.runCompleted[run])
                runFlags.append(other.runFlags[run])
            } else {
                runLast[mapped] = max(runLast[mapped], other.runLast[run])
                runStarted[mapped] = min(runStarted[mapped], other.runStarted[run])
                runCompleted[mapped] = min(runCompleted[mapped], other.runCompleted[run])
                runFlags[mapped] |= other.runFlags[run]
            }
        }
        for record in 0..<other.stepRecords.count {
            let key = other.stepRecords.keys[record]
            let run = runMap[Int(key >> 32)]
            let step = stringMap[Int(key & 0xFFFF_FFFF)]
            let (mapped, isNew) = stepRecords.insert(UInt64(run) << 32 | UInt64(UInt32(bitPattern: step)))
            if isNew {
                stepViewed.append(other.stepViewed[record])
                stepCompleted.append(other.stepCompleted[record])
                stepFlags.append(other.stepFlags[record])
            } else {
                stepViewed[mapped] = min(stepViewed[mapped], other.stepViewed[record])
                stepCompleted[mapped] = min(stepCompleted[mapped], other.stepCompleted[record])
                stepFlags[mapped] |= other.stepFlags[record]
            }
        }
        for counter in 0..<other.groupSteps.count {
            let key = other.groupSteps.keys[counter]
            let group = groupMap[Int(key >> 32)]
            let step = stringMap[Int(key & 0xFFFF_FFFF)]
            let (mapped, isNew) = groupSteps.insert(UInt64(group) << 32 | UInt64(UInt32(bitPattern: step)))
            if isNew {
                groupStepEvents.append(other.groupStepEvents[counter])
            } else {
                groupStepEvents[mapped] += other.groupStepEvents[counter]
            }
        }
        lines += other.lines
        events += other.events
        filteredOut += other.filteredOut
        earliest = min(earliest, other.earliest)
        latest = max(latest, other.latest)
        for (issue, tally) in other.issues {
            var mine = issues[issue, default: IssueTally()]
            mine.count += tally.count
            mine.first = Array((mine.first + tally.first).sorted { ($0.file, $0.line) < ($1.file, $1.line) }.prefix(5))
            issues[issue] = mine
        }
    }
}
