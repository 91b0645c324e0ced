import Foundation

/// String comparisons as GrowthBook makes them: by UTF-16 code units, never by Unicode equivalence.
///
/// Swift's `==` and `<` on `String` follow canonical equivalence (`"é"` precomposed equals `"e"` plus a
/// combining accent); JavaScript compares UTF-16 code units. Conditions must behave as in the team's flag
/// tool, so every string test goes through these functions.
enum TextOrder {
    /// `true` when both strings have the same code units.
    @inline(__always)
    static func isEqual(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                left.count == right.count
                    && (left.count == 0 || memoryEqual(left, right))
            }
        }
    }

    /// Orders two strings by UTF-16 code units: negative, zero or positive.
    ///
    /// UTF-8 byte order is Unicode scalar order; UTF-16 order differs from it only where a character
    /// above U+FFFF meets one in U+E000…U+FFFF (the surrogates sort below the private-use area), so the
    /// bytes are compared and that one case is turned round.
    static func compare(_ lhs: String, _ rhs: String) -> Int {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in compareUTF8(left, right) }
        }
    }

    /// Compares UTF-8 buffers in UTF-16 code-unit order.
    static func compareUTF8(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        let shared = min(left.count, right.count)
        var index = 0
        var lead = 0
        while index < shared {
            let a = left[index]
            let b = right[index]
            if a & 0xC0 != 0x80 { lead = index }
            if a != b {
                // The scalar differs from `lead` on; compare its lead bytes when they differ.
                let leadA = left[lead]
                let leadB = right[lead]
                if leadA != leadB {
                    let aHigh = leadA == 0xEE || leadA == 0xEF
                    let bHigh = leadB == 0xEE || leadB == 0xEF
                    if aHigh && leadB >= 0xF0 { return 1 }
                    if bHigh && leadA >= 0xF0 { return -1 }
                }
                return a < b ? -1 : 1
            }
            index += 1
        }
        return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
    }

    @inline(__always)
    private static func memoryEqual(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let a = left.baseAddress, let b = right.baseAddress else { return left.count == right.count }
        return memcmp(a, b, left.count) == 0
    }
}
