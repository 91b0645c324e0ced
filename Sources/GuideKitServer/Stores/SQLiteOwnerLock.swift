import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The claim of one `guidekit serve` process on a SQLite store file: an exclusive `flock` on the file, held
/// until the store closes (or the process ends, however it ends).
///
/// ``SQLiteGuideStore`` serialises each user's writes with in-process locks and keeps the users it read or
/// wrote in memory, so a second process writing the same file would go around both. The lock turns that
/// mistake into an error at start. `flock` and SQLite's own `fcntl` locks do not interfere; readers that
/// open the file read-only (`guidekit report --database`) take no claim and are not refused.
final class SQLiteOwnerLock: Sendable {
    private let descriptor: Mutex<Int32>

    /// Claims `path`, creating an empty file there when there is none (SQLite takes an empty file as a new
    /// database).
    ///
    /// - Throws: ``StoreError/unavailable(_:)`` naming the file when another process (or another store in
    ///   this one) holds it, or when it cannot be opened.
    init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StoreError.unavailable("\(path): cannot open the file to claim it (\(reason))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy {
                throw StoreError.unavailable(
                    "\(path) is in use by another guidekit serve; a SQLite store serves one instance (stop the other one, give this one its own --database file, or run several instances on PostgreSQL with --database postgres://…)"
                )
            }
            throw StoreError.unavailable("\(path): cannot lock the file (\(reason))")
        }
        self.descriptor = Mutex(descriptor)
    }

    /// Gives the claim up, so that another store may open the file.
    ///
    /// Safe to call more than once.
    func release() {
        descriptor.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
    }

    deinit {
        release()
    }
}
