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

    /// The hash of the whole path from the document's root, as ``ConditionDocument`` indexes it.
    var pathHash: UInt64 { segments.reduce(Self.rootHash) { Self.extend($0, with: $1.hash) } }

    /// A second, independent hash of the whole path: with ``pathHash`` it names the path (the index keeps 32 bits of it, so 96 in all).
    var pathCheck: UInt64 { segments.reduce(Self.rootCheck) { Self.extend($0, with: Self.check($1.name)) } }

    /// The path check of the root.
    static let rootCheck: UInt64 = 0x6a09_e667_f3bc_c909

    /// A 64-bit hash of the key's bytes independent of ``hash(_:)`` (multiply-xorshift).
    static func check(_ key: String) -> UInt64 { check(key.utf8) }

    /// ``check(_:)-(String)`` of UTF-8 bytes.
    static func check(_ bytes: some Collection<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x3c6e_f372_fe94_f82b
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x9e37_79b9_7f4a_7c15
            hash ^= hash >> 29
        }
        return hash ^ UInt64(bytes.count)
    }

    /// The path hash of the root.
    static let rootHash: UInt64 = 0x9e37_79b9_7f4a_7c15

    /// The path hash of a member `key` (by its key hash) of the node whose path hash is `parent`.
    @inline(__always)
    static func extend(_ parent: UInt64, with key: UInt64) -> UInt64 {
        var hash = (parent ^ key) &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        return hash ^ (hash >> 33)
    }

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
