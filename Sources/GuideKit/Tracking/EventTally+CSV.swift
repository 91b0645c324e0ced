import CHotPath
import Foundation

/// Which column of a CSV log holds which field, read from its header row.
struct CSVLayout: Sendable {
    /// The role of each column, in order.
    var roles: [JSONLineScanner.Role]
    /// The header row's byte length, including its line end.
    var headerLength: Int
    /// The column of each field, when every field has at most one column and none is a fallback
    /// (`timestamp`, `userId`): records are then read without going through the roles.
    var columns: Columns?

    /// The column of each field of ``RawEventFields``, `-1` when the header has none.
    struct Columns: Sendable {
        var time = -1
        var user = -1
        var guide = -1
        var version = -1
        var step = -1
        var type = -1
        var group = -1
        var variant = -1
    }

    /// The header's column names, after the CSV quoting is undone and spaces around them are trimmed.
    var names: [String]

    /// Reads the header at the start of `buffer`: its first line (after a UTF-8 byte order mark), which
    /// every reader of event logs takes as the header.
    ///
    /// - Throws: ``EventLogError`` when the header is not valid CSV, names a column twice or lacks a
    ///   required column.
    init(header buffer: UnsafeRawBufferPointer, groupProperty: String?, path: String) throws(EventLogError) {
        let bytes = buffer.bindMemory(to: UInt8.self)
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let lineEnd = bytes[bom...].firstIndex(of: 0x0A) ?? bytes.count
        headerLength = min(lineEnd + 1, bytes.count)
        var names: [String] = []
        if let base = bytes.baseAddress, lineEnd > bom {
            // The header line alone, as a whole input: a quoted name cannot run past its line.
            let record = CSVRecordScanner.scan(base, from: bom, end: lineEnd, isFinal: true) { _, slice in
                names.append(
                    CSVRecordScanner.text(slice, base).trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                )
            }
            if let problem = record?.problem {
                let message =
                    problem == .unclosedQuote
                    ? "the CSV header has an unclosed quote (a column name cannot hold a line break)"
                    : "the CSV header is not valid CSV (\(problem.detail))"
                throw EventLogError(path: path, message: message)
            }
        }
        if names.isEmpty {
            throw EventLogError(
                path: path,
                message:
                    "the CSV header is empty; the first line must name the columns, e.g. ts,user,guide,version,step,type"
            )
        }
        self.names = names
        if let message = Self.repeatedColumn(in: names) { throw EventLogError(path: path, message: message) }
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
        columns = Self.columns(of: roles)
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

extension CSVLayout {
    /// The error for the first name that a CSV header gives to two columns, or `nil`.
    ///
    /// Both readers call this. Empty names (unnamed columns) may repeat.
    static func repeatedColumn(in names: [String]) -> String? {
        var first: [String: Int] = [:]
        for (index, name) in names.enumerated() where !name.isEmpty {
            if let earlier = first[name] {
                return "the CSV header names the column '\(quotedValue(name))' twice (columns \(earlier + 1) "
                    + "and \(index + 1)); give each column its own name"
            }
            first[name] = index
        }
        return nil
    }

    /// The column of each field, or `nil` when a field has several columns or a fallback one.
    private static func columns(of roles: [JSONLineScanner.Role]) -> Columns? {
        var columns = Columns()
        for (column, role) in roles.enumerated() {
            func take(_ field: inout Int) -> Bool {
                guard field < 0 else { return false }
                field = column
                return true
            }
            let taken: Bool
            switch role {
            case .ignored: taken = true
            case .time: taken = take(&columns.time)
            case .user: taken = take(&columns.user)
            case .guide: taken = take(&columns.guide)
            case .version: taken = take(&columns.version)
            case .step: taken = take(&columns.step)
            case .type: taken = take(&columns.type)
            case .group: taken = take(&columns.group)
            case .variant: taken = take(&columns.variant)
            case .timestamp, .userId, .anonymousId, .event, .properties: taken = false
            }
            guard taken else { return nil }
        }
        return columns
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
        // The field ends plain records record: up to the last column read (all without `columns`).
        var needed = columnCount
        if let columns = layout.columns {
            let variant = variantGroups.isActive ? columns.variant : -1
            needed =
                max(
                    columns.time,
                    columns.user,
                    columns.guide,
                    columns.version,
                    columns.step,
                    columns.type,
                    columns.group,
                    variant
                ) + 1
        }
        let usesRuns = runsAllowed && layout.columns != nil
        if let columns = layout.columns, usesRuns {
            hot.pointee.columnCount = columnCount
            hot.pointee.neededColumns = needed
            hot.pointee.timeColumn = columns.time
            hot.pointee.userColumn = columns.user
            hot.pointee.guideColumn = columns.guide
            hot.pointee.versionColumn = columns.version
            hot.pointee.stepColumn = columns.step
            hot.pointee.typeColumn = columns.type
            hot.pointee.variantColumn = columns.variant
            // The key is the bytes of the guide, version, step and type fields when they are next to each
            // other, unless variants pick step orders (see `take_csv_record`).
            let keyColumns = [columns.guide, columns.version, columns.step, columns.type]
            let (first, last) = (keyColumns.min() ?? -1, keyColumns.max() ?? -1)
            let isSpan = hot.pointee.usesVariant == 0 && first >= 0 && last - first == 3 && Set(keyColumns).count == 4
            hot.pointee.spanFirstColumn = isSpan ? first : -1
            hot.pointee.spanLastColumn = isSpan ? last : -1
        }
        let state = hot
        return layout.roles.withUnsafeBufferPointer { roles in
            while position < end {
                if usesRuns {
                    // Runs of common records in C; it stops at a record this loop reads.
                    position = runEvents(from: position) { gk_csv_event_run(base, $0, end, state) }
                    if position >= end { break }
                }
                gk_prefetch(raw + position + 1_024)
                if let next = readPlainRecord(
                    base,
                    at: position,
                    end: end,
                    roles: roles,
                    columns: layout.columns,
                    needed: needed
                ) {
                    position = next
                    continue
                }
                let recordLine = lineInPart + 1
                var fields = RawEventFields()
                let scanned = CSVRecordScanner.scan(base, from: position, end: end, isFinal: isFinal) { column, slice in
                    if column < columnCount, slice.count > 0 { assignCSV(slice, role: roles[column], to: &fields) }
                }
                guard let record = scanned else { return position }  // unfinished: the caller reads on
                position = record.end
                lineInPart += record.lines
                lines += record.lines
                if record.isBlank { continue }
                if let problem = record.problem {
                    if problem == .unclosedQuote {
                        endedInsideQuotes = true
                        note(.truncatedLine, line: recordLine, detail: record.problemDetail)
                    } else {
                        note(.invalidCSV, line: recordLine, detail: record.problemDetail)
                    }
                    continue
                }
                guard record.fieldCount == columnCount else {
                    note(
                        !record.endsWithLineEnd && record.fieldCount < columnCount ? .truncatedLine : .invalidCSV,
                        line: recordLine,
                        detail: "\(record.fieldCount) fields where the header has \(columnCount)"
                    )
                    continue
                }
                finish(fields, base: base, line: recordLine, escapes: .csv)
            }
            return position
        }
    }

    /// Reads one record that has no quotes and the header's number of columns, the common case, with
    /// the C fast path (`gk_csv_plain_record`, 16 bytes at a time); returns where the next record
    /// starts, or `nil` (nothing read) for any other record, which the general loop then reads and
    /// diagnoses.
    @inline(__always)
    private func readPlainRecord(
        _ base: UnsafePointer<UInt8>,
        at start: Int,
        end: Int,
        roles: UnsafeBufferPointer<JSONLineScanner.Role>,
        columns: CSVLayout.Columns?,
        needed: Int
    ) -> Int? {
        let columnCount = roles.count
        guard columnCount <= 32 else { return nil }
        // Field ends (commas, then the line end), at most 32.
        var ends: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &ends) { raw -> Int? in
            let fieldEnds = raw.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt16.self)
            let lineEnd = gk_csv_plain_record(base, start, end, columnCount, needed, fieldEnds)
            guard lineEnd >= 0 else { return nil }
            var fields = RawEventFields()
            if let columns {
                @inline(__always) func slice(_ column: Int) -> FieldSlice {
                    guard column >= 0 else { return FieldSlice() }
                    let from = column == 0 ? start : start + Int(fieldEnds[column - 1]) + 1
                    let to = start + Int(fieldEnds[column])
                    return to > from ? FieldSlice(start: from, count: to - from, kind: .string) : FieldSlice()
                }
                fields.time = slice(columns.time)
                fields.user = slice(columns.user)
                fields.guide = slice(columns.guide)
                fields.version = slice(columns.version)
                fields.step = slice(columns.step)
                fields.type = slice(columns.type)
                fields.groupValue = slice(columns.group)
                if variantGroups.isActive { fields.variant = slice(columns.variant) }
            } else {
                var fieldStart = start
                for column in 0..<columnCount {
                    let fieldEnd = start + Int(fieldEnds[column])
                    if fieldEnd > fieldStart {
                        assignCSV(
                            FieldSlice(start: fieldStart, count: fieldEnd - fieldStart, kind: .string),
                            role: roles[column],
                            to: &fields
                        )
                    }
                    fieldStart = fieldEnd + 1
                }
            }
            lineInPart += 1
            lines += 1
            finish(fields, base: base, line: lineInPart, escapes: .csv)
            return lineEnd + 1
        }
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
