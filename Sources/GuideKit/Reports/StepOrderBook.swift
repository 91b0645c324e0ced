/// Resolves (guide, version) to the step order that version had, and says where the order came from.
///
/// The current guide files give each guide's current version. Earlier versions come from the guide
/// files as committed in git (see ``GitGuideHistory``); a version found nowhere is read with the
/// current order, matching steps by id, and the report says so.
public struct StepOrderBook: Sendable, Hashable {
    /// Where a version's step order came from.
    public enum Source: String, Sendable, Hashable {
        /// The guide file as it is now (its version is the current one).
        case currentFile = "current file"
        /// The guide file as committed with that version.
        case gitHistory = "git history"
        /// Not found: the current order, matching steps by id.
        case matchedById = "matched by id onto the current order"
    }

    /// One resolved order.
    public struct Resolution: Sendable, Hashable {
        /// The outline whose step order applies (for ``Source/matchedById``, the current one with the
        /// requested version).
        public var outline: GuideOutline
        /// Where it came from.
        public var source: Source
        /// The file the order was read from, with the commit for ``Source/gitHistory``.
        public var origin: String
    }

    /// Current outlines by guide id.
    public private(set) var current: [String: GuideOutline] = [:]
    /// Earlier versions by guide id and version, with where each was found.
    public private(set) var earlier: [String: [Int: (origin: String, outline: GuideOutline)]] = [:]
    /// The file each current outline was read from.
    public private(set) var files: [String: String] = [:]
    /// Whether earlier versions were looked up in git history.
    public internal(set) var isInGitRepository = false
    /// Problems met while reading guide files (unreadable files, missing ids); the report shows them.
    public var problems: [Diagnostic] = []

    /// An empty book: every guide is unknown.
    public init() {}

    /// A book from outlines given directly (for tests and for callers holding loaded guides).
    ///
    /// - Parameters:
    ///   - current: the current version of each guide.
    ///   - earlier: earlier versions, if known.
    public init(current: [GuideOutline], earlier: [GuideOutline] = []) {
        for outline in current { add(current: outline, file: "\(outline.id).yaml") }
        for outline in earlier { add(earlier: outline, origin: "\(outline.id).yaml") }
    }

    /// Adds the current version of a guide.
    public mutating func add(current outline: GuideOutline, file: String) {
        current[outline.id] = outline
        files[outline.id] = file
    }

    /// Adds an earlier version (the first one added for a version wins).
    public mutating func add(earlier outline: GuideOutline, origin: String) {
        if earlier[outline.id]?[outline.version] == nil {
            earlier[outline.id, default: [:]][outline.version] = (origin, outline)
        }
    }

    /// Whether any known guide version has A/B variants with steps of their own.
    public var hasVariantSteps: Bool {
        current.values.contains { !$0.variantSteps.isEmpty }
            || earlier.values.contains { $0.values.contains { !$0.outline.variantSteps.isEmpty } }
    }

    /// Whether the guide is defined in the guides folder.
    public func knows(guide: String) -> Bool { current[guide] != nil }

    /// The step order of `version` of `guide`, or `nil` when the guide is unknown.
    public func resolve(guide: String, version: Int) -> Resolution? {
        guard let now = current[guide] else { return nil }
        if now.version == version {
            return Resolution(outline: now, source: .currentFile, origin: files[guide] ?? guide)
        }
        if let found = earlier[guide]?[version] {
            return Resolution(outline: found.outline, source: .gitHistory, origin: found.origin)
        }
        var matched = now
        matched.version = version
        return Resolution(outline: matched, source: .matchedById, origin: files[guide] ?? guide)
    }

    /// Compares books by their outlines.
    public static func == (lhs: StepOrderBook, rhs: StepOrderBook) -> Bool {
        lhs.current == rhs.current && lhs.problems == rhs.problems
            && lhs.earlier.mapValues { $0.mapValues(\.outline) } == rhs.earlier.mapValues { $0.mapValues(\.outline) }
    }

    /// Hashes the current outlines.
    public func hash(into hasher: inout Hasher) { hasher.combine(current) }
}
