/// What one request writes, committed in one transaction: new events and the users they changed.
public struct StoreChange: Sendable, Hashable {
    /// Events to append; each id must be new to the store.
    public var events: [StoredEvent]
    /// Users to insert or replace.
    public var users: [StoredUser]

    /// Creates a change.
    public init(events: [StoredEvent] = [], users: [StoredUser] = []) {
        self.events = events
        self.users = users
    }

    /// Whether there is nothing to write.
    public var isEmpty: Bool { events.isEmpty && users.isEmpty }
}
