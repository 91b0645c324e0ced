import Foundation

/// Reading a population line straight into its condition document.
///
/// ``UserState/fastReading(jsonLine:catalog:)`` builds a ``UserState`` (dictionaries of ``Value``s) that a
/// population run then writes into a ``ConditionDocument`` and drops. Here the common line is written into
/// the document's buffers as it is read, with the same checks and the same fallbacks: the attributes,
/// devices and events go to the document only, and the state keeps what selection reads besides the
/// document (`id`, `page`, `locale`, `now` and `guides`). The document equals the one
/// ``Selector/document(for:in:)`` builds from the state the fast reader gives; any line the fast reader
/// leaves to the general reader is left here too (`nil`), and so is any line with a key that is not ASCII.
extension FastStateScanner {
    /// The attribute types a catalog declares in one namespace, found by a key's bytes without making a
    /// string of it.
    struct DeclaredTypes: Sendable {
        private var entries: [(hash: UInt64, name: [UInt8], type: Catalog.AttributeType)] = []
        /// The declarations, when a name is not ASCII (and may equal an ASCII key as Swift strings compare).
        private var byName: [String: Catalog.Attribute]?

        init(_ declared: [String: Catalog.Attribute]?) {
            var builder = ConditionDocument.Builder()
            for (name, attribute) in declared ?? [:] {
                let key = builder.key(name)
                if !key.isASCII { byName = declared }
                entries.append((key.hash, Array(name.utf8), attribute.type))
            }
        }

        var isEmpty: Bool { entries.isEmpty }

        /// The declared type of the ASCII key `key`, written in `builder`.
        func type(of key: ConditionDocument.Key, in builder: ConditionDocument.Builder) -> Catalog.AttributeType? {
            if let byName { return byName[builder.text(of: key)]?.type }
            for entry in entries where entry.hash == key.hash && entry.name.count == Int(key.length) {
                let start = Int(key.offset)
                if entry.name.indices.allSatisfy({ builder.bytes[start + $0] == entry.name[$0] }) { return entry.type }
            }
            return nil
        }
    }

    /// The attribute types of a catalog's `user` and `account` namespaces.
    struct Declarations: Sendable {
        var user: DeclaredTypes
        var account: DeclaredTypes

        init(_ catalog: Catalog?) {
            user = DeclaredTypes(catalog?.attributes(in: .user))
            account = DeclaredTypes(catalog?.attributes(in: .account))
        }
    }

    /// The root members a state document always has, by their node (the others follow).
    private enum RootSlot {
        static let id = 1
        static let user = 2
        static let account = 3
        static let device = 4
        static let events = 5
        static let guides = 6
        /// Page, locale and now, whichever are there, from here on.
        static let rest = 7
        static let reserved = 9
    }

    /// Reads the whole line into `builder` and gives the state's parts selection reads; `nil` when the line
    /// is not of the common shape (the builder is then left in no useful state).
    ///
    /// - Parameters:
    ///   - declarations: the reader's catalog types.
    ///   - template: the completing template (the document's defaults, keys and timestamp attributes).
    ///   - builder: the buffers; reset here.
    /// - Returns: the state with empty `user`, `account`, `device` and `events` (those are in the builder).
    mutating func documentState(
        declarations: Declarations,
        template: ConditionDocument.Template,
        builder: inout ConditionDocument.Builder
    ) -> UserState? {
        let keys = template.keys
        builder.reset(prefix: template.prefix)
        _ = builder.open(0, .object, count: RootSlot.reserved)
        var state = UserState(id: "")
        var seenMask = 0
        guard take(0x7B) else { return nil }
        if !take(0x7D) {
            repeat {
                guard let key = rawString(), take(0x3A), let field = Self.rootField(key),
                    seenMask & (1 << field) == 0
                else { return nil }
                seenMask |= 1 << field
                switch field {
                case 0:
                    guard let id = string(), !id.isEmpty else { return nil }
                    state.id = id
                case 1, 2:
                    let slot = field == 1 ? RootSlot.user : RootSlot.account
                    builder.setKey(slot, field == 1 ? keys.user : keys.account)
                    guard
                        attributes(
                            into: slot,
                            declared: field == 1 ? declarations.user : declarations.account,
                            timestamps: field == 1 ? template.userTimestamps : template.accountTimestamps,
                            builder: &builder
                        )
                    else { return nil }
                case 3:
                    builder.setKey(RootSlot.events, keys.events)
                    guard events(into: RootSlot.events, template: template, builder: &builder) else { return nil }
                case 4:
                    var guides: [String: UserState.GuideProgress] = [:]
                    let read = members { id, scanner in
                        guard guides[id] == nil, let progress = scanner.guide() else { return false }
                        guides[id] = progress
                        return true
                    }
                    guard read else { return nil }
                    state.guides = guides
                case 5:
                    guard let page = page() else { return nil }
                    state.page = page
                case 6:
                    skipSpace()
                    guard index < bytes.count, bytes[index] == 0x7B else { return nil }
                    builder.setKey(RootSlot.device, keys.device)
                    guard fill(RootSlot.device, depth: 0, builder: &builder) else { return nil }
                case 7:
                    state.locale = string()
                    guard state.locale != nil else { return nil }
                default:
                    state.now = timestamp()
                    guard state.now != nil else { return nil }
                }
            } while take(0x2C)
            guard take(0x7D) else { return nil }
        }
        skipSpace()
        guard index == bytes.count, seenMask & 1 == 1 else { return nil }
        // What the line leaves out, as the document of a state without it has it.
        builder.setKey(RootSlot.id, keys.id)
        builder.setString(RootSlot.id, state.id)
        for (field, slot, key) in [(1, RootSlot.user, keys.user), (2, RootSlot.account, keys.account)]
        where seenMask & (1 << field) == 0 {
            builder.setKey(slot, key)
            _ = builder.open(slot, .object, count: 0)
        }
        if seenMask & (1 << 6) == 0 {
            builder.setKey(RootSlot.device, keys.device)
            _ = builder.open(RootSlot.device, .object, count: 0)
        }
        if seenMask & (1 << 3) == 0 {
            builder.setKey(RootSlot.events, keys.events)
            ConditionDocument.fillEvents(RootSlot.events, [:], template, &builder)
        }
        builder.setKey(RootSlot.guides, keys.guides)
        ConditionDocument.fillGuides(RootSlot.guides, state.guides, template, &builder)
        return state
    }

    /// Completes the document of a state read by ``documentState(declarations:template:builder:)`` for a
    /// selection: its page (or the context's), its locale and the context's `now`, as
    /// ``Selector/document(for:in:)`` does.
    ///
    /// - Parameters:
    ///   - state: the state read.
    ///   - page: the context's page, which replaces the state's path.
    ///   - now: the time of the selection.
    ///   - template: the template the state was read with.
    ///   - builder: the buffers it was read into.
    /// - Returns: the document.
    static func document(
        _ state: UserState,
        page: String?,
        now: Date,
        template: ConditionDocument.Template,
        builder: inout ConditionDocument.Builder
    ) -> ConditionDocument {
        ConditionDocument.finishRoot(
            from: RootSlot.rest,
            page: page.map { UserState.Page(path: $0, url: state.page?.url) } ?? state.page,
            locale: state.locale,
            now: now,
            template: template,
            builder: &builder
        )
    }

    /// A root key's position in ``UserState/fields``, from its bytes.
    private static func rootField(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        func equals(_ word: StaticString) -> Bool {
            word.utf8CodeUnitCount == key.count && (0..<key.count).allSatisfy { key[$0] == word.utf8Start[$0] }
        }
        // ["id", "user", "account", "events", "guides", "page", "device", "locale", "now"]
        switch key.count {
        case 2: return equals("id") ? 0 : nil
        case 3: return equals("now") ? 8 : nil
        case 4: return equals("user") ? 1 : equals("page") ? 5 : nil
        case 6: return equals("events") ? 3 : equals("guides") ? 4 : equals("device") ? 6 : equals("locale") ? 7 : nil
        case 7: return equals("account") ? 2 : nil
        default: return nil
        }
    }

    /// How many members (or elements) the object (or array) that starts here has, without reading them;
    /// `nil` at anything the fast reader does not read (an escape, a control character in a string).
    func countItems() -> Int? {
        var position = index
        while position < bytes.count,
            bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0D || bytes[position] == 0x0A
        {
            position += 1
        }
        guard position < bytes.count, bytes[position] == 0x7B || bytes[position] == 0x5B else { return nil }
        position += 1
        var depth = 1
        var count = 0
        var sawValue = false
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case 0x22:
                // To the next quote: a string with an escape or a control character is refused when it is
                // read, so only strings without them need counting right.
                guard let base = bytes.baseAddress, position + 1 < bytes.count,
                    let found = memchr(base + position + 1, 0x22, bytes.count - position - 1)
                else { return nil }
                position = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                if depth == 1 { sawValue = true }
            case 0x7B, 0x5B:
                if depth == 1 { sawValue = true }
                depth += 1
            case 0x7D, 0x5D:
                depth -= 1
                if depth == 0 { return count + (sawValue ? 1 : 0) }
            case 0x2C where depth == 1:
                count += 1
            case 0x20, 0x09, 0x0D, 0x0A, 0x3A:
                break
            default:
                if depth == 1 { sawValue = true }
            }
            position += 1
        }
        return nil
    }

    /// Reads any JSON value into `node`, as ``value(depth:)`` reads it and ``ConditionDocument/Builder``
    /// fills it; `false` where ``value(depth:)`` gives `nil`, or at a key that is not ASCII.
    mutating func fill(_ node: Int, depth: Int, builder: inout ConditionDocument.Builder) -> Bool {
        skipSpace()
        guard index < bytes.count, depth < Self.maximumDepth else { return false }
        switch bytes[index] {
        case 0x22:
            guard let text = rawString() else { return false }
            builder.setString(node, bytes: text)
            return true
        case 0x7B:
            return object(node, depth: depth, builder: &builder) { scanner, slot, _, builder in
                scanner.fill(slot, depth: depth + 1, builder: &builder)
            }
        case 0x5B:
            guard let count = countItems() else { return false }
            index += 1
            let first = builder.open(node, .array, count: count)
            if take(0x5D) { return count == 0 }
            var element = first
            repeat {
                guard element < first + count, fill(element, depth: depth + 1, builder: &builder) else { return false }
                element += 1
            } while take(0x2C)
            return take(0x5D) && element == first + count
        case 0x74:
            guard literal("true") else { return false }
            builder.setBool(node, true)
            return true
        case 0x66:
            guard literal("false") else { return false }
            builder.setBool(node, false)
            return true
        case 0x6E:
            guard literal("null") else { return false }
            builder.nodes[node].kind = .null
            return true
        default:
            guard let number = number() else { return false }
            builder.setNumber(node, number)
            return true
        }
    }

    /// Reads an object into `node`: each member's key (ASCII, each once) is written, then `member` reads
    /// its value into its slot; the members are sorted as the builder sorts them.
    private mutating func object(
        _ node: Int,
        depth: Int,
        builder: inout ConditionDocument.Builder,
        _ member: (inout FastStateScanner, Int, ConditionDocument.Key, inout ConditionDocument.Builder) -> Bool
    ) -> Bool {
        guard depth < Self.maximumDepth, members(of: node, builder: &builder, member) != nil else { return false }
        builder.sortMembers(node)
        // A repeated key is left to the general reader, which keeps the first.
        return !builder.hasRepeatedKey(node)
    }

    /// Reads an object's members into `node`, opened with `extra` slots more than the object has: each
    /// member's key (ASCII) is written, then `member` reads its value into its slot.
    ///
    /// - Returns: the first slot and the number of members read, or nil when the object is not one this
    ///   reader takes.
    private mutating func members(
        of node: Int,
        extra: Int = 0,
        builder: inout ConditionDocument.Builder,
        _ member: (inout FastStateScanner, Int, ConditionDocument.Key, inout ConditionDocument.Builder) -> Bool
    ) -> (first: Int, count: Int)? {
        guard let count = countItems(), take(0x7B) else { return nil }
        let first = builder.open(node, .object, count: count + extra)
        var slot = first
        if !take(0x7D) {
            repeat {
                guard slot < first + count, let name = rawString(), take(0x3A) else { return nil }
                let key = builder.key(bytes: name)
                guard key.isASCII else { return nil }
                builder.setKey(slot, key)
                guard member(&self, slot, key, &builder) else { return nil }
                slot += 1
            } while take(0x2C)
            guard take(0x7D) else { return nil }
        }
        guard slot == first + count else { return nil }
        return (first, count)
    }

    /// A `user` or `account` object: each attribute the catalog declares must have its declared type (as
    /// ``attributes(_:)`` checks), and a string attribute the template rewrites as a timestamp is written
    /// in UTC form.
    private mutating func attributes(
        into node: Int,
        declared: DeclaredTypes,
        timestamps: [ConditionDocument.Template.Name],
        builder: inout ConditionDocument.Builder
    ) -> Bool {
        object(node, depth: 0, builder: &builder) { scanner, slot, key, builder in
            scanner.skipSpace()
            guard scanner.index < scanner.bytes.count else { return false }
            let byte = scanner.bytes[scanner.index]
            let type = declared.isEmpty ? nil : declared.type(of: key, in: builder)
            if let type, byte != 0x6E, !Self.accepts(type, byte) { return false }
            if byte == 0x22 {
                guard let text = scanner.rawString() else { return false }
                let rewrites = !timestamps.isEmpty && timestamps.contains { $0.matches(key, in: builder) }
                guard rewrites || type == .timestamp else {
                    builder.setString(slot, bytes: text)
                    return true
                }
                let raw = UnsafeRawBufferPointer(text)
                if let instant = Timestamp.canonicalSeconds(raw) {
                    // In UTC form already: the text is the one the rewrite writes, or the string as it is.
                    builder.setTimestamp(slot, text: text, instant: instant)
                    return true
                }
                let seconds = Timestamp.seconds(parsing: raw)
                if type == .timestamp, seconds == nil { return false }
                if rewrites, let seconds {
                    builder.setTimestamp(slot, seconds: seconds)
                } else {
                    builder.setString(slot, bytes: text)
                }
                return true
            }
            guard scanner.fill(slot, depth: 1, builder: &builder) else { return false }
            if type == .list, builder.nodes[slot].kind == .array {
                // A list of strings only.
                let first = Int(builder.nodes[slot].first)
                for element in first..<(first + Int(builder.nodes[slot].count))
                where builder.nodes[element].kind != .string {
                    return false
                }
            }
            return true
        }
    }

    /// Whether a value starting with `byte` (not `null`) may have the declared type, as
    /// ``Catalog/Attribute`` types values (a number or boolean is not read as text here).
    private static func accepts(_ type: Catalog.AttributeType, _ byte: UInt8) -> Bool {
        switch type {
        case .string, .version, .timestamp: byte == 0x22
        case .number: byte == 0x2D || (0x30...0x39).contains(byte)
        case .boolean: byte == 0x74 || byte == 0x66
        case .list: byte == 0x5B
        }
    }

    /// A timestamp of an event as the state keeps it: the seconds its `Date` holds and, when the text is in
    /// the UTC form the document writes, where that text is (copied instead of written again).
    struct Stamp {
        var seconds: Double
        /// The instant read from the text in UTC form, and the text's place in the line.
        var canonical: (instant: Double, range: Range<Int>)?
    }

    /// A timestamp string, as ``timestamp()`` reads it.
    mutating func stamp() -> Stamp? {
        guard let text = rawString() else { return nil }
        let raw = UnsafeRawBufferPointer(text)
        if let instant = Timestamp.canonicalSeconds(raw) {
            let start = index - 1 - text.count
            return Stamp(
                seconds: Date(timeIntervalSince1970: instant).timeIntervalSince1970,
                canonical: (instant, start..<(start + text.count))
            )
        }
        guard let seconds = Timestamp.seconds(parsing: raw) else { return nil }
        return Stamp(seconds: Date(timeIntervalSince1970: seconds).timeIntervalSince1970)
    }

    /// Writes a timestamp node for `stamp`.
    func write(_ stamp: Stamp, at node: Int, builder: inout ConditionDocument.Builder) {
        if let (instant, range) = stamp.canonical {
            builder.setTimestamp(node, text: UnsafeBufferPointer(rebasing: bytes[range]), instant: instant)
        } else {
            builder.setTimestamp(node, seconds: stamp.seconds)
        }
    }

    /// The `events` object, completed with the template's events, as ``event()`` reads each and
    /// ``ConditionDocument`` writes them.
    private mutating func events(
        into node: Int,
        template: ConditionDocument.Template,
        builder: inout ConditionDocument.Builder
    ) -> Bool {
        let keys = template.keys
        var times: [Stamp] = []
        let read = members(of: node, extra: template.events.count, builder: &builder) { scanner, slot, _, builder in
            guard let event = scanner.event(times: &times) else { return false }
            let members = 1 + (event.first == nil ? 0 : 1) + (event.last == nil ? 0 : 1) + (event.hasTimes ? 1 : 0)
            var member = builder.open(slot, .object, count: members)
            builder.setKey(member, keys.count)
            builder.setNumber(member, Double(event.count))
            member += 1
            for (key, stamp) in [(keys.first, event.first), (keys.last, event.last)] {
                guard let stamp else { continue }
                builder.setKey(member, key)
                scanner.write(stamp, at: member, builder: &builder)
                member += 1
            }
            if event.hasTimes {
                builder.setKey(member, keys.times)
                let element = builder.open(member, .array, count: times.count)
                for (offset, time) in times.enumerated() {
                    scanner.write(time, at: element + offset, builder: &builder)
                }
            }
            builder.sortMembers(slot)
            return true
        }
        guard let (first, count) = read else { return false }
        var slot = first + count
        for name in template.events {
            guard name.key.isASCII else { return false }
            guard !(first..<(first + count)).contains(where: { builder.nodeHasKey($0, name.key) }) else { continue }
            builder.setKey(slot, name.key)
            let member = builder.open(slot, .object, count: 1)
            builder.setKey(member, keys.count)
            builder.setNumber(member, 0)
            slot += 1
        }
        builder.nodes[node].count = Int32(slot - first)
        builder.sortMembers(node)
        return !builder.hasRepeatedKey(node)
    }

    /// An event field's name from its bytes: 0 `count`, 1 `first`, 2 `last`, 3 `times`.
    private static func eventField(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        func equals(_ word: StaticString) -> Bool {
            word.utf8CodeUnitCount == key.count && (0..<key.count).allSatisfy { key[$0] == word.utf8Start[$0] }
        }
        switch key.count {
        case 4: return equals("last") ? 2 : nil
        case 5: return equals("count") ? 0 : equals("first") ? 1 : equals("times") ? 3 : nil
        default: return nil
        }
    }

    /// One event summary as ``event()`` resolves it, its times (newest first) in `times`.
    private mutating func event(times: inout [Stamp]) -> (count: Int, first: Stamp?, last: Stamp?, hasTimes: Bool)? {
        var count: Int?
        var first: Stamp?
        var last: Stamp?
        var hasTimes = false
        var seenMask = 0
        times.removeAll(keepingCapacity: true)
        guard take(0x7B) else { return nil }
        if !take(0x7D) {
            repeat {
                guard let key = rawString(), take(0x3A), let field = Self.eventField(key), seenMask & (1 << field) == 0
                else { return nil }
                seenMask |= 1 << field
                switch field {
                case 0:
                    count = self.count()
                    guard count != nil else { return nil }
                case 1:
                    first = stamp()
                    guard first != nil else { return nil }
                case 2:
                    last = stamp()
                    guard last != nil else { return nil }
                default:
                    hasTimes = true
                    guard take(0x5B) else { return nil }
                    if !take(0x5D) {
                        repeat {
                            guard let time = stamp() else { return nil }
                            times.append(time)
                        } while take(0x2C)
                        guard take(0x5D) else { return nil }
                    }
                }
            } while take(0x2C)
            guard take(0x7D) else { return nil }
        }
        let resolved = count ?? (hasTimes ? times.count : nil) ?? (first != nil || last != nil ? 1 : 0)
        if hasTimes, times.count > resolved { return nil }
        // Newest first (exports usually write them so); equal instants have equal texts.
        if !times.indices.dropFirst().allSatisfy({ times[$0 - 1].seconds >= times[$0].seconds }) {
            times.sort { $0.seconds > $1.seconds }
        }
        // As UserState.EventSummary.completing: the oldest listed time is the first only when all are listed.
        let single = resolved == 1 ? first ?? last : nil
        let summary = (
            resolved,
            first ?? (hasTimes && times.count == resolved ? times.last : nil) ?? single,
            last ?? (hasTimes ? times.first : nil) ?? single,
            hasTimes
        )
        // Only the newest are kept, as the state's summary keeps them.
        let kept = UserState.EventSummary.keptTimes
        if times.count > kept { times.removeLast(times.count - kept) }
        return summary
    }
}
