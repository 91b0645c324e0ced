/// A store failure the server can act on.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case duplicateEvents([String])
        case unavailable(String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// Some event ids of a change were already stored: nothing of the change was written.
    public static func duplicateEvents(_ ids: [String]) -> Self { .init(.duplicateEvents(ids)) }
    /// The store cannot be read or written (the file, the disk, the connection).
    public static func unavailable(_ reason: String) -> Self { .init(.unavailable(reason)) }

    /// The ids that were already stored, for ``duplicateEvents(_:)``.
    public var duplicateIDs: [String] {
        if case .duplicateEvents(let ids) = code { return ids }
        return []
    }

    /// A sentence for the log.
    public var description: String {
        switch code {
        case .duplicateEvents(let ids): "event ids already stored: \(ids.prefix(5).joined(separator: ", "))"
        case .unavailable(let reason): "the store is unavailable: \(reason)"
        }
    }
}
