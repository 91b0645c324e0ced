import Foundation

/// Work split into contiguous parts and run on every core, with the parts' results in order, so that a
/// parallel run gives what a sequential one gives.
package enum Parallel {
    /// The threads used: the active cores, at most 8.
    package static var threads: Int { Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    /// Splits `0..<count` into contiguous ranges and calls `body` on each, on every core; a thread that
    /// finishes early takes the next range, so a core busy with other work does not hold the rest back.
    ///
    /// - Parameters:
    ///   - count: how many elements.
    ///   - minimumPerPart: the fewest elements worth a part of their own (fewer run on the calling thread).
    ///   - body: the work on one range; called from several threads at once.
    /// - Returns: each range's result, in the order of the ranges.
    package static func map<Part: Sendable>(
        count: Int,
        minimumPerPart: Int,
        _ body: @Sendable (Range<Int>) -> Part
    ) -> [Part] {
        let parts = Swift.max(1, Swift.min(count / Swift.max(minimumPerPart, 1), threads * 4))
        guard parts > 1 else { return [body(0..<count)] }
        var results = [Part?](repeating: nil, count: parts)
        results.withUnsafeMutableBufferPointer { output in
            let shared = SharedOutput(output: output)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                shared.output[part] = body((part * count / parts)..<((part + 1) * count / parts))
            }
        }
        return results.compactMap { $0 }
    }
}

/// The results of a ``Parallel/map(count:minimumPerPart:_:)``, written by several threads: each writes
/// only its own part's element, and the buffer outlives them all.
private struct SharedOutput<Part>: @unchecked Sendable {
    let output: UnsafeMutableBufferPointer<Part?>
}
