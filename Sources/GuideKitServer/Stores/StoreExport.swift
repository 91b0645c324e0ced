/// The stored events as `GET /v1/events/export` writes them, for the reports that read a store.
public enum StoreExport {
    /// The name a report gives the store's events in its input summary: what the export is saved as, so that
    /// a report of the store is byte for byte `guidekit report export.jsonl` on the saved export.
    public static let inputName = "export.jsonl"

    /// Every stored event as one JSON Lines text, in storage order, read a page at a time (a report of a
    /// PostgreSQL store streams them instead: ``StoreReport``).
    ///
    /// - Parameter store: the store.
    /// - Returns: the bytes, each line ending in a newline.
    /// - Throws: ``StoreError`` when the store cannot be read.
    public static func jsonLines(of store: any GuideStore) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        var after: Int64 = 0
        while true {
            let page = try await store.events(after: after, limit: 5_000)
            guard let last = page.last else { break }
            for event in page {
                bytes += event.line.utf8
                bytes.append(UInt8(ascii: "\n"))
            }
            after = last.sequence
        }
        return bytes
    }
}
