import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An input file open for reading: every command reads the files it is given through this type, so a
/// missing file, a folder, a FIFO, `/dev/null` or a permission problem is handled the same way
/// everywhere, and the message names the real cause.
///
/// Files are read with `read`/`pread` into memory the caller owns, never through a memory mapping: a
/// file that another process truncates while it is read (log rotation with `copytruncate`) then gives
/// a short read, which the readers report, instead of a `SIGBUS`.
package final class InputFile: Sendable {
    /// The path as the user named it.
    package let path: String
    /// The open descriptor (closed when the value goes).
    package let descriptor: Int32
    /// Whether it is a regular file (which can be read at any offset and again); otherwise a stream:
    /// a FIFO, a character device such as `/dev/null`, a socket.
    package let isRegular: Bool
    /// The size when it was opened (regular files; 0 for streams).
    package let size: Int

    /// Opens `path` for reading.
    ///
    /// - Throws: ``InputFileError`` naming the cause: no such file, a folder, no permission, …
    package init(path: String) throws(InputFileError) {
        self.path = path
        var descriptor: Int32
        repeat { descriptor = open(path, O_RDONLY | O_CLOEXEC) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw InputFileError(path: path, code: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw InputFileError(path: path, code: code)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw InputFileError(path: path, code: EISDIR)
        }
        self.descriptor = descriptor
        isRegular = (status.st_mode & S_IFMT) == S_IFREG
        size = isRegular ? Int(status.st_size) : 0
    }

    deinit { close(descriptor) }

    /// Reads up to `count` bytes at `offset` into `buffer` (a regular file), retrying after signals and
    /// short reads; returns the bytes read, fewer than `count` only at the end of the file.
    ///
    /// - Throws: ``InputFileError`` when the system reports an error (`EIO`, …).
    package func read(into buffer: UnsafeMutableRawPointer, at offset: Int, count: Int) throws(InputFileError) -> Int {
        var filled = 0
        while filled < count {
            let got = pread(descriptor, buffer + filled, count - filled, off_t(offset + filled))
            if got < 0 {
                if errno == EINTR { continue }
                throw InputFileError(path: path, code: errno)
            }
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    /// Reads up to `count` bytes from the current position (a stream or a regular file), retrying after
    /// signals; returns 0 only at the end.
    ///
    /// - Throws: ``InputFileError`` when the system reports an error.
    package func readSome(into buffer: UnsafeMutableRawPointer, count: Int) throws(InputFileError) -> Int {
        while true {
            let got = Glibc.read(descriptor, buffer, count)
            if got >= 0 { return got }
            if errno != EINTR { throw InputFileError(path: path, code: errno) }
        }
    }

    /// The size of the file now (regular files), to notice one that shrank while it was read.
    package var currentSize: Int {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
    }

    /// Reads the whole file (or stream) into memory.
    ///
    /// - Throws: ``InputFileError`` when it cannot be read, or when a regular file got shorter while it
    ///   was read (it was truncated, as log rotation with `copytruncate` does).
    package func readAll() throws(InputFileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(1 << 16, isRegular ? size + 1 : 0))
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let result = bytes.withUnsafeMutableBytes { raw -> Result<Int, InputFileError> in
                guard let base = raw.baseAddress else { return .success(0) }
                do throws(InputFileError) {
                    return .success(try readSome(into: base + filled, count: raw.count - filled))
                } catch {
                    return .failure(error)
                }
            }
            let got = try result.get()
            if got == 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        if isRegular, filled < size { throw InputFileError.shrank(path: path, from: size, to: filled) }
        return bytes
    }

    /// Reads the whole file at `path` (or `-`, standard input) into memory.
    ///
    /// - Throws: ``InputFileError`` naming the cause.
    package static func bytes(atPath path: String) throws(InputFileError) -> [UInt8] {
        if path == "-" { return try standardInput().readAll() }
        return try InputFile(path: path).readAll()
    }

    /// Reads the whole file at `path` as UTF-8 text.
    ///
    /// - Throws: ``InputFileError`` naming the cause, also when the bytes are not UTF-8.
    package static func text(atPath path: String) throws(InputFileError) -> String {
        let bytes = try bytes(atPath: path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            var error = InputFileError(path: path, code: 0)
            error.reason = "the file is not UTF-8 text; save it as UTF-8"
            throw error
        }
        return text
    }

    /// Standard input, read as a stream.
    package static func standardInput() -> InputFile { InputFile(standardInputDescriptor: ()) }

    private init(standardInputDescriptor: Void) {
        path = "-"
        descriptor = dup(0)
        isRegular = false
        size = 0
    }
}

/// A file that cannot be read: the path, the system's error code and a sentence naming the cause.
package struct InputFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path as the user named it.
    package var path: String
    /// The `errno` value, or 0 when the cause is not a system error (a file that shrank).
    package var code: Int32
    /// The cause, in words, with the error's symbolic name: `no such file (ENOENT)`.
    package var reason: String

    /// An error for a failed system call on `path`.
    package init(path: String, code: Int32) {
        self.path = path
        self.code = code
        reason = Self.reason(code)
    }

    /// A regular file that got shorter while it was read.
    package static func shrank(path: String, from: Int, to: Int) -> InputFileError {
        var error = InputFileError(path: path, code: 0)
        error.reason =
            "the file got shorter while it was read (\(from) bytes, then \(to)); it was probably truncated "
            + "by log rotation (copytruncate): read the rotated copy, or a copy made first"
        return error
    }

    /// `cannot read PATH: REASON`.
    package var description: String { "cannot read \(path): \(reason)" }

    /// The cause of an `errno` value in words, with its symbolic name.
    package static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file (ENOENT)"
        case ENOTDIR: "a part of the path is not a folder (ENOTDIR)"
        case EISDIR: "it is a folder, not a file (EISDIR)"
        case EACCES:
            "permission denied (EACCES): this user may not read the file, or may not enter a folder on its path"
        case EPERM: "the operation is not permitted (EPERM)"
        case EIO: "an input/output error (EIO): the disk or the network file system failed while reading"
        case ELOOP: "too many levels of symbolic links (ELOOP)"
        case ENAMETOOLONG: "the path is too long (ENAMETOOLONG)"
        case EMFILE, ENFILE: "too many open files (\(code == EMFILE ? "EMFILE" : "ENFILE"))"
        case ENXIO: "no such device or address (ENXIO): a socket, or a device that is not there"
        case ENOMEM: "out of memory (ENOMEM)"
        case EOVERFLOW: "the file is too large (EOVERFLOW)"
        case EAGAIN: "the input is non-blocking and has nothing to read (EAGAIN)"
        default: "\(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
