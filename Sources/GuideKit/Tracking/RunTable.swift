import CHotPath

/// One user's tally within one guide version (a "run"): timestamps and flags, 28 bytes.
struct RunRecord {
    /// The guide version (or breakdown group).
    var group: UInt32
    /// The user's next run (``RunTable/noRun`` at the end of the list).
    var next: UInt32
    /// The first of this run's step slots (one per step of the version's order), or
    /// ``RunTable/noSlots`` before its first step event.
    var firstSlot: UInt32
    /// ``RunTable/reachedAnyStep``, ``RunTable/dismissedAnywhere``.
    var flags: UInt8
    /// The run's times in whole seconds from ``RunTable/origin``, while the table is compact; once it
    /// is widened, ``RunTable/wideTimes`` holds them instead.
    var times: CompactRunTimes
}

/// A run's latest event, first guide_started and first guide_completed (none: `UInt32.max`), in
/// whole seconds from ``RunTable/origin``.
struct CompactRunTimes {
    var last: UInt32
    var started: UInt32
    var completed: UInt32
}

/// A run's times in seconds since the epoch (none: +∞), once the table is widened.
struct RunTimes {
    var last: Double
    var started: Double
    var completed: Double
}

extension RunTimes {
    /// Compact times, whole seconds from `origin`, in seconds since the epoch.
    @inline(__always)
    init(_ compact: CompactRunTimes, origin: Double) {
        last = RunTable.time(compact.last, from: origin)
        started = RunTable.time(compact.started, from: origin)
        completed = RunTable.time(compact.completed, from: origin)
    }
}

/// The first view and completion of one step by one user.
struct StepSlot {
    var viewed: Double
    var completed: Double
}

/// A step slot in whole seconds from ``RunTable/origin`` (`UInt32.max` for none): half the size,
/// used while every timestamp is a whole second, as in most logs.
struct CompactStepSlot {
    var viewed: UInt32
    var completed: UInt32
}

extension StepSlot {
    /// A compact slot, whole seconds from `origin`, in seconds since the epoch.
    @inline(__always)
    init(_ compact: CompactStepSlot, origin: Double) {
        viewed = RunTable.time(compact.viewed, from: origin)
        completed = RunTable.time(compact.completed, from: origin)
    }
}

/// One slot of the user index: a user's id and the head of the user's list of runs.
///
/// The id's bytes are inline up to 16 bytes. Two slots share a cache line, so finding a user usually
/// costs one miss.
struct UserEntry {
    /// The user id's hash with the lowest bit set (0 marks an empty slot).
    var hash: UInt64
    /// The user's most recently used run, or ``RunTable/noRun``.
    var firstRun: UInt32
    /// The id's length in bytes.
    var count: UInt32
    /// Up to 16 bytes: the id's first and last eight (see ``inlineWords(_:_:)``), or for longer ids
    /// the offset of its bytes in the arena.
    var low: UInt64
    var high: UInt64

    /// An empty slot.
    static let empty = UserEntry(hash: 0, firstRun: 0, count: 0, low: 0, high: 0)
}

/// Runs by user and group: an open-addressing table of users, each heading a short list of its runs
/// (most recently used first, as a user's events come in bursts per guide), so an event usually
/// touches one user slot, one record and its step slots.
final class RunTable {
    /// A step of any kind was reached (mapped or not).
    static let reachedAnyStep: UInt8 = 1
    /// A guide_dismissed was seen (with or without a step).
    static let dismissedAnywhere: UInt8 = 2

    let records = FlatBuffer<RunRecord>(reserving: 16 << 30)
    /// Step slots in Doubles, once a time that is not a whole second was stored (see ``widen()``).
    private(set) var wideSlots: FlatBuffer<StepSlot>?
    /// Step slots in whole seconds from ``origin``, until ``widen()``.
    private(set) var compactSlots: FlatBuffer<CompactStepSlot>? = FlatBuffer(reserving: 16 << 30)
    /// The runs' times in Doubles, by run, once the table is widened (``RunRecord/times`` until then).
    private(set) var wideTimes: FlatBuffer<RunTimes>?
    /// The time that compact value 0 stands for (set by the first time stored).
    private(set) var origin: Double?
    /// Per step slot: ``EventTally/dismissedHere`` and ``EventTally/snoozedHere``.
    let slotFlags = FlatBuffer<UInt8>(reserving: 4 << 30)
    /// The user index (``UserEntry`` slots, linear probing).
    private var users: UnsafeMutablePointer<UserEntry>
    private var mask: Int
    /// The number of users.
    private(set) var userCount = 0
    /// The bytes of user ids longer than 16 bytes.
    private let arena = FlatBuffer<UInt8>(reserving: 4 << 30)

    init() {
        let size = 1 << 14
        users = allocateLarge(UserEntry.self, capacity: size)
        users.initialize(repeating: UserEntry.empty, count: size)
        mask = size - 1
    }

    deinit { releaseLarge(users) }

    /// `next` of a user's last run, and `firstRun` of a user without runs.
    static let noRun = UInt32.max

    var count: Int { records.count }

    /// `firstSlot` of a run that has no step event yet (its slots are added on the first one).
    static let noSlots = UInt32.max

    /// The first of `count` fresh step slots.
    @inline(__always)
    func addSlots(_ count: Int) -> UInt32 {
        let first = UInt32(truncatingIfNeeded: slotFlags.count)
        if let compactSlots {
            compactSlots.append(repeating: CompactStepSlot(viewed: .max, completed: .max), count: count)
        } else {
            wideSlots?.append(repeating: StepSlot(viewed: .infinity, completed: .infinity), count: count)
        }
        slotFlags.append(repeating: 0, count: count)
        return first
    }

    /// Where the records and step slots are now, for a loop that tallies many events.
    ///
    /// Read through the table, each use would retain the buffers. Out of date once a run was added,
    /// ``addSlots(_:)`` or ``widen()`` ran.
    struct SlotPointers {
        var records: UnsafeMutablePointer<RunRecord>
        var compact: UnsafeMutablePointer<CompactStepSlot>?
        var wide: UnsafeMutablePointer<StepSlot>?
        /// ``RunTable/wideTimes``.
        var times: UnsafeMutablePointer<RunTimes>?
        var flags: UnsafeMutablePointer<UInt8>
        /// ``RunTable/origin``.
        var origin: Double?
    }

    /// The storage as it is now.
    var slotPointers: SlotPointers {
        SlotPointers(
            records: records.base,
            compact: compactSlots?.base,
            wide: wideSlots?.base,
            times: wideTimes?.base,
            flags: slotFlags.base,
            origin: origin
        )
    }

    /// The time that compact value 0 stands for, set from `time` when no time has set it yet.
    func origin(settingFrom time: Double) -> Double {
        if let origin { return origin }
        let value = (time - 2_147_483_648).rounded(.down)
        origin = value
        return value
    }

    /// `time` in whole seconds from `origin`, or `nil` when it has a fraction or is out of range (the
    /// table must then be widened).
    @inline(__always)
    static func seconds(_ time: Double, from origin: Double) -> UInt32? {
        let offset = time - origin
        guard offset >= 0, offset < 4_294_967_295, offset == offset.rounded(.down) else { return nil }
        return UInt32(offset)
    }

    /// A compact value (`UInt32.max` for none) as seconds since the epoch (+∞ for none).
    @inline(__always)
    static func time(_ value: UInt32, from origin: Double) -> Double {
        value == .max ? .infinity : origin + Double(value)
    }

    /// `time` in whole seconds from the origin (setting it from the first time), or `nil` when the
    /// table is wide, or `time` has a fraction or is out of range (the table must then be widened).
    @inline(__always)
    func compactTime(_ time: Double) -> UInt32? {
        guard compactSlots != nil else { return nil }
        return Self.seconds(time, from: origin(settingFrom: time))
    }

    /// Converts the step slots and the runs' times to Doubles (once, on the first time that is not a
    /// whole second).
    func widen() {
        guard let compactSlots else { return }
        let wide = FlatBuffer<StepSlot>(reserving: 32 << 30)
        let origin = self.origin ?? 0
        for index in 0..<compactSlots.count { wide.append(StepSlot(compactSlots[index], origin: origin)) }
        let times = FlatBuffer<RunTimes>(reserving: 16 << 30)
        for run in 0..<records.count { times.append(RunTimes(records[run].times, origin: origin)) }
        wideSlots = wide
        wideTimes = times
        self.compactSlots = nil
    }

    /// Reads step slots without going through the table (for a loop over all of them).
    struct SlotReader {
        let compact: UnsafeMutablePointer<CompactStepSlot>?
        let wide: UnsafeMutablePointer<StepSlot>?
        /// ``RunTable/wideTimes``.
        let times: UnsafeMutablePointer<RunTimes>?
        let origin: Double

        /// The times of `run`, whose record is `record`, in seconds since the epoch.
        @inline(__always)
        func times(of run: Int, _ record: RunRecord) -> RunTimes {
            if let times { return times[run] }
            return RunTimes(record.times, origin: origin)
        }

        /// The slot at `index`, in seconds since the epoch.
        @inline(__always)
        func slot(_ index: Int) -> StepSlot {
            if let compact { return StepSlot(compact[index], origin: origin) }
            return wide.map { $0[index] } ?? StepSlot(viewed: .infinity, completed: .infinity)
        }
    }

    /// A reader of the step slots as they are now.
    var slotReader: SlotReader {
        SlotReader(compact: compactSlots?.base, wide: wideSlots?.base, times: wideTimes?.base, origin: origin ?? 0)
    }

    /// The record index of the run of the user (its bytes and ``hashBytes(_:_:)``) in `group`,
    /// adding the user and the run when new.
    @inline(__always)
    func find(user: UnsafeRawPointer, count: Int, hash: UInt64, group: UInt32, time: Double) -> Int {
        let slot = probe(user: user, count: count, hash: hash)
        guard slot >= 0 else {
            return addUser(at: users + ~slot, user: user, count: count, hash: hash | 1, group: group, time: time)
        }
        let run = findRun(userSlot: slot, group: group)
        return run >= 0 ? run : addRun(to: users + slot, group: group, time: time)
    }

    /// Starts loading the user slot where the search for a user with this hash begins, and the cache
    /// line after it (two slots per line): a search that goes on past its first line waited there for
    /// a tenth of the batch tally's time.
    @inline(__always)
    func prefetchUser(hash: UInt64) {
        let slot = Int(truncatingIfNeeded: hash >> 7) & mask
        gk_prefetch(users + slot)
        gk_prefetch(users + ((slot + 2) & mask))
    }

    /// Starts loading the most recently used run of the user at `userSlot`.
    @inline(__always)
    func prefetchFirstRun(userSlot: Int) {
        let run = users[userSlot].firstRun
        if run != Self.noRun { gk_prefetch_write(records.base + Int(run)) }
    }

    /// Starts loading the step slot of `step` in `run`, when the run has slots.
    @inline(__always)
    func prefetchSlot(run: Int, step: Int) {
        let first = records.base[run].firstSlot
        guard first != Self.noSlots else { return }
        if let compactSlots {
            gk_prefetch_write(compactSlots.base + Int(first) + step)
        } else if let wideSlots {
            gk_prefetch_write(wideSlots.base + Int(first) + step)
        }
    }

    /// The first run of the user at `userSlot` (``noRun`` for none).
    @inline(__always)
    func firstRun(userSlot: Int) -> UInt32 { users[userSlot].firstRun }

    /// Moves `run`, which follows `previous` in the list of the user at `userSlot`, to the front of
    /// that list; nothing when `previous` no longer points to it (an earlier event moved one of them).
    @inline(__always)
    func moveToFront(run: Int, after previous: Int, userSlot: Int) {
        let base = records.base
        guard base[previous].next == UInt32(truncatingIfNeeded: run) else { return }
        base[previous].next = base[run].next
        base[run].next = users[userSlot].firstRun
        users[userSlot].firstRun = UInt32(truncatingIfNeeded: run)
    }

    /// The slot of the user in the user index, or -1 when the user is not there (nothing is added).
    @inline(__always)
    func findUser(user: UnsafeRawPointer, count: Int, hash: UInt64) -> Int {
        let slot = probe(user: user, count: count, hash: hash)
        return slot >= 0 ? slot : -1
    }

    /// The slot holding the user, or `~slot` of the empty slot where the user would go.
    @inline(__always)
    private func probe(user: UnsafeRawPointer, count: Int, hash rawHash: UInt64) -> Int {
        let hash = rawHash | 1
        let (low, high) = count <= 16 ? inlineWords(user, count) : (0, 0)
        var slot = Int(truncatingIfNeeded: rawHash >> 7) & mask
        while true {
            let entry = users + slot
            let found = entry.pointee.hash
            if found == 0 { return ~slot }
            if found == hash, entry.pointee.count == UInt32(truncatingIfNeeded: count) {
                let same =
                    count <= 16
                    ? entry.pointee.low == low && entry.pointee.high == high
                    : bytesEqual(arena.base + Int(entry.pointee.low), user, count)
                if same { return slot }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The record index of the run in `group` of the user at `userSlot` (from ``findUser(user:count:hash:)``,
    /// with no user added since), moved to the front of the user's list; -1 when there is none yet.
    @inline(__always)
    func findRun(userSlot: Int, group: UInt32) -> Int {
        var index = users[userSlot].firstRun
        var previous = Self.noRun
        while index != Self.noRun {
            let record = records.base + Int(index)
            if record.pointee.group == group {
                if previous != Self.noRun { moveToFront(run: Int(index), after: Int(previous), userSlot: userSlot) }
                return Int(index)
            }
            previous = index
            index = record.pointee.next
        }
        return -1
    }

    private func addRun(to entry: UnsafeMutablePointer<UserEntry>, group: UInt32, time: Double) -> Int {
        let index = records.count
        var times = CompactRunTimes(last: .max, started: .max, completed: .max)
        if let last = compactTime(time) {
            times.last = last
        } else {
            widen()
            wideTimes?.append(RunTimes(last: time, started: .infinity, completed: .infinity))
        }
        records.append(
            RunRecord(group: group, next: entry.pointee.firstRun, firstSlot: Self.noSlots, flags: 0, times: times)
        )
        entry.pointee.firstRun = UInt32(truncatingIfNeeded: index)
        return index
    }

    private func addUser(
        at entry: UnsafeMutablePointer<UserEntry>,
        user: UnsafeRawPointer,
        count: Int,
        hash: UInt64,
        group: UInt32,
        time: Double
    ) -> Int {
        var fresh = UserEntry(
            hash: hash,
            firstRun: Self.noRun,
            count: UInt32(truncatingIfNeeded: count),
            low: 0,
            high: 0
        )
        if count <= 16 {
            (fresh.low, fresh.high) = inlineWords(user, count)
        } else {
            fresh.low = UInt64(arena.count)
            arena.append(contentsOf: user, count: count)
        }
        entry.pointee = fresh
        userCount += 1
        let run = addRun(to: entry, group: group, time: time)
        if userCount * 10 > (mask + 1) * 7 { rehash() }
        return run
    }

    /// Frees the user index once no more events come; the runs and their slots stay.
    func releaseUsers() {
        releaseLarge(users)
        mask = 0
        userCount = 0
        users = allocateLarge(UserEntry.self, capacity: 1)
        users.initialize(to: UserEntry.empty)
    }

    /// Calls `body` with the first run of each user (the user's runs follow through `next`).
    func forEachUser(_ body: (UInt32) -> Void) {
        for slot in 0...mask where users[slot].hash != 0 { body(users[slot].firstRun) }
    }

    private func rehash() {
        let oldSize = mask + 1
        let old = users
        let size = oldSize * 2
        users = allocateLarge(UserEntry.self, capacity: size)
        users.initialize(repeating: UserEntry.empty, count: size)
        mask = size - 1
        for index in 0..<oldSize where old[index].hash != 0 {
            var slot = Int(truncatingIfNeeded: old[index].hash >> 7) & mask
            while users[slot].hash != 0 { slot = (slot + 1) & mask }
            users[slot] = old[index]
        }
        releaseLarge(old)
    }
}

/// Two words that, with the length, identify a byte string of at most 16 bytes.
///
/// They are its first and last eight bytes (overlapping when shorter than 16), or for shorter strings
/// ``tailWord(_:_:)``'s loads. Reads only inside the string.
@inline(__always)
func inlineWords(_ pointer: UnsafeRawPointer, _ count: Int) -> (UInt64, UInt64) {
    if count >= 8 {
        return (
            pointer.loadUnaligned(as: UInt64.self),
            pointer.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        )
    }
    return count == 0 ? (0, 0) : (tailWord(pointer, count), 0)
}
