/// How often one user may see a guide.
public struct Frequency: Sendable, Hashable {
    /// The most starts per user; `nil` is unlimited.
    public var maxShows: Int?
    /// The shortest time between two shows.
    public var cooldown: GuideDuration?
    /// How long a snooze lasts (one day when not set).
    public var snooze: GuideDuration
    /// Whether the guide may start again after the user completed it.
    public var repeatsAfterCompletion: Bool
    /// Where the `frequency` mapping is.
    public var location: SourceLocation

    /// Creates a frequency.
    public init(
        maxShows: Int? = nil,
        cooldown: GuideDuration? = nil,
        snooze: GuideDuration = GuideDuration(seconds: 86_400),
        repeatsAfterCompletion: Bool = false,
        at location: SourceLocation
    ) {
        self.maxShows = maxShows
        self.cooldown = cooldown
        self.snooze = snooze
        self.repeatsAfterCompletion = repeatsAfterCompletion
        self.location = location
    }
}
