import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file descriptor (or bytes in memory) line by line, numbering lines from 1, in time linear in
/// the input however long its lines are.
///
/// Each byte is searched for a newline once: a line that spans many reads is not searched again from its
/// start. A line longer than `maximumLength` is not buffered: the reader skips to its end and reports it
/// as ``Line/tooLong(length:)``, so one runaway line costs neither memory nor time. A final line without
/// a newline is a line.
package struct LineReader {
    /// One line, or why it is not given.
    package enum Line {
        /// The line's bytes, without the newline (a carriage return before it is kept); valid only until
        /// the next call.
        case text(UnsafeBufferPointer<UInt8>)
        /// The line is longer than the limit; it was skipped.
        case tooLong(length: Int)
    }

    private let descriptor: Int32?
    private var buffer: [UInt8]
    /// The first byte of the current line.
    private var start = 0
    /// The end of the bytes read.
    private var end = 0
    /// Where the search for the next newline resumes.
    private var scanned = 0
    private var isAtEnd = false
    private var number = 0
    private let maximumLength: Int
    private let chunkSize: Int
    /// Why reading stopped early, if it did.
    package private(set) var readError: String?

    /// A reader of an open file descriptor, read to its end (the caller keeps it open).
    ///
    /// - Parameters:
    ///   - descriptor: the file descriptor.
    ///   - maximumLength: the longest line given; longer ones are skipped and reported.
    ///   - chunkSize: how many bytes to read at a time.
    package init(descriptor: Int32, maximumLength: Int = .max, chunkSize: Int = 1 << 20) {
        self.descriptor = descriptor
        self.maximumLength = maximumLength
        self.chunkSize = max(chunkSize, 1)
        self.buffer = []
    }

    /// A reader of bytes in memory.
    ///
    /// - Parameters:
    ///   - bytes: the text.
    ///   - maximumLength: the longest line given; longer ones are skipped and reported.
    package init(_ bytes: [UInt8], maximumLength: Int = .max) {
        self.descriptor = nil
        self.maximumLength = maximumLength
        self.chunkSize = 1
        self.buffer = bytes
        self.end = bytes.count
        self.isAtEnd = true
    }

    /// Whether every byte read so far has been given (the next call reads, and may wait for input).
    package var isBufferEmpty: Bool { start >= end }

    /// Calls `body` with the next line and its number; `nil` at the end of the input.
    package mutating func next<Result>(_ body: (_ number: Int, _ line: Line) throws -> Result) rethrows -> Result? {
        var skipped = 0
        while true {
            if let newline = findNewline() {
                number += 1
                let range = start..<newline
                start = newline + 1
                scanned = start
                if skipped > 0 || range.count > maximumLength {
                    return try body(number, .tooLong(length: skipped + range.count))
                }
                return try buffer.withUnsafeBufferPointer { pointer in
                    try body(number, .text(UnsafeBufferPointer(rebasing: pointer[range])))
                }
            }
            if end - start > maximumLength {
                // Too long already: forget what is buffered and look for the line's end.
                skipped += end - start
                start = end
                scanned = end
            }
            if isAtEnd {
                guard start < end || skipped > 0 else { return nil }
                number += 1
                let range = start..<end
                start = end
                scanned = end
                if skipped > 0 || range.count > maximumLength {
                    return try body(number, .tooLong(length: skipped + range.count))
                }
                return try buffer.withUnsafeBufferPointer { pointer in
                    try body(number, .text(UnsafeBufferPointer(rebasing: pointer[range])))
                }
            }
            fill()
        }
    }

    private func findNewline() -> Int? {
        guard scanned < end else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress,
                let found = memchr(base + scanned, 0x0A, end - scanned)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    /// Reads the next chunk, moving the current line to the buffer's front first.
    private mutating func fill() {
        scanned = end
        guard let descriptor else {
            isAtEnd = true
            return
        }
        if start > 0 {
            let remaining = end - start
            if remaining > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    memmove(base, base + start, remaining)
                }
            }
            end = remaining
            scanned -= start
            start = 0
        }
        if buffer.count < end + chunkSize {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: max(end + chunkSize - buffer.count, buffer.count)))
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(descriptor, base + end, min(chunkSize, raw.count - end))
            }
            if count > 0 {
                end += count
                return
            }
            if count < 0, errno == EINTR { continue }
            if count < 0 { readError = String(cString: strerror(errno)) }
            isAtEnd = true
            return
        }
    }
}
