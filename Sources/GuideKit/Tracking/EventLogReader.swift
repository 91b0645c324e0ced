import CHotPath
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams event logs into per-thread tallies.
///
/// Files are read in quarter-megabyte windows into each thread's own buffer (`pread`), so resident
/// memory stays at the size of the tallies whatever the file size; the header and the places to cut
/// a file are read the same way. Nothing is read through a memory mapping: a file truncated while it
/// is read (log rotation with `copytruncate`) gives a short read, reported as an error naming the
/// file, where a mapping would fault (`SIGBUS`). A file of at least
/// `minimumPartSize` bytes is cut at line ends into chunks as the threads take them, in order, each a
/// share of what is left (so the last are small and the threads finish together); each thread parses
/// its chunks and hands events of users it does not own to their owner (see ``EventTally``).
///
/// A CSV field in quotes may hold a line break, so a cut at a line end may fall inside a record. The
/// first chunk starts at a record; a chunk that ends inside a quoted field (an unclosed quote where
/// the file goes on) means the next began inside a record, and when none does, every chunk began at
/// a record. Otherwise the whole read is done again, and this time the file is cut at record ends
/// found in one extra pass through the file, on one thread, by the same ``CSVRecordScanner`` (so the
/// records, and the bad ones, are those of a reading from the start on one thread). Input that cannot
/// be read twice (standard input, a pipe) is read as a stream, never cut.
struct EventLogReader {
    var filter: EventTally.Filter
    var threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
    var minimumPartSize = 16 << 20
    /// Bytes read at a time.
    ///
    /// A window grows when one record is longer. A quarter megabyte stays in the core's 512 KB L2
    /// cache between the kernel's copy and the parse, next to the batches and tables: since the C event
    /// runs took over the common lines, 512 KB windows took 0.2–0.3 s more system time than 256 KB
    /// on the 10M logs (and 2 MB windows were slower still).
    var windowSize = 256 << 10
    /// Whether common lines are read by the C event runs (`gk_csv_event_run`); off, the Swift reader
    /// reads every line (tests compare the two).
    var usesEventRuns = true
    /// The most of the CPU's instructions the C event runs may use (`gk_reader_state.instructions`):
    /// 0 all it has; tests force the copies for older CPUs.
    var eventRunInstructions = 0
    /// While a file is scanned for record ends before it is cut, it is read this many bytes at a time.
    var scanStep = 1 << 20
    /// Called by a reading thread before it reads each window of a file, with the window's offset
    /// (tests truncate the file there, as log rotation may).
    var beforeWindow: (@Sendable (Int) -> Void)?

    /// Per-file counts for the input summary.
    struct FileCounts {
        var name: String
        var format: EventLogFormat
        var bytes: Int
        var lines: Int
        var events: Int
        var issues: Int
    }

    /// What was read: one tally per thread (disjoint runs), the groups, and per-file counts.
    struct Result {
        var tallies: [EventTally]
        var registry: GroupRegistry
        var files: [FileCounts]
    }

    /// Reads all sources.
    ///
    /// - Throws: ``EventLogError`` when a source cannot be opened or its CSV header lacks a column.
    func read(_ sources: [EventSource], book: StepOrderBook) throws -> Result {
        if sources.allSatisfy(\.canBeReadAgain) {
            do {
                return try read(sources, book: book, findsRecordEndsFirst: false)
            } catch is CutInsideQuotes {
                // Read again from the start: tallies cannot take back what a wrongly cut chunk added.
            }
        }
        return try read(sources, book: book, findsRecordEndsFirst: true)
    }

    private func read(_ sources: [EventSource], book: StepOrderBook, findsRecordEndsFirst: Bool) throws -> Result {
        let registry = GroupRegistry(book: book)
        let mailbox = Mailbox(threads: threads)
        let tallies = (0..<threads).map {
            EventTally(filter: filter, shard: $0, registry: registry, mailbox: mailbox, usesEventRuns: usesEventRuns)
        }
        for tally in tallies { tally.hot.pointee.instructions = eventRunInstructions }
        var files: [FileCounts] = []
        for (index, source) in sources.enumerated() {
            for tally in tallies { tally.fileIndex = index }
            let before = totals(tallies)
            var size = 0
            switch source {
            case .file(let path, _):
                size = try readFile(
                    path: path,
                    format: source.format,
                    into: tallies,
                    findsRecordEndsFirst: findsRecordEndsFirst
                )
            case .standardInput:
                size = try readStream(InputFile.standardInput(), format: source.format, into: tallies)
            case .stream(let stream):
                size = try readStream(stream, into: tallies)
            case .bytes(let bytes, let name, let format):
                size = bytes.count
                try bytes.withUnsafeBytes { buffer in
                    try readBuffer(
                        .memory(buffer),
                        count: buffer.count,
                        name: name,
                        format: format,
                        into: tallies,
                        findsRecordEndsFirst: findsRecordEndsFirst
                    )
                }
            }
            let after = totals(tallies)
            files.append(
                FileCounts(
                    name: source.name,
                    format: source.format,
                    bytes: size,
                    lines: after.lines - before.lines,
                    events: after.events - before.events,
                    issues: after.issues - before.issues
                )
            )
        }
        mailbox.reset()  // frees the spare batches
        return Result(tallies: tallies, registry: registry, files: files)
    }

    private func totals(_ tallies: [EventTally]) -> (lines: Int, events: Int, issues: Int) {
        var result = (lines: 0, events: 0, issues: 0)
        for tally in tallies {
            result.lines += tally.lines
            result.events += tally.events + tally.filteredOut
            result.issues += tally.issues.values.reduce(0) { $0 + $1.count }
        }
        return result
    }

    private func readFile(
        path: String,
        format: EventLogFormat,
        into tallies: [EventTally],
        findsRecordEndsFirst: Bool
    ) throws -> Int {
        let file: InputFile
        do {
            file = try InputFile(path: path)
        } catch {
            throw EventLogError(error)
        }
        guard file.isRegular else { return try readStream(file, format: format, into: tallies) }
        guard file.size > 0 else { return 0 }
        try readBuffer(
            .file(file),
            count: file.size,
            name: path,
            format: format,
            into: tallies,
            findsRecordEndsFirst: findsRecordEndsFirst
        )
        return file.size
    }

    /// Runs one reading thread per tally: thread `i` runs `parse(i)`, then all threads take the events
    /// handed to them until every thread has parsed its part.
    private func runThreads(_ tallies: [EventTally], parse: @escaping @Sendable (Int) -> Void) {
        let mailbox = tallies[0].mailbox
        mailbox.reset()
        let shared = SharedTallies(tallies)
        let body: @Sendable (Int) -> Void = { index in
            let tally = shared.tallies[index]
            parse(index)
            tally.flushOutboxes()
            mailbox.finishParsing()
            while true {
                let done = mailbox.allParsed
                tally.drainInbox()
                if done { break }
                usleep(200)
            }
        }
        if tallies.count == 1 {
            body(0)
            return
        }
        let group = DispatchGroup()
        for index in 1..<tallies.count {
            group.enter()
            let thread = Thread {
                body(index)
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        body(0)
        group.wait()
    }

    /// Reads a whole buffer or file, in parallel parts when it is large.
    ///
    /// A file is read in windows into each thread's buffer (`pread`); its header and the places to cut
    /// it are read the same way, so a file that shrinks while it is read gives a short read, reported
    /// as an error, never a fault on a mapped page.
    ///
    /// - Throws: ``CutInsideQuotes`` when a chunk of a CSV buffer turns out to have begun inside a
    ///   quoted field (only when `findsRecordEndsFirst` is false); ``EventLogError`` when the file cannot
    ///   be read or got shorter while it was read.
    private func readBuffer(
        _ store: ByteStore,
        count: Int,
        name: String,
        format: EventLogFormat,
        into tallies: [EventTally],
        findsRecordEndsFirst: Bool
    ) throws {
        guard count > 0 else { return }
        var start = 0
        var layout: CSVLayout?
        if format == .csv {
            let csv = try store.withHeader(count: count) { header in
                try CSVLayout(header: header, groupProperty: filter.groupProperty, path: name)
            }
            layout = csv
            start = csv.headerLength
            tallies[0].lines += 1
        }
        // Chunks cut at line ends, taken by the threads in order as each finishes one, so a thread
        // that is slower (another part of the file, more new users) does not hold the others up.
        let body = count - start
        let chunks: ChunkQueue
        if tallies.count > 1, body >= minimumPartSize {
            if format == .csv, findsRecordEndsFirst {
                let cuts = try cutsAtRecordEnds(store, start: start, end: count, chunks: tallies.count * 16)
                chunks = ChunkQueue(bounds: cuts)
            } else {
                chunks = ChunkQueue(
                    store: store,
                    start: start,
                    end: count,
                    threads: tallies.count,
                    smallest: max(1, minimumPartSize / 16)
                )
            }
        } else {
            chunks = ChunkQueue(bounds: [start, count])
        }
        // Whether a chunk ended inside quotes matters when the cuts were not found at record ends before.
        let checksCuts = format == .csv && !findsRecordEndsFirst && chunks.isCut
        let csvLayout = layout
        let window = windowSize
        let shared = SharedTallies(tallies)
        let failure = ReadFailure()
        let beforeWindow = beforeWindow
        runThreads(tallies) { thread in
            let tally = shared.tallies[thread]
            let reader = BlockReader(store)
            while let (chunk, range) = chunks.next() {
                tally.chunk = chunk
                tally.lineInPart = 0
                tally.endedInsideQuotes = false
                var position = range.lowerBound
                let end = range.upperBound
                var size = window
                while position < end {
                    let stop = min(end, position + size)
                    let slice: UnsafeRawBufferPointer
                    if case .file = store { beforeWindow?(position) }
                    do throws(InputFileError) {
                        slice = try reader.read(from: position, count: stop - position)
                    } catch {
                        failure.record(error)
                        chunks.cancel()
                        return
                    }
                    let used =
                        if let csvLayout {
                            tally.consumeCSV(slice, layout: csvLayout, isFinal: stop == end)
                        } else {
                            tally.consumeJSONLines(slice, isFinal: stop == end)
                        }
                    if used == 0 {
                        size *= 2
                        continue
                    }
                    position += used
                    tally.drainInbox()
                }
                chunks.finish(chunk, lines: tally.lineInPart, endsInsideQuotes: tally.endedInsideQuotes && end < count)
            }
        }
        if let error = failure.error { throw EventLogError(error) }
        if case .file(let file) = store, file.currentSize < count {
            throw EventLogError(InputFileError.shrank(path: name, from: count, to: file.currentSize))
        }
        if checksCuts, !chunks.cutsAreOutsideQuotes { throw CutInsideQuotes() }
        // Issue lines were counted from the start of their chunk: add the lines before it (and the header).
        let before = chunks.linesBefore(header: start > 0 ? 1 : 0)
        for tally in tallies {
            for (issue, var entry) in tally.issues {
                for index in entry.first.indices where entry.first[index].file == tally.fileIndex {
                    entry.first[index].line += before[entry.first[index].chunk]
                    entry.first[index].chunk = 0
                }
                tally.issues[issue] = entry
            }
        }
    }

    /// About `chunks` chunks of equal size, each cut at the first record end at or after its planned end:
    /// one pass through the bytes on one thread, read `scanStep` bytes at a time (more when one record is
    /// longer), by the scanner that the readers read records with.
    ///
    /// A cut is left out when no record ends before the next planned one (an unclosed quote).
    ///
    /// - Throws: ``EventLogError`` when the file cannot be read or got shorter.
    private func cutsAtRecordEnds(_ store: ByteStore, start: Int, end: Int, chunks: Int) throws -> [Int] {
        let reader = BlockReader(store)
        var cuts = [start]
        var position = start
        var chunk = 1
        func planned(_ chunk: Int) -> Int { start + (end - start) * chunk / chunks }
        var size = scanStep
        do {
            while chunk < chunks, position < end {
                let stop = min(end, position + size)
                let block = try reader.read(from: position, count: stop - position)
                guard let raw = block.baseAddress else { break }
                let base = raw.assumingMemoryBound(to: UInt8.self)
                var offset = 0
                while offset < block.count, chunk < chunks,
                    let record = CSVRecordScanner.scan(
                        base,
                        from: offset,
                        end: block.count,
                        isFinal: stop == end,
                        field: { _, _ in }
                    )
                {
                    offset = record.end
                    let recordEnd = position + offset
                    guard recordEnd >= planned(chunk) else { continue }
                    if recordEnd < end { cuts.append(recordEnd) }
                    while chunk < chunks, planned(chunk) <= recordEnd { chunk += 1 }
                }
                if offset == 0 {
                    size *= 2  // one record longer than the block
                    continue
                }
                position += offset
                size = scanStep
            }
        } catch {
            throw EventLogError(error)
        }
        cuts.append(end)
        return cuts
    }

    /// Reads a pipe, a device or standard input in chunks on the first thread; the others take their
    /// users' events.
    private func readStream(_ file: InputFile, format: EventLogFormat, into tallies: [EventTally]) throws -> Int {
        let reader = ByteReader(name: file.path) { buffer, count throws(EventLogError) in
            do throws(InputFileError) {
                return try file.readSome(into: buffer, count: count)
            } catch {
                throw EventLogError(error)
            }
        }
        return try readStream(reader, format: format, into: tallies)
    }

    /// Reads an ``EventStream`` as it arrives, on the first thread (this one); its errors end the read as
    /// they are.
    private func readStream(_ stream: EventStream, into tallies: [EventTally]) throws -> Int {
        let source = try stream.open(.all)
        let reader = ByteReader(name: stream.name) { buffer, count in
            try source.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: count))
        }
        return try readStream(reader, format: stream.format, into: tallies)
    }

    private func readStream(_ reader: ByteReader, format: EventLogFormat, into tallies: [EventTally]) throws -> Int {
        let state = StreamState()
        let groupProperty = filter.groupProperty
        let shared = SharedTallies(tallies)
        runThreads(tallies) { part in
            guard part == 0 else { return }
            let tally = shared.tallies[0]
            do {
                state.total = try Self.stream(reader, format, groupProperty, tally)
            } catch {
                state.error = error
            }
        }
        if let error = state.error { throw error }
        return state.total
    }

    private static func stream(
        _ file: ByteReader,
        _ format: EventLogFormat,
        _ groupProperty: String?,
        _ tally: EventTally
    ) throws -> Int {
        var buffer = [UInt8](repeating: 0, count: 8 << 20)
        var filled = 0
        var total = 0
        var layout: CSVLayout?
        var atEnd = false
        tally.lineInPart = 0
        tally.chunk = 0
        while !atEnd {
            if filled == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            let count = try buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return try file.readSome(base + filled, raw.count - filled)
            }
            atEnd = count == 0
            filled += count
            total += count
            var start = 0
            if format == .csv, layout == nil {
                guard atEnd || buffer[..<filled].contains(0x0A) else { continue }
                if filled == 0 { break }
                let csv = try buffer.withUnsafeBytes {
                    try CSVLayout(
                        header: UnsafeRawBufferPointer(rebasing: $0[..<filled]),
                        groupProperty: groupProperty,
                        path: file.name
                    )
                }
                layout = csv
                start = csv.headerLength
                tally.lines += 1
                tally.lineInPart = 1
            }
            let used = buffer.withUnsafeBytes { raw in
                let slice = UnsafeRawBufferPointer(rebasing: raw[start..<filled])
                if let layout { return tally.consumeCSV(slice, layout: layout, isFinal: atEnd) }
                return tally.consumeJSONLines(slice, isFinal: atEnd)
            }
            tally.drainInbox()
            let kept = filled - start - used
            if kept > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    guard let pointer = raw.baseAddress else { return }
                    memmove(pointer, pointer + start + used, kept)
                }
            }
            filled = kept
        }
        return total
    }
}

/// The chunks of a buffer, handed to the reading threads in order, and the lines and quotes each held.
///
/// Chunks are either cut beforehand or cut as they are taken ("guided"): each is a fixed share of what
/// is left, so the first are large and the last small, and the threads finish within a small chunk of
/// each other.
private final class ChunkQueue: @unchecked Sendable {
    private let lock = NSLock()
    /// Chunk `i` runs from `bounds[i]` to `bounds[i + 1]`; the last bound is where the next cut chunk
    /// starts.
    private var bounds: [Int]
    /// Per chunk handed out (so its count is the number handed out): the lines it held.
    private var lines: [Int] = []
    /// Per chunk handed out: whether it ended inside a quoted CSV field before the end of the input.
    private var endsInsideQuotes: [Bool] = []
    /// For chunks cut as they are taken: the bytes, their end, the share of the rest a chunk takes and
    /// the smallest chunk.
    private let store: ByteStore?
    /// Set when a reading thread failed: the others take no more chunks.
    private var isCancelled = false
    private let end: Int
    private let shares: Int
    private let smallest: Int
    private let finder = LineEndFinder()

    /// Chunks cut beforehand at `bounds`.
    init(bounds: [Int]) {
        self.bounds = bounds
        store = nil
        end = bounds[bounds.count - 1]
        shares = 1
        smallest = 1
    }

    /// Chunks of the bytes from `start` to `end`, cut at line ends as they are taken: each a quarter of
    /// a thread's share of what is left, and at least `smallest` bytes.
    init(store: ByteStore, start: Int, end: Int, threads: Int, smallest: Int) {
        bounds = [start]
        self.store = store
        self.end = end
        shares = threads * 4
        self.smallest = smallest
    }

    /// Whether the buffer is read in more than one chunk.
    var isCut: Bool { store != nil || bounds.count > 2 }

    /// Hands out no more chunks (a reading thread failed).
    func cancel() {
        lock.lock()
        isCancelled = true
        lock.unlock()
    }

    /// The next chunk to read and its byte range, or `nil` when all are taken.
    func next() -> (Int, Range<Int>)? {
        lock.lock()
        defer { lock.unlock() }
        if isCancelled { return nil }
        if let store {
            let start = bounds[bounds.count - 1]
            guard start < end else { return nil }
            var stop = start + max(smallest, (end - start) / shares)
            if stop >= end {
                stop = end
            } else {
                // A read error here ends the chunk at the end; the reading thread meets the error.
                stop = (try? finder.lineEnd(in: store, from: stop, end: end)) ?? end
            }
            bounds.append(stop)
        } else if lines.count + 1 >= bounds.count {
            return nil
        }
        let chunk = lines.count
        lines.append(0)
        endsInsideQuotes.append(false)
        return (chunk, bounds[chunk]..<bounds[chunk + 1])
    }

    /// Records that `chunk` has been read, held `lines` lines, and whether it ended inside a quoted CSV
    /// field before the end of the input.
    func finish(_ chunk: Int, lines count: Int, endsInsideQuotes isInside: Bool) {
        lock.lock()
        lines[chunk] = count
        endsInsideQuotes[chunk] = isInside
        lock.unlock()
    }

    /// Whether no chunk ended inside a quoted CSV field before the end of the input, so that every
    /// chunk began at a record (the first does; each next one does when the one before ended at a
    /// record end).
    var cutsAreOutsideQuotes: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !endsInsideQuotes.contains(true)
    }

    /// The number of lines before each chunk, counting `header` lines before the first.
    func linesBefore(header: Int) -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        var result: [Int] = []
        var total = header
        for count in lines {
            result.append(total)
            total += count
        }
        return result
    }
}

/// Where the bytes being read are: in memory, or in a regular file read with `pread`.
enum ByteStore: @unchecked Sendable {
    case memory(UnsafeRawBufferPointer)
    case file(InputFile)

    /// Calls `body` with the bytes from the start up to and including the first line end (or all).
    func withHeader<Result>(count: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        switch self {
        case .memory(let buffer):
            return try body(buffer)
        case .file:
            let reader = BlockReader(self)
            var size = min(count, 64 << 10)
            while true {
                let bytes: UnsafeRawBufferPointer
                do {
                    bytes = try reader.read(from: 0, count: size)
                } catch {
                    throw EventLogError(error)
                }
                if size == count || bytes.firstIndex(of: 0x0A) != nil { return try body(bytes) }
                size = min(count, size * 4)
            }
        }
    }
}

/// One reader's buffer for blocks of a ``ByteStore``: memory is read in place, a file into the buffer.
final class BlockReader {
    private let store: ByteStore
    private var bytes: UnsafeMutableRawPointer?
    private var capacity = 0

    init(_ store: ByteStore) { self.store = store }

    deinit { free(bytes) }

    /// The `count` bytes at `offset`.
    ///
    /// - Throws: ``InputFileError`` when the file cannot be read, or ends before `offset + count` (it got
    ///   shorter while it was read).
    func read(from offset: Int, count: Int) throws(InputFileError) -> UnsafeRawBufferPointer {
        switch store {
        case .memory(let buffer):
            return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
        case .file(let file):
            if count > capacity {
                free(bytes)
                capacity = max(count, 1 << 16)
                bytes = malloc(capacity)
            }
            guard let bytes else { throw InputFileError(path: file.path, code: ENOMEM) }
            let filled = try file.read(into: bytes, at: offset, count: count)
            guard filled == count else {
                throw InputFileError.shrank(path: file.path, from: file.size, to: offset + filled)
            }
            return UnsafeRawBufferPointer(start: bytes, count: filled)
        }
    }
}

/// Finds line ends in a ``ByteStore`` (for cutting chunks), reading a file in small blocks.
final class LineEndFinder {
    private var reader: BlockReader?

    /// The offset just after the first line end at or after `offset`, or `end` when none comes first.
    func lineEnd(in store: ByteStore, from offset: Int, end: Int) throws(InputFileError) -> Int {
        if case .memory(let buffer) = store, let base = buffer.baseAddress {
            guard let newline = memchr(base + offset, 0x0A, end - offset) else { return end }
            return base.distance(to: UnsafeRawPointer(newline)) + 1
        }
        let reader = self.reader ?? BlockReader(store)
        self.reader = reader
        var position = offset
        while position < end {
            let block = try reader.read(from: position, count: min(end - position, 16 << 10))
            if let base = block.baseAddress, let newline = memchr(base, 0x0A, block.count) {
                return position + base.distance(to: UnsafeRawPointer(newline)) + 1
            }
            position += block.count
        }
        return end
    }
}

/// The first error of a reading thread, if any.
private final class ReadFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var first: InputFileError?

    func record(_ error: InputFileError) {
        lock.lock()
        if first == nil { first = error }
        lock.unlock()
    }

    var error: InputFileError? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }
}

/// The tallies, handed to the reading threads.
///
/// Each thread touches only its own tally; the others reach it only through the ``Mailbox``.
private final class SharedTallies: @unchecked Sendable {
    let tallies: [EventTally]

    init(_ tallies: [EventTally]) {
        self.tallies = tallies
    }
}

/// A chunk of a CSV file began inside a quoted field: its records were read wrongly.
private struct CutInsideQuotes: Error {}

/// Bytes read in order from a stream: a pipe, standard input or an ``EventStream``; used by the first
/// reading thread only.
private struct ByteReader: @unchecked Sendable {
    /// The name for errors.
    var name: String
    /// Reads up to `count` bytes into the pointer; 0 at the end.
    var readSome: (UnsafeMutableRawPointer, Int) throws -> Int
}

/// The outcome of reading a stream on a reading thread.
private final class StreamState: @unchecked Sendable {
    var total = 0
    var error: Error?
}

extension EventLogError {
    /// The error of an event log that cannot be read, with the cause.
    init(_ error: InputFileError) {
        self.init(.unreadable, path: error.path, message: "cannot read the file: \(error.reason)")
    }
}

extension EventSource {
    /// Whether reading the source again gives the same bytes: bytes in memory and regular files do,
    /// standard input and pipes do not.
    fileprivate var canBeReadAgain: Bool {
        switch self {
        case .bytes: return true
        case .standardInput, .stream: return false
        case .file(let path, _):
            var status = stat()
            return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        }
    }
}
