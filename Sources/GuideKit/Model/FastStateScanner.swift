import Foundation

/// The one-pass reader of ``UserState/fastReading(jsonLine:catalog:)``: every method gives `nil` (or
/// `false`) as soon as the input is not of the common shape.
struct FastStateScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    /// The fields of a guide's progress.
    static let guideFields = [
        "status", "step", "version", "variant", "shows", "last_shown", "started_at", "completed_at", "snoozed_until",
    ]

    /// How deep attribute values may nest here (deeper ones are left to the general reader).
    static let maximumDepth = 32

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D, 0x0A: index += 1
            default: return
            }
        }
    }

    /// Skips space, then takes `byte` if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// The bytes of a string without escapes or control characters, quotes taken.
    mutating func rawString() -> UnsafeBufferPointer<UInt8>? {
        guard take(0x22) else { return nil }
        let begin = index
        // Eight bytes at a time while none is a quote, a backslash or a control character.
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let found =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                if found & highs != 0 { break }
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                let text = UnsafeBufferPointer(rebasing: bytes[begin..<index])
                index += 1
                return text
            }
            if byte == 0x5C || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    mutating func string() -> String? {
        rawString().map { String(decoding: $0, as: UTF8.self) }
    }

    mutating func timestamp() -> Date? {
        guard let text = rawString(), let seconds = Timestamp.seconds(parsing: UnsafeRawBufferPointer(text)) else {
            return nil
        }
        return Date(timeIntervalSince1970: seconds)
    }

    /// A JSON number as the general reader reads it (`Double` of its text).
    mutating func number() -> Double? {
        skipSpace()
        let begin = index
        var isPlainInteger = true
        scan: while index < bytes.count {
            switch bytes[index] {
            case 0x30...0x39: index += 1
            case 0x2B, 0x2D, 0x2E, 0x45, 0x65:
                isPlainInteger = false
                index += 1
            default: break scan
            }
        }
        let text = UnsafeBufferPointer(rebasing: bytes[begin..<index])
        guard SourceNode.Scalar.isJSONNumber(bytes: text) else { return nil }
        if isPlainInteger, text.count <= 15 {
            // Exact in a Double, as the text's conversion is.
            var whole = 0
            for byte in text { whole = whole * 10 + Int(byte - 0x30) }
            return Double(whole)
        }
        return Double(String(decoding: text, as: UTF8.self))
    }

    /// A whole number ≥ 0 below 10^15, as counts are read.
    mutating func count() -> Int? {
        guard let number = number(), number >= 0, number.rounded() == number, number < 1e15 else { return nil }
        return Int(number)
    }

    /// `true`, `false` or `null` when `word` is next.
    mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// Any JSON value; an object with a repeated key is left to the general reader (it keeps the first).
    mutating func value(depth: Int = 0) -> Value? {
        skipSpace()
        guard index < bytes.count, depth < Self.maximumDepth else { return nil }
        switch bytes[index] {
        case 0x22: return string().map(Value.string)
        case 0x7B:
            var object: [String: Value] = [:]
            let complete = members { key, scanner in
                guard object[key] == nil, let value = scanner.value(depth: depth + 1) else { return false }
                object[key] = value
                return true
            }
            return complete ? .object(object) : nil
        case 0x5B:
            index += 1
            var items: [Value] = []
            if take(0x5D) { return .array(items) }
            repeat {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
            } while take(0x2C)
            return take(0x5D) ? .array(items) : nil
        case 0x74: return literal("true") ? .bool(true) : nil
        case 0x66: return literal("false") ? .bool(false) : nil
        case 0x6E: return literal("null") ? .null : nil
        default: return number().map(Value.number)
        }
    }

    /// Reads an object, giving each key (a string without escapes) to `member`, which reads the value.
    ///
    /// - Returns: `true` when the whole object was read and every member was.
    mutating func members(_ member: (String, inout FastStateScanner) -> Bool) -> Bool {
        guard take(0x7B) else { return false }
        if take(0x7D) { return true }
        repeat {
            guard let key = string(), take(0x3A), member(key, &self) else { return false }
        } while take(0x2C)
        return take(0x7D)
    }

    /// A `user` or `account` object, each attribute the catalog declares in its declared type.
    mutating func attributes(_ declared: [String: Catalog.Attribute]?) -> [String: Value]? {
        guard case .object(var members)? = value() else { return nil }
        guard let declared, !declared.isEmpty else { return members }
        for (name, value) in members {
            guard let attribute = declared[name] else { continue }
            // Where text is read, a number or boolean is its text as written: left to the general reader.
            switch (attribute.type, value) {
            case (.string, .number), (.string, .bool), (.version, .number), (.version, .bool): return nil
            case (.list, .array(let items)):
                for item in items {
                    switch item {
                    case .number, .bool: return nil
                    default: continue
                    }
                }
            default: break
            }
            guard case .success(let typed) = attribute.typed(value) else { return nil }
            members[name] = typed
        }
        return members
    }

    mutating func event() -> UserState.EventSummary? {
        var count: Int?
        var first: Date?
        var last: Date?
        var times: [Date]?
        let complete = members { key, scanner in
            switch key {
            case "count" where count == nil:
                count = scanner.count()
                return count != nil
            case "first" where first == nil:
                first = scanner.timestamp()
                return first != nil
            case "last" where last == nil:
                last = scanner.timestamp()
                return last != nil
            case "times" where times == nil:
                guard scanner.take(0x5B) else { return false }
                var dates: [Date] = []
                if !scanner.take(0x5D) {
                    repeat {
                        guard let date = scanner.timestamp() else { return false }
                        dates.append(date)
                    } while scanner.take(0x2C)
                    guard scanner.take(0x5D) else { return false }
                }
                times = dates
                return true
            default: return false
            }
        }
        guard complete else { return nil }
        return UserState.EventSummary.completing(count: count, first: first, last: last, times: times)
    }

    mutating func guide() -> UserState.GuideProgress? {
        var progress = UserState.GuideProgress()
        var seenMask = 0
        let complete = members { key, scanner in
            guard let bit = Self.guideFields.firstIndex(of: key), seenMask & (1 << bit) == 0 else { return false }
            seenMask |= 1 << bit
            switch key {
            case "status":
                guard let text = scanner.string(), let status = UserState.GuideStatus(rawValue: text) else {
                    return false
                }
                progress.status = status
            case "step":
                progress.step = scanner.string()
                return progress.step != nil
            case "variant":
                progress.variant = scanner.string()
                return progress.variant != nil
            case "version":
                progress.version = scanner.count()
                return progress.version != nil
            case "shows":
                guard let shows = scanner.count() else { return false }
                progress.shows = shows
            case "last_shown":
                progress.lastShown = scanner.timestamp()
                return progress.lastShown != nil
            case "started_at":
                progress.startedAt = scanner.timestamp()
                return progress.startedAt != nil
            case "completed_at":
                progress.completedAt = scanner.timestamp()
                return progress.completedAt != nil
            case "snoozed_until":
                progress.snoozedUntil = scanner.timestamp()
                return progress.snoozedUntil != nil
            default: return false
            }
            return true
        }
        return complete ? progress : nil
    }

    mutating func page() -> UserState.Page? {
        var page = UserState.Page()
        var hasPath = false
        var hasURL = false
        let complete = members { key, scanner in
            switch key {
            case "path" where !hasPath:
                hasPath = true
                page.path = scanner.string()
                return page.path != nil
            case "url" where !hasURL:
                hasURL = true
                page.url = scanner.string()
                return page.url != nil
            default: return false
            }
        }
        guard complete else { return nil }
        if page.path == nil, let url = page.url, let components = URLComponents(string: url) {
            page.path = components.path.isEmpty ? "/" : components.path
        }
        return page
    }

    /// The whole state: each field at most once, an `id` that is a non-empty string.
    mutating func state(catalog: Catalog?) -> UserState? {
        var state = UserState(id: "")
        var seenMask = 0
        let complete = members { key, scanner in
            guard let bit = UserState.fields.firstIndex(of: key), seenMask & (1 << bit) == 0 else { return false }
            seenMask |= 1 << bit
            switch key {
            case "id":
                guard let id = scanner.string(), !id.isEmpty else { return false }
                state.id = id
            case "user":
                guard let user = scanner.attributes(catalog?.attributes(in: .user)) else { return false }
                state.user = user
            case "account":
                guard let account = scanner.attributes(catalog?.attributes(in: .account)) else { return false }
                state.account = account
            case "device":
                guard case .object(let device)? = scanner.value() else { return false }
                state.device = device
            case "locale":
                state.locale = scanner.string()
                return state.locale != nil
            case "now":
                state.now = scanner.timestamp()
                return state.now != nil
            case "events":
                var events: [String: UserState.EventSummary] = [:]
                let read = scanner.members { name, scanner in
                    guard events[name] == nil, let event = scanner.event() else { return false }
                    events[name] = event
                    return true
                }
                guard read else { return false }
                state.events = events
            case "guides":
                var guides: [String: UserState.GuideProgress] = [:]
                let read = scanner.members { id, scanner in
                    guard guides[id] == nil, let progress = scanner.guide() else { return false }
                    guides[id] = progress
                    return true
                }
                guard read else { return false }
                state.guides = guides
            case "page":
                guard let page = scanner.page() else { return false }
                state.page = page
            default: return false
            }
            return true
        }
        return complete && seenMask & 1 == 1 ? state : nil
    }
}
