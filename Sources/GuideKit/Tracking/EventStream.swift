import Foundation

/// Event log bytes that arrive in pieces from elsewhere (a database's `COPY … TO STDOUT`), read as they
/// come instead of being gathered in memory first.
///
/// The report reads a stream once, on one thread, as it reads standard input; each reading opens it
/// anew. A report whose guides have goals or variants may open it a second time, asking only for the
/// lines that pass needs (``Selection/goalEvents``). A failure of the stream (the database went away)
/// ends the report with that error: a report is never made of part of a stream.
///
/// ```swift
/// let stream = EventStream(name: "export.jsonl", format: .jsonLines) { selection in
///     try MyCopyReader(selecting: selection)
/// }
/// let report = try DropOffReport(reading: [.stream(stream)], book: book)
/// ```
public struct EventStream: Sendable, Hashable {
    /// Which lines a reading of the stream needs.
    public enum Selection: Sendable, Hashable {
        /// Every line, in order.
        case all
        /// At least the lines whose `type` is `track` or `exposure` (product events and exposures, what
        /// a guide's goal and an experiment's holdout need), in order; other lines may come too.
        case goalEvents
    }

    /// The name shown in the input summary and in diagnostics.
    public let name: String
    /// The format of the bytes.
    public let format: EventLogFormat
    private let identity = UUID()
    private let opener: @Sendable (Selection) throws -> any EventByteSource

    /// A stream whose readings `open` starts.
    ///
    /// - Parameters:
    ///   - name: the name for the input summary.
    ///   - format: the format of the bytes.
    ///   - open: starts a reading of the lines `selection` names; called on the reading thread, and may
    ///     block. Its errors, and those of the source it returns, end the report as they are.
    public init(
        name: String,
        format: EventLogFormat,
        open: @escaping @Sendable (_ selection: Selection) throws -> any EventByteSource
    ) {
        self.name = name
        self.format = format
        self.opener = open
    }

    /// Starts a reading.
    ///
    /// - Parameter selection: the lines it needs.
    /// - Returns: the bytes, to be read to their end.
    /// - Throws: what the stream's opener throws.
    public func open(_ selection: Selection) throws -> any EventByteSource {
        try opener(selection)
    }

    /// Whether two values are the same stream.
    public static func == (lhs: EventStream, rhs: EventStream) -> Bool { lhs.identity == rhs.identity }

    /// Hashes the stream's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(identity) }
}

/// One reading of an ``EventStream``: bytes handed out as they arrive.
public protocol EventByteSource: AnyObject {
    /// Copies up to `buffer.count` bytes into `buffer`, waiting until some have arrived.
    ///
    /// - Parameter buffer: where the bytes go (never empty).
    /// - Returns: the bytes copied; 0 only when the stream ended as it should (every byte was sent).
    /// - Throws: when the stream failed before its end (the reader then throws it on).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
