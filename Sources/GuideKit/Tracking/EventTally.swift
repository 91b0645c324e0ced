import CHotPath
import Foundation

/// What one reading thread keeps while streaming a log.
///
/// Each thread parses its part of the input. An event belongs to the thread chosen by the hash of its
/// user id: the owner keeps, per user and guide version (a run), a few timestamps and per step the
/// first view and completion. Events of users owned by another thread are handed over in batches, so
/// each run lives in exactly one thread and nothing is merged. Memory grows with users × guides, never
/// with the number of events; every measure is a set membership, a first time or a last time, so
/// duplicates and input order do not matter.
final class EventTally {
    /// Which events to keep.
    struct Filter {
        var guides: Set<String> = []
        var since: Double?
        var until: Double?
        /// The property whose value splits each guide version into groups (`variant`, `platform`).
        var groupProperty: String?
    }

    /// Step slot flag: a guide_dismissed at this step.
    static let dismissedHere: UInt8 = 1
    /// Step slot flag: a guide_snoozed at this step.
    static let snoozedHere: UInt8 = 2
    /// Step marker: the event has no step.
    static let noStep: Int32 = -1
    /// Step marker: the step is not in the version's order.
    static let unmappedStep: Int32 = -2

    let filter: Filter
    let groupPropertyBytes: [UInt8]?
    /// The same bytes at a fixed address, for the C reader (`nil` without a breakdown property).
    let groupKeyBytes: FlatBuffer<UInt8>?
    let shard: Int
    let registry: GroupRegistry
    let mailbox: Mailbox
    /// Recently resolved event keys (see ``EventKeyCache``).
    let keyCache = EventKeyCache()
    /// Groups of variants with their own step order (see ``VariantGroups``).
    let variantGroups: VariantGroups
    let allowedGuides: Set<Int32>
    let hasGuideFilter: Bool

    // Parsing side: ids local to this thread.
    let strings = ByteInterner()
    private let guideVersions = KeyIndex(capacity: 256)
    private let groupKeys = KeyIndex(capacity: 256)
    private let groupOfKey = FlatBuffer<Int32>()
    /// Step order of each global group this thread has met (empty for unknown guides).
    private var stepNames: [[String]?] = []
    /// The number of steps of each global group, `-1` until this thread meets the group.
    private let stepCounts = FlatBuffer<Int32>(capacity: 256)
    /// (group, local step id) → step index or ``unmappedStep``, and the events naming it.
    let stepKeys = KeyIndex(capacity: 1_024)
    let stepIndexOfKey = FlatBuffer<Int32>()
    let stepEvents = FlatBuffer<Int>()
    /// Valid events per global group.
    let groupEventCounts = FlatBuffer<Int>(capacity: 256)
    /// Scratch space of ``process(_:)``: user slots, then run indices.
    private let lookups: UnsafeMutablePointer<Int>
    /// Batches being filled for each thread (this one's too).
    ///
    /// Held unmanaged (each with one retain) so that appending an event costs no reference counting.
    private let outboxes: UnsafeMutablePointer<Unmanaged<RoutedBatch>>
    /// The layout of this thread's last JSON lines, which the C reader follows (see `gk_json_layout`).
    let jsonLayout: UnsafeMutablePointer<gk_json_layout>
    /// The counters the hot loop touches and the C event runs' state (see `gk_reader_state`), behind a
    /// pointer.
    ///
    /// Class properties would pay for a dynamic exclusivity check on every access. Allocated apart from
    /// other threads' data (see ``allocateLarge(_:capacity:)``): sharing a cache line with another
    /// thread's counters would bounce it between the cores on every event.
    let hot: UnsafeMutablePointer<gk_reader_state>
    /// The C event runs' view of ``outboxes`` (see ``runEvents(from:_:)``).
    private let runOutboxes: UnsafeMutablePointer<gk_outbox>
    /// The keys the C event runs remember (`gk_key_entry`).
    private let runKeys: UnsafeMutablePointer<gk_key_entry>
    /// Whether the C event runs may read this thread's lines: not with a breakdown property, whose
    /// values they do not resolve, nor when the reader turned them off.
    let runsAllowed: Bool

    // Owner side.
    let runs = RunTable()
    /// The steps whose target was missing (`step_target_missing`), as run << 32 | step index: one entry
    /// per user and step, as each run is one user's within one group.
    var targetMissing = Set<UInt64>()

    /// Lines read.
    var lines: Int {
        get { hot.pointee.lines }
        set { hot.pointee.lines = newValue }
    }
    /// Valid events used.
    var events: Int {
        get { hot.pointee.events }
        set { hot.pointee.events = newValue }
    }
    /// Valid events left out by filters.
    var filteredOut: Int {
        get { hot.pointee.filteredOut }
        set { hot.pointee.filteredOut = newValue }
    }
    /// The earliest event time used.
    var earliest: Double {
        get { hot.pointee.earliest }
        set { hot.pointee.earliest = newValue }
    }
    /// The latest event time used.
    var latest: Double {
        get { hot.pointee.latest }
        set { hot.pointee.latest = newValue }
    }

    /// The latest time of a valid event that a filter left out (`-infinity` without one).
    var filteredLatest: Double {
        get { hot.pointee.filteredLatest }
        set { hot.pointee.filteredLatest = newValue }
    }
    /// Valid events per global group.
    var groupEvents: [Int] { (0..<groupEventCounts.count).map { groupEventCounts[$0] } }
    var issues: [InputIssue: IssueTally] = [:]
    /// The file being read (index into the reader's source list).
    var fileIndex = 0
    /// The chunk of the file being read (see ``EventLogReader``); ``lineInPart`` counts from its start.
    var chunk = 0
    /// Whether the part being read ended inside a quoted CSV field (an unclosed quote): when it is not the
    /// end of the file, the part after it was cut inside a record (see ``EventLogReader``).
    var endedInsideQuotes = false
    /// The line number within the part of the file being read.
    var lineInPart: Int {
        get { hot.pointee.lineInPart }
        set { hot.pointee.lineInPart = newValue }
    }

    /// Reusable scratch space for decoded strings.
    var scratch: [UInt8] = []

    /// Where an issue occurred and how often.
    struct IssueTally {
        var count = 0
        /// The first few: file, chunk of the file (0 once the reader has made `line` count from the
        /// file's start), line and detail.
        var first: [(file: Int, chunk: Int, line: Int, detail: String)] = []
    }

    init(filter: Filter, shard: Int, registry: GroupRegistry, mailbox: Mailbox, usesEventRuns: Bool = true) {
        self.filter = filter
        self.shard = shard
        self.registry = registry
        self.mailbox = mailbox
        variantGroups = VariantGroups(registry: registry, groupProperty: filter.groupProperty)
        groupPropertyBytes = filter.groupProperty.map { Array($0.utf8) }
        groupKeyBytes = groupPropertyBytes.map { bytes in
            let buffer = FlatBuffer<UInt8>(capacity: bytes.count)
            for byte in bytes { buffer.append(byte) }
            return buffer
        }
        outboxes = UnsafeMutablePointer<Unmanaged<RoutedBatch>>.allocate(capacity: mailbox.count)
        for owner in 0..<mailbox.count { (outboxes + owner).initialize(to: .passRetained(RoutedBatch())) }
        jsonLayout = .allocate(capacity: 1)
        jsonLayout.initialize(to: gk_json_layout())
        lookups = allocateLarge(Int.self, capacity: Self.lookupGroup * 4)
        runOutboxes = .allocate(capacity: mailbox.count)
        runOutboxes.initialize(repeating: gk_outbox(), count: mailbox.count)
        runKeys = allocateLarge(gk_key_entry.self, capacity: Int(GK_KEY_ENTRIES))
        runKeys.initialize(repeating: gk_key_entry(), count: Int(GK_KEY_ENTRIES))
        runsAllowed = usesEventRuns && filter.groupProperty == nil
        hot = allocateLarge(gk_reader_state.self, capacity: 1)
        hot.initialize(to: gk_reader_state())
        hot.pointee.cachedDateTail = .max  // no date yet (see `gk_reader_state`)
        hot.pointee.previousDateTail = .max
        hot.pointee.earliest = .infinity
        hot.pointee.latest = -.infinity
        hot.pointee.filteredLatest = -.infinity
        hot.pointee.since = filter.since ?? -.infinity
        hot.pointee.until = filter.until ?? .infinity
        hot.pointee.owners = mailbox.count
        hot.pointee.outboxes = runOutboxes
        hot.pointee.keys = runKeys
        hot.pointee.usesVariant = variantGroups.isActive ? 1 : 0
        var allowed: Set<Int32> = []
        for guide in filter.guides { allowed.insert(strings.intern(guide)) }
        allowedGuides = allowed
        hasGuideFilter = !allowed.isEmpty
        scratch.reserveCapacity(256)
    }

    deinit {
        for owner in 0..<mailbox.count { outboxes[owner].release() }
        outboxes.deinitialize(count: mailbox.count)
        outboxes.deallocate()
        hot.deinitialize(count: 1)
        releaseLarge(hot)
        runOutboxes.deallocate()
        runKeys.deinitialize(count: Int(GK_KEY_ENTRIES))
        releaseLarge(runKeys)
        jsonLayout.deallocate()
        releaseLarge(lookups)
    }

    @inline(never)
    func note(_ issue: InputIssue, line: Int, detail: String = "") {
        var tally = issues[issue, default: IssueTally()]
        tally.count += 1
        if tally.first.count < 5 { tally.first.append((fileIndex, chunk, line, detail)) }
        issues[issue] = tally
    }

    // MARK: Parsing side

    /// Whether the `--since`/`--until` filters leave out an event at `time` (counted when they do).
    @inline(__always)
    func isFilteredOut(time: Double) -> Bool {
        if let since = filter.since, time < since {
            countFilteredOut(time: time)
            return true
        }
        if let until = filter.until, time >= until {
            countFilteredOut(time: time)
            return true
        }
        return false
    }

    /// Counts a valid event that a filter leaves out.
    func countFilteredOut(time: Double) {
        filteredOut += 1
        if time > filteredLatest { filteredLatest = time }
    }

    /// The group and step key of an event that passed the filters; `step`, `value` and `variant` are
    /// local string ids or `-1`.
    func makeKey(guide: Int32, version: Int32, step: Int32, value: Int32, variant: Int32) -> EventKey {
        let base = globalGroup(guide: guide, version: version, value: value)
        let group = variant < 0 ? base : variantGroups.group(base, variant: variant, in: self)
        guard step >= 0 else { return EventKey(group: Int32(group), stepKey: -1) }
        let (key, isNew) = stepKeys.insert(UInt64(group) << 32 | UInt64(UInt32(bitPattern: step)))
        if isNew {
            let name = strings.string(step)
            let index = stepNames[group]?.firstIndex(of: name).map(Int32.init) ?? Self.unmappedStep
            stepIndexOfKey.append(index)
            stepEvents.append(0)
        }
        return EventKey(group: Int32(group), stepKey: Int32(key))
    }

    /// Adds one valid event read by this thread, which passed the filters; the user is given by its bytes.
    @inline(__always)
    func add(time: Double, user: UnsafeRawPointer, userCount: Int, key: EventKey, type: UInt8) {
        events += 1
        if time > latest { latest = time }
        if time < earliest { earliest = time }
        let group = Int(key.group)
        groupEventCounts[group] += 1
        var stepIndex = Self.noStep
        if key.stepKey >= 0 {
            stepEvents[Int(key.stepKey)] += 1
            stepIndex = stepIndexOfKey[Int(key.stepKey)]
        }
        let hash = hashBytes(user, userCount)
        // The owning thread from the hash's top bits, by a multiply instead of a division.
        let owner = Int(truncatingIfNeeded: ((hash >> 32) &* UInt64(mailbox.count)) >> 32)
        // Even this thread's own events go through a batch: tallied a batch at a time, the lookups of
        // many events overlap (see ``process(_:)``).
        let isFull = outboxes[owner]._withUnsafeGuaranteedRef { batch in
            let offset = batch.bytes.count
            batch.bytes.appendShort(user, count: userCount)
            batch.events.append(
                RoutedEvent(
                    time: time,
                    hash: hash,
                    userOffset: UInt32(truncatingIfNeeded: offset),
                    userCount: UInt32(truncatingIfNeeded: userCount),
                    group: UInt32(truncatingIfNeeded: group),
                    step: stepIndex,
                    type: type
                )
            )
            return batch.isFull
        }
        if isFull { send(to: owner) }
    }

    /// Hands the batch for `owner` over (or tallies it, when it is this thread's) and starts an empty one.
    @inline(never)
    private func send(to owner: Int) {
        let batch = outboxes[owner].takeUnretainedValue()
        guard batch.events.count > 0 else { return }
        if owner == shard {
            process(batch)
            batch.clear()
            return
        }
        mailbox.post(batch, to: owner)
        outboxes[owner].release()
        outboxes[owner] = .passRetained(mailbox.emptyBatch())
    }

    @inline(__always)
    private func globalGroup(guide: Int32, version: Int32, value: Int32) -> Int {
        let guideVersion = UInt64(UInt32(bitPattern: guide)) << 32 | UInt64(UInt32(bitPattern: version))
        let key: UInt64
        if groupPropertyBytes == nil {
            key = guideVersion
        } else {
            let (index, _) = guideVersions.insert(guideVersion)
            key = UInt64(index) << 32 | UInt64(UInt32(bitPattern: value &+ 1))
        }
        let (slot, isNew) = groupKeys.insert(key)
        if !isNew { return Int(groupOfKey[slot]) }
        let (id, steps) = registry.id(
            guide: strings.string(guide),
            version: version,
            value: value < 0 ? nil : strings.string(value)
        )
        groupOfKey.append(Int32(id))
        remember(group: id, steps: steps)
        return id
    }

    func remember(group: Int, steps: [String]) {
        if stepNames.count <= group {
            stepNames.append(contentsOf: Array(repeating: nil, count: group + 1 - stepNames.count))
        }
        stepNames[group] = steps
        while stepCounts.count <= group { stepCounts.append(-1) }
        stepCounts[group] = Int32(steps.count)
        while groupEventCounts.count <= group { groupEventCounts.append(0) }
    }

    /// Posts the partly filled batches (at the end of a part).
    func flushOutboxes() {
        for owner in 0..<mailbox.count { send(to: owner) }
    }

    /// Runs a C event run (`gk_csv_event_run`, `gk_json_event_run`) from `start`, handing over the
    /// batches it fills, and returns where it stopped: the end, or a line for the Swift reader.
    @inline(__always)
    func runEvents(from start: Int, _ run: (Int) -> Int) -> Int {
        var position = start
        while true {
            for owner in 0..<mailbox.count {
                runOutboxes[owner] = outboxes[owner]._withUnsafeGuaranteedRef { batch in
                    gk_outbox(
                        events: batch.events.base,
                        count: batch.events.count,
                        capacity: RoutedBatch.capacity,
                        bytes: batch.bytes.base,
                        byteCount: batch.bytes.count,
                        byteCapacity: batch.bytes.storageCapacity
                    )
                }
            }
            hot.pointee.groupEvents = groupEventCounts.base
            hot.pointee.stepEvents = stepEvents.base
            position = run(position)
            for owner in 0..<mailbox.count {
                let outbox = runOutboxes[owner]
                outboxes[owner]._withUnsafeGuaranteedRef { batch in
                    batch.events.setCount(outbox.count)
                    batch.bytes.setCount(outbox.byteCount)
                }
            }
            guard hot.pointee.stopReason == GK_RUN_FULL else { return position }
            send(to: hot.pointee.fullOwner)
        }
    }

    /// Lets the C event runs take the next lines of `key` without this reader, when the line just read
    /// is one they sent here only because they did not know its key yet.
    @inline(__always)
    func rememberKey(_ key: EventKey, type: UInt8) {
        guard hot.pointee.pending.isSet != 0 else { return }
        let stepIndex = key.stepKey >= 0 ? stepIndexOfKey[Int(key.stepKey)] : Self.noStep
        gk_remember_key(hot, key.group, key.stepKey, stepIndex, Int32(type))
    }

    /// Lets the C event runs count the next lines of a guide that the `--guide` filter leaves out.
    @inline(__always)
    func rememberFilteredGuide(hasStep: Bool, type: UInt8) {
        guard hot.pointee.pending.isSet != 0 else { return }
        gk_remember_key(hot, -1, hasStep ? 0 : -1, Self.noStep, Int32(type))
    }

    // MARK: Owner side

    /// Tallies the events other threads handed over.
    func drainInbox() {
        let batches = mailbox.take(for: shard)
        guard !batches.isEmpty else { return }
        for batch in batches { process(batch) }
        mailbox.recycle(batches)
    }

    /// How many events ``process(_:)`` looks up together.
    private static let lookupGroup = 32

    /// Tallies a batch of events of users this thread owns.
    ///
    /// Most of the time goes to cache misses: the user's slot, then the run, then its step slots, each
    /// depending on the one before. So events are taken in groups of ``lookupGroup`` and the memory
    /// each step needs is prefetched ahead: the user slots three groups ahead (one group ahead left a
    /// tenth of this function's time waiting on them), then this group's runs, then their step slots.
    /// A run further down its user's list is searched in rounds, one record per event per round with
    /// the next one prefetched, so those misses overlap too. The misses of many events overlap instead
    /// of following each other. A user or run that is not there yet is added in the last step, in input
    /// order.
    private func process(_ batch: RoutedBatch) {
        let bytes = UnsafeRawPointer(batch.bytes.base)
        let events = batch.events.base
        let count = batch.events.count
        let group = Self.lookupGroup
        // Per event of the group: its user's slot, its run, the record to look at next in its user's
        // list (-1 when not searching) and the record before that one (-1 for the list's head).
        let userSlots = lookups
        let foundRuns = lookups + group
        let cursors = lookups + group * 2
        let previous = lookups + group * 3
        // The runs' storage, snapshotted: read through the table, every event would retain its buffers.
        var slots = runs.slotPointers
        for index in 0..<min(count, group * 3) { runs.prefetchUser(hash: events[index].hash) }
        var start = 0
        while start < count {
            let records = slots.records
            let stop = min(count, start + group)
            let size = stop - start
            for index in min(count, stop + group * 2)..<min(count, stop + group * 3) {
                runs.prefetchUser(hash: events[index].hash)
            }
            for at in 0..<size {
                let event = events + start + at
                let slot = runs.findUser(
                    user: bytes + Int(event.pointee.userOffset),
                    count: Int(event.pointee.userCount),
                    hash: event.pointee.hash
                )
                userSlots[at] = slot
                if slot >= 0 { runs.prefetchFirstRun(userSlot: slot) }
            }
            var searching = 0
            for at in 0..<size {
                foundRuns[at] = -1
                cursors[at] = -1
                previous[at] = -1
                guard userSlots[at] >= 0 else { continue }
                let head = runs.firstRun(userSlot: userSlots[at])
                guard head != RunTable.noRun else { continue }
                if records[Int(head)].group == events[start + at].group {
                    foundRuns[at] = Int(head)
                    continue
                }
                let next = records[Int(head)].next
                guard next != RunTable.noRun else { continue }
                previous[at] = Int(head)
                cursors[at] = Int(next)
                gk_prefetch(records + Int(next))
                searching += 1
            }
            while searching > 0 {
                searching = 0
                for at in 0..<size where cursors[at] >= 0 {
                    let cursor = cursors[at]
                    if records[cursor].group == events[start + at].group {
                        foundRuns[at] = cursor
                        cursors[at] = -1
                        continue
                    }
                    let next = records[cursor].next
                    previous[at] = cursor
                    guard next != RunTable.noRun else {
                        cursors[at] = -1
                        continue
                    }
                    cursors[at] = Int(next)
                    gk_prefetch(records + Int(next))
                    searching += 1
                }
            }
            for at in 0..<size where foundRuns[at] >= 0 {
                let run = foundRuns[at]
                if previous[at] >= 0 { runs.moveToFront(run: run, after: previous[at], userSlot: userSlots[at]) }
                let step = events[start + at].step
                if step >= 0 { runs.prefetchSlot(run: run, step: Int(step)) }
            }
            for at in 0..<size {
                let event = events[start + at]
                let group = Int(event.group)
                if group >= stepCounts.count || stepCounts[group] < 0 {
                    remember(group: group, steps: registry.steps(of: group))
                }
                var run = foundRuns[at]
                if run < 0 {
                    run = runs.find(
                        user: bytes + Int(event.userOffset),
                        count: Int(event.userCount),
                        hash: event.hash,
                        group: event.group,
                        time: event.time
                    )
                    slots = runs.slotPointers  // a run was added (and the table may have been widened)
                }
                tally(run: run, time: event.time, group: group, step: event.step, type: event.type, slots: &slots)
            }
            start = stop
        }
    }

    @inline(__always)
    private func tally(
        run: Int,
        time: Double,
        group: Int,
        step: Int32,
        type: UInt8,
        slots: inout RunTable.SlotPointers
    ) {
        // The time in whole seconds from the origin while the table is compact; a time that does not
        // fit widens it (see ``RunTable/widen()``).
        var seconds: UInt32?
        if slots.compact != nil {
            if slots.origin == nil { slots.origin = runs.origin(settingFrom: time) }
            seconds = RunTable.seconds(time, from: slots.origin.unsafelyUnwrapped)
            if seconds == nil {
                runs.widen()
                slots = runs.slotPointers
            }
        }
        let record = slots.records + run
        if type == 1 || type == 2 { record.pointee.groupAndFlags |= RunTable.reachedAnyStep }
        if type == 4 { record.pointee.groupAndFlags |= RunTable.dismissedAnywhere }
        if let seconds {
            if seconds > record.pointee.times.last { record.pointee.times.last = seconds }
            if type == 0, seconds < record.pointee.times.started { record.pointee.times.started = seconds }
            if type == 3, seconds < record.pointee.times.completed { record.pointee.times.completed = seconds }
        } else if let wideTimes = slots.times {
            let times = wideTimes + run
            if time > times.pointee.last { times.pointee.last = time }
            if type == 0, time < times.pointee.started { times.pointee.started = time }
            if type == 3, time < times.pointee.completed { times.pointee.completed = time }
        }
        guard step >= 0 else { return }
        if type == GuideEventType.targetMissingCode {
            // The step was not shown: no slot, only the user and step.
            targetMissing.insert(UInt64(run) << 32 | UInt64(UInt32(bitPattern: step)))
            return
        }
        if record.pointee.firstSlot == RunTable.noSlots {
            record.pointee.firstSlot = runs.addSlots(Int(stepCounts[group]))
            slots = runs.slotPointers
        }
        let slotIndex = Int(record.pointee.firstSlot) + Int(step)
        switch type {
        case 1, 2:
            if let seconds, let compact = slots.compact {
                // The top bit of each field is a flag (see ``CompactStepSlot``).
                let slot = compact + slotIndex
                if type == 1 {
                    let viewed = slot.pointee.viewed
                    if seconds < viewed & RunTable.noTime { slot.pointee.viewed = viewed & RunTable.slotFlag | seconds }
                } else {
                    let completed = slot.pointee.completed
                    if seconds < completed & RunTable.noTime {
                        slot.pointee.completed = completed & RunTable.slotFlag | seconds
                    }
                }
            } else if let wide = slots.wide {
                let slot = wide + slotIndex
                if type == 1 {
                    if time < slot.pointee.viewed { slot.pointee.viewed = time }
                } else if time < slot.pointee.completed {
                    slot.pointee.completed = time
                }
            }
        case 4:
            if let compact = slots.compact {
                compact[slotIndex].viewed |= RunTable.slotFlag
            } else {
                slots.wide?[slotIndex].flags |= Self.dismissedHere
            }
        case 5:
            if let compact = slots.compact {
                compact[slotIndex].completed |= RunTable.slotFlag
            } else {
                slots.wide?[slotIndex].flags |= Self.snoozedHere
            }
        default:
            break
        }
    }

    /// Folds another thread's input statistics into this one's (the runs stay where they are).
    func mergeStatistics(_ other: EventTally) {
        lines += other.lines
        events += other.events
        filteredOut += other.filteredOut
        earliest = min(earliest, other.earliest)
        latest = max(latest, other.latest)
        filteredLatest = max(filteredLatest, other.filteredLatest)
        for (issue, tally) in other.issues {
            var mine = issues[issue, default: IssueTally()]
            mine.count += tally.count
            mine.first = Array((mine.first + tally.first).sorted { ($0.file, $0.line) < ($1.file, $1.line) }.prefix(5))
            issues[issue] = mine
        }
    }
}
