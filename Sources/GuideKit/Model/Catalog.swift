/// What a project declares about its users and its product, from `guidekit.yaml`: the attribute and event
/// catalogs, named segments and saved groups.
///
/// Lint checks conditions and event names against it; when a catalog is empty, nothing is checked against
/// it (a project may start without one).
public struct Catalog: Sendable, Hashable {
    /// The type of an attribute's values.
    public enum AttributeType: String, Sendable, Hashable, CaseIterable {
        /// Text.
        case string
        /// A number.
        case number
        /// `true` or `false`.
        case boolean
        /// An ISO 8601 timestamp.
        case timestamp
        /// A dotted version such as `5.2.0`, compared with GrowthBook's version rules.
        case version
        /// A list of strings (tags, roles); conditions match when any element matches.
        case list
    }

    /// One declared attribute.
    public struct Attribute: Sendable, Hashable {
        /// The attribute's name, without its namespace (`plan`, not `user.plan`).
        public var name: String
        /// Its type.
        public var type: AttributeType
        /// The allowed values of a `string` or `list` attribute, if the catalog limits them.
        public var values: [String]?
        /// What it means.
        public var description: String?
        /// Where it is declared.
        public var location: SourceLocation

        /// Creates an attribute.
        public init(
            name: String,
            type: AttributeType,
            values: [String]? = nil,
            description: String? = nil,
            location: SourceLocation
        ) {
            self.name = name
            self.type = type
            self.values = values
            self.description = description
            self.location = location
        }
    }

    /// One declared product event.
    public struct Event: Sendable, Hashable {
        /// The event's name (`project_created`).
        public var name: String
        /// What it means.
        public var description: String?
        /// Where it is declared.
        public var location: SourceLocation

        /// Creates an event.
        public init(name: String, description: String? = nil, location: SourceLocation) {
            self.name = name
            self.description = description
            self.location = location
        }
    }

    /// A named condition, used with `$segment`.
    public struct Segment: Sendable, Hashable {
        /// The segment's name.
        public var name: String
        /// Its condition as written.
        package var condition: SourceNode
        /// Where it is declared.
        public var location: SourceLocation

        /// Creates a segment.
        package init(name: String, condition: SourceNode, location: SourceLocation) {
            self.name = name
            self.condition = condition
            self.location = location
        }
    }

    /// A saved group of user ids, used with `$inGroup` and `$notInGroup`.
    public struct Group: Sendable, Hashable {
        /// The group's name.
        public var name: String
        /// The user ids in it.
        public var members: [String]
        /// Where it is declared.
        public var location: SourceLocation

        /// Creates a group.
        public init(name: String, members: [String], location: SourceLocation) {
            self.name = name
            self.members = members
            self.location = location
        }
    }

    /// User attributes (`user.<name>`), by name.
    public var userAttributes: [String: Attribute]
    /// Account attributes (`account.<name>`), by name.
    public var accountAttributes: [String: Attribute]
    /// Product events (`events.<name>`), by name.
    public var events: [String: Event]
    /// Named segments, by name.
    public var segments: [String: Segment]
    /// Saved groups, by name.
    public var groups: [String: Group]

    /// Creates a catalog; every part defaults to empty.
    public init(
        userAttributes: [String: Attribute] = [:],
        accountAttributes: [String: Attribute] = [:],
        events: [String: Event] = [:],
        segments: [String: Segment] = [:],
        groups: [String: Group] = [:]
    ) {
        self.userAttributes = userAttributes
        self.accountAttributes = accountAttributes
        self.events = events
        self.segments = segments
        self.groups = groups
    }
}
