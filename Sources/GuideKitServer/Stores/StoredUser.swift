import GuideKit

/// A user as the store keeps them: their state (attributes, product event counts, guide progress) and the
/// time of the latest event folded into it.
public struct StoredUser: Sendable, Hashable {
    /// The state, as `GET /v1/users/{id}` answers it (without `page` and `now`).
    public var state: UserState
    /// The time of the latest event applied to ``state``, in seconds since 1970; `nil` before any.
    ///
    /// An event at or before it makes the server replay the user's events in order instead of applying it
    /// on top, so the state never depends on arrival order.
    public var appliedThrough: Double?

    /// Creates a stored user.
    public init(state: UserState, appliedThrough: Double? = nil) {
        self.state = state
        self.appliedThrough = appliedThrough
    }

    /// The user id.
    public var id: String { state.id }
}
