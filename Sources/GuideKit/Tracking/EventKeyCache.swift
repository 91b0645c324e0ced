/// What the hot loop needs of an event's guide, version, step (and variant): its group and step key.
struct EventKey {
    /// The global group (guide version, or its variant's step order).
    var group: Int32
    /// The (group, step) record of the reading thread's step keys, or -1 for a guide-level event.
    var stepKey: Int32
}

/// A direct-mapped cache from an event's guide, version, step and variant bytes to its ``EventKey``.
///
/// Without it every event interns two or three strings and looks up its group and step: four hash
/// probes. A log names a few hundred such combinations, so one hash over the bytes and one slot,
/// checked against the interned bytes, usually answer. Only plain (unescaped) ids without a
/// breakdown go through it; a colliding combination simply replaces the slot's.
final class EventKeyCache {
    /// One cached combination, with the local string ids its bytes were checked against.
    struct Entry {
        var hash: UInt64
        var guide: Int32
        var version: Int32
        var step: Int32
        var variant: Int32
        var key: EventKey
    }

    private static let size = 2_048
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = allocateLarge(Entry.self, capacity: Self.size)
        entries.initialize(
            repeating: Entry(hash: 0, guide: 0, version: 0, step: 0, variant: 0, key: EventKey(group: 0, stepKey: 0)),
            count: Self.size
        )
    }

    deinit {
        entries.deinitialize(count: Self.size)
        releaseLarge(entries)
    }

    /// An event's guide, version, step and variant as bytes on its line, with their hash.
    struct Ids {
        let guide: UnsafeRawPointer
        let guideCount: Int
        let version: Int32
        let step: UnsafeRawPointer
        /// `-1` for a guide-level event.
        let stepCount: Int
        let variant: UnsafeRawPointer
        /// `-1` when the event names no variant (or variants do not pick step orders).
        let variantCount: Int
        /// Never 0.
        let hash: UInt64

        /// Takes the ids and hashes them.
        ///
        /// Only the first and last eight bytes of each id, and its length, enter the hash: a slot is
        /// always checked against the whole ids, so the hash only has to spread the few hundred
        /// combinations of a log, and its multiplies do not depend on each other.
        @inline(__always)
        init(
            guide: UnsafeRawPointer,
            guideCount: Int,
            version: Int32,
            step: UnsafeRawPointer,
            stepCount: Int,
            variant: UnsafeRawPointer,
            variantCount: Int
        ) {
            (self.guide, self.guideCount, self.version) = (guide, guideCount, version)
            (self.step, self.stepCount, self.variant, self.variantCount) = (step, stepCount, variant, variantCount)
            let (guideHead, guideTail) = inlineWords(guide, guideCount)
            var hash =
                (guideHead &* 0x9e37_79b9_7f4a_7c15) ^ (guideTail &* 0xc2b2_ae3d_27d4_eb4f)
                ^ UInt64(UInt32(bitPattern: version)) << 40 ^ UInt64(guideCount) << 48
            if stepCount >= 0 {
                let (stepHead, stepTail) = inlineWords(step, stepCount)
                hash ^=
                    (stepHead &* 0xff51_afd7_ed55_8ccd) ^ (stepTail &* 0x1656_67b1_9e37_79f9) ^ UInt64(stepCount) << 32
            }
            if variantCount > 0 {
                let (variantHead, variantTail) = inlineWords(variant, variantCount)
                hash ^=
                    (variantHead &* 0xc4ce_b9fe_1a85_ec53) ^ (variantTail &* 0x27d4_eb2f_1656_67c5)
                    ^ UInt64(variantCount)
            }
            self.hash = (hash ^ hash >> 29) &* 0xbf58_476d_1ce4_e5b9 | 1
        }
    }

    /// The cached key of the ids, or `nil`; `strings` holds the local ids the entries were checked against.
    @inline(__always)
    func find(_ ids: Ids, strings: ByteInterner) -> EventKey? {
        let entry = entries + Int(truncatingIfNeeded: ids.hash >> 40) & (Self.size - 1)
        guard entry.pointee.hash == ids.hash, entry.pointee.version == ids.version,
            (entry.pointee.step >= 0) == (ids.stepCount >= 0), (entry.pointee.variant >= 0) == (ids.variantCount >= 0),
            strings.equals(entry.pointee.guide, ids.guide, ids.guideCount),
            ids.stepCount < 0 || strings.equals(entry.pointee.step, ids.step, ids.stepCount),
            ids.variantCount < 0 || strings.equals(entry.pointee.variant, ids.variant, ids.variantCount)
        else { return nil }
        return entry.pointee.key
    }

    /// Remembers the key of the ids, given as local string ids (`-1` for none).
    func store(_ key: EventKey, for ids: Ids, guide: Int32, step: Int32, variant: Int32) {
        entries[Int(truncatingIfNeeded: ids.hash >> 40) & (Self.size - 1)] = Entry(
            hash: ids.hash,
            guide: guide,
            version: ids.version,
            step: step,
            variant: variant,
            key: key
        )
    }
}
