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
    }

    private let lock = NSLock()
    private var groups: [Group] = []
    private var index: [String: Int] = [:]
    let book: StepOrderBook

    init(book: StepOrderBook) {
        self.book = book
    }

    /// The id of a group, creating it (and resolving its step order) when new.
    func id(guide: String, version: Int32, value: String?) -> (id: Int, steps: [String]) {
        let key = "\(guide)\u{0}\(version)\u{0}\(value ?? "\u{1}")"
        lock.lock()
        defer { lock.unlock() }
        if let found = index[key] { return (found, groups[found].steps) }
        let resolution = book.resolve(guide: guide, version: Int(version))
        let group = Group(
            guide: guide,
            version: version,
            value: value,
            resolution: resolution,
            steps: resolution?.outline.steps ?? []
        )
        groups.append(group)
        index[key] = groups.count - 1
        return (groups.count - 1, group.steps)
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
