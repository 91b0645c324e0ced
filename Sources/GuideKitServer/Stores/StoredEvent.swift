/// One event as the store keeps it: the fields replay and export need, and the line exactly as exported.
public struct StoredEvent: Sendable, Hashable {
    /// The order the store received it in (assigned by the store; 0 before it is stored).
    public var sequence: Int64
    /// The event id, unique across the store.
    public var id: String
    /// The user id.
    public var user: String
    /// When it happened, in seconds since 1970.
    public var time: Double
    /// `guide_started` … `guide_snoozed`, `track` (a product event) or `exposure` (a variant assignment).
    public var type: String
    /// The guide id (guide events and exposures).
    public var guide: String?
    /// The guide version (guide events and exposures).
    public var version: Int?
    /// The step id, if any.
    public var step: String?
    /// The experiment variant, if any.
    public var variant: String?
    /// The product event's name (`track` events).
    public var name: String?
    /// The event as one JSON object in the event log format, without a newline.
    public var line: String

    /// Creates an event record.
    public init(
        sequence: Int64 = 0,
        id: String,
        user: String,
        time: Double,
        type: String,
        guide: String? = nil,
        version: Int? = nil,
        step: String? = nil,
        variant: String? = nil,
        name: String? = nil,
        line: String
    ) {
        self.sequence = sequence
        self.id = id
        self.user = user
        self.time = time
        self.type = type
        self.guide = guide
        self.version = version
        self.step = step
        self.variant = variant
        self.name = name
        self.line = line
    }
}
