import Foundation
import GRDB
import Testing

@testable import GuideKitServer

/// `guidekit report --database FILE` reads a SQLite store without writing to it.
@Suite("SQLite store opened for reading")
struct SQLiteReadOnlyStoreTests {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("guidekit-ro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aSQLiteFileThatIsNotAStoreIsRefusedAndLeftAsItWas() throws {
        let path = try folder().appendingPathComponent("other-app.sqlite").path
        let other = try DatabaseQueue(path: path)
        try other.write { db in try db.execute(sql: "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hi')") }
        try other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        #expect(throws: StoreError.self) { try SQLiteGuideStore(readingFrom: path) }

        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let tables = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["notes"])
    }

    @Test func aStoreIsReadAsTheServerLeftIt() async throws {
        let path = try folder().appendingPathComponent("guidekit.sqlite").path
        let writer = try SQLiteGuideStore(path: path)
        let harness = try ServerHarness(store: writer)
        _ = try await harness.test { client in
            try await client.send(
                .post,
                "/v1/events",
                body: eventsBody([guideEvent("guide_started", user: "u_1", at: "2026-11-23T09:00:00Z")])
            )
        }
        try await writer.close()

        let reader = try SQLiteGuideStore(readingFrom: path)
        let counts = try await reader.counts()
        #expect(counts.users == 1 && counts.events == 1)
        await #expect(throws: StoreError.self) { _ = try await reader.deleteUser("u_1") }
        try await reader.close()
    }
}
