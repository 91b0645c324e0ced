import CHotPath

/// One user's tally within one guide version (a "run"): timestamps and flags, 24 bytes.
struct RunRecord {
    /// The guide version (or breakdown group) in the low 30 bits, ``RunTable/reachedAnyStep`` and
    /// ``RunTable/dismissedAnywhere`` above them.
    var groupAndFlags: UInt32
    /// The user's next run (``RunTable/noRun`` at the end of the list).
    var next: UInt32
    /// The first of this run's step slots (one per step of the version's order), or
    /// ``RunTable/noSlots`` before its first step event.
    var firstSlot: UInt32
    /// The run's times in whole seconds from ``RunTable/origin``, while the table is compact; once it
    /// is widened, ``RunTable/wideTimes`` holds them instead.
    var times: CompactRunTimes

    /// The guide version (or breakdown group).
    @inline(__always)
    var group: UInt32 { groupAndFlags & RunTable.groupMask }

    /// ``RunTable/reachedAnyStep`` and ``RunTable/dismissedAnywhere``.
    @inline(__always)
    var flags: UInt32 { groupAndFlags & ~RunTable.groupMask }
}

/// A run's latest event, first guide_started and first guide_completed (none: ``RunTable/noTime``),
/// in whole seconds from ``RunTable/origin``.
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

/// The first view and completion of one step by one user, and what else happened there.
struct StepSlot {
    var viewed: Double
    var completed: Double
    /// ``EventTally/dismissedHere`` and ``EventTally/snoozedHere``.
    var flags: UInt8
}

/// A step slot in whole seconds from ``RunTable/origin``: half the size, used while every timestamp
/// is a whole second, as in most logs.
///
/// Each field holds its time in the low 31 bits (``RunTable/noTime`` for none) and a flag in the top
/// bit (``RunTable/slotFlag``): a guide_dismissed at this step in ``viewed``, a guide_snoozed in
/// ``completed``. So the flags cost no memory of their own, and setting one touches the slot the
/// step's other events touch.
struct CompactStepSlot {
    var viewed: UInt32
    var completed: UInt32

    /// A slot with no times and no flags.
    static let empty = CompactStepSlot(viewed: RunTable.noTime, completed: RunTable.noTime)
}

extension StepSlot {
    /// A slot with no times and no flags.
    static let empty = StepSlot(viewed: .infinity, completed: .infinity, flags: 0)

    /// A compact slot, whole seconds from `origin`, in seconds since the epoch.
    @inline(__always)
    init(_ compact: CompactStepSlot, origin: Double) {
        viewed = RunTable.time(compact.viewed & RunTable.noTime, from: origin)
        completed = RunTable.time(compact.completed & RunTable.noTime, from: origin)
        flags =
            (compact.viewed & RunTable.slotFlag != 0 ? EventTally.dismissedHere : 0)
            | (compact.completed & RunTable.slotFlag != 0 ? EventTally.snoozedHere : 0)
    }
}

/// One slot of the user index: a user's id and the head of the user's list of runs, 16 bytes.
///
/// Four slots share a cache line, so finding a user usually costs one miss. An id of up to eight bytes
/// is in the slot itself; a longer one is in the arena.
struct UserEntry {
    /// An id of at most eight bytes (its ``RunTable/inlineKey(_:_:)``), or the offset of a longer id's
    /// length and bytes in the arena.
    var key: UInt64
    /// Bits 7–30 of the id's hash above its length code (see ``RunTable/tag(hash:count:)``); 0 for an
    /// empty slot.
    var tag: UInt32
    /// The user's most recently used run, or ``RunTable/noRun``.
    var firstRun: UInt32

    /// An empty slot.
    static let empty = UserEntry(key: 0, tag: 0, firstRun: 0)
}

/// Runs by user and group: an open-addressing table of users, each heading a short list of its runs
/// (most recently used first, as a user's events come in bursts per guide), so an event usually
/// touches one user slot, one record and its step slots.
final class RunTable {
    /// Run flag: a step of any kind was reached (mapped or not).
    static let reachedAnyStep: UInt32 = 1 << 31
    /// Run flag: a guide_dismissed was seen (with or without a step).
    static let dismissedAnywhere: UInt32 = 1 << 30
    /// The bits of ``RunRecord/groupAndFlags`` that hold the group (so a report has at most 2^30 groups).
    static let groupMask: UInt32 = (1 << 30) - 1
    /// A compact time that is none; also the mask of a compact slot field's time bits.
    static let noTime: UInt32 = (1 << 31) - 1
    /// The flag bit of a compact slot field (see ``CompactStepSlot``).
    static let slotFlag: UInt32 = 1 << 31

    let records = FlatBuffer<RunRecord>(reserving: 16 << 30)
    /// Step slots in Doubles, once a time that is not a whole second was stored (see ``widen()``).
    private(set) var wideSlots: FlatBuffer<StepSlot>?
    /// Step slots in whole seconds from ``origin``, until ``widen()``.
    private(set) var compactSlots: FlatBuffer<CompactStepSlot>? = FlatBuffer(reserving: 16 << 30)
    /// The runs' times in Doubles, by run, once the table is widened (``RunRecord/times`` until then).
    private(set) var wideTimes: FlatBuffer<RunTimes>?
    /// The time that compact value 0 stands for (set by the first time stored).
    private(set) var origin: Double?
    /// The user index's storage: a reservation it grows into, in place (see ``grow()``).
    private var userSlots = FlatBuffer<UserEntry>(reserving: 4 << 30)
    /// The user index (``UserEntry`` slots, linear probing): ``userSlots``' base.
    private var users: UnsafeMutablePointer<UserEntry>
    private var mask: Int
    /// The number of users.
    private(set) var userCount = 0
    /// The lengths (4 bytes) and bytes of user ids longer than ``inlineLength``.
    private let arena = FlatBuffer<UInt8>(reserving: 4 << 30)

    /// How many bits of a user's first slot its tag holds: 24, fewer in tests of tables that outgrow them.
    let tagHomeBits: Int

    /// A table with `userSlots` user slots at first (a power of two; tests start small to grow often).
    init(tagHomeBits: Int = 24, userSlots size: Int = 1 << 14) {
        self.tagHomeBits = tagHomeBits
        userSlots.append(repeating: UserEntry.empty, count: size)
        users = userSlots.base
        mask = size - 1
    }

    /// `next` of a user's last run, and `firstRun` of a user without runs.
    static let noRun = UInt32.max

    var count: Int { records.count }

    /// `firstSlot` of a run that has no step event yet (its slots are added on the first one).
    static let noSlots = UInt32.max

    /// The first of `count` fresh step slots.
    @inline(__always)
    func addSlots(_ count: Int) -> UInt32 {
        if let compactSlots {
            let first = UInt32(truncatingIfNeeded: compactSlots.count)
            compactSlots.append(repeating: CompactStepSlot.empty, count: count)
            return first
        }
        let first = UInt32(truncatingIfNeeded: wideSlots?.count ?? 0)
        wideSlots?.append(repeating: StepSlot.empty, count: count)
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
            origin: origin
        )
    }

    /// The time that compact value 0 stands for, set from `time` when no time has set it yet.
    func origin(settingFrom time: Double) -> Double {
        if let origin { return origin }
        let value = (time - 1_073_741_824).rounded(.down)
        origin = value
        return value
    }

    /// `time` in whole seconds from `origin`, or `nil` when it has a fraction or is out of range (the
    /// table must then be widened).
    @inline(__always)
    static func seconds(_ time: Double, from origin: Double) -> UInt32? {
        let offset = time - origin
        guard offset >= 0, offset < Double(noTime), offset == offset.rounded(.down) else { return nil }
        return UInt32(offset)
    }

    /// A compact value (``noTime`` for none) as seconds since the epoch (+∞ for none).
    @inline(__always)
    static func time(_ value: UInt32, from origin: Double) -> Double {
        value == noTime ? .infinity : origin + Double(value)
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
            return wide.map { $0[index] } ?? StepSlot.empty
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
            return addUser(at: users + ~slot, user: user, count: count, hash: hash, group: group, time: time)
        }
        let run = findRun(userSlot: slot, group: group)
        return run >= 0 ? run : addRun(to: users + slot, group: group, time: time)
    }

    /// Starts loading the user slot where the search for a user with this hash begins, and the cache
    /// line after it (four slots per line): a search that goes on past its first line waited there for
    /// a tenth of the batch tally's time.
    @inline(__always)
    func prefetchUser(hash: UInt64) {
        let slot = Int(truncatingIfNeeded: hash >> 7) & mask
        gk_prefetch(users + slot)
        gk_prefetch(users + ((slot + 4) & mask))
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

    /// Ids of at most this many bytes are kept in their user's slot.
    static let inlineLength = 8

    /// A user slot's tag: bits 7–30 of the id's hash (the bits of its first slot, in tables of up to
    /// 2^24 slots) above a length code, `0x80` with the length or 127 for longer ids; never 0.
    @inline(__always)
    static func tag(hash: UInt64, count: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: hash >> 7) << 8 | UInt32(0x80 | min(count, 127))
    }

    /// The key of an id of at most ``inlineLength`` bytes: with the length, it identifies the id (see
    /// ``tailWord(_:_:)``, which reads only inside it).
    @inline(__always)
    static func inlineKey(_ user: UnsafeRawPointer, _ count: Int) -> UInt64 {
        count == 0 ? 0 : tailWord(user, count)
    }

    /// The id of an ``inlineKey(_:_:)`` as the little-endian bytes of a word (zero after the id).
    static func inlineBytes(key: UInt64, count: Int) -> UInt64 {
        switch count {
        case 0: return 0
        case 1...3:
            let first = key & 0xFF
            let middle = (key >> 8 & 0xFF) << (8 * UInt64(count >> 1))
            let last = (key >> 16 & 0xFF) << (8 * UInt64(count - 1))
            return first | middle | last
        case 4...7: return key & 0xFFFF_FFFF | (key >> 32) << (8 * UInt64(count - 4))
        default: return key
        }
    }

    /// The slot holding the user, or `~slot` of the empty slot where the user would go.
    @inline(__always)
    private func probe(user: UnsafeRawPointer, count: Int, hash: UInt64) -> Int {
        let tag = Self.tag(hash: hash, count: count)
        let key = count <= Self.inlineLength ? Self.inlineKey(user, count) : 0
        var slot = Int(truncatingIfNeeded: hash >> 7) & mask
        while true {
            let entry = users + slot
            let found = entry.pointee.tag
            if found == 0 { return ~slot }
            if found == tag {
                if count <= Self.inlineLength {
                    if entry.pointee.key == key { return slot }
                } else if arenaHolds(at: Int(entry.pointee.key), user, count) {
                    return slot
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Whether the id whose length and bytes are at `offset` in the arena is `user`.
    @inline(__always)
    private func arenaHolds(at offset: Int, _ user: UnsafeRawPointer, _ count: Int) -> Bool {
        let stored = UnsafeRawPointer(arena.base + offset)
        return stored.loadUnaligned(as: UInt32.self) == UInt32(truncatingIfNeeded: count)
            && bytesEqual(stored + 4, user, count)
    }

    /// The hash of the id in `entry` (``hashBytes(_:_:)``).
    private func hash(of entry: UserEntry) -> UInt64 {
        let code = Int(entry.tag & 0x7F)
        if code <= Self.inlineLength {
            var bytes = Self.inlineBytes(key: entry.key, count: code)
            return withUnsafeBytes(of: &bytes) { hashBytes($0.baseAddress.unsafelyUnwrapped, code) }
        }
        let stored = UnsafeRawPointer(arena.base + Int(entry.key))
        return hashBytes(stored + 4, Int(stored.loadUnaligned(as: UInt32.self)))
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
        precondition(group <= Self.groupMask, "more than 2^30 guide versions or groups")
        var times = CompactRunTimes(last: Self.noTime, started: Self.noTime, completed: Self.noTime)
        if let last = compactTime(time) {
            times.last = last
        } else {
            widen()
            wideTimes?.append(RunTimes(last: time, started: .infinity, completed: .infinity))
        }
        records.append(
            RunRecord(groupAndFlags: group, next: entry.pointee.firstRun, firstSlot: Self.noSlots, times: times)
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
        var fresh = UserEntry(key: 0, tag: Self.tag(hash: hash, count: count), firstRun: Self.noRun)
        if count <= Self.inlineLength {
            fresh.key = Self.inlineKey(user, count)
        } else {
            fresh.key = UInt64(arena.count)
            var length = UInt32(truncatingIfNeeded: count)
            withUnsafeBytes(of: &length) { arena.append(contentsOf: $0.baseAddress.unsafelyUnwrapped, count: 4) }
            arena.append(contentsOf: user, count: count)
        }
        entry.pointee = fresh
        userCount += 1
        let run = addRun(to: entry, group: group, time: time)
        if userCount * 10 > (mask + 1) * 7 { grow() }
        return run
    }

    /// Frees the user index once no more events come; the runs and their slots stay.
    func releaseUsers() {
        userSlots = FlatBuffer(capacity: 1)
        userSlots.append(UserEntry.empty)
        users = userSlots.base
        mask = 0
        userCount = 0
    }

    /// Calls `body` with the first run of each user (the user's runs follow through `next`).
    func forEachUser(_ body: (UInt32) -> Void) {
        for slot in 0...mask where users[slot].tag != 0 { body(users[slot].firstRun) }
    }

    /// Doubles the user index in place: the new half is fresh memory, and no second table is made (the
    /// tables a doubling chain leaves behind would be as large as the last, and fresh memory is what
    /// costs here).
    ///
    /// A user's first slot in the doubled table is its old one or that plus the old size. Users whose
    /// search wrapped past the old end (found before the first empty slot, below their first slot)
    /// are taken out first and put back last, when the table is whole again. Going up through the
    /// other old slots, each user is taken out and put back from its new first slot: in the lower
    /// half it lands at or below the slot it left (empty now), so no user still to be moved is
    /// overwritten and every slot it passes holds a user already in place; in the upper half it lands
    /// among users already moved there, and never past the end: at most `size - k` of the users moved
    /// up have a first slot of `k` or more, as they came from the old slots `k - oldSize` and up.
    private func grow() {
        let oldSize = mask + 1
        let size = oldSize * 2
        userSlots.append(repeating: UserEntry.empty, count: oldSize)
        users = userSlots.base
        mask = size - 1
        // The tags hold the hash bits of the first slot up to this size; larger tables hash the ids again.
        let tagsSuffice = mask >> tagHomeBits == 0
        func firstSlot(_ entry: UserEntry) -> Int {
            (tagsSuffice ? Int(entry.tag >> 8) : Int(truncatingIfNeeded: hash(of: entry) >> 7)) & mask
        }
        var putBackLast: [UserEntry] = []
        var slot = 0
        while users[slot].tag != 0 {  // stops in the new half at the latest
            if firstSlot(users[slot]) & (oldSize - 1) > slot {
                putBackLast.append(users[slot])
                users[slot] = UserEntry.empty
            }
            slot += 1
        }
        for oldSlot in 0..<oldSize where users[oldSlot].tag != 0 {
            let entry = users[oldSlot]
            users[oldSlot] = UserEntry.empty
            var slot = firstSlot(entry)
            while users[slot].tag != 0 { slot += 1 }
            precondition(slot < size, "a user's search passed the end of the doubled table")
            users[slot] = entry
        }
        for entry in putBackLast {
            var slot = firstSlot(entry)
            while users[slot].tag != 0 { slot = (slot + 1) & mask }
            users[slot] = entry
        }
    }
}
