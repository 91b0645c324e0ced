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
    /// The first of this run's step slots (one per step of the version's order).
    var firstSlot: UInt32
    /// ``RunTable/reachedAnyStep``, ``RunTable/dismissedAnywhere``.
    var flags: UInt8
}

/// The first view and completion of one step by one user.
struct StepSlot {
    var viewed: Double
    var completed: Double
}

/// Runs keyed by (user, group), stored as an array of records with an open-addressing index whose
/// slots carry 32 bits of the hash, so a lookup usually touches one slot and one record.
final class RunTable {
    /// A step of any kind was reached (mapped or not).
    static let reachedAnyStep: UInt8 = 1
    /// A guide_dismissed was seen (with or without a step).
    static let dismissedAnywhere: UInt8 = 2

    let records = FlatBuffer<RunRecord>(capacity: 1 << 14)
    let slots = FlatBuffer<StepSlot>(capacity: 1 << 16)
    /// Per step slot: ``EventTally/dismissedHere`` and ``EventTally/snoozedHere``.
    let slotFlags = FlatBuffer<UInt8>(capacity: 1 << 16)
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

    /// The record index of `key`, adding a record with `stepCount` fresh slots when new.
    @inline(__always)
    func find(key: UInt64, time: Double, stepCount: Int) -> Int {
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
            RunRecord(
                key: key,
                last: time,
                started: .infinity,
                completed: .infinity,
                firstSlot: UInt32(truncatingIfNeeded: slots.count),
                flags: 0
            )
        )
        for _ in 0..<stepCount {
            slots.append(StepSlot(viewed: .infinity, completed: .infinity))
            slotFlags.append(0)
        }
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
