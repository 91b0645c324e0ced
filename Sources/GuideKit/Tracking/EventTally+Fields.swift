import Foundation

/// A field's bytes as found on a line: where they are and what kind of value they hold.
struct FieldSlice {
    enum Kind: UInt8 {
        case absent, string, escapedString, number, null, other
    }

    var start = 0
    var count = 0
    var kind = Kind.absent

    var isPresent: Bool {
        @inline(__always) get { kind != .absent && kind != .null }
    }
}

/// The fields of one event before they are checked, in the form both readers produce.
struct RawEventFields {
    var time = FieldSlice()
    var user = FieldSlice()
    var guide = FieldSlice()
    var version = FieldSlice()
    var step = FieldSlice()
    var type = FieldSlice()
    var groupValue = FieldSlice()
    /// The event's `variant` (also `properties.variant` of a Segment call).
    var variant = FieldSlice()
    /// Set by the JSON reader when `type` is `track` and `event` names the event.
    var segmentEvent = FieldSlice()
    var isSegmentCall = false
}

/// How a reader's escaped string slices (``FieldSlice/Kind/escapedString``) are decoded.
enum EscapeStyle {
    /// JSON backslash escapes.
    case json
    /// CSV doubled quotes inside a quoted field.
    case csv
}

extension EventTally {
    /// Decodes an escaped slice into `output`; `false` when its escapes are invalid.
    func decode(
        _ slice: FieldSlice,
        _ base: UnsafePointer<UInt8>,
        _ escapes: EscapeStyle,
        into output: inout [UInt8]
    ) -> Bool {
        switch escapes {
        case .json:
            return JSONLineScanner.unescape(base: base, slice: slice, into: &output)
        case .csv:
            output.removeAll(keepingCapacity: true)
            var index = slice.start
            while index < slice.start + slice.count {
                output.append(base[index])
                index += base[index] == 0x22 ? 2 : 1
            }
            return true
        }
    }

    /// Checks the fields of one event and adds it, or notes why it cannot be used.
    ///
    /// - Parameters:
    ///   - fields: the slices, relative to `base`.
    ///   - base: the bytes of the line.
    ///   - line: the line number, for issues.
    ///   - escapes: how escaped string slices are decoded.
    @inline(__always)
    func finish(
        _ fields: RawEventFields,
        base: UnsafePointer<UInt8>,
        line: Int,
        escapes: EscapeStyle
    ) {
        if escapes == .json, fields.type.kind == .escapedString || fields.segmentEvent.kind == .escapedString {
            return finishDecodingNames(fields, base: base, line: line)
        }
        // The type first: other Segment calls are not guide events at all.
        var typeCode: UInt8?
        if fields.isSegmentCall {
            guard fields.segmentEvent.kind == .string || fields.segmentEvent.kind == .escapedString else {
                return reject(.segmentWithoutName, fields, base, line)
            }
            typeCode = GuideEventType.segmentCode(
                bytes: base + fields.segmentEvent.start,
                count: fields.segmentEvent.count
            )
            if typeCode == nil { return reject(.otherSegmentEvent, fields, base, line) }
        }
        guard fields.time.isPresent else { return reject(.missing("ts"), fields, base, line) }
        guard fields.user.isPresent, fields.user.count > 0 else { return reject(.missing("user"), fields, base, line) }
        guard fields.guide.isPresent, fields.guide.count > 0 else {
            return reject(.missing("guide"), fields, base, line)
        }
        guard fields.version.isPresent else { return reject(.missing("version"), fields, base, line) }
        if typeCode == nil {
            guard fields.type.isPresent else { return reject(.missing("type"), fields, base, line) }
            typeCode =
                fields.type.kind == .string
                ? GuideEventType.code(bytes: base + fields.type.start, count: fields.type.count) : nil
            guard typeCode != nil else { return reject(.unknownType, fields, base, line) }
        }
        guard let type = typeCode else { return }
        let hasStep = fields.step.isPresent && fields.step.count > 0
        if !hasStep, type == 1 || type == 2 || type == GuideEventType.targetMissingCode {
            return reject(.missingStep, fields, base, line)
        }
        guard fields.time.kind == .string, let time = seconds(base + fields.time.start, fields.time.count) else {
            return reject(.badTimestamp, fields, base, line)
        }
        guard let version = parseVersion(fields.version, base) else { return reject(.badVersion, fields, base, line) }
        let variantSlice =
            !variantGroups.isActive
            ? FieldSlice() : variantGroups.isBreakdown && !fields.variant.isPresent ? fields.groupValue : fields.variant
        let key: EventKey
        if groupPropertyBytes == nil, fields.guide.kind == .string, !hasStep || fields.step.kind == .string,
            !variantSlice.isPresent || variantSlice.kind == .string
        {
            // Plain ids, no breakdown: the usual case, resolved through the key cache.
            if isFilteredOut(time: time) { return }
            let ids = EventKeyCache.Ids(
                guide: base + fields.guide.start,
                guideCount: fields.guide.count,
                version: version,
                step: base + fields.step.start,
                stepCount: hasStep ? fields.step.count : -1,
                variant: base + variantSlice.start,
                variantCount: variantSlice.isPresent && variantSlice.count > 0 ? variantSlice.count : -1
            )
            if let found = keyCache.find(ids, strings: strings) {
                key = found
            } else {
                let guideId = strings.intern(ids.guide, ids.guideCount)
                if hasGuideFilter, !allowedGuides.contains(guideId) {
                    countFilteredOut(time: time)
                    rememberFilteredGuide(hasStep: hasStep, type: type)
                    return
                }
                let stepId = ids.stepCount >= 0 ? strings.intern(ids.step, ids.stepCount) : -1
                let variantId = ids.variantCount >= 0 ? strings.intern(ids.variant, ids.variantCount) : -1
                key = makeKey(guide: guideId, version: version, step: stepId, value: -1, variant: variantId)
                keyCache.store(key, for: ids, guide: guideId, step: stepId, variant: variantId)
            }
            rememberKey(key, type: type)
        } else {
            guard let guide = intern(fields.guide, base, escapes) else {
                return note(.invalidJSON, line: line, detail: "a bad escape")
            }
            var step: Int32 = -1
            if hasStep {
                guard let id = intern(fields.step, base, escapes) else {
                    return note(.invalidJSON, line: line, detail: "a bad escape")
                }
                step = id
            }
            var value: Int32 = -1
            if groupPropertyBytes != nil, fields.groupValue.isPresent, fields.groupValue.count > 0 {
                value = intern(fields.groupValue, base, escapes) ?? -1
            }
            // The variant picks the step order when the guide version has variants with their own steps.
            var variant: Int32 = -1
            if variantSlice.isPresent, variantSlice.count > 0 { variant = intern(variantSlice, base, escapes) ?? -1 }
            if isFilteredOut(time: time) { return }
            if hasGuideFilter, !allowedGuides.contains(guide) {
                countFilteredOut(time: time)
                return
            }
            key = makeKey(guide: guide, version: version, step: step, value: value, variant: variant)
        }
        let user = fields.user
        if user.kind != .escapedString {
            add(time: time, user: base + user.start, userCount: user.count, key: key, type: type)
            return
        }
        guard decode(user, base, escapes, into: &scratch) else {
            return note(.invalidJSON, line: line, detail: "a bad escape")
        }
        let decoded = scratch
        decoded.withUnsafeBytes { buffer in
            guard let pointer = buffer.baseAddress else { return }
            add(time: time, user: pointer, userCount: buffer.count, key: key, type: type)
        }
    }

    /// Reads an event whose `type` or Segment `event` holds JSON escapes (`"step\u005fviewed"`).
    ///
    /// Its fields are decoded into bytes of their own and read from there, so that the names are matched decoded, as
    /// the tracker matches them. Rare, so out of line.
    @inline(never)
    func finishDecodingNames(_ fields: RawEventFields, base: UnsafePointer<UInt8>, line: Int) {
        var bytes: [UInt8] = []
        var value: [UInt8] = []
        var isValid = true
        func take(_ slice: FieldSlice) -> FieldSlice {
            switch slice.kind {
            case .absent, .null, .other: return slice
            case .escapedString: isValid = decode(slice, base, .json, into: &value) && isValid
            case .string, .number: value = Array(UnsafeBufferPointer(start: base + slice.start, count: slice.count))
            }
            defer { bytes += value }
            return FieldSlice(start: bytes.count, count: value.count, kind: slice.kind == .number ? .number : .string)
        }
        var decoded = fields
        decoded.time = take(fields.time)
        decoded.user = take(fields.user)
        decoded.guide = take(fields.guide)
        decoded.version = take(fields.version)
        decoded.step = take(fields.step)
        decoded.type = take(fields.type)
        decoded.groupValue = take(fields.groupValue)
        decoded.variant = take(fields.variant)
        decoded.segmentEvent = take(fields.segmentEvent)
        guard isValid else { return note(.invalidJSON, line: line, detail: "a bad escape") }
        bytes.append(0)  // never empty
        bytes.withUnsafeBufferPointer { buffer in
            guard let decodedBase = buffer.baseAddress else { return }
            if decoded.type.kind == .string {
                let type = decodedBase + decoded.type.start
                let count = decoded.type.count
                if (count == 5 && memcmp(type, "track", 5) == 0) || JSONLineScanner.isOtherSegmentCall(type, count) {
                    decoded.isSegmentCall = true
                }
            }
            finish(decoded, base: decodedBase, line: line, escapes: .json)
        }
    }

    /// Why an event cannot be used (see ``reject(_:_:_:_:)``).
    enum Rejection {
        case segmentWithoutName, otherSegmentEvent
        case missing(StaticString)
        case unknownType, missingStep
        case badTimestamp, badVersion
    }

    /// Notes why an event cannot be used; kept out of line so that ``finish(_:base:line:escapes:)``,
    /// which every event goes through, stays small.
    @inline(never)
    func reject(_ rejection: Rejection, _ fields: RawEventFields, _ base: UnsafePointer<UInt8>, _ line: Int) {
        switch rejection {
        case .segmentWithoutName: note(.otherEvent, line: line, detail: "a Segment '\(text(fields.type, base))' call")
        case .otherSegmentEvent:
            note(.otherEvent, line: line, detail: "Segment event '\(text(fields.segmentEvent, base))'")
        case .missing(let field): note(.missingField, line: line, detail: "no '\(field)'")
        case .unknownType:
            // An exposure (a variant assignment the server records) is not a guide event: a note, read by the
            // report's goal pass.
            let type = text(fields.type, base)
            if type == "exposure" { return note(.otherEvent, line: line, detail: "an exposure") }
            note(.unknownType, line: line, detail: "type '\(type)'")
        case .missingStep: note(.missingField, line: line, detail: "no 'step' on a step event")
        case .badTimestamp: note(.badTimestamp, line: line, detail: "ts '\(text(fields.time, base))'")
        case .badVersion: note(.badVersion, line: line, detail: "version '\(text(fields.version, base))'")
        }
    }

    @inline(__always)
    private func intern(
        _ slice: FieldSlice,
        _ base: UnsafePointer<UInt8>,
        _ escapes: EscapeStyle
    ) -> Int32? {
        if slice.kind != .escapedString { return strings.intern(base + slice.start, slice.count) }
        let interner = strings
        guard decode(slice, base, escapes, into: &scratch) else { return nil }
        return scratch.withUnsafeBytes { buffer in
            guard let pointer = buffer.baseAddress else { return interner.intern(base, 0) }
            return interner.intern(pointer, buffer.count)
        }
    }

    /// Parses a timestamp; `2026-11-01T10:00:00Z`, the form logs mostly use, without recomputing the
    /// date of the previous event (nor of the one before that date, where a late event's date usually
    /// is, and the C event runs look there too).
    @inline(__always)
    private func seconds(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard count == 20, bytes[10] == 0x54, bytes[19] == 0x5A, bytes[13] == 0x3A, bytes[16] == 0x3A else {
            return Timestamp.eventSeconds(parsing: UnsafeRawBufferPointer(start: bytes, count: count))
        }
        // The two remembered dates (see `gk_reader_state`): the first eight bytes, then the last two.
        let date = UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self)
        let tail = UInt32(bytes[8]) | UInt32(bytes[9]) << 8
        let state = hot
        var midnight = state.pointee.cachedMidnight
        if date != state.pointee.cachedDate || tail != state.pointee.cachedDateTail {
            if date == state.pointee.previousDate, tail == state.pointee.previousDateTail {
                midnight = state.pointee.previousMidnight
            } else {
                guard let parsed = Timestamp.seconds(parsing: UnsafeRawBufferPointer(start: bytes, count: 10)) else {
                    return nil
                }
                state.pointee.previousDate = state.pointee.cachedDate
                state.pointee.previousDateTail = state.pointee.cachedDateTail
                state.pointee.previousMidnight = state.pointee.cachedMidnight
                state.pointee.cachedDate = date
                state.pointee.cachedDateTail = tail
                state.pointee.cachedMidnight = parsed
                midnight = parsed
            }
        }
        @inline(__always) func pair(_ at: Int) -> Int? {
            let high = Int(bytes[at]) &- 48
            let low = Int(bytes[at + 1]) &- 48
            guard high >= 0, high <= 9, low >= 0, low <= 9 else { return nil }
            return high * 10 + low
        }
        guard let hour = pair(11), let minute = pair(14), let second = pair(17), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        return midnight + Double(hour * 3_600 + minute * 60 + second)
    }

    /// A version is a whole number ≥ 1, written as a number or as a string of digits.
    @inline(__always)
    private func parseVersion(_ slice: FieldSlice, _ base: UnsafePointer<UInt8>) -> Int32? {
        guard slice.kind == .number || slice.kind == .string, slice.count > 0, slice.count <= 9 else { return nil }
        var value: Int32 = 0
        for offset in 0..<slice.count {
            let byte = base[slice.start + offset]
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int32(byte - 48)
        }
        return value >= 1 ? value : nil
    }

    /// The slice as text for a diagnostic, capped as ``quotedValue(_:limit:)`` caps (only the start of a
    /// long value is decoded; its length is given in bytes).
    func text(_ slice: FieldSlice, _ base: UnsafePointer<UInt8>) -> String {
        let decoded = min(slice.count, 4 * 80)
        let shown = String(decoding: UnsafeBufferPointer(start: base + slice.start, count: decoded), as: UTF8.self)
        guard slice.count > decoded else { return quotedValue(shown) }
        return "\(shown.prefix(80))… (\(slice.count) bytes)"
    }
}
