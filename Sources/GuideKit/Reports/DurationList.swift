import Foundation

/// Durations gathered while counting runs, in one malloc'd buffer grown by `realloc`.
///
/// A large buffer grows by remapping its pages instead of copying them into fresh memory, as an
/// `Array` would: on machines where the first touch of a page is slow, the doubling chain of an array
/// costs as much as its last buffer again.
struct GrowableDoubles {
    private(set) var base: UnsafeMutablePointer<Double>?
    private(set) var count = 0
    private var capacity = 0

    /// Adds one value.
    @inline(__always)
    mutating func append(_ value: Double) {
        if count == capacity { grow(to: count + 1) }
        base.unsafelyUnwrapped[count] = value
        count += 1
    }

    /// Adds `value` when `condition` holds: the value is written either way and counted only then,
    /// so a loop calling this has no branch on the condition.
    @inline(__always)
    mutating func append(_ value: Double, if condition: Bool) {
        if count == capacity { grow(to: count + 1) }
        base.unsafelyUnwrapped[count] = value
        count += condition ? 1 : 0
    }

    /// Adds all of `other`'s values.
    mutating func append(contentsOf other: GrowableDoubles) {
        guard other.count > 0, let source = other.base else { return }
        if count + other.count > capacity { grow(to: count + other.count) }
        (base.unsafelyUnwrapped + count).update(from: source, count: other.count)
        count += other.count
    }

    private mutating func grow(to needed: Int) {
        capacity = max(needed, capacity * 2, 64)
        guard let memory = realloc(base, capacity * MemoryLayout<Double>.stride) else {
            fatalError("out of memory for \(capacity) durations")
        }
        base = memory.bindMemory(to: Double.self, capacity: capacity)
    }

    /// Frees the buffer (the value must not be used after).
    func release() { free(base) }
}

/// The durations of one step (or of finishing one guide version) across users, owning their buffer.
final class DurationList: @unchecked Sendable {
    private var values: GrowableDoubles

    /// Takes over `values`' buffer.
    init(_ values: GrowableDoubles = GrowableDoubles()) { self.values = values }

    deinit { values.release() }

    /// The number of durations.
    var count: Int { values.count }

    /// Adds `other`'s durations.
    func append(contentsOf other: DurationList) { values.append(contentsOf: other.values) }

    /// The median and 90th percentile (the durations are reordered).
    func timing(skewed: Int) -> Timing {
        Timing(selectingIn: UnsafeMutableBufferPointer(start: values.base, count: values.count), skewed: skewed)
    }
}
