import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a subcommand's `--output` goes.
///
/// A regular file (or a new one) is replaced atomically, so a failed write leaves the old file whole.
/// Anything else at the path (`/dev/null`, a named pipe, a terminal) is written in place: an atomic
/// write would rename a fresh regular file over it, which for `/dev/null` run as root breaks the
/// whole machine's null device.
enum OutputFile {
    /// Writes `text` to `path`.
    ///
    /// - Throws: ``CommandFailure`` with status 74 when the path cannot be written.
    static func write(_ text: String, to path: String) throws(CommandFailure) {
        if isSpecial(path) {
            let descriptor = try open(path, flags: O_WRONLY)
            defer { close(descriptor) }
            try Output.write(text, to: descriptor, name: path)
        } else {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CommandFailure(.ioError, "error: cannot write \(path) (\(error.localizedDescription))")
            }
        }
    }

    /// A file descriptor for writing `path` piece by piece.
    ///
    /// Write with ``Output/write(_:to:name:)``. A regular file is created or emptied, anything else is
    /// opened as it is. The caller closes it.
    ///
    /// - Throws: ``CommandFailure`` with status 74 when the path cannot be opened.
    static func descriptor(forWriting path: String) throws(CommandFailure) -> Int32 {
        try open(path, flags: isSpecial(path) ? O_WRONLY : O_WRONLY | O_CREAT | O_TRUNC)
    }

    private static func open(_ path: String, flags: Int32) throws(CommandFailure) -> Int32 {
        let descriptor = Foundation.open(path, flags, 0o644)
        guard descriptor >= 0 else {
            throw CommandFailure(.ioError, "error: cannot write \(path) (\(String(cString: strerror(errno))))")
        }
        return descriptor
    }

    /// Whether something other than a regular file is at `path`.
    private static func isSpecial(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return (status.st_mode & S_IFMT) != S_IFREG
    }
}
