import Foundation

/// Which column of a CSV log holds which field, read from its header row.
struct CSVLayout: Sendable {
    /// The role of each column, in order.
    var roles: [JSONLineScanner.Role]
    /// The header row's byte length, including its line end.
    var headerLength: Int

    /// Reads the header at the start of `buffer`.
    ///
    /// - Throws: ``EventLogError`` when the header lacks a required column.
    init(header buffer: UnsafeRawBufferPointer, groupProperty: String?, path: String) throws {
        let headerEnd = buffer.firstIndex(of: 0x0A).map { $0 + 1 } ?? buffer.count
        var bytes = Array(buffer[..<headerEnd])
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        bytes.removeFirst(bom)
        let lineEnd = bytes.firstIndex(of: 0x0A) ?? bytes.count
        headerLength = bom + min(lineEnd + 1, bytes.count)
        var line = Array(bytes[..<lineEnd])
        if line.last == 0x0D { line.removeLast() }
        let names = String(decoding: line, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
        let groupKey = groupProperty.map { Array($0.utf8) }
        roles = names.map { name in
            var utf8 = Array(name.utf8)
            return utf8.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return .ignored }
                switch name {
                case "event_type": return .type
                case "user_id": return .user
                default: return JSONLineScanner.role(base, buffer.count, nested: false, groupKey: groupKey)
                }
            }
        }
        for (role, field) in [
            (JSONLineScanner.Role.time, "ts"), (.user, "user"), (.guide, "guide"),
            (.version, "version"), (.type, "type"),
        ]
        where !roles.contains(role) && !(role == .time && roles.contains(.timestamp))
            && !(role == .user && (roles.contains(.userId) || roles.contains(.anonymousId)))
        {
            throw EventLogError(
                path: path,
                message: "the CSV header has no '\(field)' column (it has \(names.joined(separator: ", ")))"
            )
        }
    }
}

extension EventTally {
    /// Reads the complete CSV records in `buffer` (after the header) and returns the bytes used.
    ///
    /// A record may span lines inside quotes; an unfinished record is left for the next call
    /// unless `isFinal`, when it is a truncated line.
    func consumeCSV(_ buffer: UnsafeRawBufferPointer, layout: CSVLayout, isFinal: Bool) -> Int {
        guard let raw = buffer.baseAddress else { return 0 }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let end = buffer.count
        var position = 0
        let columnCount = layout.roles.count
        return layout.roles.withUnsafeBufferPointer { roles in
            while position < end {
                let recordStart = position
                let recordLine = lineInPart + 1
                var fields = RawEventFields()
                var column = 0
                var cursor = position
                var problem: String?
                var newlines = 0
                var complete = false
                var recordEnd = end
                while true {
                    var slice = FieldSlice(start: cursor, count: 0, kind: .string)
                    if cursor < end, base[cursor] == 0x22 {
                        // A quoted field: "" stands for one quote; newlines are data.
                        var index = cursor + 1
                        var closed = false
                        var doubled = false
                        while index < end {
                            let byte = base[index]
                            if byte == 0x22 {
                                if index + 1 < end, base[index + 1] == 0x22 {
                                    doubled = true
                                    index += 2
                                    continue
                                }
                                closed = true
                                break
                            }
                            if byte == 0x0A { newlines += 1 }
                            index += 1
                        }
                        guard closed else { break }  // runs to the end of the buffer
                        slice = FieldSlice(
                            start: cursor + 1,
                            count: index - cursor - 1,
                            kind: doubled ? .escapedString : .string
                        )
                        cursor = index + 1
                        if cursor < end, base[cursor] != 0x2C, base[cursor] != 0x0A, base[cursor] != 0x0D {
                            problem = problem ?? "text after a closing quote"
                        }
                    }
                    // The unquoted rest of the field up to a comma or the line end.
                    let fieldStart = cursor
                    // Eight bytes at a time up to the first comma, newline or quote; then byte by byte.
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
                        if byte == 0x2C || byte == 0x0A { break }
                        if byte == 0x22 { problem = problem ?? "a quote inside an unquoted field" }
                        cursor += 1
                    }
                    if slice.start == fieldStart {
                        var stop = cursor
                        if cursor < end || isFinal, stop > fieldStart, base[stop - 1] == 0x0D,
                            cursor == end || base[cursor] == 0x0A
                        {
                            stop -= 1
                        }
                        slice.count = stop - fieldStart
                    }
                    if column < columnCount, slice.count > 0 {
                        assignCSV(slice, role: roles[column], to: &fields)
                    }
                    column += 1
                    if cursor >= end {
                        if isFinal { complete = true }
                        recordEnd = end
                        break
                    }
                    if base[cursor] == 0x0A {
                        complete = true
                        recordEnd = cursor + 1
                        newlines += 1
                        break
                    }
                    cursor += 1  // the comma
                }
                if !complete {
                    guard isFinal else { return recordStart }
                    // Unbalanced quote at the end of the input.
                    lineInPart += 1
                    lines += 1
                    note(.truncatedLine, line: recordLine, detail: "an unclosed quote")
                    return end
                }
                position = recordEnd
                let physical = max(newlines, 1)
                lineInPart += physical
                lines += physical
                if column == 1, fields.time.kind == .absent, isBlank(base, recordStart, recordEnd) { continue }
                if let problem {
                    note(.invalidCSV, line: recordLine, detail: problem)
                    continue
                }
                guard column == columnCount else {
                    let isLast = recordEnd == end && base[end - 1] != 0x0A
                    note(
                        isLast && column < columnCount ? .truncatedLine : .invalidCSV,
                        line: recordLine,
                        detail: "\(column) fields where the header has \(columnCount)"
                    )
                    continue
                }
                finish(fields, base: base, line: recordLine) { slice, output in
                    output.removeAll(keepingCapacity: true)
                    var index = slice.start
                    while index < slice.start + slice.count {
                        output.append(base[index])
                        index += base[index] == 0x22 ? 2 : 1
                    }
                    return true
                }
            }
            return position
        }
    }

    private func isBlank(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        for index in start..<end where base[index] != 0x0A && base[index] != 0x0D && base[index] != 0x20 {
            return false
        }
        return true
    }

    @inline(__always)
    private func assignCSV(_ slice: FieldSlice, role: JSONLineScanner.Role, to fields: inout RawEventFields) {
        switch role {
        case .ignored, .properties, .event: break
        case .time: fields.time = slice
        case .timestamp: if !fields.time.isPresent { fields.time = slice }
        case .user: fields.user = slice
        case .userId, .anonymousId: if !fields.user.isPresent { fields.user = slice }
        case .guide: fields.guide = slice
        case .version: fields.version = slice
        case .step: fields.step = slice
        case .type: fields.type = slice
        case .group: fields.groupValue = slice
        case .variant: fields.variant = slice
        }
    }
}
