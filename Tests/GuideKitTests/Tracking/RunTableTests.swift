import Testing

@testable import GuideKit

/// The run table's user index: ids of up to eight bytes are kept in their slot, longer ones in the
/// arena, and the table finds every user again after growing, also where it must hash ids again.
@Suite struct RunTableTests {
    /// Ids of every length up to 40 bytes, many sharing prefixes and suffixes, and enough generated ones
    /// for the table (16,384 slots at first) to grow twice.
    static let ids: [[UInt8]] = {
        var ids: [[UInt8]] = UserIdentityTests.ids.map { Array($0.utf8) }
        for length in 0...40 {
            ids.append(Array(repeating: UInt8(ascii: "a"), count: length))
            ids.append(Array(repeating: UInt8(ascii: "a"), count: length) + [0])
        }
        ids += (0..<20_000).map { Array("u\($0)".utf8) }
        ids += (0..<4_000).map { Array("user-\($0)-with-a-longer-id".utf8) }
        return Array(Set(ids))
    }()

    /// An inline key and its length give back the id's bytes (the rehash of large tables needs them).
    @Test func inlineKeysGiveBackTheirBytes() {
        for length in 0...RunTable.inlineLength {
            let bytes = (0..<length).map { UInt8(0xA0 + $0) }
            let key = (bytes + [0]).withUnsafeBytes { RunTable.inlineKey($0.baseAddress.unsafelyUnwrapped, length) }
            var expected: UInt64 = 0
            for (index, byte) in bytes.enumerated() { expected |= UInt64(byte) << (8 * UInt64(index)) }
            #expect(RunTable.inlineBytes(key: key, count: length) == expected)
        }
    }

    /// The table grows in place (users whose search wraps past the end are put back last), from 16,384
    /// slots and from 4 (growing 13 times); with the first-slot bits of the tags cut to 2, every growth
    /// past four slots hashes the ids again.
    @Test(arguments: [(24, 1 << 14), (2, 1 << 14), (24, 4), (2, 4)])
    func everyUserIsFoundAgainAfterGrowing(tagHomeBits: Int, userSlots: Int) {
        let table = RunTable(tagHomeBits: tagHomeBits, userSlots: userSlots)
        var runs: [Int] = []
        for (index, id) in Self.ids.enumerated() {
            let run = find(id, in: table, group: UInt32(index % 3))
            #expect(run == index)
            runs.append(run)
        }
        #expect(table.userCount == Self.ids.count)
        for (index, id) in Self.ids.enumerated() {
            #expect(find(id, in: table, group: UInt32(index % 3)) == runs[index])
        }
        // A second group per user adds a run to each, and the first runs are still found.
        for (index, id) in Self.ids.enumerated() {
            #expect(find(id, in: table, group: 7) == Self.ids.count + index)
            #expect(find(id, in: table, group: UInt32(index % 3)) == runs[index])
        }
        #expect(table.userCount == Self.ids.count)
    }

    /// Finds the run of `id` in `group` (a byte past the id keeps an empty id's buffer allocated).
    private func find(_ id: [UInt8], in table: RunTable, group: UInt32) -> Int {
        (id + [0]).withUnsafeBytes { bytes in
            table.find(
                user: bytes.baseAddress.unsafelyUnwrapped,
                count: id.count,
                hash: hashBytes(bytes.baseAddress.unsafelyUnwrapped, id.count),
                group: group,
                time: 1_700_000_000
            )
        }
    }
}
