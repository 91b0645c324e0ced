import Foundation

extension ConditionDocument {
    /// Prepares the document of a user state completed with defaults, without the text round trip.
    ///
    /// The result is the document of `ConditionDocument(state.completed(with: catalog, guides: ids,
    /// now: now).document, now: now.timeIntervalSince1970)`, built directly from the state: timestamps are
    /// written as UTC text and read as instants in one step, and no intermediate ``Value`` tree is built.
    ///
    /// ```swift
    /// let document = ConditionDocument(state, completedWith: catalog, guides: ["welcome-tour"], now: now)
    /// let eligible = audience.isSatisfied(by: document)
    /// ```
    ///
    /// - Parameters:
    ///   - state: the user state.
    ///   - catalog: the project's catalog (events default to `count: 0`; timestamp attributes are
    ///     rewritten in UTC form).
    ///   - ids: the guides that default to `status: not_started, shows: 0`.
    ///   - now: the evaluation time when the state has none.
    public init(
        _ state: UserState,
        completedWith catalog: Catalog,
        guides ids: some Sequence<String> = [],
        now: Date = Date()
    ) {
        var builder = Builder()
        self.init(state, template: Template(catalog: catalog, guides: ids), now: now, builder: &builder)
    }

    /// Prepares the completed document of a state with a precomputed template, in reusable buffers.
    ///
    /// - Parameters:
    ///   - state: the user state.
    ///   - template: the catalog's and guides' defaults.
    ///   - now: the evaluation time when the state has none.
    ///   - builder: buffers to build in (their previous content is discarded).
    package init(_ state: UserState, template: Template, now: Date, builder: inout Builder) {
        let keys = template.keys
        builder.reset(prefix: template.prefix)
        let rootCount = 7 + (state.page == nil ? 0 : 1) + (state.locale == nil ? 0 : 1)
        var slot = builder.open(0, .object, count: rootCount)
        builder.setKey(slot, keys.id)
        builder.setString(slot, state.id)
        slot += 1
        builder.setKey(slot, keys.user)
        builder.fillObject(slot, state.user, timestamps: template.userTimestamps)
        slot += 1
        builder.setKey(slot, keys.account)
        builder.fillObject(slot, state.account, timestamps: template.accountTimestamps)
        slot += 1
        builder.setKey(slot, keys.device)
        builder.fillObject(slot, state.device, timestamps: [])
        slot += 1
        builder.setKey(slot, keys.events)
        Self.fillEvents(slot, state.events, template, &builder)
        slot += 1
        builder.setKey(slot, keys.guides)
        Self.fillGuides(slot, state.guides, template, &builder)
        slot += 1
        self = Self.finishRoot(
            from: slot,
            page: state.page,
            locale: state.locale,
            now: state.now ?? now,
            template: template,
            builder: &builder
        )
    }

    /// Writes the root's last members from `slot` on (the page when there is one, the locale when there is one,
    /// then `now`) and finishes the document; the root's children are those up to `now`.
    static func finishRoot(
        from slot: Int,
        page: UserState.Page?,
        locale: String?,
        now: Date,
        template: Template,
        builder: inout Builder
    ) -> ConditionDocument {
        let keys = template.keys
        var slot = slot
        if let page {
            builder.setKey(slot, keys.page)
            var member = builder.open(slot, .object, count: (page.path == nil ? 0 : 1) + (page.url == nil ? 0 : 1))
            if let path = page.path {
                builder.setKey(member, keys.path)
                builder.setString(member, path)
                member += 1
            }
            if let url = page.url {
                builder.setKey(member, keys.url)
                builder.setString(member, url)
            }
            builder.sortMembers(slot)
            slot += 1
        }
        if let locale {
            builder.setKey(slot, keys.locale)
            builder.setString(slot, locale)
            slot += 1
        }
        builder.setKey(slot, keys.now)
        builder.setTimestamp(slot, seconds: now.timeIntervalSince1970)
        let resolvedNow = builder.nodes[slot].number
        builder.nodes[0].count = Int32(slot)
        builder.sortMembers(0)
        return builder.finish(now: resolvedNow)
    }

    static func fillEvents(
        _ parent: Int,
        _ events: [String: UserState.EventSummary],
        _ template: Template,
        _ builder: inout Builder
    ) {
        let keys = template.keys
        let first = builder.open(parent, .object, count: events.count + template.events.count)
        var slot = first
        var allASCII = true
        for (name, event) in events {
            let key = builder.key(name)
            allASCII = allASCII && key.isASCII
            builder.setKey(slot, key)
            let count = 1 + (event.first == nil ? 0 : 1) + (event.last == nil ? 0 : 1) + (event.times == nil ? 0 : 1)
            var member = builder.open(slot, .object, count: count)
            builder.setKey(member, keys.count)
            builder.setNumber(member, Double(event.count))
            member += 1
            if let first = event.first {
                builder.setKey(member, keys.first)
                builder.setTimestamp(member, seconds: first.timeIntervalSince1970)
                member += 1
            }
            if let last = event.last {
                builder.setKey(member, keys.last)
                builder.setTimestamp(member, seconds: last.timeIntervalSince1970)
                member += 1
            }
            if let times = event.times {
                builder.setKey(member, keys.times)
                let element = builder.open(member, .array, count: times.count)
                for (offset, time) in times.enumerated() {
                    builder.setTimestamp(element + offset, seconds: time.timeIntervalSince1970)
                }
            }
            builder.sortMembers(slot)
            slot += 1
        }
        let filled = slot
        for name in template.events {
            let present =
                name.key.isASCII && allASCII
                ? (first..<filled).contains { builder.nodeHasKey($0, name.key) }
                : events[name.text] != nil
            guard !present else { continue }
            builder.setKey(slot, name.key)
            let member = builder.open(slot, .object, count: 1)
            builder.setKey(member, keys.count)
            builder.setNumber(member, 0)
            slot += 1
        }
        builder.nodes[parent].count = Int32(slot - first)
        builder.sortMembers(parent)
    }

    static func fillGuides(
        _ parent: Int,
        _ guides: [String: UserState.GuideProgress],
        _ template: Template,
        _ builder: inout Builder
    ) {
        let keys = template.keys
        let first = builder.open(parent, .object, count: guides.count + template.guides.count)
        var slot = first
        var allASCII = true
        for (id, guide) in guides {
            let key = builder.key(id)
            allASCII = allASCII && key.isASCII
            builder.setKey(slot, key)
            var count = 2 + (guide.step == nil ? 0 : 1) + (guide.version == nil ? 0 : 1)
            count += (guide.variant == nil ? 0 : 1) + (guide.lastShown == nil ? 0 : 1)
            count += (guide.startedAt == nil ? 0 : 1) + (guide.completedAt == nil ? 0 : 1)
            count += guide.snoozedUntil == nil ? 0 : 1
            var member = builder.open(slot, .object, count: count)
            builder.setKey(member, keys.status)
            builder.setConstant(member, template.status(guide.status))
            member += 1
            builder.setKey(member, keys.shows)
            builder.setNumber(member, Double(guide.shows))
            member += 1
            if let step = guide.step {
                builder.setKey(member, keys.step)
                builder.setString(member, step)
                member += 1
            }
            if let version = guide.version {
                builder.setKey(member, keys.version)
                builder.setNumber(member, Double(version))
                member += 1
            }
            if let variant = guide.variant {
                builder.setKey(member, keys.variant)
                builder.setString(member, variant)
                member += 1
            }
            builder.addTimestamp(&member, keys.lastShown, guide.lastShown)
            builder.addTimestamp(&member, keys.startedAt, guide.startedAt)
            builder.addTimestamp(&member, keys.completedAt, guide.completedAt)
            builder.addTimestamp(&member, keys.snoozedUntil, guide.snoozedUntil)
            builder.sortMembers(slot)
            slot += 1
        }
        let filled = slot
        for name in template.guides {
            let present =
                name.key.isASCII && allASCII
                ? (first..<filled).contains { builder.nodeHasKey($0, name.key) }
                : guides[name.text] != nil
            guard !present else { continue }
            builder.setKey(slot, name.key)
            var member = builder.open(slot, .object, count: 2)
            builder.setKey(member, keys.status)
            builder.setConstant(member, template.status(.notStarted))
            member += 1
            builder.setKey(member, keys.shows)
            builder.setNumber(member, 0)
            builder.sortMembers(slot)
            slot += 1
        }
        builder.nodes[parent].count = Int32(slot - first)
        builder.sortMembers(parent)
    }
}
