/// GrowthBook's deterministic bucketing: the FNV-1a hash of a seed and a user id, the ranges that
/// weighted variants cover, and the choice of a variant, exactly as GrowthBook's SDKs compute them, so a
/// rollout or experiment assigns the same users here as in the team's flag tool.
///
/// ```swift
/// let bucket = Bucketing.hash(seed: "welcome-tour", value: "u-42", version: .v2)  // 0 ..< 1
/// let ranges = Bucketing.ranges(count: 2, coverage: 0.5, weights: [0.5, 0.5])
/// let variant = Bucketing.variation(for: bucket, in: ranges)                      // 0, 1 or nil
/// ```
public enum Bucketing {
    /// GrowthBook's hash versions.
    public enum HashVersion: Int, Sendable, Hashable, CaseIterable {
        /// The original hash, `fnv32a(value + seed) % 1000 / 1000` (slightly biased).
        case v1 = 1
        /// The unbiased hash, `fnv32a(String(fnv32a(seed + value))) % 10000 / 10000`.
        case v2 = 2
    }

    /// A half-open range `[lower, upper)` of the unit interval that one variant covers.
    public struct Range: Sendable, Hashable {
        /// The first bucket in the range.
        public var lower: Double
        /// The first bucket after the range.
        public var upper: Double

        /// Creates a range.
        public init(lower: Double, upper: Double) {
            self.lower = lower
            self.upper = upper
        }

        /// `true` when `bucket` is in `[lower, upper)`.
        public func contains(_ bucket: Double) -> Bool { bucket >= lower && bucket < upper }
    }

    /// 32-bit FNV-1a over the string's UTF-16 code units, as GrowthBook's JavaScript SDK computes it.
    ///
    /// - Parameter text: the input.
    /// - Returns: the hash.
    public static func fnv32a(_ text: String) -> UInt32 {
        fnv32a(text, from: 0x811c_9dc5)
    }

    /// FNV-1a continued from `hash` over `text`'s UTF-16 code units (`fnv32a(a + b)` is
    /// `fnv32a(b, from: fnv32a(a))`), reading ASCII text's bytes directly.
    package static func fnv32a(_ text: String, from hash: UInt32) -> UInt32 {
        var text = text
        let ascii: UInt32? = text.withUTF8 { bytes in
            var hash = hash
            for byte in bytes {
                guard byte < 0x80 else { return nil }
                hash = (hash ^ UInt32(byte)) &* 0x0100_0193
            }
            return hash
        }
        if let ascii { return ascii }
        var result = hash
        for unit in text.utf16 {
            result ^= UInt32(unit)
            result = result &* 0x0100_0193
        }
        return result
    }

    /// FNV-1a of a number's decimal digits (`fnv32a(String(number))`) without making the string.
    package static func fnv32a(decimal number: UInt32) -> UInt32 {
        var divisor: UInt32 = 1
        while number / divisor >= 10 { divisor *= 10 }
        var hash: UInt32 = 0x811c_9dc5
        while divisor > 0 {
            hash = (hash ^ (0x30 + number / divisor % 10)) &* 0x0100_0193
            divisor /= 10
        }
        return hash
    }

    /// The bucket of `value` under `seed`, in `[0, 1)`.
    ///
    /// - Parameters:
    ///   - seed: the hashing seed (a guide's rollout seed).
    ///   - value: the user id.
    ///   - version: the hash version; use ``HashVersion/v2``.
    /// - Returns: the bucket.
    public static func hash(seed: String, value: String, version: HashVersion) -> Double {
        switch version {
        case .v1: Double(fnv32a(value + seed) % 1_000) / 1_000
        case .v2: Double(fnv32a(decimal: fnv32a(value, from: fnv32a(seed))) % 10_000) / 10_000
        }
    }

    /// The bucket for a raw GrowthBook hash version number; `nil` for an unknown version.
    ///
    /// - Parameters:
    ///   - seed: the hashing seed.
    ///   - value: the user id.
    ///   - version: `1` or `2`.
    /// - Returns: the bucket, or `nil`.
    public static func hash(seed: String, value: String, version: Int) -> Double? {
        HashVersion(rawValue: version).map { hash(seed: seed, value: value, version: $0) }
    }

    /// `count` equal weights summing to 1; empty when `count` ≤ 0.
    ///
    /// - Parameter count: the number of variants.
    /// - Returns: the weights.
    public static func equalWeights(_ count: Int) -> [Double] {
        count <= 0 ? [] : Array(repeating: 1 / Double(count), count: count)
    }

    /// The range each variant covers: weights laid end to end, each shrunk to `coverage` of its width.
    ///
    /// As in GrowthBook, coverage is clamped to `[0, 1]`, and weights that are missing, of the wrong
    /// count, or that do not sum to 1 (±0.01) are replaced by equal weights.
    ///
    /// - Parameters:
    ///   - count: the number of variants.
    ///   - coverage: the share of users included.
    ///   - weights: each variant's share, summing to 1.
    /// - Returns: one range per variant.
    public static func ranges(count: Int, coverage: Double = 1, weights: [Double]? = nil) -> [Range] {
        let coverage = min(max(coverage, 0), 1)
        let equal = equalWeights(count)
        var weights = weights ?? equal
        if weights.count != count { weights = equal }
        let total = weights.reduce(0, +)
        if total < 0.99 || total > 1.01 { weights = equal }
        var cumulative = 0.0
        return weights.map { weight in
            let start = cumulative
            cumulative += weight
            return Range(lower: start, upper: start + coverage * weight)
        }
    }

    /// The variant whose range holds `bucket`, or `nil` when none does (the user is outside coverage).
    ///
    /// - Parameters:
    ///   - bucket: the user's bucket from ``hash(seed:value:version:)-(_,_,HashVersion)``.
    ///   - ranges: the variants' ranges.
    /// - Returns: the index of the variant.
    public static func variation(for bucket: Double, in ranges: [Range]) -> Int? {
        ranges.firstIndex { $0.contains(bucket) }
    }
}
