import Foundation

extension UserState.EventSummary {
    /// Counts one occurrence at `time`: `count`, `first` and `last` move exactly, and `time` goes into
    /// `times` at its place (newest first) when it is among the newest ``keptTimes``.
    ///
    /// The place is found by binary search; below the cap the time is inserted, at the cap the times
    /// after its place move down one and the oldest falls off, without growing the array. An event newer
    /// than all kept (the usual case) moves at most ``keptTimes`` dates, one older than all kept at the cap
    /// moves none: the cost never depends on how often the event happened before.
    ///
    /// - Parameter time: when the event happened.
    package mutating func record(at time: Date) {
        count += 1
        if first.map({ time < $0 }) ?? true { first = time }
        if last.map({ time > $0 }) ?? true { last = time }
        // Take the array out and put it back, so it stays uniquely referenced: no copy per event.
        var kept = times ?? []
        times = nil
        Self.insert(time, into: &kept)
        times = kept
    }

    /// Inserts `time` into `times` (newest first), keeping at most ``keptTimes``.
    static func insert(_ time: Date, into times: inout [Date]) {
        if times.count > keptTimes { times.removeLast(times.count - keptTimes) }
        // The first place whose time is not newer than `time`: a new time goes before equal ones.
        var low = 0
        var high = times.count
        while low < high {
            let middle = low + (high - low) / 2
            if times[middle] <= time { high = middle } else { low = middle + 1 }
        }
        guard times.count == keptTimes else {
            times.insert(time, at: low)
            return
        }
        guard low < times.count else { return }  // older than every kept time
        times.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let moved = buffer.count - 1 - low
            if moved > 0 {
                UnsafeMutableRawPointer(base + low + 1)
                    .copyMemory(from: base + low, byteCount: moved * MemoryLayout<Date>.stride)
            }
            base[low] = time
        }
    }

    /// `times` newest first: as given when already so (a state written by GuideKit is), else sorted.
    ///
    /// Linear for sorted input, O(n log n) otherwise, whatever the order of a hostile list.
    static func newestFirst(_ times: [Date]) -> [Date] {
        var index = 1
        while index < times.count, times[index - 1] >= times[index] { index += 1 }
        return index >= times.count ? times : times.sorted(by: >)
    }
}
