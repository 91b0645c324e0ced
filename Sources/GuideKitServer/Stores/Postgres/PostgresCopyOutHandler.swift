import NIOCore

/// Runs one `COPY … TO STDOUT` on a connection postgres-nio has opened and authenticated, and hands the rows
/// to a ``PostgresCopyOutStream``: the part of PostgreSQL's protocol (v3) postgres-nio lacks.
///
/// It sits in the channel's pipeline below postgres-nio's handler (above TLS), from the moment it sends the
/// query (a simple-query `Query` message) until the database's `ReadyForQuery`; then it removes itself and
/// the connection is postgres-nio's again, idle, as it left it. In between it reads every message the
/// database sends: `CopyOutResponse`, one `CopyData` per row, `CopyDone`, `CommandComplete`, or an
/// `ErrorResponse`; notices and parameter changes are passed over.
///
/// The query writes one column in CSV whose delimiter (`\x01`) and quote (`\x02`) no JSON line holds, so each
/// row is the stored line as it is, then a newline; a value that does hold one of them, or a line break,
/// comes in quotes and is unquoted here, so the bytes are always the stored lines. The rows are counted and
/// checked against the count in `CommandComplete` (`COPY n`).
///
/// Backpressure: the socket is read only while the stream has room (a `read` the channel asks for while it
/// is full is held until the reader resumes it).
final class PostgresCopyOutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        /// The query is sent; the database has not begun the COPY.
        case waiting
        /// CopyData rows are coming.
        case copying
        /// The COPY is done or failed; waiting for ReadyForQuery.
        case ending
        /// ReadyForQuery came; the handler has left the pipeline.
        case done
    }

    private let query: String
    private let stream: PostgresCopyOutStream
    private let location: PostgresLocation
    private var phase = Phase.waiting
    private var pending: ByteBuffer?
    private var rows = 0
    private var completedRows: Int?
    private var error: StoreError?
    private var hasHeldRead = false
    private var isFull = false
    private var context: ChannelHandlerContext?
    /// The largest buffer kept for a message that had not fully arrived (tests check that it stays small).
    private(set) var largestPending = 0

    /// A handler that runs `query` (a `COPY … TO STDOUT WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')`
    /// of one column) once added to a pipeline.
    init(query: String, stream: PostgresCopyOutStream, location: PostgresLocation) {
        self.query = query
        self.stream = stream
        self.location = location
    }

    /// Called by the reader (through the event loop) when the stream has room again.
    func resume() {
        isFull = false
        guard hasHeldRead, let context else { return }
        hasHeldRead = false
        context.read()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        guard context.channel.isActive else {
            fail(context: context, "the connection closed before the export began")
            return
        }
        var message = context.channel.allocator.buffer(capacity: query.utf8.count + 6)
        message.writeInteger(UInt8(ascii: "Q"))
        message.writeInteger(Int32(4 + query.utf8.count + 1))
        message.writeString(query)
        message.writeInteger(UInt8(0))
        context.writeAndFlush(wrapOutboundOut(message), promise: nil)
        context.read()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func read(context: ChannelHandlerContext) {
        guard phase != .done else {
            context.read()
            return
        }
        if isFull {
            hasHeldRead = true
        } else {
            context.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard phase != .done else {
            context.fireChannelRead(data)
            return
        }
        var input = unwrapInboundIn(data)
        if var held = pending {
            held.writeBuffer(&input)
            input = held
            pending = nil
        }
        var rowsOut = context.channel.allocator.buffer(capacity: input.readableBytes)
        while let (type, length) = Self.header(of: input), input.readableBytes >= 1 + length {
            input.moveReaderIndex(forwardBy: 5)
            guard var body = input.readSlice(length: length - 4) else { break }
            switch type {
            case UInt8(ascii: "d"):
                guard phase == .copying else { continue }
                rows += 1
                Self.appendRow(&body, to: &rowsOut)
            case UInt8(ascii: "H"):
                phase = .copying
                stream.begin()
            case UInt8(ascii: "c"):
                break
            case UInt8(ascii: "C"):
                if phase == .copying {
                    let tag = body.readNullTerminatedString() ?? ""
                    completedRows = tag.hasPrefix("COPY ") ? Int(tag.dropFirst(5)) : nil
                    phase = .ending
                }
            case UInt8(ascii: "E"):
                error = error ?? Self.error(from: &body, location: location)
                phase = .ending
            case UInt8(ascii: "Z"):
                if rowsOut.readableBytes > 0 { _ = stream.deliver(rowsOut) }
                end(context: context, rest: input)
                return
            case UInt8(ascii: "N"), UInt8(ascii: "S"), UInt8(ascii: "A"), UInt8(ascii: "K"):
                break  // a notice, a parameter's new value, a notification: nothing the export needs
            default:
                // A row description, rows, an empty query: the query did not run a COPY.
                let kind = Character(Unicode.Scalar(type))
                let unexpected = "\(location.redacted): the database answered the COPY with message '\(kind)'"
                error = error ?? .unavailable(unexpected)
                phase = .ending
            }
        }
        if input.readableBytes > 0 {
            // Only the unfinished message is kept (the buffer read so far is let go), with room for the next read.
            var rest = context.channel.allocator.buffer(capacity: input.readableBytes + 65_536)
            rest.writeBuffer(&input)
            largestPending = max(largestPending, rest.capacity)
            pending = rest
        }
        if rowsOut.readableBytes > 0, !stream.deliver(rowsOut) { isFull = true }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if phase != .done {
            phase = .done
            let closed = "\(location.redacted): the database closed the connection while the events were read"
            stream.fail(error ?? .unavailable(closed))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if phase != .done {
            phase = .done
            let failed = "\(location.redacted): the connection failed while the events were read: \(error)"
            stream.fail(.unavailable(failed))
        }
        context.fireErrorCaught(error)
    }

    /// ReadyForQuery: the stream ends (complete, or with the error), and the handler leaves the pipeline,
    /// passing on any bytes after the message.
    private func end(context: ChannelHandlerContext, rest: ByteBuffer) {
        phase = .done
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        if rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
        if let error {
            stream.fail(error)
        } else if let completedRows, completedRows == rows {
            stream.finish()
        } else {
            let told = completedRows.map { "\($0)" } ?? "no count"
            stream.fail(.unavailable("\(location.redacted): the export's COPY sent \(rows) rows but reported \(told)"))
        }
        if hasHeldRead {
            hasHeldRead = false
            context.read()
        }
    }

    private func fail(context: ChannelHandlerContext, _ message: String) {
        phase = .done
        stream.fail(.unavailable("\(location.redacted): \(message)"))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// The type and length (which counts itself, not the type) of the message at the buffer's reader index.
    private static func header(of buffer: ByteBuffer) -> (UInt8, Int)? {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 1, as: Int32.self), length >= 4
        else { return nil }
        return (type, Int(length))
    }

    /// Appends one CSV row of one column: as it is unless it begins with the quote (`\x02`), then unquoted
    /// (doubled quotes made single) and ended with a newline.
    private static func appendRow(_ row: inout ByteBuffer, to output: inout ByteBuffer) {
        guard row.getInteger(at: row.readerIndex, as: UInt8.self) == 0x02 else {
            output.writeBuffer(&row)
            return
        }
        row.moveReaderIndex(forwardBy: 1)
        while let byte = row.readInteger(as: UInt8.self) {
            if byte == 0x02 {
                guard row.getInteger(at: row.readerIndex, as: UInt8.self) == 0x02 else { break }
                row.moveReaderIndex(forwardBy: 1)
            }
            output.writeInteger(byte)
        }
        output.writeInteger(UInt8(ascii: "\n"))
    }

    /// The error of an `ErrorResponse`: its message, detail and SQLSTATE.
    private static func error(from body: inout ByteBuffer, location: PostgresLocation) -> StoreError {
        var fields: [UInt8: String] = [:]
        while let kind = body.readInteger(as: UInt8.self), kind != 0, let value = body.readNullTerminatedString() {
            fields[kind] = value
        }
        var text = fields[UInt8(ascii: "M")] ?? "an error without a message"
        if let detail = fields[UInt8(ascii: "D")] { text += " (\(detail))" }
        if let state = fields[UInt8(ascii: "C")] { text += " (SQLSTATE \(state))" }
        return .unavailable("\(location.redacted): \(text)")
    }
}
