import Foundation
import Testing

@testable import GuideKitServer

@Suite("Decision ids")
struct DecisionIDTests {
    @Test func idsAreVersion4UUIDsInLowercase() throws {
        for _ in 0..<1_000 {
            let id = DecisionID.next()
            let parsed = try #require(UUID(uuidString: id), "\(id)")
            #expect(parsed.uuidString.lowercased() == id)
            let bytes = Array(id.utf8)
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect("89ab".utf8.contains(bytes[19]))
        }
    }

    @Test func idsMadeConcurrentlyAreAllDifferent() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<50_000).map { _ in DecisionID.next() } } }
            return await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(Set(ids).count == 200_000)
        // Successive ids share no long prefix (they do not count up visibly).
        let prefixes = Set(ids.prefix(1_000).map { $0.prefix(8) })
        #expect(prefixes.count > 990)
    }

    @Test func theFormatWritesEveryNibbleInPlace() {
        #expect(
            DecisionID.format(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210) == "01234567-89ab-cdef-fedc-ba9876543210"
        )
    }
}
