/// An event log that cannot be read at all (a missing file, a CSV without the needed columns).
///
/// Individual bad lines are not errors: they are counted as ``InputIssue``s and the report goes on.
public struct EventLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, or `-` for standard input.
    public var path: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error for `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: error: message`.
    public var description: String { "\(path): error: \(message)" }
}
