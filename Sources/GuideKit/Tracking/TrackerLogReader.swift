import Foundation

/// Reads an event log into per-event records for the tracker, with the same formats, Segment mapping and
/// line checks as the report's reader (which tallies instead of keeping events).
///
/// JSON lines are scanned byte by byte (``JSONScanner``, which builds only the fields it needs); CSV records follow RFC 4180 (quoted fields may hold
/// commas, doubled quotes and line breaks). Every line that cannot be used is reported with its reason and
/// line number through `issue`; nothing is skipped silently (blank lines are not events).
struct TrackerLogReader {
    /// A field's value before it is checked.
    enum Field: Equatable {
        case string(String)
        case number(String)
        case null
        case other
    }

    /// The file name for locations.
    var file: String
    /// The log's format.
    var format: EventLogFormat

    /// Reads all bytes.
    ///
    /// - Parameters:
    ///   - bytes: the whole log.
    ///   - event: called with each usable event.
    ///   - issue: called with each unusable line: the reason, the 1-based line and what was wrong.
    /// - Throws: ``EventLogError`` when a CSV header lacks a required column.
    func read(
        _ bytes: UnsafeBufferPointer<UInt8>,
        event: (TrackerEvent) -> Void,
        issue: (InputIssue, Int, String) -> Void
    ) throws(EventLogError) {
        switch format {
        case .jsonLines: readJSONLines(bytes, event: event, issue: issue)
        case .csv: try readCSV(bytes, event: event, issue: issue)
        }
    }

    // MARK: - JSON Lines

    private func readJSONLines(
        _ bytes: UnsafeBufferPointer<UInt8>,
        event: (TrackerEvent) -> Void,
        issue: (InputIssue, Int, String) -> Void
    ) {
        var start = 0
        var line = 0
        while start < bytes.count {
            line += 1
            let newline = bytes[start...].firstIndex(of: 0x0A)
            var end = newline ?? bytes.count
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            defer { start = next }
            let slice = bytes[start..<end]
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            var scanner = JSONScanner(slice)
            guard let fields = scanner.eventFields() else {
                let reason: InputIssue = newline == nil ? .truncatedLine : .invalidJSON
                issue(reason, line, reason == .truncatedLine ? "the last line is unfinished" : scanner.problem ?? "")
                continue
            }
            finish(fields, line: line, event: event, issue: issue)
        }
    }

    // MARK: - CSV

    private static let requiredColumns = ["ts", "user", "guide", "version", "type"]

    private func readCSV(
        _ bytes: UnsafeBufferPointer<UInt8>,
        event: (TrackerEvent) -> Void,
        issue: (InputIssue, Int, String) -> Void
    ) throws(EventLogError) {
        var cursor = 0
        var line = 1
        var header: [String]?
        while cursor < bytes.count {
            let startLine = line
            let record = Self.csvRecord(bytes, cursor: &cursor, line: &line)
            switch record {
            case .blank:
                continue
            case .invalid(let detail):
                if header == nil {
                    throw EventLogError(path: file, message: "the CSV header is not valid CSV (\(detail))")
                }
                issue(.invalidCSV, startLine, detail)
            case .truncated:
                if header == nil { throw EventLogError(path: file, message: "the CSV header has an unclosed quote") }
                issue(.truncatedLine, startLine, "an unclosed quote at the end of the input")
            case .fields(let values):
                guard let columns = header else {
                    let names = values.map { $0.trimmingCharacters(in: .whitespaces) }
                    if let message = CSVLayout.repeatedColumn(in: names) {
                        throw EventLogError(path: file, message: message)
                    }
                    let missing = Self.requiredColumns.filter { !names.contains($0) }
                    if !missing.isEmpty {
                        throw EventLogError(
                            path: file,
                            message:
                                "the CSV header lacks \(missing.joined(separator: ", ")); the first row must name "
                                + "the columns, e.g. ts,user,guide,version,step,type"
                        )
                    }
                    header = names
                    continue
                }
                guard values.count == columns.count else {
                    issue(.invalidCSV, startLine, "\(values.count) fields where the header has \(columns.count)")
                    continue
                }
                var fields: [String: Field] = [:]
                for (name, value) in zip(columns, values) where !value.isEmpty {
                    fields[name] = .string(value)
                }
                finish(fields, line: startLine, event: event, issue: issue, isCSV: true)
            }
        }
    }

    private enum CSVRecord {
        case blank
        case fields([String])
        case invalid(String)
        case truncated
    }

    /// Reads one record at `cursor` and moves past its line end; `line` counts the line breaks crossed.
    private static func csvRecord(_ bytes: UnsafeBufferPointer<UInt8>, cursor: inout Int, line: inout Int) -> CSVRecord
    {
        var values: [String] = []
        var field: [UInt8] = []
        var problem: String?
        var index = cursor
        var isQuoted = false
        var wasQuoted = false
        var sawAnything = false
        func endRecord() -> Int {
            // Skips to the end of the physical line after an error.
            var end = index
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            return end
        }
        func finishRecord() -> CSVRecord {
            if let problem { return .invalid(problem) }
            if !sawAnything && field.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
            values.append(String(decoding: field, as: UTF8.self))
            return .fields(values)
        }
        while true {
            if index >= bytes.count {
                if isQuoted {
                    cursor = index
                    return .truncated
                }
                break
            }
            let byte = bytes[index]
            if isQuoted {
                if byte == 0x22 {
                    if index + 1 < bytes.count, bytes[index + 1] == 0x22 {
                        field.append(0x22)
                        index += 2
                        continue
                    }
                    isQuoted = false
                    index += 1
                    continue
                }
                if byte == 0x0A { line += 1 }
                field.append(byte)
                index += 1
                continue
            }
            switch byte {
            case 0x2C:
                values.append(String(decoding: field, as: UTF8.self))
                field = []
                wasQuoted = false
                sawAnything = true
                index += 1
            case 0x0A:
                index += 1
                cursor = index
                line += 1
                return finishRecord()
            case 0x0D where index + 1 < bytes.count && bytes[index + 1] == 0x0A:
                index += 1
            case 0x22:
                if !field.isEmpty || wasQuoted {
                    problem = wasQuoted ? "text after a closing quote" : "a quote inside an unquoted field"
                    index = endRecord()
                } else {
                    isQuoted = true
                    wasQuoted = true
                    sawAnything = true
                    index += 1
                }
            default:
                if wasQuoted {
                    problem = "text after a closing quote"
                    index = endRecord()
                } else {
                    field.append(byte)
                    sawAnything = true
                    index += 1
                }
            }
        }
        cursor = index
        return finishRecord()
    }

    // MARK: - Checks

    private static let otherSegmentCalls: Set<String> = ["page", "screen", "identify", "group", "alias"]

    /// Checks the fields of one event and passes it on, or reports why it cannot be used.
    private func finish(
        _ fields: [String: Field],
        line: Int,
        event: (TrackerEvent) -> Void,
        issue: (InputIssue, Int, String) -> Void,
        isCSV: Bool = false
    ) {
        func text(_ name: String) -> String? {
            switch fields[name] {
            case .string(let value)?: value
            case .number(let value)?: value
            default: nil
            }
        }
        var name: TrackedGuideEvent.Name?
        let type = fields["type"]
        if !isCSV, case .string(let call)? = type, call == "track" || Self.otherSegmentCalls.contains(call) {
            guard call == "track", case .string(let segmentName)? = fields["event"] else {
                return issue(.otherEvent, line, "a Segment '\(call)' call")
            }
            guard let mapped = GuideEventType(segmentEventName: segmentName) else {
                return issue(.otherEvent, line, "Segment event '\(quotedValue(segmentName))'")
            }
            name = mapped
        }
        let ts = text("ts") ?? text("timestamp")
        guard let ts else { return issue(.missingField, line, "no 'ts'") }
        guard let user = text("user") ?? text("userId") ?? text("anonymousId"), !user.isEmpty else {
            return issue(.missingField, line, "no 'user'")
        }
        guard let guide = text("guide"), !guide.isEmpty else { return issue(.missingField, line, "no 'guide'") }
        guard let versionText = text("version") else { return issue(.missingField, line, "no 'version'") }
        if name == nil {
            guard let type else { return issue(.missingField, line, "no 'type'") }
            guard case .string(let raw) = type, let known = TrackedGuideEvent.Name(rawValue: raw) else {
                let shown: String =
                    switch type {
                    case .string(let value), .number(let value): value
                    case .null: "null"
                    case .other: "a non-string value"
                    }
                // An exposure (a variant assignment the server records) is not a guide event: a note.
                if shown == "exposure" { return issue(.otherEvent, line, "an exposure") }
                if shown == "step_target_missing" {
                    return issue(.otherEvent, line, "a step whose target never appeared (not shown)")
                }
                return issue(.unknownType, line, "type '\(quotedValue(shown))'")
            }
            name = known
        }
        guard let name else { return }
        let step = text("step").flatMap { $0.isEmpty ? nil : $0 }
        if step == nil, name == .stepViewed || name == .stepCompleted {
            return issue(.missingField, line, "no 'step' on a step event")
        }
        guard case .string? = fields["ts"] ?? fields["timestamp"], let seconds = Timestamp.eventSeconds(parsing: ts)
        else {
            return issue(.badTimestamp, line, "ts '\(quotedValue(ts))'")
        }
        guard versionText.count <= 9, versionText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let version = Int(versionText), version >= 1
        else {
            return issue(.badVersion, line, "version '\(quotedValue(versionText))'")
        }
        let variant = text("variant").flatMap { $0.isEmpty ? nil : $0 }
        let tracked = TrackedGuideEvent(
            name,
            at: Date(timeIntervalSince1970: seconds),
            guide: guide,
            version: version,
            step: step,
            variant: variant
        )
        event(
            TrackerEvent(
                user: user,
                event: tracked,
                id: text("id") ?? text("messageId"),
                location: SourceLocation(file: file, line: line, column: 1)
            )
        )
    }
}
