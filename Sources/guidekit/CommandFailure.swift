import GuideKit

/// A failure that ends a command: its message goes to standard error and the process exits with `status`.
///
/// Runtime failures use this, not ArgumentParser's `ValidationError`, which is for a wrong command line
/// and prints the usage text.
struct CommandFailure: Error, CustomStringConvertible {
    /// The exit status.
    var status: ExitStatus
    /// What went wrong, naming the input and the fix; printed as is (several lines are allowed).
    var message: String

    /// Creates a failure.
    ///
    /// - Parameters:
    ///   - status: the exit status.
    ///   - message: the text for standard error, without the trailing newline.
    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The message.
    var description: String { message }

    /// `error: message`, with `status`.
    static func error(_ status: ExitStatus, _ message: String) -> CommandFailure {
        CommandFailure(status, "error: \(message)")
    }

    /// A guides folder or file that cannot be loaded.
    init(_ error: LoadError) {
        self.init(.noInput, "error: \(error.message)")
    }

    /// A user state that cannot be read: missing or unreadable (66), or malformed (65).
    init(_ error: UserStateError) {
        self.init(error.code == .unreadable ? .noInput : .dataError, "error: \(error.description)")
    }

    /// An event log or guides folder the report or tracker cannot read (66) or use (65).
    init(_ error: EventLogError) {
        self.init(error.code == .unreadable ? .noInput : .dataError, error.description)
    }
}
