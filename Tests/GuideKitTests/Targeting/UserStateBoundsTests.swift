import Foundation
import Testing

@testable import GuideKit

/// Untrusted user states: wide, long and deep input reads in linear time or fails with its place, and
/// every number in a state converts without trapping.
@Suite("User state bounds")
struct UserStateBoundsTests {
    /// A 20,000-key object took seconds (every value's column was counted from the line's start, every
    /// key was compared with every earlier one, and the document sorted its members by insertion).
    @Test(.timeLimit(.minutes(1)))
    func aWideObjectReadsWithEveryKey() throws {
        let keys = (0..<20_000).map { "k\($0)" }
        let members = keys.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",")
        let line = "{\"id\":\"u-1\",\"user\":{\(members),\"k5\":\"duplicate\"}}"
        let results = Array(UserStateReader(text: line + "\n", file: "wide.jsonl", format: .jsonLines))
        let state = try #require(results.first).get()
        #expect(state.user.count == 20_000)
        #expect(state.user["k5"] == .number(5), "the first of duplicate keys is kept")
        #expect(state.user["k19999"] == .number(19_999))
        let document = ConditionDocument(state, completedWith: Catalog(), now: Date(timeIntervalSince1970: 0))
        let condition = try Condition(JSONSourceParser.parse(#"{"user.k12345": 12345, "user.k19999": {"$gt": 1}}"#))
        #expect(condition.isSatisfied(by: document))
    }

    /// A 200,000-element array hung.
    @Test(.timeLimit(.minutes(1)))
    func aLongArrayReads() throws {
        let items = (0..<200_000).map(String.init).joined(separator: ",")
        let node = try JSONSourceParser.parse("{\"id\": \"u\", \"user\": {\"list\": [\(items)]}}")
        guard case .array(let values)? = try UserState(node).user["list"] else {
            Issue.record("the list did not read")
            return
        }
        #expect(values.count == 200_000)
        #expect(values.last == .number(199_999))
    }

    @Test func locationsAreRightFarAlongALine() throws {
        let prefix = String(repeating: "\"ж\",", count: 5_000)
        do {
            _ = try JSONSourceParser.parse("[\(prefix) tru]", file: "x.json")
            Issue.record("accepted a bad literal")
        } catch {
            #expect(error.location == SourceLocation(file: "x.json", line: 1, column: 2 + 5_000 * 4 + 1))
            #expect(error.message == "expected 'true'")
        }
    }

    @Test func nestingDeeperThanTheLimitIsAnErrorWithItsPlace() throws {
        let depth = JSONSourceParser.maximumDepth + 1
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        do {
            _ = try JSONSourceParser.parse(text, file: "deep.json")
            Issue.record("accepted \(depth) levels")
        } catch {
            #expect(error.location == SourceLocation(file: "deep.json", line: 1, column: depth))
            #expect(error.message.contains("deeper than \(JSONSourceParser.maximumDepth)"))
        }
        _ = try JSONSourceParser.parse(
            String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
        )
    }

    /// A line over the limit is an error naming its line, and reading goes on with the next line.
    @Test func aLineOverTheLimitIsSkippedAndReported() throws {
        let long = "{\"id\": \"" + String(repeating: "a", count: 5_000) + "\"}"
        let text = "{\"id\": \"u-1\"}\n\(long)\n{\"id\": \"u-3\"}\n\(long)"
        let results = Array(
            UserStateReader(text: text, file: "users.jsonl", format: .jsonLines, maximumLineLength: 1_000)
        )
        #expect(results.count == 4)
        #expect((try? results[0].get().id) == "u-1")
        let error = try #require(Self.error(results[1]))
        #expect(error.code == .tooLarge)
        #expect(error.location == SourceLocation(file: "users.jsonl", line: 2, column: 1))
        #expect(error.message.contains("\(long.utf8.count) bytes"))
        #expect((try? results[2].get().id) == "u-3")
        #expect(Self.error(results[3])?.location?.line == 4, "the last line, without a newline")
    }

    /// Lines that span many reads, read from a file, give the same states as the same text in memory.
    @Test func aFileReadInSmallChunksGivesEveryLine() throws {
        let lines = (0..<300).map { index in
            "{\"id\": \"u-\(index)\", \"user\": {\"note\": \"\(String(repeating: "x", count: index * 7))\"}}"
        }
        let text = lines.joined(separator: "\n") + "\n\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gk-chunks-\(UUID()).jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forReadingFrom: url)
        var reader = LineReader(descriptor: handle.fileDescriptor, maximumLength: 1_500, chunkSize: 64)
        var seen: [(Int, Int?)] = []
        while let line = reader.next({ number, line -> (Int, Int?) in
            switch line {
            case .text(let bytes): (number, bytes.count)
            case .tooLong(let length): (number, -length)
            }
        }) {
            seen.append(line)
        }
        #expect(seen.count == 301)
        for (offset, line) in lines.enumerated() {
            let expected = line.utf8.count <= 1_500 ? line.utf8.count : -line.utf8.count
            #expect(seen[offset].0 == offset + 1 && seen[offset].1 == expected)
        }
        let fromFile = Array(try UserStateReader(contentsOf: url)).map { try? $0.get() }
        let fromText = Array(UserStateReader(text: text, format: .jsonLines)).map { try? $0.get() }
        #expect(fromFile == fromText)
        #expect(fromFile.count == 300)
    }

    /// A numeric id of 2^63 or more trapped and ended a whole population run.
    @Test func largeNumericIDsAreKeptExactly() throws {
        let text = """
            {"id": 12345678901234567890}
            {"id": 1e19}
            {"id": -0}
            {"id": 1.5}
            {"id": 42}
            """
        let results = Array(UserStateReader(text: text, file: "ids.jsonl", format: .jsonLines))
        #expect(results.count == 5)
        #expect((try? results[0].get().id) == "12345678901234567890")
        #expect((try? results[1].get().id)?.isEmpty == false)
        #expect((try? results[2].get().id) == "0")
        #expect(Self.error(results[3])?.path == "id")
        #expect((try? results[4].get().id) == "42")
        #expect(try UserState(yaml: "id: 99999999999999999999999").id == "99999999999999999999999")
    }

    static func error(_ result: Result<UserState, UserStateError>) -> UserStateError? {
        if case .failure(let error) = result { return error }
        return nil
    }
}
