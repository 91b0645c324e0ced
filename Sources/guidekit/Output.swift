import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one writer every command prints through: standard output, standard error, and `--output` files
/// written piece by piece.
///
/// Every write is checked. A full disk, a closed standard output or a vanished reader ends the command
/// with a message on standard error and status 74 (``ExitStatus/ioError``), never with a trap or a
/// silent exit 0. (A reader that closes a pipe early, as `| head` does, ends the process with `SIGPIPE`,
/// as for any Unix tool.)
enum Output {
    /// Puts `/dev/null` in place of any of the three standard descriptors the process started without.
    ///
    /// Call it first: otherwise the next file opened takes descriptor 1 and the output goes into it.
    /// Standard output is opened read-only, so writing to it fails with `EBADF` and the command reports
    /// it; standard input reads as empty; standard error discards.
    static func occupyClosedStandardDescriptors() {
        for (descriptor, flags) in [(STDIN_FILENO, O_RDONLY), (STDOUT_FILENO, O_RDONLY), (STDERR_FILENO, O_WRONLY)]
        where fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            let opened = open("/dev/null", flags)
            if opened >= 0, opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }

    /// Writes `text` to standard output.
    ///
    /// - Throws: ``CommandFailure`` with status 74 when the text cannot be written.
    static func write(_ text: String) throws(CommandFailure) {
        try write(text, to: STDOUT_FILENO, name: "standard output")
    }

    /// Writes `text` and a newline to standard output.
    ///
    /// - Throws: ``CommandFailure`` with status 74 when the text cannot be written.
    static func line(_ text: String) throws(CommandFailure) {
        try write(text + "\n")
    }

    /// Writes `text` to an open file descriptor, all of it, retrying after interruptions and short writes.
    ///
    /// - Parameters:
    ///   - text: the text.
    ///   - descriptor: the file descriptor.
    ///   - name: the file's name for the message (`standard output`, a path).
    /// - Throws: ``CommandFailure`` with status 74 naming the system's reason.
    static func write(_ text: String, to descriptor: Int32, name: String) throws(CommandFailure) {
        var text = text
        let failure: Int32? = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return nil }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure {
            throw CommandFailure(.ioError, "error: cannot write \(name) (\(String(cString: strerror(failure))))")
        }
    }

    /// Writes `text` to standard error; a failure there is ignored (there is nowhere left to report it).
    static func error(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(STDERR_FILENO, base + offset, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
