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
/// memory stays at the size of the tallies whatever the file size; a file is also memory-mapped, to
/// find where to cut it and to read its header. (Reading windows through the mapping cost more: the
/// kernel maps and unmaps every page, about 0.1 s per gigabyte.) A file of at least
/// `minimumPartSize` bytes is cut at line ends into chunks as the threads take them, in order, each a
/// share of what is left (so the last are small and the threads finish together); each thread parses
/// its chunks and hands events of users it does not own to their owner (see ``EventTally``).
///
/// A CSV field in quotes may hold a line break, so a cut at a line end may fall inside a record. The
/// threads count the quotes of each chunk as they read it; when an odd number of quotes comes before
/// a cut, the whole read is done again, and this time the file is cut where the quotes before the cut
/// are even (found in one extra pass through the file, on one thread). Input that cannot be read
/// twice (standard input, a pipe) is read as a stream, never cut.
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
    /// While a file is scanned for quotes before it is cut, its mapped pages are released in steps of
    /// this many bytes (they count as resident memory until then).
    var releaseStep = 1 << 20

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
                return try read(sources, book: book, countsQuotesFirst: false)
            } catch is CutInsideQuotes {
                // Read again from the start: tallies cannot take back what a wrongly cut chunk added.
            }
        }
        return try read(sources, book: book, countsQuotesFirst: true)
    }

    private func read(_ sources: [EventSource], book: StepOrderBook, countsQuotesFirst: Bool) throws -> Result {
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
                    countsQuotesFirst: countsQuotesFirst
                )
            case .standardInput:
                size = try readStream(descriptor: 0, name: "-", format: source.format, into: tallies)
            case .bytes(let bytes, let name, let format):
                size = bytes.count
                try bytes.withUnsafeBytes { buffer in
                    try readBuffer(
                        buffer,
                        name: name,
                        format: format,
                        into: tallies,
                        countsQuotesFirst: countsQuotesFirst
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
        countsQuotesFirst: Bool
    ) throws -> Int {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw EventLogError(
                .unreadable,
                path: path,
                message: "cannot open the file (\(String(cString: strerror(errno))))"
            )
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw EventLogError(
                .unreadable,
                path: path,
                message: "cannot read the file (\(String(cString: strerror(errno))))"
            )
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            return try readStream(descriptor: descriptor, name: path, format: format, into: tallies)
        }
        let size = Int(status.st_size)
        guard size > 0 else { return 0 }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw EventLogError(
                .unreadable,
                path: path,
                message: "cannot map the file (\(String(cString: strerror(errno))))"
            )
        }
        defer { munmap(mapped, size) }
        _ = madvise(mapped, size, MADV_RANDOM)  // only the header and the cuts are read through it
        try readBuffer(
            UnsafeRawBufferPointer(start: mapped, count: size),
            name: path,
            format: format,
            into: tallies,
            countsQuotesFirst: countsQuotesFirst,
            descriptor: descriptor
        )
        return size
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

    /// Reads a whole buffer, in parallel parts when it is large.
    ///
    /// When `buffer` maps a file, `descriptor` is that file: windows are then read from the file into
    /// each thread's buffer, and the mapping is used only for the header and the cuts.
    ///
    /// - Throws: ``CutInsideQuotes`` when a chunk of a CSV buffer turns out to have begun inside a
    ///   quoted field (only when `countsQuotesFirst` is false); ``EventLogError`` when the file cannot
    ///   be read.
    private func readBuffer(
        _ buffer: UnsafeRawBufferPointer,
        name: String,
        format: EventLogFormat,
        into tallies: [EventTally],
        countsQuotesFirst: Bool,
        descriptor: Int32? = nil
    ) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var start = 0
        var layout: CSVLayout?
        if format == .csv {
            let csv = try CSVLayout(header: buffer, groupProperty: filter.groupProperty, path: name)
            layout = csv
            start = csv.headerLength
            tallies[0].lines += 1
        }
        // Chunks cut at line ends, taken by the threads in order as each finishes one, so a thread
        // that is slower (another part of the file, more new users) does not hold the others up.
        let body = buffer.count - start
        let chunks: ChunkQueue
        if tallies.count > 1, body >= minimumPartSize {
            if format == .csv, countsQuotesFirst {
                let cuts = cutsOutsideQuotes(
                    base,
                    start: start,
                    end: buffer.count,
                    chunks: tallies.count * 16,
                    releasesPages: descriptor != nil
                )
                chunks = ChunkQueue(bounds: cuts)
            } else {
                chunks = ChunkQueue(
                    base: base,
                    start: start,
                    end: buffer.count,
                    threads: tallies.count,
                    smallest: max(1, minimumPartSize / 16)
                )
            }
        } else {
            chunks = ChunkQueue(bounds: [start, buffer.count])
        }
        // Quotes are counted while reading when the cuts were not checked before.
        let countsQuotes = format == .csv && !countsQuotesFirst && chunks.isCut
        let csvLayout = layout
        let window = windowSize
        let shared = SharedTallies(tallies, base: base)
        let failure = ReadFailure()
        runThreads(tallies) { thread in
            guard let base = shared.base else { return }
            let tally = shared.tallies[thread]
            let file = descriptor.map { FileWindow(descriptor: $0) }
            while let (chunk, range) = chunks.next() {
                tally.chunk = chunk
                tally.lineInPart = 0
                var position = range.lowerBound
                var end = range.upperBound
                var quotesCounted = position
                var quotes = 0
                var size = window
                while position < end {
                    var stop = min(end, position + size)
                    let slice: UnsafeRawBufferPointer
                    if let file {
                        guard let read = file.read(from: position, count: stop - position) else {
                            failure.record(errno)
                            return
                        }
                        slice = read
                        if read.count < stop - position {
                            // The file got shorter while being read: what is left ends here.
                            stop = position + read.count
                            end = stop
                        }
                    } else {
                        slice = UnsafeRawBufferPointer(start: base + position, count: stop - position)
                    }
                    if countsQuotes, stop > quotesCounted, let bytes = slice.baseAddress {
                        let from = bytes.assumingMemoryBound(to: UInt8.self) + (quotesCounted - position)
                        quotes += gk_count_byte(from, stop - quotesCounted, 0x22)
                        quotesCounted = stop
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
                chunks.finish(chunk, lines: tally.lineInPart, quotes: quotes)
            }
        }
        if let code = failure.code {
            throw EventLogError(
                .unreadable,
                path: name,
                message: "cannot read the file (\(String(cString: strerror(code))))"
            )
        }
        if countsQuotes, !chunks.cutsAreOutsideQuotes { throw CutInsideQuotes() }
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

    /// About `chunks` chunks of equal size, each cut at the first line end after its planned end that
    /// has an even number of quotes before it (so outside any quoted field): one pass through the
    /// file, whose pages are released as it goes.
    ///
    /// A cut is left out when no such line end comes before the next planned one (an unclosed quote).
    private func cutsOutsideQuotes(
        _ base: UnsafeRawPointer,
        start: Int,
        end: Int,
        chunks: Int,
        releasesPages: Bool
    ) -> [Int] {
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var cuts = [start]
        var quotes = 0
        var position = start
        var released = start & ~4095
        for chunk in 1..<chunks {
            let planned = start + (end - start) * chunk / chunks
            while position < planned {
                let stop = min(planned, position + releaseStep)
                quotes += gk_count_byte(bytes + position, stop - position, 0x22)
                position = stop
                let upTo = position & ~4095
                if releasesPages, upTo > released {
                    _ = madvise(UnsafeMutableRawPointer(mutating: base + released), upTo - released, MADV_DONTNEED)
                    released = upTo
                }
            }
            let limit = start + (end - start) * (chunk + 1) / chunks
            while position < limit {
                let byte = bytes[position]
                position += 1
                if byte == 0x22 {
                    quotes += 1
                } else if byte == 0x0A, quotes % 2 == 0 {
                    if position < end { cuts.append(position) }
                    break
                }
            }
        }
        cuts.append(end)
        return cuts
    }

    /// Reads a pipe or standard input in chunks on the first thread; the others take their users' events.
    private func readStream(
        descriptor: Int32,
        name: String,
        format: EventLogFormat,
        into tallies: [EventTally]
    ) throws
        -> Int
    {
        let state = StreamState()
        let groupProperty = filter.groupProperty
        let shared = SharedTallies(tallies)
        runThreads(tallies) { part in
            guard part == 0 else { return }
            let tally = shared.tallies[0]
            do {
                state.total = try Self.stream(descriptor, name, format, groupProperty, tally)
            } catch {
                state.error = error
            }
        }
        if let error = state.error { throw error }
        return state.total
    }

    private static func stream(
        _ descriptor: Int32,
        _ name: String,
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
            let count = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(descriptor, raw.baseAddress.map { $0 + filled }, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw EventLogError(
                    .unreadable,
                    path: name,
                    message: "cannot read (\(String(cString: strerror(errno))))"
                )
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
                        path: name
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
    private var quotes: [Int] = []
    /// For chunks cut as they are taken: the bytes, their end, the share of the rest a chunk takes and
    /// the smallest chunk.
    private let base: UnsafeRawPointer?
    private let end: Int
    private let shares: Int
    private let smallest: Int

    /// Chunks cut beforehand at `bounds`.
    init(bounds: [Int]) {
        self.bounds = bounds
        base = nil
        end = bounds[bounds.count - 1]
        shares = 1
        smallest = 1
    }

    /// Chunks of the bytes from `start` to `end`, cut at line ends as they are taken: each a quarter of
    /// a thread's share of what is left, and at least `smallest` bytes.
    init(base: UnsafeRawPointer, start: Int, end: Int, threads: Int, smallest: Int) {
        bounds = [start]
        self.base = base
        self.end = end
        shares = threads * 4
        self.smallest = smallest
    }

    /// Whether the buffer is read in more than one chunk.
    var isCut: Bool { base != nil || bounds.count > 2 }

    /// The next chunk to read and its byte range, or `nil` when all are taken.
    func next() -> (Int, Range<Int>)? {
        lock.lock()
        defer { lock.unlock() }
        if let base {
            let start = bounds[bounds.count - 1]
            guard start < end else { return nil }
            var stop = start + max(smallest, (end - start) / shares)
            if stop >= end {
                stop = end
            } else if let newline = memchr(base + stop, 0x0A, end - stop) {
                stop = base.distance(to: UnsafeRawPointer(newline)) + 1
            } else {
                stop = end
            }
            bounds.append(stop)
        } else if lines.count + 1 >= bounds.count {
            return nil
        }
        let chunk = lines.count
        lines.append(0)
        quotes.append(0)
        return (chunk, bounds[chunk]..<bounds[chunk + 1])
    }

    /// Records that `chunk` has been read and held `lines` lines and `quotes` quote characters.
    func finish(_ chunk: Int, lines count: Int, quotes quoteCount: Int) {
        lock.lock()
        lines[chunk] = count
        quotes[chunk] = quoteCount
        lock.unlock()
    }

    /// Whether an even number of quotes comes before every cut, so that no chunk began inside a quoted
    /// CSV field.
    var cutsAreOutsideQuotes: Bool {
        lock.lock()
        defer { lock.unlock() }
        var total = 0
        for count in quotes {
            total += count
            if total % 2 != 0 { return false }
        }
        return true
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

/// One reading thread's buffer for windows of a file.
private final class FileWindow {
    let descriptor: Int32
    private var bytes: UnsafeMutableRawPointer?
    private var capacity = 0

    init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { free(bytes) }

    /// Reads `count` bytes from `offset`: fewer when the file ends first, `nil` on an error (in `errno`).
    func read(from offset: Int, count: Int) -> UnsafeRawBufferPointer? {
        if count > capacity {
            free(bytes)
            capacity = max(count, 1 << 16)
            bytes = malloc(capacity)
        }
        guard let bytes else { return nil }
        var filled = 0
        while filled < count {
            let got = pread(descriptor, bytes + filled, count - filled, off_t(offset + filled))
            if got < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if got == 0 { break }
            filled += got
        }
        return UnsafeRawBufferPointer(start: bytes, count: filled)
    }
}

/// The first error of a reading thread (an `errno` value), if any.
private final class ReadFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int32?

    func record(_ code: Int32) {
        lock.lock()
        if first == nil { first = code }
        lock.unlock()
    }

    var code: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }
}

/// The tallies (and the mapped bytes), handed to the reading threads.
///
/// Each thread touches only its own tally; the others reach it only through the ``Mailbox``.
private final class SharedTallies: @unchecked Sendable {
    let tallies: [EventTally]
    let base: UnsafeRawPointer?

    init(_ tallies: [EventTally], base: UnsafeRawPointer? = nil) {
        self.tallies = tallies
        self.base = base
    }
}

/// A chunk of a CSV file began inside a quoted field: its records were read wrongly.
private struct CutInsideQuotes: Error {}

/// The outcome of reading a stream on a reading thread.
private final class StreamState: @unchecked Sendable {
    var total = 0
    var error: Error?
}

extension EventSource {
    /// Whether reading the source again gives the same bytes: bytes in memory and regular files do,
    /// standard input and pipes do not.
    fileprivate var canBeReadAgain: Bool {
        switch self {
        case .bytes: return true
        case .standardInput: return false
        case .file(let path, _):
            var status = stat()
            return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        }
    }
}
