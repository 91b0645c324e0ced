import Foundation

/// The window in which a guide may start; both ends are optional.
public struct Schedule: Sendable, Hashable {
    /// The first instant the guide may start.
    public var start: Located<Date>?
    /// The instant after which it may no longer start.
    public var end: Located<Date>?
    /// Where the `schedule` mapping is.
    public var location: SourceLocation

    /// Creates a schedule.
    public init(start: Located<Date>? = nil, end: Located<Date>? = nil, at location: SourceLocation) {
        self.start = start
        self.end = end
        self.location = location
    }
}
