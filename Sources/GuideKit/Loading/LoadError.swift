/// A folder or file that cannot be loaded at all (as opposed to a file with findings, which loads with
/// diagnostics), or a load with errors that ``CompiledGuideSet`` refuses to compile.
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
        /// The files were read, but a guide or the project file has errors (in ``LoadError/diagnostics``).
        public static let hasErrors = Code("has-errors")

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
    /// The error findings, for ``Code-swift.struct/hasErrors``; empty otherwise.
    public var diagnostics: [Diagnostic]

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: a sentence naming the path.
    ///   - path: the path involved.
    ///   - underlying: the error from the file system, if any.
    ///   - diagnostics: the error findings, for ``Code-swift.struct/hasErrors``.
    public init(
        _ code: Code,
        _ message: String,
        path: String,
        underlying: (any Error & Sendable)? = nil,
        diagnostics: [Diagnostic] = []
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.underlying = underlying
        self.diagnostics = diagnostics
    }

    /// The message.
    public var description: String { message }
}
