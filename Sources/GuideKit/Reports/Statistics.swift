import Foundation

/// The statistics the report uses: exact percentiles, Wilson intervals, two-proportion z-tests and
/// Holm's correction.
package enum Statistics {
    /// The 97.5th percentile of the standard normal distribution (a 95% two-sided interval).
    package static let z95 = 1.959_963_984_540_054

    /// The `q` quantile of sorted values with linear interpolation between closest ranks (R-7, numpy's
    /// default `linear` method, DuckDB's `quantile_cont`).
    ///
    /// - Parameters:
    ///   - sorted: values in ascending order.
    ///   - q: the quantile, 0…1.
    /// - Returns: the quantile, or `nil` for no values.
    package static func quantile(sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let position = Double(sorted.count - 1) * q
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    /// The `q` quantiles of unsorted values, exactly as ``quantile(sorted:_:)`` gives them, found by
    /// selection in linear time instead of sorting.
    ///
    /// - Parameters:
    ///   - values: the values, reordered in place.
    ///   - qs: the quantiles wanted, 0…1.
    /// - Returns: one value per quantile, `nil` for no values.
    package static func quantiles(of values: inout [Double], _ qs: [Double]) -> [Double?] {
        values.withUnsafeMutableBufferPointer { quantiles(in: $0, qs, as: { $0 }) }
    }

    /// The same, for values in a buffer (reordered in place); `value` gives each value as a Double, to
    /// interpolate between two of them.
    @inline(__always)
    static func quantiles<Value: Comparable>(
        in buffer: UnsafeMutableBufferPointer<Value>,
        _ qs: [Double],
        as value: (Value) -> Double
    ) -> [Double?] {
        quantiles(count: buffer.count, qs) { ranks in orderStatistics(in: buffer, ranks: ranks).map(value) }
    }

    /// The `q` quantiles of `count` values, as ``quantile(sorted:_:)`` gives them, from a function
    /// that returns the values at given ranks (0 the smallest) in the order asked.
    static func quantiles(count: Int, _ qs: [Double], valuesAt: ([Int]) -> [Double]) -> [Double?] {
        guard count > 0 else { return qs.map { _ in nil } }
        var ranks: [Int] = []
        var fractions: [Double] = []
        for q in qs {
            let position = Double(count - 1) * q
            let lower = Int(position.rounded(.down))
            ranks += [lower, min(lower + 1, count - 1)]
            fractions.append(position - Double(lower))
        }
        let values = valuesAt(ranks)
        return qs.indices.map { index in
            let (low, high) = (values[index * 2], values[index * 2 + 1])
            return low + fractions[index] * (high - low)
        }
    }

    /// The values at `ranks` (0 the smallest) of the values in `buffer`, which is reordered, in the
    /// order of `ranks`.
    ///
    /// The largest rank is selected first; each smaller one is then selected among the values before
    /// it, which selection has left there (the median after the p90 reads 90% of the values). A rank
    /// just below the last one is the largest value before it, found in one pass.
    static func orderStatistics<Value: Comparable>(
        in buffer: UnsafeMutableBufferPointer<Value>,
        ranks: [Int]
    ) -> [Value] {
        var found: [Value?] = Array(repeating: nil, count: ranks.count)
        // Values from `bound` on are at least as large as every value before it.
        var bound = buffer.count
        var last: (rank: Int, value: Value)?
        for index in ranks.indices.sorted(by: { ranks[$0] > ranks[$1] }) {
            let rank = ranks[index]
            precondition(rank >= 0 && rank < buffer.count, "rank \(rank) of \(buffer.count) values")
            if let last, last.rank == rank {
                found[index] = last.value
                continue
            }
            let value: Value
            if rank == bound - 1 {
                var largest = 0
                for at in 1..<bound where buffer[at] > buffer[largest] { largest = at }
                buffer.swapAt(largest, rank)
                value = buffer[rank]
            } else {
                value = select(UnsafeMutableBufferPointer(rebasing: buffer[..<bound]), rank)
            }
            found[index] = value
            last = (rank, value)
            bound = rank
        }
        return found.compactMap { $0 }
    }

    /// Reorders `buffer` so that position `k` holds the value it would hold sorted, smaller or equal
    /// values before it and greater or equal after (quickselect, median-of-three pivots; a range
    /// that does not shrink fast enough is sorted instead).
    private static func select<Value: Comparable>(_ buffer: UnsafeMutableBufferPointer<Value>, _ k: Int) -> Value {
        var low = 0
        var high = buffer.count - 1
        var rounds = 0
        while high - low > 16 {
            rounds += 1
            if rounds > 64 {
                var range = UnsafeMutableBufferPointer(rebasing: buffer[low...high])
                range.sort()
                return buffer[k]
            }
            let middle = low + (high - low) / 2
            if buffer[middle] < buffer[low] { buffer.swapAt(middle, low) }
            if buffer[high] < buffer[low] { buffer.swapAt(high, low) }
            if buffer[high] < buffer[middle] { buffer.swapAt(high, middle) }
            let pivot = buffer[middle]
            var left = low
            var right = high
            while left <= right {
                while buffer[left] < pivot { left += 1 }
                while buffer[right] > pivot { right -= 1 }
                if left <= right {
                    buffer.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            if k <= right {
                high = right
            } else if k >= left {
                low = left
            } else {
                return buffer[k]
            }
        }
        var range = UnsafeMutableBufferPointer(rebasing: buffer[low...high])
        range.sort()
        return buffer[k]
    }

    /// The Wilson score interval for `successes` out of `trials`.
    ///
    /// - Parameters:
    ///   - successes: the count of successes.
    ///   - trials: the count of trials.
    ///   - z: the normal quantile (1.96 for 95%).
    /// - Returns: the interval's bounds, or `nil` when `trials` is 0.
    package static func wilson(successes: Int, trials: Int, z: Double = z95) -> ClosedRange<Double>? {
        guard trials > 0 else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return max(0, centre - half)...min(1, centre + half)
    }

    /// The pooled two-proportion z-test of `x1/n1` against `x2/n2`.
    ///
    /// - Returns: `z` (positive when the second proportion is higher) and the two-sided p-value, or
    ///   `nil` when a sample is empty or the pooled proportion is 0 or 1 (no variance).
    package static func twoProportionZTest(x1: Int, n1: Int, x2: Int, n2: Int) -> (z: Double, p: Double)? {
        guard n1 > 0, n2 > 0 else { return nil }
        let p1 = Double(x1) / Double(n1)
        let p2 = Double(x2) / Double(n2)
        let pooled = Double(x1 + x2) / Double(n1 + n2)
        let variance = pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))
        guard variance > 0 else { return nil }
        let z = (p2 - p1) / variance.squareRoot()
        return (z, erfc(abs(z) / 2.0.squareRoot()))
    }

    /// Holm's step-down adjusted p-values, in the input order (monotone, capped at 1).
    ///
    /// - Parameter pValues: the raw p-values.
    /// - Returns: the adjusted p-values; compare each with α to control the family-wise error rate.
    package static func holm(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
