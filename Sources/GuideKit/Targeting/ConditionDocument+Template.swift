extension ConditionDocument {
    /// What completing a user state with a catalog and guide ids needs, computed once: the catalog's events,
    /// the guide ids, the timestamp-typed attributes and every fixed key of a state document, written as
    /// the first bytes of every document (members that use them refer to them instead of copying them)
    /// and hashed.
    package struct Template: Sendable {
        /// A name from the catalog or the guide ids, written in the prefix.
        struct Name: Sendable {
            var text: String
            var key: Key

            /// `true` when a member key equals this name as Swift strings compare (by bytes when both are
            /// ASCII, the common case).
            @inline(__always)
            func matches(_ name: String, _ other: Key, in builder: Builder) -> Bool {
                guard key.isASCII, other.isASCII else { return name == text }
                return other.hash == key.hash && builder.sameBytes(other, key)
            }

            /// ``matches(_:_:in:)`` for a key whose text is not at hand.
            func matches(_ other: Key, in builder: Builder) -> Bool {
                guard key.isASCII, other.isASCII else { return builder.text(of: other) == text }
                return other.hash == key.hash && builder.sameBytes(other, key)
            }
        }

        /// The fixed keys of a state document.
        struct Keys: Sendable {
            var id, user, account, device, events, guides, page, locale, now: Key
            var count, first, last, times: Key
            var status, shows, step, version, variant, lastShown, startedAt, completedAt, snoozedUntil: Key
            var path, url: Key
        }

        /// The bytes every document starts with.
        let prefix: [UInt8]
        let keys: Keys
        /// Each status's raw value, by ``UserState/GuideStatus`` case order.
        let statuses: [Key]
        /// The catalog's events: a state lacking one gets `count: 0`.
        let events: [Name]
        /// The guide ids: a state lacking one gets `status: not_started, shows: 0`.
        let guides: [Name]
        /// The user and account attributes the catalog types as timestamps.
        let userTimestamps: [Name]
        let accountTimestamps: [Name]

        /// Prepares the template for completing states with `catalog` and the guides `ids`.
        package init(catalog: Catalog, guides ids: some Sequence<String>) {
            var builder = Builder()
            func names(_ texts: some Sequence<String>) -> [Name] {
                texts.map { Name(text: $0, key: builder.key($0)) }
            }
            keys = Keys(
                id: builder.key("id"),
                user: builder.key("user"),
                account: builder.key("account"),
                device: builder.key("device"),
                events: builder.key("events"),
                guides: builder.key("guides"),
                page: builder.key("page"),
                locale: builder.key("locale"),
                now: builder.key("now"),
                count: builder.key("count"),
                first: builder.key("first"),
                last: builder.key("last"),
                times: builder.key("times"),
                status: builder.key("status"),
                shows: builder.key("shows"),
                step: builder.key("step"),
                version: builder.key("version"),
                variant: builder.key("variant"),
                lastShown: builder.key("last_shown"),
                startedAt: builder.key("started_at"),
                completedAt: builder.key("completed_at"),
                snoozedUntil: builder.key("snoozed_until"),
                path: builder.key("path"),
                url: builder.key("url")
            )
            statuses = UserState.GuideStatus.allCases.map { builder.key($0.rawValue) }
            events = names(catalog.events.keys.sorted())
            var seen = Set<String>()
            guides = names(ids.filter { seen.insert($0).inserted })
            userTimestamps = names(catalog.userAttributes.filter { $0.value.type == .timestamp }.keys.sorted())
            accountTimestamps = names(catalog.accountAttributes.filter { $0.value.type == .timestamp }.keys.sorted())
            prefix = builder.bytes
        }

        /// The key of a status's raw value.
        func status(_ status: UserState.GuideStatus) -> Key {
            switch status {
            case .notStarted: statuses[0]
            case .inProgress: statuses[1]
            case .snoozed: statuses[2]
            case .completed: statuses[3]
            case .dismissed: statuses[4]
            }
        }
    }
}
