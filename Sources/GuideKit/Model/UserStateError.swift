/// Why a user state could not be read: what, at which field, and where in the file.
public struct UserStateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem; new kinds may be added.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The name.
        public var description: String { rawValue }

        /// The text is not valid YAML, JSON or CSV.
        public static let syntax = Code(rawValue: "syntax")
        /// A field holds the wrong kind of value.
        public static let wrongType = Code(rawValue: "wrong-type")
        /// A required field is absent.
        public static let missingField = Code(rawValue: "missing-field")
        /// A field the state format does not have.
        public static let unknownField = Code(rawValue: "unknown-field")
        /// A value outside its allowed set or range.
        public static let invalidValue = Code(rawValue: "invalid-value")
        /// A timestamp that is not ISO 8601.
        public static let invalidTimestamp = Code(rawValue: "invalid-timestamp")
        /// The input is over a size limit (a line longer than the reader accepts).
        public static let tooLarge = Code(rawValue: "too-large")
        /// The file or stream cannot be read.
        public static let unreadable = Code(rawValue: "unreadable")
    }

    /// The kind of problem.
    public var code: Code
    /// What is wrong, naming the value.
    public var message: String
    /// The field's dotted path (`events.project_created.count`); empty for the whole document.
    public var path: String
    /// Where in the file, when known.
    public var location: SourceLocation?
    /// The error that caused this one, if any.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(
        _ code: Code,
        _ message: String,
        path: String = "",
        at location: SourceLocation? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.location = location
        self.underlying = underlying
    }

    /// `file:line:col: message` (the location when known).
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        let field = path.isEmpty ? "" : "\(path): "
        return "\(place)\(field)\(message)"
    }

    /// Compares code, message, path and location (not the underlying error).
    public static func == (lhs: UserStateError, rhs: UserStateError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.path == rhs.path && lhs.location == rhs.location
    }

    /// Hashes code, message, path and location.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(path)
        hasher.combine(location)
    }
}
