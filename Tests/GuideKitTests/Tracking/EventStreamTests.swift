import Foundation
import Testing

@testable import GuideKit

/// Reports of an ``EventStream`` (what a database's COPY feeds): the same report as the bytes in memory, the
/// goal pass reads the stream again, and a stream that fails fails the report instead of shortening it.
@Suite struct EventStreamTests {
    /// Hands out `bytes` a few at a time, then throws `failure` (if any) where the bytes end.
    final class Pieces: EventByteSource {
        let bytes: [UInt8]
        let piece: Int
        let failure: (any Error)?
        var offset = 0

        init(_ bytes: [UInt8], piece: Int, failure: (any Error)?) {
            self.bytes = bytes
            self.piece = piece
            self.failure = failure
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            if offset == bytes.count, let failure { throw failure }
            let count = min(piece, buffer.count, bytes.count - offset)
            buffer.copyMemory(
                from: UnsafeRawBufferPointer(rebasing: bytes.withUnsafeBytes { $0 }[offset..<offset + count])
            )
            offset += count
            return count
        }
    }

    struct DatabaseWentAway: Error, Equatable {}

    /// Readings of a stream, recorded.
    final class Openings: @unchecked Sendable {
        private let lock = NSLock()
        private var selections: [EventStream.Selection] = []

        func record(_ selection: EventStream.Selection) {
            lock.withLock { selections.append(selection) }
        }

        var all: [EventStream.Selection] { lock.withLock { selections } }
    }

    static func stream(
        _ text: String,
        name: String = "export.jsonl",
        failing: EventStream.Selection? = nil,
        openings: Openings = Openings()
    ) -> EventStream {
        let bytes = Array(text.utf8)
        return EventStream(name: name, format: .jsonLines) { selection in
            openings.record(selection)
            let cut = selection == failing ? bytes.count / 2 : bytes.count
            return Pieces(Array(bytes[..<cut]), piece: 37, failure: selection == failing ? DatabaseWentAway() : nil)
        }
    }

    @Test(arguments: [1, 3])
    func aStreamGivesTheReportOfTheSameBytes(threads: Int) throws {
        let log = GoalReportTests.goalLog()
        let book = StepOrderBook(current: [GoalReportTests.goalOutline])
        let openings = Openings()
        let streamed = try DropOffReport(
            reading: [.stream(Self.stream(log, name: "log", openings: openings))],
            book: book,
            options: noWindow(),
            threads: threads,
            minimumPartSize: 64
        )
        let inMemory = try DropOffReport(
            reading: [.bytes(Array(log.utf8), name: "log", format: .jsonLines)],
            book: book,
            options: noWindow(),
            threads: threads,
            minimumPartSize: 64
        )
        #expect(JSONRenderer().render(streamed) == JSONRenderer().render(inMemory))
        #expect(TableRenderer().render(streamed) == TableRenderer().render(inMemory))
        #expect(streamed.guide()?.goal?.converted?.count == 2)
        // The goal pass read the stream again, asking for the goal events only.
        #expect(openings.all == [.all, .goalEvents])
    }

    @Test(arguments: [EventStream.Selection.all, .goalEvents])
    func aStreamThatFailsFailsTheReport(failing: EventStream.Selection) throws {
        let log = GoalReportTests.goalLog()
        #expect(throws: DatabaseWentAway()) {
            _ = try DropOffReport(
                reading: [.stream(Self.stream(log, failing: failing))],
                book: StepOrderBook(current: [GoalReportTests.goalOutline]),
                options: noWindow()
            )
        }
    }
}
