import Foundation

extension UserState {
    /// The state completed with defaults, so that "has never done X" is easy to say.
    ///
    /// Every catalog event the state lacks gets `count: 0` (no `first`, `last` or `times`); every guide in
    /// `guides` the state lacks gets `status: not_started, shows: 0`; `now` defaults to `now`; user and
    /// account attributes the catalog types as `timestamp` are rewritten in UTC form
    /// (`2026-11-20T09:00:00Z`) so that they compare consistently. A truly missing user attribute stays
    /// missing (and fails every comparison).
    ///
    /// - Parameters:
    ///   - catalog: the project's catalog.
    ///   - guides: the ids of the guides in the folder.
    ///   - now: the evaluation time when the state has none.
    /// - Returns: the completed state.
    public func completed(with catalog: Catalog, guides ids: some Sequence<String> = [String](), now: Date = Date())
        -> UserState
    {
        var state = self
        for name in catalog.events.keys where state.events[name] == nil {
            state.events[name] = EventSummary(count: 0)
        }
        for id in ids where state.guides[id] == nil {
            state.guides[id] = GuideProgress()
        }
        if state.now == nil { state.now = now }
        state.user = Self.normalizingTimestamps(state.user, catalog.userAttributes)
        state.account = Self.normalizingTimestamps(state.account, catalog.accountAttributes)
        return state
    }

    private static func normalizingTimestamps(_ attributes: [String: Value], _ declared: [String: Catalog.Attribute])
        -> [String: Value]
    {
        var result = attributes
        for (name, attribute) in declared where attribute.type == .timestamp {
            if case .string(let text)? = attributes[name], let seconds = Timestamp.seconds(parsing: text) {
                result[name] = .string(Timestamp.string(fromSeconds: seconds))
            }
        }
        return result
    }

    /// The document conditions read: the state as a value, timestamps in UTC form
    /// (`2026-11-21T08:00:00Z`), absent optional fields left out.
    public var document: Value {
        func time(_ date: Date) -> Value { .string(Timestamp.string(from: date)) }
        var root: [String: Value] = [
            "id": .string(id),
            "user": .object(user),
            "account": .object(account),
            "device": .object(device),
        ]
        root["events"] = .object(
            events.mapValues { event in
                var members: [String: Value] = ["count": .number(Double(event.count))]
                if let first = event.first { members["first"] = time(first) }
                if let last = event.last { members["last"] = time(last) }
                if let times = event.times { members["times"] = .array(times.map(time)) }
                return .object(members)
            }
        )
        root["guides"] = .object(
            guides.mapValues { guide in
                var members: [String: Value] = [
                    "status": .string(guide.status.rawValue), "shows": .number(Double(guide.shows)),
                ]
                if let step = guide.step { members["step"] = .string(step) }
                if let version = guide.version { members["version"] = .number(Double(version)) }
                if let variant = guide.variant { members["variant"] = .string(variant) }
                if let date = guide.lastShown { members["last_shown"] = time(date) }
                if let date = guide.startedAt { members["started_at"] = time(date) }
                if let date = guide.completedAt { members["completed_at"] = time(date) }
                if let date = guide.snoozedUntil { members["snoozed_until"] = time(date) }
                return .object(members)
            }
        )
        if let page {
            var members: [String: Value] = [:]
            if let path = page.path { members["path"] = .string(path) }
            if let url = page.url { members["url"] = .string(url) }
            root["page"] = .object(members)
        }
        if let locale { root["locale"] = .string(locale) }
        if let now { root["now"] = time(now) }
        return .object(root)
    }
}
