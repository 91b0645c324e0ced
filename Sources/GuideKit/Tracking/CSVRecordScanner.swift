/// Finds the records and fields of a CSV event log: the one definition of CSV that every reader of event
/// logs follows (the report's reader, the tracker's reader, the header of both, and the cuts of a file
/// read in parts by several threads), so that they find the same records and the same bad ones.
///
/// Records follow RFC 4180: fields are separated by commas, a record ends at a line end (`\n`, or
/// `\r\n`); a field that starts with a quote is quoted, holds commas and line ends, and writes a quote as
/// two. A `\r` before a line end (or the end of the input) is not part of an unquoted last field.
///
/// A record that breaks these rules (a quote inside an unquoted field, text after a closing quote) is bad
/// from that byte to the end of its physical line: reading goes on at the next line, as if the bad
/// record were one line long from there, whatever quotes the rest of the line holds. So one bad byte
/// costs one record, and where a record starts depends only on the bytes before it. A quoted field that
/// the input ends in is an unclosed quote.
enum CSVRecordScanner {
    /// Why a record is not valid CSV.
    enum Problem: Equatable {
        /// A quote in a field that did not start with one.
        case quoteInUnquotedField
        /// A closing quote not followed by a comma or a line end.
        case textAfterClosingQuote
        /// The input ends inside a quoted field.
        case unclosedQuote

        /// The detail noted with the record's issue.
        var detail: String {
            switch self {
            case .quoteInUnquotedField: "a quote inside an unquoted field"
            case .textAfterClosingQuote: "text after a closing quote"
            case .unclosedQuote: "an unclosed quote"
            }
        }
    }

    /// One record as found.
    struct Record {
        /// Where the next record starts: just after the record's line end, or the end of the input.
        var end: Int
        /// The fields found (the fields before a problem, when there is one).
        var fieldCount: Int
        /// The physical lines the record takes: one, plus the line ends inside its quoted fields.
        var lines: Int
        /// What makes the record invalid, if anything.
        var problem: Problem?
        /// Whether the record ends with a line end (the last record of an input may not).
        var endsWithLineEnd: Bool
        /// Whether the record is a blank line (nothing but spaces, tabs and `\r`), which is not a record.
        var isBlank: Bool

        /// The detail noted with the record's issue: its problem, and how many lines an unclosed quote
        /// took (they are all in the one skipped record).
        var problemDetail: String {
            guard let problem else { return "" }
            if problem == .unclosedQuote, lines > 1 {
                return "an unclosed quote (its field takes the last \(lines) lines)"
            }
            return problem.detail
        }
    }

    /// Reads the record that starts at `start`.
    ///
    /// - Parameters:
    ///   - base: the bytes.
    ///   - start: where the record starts.
    ///   - end: the end of the bytes available.
    ///   - isFinal: whether the input ends at `end`; otherwise a record that reaches `end` is unfinished.
    ///   - field: called with each field's column and bytes (`escapedString` when it holds doubled quotes),
    ///     in order, up to the first problem.
    /// - Returns: the record, or `nil` when it does not end before `end` and the input goes on.
    @inline(__always)
    static func scan(
        _ base: UnsafePointer<UInt8>,
        from start: Int,
        end: Int,
        isFinal: Bool,
        field: (Int, FieldSlice) -> Void
    ) -> Record? {
        var cursor = start
        var column = 0
        var newlines = 0  // inside quoted fields
        // The record ends at `stop` (just after its line end, or at the end of the input).
        func record(_ stop: Int, problem: Problem? = nil, isBlank: Bool = false) -> Record {
            let endsWithLineEnd = stop > start && base[stop - 1] == 0x0A
            return Record(
                end: stop,
                fieldCount: column,
                lines: newlines + 1,
                problem: problem,
                endsWithLineEnd: endsWithLineEnd,
                isBlank: isBlank
            )
        }
        // A bad record: from `cursor` to the end of its physical line.
        func bad(_ problem: Problem) -> Record? {
            var index = cursor
            while index < end, base[index] != 0x0A { index += 1 }
            if index < end { return record(index + 1, problem: problem) }
            return isFinal ? record(end, problem: problem) : nil
        }
        while true {
            if cursor < end, base[cursor] == 0x22 {
                // A quoted field: "" stands for one quote; line ends are data.
                var index = cursor + 1
                var doubled = false
                var lineEnds = 0
                var closed = false
                while index < end {
                    let byte = base[index]
                    if byte == 0x22 {
                        if index + 1 < end, base[index + 1] == 0x22 {
                            doubled = true
                            index += 2
                            continue
                        }
                        if index + 1 == end, !isFinal { return nil }  // a doubled quote, maybe
                        closed = true
                        break
                    }
                    if byte == 0x0A { lineEnds += 1 }
                    index += 1
                }
                guard closed else {
                    guard isFinal else { return nil }
                    newlines += lineEnds
                    return record(end, problem: .unclosedQuote)
                }
                newlines += lineEnds
                let slice = FieldSlice(
                    start: cursor + 1,
                    count: index - cursor - 1,
                    kind: doubled ? .escapedString : .string
                )
                cursor = index + 1
                // After the closing quote: a comma, a line end, `\r\n`, or the end of the input.
                if cursor < end, base[cursor] == 0x0D {
                    if cursor + 1 < end {
                        if base[cursor + 1] != 0x0A { return bad(.textAfterClosingQuote) }
                        cursor += 1
                    } else if !isFinal {
                        return nil
                    } else {
                        field(column, slice)
                        column += 1
                        return record(end)
                    }
                }
                if cursor >= end {
                    guard isFinal else { return nil }
                    field(column, slice)
                    column += 1
                    return record(end)
                }
                switch base[cursor] {
                case 0x2C:
                    field(column, slice)
                    column += 1
                    cursor += 1
                case 0x0A:
                    field(column, slice)
                    column += 1
                    return record(cursor + 1)
                default:
                    return bad(.textAfterClosingQuote)
                }
                continue
            }
            // An unquoted field: up to a comma or a line end, eight bytes at a time, then byte by byte.
            let fieldStart = cursor
            while cursor + 8 <= end {
                let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: cursor, as: UInt64.self)
                let special = swarHasByte(word, 0x2C) | swarHasByte(word, 0x0A) | swarHasByte(word, 0x22)
                if special == 0 {
                    cursor += 8
                    continue
                }
                cursor += special.trailingZeroBitCount >> 3
                break
            }
            while cursor < end {
                let byte = base[cursor]
                if byte == 0x2C || byte == 0x0A || byte == 0x22 { break }
                cursor += 1
            }
            if cursor < end, base[cursor] == 0x22 { return bad(.quoteInUnquotedField) }
            if cursor < end, base[cursor] == 0x2C {
                field(column, FieldSlice(start: fieldStart, count: cursor - fieldStart, kind: .string))
                column += 1
                cursor += 1
                continue
            }
            // The last field, up to a line end or the end of the input, without a `\r` before either.
            guard cursor < end || isFinal else { return nil }
            var stop = cursor
            if stop > fieldStart, base[stop - 1] == 0x0D { stop -= 1 }
            let isBlank = column == 0 && isBlankText(base, fieldStart, cursor)
            field(column, FieldSlice(start: fieldStart, count: stop - fieldStart, kind: .string))
            column += 1
            return record(cursor < end ? cursor + 1 : end, isBlank: isBlank)
        }
    }

    /// Whether the bytes from `start` to `end` are only spaces, tabs and `\r`.
    private static func isBlankText(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        while index < end {
            let byte = base[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D else { return false }
            index += 1
        }
        return true
    }

    /// The text of a field, with doubled quotes made single.
    static func text(_ slice: FieldSlice, _ base: UnsafePointer<UInt8>) -> String {
        let bytes = UnsafeBufferPointer(start: base + slice.start, count: slice.count)
        guard slice.kind == .escapedString else { return String(decoding: bytes, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(slice.count)
        var index = 0
        while index < bytes.count {
            decoded.append(bytes[index])
            index += bytes[index] == 0x22 ? 2 : 1
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}
