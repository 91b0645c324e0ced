import CHotPath
import Foundation
import Testing

@testable import GuideKit

/// The readers' C fast paths (simple JSON lines, CSV records without quotes) must read every line
/// exactly as the general code does, bad lines included.
@Suite struct FastPathTests {
    /// Lines in the usual layout (`ts`, `user`, `guide`, `version`, `step`, `type` first), with the
    /// surprises the fast path must hand over to the general reader or reject as it would.
    static let usualLayout = [
        #"{"ts":"2026-11-01T10:00:00Z","user":"u1","guide":"tour","version":1,"type":"guide_started","session":"s"}"#,
        #"{"ts":"2026-11-01T10:00:01Z","user":"u1","guide":"tour","version":1,"step":"a","type":"step_viewed"}"#,
        // An escape and a version written as a string.
        #"{"ts":"2026-11-01T10:00:02Z","user":"u\u0031","guide":"tour","version":"1","step":"a","type":"step_completed"}"#,
        // A later duplicate key wins, as in the general loop.
        #"{"ts":"2026-11-01T10:00:03Z","user":"u2","guide":"tour","version":1,"step":"b","type":"step_viewed","ts":"2026-11-01T12:00:00Z"}"#,
        // 5: spaces around a comma.
        #"{"ts":"2026-11-01T10:00:04Z" , "user":"u2","guide":"tour","version":1,"type":"guide_started"}"#,
        // 6: a version that is neither a string nor a number.
        #"{"ts":"2026-11-01T10:00:05Z","user":"u3","guide":"tour","version":true,"type":"guide_started"}"#,
        // 7: no type.
        #"{"ts":"2026-11-01T10:00:06Z","user":"u3","guide":"tour","version":1}"#,
        // 8: an unclosed string.
        #"{"ts":"2026-11-01T10:00:07Z","user":"u3"#,
        // 9: a trailing comma.
        #"{"ts":"2026-11-01T10:00:08Z","user":"u3","guide":"tour","version":1,"type":"guide_started",}"#,
        // 10, 11: numbers that are not versions.
        #"{"ts":"2026-11-01T10:00:09Z","user":"u3","guide":"tour","version":-1,"type":"guide_started"}"#,
        #"{"ts":"2026-11-01T10:00:10Z","user":"u3","guide":"tour","version":1.5e0,"type":"guide_started"}"#,
        // 12: text after the object; 13: a bad number.
        #"{"ts":"2026-11-01T10:00:11Z","user":"u4","guide":"tour","version":1,"step":"c","type":"step_viewed"} x"#,
        #"{"ts":"2026-11-01T10:00:12Z","user":"u4","guide":"tour","version":01,"type":"guide_started"}"#,
        // Nested Segment properties after the known keys, and a Segment track call.
        #"{"ts":"2026-11-01T10:00:13Z","user":"u4","guide":"tour","version":1,"step":"d","type":"step_viewed","properties":{"step":"a"}}"#,
        #"{"ts":"2026-11-01T10:00:14Z","user":"u5","guide":"tour","version":1,"step":"a","type":"track","event":"Guide Step Viewed"}"#,
        // 16: cut off at the end of the input.
        #"{"ts":"2026-11-01T10:00:15Z","user":"u5","gu"#,
    ]

    /// The same line with a space after its opening brace: the fast path takes no whitespace, so the
    /// general reader reads it all.
    static func general(_ line: String) -> String {
        line.hasPrefix("{") ? "{ " + line.dropFirst() : line
    }

    /// Expects `lines` to give the same report through the fast path as all through the general reader,
    /// with either line end; returns the number of events read.
    @discardableResult
    static func expectSameReportBothWays(_ lines: [String], options: ReportOptions) throws -> Int {
        var events = 0
        for lineEnd in ["\n", "\r\n"] {
            let fast = try makeReport(lines.joined(separator: lineEnd) + lineEnd, options: options)
            let slow = try makeReport(lines.map(general).joined(separator: lineEnd) + lineEnd, options: options)
            #expect(fast.guides == slow.guides)
            #expect(fast.input.skipped == slow.input.skipped)
            #expect(fast.input.events == slow.input.events)
            events = fast.input.events
        }
        return events
    }

    /// Lines of every form the C fast path takes or hands over: values of each kind, ids around its
    /// 16-byte compares, duplicate and empty keys, Segment keys and calls, nested values.
    static let variedLines: [String] = {
        var lines: [String] = []
        for length in [1, 14, 15, 16, 17, 31, 32, 33] {
            let user = String(repeating: "u", count: length)
            lines.append(
                #"{"ts":"2026-11-01T10:00:00Z","user":"\#(user)","guide":"tour","version":1,"step":"a","type":"step_viewed","variant":"B","session":"s\#(length)"}"#
            )
        }
        lines += [
            #"{"ts":"2026-11-01T10:01:00Z","user":"v1","guide":"tour","version":1,"step":"b","type":"step_viewed","n":null,"t":true,"f":false,"x":-1.5e+3,"":"empty"}"#,
            #"{"user":"v1","ts":"2026-11-01T10:02:00Z","type":"step_completed","step":"b","version":"1","guide":"tour"}"#,
            #"{"ts":"2026-11-01T10:03:00Z","user":"v2","guide":"tour","version":1,"step":null,"type":"guide_started"}"#,
            #"{"ts":"2026-11-01T10:04:00Z","user":"v2","guide":"tour","version":1,"step":"a","type":"step_viewed","user":"v3"}"#,
            #"{"ts":"2026-11-01T10:05:00Z","user":"v2","guide":"tour","version":1,"type":"page"}"#,
            #"{"timestamp":"2026-11-01T10:06:00Z","userId":"v4","type":"track","event":"Guide Step Viewed","properties":{"guide":"tour","version":1,"step":"c"}}"#,
            #"{"ts":"2026-11-01T10:07:00Z","user":"v4","guide":"tour","version":1,"step":"d","type":"step_viewed","meta":{"a":[1,2]}}"#,
            #"{"ts":"2026-11-01T10:08:00Z","user":"v5","guide":"tour","version":01,"type":"guide_started"}"#,
            #"{"ts":"2026-11-01T10:09:00Z","user":"v5","guide":"tour","version":1,"type":"guide_started","x":tru}"#,
            #"{"ts":"2026-11-01T10:10:00Z","user":"v6","guide":"tour","version":1,"type":"guide_started"}"#,
            #"{"ts":"2026-11-01T10:11:00Z","user":"v7","guide":"tour","version":1,"step":"a","type":"step_viewed","ts":"2026-11-01T10:12:00Z"}"#,
            #"{"ts":"2026-11-01T10:13:00Z","user":"v7","guide":"tour","version":1,"type":"guide_completed"}"#,
        ]
        return lines
    }()

    @Test(arguments: [nil, "session", "variant", "ts", "n"])
    func theCFastPathReadsEachLineAsTheGeneralReader(by property: String?) throws {
        var options = noWindow()
        if let property { options.breakdown = .property(property) }
        #expect(try Self.expectSameReportBothWays(Self.variedLines, options: options) > 0)
        // Without a breakdown: the counts themselves.
        guard property == nil else { return }
        let report = try makeReport(Self.variedLines.joined(separator: "\n"), options: options)
        let byIssue = Dictionary(uniqueKeysWithValues: report.input.skipped.map { ($0.issue, $0) })
        #expect(byIssue[.invalidJSON]?.first.map(\.line) == [16, 17])
        #expect(byIssue[.otherEvent]?.first.map(\.line) == [13])
        #expect(report.input.events == 17)
        #expect(report.guide()?.step("a")?.reached == 10)
    }

    /// Lines in the order a log might have them, against the layout the C reader remembers from the
    /// lines before: the same layout, keys that nearly match it, members missing or added, another key
    /// order, keys too long to remember, and bytes that match a remembered prefix in the wrong place.
    static let layoutChanges = [
        #"{"ts":"2026-11-01T10:00:00Z","user":"w1","guide":"tour","version":1,"step":"a","type":"step_viewed","session":"s1"}"#,
        #"{"ts":"2026-11-01T10:00:01Z","user":"w1","guide":"tour","version":1,"step":"a","type":"step_completed","session":"s1"}"#,
        // 3: no step (the member after the missing one is taken); 4: no step and no session.
        #"{"ts":"2026-11-01T10:00:02Z","user":"w2","guide":"tour","version":1,"type":"guide_started","session":"s2"}"#,
        #"{"ts":"2026-11-01T10:00:03Z","user":"w2","guide":"tour","version":1,"type":"guide_started"}"#,
        // 5, 6: keys one letter off, or one longer, where "user" is expected.
        #"{"ts":"2026-11-01T10:00:04Z","usex":"w3","guide":"tour","version":1,"step":"b","type":"step_viewed"}"#,
        #"{"ts":"2026-11-01T10:00:05Z","users":"w3","guide":"tour","version":1,"step":"b","type":"step_viewed"}"#,
        // 7: two missing members in a row, then the layout again.
        #"{"ts":"2026-11-01T10:00:06Z","user":"w4","step":"b","type":"step_viewed","guide":"tour","version":1}"#,
        #"{"ts":"2026-11-01T10:00:07Z","user":"w4","guide":"tour","version":1,"step":"c","type":"step_viewed","session":"s4"}"#,
        // 9: another key order (learned), 10: the first order again.
        #"{"type":"step_viewed","step":"c","version":1,"guide":"tour","user":"w5","ts":"2026-11-01T10:00:08Z"}"#,
        #"{"type":"step_completed","step":"c","version":1,"guide":"tour","user":"w5","ts":"2026-11-01T10:00:09Z"}"#,
        #"{"ts":"2026-11-01T10:00:10Z","user":"w6","guide":"tour","version":1,"step":"d","type":"step_viewed","session":"s6"}"#,
        // 12: keys too long to remember; 13: the same again.
        #"{"ts":"2026-11-01T10:00:11Z","user":"w6","a_rather_long_key_name":"x","guide":"tour","version":1,"step":"d","type":"step_completed"}"#,
        #"{"ts":"2026-11-01T10:00:12Z","user":"w7","a_rather_long_key_name":"y","guide":"tour","version":1,"step":"d","type":"step_completed"}"#,
        // 14: a line that starts with a remembered member's comma; 15: a value of another kind.
        #","user":"w8","guide":"tour","version":1,"step":"a","type":"step_viewed"}"#,
        #"{"ts":"2026-11-01T10:00:13Z","user":"w8","guide":"tour","version":"1","step":"a","type":"step_viewed"}"#,
        // 16: the remembered layout's members, then one more, then a duplicate of the first.
        #"{"ts":"2026-11-01T10:00:14Z","user":"w9","guide":"tour","version":1,"step":"b","type":"step_viewed","x":1,"ts":"2026-11-01T11:00:00Z"}"#,
        // 17: the prefix of "step" inside a string value.
        #"{"ts":"2026-11-01T10:00:15Z","user":",\"step\":","guide":"tour","version":1,"type":"guide_started"}"#,
        #"{"ts":"2026-11-01T10:00:16Z","user":"w9","guide":"tour","version":1,"step":"b","type":"step_completed"}"#,
    ]

    @Test(arguments: [nil, "session", "type"])
    func linesThatChangeTheRememberedLayoutReadAsTheGeneralReaderReadsThem(by property: String?) throws {
        var options = noWindow()
        if let property { options.breakdown = .property(property) }
        // Each line twice in a row, so that a layout learned from it is also followed.
        try Self.expectSameReportBothWays(Self.layoutChanges.flatMap { [$0, $0] }, options: options)
        guard property == nil else { return }
        let report = try makeReport(Self.layoutChanges.joined(separator: "\n"), options: options)
        let byIssue = Dictionary(uniqueKeysWithValues: report.input.skipped.map { ($0.issue, $0) })
        #expect(byIssue[.missingField]?.first.map(\.line) == [5, 6])
        #expect(byIssue[.invalidJSON]?.first.map(\.line) == [14])
        #expect(report.input.events == 15)
        let tour = try #require(report.guide())
        #expect(tour.steps.map(\.reached) == [2, 2, 2, 2])
        #expect(tour.steps.map(\.completed) == [1, 1, 1, 2])
        #expect(tour.started == 9)  // w1, w2, w4, w5, w6, w7, w8, w9 and the user `,"step":`
    }

    @Test func eventTypesAreRecognisedByTheirWholeName() {
        for type in GuideEventType.allCases {
            var name = Array(type.rawValue.utf8)
            #expect(GuideEventType.code(bytes: &name, count: name.count) == type.code)
            // One byte off anywhere, one byte more or less: not a type.
            for index in name.indices {
                var changed = name
                changed[index] ^= 0x20
                #expect(GuideEventType.code(bytes: &changed, count: changed.count) == nil)
            }
            var longer = name + [0x73]
            #expect(GuideEventType.code(bytes: &longer, count: longer.count) == nil)
            #expect(GuideEventType.code(bytes: &name, count: name.count - 1) == nil)
        }
    }

    @Test func theUsualLayoutReadsAsTheGeneralLoopReadsIt() throws {
        let fast = try makeReport(Self.usualLayout.joined(separator: "\n"), options: noWindow())
        let slow = try makeReport(Self.usualLayout.map(Self.general).joined(separator: "\n"), options: noWindow())
        #expect(fast.guides == slow.guides)
        #expect(fast.input.skipped == slow.input.skipped)
        let byIssue = Dictionary(uniqueKeysWithValues: fast.input.skipped.map { ($0.issue, $0) })
        #expect(byIssue[.invalidJSON]?.first.map(\.line) == [8, 9, 12, 13])
        #expect(byIssue[.badVersion]?.first.map(\.line) == [6, 10, 11])
        #expect(byIssue[.missingField]?.first.map(\.line) == [7])
        #expect(byIssue[.truncatedLine]?.first.map(\.line) == [16])
        #expect(fast.input.events == 7)
        let tour = try #require(fast.guide())
        #expect(tour.started == 4)  // users with any event: u1, u2, u4, u5
        #expect(tour.steps.map(\.reached) == [2, 1, 0, 1])
        #expect(tour.step("a")?.completed == 1)
    }

    @Test func aBreakdownByOneOfTheKeysTakesThatKey() throws {
        // With `--by type` the type key is the breakdown's: the event has no type.
        var byType = noWindow()
        byType.breakdown = .property("type")
        let typeless = try makeReport(Self.usualLayout[1], options: byType)
        let slow = try makeReport(Self.general(Self.usualLayout[1]), options: byType)
        #expect(typeless.input.skipped == slow.input.skipped)
        #expect(typeless.input.events == slow.input.events)
        var options = noWindow()
        options.breakdown = .property("session")
        let report = try makeReport(Self.usualLayout.prefix(2).joined(separator: "\n"), options: options)
        #expect(report.guides.compactMap(\.group) == ["session=(none)", "session=s"])
        #expect(report.input.events == 2)
    }

    @Test(arguments: 0..<20) func csvFieldsAreCutAtEveryOffset(length: Int) throws {
        // Users of every length put the comma and the line end at every position of an 8-byte word.
        let user = String(repeating: "u", count: length + 1)
        let other = String(repeating: "v", count: length + 2)
        let text = """
            ts,user,guide,version,step,type,session
            2026-11-01T10:00:00Z,\(user),tour,1,a,step_viewed,\(other)
            2026-11-01T10:00:01Z,\(other),tour,1,a,step_viewed,\(user)
            2026-11-01T10:00:02Z,\(user)"x,tour,1,a,step_viewed,s
            2026-11-01T10:00:03Z,\(user),tour,1,a,step_viewed,\(other)"

            """
        let report = try makeReport(text, format: .csv, options: noWindow())
        let byIssue = Dictionary(uniqueKeysWithValues: report.input.skipped.map { ($0.issue, $0) })
        #expect(byIssue[.invalidCSV]?.first.map(\.line) == [4, 5])
        #expect(report.input.events == 2)
        #expect(report.guide()?.step("a")?.reached == 2)
    }

    @Test(arguments: 0..<20) func shortAppendsCopyEveryByteAndNothingElse(count: Int) {
        // A user id copied into a routed batch: two overlapping loads and stores, or a grown buffer.
        let bytes = (0..<count).map { UInt8(65 + $0) }
        for capacity in [16, 32] {
            let buffer = FlatBuffer<UInt8>(capacity: capacity)
            for byte: UInt8 in [1, 2, 3] { buffer.append(byte) }
            bytes.withUnsafeBytes { source in
                guard let pointer = source.baseAddress ?? UnsafeRawPointer(bitPattern: 1) else { return }
                buffer.appendShort(pointer, count: count)
            }
            buffer.append(0xEE)
            let stored = (0..<buffer.count).map { buffer[$0] }
            #expect(stored == [1, 2, 3] + bytes + [0xEE], "\(count) bytes, capacity \(capacity)")
        }
    }

    @Test(arguments: 0..<24) func byteComparisonSeesEveryByte(count: Int) {
        // Word loads and the overlapping tail must cover every byte of a slice, and no byte after it.
        let bytes = (0..<count).map { UInt8(97 + $0) }
        let copy = [0xFF] + bytes + [0xEE]
        bytes.withUnsafeBytes { lhs in
            copy.withUnsafeBytes { padded in
                guard let left = lhs.baseAddress ?? padded.baseAddress, let right = padded.baseAddress else { return }
                #expect(bytesEqual(left, right + 1, count))
                #expect(hashBytes(left, count) == hashBytes(right + 1, count))
            }
        }
        for changed in 0..<count {
            var other = bytes
            other[changed] ^= 0x20
            let differs = bytes.withUnsafeBytes { lhs in
                other.withUnsafeBytes { rhs in
                    guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return false }
                    return !bytesEqual(left, right, count) && hashBytes(left, count) != hashBytes(right, count)
                }
            }
            #expect(differs, "byte \(changed) of \(count)")
        }
    }
}

extension FastPathTests {
    /// The CSV reader counts each chunk's quotes (`gk_count_byte`, 64 bytes at a time, then byte by byte)
    /// to find cuts inside quoted fields: a quote anywhere, at any length and alignment, must count.
    @Test(arguments: [0, 1, 31, 32, 63, 64, 65, 127, 128, 200])
    func everyQuoteIsCounted(length: Int) {
        for offset in 0..<3 {
            var bytes = [UInt8](repeating: 0x61, count: length + offset)
            var expected = 0
            for index in stride(from: offset, to: bytes.count, by: 7) {
                bytes[index] = 0x22
                expected += 1
            }
            let counted = bytes.withUnsafeBufferPointer { buffer in
                gk_count_byte(buffer.baseAddress.map { $0 + offset }, length, 0x22)
            }
            #expect(counted == expected, "length \(length), offset \(offset)")
        }
    }
}
