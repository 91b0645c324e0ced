import Foundation

/// Reads an event log into per-event records for the tracker, with the same formats, Segment mapping and
/// line checks as the report's reader (which tallies instead of keeping events).
///
/// JSON lines are scanned byte by byte (``JSONScanner``, which builds only the fields it needs); CSV records
/// are found by the report reader's ``CSVRecordScanner`` (RFC 4180: quoted fields may hold commas, doubled
/// quotes and line breaks). Every line that cannot be used is reported with its reason and
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
    ///   - notShown: called for each usable `step_target_missing` event (a step not shown because its target
    ///     never appeared), which changes no progress.
    ///   - issue: called with each unusable line: the reason, the 1-based line and what was wrong.
    /// - Throws: ``EventLogError`` when a CSV header lacks a required column.
    func read(
        _ bytes: UnsafeBufferPointer<UInt8>,
        event: (TrackerEvent) -> Void,
        notShown: () -> Void,
        issue: (InputIssue, Int, String) -> Void
    ) throws(EventLogError) {
        switch format {
        case .jsonLines: readJSONLines(bytes, event: event, notShown: notShown, issue: issue)
        case .csv: try readCSV(bytes, event: event, notShown: notShown, issue: issue)
        }
    }

    // MARK: - JSON Lines

    private func readJSONLines(
        _ bytes: UnsafeBufferPointer<UInt8>,
        event: (TrackerEvent) -> Void,
        notShown: () -> Void,
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
            finish(fields, line: line, event: event, notShown: notShown, issue: issue)
        }
    }

    // MARK: - CSV

    /// Reads a CSV log: the header and the records as the report's reader finds them (``CSVLayout``,
    /// ``CSVRecordScanner``), each column under the name of its role, so that both readers take the same
    /// column for each field.
    private func readCSV(
        _ bytes: UnsafeBufferPointer<UInt8>,
        event: (TrackerEvent) -> Void,
        notShown: () -> Void,
        issue: (InputIssue, Int, String) -> Void
    ) throws(EventLogError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let layout = try CSVLayout(header: UnsafeRawBufferPointer(bytes), groupProperty: nil, path: file)
        let keys = zip(layout.names, layout.roles).map { Self.key(name: $0, role: $1) }
        var cursor = layout.headerLength
        var line = 2
        var values: [(Int, FieldSlice)] = []
        while cursor < bytes.count {
            values.removeAll(keepingCapacity: true)
            let scanned = CSVRecordScanner.scan(base, from: cursor, end: bytes.count, isFinal: true) { column, slice in
                values.append((column, slice))
            }
            guard let record = scanned else { return }  // not reached: the input is final
            let startLine = line
            cursor = record.end
            line += record.lines
            if record.isBlank { continue }
            if let problem = record.problem {
                issue(problem == .unclosedQuote ? .truncatedLine : .invalidCSV, startLine, record.problemDetail)
                continue
            }
            guard record.fieldCount == keys.count else {
                let isTruncated = !record.endsWithLineEnd && record.fieldCount < keys.count
                issue(
                    isTruncated ? .truncatedLine : .invalidCSV,
                    startLine,
                    "\(record.fieldCount) fields where the header has \(keys.count)"
                )
                continue
            }
            var fields: [String: Field] = [:]
            for (column, slice) in values where slice.count > 0 {
                guard let key = keys[column] else { continue }
                // A second column for `user` (`userId`, `anonymousId`) counts only when the first is empty,
                // as in the report's reader.
                if key == "userId", fields[key] != nil { continue }
                fields[key] = .string(CSVRecordScanner.text(slice, base))
            }
            finish(fields, line: startLine, event: event, notShown: notShown, issue: issue, isCSV: true)
        }
    }

    /// The name under which ``finish(_:line:event:notShown:issue:isCSV:)`` looks up a CSV column's value, or `nil`
    /// for a column that it does not read.
    private static func key(name: String, role: JSONLineScanner.Role) -> String? {
        switch role {
        case .time: "ts"
        case .timestamp: "timestamp"
        case .user: "user"
        case .userId, .anonymousId: "userId"
        case .guide: "guide"
        case .version: "version"
        case .step: "step"
        case .type: "type"
        case .variant: "variant"
        case .ignored, .group, .event, .properties: name == "id" || name == "messageId" ? name : nil
        }
    }

    // MARK: - Checks

    private static let otherSegmentCalls: Set<String> = ["page", "screen", "identify", "group", "alias"]

    /// Checks the fields of one event and passes it on, or reports why it cannot be used.
    private func finish(
        _ fields: [String: Field],
        line: Int,
        event: (TrackerEvent) -> Void,
        notShown: () -> Void,
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
        var isTargetMissing = false
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
            if case .string(let raw) = type, let known = TrackedGuideEvent.Name(rawValue: raw) {
                name = known
            } else if case .string(GuideEventType.stepTargetMissing) = type {
                isTargetMissing = true
            } else {
                let shown: String =
                    switch type {
                    case .string(let value), .number(let value): value
                    case .null: "null"
                    case .other: "a non-string value"
                    }
                // An exposure (a variant assignment the server records) is not a guide event: a note.
                if shown == "exposure" { return issue(.otherEvent, line, "an exposure") }
                return issue(.unknownType, line, "type '\(quotedValue(shown))'")
            }
        }
        let step = text("step").flatMap { $0.isEmpty ? nil : $0 }
        if step == nil, isTargetMissing || name == .stepViewed || name == .stepCompleted {
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
        // A step not shown: the report counts it per step; the state does not change.
        if isTargetMissing { return notShown() }
        guard let name else { return }
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
