import Foundation

/// Values gathered while counting runs, in one malloc'd buffer grown by `realloc`.
///
/// A large buffer grows by remapping its pages instead of copying them into fresh memory, as an
/// `Array` would: on machines where the first touch of a page is slow, the doubling chain of an array
/// costs as much as its last buffer again.
struct GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>?
    private(set) var count = 0
    private var capacity = 0

    /// Adds one value.
    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow(to: count + 1) }
        base.unsafelyUnwrapped[count] = value
        count += 1
    }

    /// Adds `value` when `condition` holds: the value is written either way and counted only then,
    /// so a loop calling this has no branch on the condition.
    @inline(__always)
    mutating func append(_ value: Element, if condition: Bool) {
        if count == capacity { grow(to: count + 1) }
        base.unsafelyUnwrapped[count] = value
        count += condition ? 1 : 0
    }

    /// Adds all of `other`'s values.
    mutating func append(contentsOf other: GrowableBuffer<Element>) {
        guard other.count > 0, let source = other.base else { return }
        if count + other.count > capacity { grow(to: count + other.count) }
        (base.unsafelyUnwrapped + count).update(from: source, count: other.count)
        count += other.count
    }

    private mutating func grow(to needed: Int) {
        capacity = max(needed, capacity * 2, 64)
        guard let memory = realloc(base, capacity * MemoryLayout<Element>.stride) else {
            fatalError("out of memory for \(capacity) durations")
        }
        base = memory.bindMemory(to: Element.self, capacity: capacity)
    }

    /// The values, to reorder in place.
    var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// Frees the buffer (the value must not be used after).
    func release() { free(base) }
}

/// The durations of one step (or of finishing one guide version) across users, owning their memory.
///
/// Whole seconds, as most logs give them, are counted in a histogram below ``histogramSize`` (most
/// time on a step is under a few minutes) and kept as 32-bit values from there on; other durations
/// are kept as Doubles. Quantiles stay exact: a rank among the whole seconds is read off the
/// histogram's running count, or selected among the larger values. Counting instead of listing
/// writes no memory per duration, and the median of a million durations reads a few kilobytes.
final class DurationList: @unchecked Sendable {
    /// Whole seconds below this are counted in the histogram.
    static let histogramSize = 1_024

    /// Counts of whole-second durations below ``histogramSize``, by duration; `nil` when the list
    /// keeps all its whole seconds in ``seconds`` (as the counting does for breakdowns with very many
    /// groups, where a histogram per step would take more memory than the durations).
    private var histogram: UnsafeMutablePointer<UInt32>?
    /// The durations counted in ``histogram``.
    private var histogramTotal = 0
    /// Whole seconds: with a histogram, only those of at least ``histogramSize``.
    private var seconds: GrowableBuffer<UInt32>
    /// Durations that are not whole seconds.
    private var values: GrowableBuffer<Double>

    /// Takes over the buffers of whole seconds and of other durations, and with `histogram` (copied),
    /// counts of whole seconds below ``histogramSize`` (the small values in `seconds` then join them).
    init(
        histogram counts: UnsafePointer<UInt32>? = nil,
        seconds: GrowableBuffer<UInt32> = GrowableBuffer(),
        values: GrowableBuffer<Double> = GrowableBuffer()
    ) {
        self.seconds = seconds
        self.values = values
        if let counts { add(histogram: counts) }
    }

    deinit {
        histogram?.deallocate()
        seconds.release()
        values.release()
    }

    /// Adds counts of whole seconds below ``histogramSize``, making the histogram when there is none.
    private func add(histogram counts: UnsafePointer<UInt32>) {
        let histogram = makeHistogram()
        for duration in 0..<Self.histogramSize {
            histogram[duration] += counts[duration]
            histogramTotal += Int(counts[duration])
        }
    }

    /// The histogram, made when there is none yet (the small whole seconds move into it).
    private func makeHistogram() -> UnsafeMutablePointer<UInt32> {
        if let histogram { return histogram }
        let made = UnsafeMutablePointer<UInt32>.allocate(capacity: Self.histogramSize)
        made.initialize(repeating: 0, count: Self.histogramSize)
        histogram = made
        let all = seconds
        seconds = GrowableBuffer()
        append(seconds: all)
        all.release()
        return made
    }

    /// Adds whole seconds: counted when there is a histogram and they are below its size.
    private func append(seconds other: GrowableBuffer<UInt32>) {
        guard let histogram else {
            seconds.append(contentsOf: other)
            return
        }
        for index in 0..<other.count {
            let duration = other.buffer[index]
            if duration < Self.histogramSize {
                histogram[Int(duration)] += 1
                histogramTotal += 1
            } else {
                seconds.append(duration)
            }
        }
    }

    /// The number of durations.
    var count: Int { histogramTotal + seconds.count + values.count }

    /// Adds `other`'s durations.
    func append(contentsOf other: DurationList) {
        if let counts = other.histogram { add(histogram: counts) }
        append(seconds: other.seconds)
        values.append(contentsOf: other.values)
    }

    /// The median and 90th percentile (the durations are reordered).
    func timing(skewed: Int) -> Timing {
        let qs = [0.5, 0.9]
        if values.count > 0 {
            // Mixed: the whole seconds join the Doubles.
            if let histogram {
                for duration in 0..<Self.histogramSize {
                    for _ in 0..<histogram[duration] { values.append(Double(duration)) }
                }
            }
            for index in 0..<seconds.count { values.append(Double(seconds.buffer[index])) }
            histogram?.deallocate()
            histogram = nil
            histogramTotal = 0
            seconds.release()
            seconds = GrowableBuffer()
            return Timing(selectingIn: values.buffer, skewed: skewed)
        }
        let found = Statistics.quantiles(count: count, qs) { ranks in
            // Ranks within the histogram by its running count, the others among the larger values.
            var result = [Double](repeating: 0, count: ranks.count)
            let larger = ranks.indices.filter { ranks[$0] >= histogramTotal }
            let selected = Statistics.orderStatistics(
                in: seconds.buffer,
                ranks: larger.map { ranks[$0] - histogramTotal }
            )
            for (index, value) in zip(larger, selected) { result[index] = Double(value) }
            let smaller = ranks.indices.filter { ranks[$0] < histogramTotal }.sorted { ranks[$0] < ranks[$1] }
            var duration = 0
            var below = 0  // durations less than `duration`
            for index in smaller {
                let histogram = histogram.unsafelyUnwrapped  // ranks below a total > 0
                while below + Int(histogram[duration]) <= ranks[index] {
                    below += Int(histogram[duration])
                    duration += 1
                }
                result[index] = Double(duration)
            }
            return result
        }
        return Timing(users: count, median: found[0], p90: found[1], skewed: skewed)
    }
}
