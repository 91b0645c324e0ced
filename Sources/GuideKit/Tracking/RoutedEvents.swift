import CHotPath
import Foundation

/// An event handed from the thread that parsed it to the thread that owns its user.
///
/// Declared in C (`gk_routed_event`), as the C event runs (`gk_csv_event_run`) fill batches too.
typealias RoutedEvent = gk_routed_event

/// A batch of routed events with the bytes of their user ids.
final class RoutedBatch: @unchecked Sendable {
    /// Events per batch: 2,048 (80 KB) stay in the core's L2 cache between the reader filling a
    /// thread's own batch and tallying it; batches of 16,384 (640 KB) did not, and cost about 5% more
    /// on the 10M CSV log.
    static let capacity = 1 << 11

    let events = FlatBuffer<RoutedEvent>(capacity: capacity)
    let bytes = FlatBuffer<UInt8>(capacity: capacity * 16)

    var isFull: Bool { events.count >= Self.capacity }

    /// Empties the batch for reuse.
    func clear() {
        events.removeAll()
        bytes.removeAll()
    }
}

/// Where reading threads post batches for each other.
///
/// Every user belongs to one thread (by the hash of the user id), so each run is tallied in one place
/// and the threads' tallies never need merging.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var inboxes: [[RoutedBatch]]
    /// Emptied batches, reused so that their memory is not freed and faulted in again.
    private var spare: [RoutedBatch] = []
    private var finishedParsers = 0
    let count: Int

    init(threads: Int) {
        count = threads
        inboxes = Array(repeating: [], count: threads)
    }

    func post(_ batch: RoutedBatch, to thread: Int) {
        lock.lock()
        inboxes[thread].append(batch)
        lock.unlock()
    }

    /// An empty batch: a spare one when there is one.
    func emptyBatch() -> RoutedBatch {
        lock.lock()
        let batch = spare.popLast()
        lock.unlock()
        return batch ?? RoutedBatch()
    }

    /// Returns drained batches for reuse.
    func recycle(_ batches: [RoutedBatch]) {
        for batch in batches { batch.clear() }
        lock.lock()
        spare.append(contentsOf: batches)
        lock.unlock()
    }

    func take(for thread: Int) -> [RoutedBatch] {
        lock.lock()
        defer { lock.unlock() }
        let batches = inboxes[thread]
        inboxes[thread] = []
        return batches
    }

    /// Called by each thread when it has parsed its part and posted everything.
    func finishParsing() {
        lock.lock()
        finishedParsers += 1
        lock.unlock()
    }

    var allParsed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return finishedParsers == count
    }

    /// Starts a new read (one source).
    func reset() {
        lock.lock()
        spare = []
        finishedParsers = 0
        lock.unlock()
    }
}
