import CHotPath
import Foundation

extension EventTally {
    /// Reads the complete JSON Lines in `buffer` and returns how many bytes it used.
    ///
    /// A last line without a newline is used only when `isFinal` (the end of the input); otherwise it
    /// is left for the next call. Blank lines are skipped.
    func consumeJSONLines(_ buffer: UnsafeRawBufferPointer, isFinal: Bool) -> Int {
        guard let raw = buffer.baseAddress else { return 0 }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let end = buffer.count
        var position = 0
        let groupKey = groupKeyBytes.map { UnsafePointer($0.base) }
        let groupKeyCount = groupKeyBytes?.count ?? 0
        let state = hot
        let layout = jsonLayout
        while position < end {
            if runsAllowed {
                // Runs of common lines in C; it stops at a line this loop reads.
                position = runEvents(from: position) { gk_json_event_run(base, $0, end, layout, state) }
                if position >= end { break }
            }
            gk_prefetch(raw + position + 1_024)
            // Most lines have the simple form the C reader takes; any other goes through the general one.
            var simple = gk_event_fields()
            let newline = gk_json_event_line(base, position, end, groupKey, groupKeyCount, jsonLayout, &simple)
            let fields: RawEventFields
            if newline >= 0 {
                lineInPart += 1
                lines += 1
                fields = RawEventFields(simple)
                position = newline + 1
            } else {
                let lineEnd: Int
                let hasNewline: Bool
                if let found = memchr(base + position, 0x0A, end - position) {
                    lineEnd = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    hasNewline = true
                } else {
                    guard isFinal else { return position }
                    lineEnd = end
                    hasNewline = false
                }
                lineInPart += 1
                lines += 1
                var stop = lineEnd
                if stop > position, base[stop - 1] == 0x0D { stop -= 1 }
                let parsed = readJSONLine(base: base, start: position, end: stop, isTruncatable: !hasNewline)
                position = hasNewline ? lineEnd + 1 : lineEnd
                guard let parsed else { continue }
                fields = parsed
            }
            finish(fields, base: base, line: lineInPart, escapes: .json)
        }
        return position
    }

    /// The fields of the line from `start` to `end` (without its line end), or `nil` for a blank line
    /// or one that is not a JSON object (noted).
    private func readJSONLine(
        base: UnsafePointer<UInt8>,
        start: Int,
        end: Int,
        isTruncatable: Bool
    ) -> RawEventFields? {
        let scanner = JSONLineScanner(base: base, end: end, groupKey: groupPropertyBytes)
        var cursor = start
        scanner.skipSpace(&cursor)
        if cursor == end { return nil }
        let atFileStart = lineInPart == 1 && chunk == 0
        if atFileStart, end - cursor >= 3, base[cursor] == 0xEF, base[cursor + 1] == 0xBB, base[cursor + 2] == 0xBF {
            cursor += 3
        }
        var fields = RawEventFields()
        guard scanner.parseObject(&cursor, into: &fields, nested: false) else {
            note(isTruncatable ? .truncatedLine : .invalidJSON, line: lineInPart)
            return nil
        }
        scanner.skipSpace(&cursor)
        guard cursor == end else {
            note(isTruncatable ? .truncatedLine : .invalidJSON, line: lineInPart, detail: "text after the object")
            return nil
        }
        return fields
    }
}

extension RawEventFields {
    /// The fields the C reader found on a simple line.
    @inline(__always)
    init(_ simple: gk_event_fields) {
        @inline(__always) func slice(_ field: gk_field) -> FieldSlice {
            let kind = FieldSlice.Kind(rawValue: UInt8(truncatingIfNeeded: field.kind)) ?? .absent
            return FieldSlice(start: field.start, count: field.count, kind: kind)
        }
        self.init()
        time = slice(simple.time)
        user = slice(simple.user)
        guide = slice(simple.guide)
        version = slice(simple.version)
        step = slice(simple.step)
        type = slice(simple.type)
        groupValue = slice(simple.group)
        variant = slice(simple.variant)
    }
}

/// A byte-level scanner for one JSON object per line; it validates the whole line and records where
/// the fields a guide event needs are, without decoding anything else.
///
/// The general reader: most lines take the C fast path (`gk_json_event_line`) and come here only when
/// they have another form (spaces, escapes, Segment calls, nested values, errors).
struct JSONLineScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    let groupKey: [UInt8]?

    @inline(__always)
    func skipSpace(_ cursor: inout Int) {
        while cursor < end {
            let byte = base[cursor]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A else { return }
            cursor += 1
        }
    }

    /// Parses an object at `cursor`, recording known fields; top-level `properties` objects are
    /// read as nested (Segment) fields.
    func parseObject(_ cursor: inout Int, into fields: inout RawEventFields, nested: Bool) -> Bool {
        guard cursor < end, base[cursor] == 0x7B else { return false }
        cursor += 1
        skipSpace(&cursor)
        if cursor < end, base[cursor] == 0x7D {
            cursor += 1
            return true
        }
        return parseMembers(&cursor, into: &fields, nested: nested)
    }

    /// Reads members from a key up to the end of the object.
    func parseMembers(_ cursor: inout Int, into fields: inout RawEventFields, nested: Bool) -> Bool {
        var keyBuffer: [UInt8] = []
        while true {
            skipSpace(&cursor)
            guard let key = scanAnyString(&cursor) else { return false }
            skipSpace(&cursor)
            guard cursor < end, base[cursor] == 0x3A else { return false }
            cursor += 1
            skipSpace(&cursor)
            guard cursor < end else { return false }
            let role: Role
            if key.kind == .escapedString {
                guard Self.unescape(base: base, slice: key, into: &keyBuffer) else { return false }
                role = keyBuffer.withUnsafeBufferPointer { buffer in
                    Self.role(buffer.baseAddress ?? base, buffer.count, nested: nested, groupKey: groupKey)
                }
            } else {
                role =
                    groupKey == nil
                    ? Self.knownRole(base + key.start, key.count, nested: nested, readable: end - key.start)
                    : Self.role(
                        base + key.start,
                        key.count,
                        nested: nested,
                        groupKey: groupKey,
                        readable: end - key.start
                    )
            }
            if role == .properties, !nested, base[cursor] == 0x7B {
                guard parseObject(&cursor, into: &fields, nested: true) else { return false }
            } else {
                // Strings are most values: scanned inline, the rest through the general path.
                let found =
                    base[cursor] == 0x22 ? scanAnyString(&cursor) : scanValue(&cursor)
                guard let value = found else { return false }
                assign(value, role: role, to: &fields, nested: nested)
            }
            skipSpace(&cursor)
            guard cursor < end else { return false }
            if base[cursor] == 0x2C {
                cursor += 1
                continue
            }
            if base[cursor] == 0x7D {
                cursor += 1
                return true
            }
            return false
        }
    }

    enum Role {
        case ignored, time, timestamp, user, userId, anonymousId, guide, version, step, type, event, properties, group
        case variant
    }

    private static func isGroupKey(_ groupKey: [UInt8], _ key: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        // Compared in full; the packed word only narrows the keys the scanner knows.
        groupKey.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            return memcmp(base, key, count) == 0
        }
    }

    /// The first `count` (≤ 8) bytes as a little-endian word.
    @inline(__always)
    static func packed(_ pointer: UnsafePointer<UInt8>, _ count: Int, readable: Int = 0) -> UInt64 {
        if readable >= 8 {
            let word = UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
            return count >= 8 ? word : word & ((1 << (8 * UInt64(count))) - 1)
        }
        var word: UInt64 = 0
        for index in 0..<min(count, 8) { word |= UInt64(pointer[index]) << (8 * UInt64(index)) }
        return word
    }

    // The known keys packed as little-endian words (their first eight bytes).
    private static let ts: UInt64 = 0x7374
    private static let user: UInt64 = 0x7265_7375
    private static let step: UInt64 = 0x7065_7473
    private static let type: UInt64 = 0x6570_7974
    private static let guide: UInt64 = 0x65_6469_7567
    private static let event: UInt64 = 0x74_6e65_7665
    private static let userId: UInt64 = 0x6449_7265_7375
    private static let version: UInt64 = 0x6e_6f69_7372_6576
    private static let variant: UInt64 = 0x74_6e61_6972_6176
    private static let timestamp: UInt64 = 0x6d61_7473_656d_6974
    private static let properties: UInt64 = 0x6974_7265_706f_7270
    private static let anonymousId: UInt64 = 0x756f_6d79_6e6f_6e61

    @inline(__always)
    static func role(
        _ key: UnsafePointer<UInt8>,
        _ count: Int,
        nested: Bool,
        groupKey: [UInt8]?,
        readable: Int = 0
    ) -> Role {
        if let groupKey, groupKey.count == count, isGroupKey(groupKey, key, count) { return .group }
        return knownRole(key, count, nested: nested, readable: readable)
    }

    /// The role of one of the keys the scanner knows (not the breakdown property).
    @inline(__always)
    static func knownRole(_ key: UnsafePointer<UInt8>, _ count: Int, nested: Bool, readable: Int) -> Role {
        guard count >= 2, count <= 11 else { return .ignored }
        let word = packed(key, count, readable: readable)
        switch count {
        case 2: return !nested && word == ts ? .time : .ignored
        case 4:
            if word == step { return .step }
            if nested { return .ignored }
            if word == user { return .user }
            if word == type { return .type }
            return .ignored
        case 5:
            if word == guide { return .guide }
            if !nested, word == event { return .event }
            return .ignored
        case 6: return !nested && word == userId ? .userId : .ignored
        case 7: return word == version ? .version : word == variant ? .variant : .ignored
        case 9: return !nested && word == timestamp && key[8] == 0x70 ? .timestamp : .ignored
        case 10: return !nested && word == properties && key[8] == 0x65 && key[9] == 0x73 ? .properties : .ignored
        case 11:
            return !nested && word == anonymousId && key[8] == 0x73 && key[9] == 0x49 && key[10] == 0x64
                ? .anonymousId : .ignored
        default: return .ignored
        }
    }

    @inline(__always)
    private func assign(_ value: FieldSlice, role: Role, to fields: inout RawEventFields, nested: Bool) {
        switch role {
        case .ignored, .properties: break
        case .time: fields.time = value
        case .timestamp: if !fields.time.isPresent { fields.time = value }
        case .user: fields.user = value
        case .userId: if !fields.user.isPresent { fields.user = value }
        case .anonymousId: if !fields.user.isPresent { fields.user = value }
        case .guide: if !nested || !fields.guide.isPresent { fields.guide = value }
        case .version: if !nested || !fields.version.isPresent { fields.version = value }
        case .step: if !nested || !fields.step.isPresent { fields.step = value }
        case .type:
            fields.type = value
            if value.kind == .string, value.count == 5, memcmp(base + value.start, "track", 5) == 0 {
                fields.isSegmentCall = true
            } else if value.kind == .string, value.count <= 8, Self.isOtherSegmentCall(base + value.start, value.count)
            {
                fields.isSegmentCall = true
            }
        case .event: fields.segmentEvent = value
        case .group: if !nested || !fields.groupValue.isPresent { fields.groupValue = value }
        case .variant: if !nested || !fields.variant.isPresent { fields.variant = value }
        }
    }

    /// `page`, `screen`, `identify`, `group` and `alias` calls are Segment calls but never guide events.
    static func isOtherSegmentCall(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for name in ["page", "screen", "identify", "group", "alias"] where name.utf8.count == count {
            if name.utf8.elementsEqual(UnsafeBufferPointer(start: bytes, count: count)) { return true }
        }
        return false
    }

    /// Scans a string at its opening quote: a short plain one inline, any other through
    /// ``scanString(_:)``.
    @inline(__always)
    func scanAnyString(_ cursor: inout Int) -> FieldSlice? { scanShortString(&cursor) ?? scanString(&cursor) }

    /// Scans a plain string of at most 15 bytes starting at its opening quote, with one 16-byte compare;
    /// `nil` (cursor unchanged) for anything else, which ``scanString(_:)`` then reads.
    @inline(__always)
    func scanShortString(_ cursor: inout Int) -> FieldSlice? {
        guard cursor + 17 <= end, base[cursor] == 0x22 else { return nil }
        let stops = gk_json_string_stops16(UnsafeRawPointer(base) + cursor + 1)
        guard stops != 0 else { return nil }
        let length = stops.trailingZeroBitCount
        guard base[cursor + 1 + length] == 0x22 else { return nil }
        let slice = FieldSlice(start: cursor + 1, count: length, kind: .string)
        cursor += length + 2
        return slice
    }

    /// Scans a string starting at its opening quote; the slice excludes the quotes.
    ///
    /// Eight bytes at a time while no quote, backslash or control character is among them.
    @inline(__always)
    func scanString(_ cursor: inout Int) -> FieldSlice? {
        guard cursor < end, base[cursor] == 0x22 else { return nil }
        let start = cursor + 1
        var index = start
        var escaped = false
        let raw = UnsafeRawPointer(base)
        while true {
            // Sixteen bytes at a time with SSE2 compares, then eight with SWAR, then bytes.
            var stopped = false
            while index + 16 <= end {
                let stops = gk_json_string_stops16(raw + index)
                if stops == 0 {
                    index += 16
                    continue
                }
                index += stops.trailingZeroBitCount
                stopped = true
                break
            }
            while !stopped, index + 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let special = swarHasByte(word, 0x22) | swarHasByte(word, 0x5C) | swarHasLess(word, 0x20)
                if special == 0 {
                    index += 8
                    continue
                }
                index += special.trailingZeroBitCount >> 3
                break
            }
            guard index < end else { return nil }
            let byte = base[index]
            if byte == 0x22 {
                cursor = index + 1
                return FieldSlice(start: start, count: index - start, kind: escaped ? .escapedString : .string)
            }
            if byte == 0x5C {
                escaped = true
                guard index + 1 < end else { return nil }
                switch base[index + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: index += 2
                case 0x75:
                    guard index + 5 < end else { return nil }
                    for offset in 2...5 where JSONEscape.hexValue(base[index + offset]) == nil { return nil }
                    index += 6
                default: return nil
                }
                continue
            }
            if byte < 0x20 { return nil }
            index += 1
        }
    }

    /// Scans any JSON value; strings and numbers give their slice, others `.other` or `.null`.
    func scanValue(_ cursor: inout Int) -> FieldSlice? {
        guard cursor < end else { return nil }
        let byte = base[cursor]
        switch byte {
        case 0x22: return scanString(&cursor)
        case 0x7B, 0x5B: return skipContainer(&cursor) ? FieldSlice(start: 0, count: 0, kind: .other) : nil
        case 0x74: return literal(&cursor, "true") ? FieldSlice(kind: .other) : nil
        case 0x66: return literal(&cursor, "false") ? FieldSlice(kind: .other) : nil
        case 0x6E: return literal(&cursor, "null") ? FieldSlice(kind: .null) : nil
        case 0x2D, 0x30...0x39: return scanNumber(&cursor)
        default: return nil
        }
    }

    private func literal(_ cursor: inout Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard cursor + count <= end, memcmp(base + cursor, word.utf8Start, count) == 0 else { return false }
        cursor += count
        return true
    }

    /// Numbers per RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    func scanNumber(_ cursor: inout Int) -> FieldSlice? {
        let start = cursor
        var index = cursor
        func digits() -> Int {
            let from = index
            while index < end, base[index] >= 0x30, base[index] <= 0x39 { index += 1 }
            return index - from
        }
        if base[index] == 0x2D { index += 1 }
        guard index < end else { return nil }
        if base[index] == 0x30 {
            index += 1
        } else if digits() == 0 {
            return nil
        }
        if index < end, base[index] == 0x2E {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < end, base[index] == 0x65 || base[index] == 0x45 {
            index += 1
            if index < end, base[index] == 0x2B || base[index] == 0x2D { index += 1 }
            guard digits() > 0 else { return nil }
        }
        cursor = index
        return FieldSlice(start: start, count: index - start, kind: .number)
    }

    /// Skips a nested object or array, checking its syntax.
    private func skipContainer(_ cursor: inout Int) -> Bool {
        let isObject = base[cursor] == 0x7B
        cursor += 1
        skipSpace(&cursor)
        guard cursor < end else { return false }
        if base[cursor] == (isObject ? 0x7D : 0x5D) {
            cursor += 1
            return true
        }
        while true {
            skipSpace(&cursor)
            if isObject {
                guard scanString(&cursor) != nil else { return false }
                skipSpace(&cursor)
                guard cursor < end, base[cursor] == 0x3A else { return false }
                cursor += 1
                skipSpace(&cursor)
            }
            guard scanValue(&cursor) != nil else { return false }
            skipSpace(&cursor)
            guard cursor < end else { return false }
            if base[cursor] == 0x2C {
                cursor += 1
                continue
            }
            if base[cursor] == (isObject ? 0x7D : 0x5D) {
                cursor += 1
                return true
            }
            return false
        }
    }

    /// Decodes a JSON string slice with escapes into UTF-8 bytes; `false` on a bad escape or a lone
    /// surrogate.
    static func unescape(base: UnsafePointer<UInt8>, slice: FieldSlice, into output: inout [UInt8]) -> Bool {
        output.removeAll(keepingCapacity: true)
        let bytes = UnsafeBufferPointer(start: base, count: slice.start + slice.count)
        var index = slice.start
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == 0x5C else {
                output.append(byte)
                index += 1
                continue
            }
            guard JSONEscape.decode(bytes, at: &index, into: &output) == nil else { return false }
        }
        return true
    }
}

/// Marks (high bit of each byte) the bytes of `word` equal to `byte`; the lowest mark is exact.
@inline(__always)
func swarHasByte(_ word: UInt64, _ byte: UInt64) -> UInt64 {
    let spread = word ^ (byte &* 0x0101_0101_0101_0101)
    return (spread &- 0x0101_0101_0101_0101) & ~spread & 0x8080_8080_8080_8080
}

/// Marks the bytes of `word` below `limit` (≤ 128); the lowest mark is exact.
@inline(__always)
func swarHasLess(_ word: UInt64, _ limit: UInt64) -> UInt64 {
    (word &- (limit &* 0x0101_0101_0101_0101)) & ~word & 0x8080_8080_8080_8080
}
