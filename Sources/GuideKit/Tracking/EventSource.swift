/// Where events come from: a file, standard input, bytes in memory, or a stream (a database's export).
public enum EventSource: Sendable, Hashable {
    /// A file on disk; the format comes from its extension unless given.
    case file(path: String, format: EventLogFormat? = nil)
    /// Standard input (`-` on the command line), JSON Lines unless a format is given.
    case standardInput(format: EventLogFormat? = nil)
    /// Bytes in memory, named for the input summary.
    case bytes([UInt8], name: String, format: EventLogFormat)
    /// Bytes that arrive in pieces, read as they come (see ``EventStream``).
    case stream(EventStream)

    /// The name shown in the input summary and in diagnostics.
    public var name: String {
        switch self {
        case .file(let path, _): path
        case .standardInput: "-"
        case .bytes(_, let name, _): name
        case .stream(let stream): stream.name
        }
    }

    /// The format the source is read as.
    public var format: EventLogFormat {
        switch self {
        case .file(let path, let format): format ?? EventLogFormat(path: path)
        case .standardInput(let format): format ?? .jsonLines
        case .bytes(_, _, let format): format
        case .stream(let stream): stream.format
        }
    }

    /// A source for a command-line argument: `-` is standard input, anything else a file.
    ///
    /// - Parameters:
    ///   - argument: the path as typed.
    ///   - format: the format to force, or `nil` to go by extension.
    public init(argument: String, format: EventLogFormat? = nil) {
        self = argument == "-" ? .standardInput(format: format) : .file(path: argument, format: format)
    }
}

extension EventSource {
    /// All of the source's bytes, read through ``InputFile`` as the report reads its files: a FIFO or
    /// `/dev/null` is read as a stream, and a file that cannot be read is an error naming the cause.
    ///
    /// - Throws: ``EventLogError`` when the source cannot be read, or got shorter while it was read.
    func bytes() throws(EventLogError) -> [UInt8] {
        if case .stream(let stream) = self { return try Self.readAll(stream) }
        do throws(InputFileError) {
            switch self {
            case .file(let path, _): return try InputFile(path: path).readAll()
            case .standardInput: return try InputFile.standardInput().readAll()
            case .bytes(let bytes, _, _): return bytes
            case .stream: return []  // read above
            }
        } catch {
            throw EventLogError(error)
        }
    }

    private static func readAll(_ stream: EventStream) throws(EventLogError) -> [UInt8] {
        do {
            let source = try stream.open(.all)
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { return bytes }
                bytes += chunk[..<count]
            }
        } catch let error as EventLogError {
            throw error
        } catch {
            throw EventLogError(.unreadable, path: stream.name, message: "cannot read the stream: \(error)")
        }
    }
}
