import Foundation

/// The guide versions (and breakdown groups) met while reading, shared by all reading threads.
///
/// Threads look groups up here only the first time they meet one; after that they use their own
/// cache, so the lock is taken a few hundred times per log, not per event.
final class GroupRegistry: @unchecked Sendable {
    /// One guide version, or one breakdown group of it.
    struct Group {
        var guide: String
        var version: Int32
        var value: String?
        /// The resolved step order, `nil` for a guide unknown to the guides folder.
        var resolution: StepOrderBook.Resolution?
        /// Step ids in order (empty for unknown guides).
        var steps: [String]
        /// The variant whose own steps ``steps`` are; `nil` for the guide's steps.
        var stepVariant: String? = nil
        /// Whether the guide version has variants with steps of their own (its runs are split by them).
        var hasVariantSteps = false
    }

    private let lock = NSLock()
    private var groups: [Group] = []
    private var index: [String: Int] = [:]
    let book: StepOrderBook

    init(book: StepOrderBook) {
        self.book = book
    }

    /// The id of a group, creating it (and resolving its step order) when new.
    ///
    /// `variant` (the event's `variant`) is part of the group only when this guide version gives that
    /// variant steps of its own; otherwise the group is the guide's order and other guides are unaffected.
    func id(guide: String, version: Int32, value: String?, variant: String? = nil) -> (id: Int, steps: [String]) {
        let resolution = book.resolve(guide: guide, version: Int(version))
        let order = resolution?.outline.stepOrder(forVariant: variant)
        let key = "\(guide)\u{0}\(version)\u{0}\(value ?? "\u{1}")\u{0}\(order?.variant ?? "\u{1}")"
        lock.lock()
        defer { lock.unlock() }
        if let found = index[key] { return (found, groups[found].steps) }
        let group = Group(
            guide: guide,
            version: version,
            value: value,
            resolution: resolution,
            steps: order?.steps ?? [],
            stepVariant: order?.variant,
            hasVariantSteps: !(resolution?.outline.variantSteps.isEmpty ?? true)
        )
        groups.append(group)
        index[key] = groups.count - 1
        return (groups.count - 1, group.steps)
    }

    /// The group of `variant`'s step order that shares guide, version and breakdown value with `base`.
    func id(variant: String, of base: Int) -> (id: Int, steps: [String]) {
        lock.lock()
        let group = groups[base]
        lock.unlock()
        return id(guide: group.guide, version: group.version, value: group.value, variant: variant)
    }

    /// Whether a group's guide version has variants with steps of their own.
    func hasVariantSteps(_ id: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return groups[id].hasVariantSteps
    }

    /// The step order of a group.
    func steps(of id: Int) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return groups[id].steps
    }

    /// All groups, by id.
    var all: [Group] {
        lock.lock()
        defer { lock.unlock() }
        return groups
    }
}
