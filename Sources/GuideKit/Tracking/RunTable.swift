/// One user's tally within one guide version (a "run"): a cache line of timestamps and flags.
struct RunRecord {
    /// `user << 32 | group`.
    var key: UInt64
    /// The latest event time.
    var last: Double
    /// The first guide_started, or +∞.
    var started: Double
    /// The first guide_completed, or +∞.
    var completed: Double
    /// The first of this run's step slots (one per step of the version's order), or
    /// ``RunTable/noSlots`` before its first step event.
    var firstSlot: UInt32
    /// ``RunTable/reachedAnyStep``, ``RunTable/dismissedAnywhere``.
    var flags: UInt8
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

/// Runs keyed by (user, group), stored as an array of records with an open-addressing index whose
/// slots carry 32 bits of the hash, so a lookup usually touches one slot and one record.
final class RunTable {
    /// A step of any kind was reached (mapped or not).
    static let reachedAnyStep: UInt8 = 1
    /// A guide_dismissed was seen (with or without a step).
    static let dismissedAnywhere: UInt8 = 2

    let records = FlatBuffer<RunRecord>(reserving: 16 << 30)
    /// Step slots in Doubles, once ``isWide``.
    private(set) var wideSlots: FlatBuffer<StepSlot>?
    /// Step slots in whole seconds while not ``isWide``.
    private(set) var compactSlots: FlatBuffer<CompactStepSlot>? = FlatBuffer(reserving: 16 << 30)
    /// The time that compact slot value 0 stands for (set by the first time stored).
    private(set) var origin: Double?
    /// Per step slot: ``EventTally/dismissedHere`` and ``EventTally/snoozedHere``.
    let slotFlags = FlatBuffer<UInt8>(reserving: 4 << 30)
    private var table: UnsafeMutablePointer<UInt64>
    private var mask: Int

    init() {
        let size = 1 << 15
        table = allocateLarge(UInt64.self, capacity: size)
        table.initialize(repeating: 0, count: size)
        mask = size - 1
    }

    deinit { releaseLarge(table) }

    var count: Int { records.count }

    /// `firstSlot` of a run that has no step event yet (its slots are added on the first one).
    static let noSlots = UInt32.max

    /// Whether slots hold Doubles (a timestamp with a fraction, or far from the others, was seen).
    var isWide: Bool { wideSlots != nil }

    /// The number of step slots.
    var slotCount: Int { slotFlags.count }

    /// The first of `count` fresh step slots.
    @inline(__always)
    func addSlots(_ count: Int) -> UInt32 {
        let first = UInt32(truncatingIfNeeded: slotFlags.count)
        for _ in 0..<count {
            if let compactSlots {
                compactSlots.append(CompactStepSlot(viewed: .max, completed: .max))
            } else {
                wideSlots?.append(StepSlot(viewed: .infinity, completed: .infinity))
            }
            slotFlags.append(0)
        }
        return first
    }

    /// `time` as a compact value, or `nil` when it has a fraction or is out of range.
    @inline(__always)
    func compact(_ time: Double) -> UInt32? {
        let origin = self.origin ?? setOrigin(time)
        let offset = time - origin
        guard offset >= 0, offset < 4_294_967_295, offset == offset.rounded(.down) else { return nil }
        return UInt32(offset)
    }

    private func setOrigin(_ time: Double) -> Double {
        let value = (time - 2_147_483_648).rounded(.down)
        origin = value
        return value
    }

    /// Converts the slots to Doubles (once, on the first time that is not a whole second).
    func widen() {
        guard let compactSlots else { return }
        let wide = FlatBuffer<StepSlot>(reserving: 32 << 30)
        let origin = self.origin ?? 0
        func decode(_ value: UInt32) -> Double { value == .max ? .infinity : origin + Double(value) }
        for index in 0..<compactSlots.count {
            let slot = compactSlots[index]
            wide.append(StepSlot(viewed: decode(slot.viewed), completed: decode(slot.completed)))
        }
        wideSlots = wide
        self.compactSlots = nil
    }

    /// The slot at `index`, in seconds since the epoch.
    @inline(__always)
    func slot(_ index: Int) -> StepSlot {
        if let compactSlots {
            let slot = compactSlots[index]
            let origin = self.origin ?? 0
            return StepSlot(
                viewed: slot.viewed == .max ? .infinity : origin + Double(slot.viewed),
                completed: slot.completed == .max ? .infinity : origin + Double(slot.completed)
            )
        }
        return wideSlots?[index] ?? StepSlot(viewed: .infinity, completed: .infinity)
    }

    /// The record index of `key`, adding a record when new.
    @inline(__always)
    func find(key: UInt64, time: Double) -> Int {
        let hash = mixBits(key)
        let tag = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = table[slot]
            if entry == 0 { break }
            if entry >> 32 == tag {
                let index = Int(entry & 0xFFFF_FFFF) - 1
                if records[index].key == key { return index }
            }
            slot = (slot + 1) & mask
        }
        let index = records.count
        table[slot] = tag << 32 | UInt64(index + 1)
        records.append(
            RunRecord(key: key, last: time, started: .infinity, completed: .infinity, firstSlot: Self.noSlots, flags: 0)
        )
        if records.count * 10 > (mask + 1) * 7 { rehash() }
        return index
    }

    private func rehash() {
        let size = (mask + 1) * 2
        releaseLarge(table)
        table = allocateLarge(UInt64.self, capacity: size)
        table.initialize(repeating: 0, count: size)
        mask = size - 1
        for index in 0..<records.count {
            let hash = mixBits(records[index].key)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = (hash >> 32) << 32 | UInt64(index + 1)
        }
    }
}
