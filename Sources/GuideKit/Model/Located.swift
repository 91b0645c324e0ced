/// A value read from a file, with the place it was written.
///
/// The model keeps a location on every value a later check may have to point at (an id, a `goto`, an event
/// name), so a finding names the exact line and column to change.
public struct Located<Wrapped: Sendable & Hashable>: Sendable, Hashable {
    /// The value.
    public var value: Wrapped
    /// Where it was written.
    public var location: SourceLocation

    /// Creates a located value.
    ///
    /// - Parameters:
    ///   - value: the value.
    ///   - location: where it was written.
    public init(_ value: Wrapped, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}
