/// The exit statuses of every `guidekit` command: one scheme, with the `sysexits.h` numbers where one fits.
///
/// | status | meaning |
/// |---|---|
/// | 0 | success |
/// | 1 | a check failed: lint findings, a failed scenario, a false condition, bad lines with `--strict` |
/// | 64 | bad usage: an unknown option, a missing or malformed argument (`EX_USAGE`) |
/// | 65 | bad input data: guides with errors, a malformed user state, scenario or event log (`EX_DATAERR`) |
/// | 66 | an input is missing or unreadable: no such file, no guides in a folder (`EX_NOINPUT`) |
/// | 74 | the output cannot be written: a full disk, a closed standard output (`EX_IOERR`) |
enum ExitStatus: Int32, Sendable {
    /// Everything ran and every check passed.
    case success = 0
    /// A check the command makes failed (the command's own `--help` says which).
    case failedCheck = 1
    /// The command line is wrong.
    case usage = 64
    /// An input was read but its content is wrong.
    case dataError = 65
    /// An input is missing or cannot be read.
    case noInput = 66
    /// The output cannot be written.
    case ioError = 74

    /// The paragraph each command's `--help` ends with.
    ///
    /// - Parameter failedCheck: what status 1 means for the command, or `nil` when it never exits 1.
    /// - Returns: the text, one status a line.
    static func help(failedCheck: String?) -> String {
        var text = "Exit status:\n  0   success\n"
        if let failedCheck { text += "  1   \(failedCheck)\n" }
        text += """
              64  bad usage (an unknown option, a missing or malformed argument)
              65  bad input data (guides with errors, a malformed user state, scenario or event log)
              66  an input is missing or unreadable (no such file, no guides in the folder)
              74  the output cannot be written (a full disk, a closed standard output)
            """
        return text
    }
}
