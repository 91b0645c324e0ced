import Foundation

/// Turns guide event logs into user states: each user's events, in time order and without duplicates, go
/// through ``GuideStateMachine/apply(_:to:)``, the same code the simulator uses to record what it shows.
///
/// The order of lines and files does not matter (events are sorted by `ts` per user), an event read twice
/// (an SDK retry, with or without the same `id`) counts once, and every line that cannot be used is counted
/// by reason with its place (``Summary``). Only the requested users' events are kept when ``users`` is set.
///
/// ```swift
/// var tracker = Tracker(guides: guides, users: ["u-42"])
/// try tracker.read(.file(path: "events.jsonl"))
/// for state in tracker.states() { print(Tracker.renderYAML(state)) }
/// print(tracker.summary.renderText(), to: &standardError)
/// ```
public struct Tracker: Sendable {
    /// What was read and what was left out.
    public struct Summary: Sendable, Hashable {
        /// One input file.
        public struct File: Sendable, Hashable {
            /// The file name, or `-`.
            public var name: String
            /// The format it was read as.
            public var format: EventLogFormat
            /// The number of usable events in it (before duplicates and filters).
            public var events: Int
            /// The number of lines that could not be used (and notes).
            public var issues: Int
        }

        /// The files, in reading order.
        public var files: [File] = []
        /// Usable events read.
        public var events = 0
        /// Events applied to the states.
        public var applied = 0
        /// `step_target_missing` events read.
        ///
        /// Each is a step not shown because its target never appeared on the page. They change no progress (the report counts them per step as not shown).
        public var stepsNotShown = 0
        /// Events that repeated an earlier one (same user, time, guide, version, type and step, or same id).
        public var duplicates = 0
        /// Events of users not asked for (`users`).
        public var otherUsers = 0
        /// Events after the `asOf` time.
        public var afterAsOf = 0
        /// Unusable lines (and notes) by reason.
        public var issues: [InputIssue: Int] = [:]
        /// The first five places of each reason: `file:line: detail`.
        public var places: [InputIssue: [String]] = [:]
        /// Events of guides that the guides folder does not have, by guide id (their progress is kept).
        public var unknownGuides: [String: Int] = [:]
        /// Requested users that no event mentions.
        public var usersWithoutEvents: [String] = []

        /// The number of unusable lines, notes excluded.
        public var errorCount: Int { issues.filter { $0.key.isError }.reduce(0) { $0 + $1.value } }
    }

    /// The guides whose events are replayed; they give snooze durations and first steps, and name the
    /// guides that are known.
    public let guides: CompiledGuideSet
    /// The users to keep, or `nil` for everyone.
    public let users: Set<String>?
    /// Events after this time are left out, and it is the states' `now`; `nil` keeps every event and uses the
    /// time of the latest event read (of any user).
    public let asOf: Date?
    /// States to start from (attributes, product events and earlier progress), by user id.
    public var base: [String: UserState]
    /// What was read so far.
    public private(set) var summary = Summary()
    private var events: [String: [TrackerEvent]] = [:]
    private var latest: Date?

    /// Creates a tracker.
    ///
    /// - Parameters:
    ///   - guides: the compiled guides (an empty set when there is no guides folder).
    ///   - users: the user ids to keep, or `nil` for all users.
    ///   - asOf: the time to stop at, and the `now` of the states.
    ///   - base: states to start from, by user id; other users start empty.
    public init(
        guides: CompiledGuideSet,
        users: Set<String>? = nil,
        asOf: Date? = nil,
        base: [String: UserState] = [:]
    ) {
        self.guides = guides
        self.users = users
        self.asOf = asOf
        self.base = base
    }

    /// Reads one event log.
    ///
    /// - Parameter source: a file, standard input or bytes.
    /// - Throws: ``EventLogError`` when the source cannot be read or a CSV header lacks a required column.
    public mutating func read(_ source: EventSource) throws(EventLogError) {
        let data = try source.bytes()
        let reader = TrackerLogReader(file: source.name, format: source.format)
        var file = Summary.File(name: source.name, format: source.format, events: 0, issues: 0)
        let before = (events: summary.events, issues: summary.issues.values.reduce(0, +))
        var failure: EventLogError?
        data.withUnsafeBytes { raw in
            do throws(EventLogError) {
                try reader.read(
                    raw.bindMemory(to: UInt8.self),
                    event: { add($0) },
                    notShown: {
                        summary.events += 1
                        summary.stepsNotShown += 1
                    },
                    issue: { note($0, place: "\(source.name):\($1): \($2)") }
                )
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        file.events = summary.events - before.events
        file.issues = summary.issues.values.reduce(0, +) - before.issues
        summary.files.append(file)
    }

    private mutating func note(_ reason: InputIssue, place: String) {
        summary.issues[reason, default: 0] += 1
        if summary.places[reason, default: []].count < 5 { summary.places[reason, default: []].append(place) }
    }

    /// Adds one event (``read(_:)`` calls this for every usable line).
    ///
    /// - Parameter event: the event.
    public mutating func add(_ event: TrackerEvent) {
        summary.events += 1
        if let asOf, event.event.time > asOf {
            summary.afterAsOf += 1
            return
        }
        if latest.map({ event.event.time > $0 }) ?? true { latest = event.event.time }
        if let users, !users.contains(event.user) {
            summary.otherUsers += 1
            return
        }
        if !guides.guides.isEmpty, guides[event.event.guideID] == nil {
            summary.unknownGuides[event.event.guideID, default: 0] += 1
        }
        events[event.user, default: []].append(event)
    }

    /// The user states, sorted by user id.
    ///
    /// Each is the user's base state (or an empty one) with their events applied in time order. Requested
    /// users without events are included with their base state.
    ///
    /// - Returns: the states, with `now` set to ``asOf`` or the latest event's time.
    public mutating func states() -> [UserState] {
        let machine = GuideStateMachine(guides)
        var ids = Set(events.keys)
        if let users { ids.formUnion(users) }
        summary.usersWithoutEvents = (users ?? []).filter { events[$0] == nil }.sorted()
        summary.applied = 0
        summary.duplicates = 0
        var result: [UserState] = []
        result.reserveCapacity(ids.count)
        for id in ids.sorted() {
            var state = base[id] ?? UserState(id: id)
            var seenIdentities: Set<TrackerEvent.Identity> = []
            var seenIDs: Set<String> = []
            for event in sorted(events[id] ?? []) {
                let isNew = seenIdentities.insert(event.identity).inserted
                let isNewID = event.id.map { seenIDs.insert($0).inserted } ?? true
                guard isNew, isNewID else {
                    summary.duplicates += 1
                    continue
                }
                machine.apply(event.event, to: &state)
                summary.applied += 1
            }
            if let now = asOf ?? latest { state.now = now }
            result.append(state)
        }
        return result
    }

    /// One user's events in the order they happened: by time; at one instant a start, then step events in
    /// the guide's step order (a view before a completion), then the end of the show; then as read.
    private func sorted(_ list: [TrackerEvent]) -> [TrackerEvent] {
        func stepIndex(_ event: TrackerEvent) -> Int {
            guard let step = event.event.step, let compiled = guides[event.event.guideID] else { return Int.max }
            let steps = compiled.steps(for: event.event.variant)
            return steps.firstIndex { $0.step.id.value == step } ?? Int.max
        }
        let keyed = list.enumerated().map { offset, event in
            (event: event, rank: event.rank, step: event.rank == 1 ? stepIndex(event) : 0, offset: offset)
        }
        return keyed.sorted { lhs, rhs in
            if lhs.event.event.time != rhs.event.event.time { return lhs.event.event.time < rhs.event.event.time }
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
            if lhs.step != rhs.step { return lhs.step < rhs.step }
            let lhsViewed = lhs.event.event.name == .stepViewed
            let rhsViewed = rhs.event.event.name == .stepViewed
            if lhsViewed != rhsViewed { return lhsViewed }
            return lhs.offset < rhs.offset
        }
        .map(\.event)
    }
}
