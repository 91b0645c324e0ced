import Foundation
import GuideKit
import NIOCore

/// The bytes of one `COPY … TO STDOUT`, handed from the connection's event loop to the report's reading
/// thread: a bounded queue, so memory stays at a few megabytes whatever the export's size.
///
/// The event loop appends what each socket read brought (``deliver(_:)``) and stops reading from the
/// socket while the queue holds more than ``highWater`` bytes; the reader takes bytes (``read(into:)``),
/// waiting when there are none, and asks for more (`resume`) once the queue is below ``lowWater``. The end
/// is either ``finish()`` (the database said the COPY is complete and every row came) or ``fail(_:)``: a
/// failure is thrown to the reader even if bytes are still queued, so a report is never made of part of
/// the events.
final class PostgresCopyOutStream: EventByteSource, @unchecked Sendable {
    /// Above this many queued bytes the socket is not read.
    static let highWater = 8 << 20
    /// Below this many queued bytes the socket is read again.
    static let lowWater = 2 << 20

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var chunks: [ByteBuffer] = []
    private var head = 0
    private var queued = 0
    private var isFinished = false
    private var failure: StoreError?
    private var isPaused = false
    private var resume: (@Sendable () -> Void)?
    private var hasBegun = false

    /// Seconds the reader waits for the COPY to begin before it gives up (the store's timeout).
    let idleTimeout: Double
    /// Seconds the reader waits for the next rows once the COPY has begun: a filtered COPY (the goal pass)
    /// may scan for a long time between rows, so this is at least five minutes.
    var rowTimeout: Double { max(idleTimeout, 300) }
    /// Names the database in the timeout's message.
    let location: PostgresLocation

    /// A stream whose reader waits at most `idleTimeout` seconds for the COPY to begin.
    init(location: PostgresLocation, idleTimeout: Double) {
        self.location = location
        self.idleTimeout = idleTimeout
    }

    /// The bytes queued now (at most ``highWater`` and one socket read's worth more).
    var queuedBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return queued
    }

    /// Sets what the reader calls (on its thread) to have the event loop read the socket again.
    func onResume(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        resume = body
        condition.unlock()
    }

    /// The database began the COPY (`CopyOutResponse`): from now on the reader waits ``rowTimeout``.
    func begin() {
        condition.lock()
        hasBegun = true
        condition.unlock()
    }

    /// Queues bytes (the event loop).
    ///
    /// - Returns: whether the socket may be read further; `false` pauses it until the reader resumes it.
    func deliver(_ bytes: ByteBuffer) -> Bool {
        guard bytes.readableBytes > 0 else { return true }
        condition.lock()
        defer { condition.unlock() }
        guard failure == nil else { return true }
        chunks.append(bytes)
        queued += bytes.readableBytes
        condition.signal()
        if queued > Self.highWater {
            isPaused = true
            return false
        }
        return true
    }

    /// The COPY ended as it should: the reader gets 0 once it has taken every byte.
    func finish() {
        condition.lock()
        if failure == nil { isFinished = true }
        condition.signal()
        condition.unlock()
    }

    /// The COPY failed: the reader's next call throws `error` (the first failure wins).
    func fail(_ error: StoreError) {
        condition.lock()
        guard failure == nil, !isFinished else {
            condition.unlock()
            return
        }
        failure = error
        chunks = []
        head = 0
        queued = 0
        condition.signal()
        condition.unlock()
    }

    /// Copies queued bytes into `buffer`, waiting for some.
    ///
    /// - Throws: the stream's failure, or ``StoreError/unavailable(_:)`` when the COPY did not begin within
    ///   ``idleTimeout`` or no rows came for ``rowTimeout``.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        condition.lock()
        let started = Date()
        while failure == nil, !isFinished, head == chunks.count {
            let limit = hasBegun ? rowTimeout : idleTimeout
            if !condition.wait(until: started + limit), failure == nil, !isFinished, head == chunks.count {
                let limit = hasBegun ? rowTimeout : idleTimeout
                guard Date() >= started + limit else { continue }  // the COPY began meanwhile: wait longer
                let what = hasBegun ? "no rows" : "no answer to the export's COPY"
                failure = .unavailable(
                    "\(location.redacted): \(what) within \(limit.formatted()) s while reading the events "
                        + "(--database-timeout)"
                )
            }
        }
        if let failure {
            condition.unlock()
            throw failure
        }
        var copied = 0
        while copied < buffer.count, head < chunks.count {
            let count = min(buffer.count - copied, chunks[head].readableBytes)
            chunks[head].withUnsafeReadableBytes { bytes in
                if let source = bytes.baseAddress { (base + copied).copyMemory(from: source, byteCount: count) }
            }
            chunks[head].moveReaderIndex(forwardBy: count)
            copied += count
            if chunks[head].readableBytes == 0 {
                head += 1
                if head > 64 {
                    chunks.removeFirst(head)
                    head = 0
                }
            }
        }
        queued -= copied
        var wake: (@Sendable () -> Void)?
        if isPaused, queued < Self.lowWater {
            isPaused = false
            wake = resume
        }
        condition.unlock()
        wake?()
        return copied
    }
}
