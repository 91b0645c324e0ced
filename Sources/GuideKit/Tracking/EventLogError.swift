/// An event log that cannot be read at all (a missing file, a CSV without the needed columns).
///
/// Individual bad lines are not errors: they are counted as ``InputIssue``s and the report goes on.
public struct EventLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem, for callers that react to it; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The file or folder does not exist, or cannot be opened or read.
        public static let unreadable = Code("unreadable")
        /// The input was read but cannot be used (a CSV header without the needed columns, a guide
        /// without an id or steps).
        public static let invalid = Code("invalid")

        /// The code's name.
        public var description: String { name }
    }

    /// The kind of problem.
    public var code: Code
    /// The file, or `-` for standard input.
    public var path: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error for `path`.
    ///
    /// - Parameters:
    ///   - code: the kind of problem (``Code-swift.struct/invalid`` unless the input cannot be read).
    ///   - path: the file, or `-` for standard input.
    ///   - message: what is wrong and how to fix it.
    public init(_ code: Code = .invalid, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// `path: error: message`.
    public var description: String { "\(path): error: \(message)" }
}
