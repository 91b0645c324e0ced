import Foundation
import Testing

@testable import GuideKitServer

/// One `guidekit serve` per SQLite file: the store's cache and per-user locks are in-process, so a second
/// writer on the same file is refused at start instead of serving stale users.
@Suite("SQLite store claims its file")
struct SQLiteOwnerLockTests {
    private func path() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-claim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.appendingPathComponent("guidekit.sqlite").path
    }

    @Test func aSecondWriterOnTheSameFileIsRefusedAndChangesNothing() async throws {
        let file = try path()
        let first = try SQLiteGuideStore(path: file)
        try await first.commit(StoreChange(events: [StoreConformanceTests.event("a")]))

        let error = #expect(throws: StoreError.self) { try SQLiteGuideStore(path: file) }
        #expect(error?.description.contains("\(file) is in use by another guidekit serve") == true)
        #expect(error?.description.contains("PostgreSQL") == true)

        // The first store goes on as before.
        try await first.commit(StoreChange(events: [StoreConformanceTests.event("b")]))
        #expect(try await first.events(after: 0, limit: 10).map(\.id) == ["a", "b"])
        try await first.close()
    }

    @Test func theClaimEndsWhenTheStoreCloses() async throws {
        let file = try path()
        let first = try SQLiteGuideStore(path: file)
        try await first.close()
        let second = try SQLiteGuideStore(path: file)
        #expect(try await second.counts() == (users: 0, events: 0))
        try await second.close()
    }

    @Test func aReadOnlyReaderIsNotRefusedWhileTheServerRuns() async throws {
        let file = try path()
        let writer = try SQLiteGuideStore(path: file)
        try await writer.commit(StoreChange(events: [StoreConformanceTests.event("a")]))
        let reader = try SQLiteGuideStore(readingFrom: file)
        #expect(try await reader.events(after: 0, limit: 10).map(\.id) == ["a"])
        try await reader.close()
        try await writer.close()
    }
}
