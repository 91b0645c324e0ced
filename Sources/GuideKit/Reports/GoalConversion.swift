/// How many users of a guide version (or group) reached the guide's goal: the goal's app event within its
/// window after they started the guide.
///
/// The start is the user's first `guide_started` of the version, or their first step event without one.
/// Product events come from the log (`{"type":"track","event":…}` lines, see the Events article); a log
/// without any leaves the goal unmeasured (``converted`` is `nil`) rather than at 0%.
public struct GoalConversion: Sendable, Hashable {
    /// The goal's event (`project_created`).
    public var event: String
    /// The window after the start in seconds, `nil` without a limit.
    public var withinSeconds: Int?
    /// Users who reached the goal in time, of the started users, with its Wilson interval; `nil` when the log
    /// holds no product events to measure it with.
    public var converted: Rate?
    /// Started users whose window had not closed at the report's as-of time: they may still convert.
    public var open: Int

    /// Creates a goal conversion.
    public init(event: String, withinSeconds: Int?, converted: Rate?, open: Int) {
        self.event = event
        self.withinSeconds = withinSeconds
        self.converted = converted
        self.open = open
    }

    /// `project_created within 7d`.
    public var label: String {
        event + (withinSeconds.map { " within \(ReportFormatting.window($0))" } ?? "")
    }
}
