/// An error from replaying a timeline or scenario, or from applying an action that cannot apply.
///
/// Callers tell the cases apart by ``code``, not by the message:
///
/// ```swift
/// do {
///     try machine.apply(.next(guide: id), to: &state, at: now)
/// } catch where error.code == .unknownGuide {
///     // 404
/// } catch where error.code == .notInProgress {
///     // 409
/// }
/// ```
public struct SelectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem; new kinds may be added, so switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The input is malformed: a scenario or timeline with an unknown field, a bad value or time.
        public static let invalid = Code("invalid")
        /// A file or folder of scenarios does not exist or cannot be read, or holds no scenario.
        public static let unreadable = Code("unreadable")
        /// No guide has the id.
        public static let unknownGuide = Code("unknown-guide")
        /// An event no guide reads and the project's event catalog does not declare.
        public static let unknownEvent = Code("unknown-event")
        /// The guide has no step with the id.
        public static let unknownStep = Code("unknown-step")
        /// The action needs the guide in progress, and it is not (not started, completed, dismissed, snoozed).
        public static let notInProgress = Code("not-in-progress")
        /// `back` on a guide's first step.
        public static let noPreviousStep = Code("no-previous-step")
        /// A click that matches no button or `advance_on` click of the shown step.
        public static let unknownButton = Code("unknown-button")
        /// An action on the shown guide when nothing is shown.
        public static let nothingShown = Code("nothing-shown")
        /// A scenario without a user state, and none given.
        public static let noUser = Code("no-user")

        /// The code's name (`unknown-guide`).
        public var description: String { name }
    }

    /// The kind of problem.
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// Where, when the input came from a file.
    public var location: SourceLocation?

    /// Creates an error of the kind ``Code/invalid``.
    ///
    /// - Parameters:
    ///   - message: what went wrong and how to fix it.
    ///   - location: where.
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.init(.invalid, message, at: location)
    }

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: the kind of problem.
    ///   - message: what went wrong and how to fix it.
    ///   - location: where.
    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `file:line:col: message`, or the message alone.
    public var description: String {
        guard let location, !location.file.isEmpty else { return message }
        return "\(location): \(message)"
    }
}
