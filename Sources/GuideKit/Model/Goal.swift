/// The action a guide exists to cause, and how soon after the start it counts.
public struct Goal: Sendable, Hashable {
    /// The event that marks success.
    public var event: Located<String>
    /// How long after the guide starts the event still counts; `nil` is without limit.
    public var within: GuideDuration?
    /// Where the `goal` mapping is.
    public var location: SourceLocation

    /// Creates a goal.
    public init(event: Located<String>, within: GuideDuration? = nil, at location: SourceLocation) {
        self.event = event
        self.within = within
        self.location = location
    }
}
