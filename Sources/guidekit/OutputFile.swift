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
    /// Writes `data` to `path`.
    ///
    /// - Throws: the system's error when the path cannot be written.
    static func write(_ data: Data, to path: String) throws {
        if isSpecial(path) {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
        } else {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }

    /// A handle for writing `path` piece by piece: a regular file is created or emptied, anything
    /// else is opened as it is.
    ///
    /// - Throws: ``OutputFileError`` when the path cannot be opened.
    static func handle(forWriting path: String) throws -> FileHandle {
        let flags = isSpecial(path) ? O_WRONLY : O_WRONLY | O_CREAT | O_TRUNC
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            throw OutputFileError(path: path, reason: String(cString: strerror(errno)))
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Whether something other than a regular file is at `path`.
    private static func isSpecial(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return (status.st_mode & S_IFMT) != S_IFREG
    }
}

/// An output path that cannot be opened for writing.
struct OutputFileError: Error, CustomStringConvertible {
    /// The path given with `--output`.
    var path: String
    /// The system's reason.
    var reason: String

    var description: String { "\(path): error: cannot write (\(reason))" }
}
