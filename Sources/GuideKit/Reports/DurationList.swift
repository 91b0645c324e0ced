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

/// The durations of one step (or of finishing one guide version) across users, owning their buffers.
///
/// Whole seconds, as most logs give them, are kept as 32-bit counts: half the memory of Doubles to
/// write while counting and to read while selecting the median. Other durations are kept as Doubles.
final class DurationList: @unchecked Sendable {
    private var seconds: GrowableBuffer<UInt32>
    private var values: GrowableBuffer<Double>

    /// Takes over the buffers of whole seconds and of other durations.
    init(seconds: GrowableBuffer<UInt32> = GrowableBuffer(), values: GrowableBuffer<Double> = GrowableBuffer()) {
        self.seconds = seconds
        self.values = values
    }

    deinit {
        seconds.release()
        values.release()
    }

    /// The number of durations.
    var count: Int { seconds.count + values.count }

    /// Adds `other`'s durations.
    func append(contentsOf other: DurationList) {
        seconds.append(contentsOf: other.seconds)
        values.append(contentsOf: other.values)
    }

    /// The median and 90th percentile (the durations are reordered).
    func timing(skewed: Int) -> Timing {
        if values.count == 0 { return Timing(selectingIn: seconds.buffer, skewed: skewed) }
        // Mixed: the whole seconds join the Doubles.
        for index in 0..<seconds.count { values.append(Double(seconds.buffer[index])) }
        seconds.release()
        seconds = GrowableBuffer()
        return Timing(selectingIn: values.buffer, skewed: skewed)
    }
}
