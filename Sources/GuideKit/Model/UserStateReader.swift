import Foundation

/// Reads a population of user states, one at a time, from JSON Lines or CSV.
///
/// The reader streams: it holds at most about 1 MiB of JSON Lines (or one CSV record) at a time, so a
/// population of millions reads in constant memory; the states of a batch of JSON lines are read on every
/// core and given in line order. A bad line does not stop it: each element is either a state or an error
/// that names the line, the field and the fix.
///
/// - JSON Lines: one state object per line (the shape of ``UserState/document``); blank lines are skipped.
/// - CSV (RFC 4180, header row first): columns are dotted paths (`id`, `user.plan`,
///   `events.project_created.count`, `guides.welcome-tour.status`, `page.path`, `now`); an empty cell is
///   an absent field. Cells are typed by the state format (counts are numbers, statuses and timestamps
///   strings, `device.*` strings), then by the catalog for `user.*` and `account.*` (a `list` cell is a
///   JSON array or `;`-separated values), else as JSON would read them (`true`, `3`, `null`).
///
/// ```swift
/// for result in try UserStateReader(contentsOf: url, catalog: catalog) {
///     switch result {
///     case .success(let state): …
///     case .failure(let error): print(error)   // users.csv:12:1: user.seats: …
///     }
/// }
/// ```
public struct UserStateReader: Sequence {
    /// The population's format.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// One JSON object per line.
        case jsonLines
        /// A header row of dotted paths, then one user per row.
        case csv

        /// The format a file name implies: `.csv` is CSV, anything else JSON Lines.
        public init(fileName: String) {
            self = fileName.lowercased().hasSuffix(".csv") ? .csv : .jsonLines
        }
    }

    /// The longest line read by default (16 MiB); a user state is a few kilobytes.
    public static let defaultMaximumLineLength = 16 << 20

    private enum Source {
        case handle(FileHandle)
        case bytes([UInt8])
    }

    private let source: Source
    private let format: Format
    private let catalog: Catalog?
    private let file: String
    private let maximumLineLength: Int

    /// Reads the population in a file.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - format: the format; by default from the file name.
    ///   - catalog: the attribute types `user.*` and `account.*` values must have, when given.
    ///   - maximumLineLength: the longest line read; a longer one is skipped and reported as an error
    ///     with its line number.
    /// - Throws: ``UserStateError`` (``UserStateError/Code/unreadable``) when the file cannot be opened.
    public init(
        contentsOf url: URL,
        format: Format? = nil,
        catalog: Catalog? = nil,
        maximumLineLength: Int = Self.defaultMaximumLineLength
    ) throws(UserStateError) {
        let handle: FileHandle
        do {
            // Opened as every input file is (a folder or a missing file is named as such).
            let file = try InputFile(path: url.path)
            handle = FileHandle(fileDescriptor: dup(file.descriptor), closeOnDealloc: true)
        } catch {
            throw UserStateError(.unreadable, error.description)
        }
        self.init(
            handle: handle,
            file: url.relativePath,
            format: format ?? Format(fileName: url.path),
            catalog: catalog,
            maximumLineLength: maximumLineLength
        )
    }

    /// Reads a population from an open file handle (for example standard input).
    ///
    /// - Parameters:
    ///   - handle: the handle, read to its end.
    ///   - file: the name to give in error locations.
    ///   - format: the format.
    ///   - catalog: the attribute types `user.*` and `account.*` values must have, when given.
    ///   - maximumLineLength: the longest line read; a longer one is skipped and reported.
    public init(
        handle: FileHandle,
        file: String,
        format: Format,
        catalog: Catalog? = nil,
        maximumLineLength: Int = Self.defaultMaximumLineLength
    ) {
        self.source = .handle(handle)
        self.format = format
        self.catalog = catalog
        self.file = file
        self.maximumLineLength = maximumLineLength
    }

    /// Reads a population held in memory.
    ///
    /// - Parameters:
    ///   - text: the whole population.
    ///   - file: the name to give in error locations.
    ///   - format: the format.
    ///   - catalog: the attribute types `user.*` and `account.*` values must have, when given.
    ///   - maximumLineLength: the longest line read; a longer one is skipped and reported.
    public init(
        text: String,
        file: String = "",
        format: Format,
        catalog: Catalog? = nil,
        maximumLineLength: Int = Self.defaultMaximumLineLength
    ) {
        self.source = .bytes(Array(text.utf8))
        self.format = format
        self.catalog = catalog
        self.file = file
        self.maximumLineLength = maximumLineLength
    }

    /// An iterator over the states.
    public func makeIterator() -> Iterator {
        let lines: LineReader
        var handle: FileHandle?
        switch source {
        case .handle(let fileHandle):
            handle = fileHandle
            lines = LineReader(descriptor: fileHandle.fileDescriptor, maximumLength: maximumLineLength)
        case .bytes(let bytes):
            lines = LineReader(bytes, maximumLength: maximumLineLength)
        }
        return Iterator(
            lines: lines,
            handle: handle,
            format: format,
            catalog: catalog,
            file: file,
            maximumLineLength: maximumLineLength
        )
    }

    /// Gives each state, or the error of its line, in order.
    public struct Iterator: IteratorProtocol {
        private var lines: LineReader?
        /// Keeps the file open while it is read.
        private let handle: FileHandle?
        private let format: Format
        private let catalog: Catalog?
        private let file: String
        private let maximumLineLength: Int
        private var header: [String]?
        private var headerFailed = false
        /// States read ahead, in line order, and the next one to give.
        private var pending: [Result<UserState, UserStateError>] = []
        private var pendingIndex = 0

        init(
            lines: LineReader,
            handle: FileHandle?,
            format: Format,
            catalog: Catalog?,
            file: String,
            maximumLineLength: Int
        ) {
            self.lines = lines
            self.handle = handle
            self.format = format
            self.catalog = catalog
            self.file = file
            self.maximumLineLength = maximumLineLength
        }

        /// The next state or error; `nil` at the end.
        public mutating func next() -> Result<UserState, UserStateError>? {
            guard lines != nil else { return nil }
            let result: Result<UserState, UserStateError>?
            switch format {
            case .jsonLines: result = nextJSONLine()
            case .csv: result = nextCSVRecord()
            }
            if result == nil, let message = lines?.readError {
                lines = nil
                return .failure(UserStateError(.unreadable, "cannot read \(file): \(message)"))
            }
            return result
        }

        private mutating func nextJSONLine() -> Result<UserState, UserStateError>? {
            if pendingIndex == pending.count {
                pendingIndex = 0
                pending.removeAll(keepingCapacity: true)
                if let batch = nextBatch() { pending = batch.readAll() }
            }
            guard pendingIndex < pending.count else { return nil }
            defer { pendingIndex += 1 }
            return pending[pendingIndex]
        }

        /// The next lines, not yet read as states; `nil` at the end.
        ///
        /// JSON Lines: up to 1 MiB of lines (at least one), so that the caller reads their states where it
        /// likes (on every core); CSV: up to 1,024 records, read. A read error of the input ends the last
        /// batch.
        package mutating func nextBatch() -> UserStateBatch? {
            guard lines != nil else { return nil }
            var batch = UserStateBatch(file: file, catalog: catalog)
            switch format {
            case .jsonLines:
                let file = self.file
                let limit = maximumLineLength
                var ended = false
                while batch.text.count < 1 << 20, batch.slots.count < 8_192, !ended {
                    let read: Void? = lines?.next { number, line in
                        switch line {
                        case .tooLong(let length):
                            batch.slots.append(
                                .done(.failure(Self.tooLong(length, limit: limit, file: file, line: number)))
                            )
                        case .text(let bytes):
                            guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else { return }
                            let start = batch.text.count
                            batch.text.append(contentsOf: bytes)
                            batch.slots.append(.parse(line: number, range: start..<batch.text.count))
                        }
                    }
                    ended = read == nil
                }
                if ended, let message = lines?.readError {
                    lines = nil
                    batch.slots.append(.done(.failure(UserStateError(.unreadable, "cannot read \(file): \(message)"))))
                }
            case .csv:
                while batch.slots.count < 1_024, let result = next() { batch.slots.append(.done(result)) }
            }
            return batch.slots.isEmpty ? nil : batch
        }

        static func tooLong(_ length: Int, limit: Int, file: String, line: Int) -> UserStateError {
            UserStateError(
                .tooLarge,
                "the line is \(length) bytes long, over the limit of \(limit) bytes for one user state "
                    + "(a state is a few kilobytes; is the file one state per line?)",
                at: SourceLocation(file: file, line: line, column: 1)
            )
        }

        private mutating func nextCSVRecord() -> Result<UserState, UserStateError>? {
            if header == nil {
                if headerFailed { return nil }
                guard let (number, fields) = readRecord() else { return nil }
                switch fields {
                case .failure(let error):
                    headerFailed = true
                    return .failure(error)
                case .success(let names):
                    let trimmed = names.map { $0.text.trimmingCharacters(in: .whitespaces) }
                    guard trimmed.contains("id") else {
                        headerFailed = true
                        return .failure(
                            UserStateError(
                                .missingField,
                                "the CSV header has no 'id' column (columns are dotted paths: id, user.plan, …)",
                                at: SourceLocation(file: file, line: number, column: 1)
                            )
                        )
                    }
                    header = trimmed
                }
            }
            while let (number, fields) = readRecord() {
                switch fields {
                case .failure(let error): return .failure(error)
                case .success(let cells):
                    if cells.count == 1, cells[0].text.isEmpty { continue }
                    return CSVRow(header: header ?? [], cells: cells, line: number, file: file, catalog: catalog)
                        .state()
                }
            }
            return nil
        }

        /// The next line's number and bytes, or its length when it is over the limit.
        private mutating func nextLine() -> (Int, Result<[UInt8], UserStateError>)? {
            let limit = maximumLineLength
            let file = self.file
            return lines?.next { number, line in
                switch line {
                case .text(let bytes): (number, .success(Array(bytes)))
                case .tooLong(let length):
                    (number, .failure(Self.tooLong(length, limit: limit, file: file, line: number)))
                }
            }
        }

        /// One CSV record (which may span lines inside quotes), with its first line's number.
        private mutating func readRecord() -> (Int, Result<[(text: String, column: Int)], UserStateError>)? {
            guard let (number, first) = nextLine() else { return nil }
            var line: [UInt8]
            switch first {
            case .success(let bytes): line = bytes
            case .failure(let error): return (number, .failure(error))
            }
            var fields: [(text: String, column: Int)] = []
            var field: [UInt8] = []
            var column = 1
            var fieldColumn = 1
            var quoted = false
            var index = 0
            var atFieldStart = true
            while true {
                if index >= line.count {
                    if quoted {
                        guard let (_, next) = nextLine(), case .success(let more) = next else {
                            return (
                                number,
                                .failure(
                                    UserStateError(
                                        .syntax,
                                        "unterminated quoted CSV field",
                                        at: SourceLocation(file: file, line: number, column: fieldColumn)
                                    )
                                )
                            )
                        }
                        field.append(0x0A)
                        line = more
                        index = 0
                        continue
                    }
                    fields.append((String(decoding: field, as: UTF8.self), fieldColumn))
                    return (number, .success(fields))
                }
                let byte = line[index]
                if byte & 0xC0 != 0x80 { column += 1 }
                if quoted {
                    if byte == 0x22 {
                        if index + 1 < line.count, line[index + 1] == 0x22 {
                            field.append(0x22)
                            index += 2
                            continue
                        }
                        quoted = false
                    } else {
                        field.append(byte)
                    }
                } else if byte == 0x22 && atFieldStart {
                    quoted = true
                    atFieldStart = false
                } else if byte == 0x2C {
                    fields.append((String(decoding: field, as: UTF8.self), fieldColumn))
                    field = []
                    fieldColumn = column
                    atFieldStart = true
                } else if byte == 0x0D && index == line.count - 1 {
                    // CRLF line end.
                } else {
                    field.append(byte)
                    atFieldStart = false
                }
                index += 1
            }
        }
    }
}

/// One CSV row turned into a state.
private struct CSVRow {
    let header: [String]
    let cells: [(text: String, column: Int)]
    let line: Int
    let file: String
    let catalog: Catalog?

    func location(_ column: Int) -> SourceLocation { SourceLocation(file: file, line: line, column: column) }

    func state() -> Result<UserState, UserStateError> {
        guard cells.count <= header.count else {
            return .failure(
                UserStateError(
                    .syntax,
                    "the row has \(cells.count) cells but the header has \(header.count) columns",
                    at: location(1)
                )
            )
        }
        var root: [String: Value] = [:]
        for (offset, (cell, column)) in cells.enumerated() {
            guard !cell.isEmpty else { continue }
            let path = header[offset]
            let value: Value
            switch typed(cell, path) {
            case .success(let typed): value = typed
            case .failure(let message):
                return .failure(UserStateError(message.code, message.text, path: path, at: location(column)))
            }
            let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if !Self.insert(value, at: keys[...], into: &root) {
                return .failure(
                    UserStateError(
                        .wrongType,
                        "column '\(path)' conflicts with another column",
                        path: path,
                        at: location(column)
                    )
                )
            }
        }
        do {
            return .success(try UserState(value: .object(root)))
        } catch {
            var located = error
            located.location = location(1)
            return .failure(located)
        }
    }

    struct Message: Error {
        var text: String
        var code = UserStateError.Code.wrongType
    }

    func typed(_ cell: String, _ path: String) -> Result<Value, Message> {
        let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let namespace = keys.first ?? ""
        let last = keys.last ?? ""
        switch namespace {
        case "id", "locale", "now", "page", "device":
            return .success(.string(cell))
        case "events" where keys.count == 3:
            switch last {
            case "count": return number(cell, path)
            case "times": return list(cell)
            default: return .success(.string(cell))
            }
        case "guides" where keys.count == 3:
            return last == "version" || last == "shows" ? number(cell, path) : .success(.string(cell))
        case "user", "account":
            let declared = namespace == "user" ? catalog?.userAttributes : catalog?.accountAttributes
            if keys.count == 2, let attribute = declared?[last] {
                switch attribute.type {
                case .string, .version: return .success(.string(cell))
                case .timestamp:
                    return attribute.typed(.string(cell)).mapError { Message(text: $0.message, code: $0.code) }
                case .number: return number(cell, path)
                case .boolean:
                    switch cell {
                    case "true": return .success(.bool(true))
                    case "false": return .success(.bool(false))
                    default: return .failure(Message(text: "'\(cell)' is not a boolean (true or false)"))
                    }
                case .list: return list(cell)
                }
            }
            return .success(Self.inferred(cell))
        default:
            return .success(Self.inferred(cell))
        }
    }

    func number(_ cell: String, _ path: String) -> Result<Value, Message> {
        guard SourceNode.Scalar.isJSONNumber(cell), let number = Double(cell) else {
            return .failure(Message(text: "'\(cell)' is not a number"))
        }
        return .success(.number(number))
    }

    func list(_ cell: String) -> Result<Value, Message> {
        if cell.hasPrefix("[") {
            guard let node = try? JSONSourceParser.parse(cell), case .array = node.jsonValue else {
                return .failure(Message(text: "'\(cell)' is not a JSON array"))
            }
            return .success(node.jsonValue)
        }
        return .success(.array(cell.split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) }))
    }

    /// A cell read as JSON would read it; anything that is not JSON is a string.
    static func inferred(_ cell: String) -> Value {
        if let first = cell.first, "[{\"".contains(first), let node = try? JSONSourceParser.parse(cell) {
            return node.jsonValue
        }
        return SourceNode.Scalar(text: cell, isPlain: true).jsonValue
    }

    static func insert(_ value: Value, at keys: ArraySlice<String>, into object: inout [String: Value]) -> Bool {
        guard let key = keys.first else { return false }
        if keys.count == 1 {
            guard object[key] == nil else { return false }
            object[key] = value
            return true
        }
        var child: [String: Value]
        switch object[key] {
        case nil: child = [:]
        case .object(let members)?: child = members
        default: return false
        }
        guard insert(value, at: keys.dropFirst(), into: &child) else { return false }
        object[key] = .object(child)
        return true
    }
}
