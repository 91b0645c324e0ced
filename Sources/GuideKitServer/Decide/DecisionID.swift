import Synchronization

/// Decision ids: random-looking version 4 UUIDs (lowercase, `8-4-4-4-12` hex), unique without a system call.
///
/// Foundation's `UUID()` opens and reads `/dev/urandom` on Linux for every id, which cost decide about a
/// twentieth of its time. An id names one decision so that the events it leads to can be joined to it; it is
/// not a secret. So each process draws 64 random bits once, and each id is that key and a counter, mixed by a
/// bijection (SplitMix64's finalizer) so that no two ids of a process are alike and successive ids show no
/// pattern; the random key keeps the ids of several instances apart.
enum DecisionID {
    private static let key: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()
    private static let counter = Atomic<UInt64>(0)

    /// A new id.
    static func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        var high = mix(count ^ key.0)
        var low = mix(count &+ key.1) ^ key.0
        // Version 4 (random) and the RFC 4122 variant, as UUID() writes them.
        high = (high & ~0xF000) | 0x4000
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48)
        return format(high, low)
    }

    /// SplitMix64's finalizer: a bijection of 64-bit values that spreads every input bit.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `high` and `low` as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    static func format(_ high: UInt64, _ low: UInt64) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = digits.utf8Start[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, nibbles: 8)
            dash()
            put((high >> 16) & 0xFFFF, nibbles: 4)
            dash()
            put(high & 0xFFFF, nibbles: 4)
            dash()
            put(low >> 48, nibbles: 4)
            dash()
            put(low & 0xFFFF_FFFF_FFFF, nibbles: 12)
            return index
        }
    }
}
