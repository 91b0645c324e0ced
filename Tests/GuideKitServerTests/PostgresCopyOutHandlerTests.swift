import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import GuideKitServer

/// The COPY OUT side of PostgreSQL's protocol, fed the database's messages cut at every few bytes: the rows come
/// out as the stored lines, a failure or a short count fails the stream, and the handler leaves the pipeline.
@Suite struct PostgresCopyOutHandlerTests {
    /// One backend message: its type, its length (counting itself) and its body.
    static func message(_ type: Unicode.Scalar, _ body: [UInt8] = []) -> [UInt8] {
        let length = UInt32(body.count + 4)
        return [UInt8(ascii: type)]
            + [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + body
    }

    static func text(_ value: String) -> [UInt8] { Array(value.utf8) + [0] }

    /// Runs the handler on an embedded channel over `messages`, delivered `piece` bytes at a time; returns the
    /// stream, the handler and the channel.
    static func run(
        _ messages: [UInt8],
        piece: Int
    ) throws -> (PostgresCopyOutStream, PostgresCopyOutHandler, EmbeddedChannel) {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5432)).wait()
        let location = try PostgresLocation(url: "postgres://guidekit:secret@db.example:5432/guidekit")
        let stream = PostgresCopyOutStream(location: location, idleTimeout: 1)
        let handler = PostgresCopyOutHandler(query: "COPY x TO STDOUT", stream: stream, location: location)
        try channel.pipeline.syncOperations.addHandler(handler)
        let query = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(query.getInteger(at: 0, as: UInt8.self) == UInt8(ascii: "Q"))
        #expect(query.getString(at: 5, length: 16) == "COPY x TO STDOUT")
        var offset = 0
        while offset < messages.count {
            let end = min(offset + piece, messages.count)
            try channel.writeInbound(ByteBuffer(bytes: messages[offset..<end]))
            offset = end
        }
        return (stream, handler, channel)
    }

    static func readAll(_ stream: PostgresCopyOutStream) throws -> String {
        String(decoding: try PostgresReportTests.readAll(stream), as: UTF8.self)
    }

    @Test(arguments: [1, 7, 4_096])
    func rowsComeOutAsTheStoredLines(piece: Int) throws {
        let rows: [[UInt8]] = [
            Array(#"{"type":"guide_started","user":"u_1"}"#.utf8) + [0x0A],
            [0x02] + Array("quote \u{02}\u{02} and\nbreak".utf8) + [0x02, 0x0A],
            [0x02, 0x02, 0x0A],
        ]
        var messages = Self.message("S", Self.text("TimeZone") + Self.text("UTC"))
        messages += Self.message("H", [0, 0, 1, 0, 0])
        for row in rows { messages += Self.message("d", row) }
        messages += Self.message("N", [UInt8(ascii: "M")] + Self.text("a notice") + [0])
        messages += Self.message("c") + Self.message("C", Self.text("COPY 3")) + Self.message("Z", [UInt8(ascii: "T")])
        let (stream, _, channel) = try Self.run(messages, piece: piece)
        #expect(try Self.readAll(stream) == #"{"type":"guide_started","user":"u_1"}"# + "\nquote \u{02} and\nbreak\n\n")
        #expect(throws: (any Error).self) {
            try channel.pipeline.syncOperations.handler(type: PostgresCopyOutHandler.self)
        }
        _ = try channel.finish()
    }

    /// Many rows read a kilobyte at a time: the buffer kept for a message cut by a read stays the size of one
    /// read plus the message, whatever the export's size.
    @Test func theUnfinishedMessageBufferStaysSmall() throws {
        let row = Array(String(repeating: "x", count: 120).utf8) + [0x0A]
        var messages = Self.message("H", [0, 0, 1, 0, 0])
        for _ in 0..<20_000 { messages += Self.message("d", row) }
        messages += Self.message("c") + Self.message("C", Self.text("COPY 20000")) + Self.message("Z", [73])
        let (stream, handler, channel) = try Self.run(messages, piece: 1_000)
        #expect(try PostgresReportTests.readAll(stream).count == 20_000 * 121)
        #expect(handler.largestPending <= 200_000, "\(handler.largestPending)")
        _ = try channel.finish()
    }

    @Test func anErrorResponseFailsTheStreamWithTheDatabasesMessage() throws {
        var fields: [UInt8] = [UInt8(ascii: "S")] + Self.text("ERROR") + [UInt8(ascii: "C")] + Self.text("42P01")
        fields += [UInt8(ascii: "M")] + Self.text(#"relation "guidekit_event" does not exist"#) + [0]
        let messages = Self.message("E", fields) + Self.message("Z", [73])
        let (stream, _, channel) = try Self.run(messages, piece: 5)
        let error = #expect(throws: StoreError.self) { try Self.readAll(stream) }
        let text = error?.description ?? ""
        #expect(text.contains(#"relation "guidekit_event" does not exist (SQLSTATE 42P01)"#), "\(text)")
        #expect(text.contains("db.example:5432/guidekit") && !text.contains("secret"), "\(text)")
        _ = try channel.finish()
    }

    @Test func aCountThatDiffersFromTheRowsFailsTheStream() throws {
        var messages = Self.message("H", [0, 0, 1, 0, 0]) + Self.message("d", Array("a\n".utf8))
        messages += Self.message("c") + Self.message("C", Self.text("COPY 2")) + Self.message("Z", [73])
        let (stream, _, channel) = try Self.run(messages, piece: 64)
        let error = #expect(throws: StoreError.self) { try Self.readAll(stream) }
        #expect(error?.description.contains("sent 1 rows but reported 2") == true)
        _ = try channel.finish()
    }

    /// A database that never answers the COPY: the reader gives up after the store's timeout (1 s here).
    @Test func aCopyThatNeverBeginsTimesOut() throws {
        let (stream, _, channel) = try Self.run([], piece: 1)
        let error = #expect(throws: StoreError.self) { try Self.readAll(stream) }
        #expect(
            error?.description.contains("no answer to the export's COPY within 1 s") == true,
            "\(String(describing: error))"
        )
        _ = try channel.finish()
    }

    @Test func aConnectionThatClosesMidCopyFailsTheStream() throws {
        let messages = Self.message("H", [0, 0, 1, 0, 0]) + Self.message("d", Array("a\n".utf8))
        let (stream, _, channel) = try Self.run(messages, piece: 64)
        try channel.close().wait()
        let error = #expect(throws: StoreError.self) { try Self.readAll(stream) }
        #expect(error?.description.contains("closed the connection") == true, "\(String(describing: error))")
    }
}
