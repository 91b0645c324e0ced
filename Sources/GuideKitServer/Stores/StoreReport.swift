import Foundation
import GuideKit

/// The drop-off report of a store's events: what `GET /v1/report` answers and `guidekit report --database`
/// prints, byte for byte `guidekit report export.jsonl` on the store's export saved as `export.jsonl`.
///
/// A PostgreSQL store is read with `COPY … TO STDOUT` on a connection of its own, as the rows arrive
/// (``PostgresEventExport``), so memory stays bounded and the reading overlaps the database's work; the
/// other stores are read a page at a time into memory (``StoreExport``). Either way the report is built on a
/// thread of its own, never on one of the concurrency pool's few threads, which it would hold for seconds.
public enum StoreReport {
    /// The report of a store's events.
    ///
    /// - Parameters:
    ///   - store: the store (a PostgreSQL store is read over a new connection to its database).
    ///   - book: the step order of every guide version.
    ///   - options: the report's filters, window, breakdown and comparison.
    /// - Returns: the report.
    /// - Throws: ``StoreError`` when the store cannot be read, or fails while it is read (no report is made of
    ///   part of the events); ``EventLogError`` as a report of the export would.
    public static func make(
        of store: any GuideStore,
        book: StepOrderBook,
        options: ReportOptions
    ) async throws -> DropOffReport {
        if let store = store as? PostgresGuideStore {
            return try await make(ofDatabase: store.location, book: book, options: options)
        }
        let bytes = try await StoreExport.jsonLines(of: store)
        return try await onThread {
            try DropOffReport(
                reading: [.bytes(bytes, name: StoreExport.inputName, format: .jsonLines)],
                book: book,
                options: options
            )
        }
    }

    /// The report of the events in a PostgreSQL database, read only: nothing is created or written, and a
    /// database without the store's tables is refused.
    ///
    /// - Parameters:
    ///   - location: the database.
    ///   - book: the step order of every guide version.
    ///   - options: the report's filters, window, breakdown and comparison.
    /// - Returns: the report.
    /// - Throws: ``StoreError`` when the database cannot be read or fails while it is read;
    ///   ``EventLogError`` as a report of the export would.
    public static func make(
        ofDatabase location: PostgresLocation,
        book: StepOrderBook,
        options: ReportOptions
    ) async throws -> DropOffReport {
        let export = try await PostgresEventExport.open(location)
        do {
            let stream = export.stream
            let report = try await onThread {
                try DropOffReport(reading: [.stream(stream)], book: book, options: options)
            }
            await export.close()
            return report
        } catch {
            await export.close()
            throw error
        }
    }

    /// Runs `body` on a new thread and returns what it returns.
    private static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result(catching: body))
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
