/// A folder or file that cannot be loaded at all (as opposed to a file with findings, which loads with
/// diagnostics).
public struct LoadError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for callers that react to it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The path does not exist.
        public static let notFound = Code("not-found")
        /// The path is a file where a folder is expected.
        public static let notAFolder = Code("not-a-folder")
        /// The path exists but cannot be read or listed.
        public static let unreadable = Code("unreadable")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence naming the path.
    public var message: String
    /// The path involved.
    public var path: String
    /// The error from the file system, if any.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, path: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.underlying = underlying
    }

    /// The message.
    public var description: String { message }
}
