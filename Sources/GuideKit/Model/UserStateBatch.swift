import Foundation

/// Lines of a population taken from its input but not yet read as states, so that the caller reads them
/// where it likes: ``UserStateReader`` reads a batch's states on every core and gives them in order, a
/// ``PopulationSimulation`` reads and counts them on every core.
package struct UserStateBatch: Sendable {
    /// One line: where its bytes are, or its result when it needs no reading (an over-long line, a CSV
    /// record, a read error).
    enum Slot: Sendable {
        case parse(line: Int, range: Range<Int>)
        case done(Result<UserState, UserStateError>)
    }

    /// The lines' bytes, end to end.
    var text: [UInt8] = []
    var slots: [Slot] = []
    let file: String
    let catalog: Catalog?

    init(file: String, catalog: Catalog?) {
        self.file = file
        self.catalog = catalog
    }

    /// How many states (or errors) the batch holds.
    package var count: Int { slots.count }

    /// The state of the batch's element `index`, or the error that names its line; safe to call from many
    /// threads at once.
    package func state(at index: Int) -> Result<UserState, UserStateError> {
        switch slots[index] {
        case .done(let result): return result
        case .parse(let line, let range):
            return text.withUnsafeBufferPointer { bytes in
                UserState.reading(
                    jsonLine: UnsafeBufferPointer(rebasing: bytes[range]),
                    file: file,
                    line: line,
                    catalog: catalog
                )
            }
        }
    }

    /// Calls `body` with the bytes of element `index` when it is a line still to be read; `nil` when it is
    /// not (its result is already known).
    func withJSONLine<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        guard case .parse(_, let range) = slots[index] else { return nil }
        return text.withUnsafeBufferPointer { bytes in body(UnsafeBufferPointer(rebasing: bytes[range])) }
    }

    /// Every state or error, in line order, read on every core when there are many.
    func readAll() -> [Result<UserState, UserStateError>] {
        Parallel.map(count: count, minimumPerPart: 32) { range in range.map { state(at: $0) } }.flatMap { $0 }
    }
}
