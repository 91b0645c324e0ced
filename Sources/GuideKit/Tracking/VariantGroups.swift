/// One reading thread's map from (guide version group, event `variant`) to the group of that variant's
/// own step order.
///
/// A variant with its own `steps:` shows other steps than the guide, so its runs are tallied in a group
/// of their own (see ``GroupRegistry/id(guide:version:value:variant:)``). Only guide versions that have
/// such variants pay for the lookup: for all others ``group(_:variant:in:)`` returns the group it was
/// given after one array read, and when no guide in the book has variant steps the readers do not even
/// decode the `variant` field (``isActive``).
final class VariantGroups {
    /// Whether any guide version in the book has variants with steps of their own.
    let isActive: Bool
    /// Whether the breakdown property is `variant` (the readers then find its value in the group slice).
    let isBreakdown: Bool
    private let registry: GroupRegistry
    /// Per global group: 0 not asked yet, 1 the guide's order only, 2 split by variant step orders.
    private var splits: [UInt8] = []
    /// (group, local variant string id) → the group of that variant's step order.
    private let keys = KeyIndex(capacity: 64)
    private let groupOfKey = FlatBuffer<Int32>(capacity: 64)

    init(registry: GroupRegistry, groupProperty: String?) {
        self.registry = registry
        isActive = registry.book.hasVariantSteps
        isBreakdown = groupProperty == "variant"
    }

    /// The group an event of `variant` (a local string id of `tally`) belongs to, given the group of its
    /// guide version (and breakdown value) in the guide's own order.
    @inline(__always)
    func group(_ base: Int, variant: Int32, in tally: EventTally) -> Int {
        if base >= splits.count || splits[base] == 0 { learn(base) }
        guard splits[base] == 2 else { return base }
        let (slot, isNew) = keys.insert(UInt64(base) << 32 | UInt64(UInt32(bitPattern: variant)))
        if !isNew { return Int(groupOfKey[slot]) }
        let (id, steps) = registry.id(variant: tally.strings.string(variant), of: base)
        groupOfKey.append(Int32(id))
        tally.remember(group: id, steps: steps)
        return id
    }

    private func learn(_ group: Int) {
        if splits.count <= group { splits.append(contentsOf: Array(repeating: 0, count: group + 1 - splits.count)) }
        splits[group] = registry.hasVariantSteps(group) ? 2 : 1
    }
}
