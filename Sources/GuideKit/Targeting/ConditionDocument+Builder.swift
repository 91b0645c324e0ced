import Foundation

extension ConditionDocument {
    /// A key as the builder writes it: where its bytes are and its two hashes.
    struct Key: Sendable {
        var offset: Int32
        var length: Int32
        /// ``FieldPath/hash(_:)`` of the key.
        var hash: UInt64
        /// ``FieldPath/check(_:)-(String)`` of the key.
        var check: UInt64
        /// Whether every byte is ASCII (keys that are not may equal others as Swift strings do, by
        /// canonical equivalence, without equal bytes).
        var isASCII: Bool
    }

    /// The buffers a document is built in, reusable from one document to the next (population runs keep
    /// one and build every user's document in it, so that building allocates only the finished storage).
    ///
    /// Objects are laid out as ``Node`` describes: a parent reserves its members' slots contiguously, each
    /// member is filled (its own children appended after), and the members are then sorted by key hash in
    /// place (nodes refer to their children by absolute position, so moving a member moves its subtree).
    package struct Builder: Sendable {
        var nodes: [Node] = []
        var hashes: [UInt64] = []
        /// Each node's key check (``FieldPath/check(_:)-(String)``), for the path index.
        var checks: [UInt64] = []
        var bytes: [UInt8] = []
        var slots: [Slot] = []

        /// Creates empty buffers.
        package init() {}

        /// Empties the buffers (keeping their capacity), writes `prefix` as the first bytes and adds the root.
        mutating func reset(prefix: [UInt8] = []) {
            nodes.removeAll(keepingCapacity: true)
            hashes.removeAll(keepingCapacity: true)
            checks.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: true)
            if nodes.capacity < 128 {
                nodes.reserveCapacity(128)
                hashes.reserveCapacity(128)
                checks.reserveCapacity(128)
                bytes.reserveCapacity(2_048)
            }
            bytes.append(contentsOf: prefix)
            nodes.append(Node(kind: .null))
            hashes.append(0)
            checks.append(0)
        }

        /// Makes `parent` an array or object of `count` children and appends their (null) slots.
        ///
        /// - Returns: the first child's position.
        mutating func open(_ parent: Int, _ kind: Kind, count: Int) -> Int {
            let first = nodes.count
            nodes.append(contentsOf: repeatElement(Node(kind: .null), count: count))
            hashes.append(contentsOf: repeatElement(0, count: count))
            checks.append(contentsOf: repeatElement(0, count: count))
            nodes[parent].kind = kind
            nodes[parent].first = Int32(first)
            nodes[parent].count = Int32(count)
            return first
        }

        /// Writes a key's bytes and hashes it.
        mutating func key(_ text: String) -> Key {
            let start = bytes.count
            bytes.append(contentsOf: text.utf8)
            return hashKey(start)
        }

        /// Writes a key given as bytes and hashes it (the key of ``key(_:)-(String)`` for the same UTF-8).
        mutating func key(bytes text: UnsafeBufferPointer<UInt8>) -> Key {
            let start = bytes.count
            bytes.append(contentsOf: text)
            return hashKey(start)
        }

        /// The key of the bytes from `start` to the end.
        private func hashKey(_ start: Int) -> Key {
            let end = bytes.count
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var check: UInt64 = 0x3c6e_f372_fe94_f82b
            var high: UInt8 = 0
            bytes.withUnsafeBufferPointer { buffer in
                for position in start..<end {
                    high |= buffer[position]
                    let byte = UInt64(buffer[position])
                    hash = (hash ^ byte) &* 0x100_0000_01b3
                    check = (check ^ byte) &* 0x9e37_79b9_7f4a_7c15
                    check ^= check >> 29
                }
            }
            return Key(
                offset: Int32(start),
                length: Int32(end - start),
                hash: hash,
                check: check ^ UInt64(end - start),
                isASCII: high < 0x80
            )
        }

        @inline(__always)
        mutating func setKey(_ node: Int, _ key: Key) {
            nodes[node].key = key.offset
            nodes[node].keyLength = key.length
            hashes[node] = key.hash
            checks[node] = key.check
        }

        /// `true` when the key of `node` is `key`.
        @inline(__always)
        func nodeHasKey(_ node: Int, _ key: Key) -> Bool {
            hashes[node] == key.hash
                && sameBytes(storedKey(of: node), key)
        }

        /// The key a member was given, as a ``Key`` to compare bytes with (``sameBytes(_:_:)``).
        private func storedKey(of node: Int) -> Key {
            Key(offset: nodes[node].key, length: nodes[node].keyLength, hash: 0, check: 0, isASCII: true)
        }

        /// Adds a timestamp member `key` when there is an instant, and moves `member` on.
        @inline(__always)
        mutating func addTimestamp(_ member: inout Int, _ key: Key, seconds: Double?) {
            guard let seconds else { return }
            setKey(member, key)
            setTimestamp(member, seconds: seconds)
            member += 1
        }

        /// Adds a timestamp member `key` when there is a date, and moves `member` on.
        @inline(__always)
        mutating func addTimestamp(_ member: inout Int, _ key: Key, _ date: Date?) {
            guard let date else { return }
            setKey(member, key)
            setTimestamp(member, seconds: date.timeIntervalSince1970)
            member += 1
        }

        /// The text of a written key.
        func text(of key: Key) -> String {
            bytes.withUnsafeBufferPointer { buffer in
                String(decoding: buffer[Int(key.offset)..<Int(key.offset + key.length)], as: UTF8.self)
            }
        }

        /// Whether two members of the object `parent`, sorted by ``sortMembers(_:)``, have the same key
        /// bytes.
        func hasRepeatedKey(_ parent: Int) -> Bool {
            let first = Int(nodes[parent].first)
            let end = first + Int(nodes[parent].count)
            guard end - first > 1 else { return false }
            for position in (first + 1)..<end where hashes[position] == hashes[position - 1] {
                let key = storedKey(of: position)
                // Equal hashes sort next to each other; a long run of them (made on purpose) is called
                // repeated rather than compared pair by pair.
                var other = position - 1
                while other >= first, hashes[other] == hashes[position] {
                    if position - other > 8 { return true }
                    if sameBytes(key, storedKey(of: other)) { return true }
                    other -= 1
                }
            }
            return false
        }

        /// `true` when two written keys have the same bytes.
        func sameBytes(_ key: Key, _ other: Key) -> Bool {
            guard key.length == other.length else { return false }
            let start = Int(key.offset)
            let otherStart = Int(other.offset)
            for offset in 0..<Int(key.length) where bytes[start + offset] != bytes[otherStart + offset] {
                return false
            }
            return true
        }

        @inline(__always)
        mutating func setNumber(_ node: Int, _ number: Double) {
            nodes[node].kind = .number
            nodes[node].number = number
        }

        /// A string node; read as an instant too when it is a timestamp.
        mutating func setString(_ node: Int, _ text: String) {
            let start = bytes.count
            bytes.append(contentsOf: text.utf8)
            nodes[node].kind = .string
            nodes[node].first = Int32(start)
            nodes[node].count = Int32(bytes.count - start)
            nodes[node].number = instant(start, bytes.count)
        }

        /// A string node of UTF-8 bytes as read from JSON: the node ``setString(_:_:)`` writes for the
        /// string those bytes decode to (bytes that are not UTF-8 are repaired as decoding repairs them).
        mutating func setString(_ node: Int, bytes text: UnsafeBufferPointer<UInt8>) {
            var high: UInt8 = 0
            for byte in text { high |= byte }
            guard high < 0x80 else { return setString(node, String(decoding: text, as: UTF8.self)) }
            let start = bytes.count
            bytes.append(contentsOf: text)
            nodes[node].kind = .string
            nodes[node].first = Int32(start)
            nodes[node].count = Int32(bytes.count - start)
            nodes[node].number = instant(start, bytes.count)
        }

        @inline(__always)
        mutating func setBool(_ node: Int, _ flag: Bool) {
            nodes[node].kind = .bool
            nodes[node].flag = flag
        }

        /// A string node whose bytes are already written (a constant in the prefix) and is no timestamp.
        @inline(__always)
        mutating func setConstant(_ node: Int, _ key: Key) {
            nodes[node].kind = .string
            nodes[node].first = key.offset
            nodes[node].count = key.length
            nodes[node].number = .nan
        }

        /// A timestamp node: exactly the text ``Timestamp/string(fromSeconds:)`` writes, and the instant
        /// ``Timestamp/seconds(parsing:)-(UnsafeRawBufferPointer)`` reads from it, computed with the same
        /// floating-point steps instead of parsing.
        mutating func setTimestamp(_ node: Int, seconds: Double) {
            let start = bytes.count
            // A date past any calendar (a library caller's `Date(timeIntervalSince1970: 1e300)`) is clamped
            // to ±10^14 s, about three million years, where the integer arithmetic below cannot overflow.
            let seconds = Timestamp.clampedSeconds(seconds)
            let whole = seconds.rounded(.down)
            let millis = Int(((seconds - whole) * 1_000).rounded())
            let total = Int(whole) + (millis == 1_000 ? 1 : 0)
            let days = Int((Double(total) / 86_400).rounded(.down))
            let clock = total - days * 86_400
            let (year, month, day) = Timestamp.civilFromDays(days)
            var instant = Double.nan
            if (0...9_999).contains(year) {
                let hasMillis = millis > 0 && millis < 1_000
                // `2026-11-23T10:00:00Z` or `2026-11-23T10:00:00.123Z`, written on the stack, appended at once.
                var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
                let length = hasMillis ? 24 : 20
                withUnsafeMutableBytes(of: &text) { raw in
                    func pair(_ value: Int, at offset: Int) {
                        raw[offset] = UInt8(truncatingIfNeeded: 0x30 + value / 10)
                        raw[offset + 1] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
                    }
                    pair(year / 100, at: 0)
                    pair(year % 100, at: 2)
                    raw[4] = 0x2D
                    pair(month, at: 5)
                    raw[7] = 0x2D
                    pair(day, at: 8)
                    raw[10] = 0x54
                    pair(clock / 3_600, at: 11)
                    raw[13] = 0x3A
                    pair(clock % 3_600 / 60, at: 14)
                    raw[16] = 0x3A
                    pair(clock % 60, at: 17)
                    if hasMillis {
                        raw[19] = 0x2E
                        raw[20] = UInt8(truncatingIfNeeded: 0x30 + millis / 100)
                        pair(millis % 100, at: 21)
                        raw[23] = 0x5A
                    } else {
                        raw[19] = 0x5A
                    }
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<length]))
                }
                // What parsing the text gives, step for step: whole seconds, then the fraction digit by digit.
                var fraction = 0.0
                if hasMillis {
                    var scale = 0.1
                    fraction += Double(millis / 100) * scale
                    scale /= 10
                    fraction += Double(millis / 10 % 10) * scale
                    scale /= 10
                    fraction += Double(millis % 10) * scale
                }
                instant = Double(days) * 86_400 + Double(clock) + fraction
            } else {
                bytes.append(contentsOf: Timestamp.string(fromSeconds: seconds).utf8)
                instant = self.instant(start, bytes.count)
            }
            nodes[node].kind = .string
            nodes[node].first = Int32(start)
            nodes[node].count = Int32(bytes.count - start)
            nodes[node].number = instant
        }

        /// A timestamp node of text in the form ``setTimestamp(_:seconds:)`` writes, copied
        /// (``Timestamp/canonicalSeconds(_:)`` read `instant` from it; writing the instant again gives the
        /// same text).
        mutating func setTimestamp(_ node: Int, text: UnsafeBufferPointer<UInt8>, instant: Double) {
            let start = bytes.count
            bytes.append(contentsOf: text)
            nodes[node].kind = .string
            nodes[node].first = Int32(start)
            nodes[node].count = Int32(text.count)
            nodes[node].number = instant
        }

        /// The instant of the bytes `start..<end` when they are a timestamp, or NaN (cheap rejection first).
        func instant(_ start: Int, _ end: Int) -> Double {
            guard end - start >= 10, bytes[start] >= 0x30, bytes[start] <= 0x39 else { return .nan }
            return bytes.withUnsafeBytes { raw in
                Timestamp.seconds(parsing: UnsafeRawBufferPointer(rebasing: raw[start..<end])) ?? .nan
            }
        }

        /// Fills `index` with a value.
        mutating func fill(_ index: Int, with value: Value) {
            switch value {
            case .null:
                nodes[index].kind = .null
            case .bool(let flag):
                nodes[index].kind = .bool
                nodes[index].flag = flag
            case .number(let number):
                setNumber(index, number)
            case .string(let text):
                setString(index, text)
            case .array(let elements):
                let first = open(index, .array, count: elements.count)
                for (offset, element) in elements.enumerated() { fill(first + offset, with: element) }
            case .object(let members):
                fillObject(index, members, timestamps: [])
            }
        }

        /// Fills `index` with an object; members named in `timestamps` that hold a timestamp string are
        /// rewritten in UTC form (as ``UserState/completed(with:guides:now:)`` does for timestamp attributes).
        mutating func fillObject(_ index: Int, _ members: [String: Value], timestamps: [Template.Name]) {
            let first = open(index, .object, count: members.count)
            var slot = first
            for (name, value) in members {
                let key = key(name)
                setKey(slot, key)
                if !timestamps.isEmpty, case .string(let text) = value,
                    timestamps.contains(where: { $0.matches(name, key, in: self) }),
                    let seconds = Timestamp.seconds(parsing: text)
                {
                    setTimestamp(slot, seconds: seconds)
                } else {
                    fill(slot, with: value)
                }
                slot += 1
            }
            sortMembers(index)
        }

        /// Sorts the members of the object `parent` by key hash.
        mutating func sortMembers(_ parent: Int) {
            let first = Int(nodes[parent].first)
            let end = first + Int(nodes[parent].count)
            guard end - first > 1 else { return }
            // Insertion sort is fastest for the few members most objects have; a wide object (a state
            // with 20,000 attributes) is sorted in n log n instead of n².
            guard end - first <= 32 else {
                let order = (first..<end).sorted { (hashes[$0], $0) < (hashes[$1], $1) }
                let sortedNodes = order.map { nodes[$0] }
                let sortedHashes = order.map { hashes[$0] }
                let sortedChecks = order.map { checks[$0] }
                nodes.replaceSubrange(first..<end, with: sortedNodes)
                hashes.replaceSubrange(first..<end, with: sortedHashes)
                checks.replaceSubrange(first..<end, with: sortedChecks)
                return
            }
            nodes.withUnsafeMutableBufferPointer { nodes in
                hashes.withUnsafeMutableBufferPointer { hashes in
                    checks.withUnsafeMutableBufferPointer { checks in
                        for position in (first + 1)..<end {
                            let hash = hashes[position]
                            guard hash < hashes[position - 1] else { continue }
                            let node = nodes[position]
                            let check = checks[position]
                            var target = position
                            while target > first, hashes[target - 1] > hash {
                                nodes[target] = nodes[target - 1]
                                hashes[target] = hashes[target - 1]
                                checks[target] = checks[target - 1]
                                target -= 1
                            }
                            nodes[target] = node
                            hashes[target] = hash
                            checks[target] = check
                        }
                    }
                }
            }
        }

        /// Indexes every path from the root and copies the buffers into a document's storage.
        mutating func finish(now: Double) -> ConditionDocument {
            var capacity = 16
            while capacity < nodes.count + nodes.count / 2 { capacity <<= 1 }
            slots.removeAll(keepingCapacity: true)
            slots.append(contentsOf: repeatElement(Slot(), count: capacity))
            nodes.withUnsafeBufferPointer { nodes in
                hashes.withUnsafeBufferPointer { hashes in
                    checks.withUnsafeBufferPointer { checks in
                        slots.withUnsafeMutableBufferPointer { slots in
                            Self.index(0, FieldPath.rootHash, FieldPath.rootCheck, nodes, hashes, checks, slots)
                        }
                    }
                }
            }
            return ConditionDocument(
                storage: Storage(nodes: nodes, hashes: hashes, index: slots, bytes: bytes),
                now: now
            )
        }

        private static func index(
            _ node: Int,
            _ parentHash: UInt64,
            _ parentCheck: UInt64,
            _ nodes: UnsafeBufferPointer<Node>,
            _ hashes: UnsafeBufferPointer<UInt64>,
            _ checks: UnsafeBufferPointer<UInt64>,
            _ slots: UnsafeMutableBufferPointer<Slot>
        ) {
            let value = nodes[node]
            guard value.kind == .object else { return }
            let mask = slots.count - 1
            for child in Int(value.first)..<Int(value.first + value.count) {
                let hash = FieldPath.extend(parentHash, with: hashes[child])
                let check = FieldPath.extend(parentCheck, with: checks[child])
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slots[slot].node >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Slot(hash: hash, check: UInt32(truncatingIfNeeded: check), node: Int32(child))
                if nodes[child].kind == .object { index(child, hash, check, nodes, hashes, checks, slots) }
            }
        }
    }
}
