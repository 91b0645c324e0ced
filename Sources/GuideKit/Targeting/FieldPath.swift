/// A dotted path into the document (`events.project_created.count`), split and hashed once at compile
/// time.
struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// One key of the path with its precomputed hash.
    struct Segment: Sendable, Hashable {
        var name: String
        var hash: UInt64
    }

    /// The segments, in order.
    var segments: [Segment]
    /// The path as written.
    var description: String

    /// Splits `text` at dots, as GrowthBook does (an empty segment stays and matches an empty key).
    init(_ text: String) {
        description = text
        segments = text.split(separator: ".", omittingEmptySubsequences: false).map {
            Segment(name: String($0), hash: Self.hash(String($0)))
        }
    }

    /// The first segment, the namespace of a user-state path (`user`, `events`, …).
    var namespace: String { segments.first?.name ?? "" }

    /// FNV-1a (64 bit) of the key's UTF-8 bytes.
    static func hash(_ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
