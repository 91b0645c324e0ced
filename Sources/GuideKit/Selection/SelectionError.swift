/// An error from replaying a timeline or scenario, or from applying an action that cannot apply.
public struct SelectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for people.
    public var message: String
    /// Where, when the input came from a file.
    public var location: SourceLocation?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - message: what went wrong and how to fix it.
    ///   - location: where.
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    /// `file:line:col: message`, or the message alone.
    public var description: String {
        guard let location, !location.file.isEmpty else { return message }
        return "\(location): \(message)"
    }
}
