import Foundation

/// A document prepared for fast condition evaluation: the user state (or any JSON-shaped attributes)
/// laid out flat, with hashed keys, so that evaluation looks paths up without hashing strings or
/// allocating.
///
/// Build one per user state and evaluate every condition against it:
///
/// ```swift
/// let document = ConditionDocument(state.completed(with: catalog, guides: ids))
/// let eligible = audience.isSatisfied(by: document)
/// ```
///
/// Timestamps: strings that are valid ISO 8601 timestamps are also read as instants, so `$gt`, `$lt`,
/// `$newerThan` and `$olderThan` compare instants (see <doc:Targeting>). `now` is the document's `now` key
/// when it holds a timestamp, else the `now` given when building it.
public struct ConditionDocument: Sendable {
    /// What a node holds.
    enum Kind: UInt8, Sendable {
        case null, bool, number, string, array, object
    }

    /// One value of the document.
    ///
    /// Children of an array or object are contiguous, object members sorted by key hash.
    /// (32 bytes; a node's key hash is in ``hashes``.)
    struct Node: Sendable {
        /// The number of a `number` node; the instant (seconds since 1970) of a `string` node that is a
        /// timestamp, else NaN.
        var number: Double = .nan
        /// The first byte of a `string` node in ``bytes``, or the first child of an array or object.
        var first: Int32 = 0
        /// The byte length of a `string` node, or the child count of an array or object.
        var count: Int32 = 0
        /// The first byte of this node's key in ``bytes`` (in an object).
        var key: Int32 = 0
        /// The byte length of this node's key.
        var keyLength: Int32 = 0
        var kind: Kind
        /// The boolean of a `bool` node.
        var flag: Bool = false

        init(kind: Kind) { self.kind = kind }
    }

    /// One slot of the path index (16 bytes): a path's two hashes and its node (-1: empty).
    struct Slot: Sendable {
        var hash: UInt64 = 0
        var check: UInt32 = 0
        var node: Int32 = -1
    }

    /// The document's memory: immutable buffers allocated once, so that copying a document costs one
    /// reference count and evaluation reads plain memory.
    final class Storage: @unchecked Sendable {
        // @unchecked: the buffers are written in `init` only and freed in `deinit`.
        let nodes: UnsafeBufferPointer<Node>
        let hashes: UnsafeBufferPointer<UInt64>
        let index: UnsafeBufferPointer<Slot>
        let bytes: UnsafeBufferPointer<UInt8>

        init(nodes: [Node], hashes: [UInt64], index: [Slot], bytes: [UInt8]) {
            self.nodes = Self.copy(nodes)
            self.hashes = Self.copy(hashes)
            self.index = Self.copy(index)
            self.bytes = Self.copy(bytes.isEmpty ? [0] : bytes)
        }

        private static func copy<Element>(_ array: [Element]) -> UnsafeBufferPointer<Element> {
            let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(array.count, 1))
            _ = buffer.initialize(from: array)
            return UnsafeBufferPointer(start: buffer.baseAddress, count: array.count)
        }

        deinit {
            nodes.deallocate()
            hashes.deallocate()
            index.deallocate()
            bytes.deallocate()
        }
    }

    let storage: Storage
    /// The nodes; node 0 is the root.
    var nodes: UnsafeBufferPointer<Node> { storage.nodes }
    /// Each node's key hash again, densely, for lookups that touch few cache lines.
    var hashes: UnsafeBufferPointer<UInt64> { storage.hashes }
    /// Every path from the root (through objects) by its 96-bit path hash (two independent hashes, 64 and
    /// 32 bits): open addressing, linear probing, so a compiled path is found in one probe.
    var index: UnsafeBufferPointer<Slot> { storage.index }
    /// Every string and key, UTF-8, end to end.
    var bytes: UnsafeBufferPointer<UInt8> { storage.bytes }
    /// The evaluation time in seconds since 1970.
    public let now: Double

    /// Prepares a document.
    ///
    /// - Parameters:
    ///   - value: the attributes; usually an object (a user state's ``UserState/document``).
    ///   - now: the evaluation time when `value` has no `now` timestamp; defaults to the clock.
    public init(_ value: Value, now: Double? = nil) {
        var builder = Builder()
        builder.nodes.reserveCapacity(128)
        builder.hashes.reserveCapacity(128)
        builder.bytes.reserveCapacity(2_048)
        builder.nodes.append(Node(kind: .null))
        builder.hashes.append(0)
        builder.fill(0, with: value)
        storage = Storage(
            nodes: builder.nodes,
            hashes: builder.hashes,
            index: Self.pathIndex(builder.nodes, builder.hashes, builder.bytes),
            bytes: builder.bytes
        )
        var resolvedNow = now ?? Date().timeIntervalSince1970
        if case .object(let members) = value, case .string(let text)? = members["now"],
            let seconds = Timestamp.seconds(parsing: text)
        {
            resolvedNow = seconds
        }
        self.now = resolvedNow
    }

    private static func pathIndex(_ nodes: [Node], _ hashes: [UInt64], _ bytes: [UInt8]) -> [Slot] {
        var capacity = 16
        while capacity < nodes.count + nodes.count / 2 { capacity <<= 1 }
        var slots = [Slot](repeating: Slot(), count: capacity)
        let mask = capacity - 1
        func insert(_ node: Int, _ parentHash: UInt64, _ parentCheck: UInt64) {
            let value = nodes[node]
            guard value.kind == .object else { return }
            for child in Int(value.first)..<Int(value.first + value.count) {
                let hash = FieldPath.extend(parentHash, with: hashes[child])
                let keyStart = Int(nodes[child].key)
                let keyBytes = bytes[keyStart..<(keyStart + Int(nodes[child].keyLength))]
                let check = FieldPath.extend(parentCheck, with: FieldPath.check(keyBytes))
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slots[slot].node >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Slot(hash: hash, check: UInt32(truncatingIfNeeded: check), node: Int32(child))
                insert(child, hash, check)
            }
        }
        insert(0, FieldPath.rootHash, FieldPath.rootCheck)
        return slots
    }

    /// The whole document as a value.
    public var value: Value { value(at: 0) }

    /// The value at a node, rebuilt (for traces).
    func value(at index: Int32) -> Value {
        let node = nodes[Int(index)]
        switch node.kind {
        case .null: return .null
        case .bool: return .bool(node.flag)
        case .number: return .number(node.number)
        case .string: return .string(string(at: index))
        case .array:
            return .array((0..<node.count).map { value(at: node.first + $0) })
        case .object:
            var members: [String: Value] = [:]
            for child in node.first..<(node.first + node.count) {
                let member = nodes[Int(child)]
                members[text(Int(member.key), Int(member.keyLength))] = value(at: child)
            }
            return .object(members)
        }
    }

    /// The node at `path` from the node `root`, or -1 when a segment is missing or crosses a non-object.
    @inline(__always)
    func lookup(_ path: FieldPath, from root: Int32) -> Int32 {
        var current = root
        for segment in path.segments {
            current = member(segment, of: current)
            if current < 0 { return -1 }
        }
        return current
    }

    /// The member `segment` of the object node `index`, or -1.
    @inline(__always)
    func member(_ segment: FieldPath.Segment, of index: Int32) -> Int32 {
        let node = nodes[Int(index)]
        guard node.kind == .object, node.count > 0 else { return -1 }
        var low = Int(node.first)
        var high = low + Int(node.count)
        while low < high {
            let middle = (low + high) >> 1
            if hashes[middle] < segment.hash { low = middle + 1 } else { high = middle }
        }
        let end = Int(node.first + node.count)
        while low < end, hashes[low] == segment.hash {
            if bytesEqual(Int(nodes[low].key), Int(nodes[low].keyLength), segment.name) { return Int32(low) }
            low += 1
        }
        return -1
    }

    /// The string of a string node (allocates; the fast path compares bytes).
    func string(at index: Int32) -> String {
        let node = nodes[Int(index)]
        return text(Int(node.first), Int(node.count))
    }

    func text(_ start: Int, _ length: Int) -> String {
        String(decoding: bytes[start..<(start + length)], as: UTF8.self)
    }

    /// `true` when the bytes at `start` are `text`'s UTF-8.
    func bytesEqual(_ start: Int, _ length: Int, _ text: String) -> Bool {
        guard text.utf8.count == length else { return false }
        var index = start
        for byte in text.utf8 {
            if bytes[index] != byte { return false }
            index += 1
        }
        return true
    }

    private struct Builder {
        var nodes: [Node] = []
        var hashes: [UInt64] = []
        var bytes: [UInt8] = []

        mutating func append(_ text: String) -> (Int32, Int32) {
            let start = bytes.count
            bytes.append(contentsOf: text.utf8)
            return (Int32(start), Int32(bytes.count - start))
        }

        mutating func fill(_ index: Int, with value: Value) {
            switch value {
            case .null:
                nodes[index].kind = .null
            case .bool(let flag):
                nodes[index].kind = .bool
                nodes[index].flag = flag
            case .number(let number):
                nodes[index].kind = .number
                nodes[index].number = number
            case .string(let text):
                nodes[index].kind = .string
                (nodes[index].first, nodes[index].count) = append(text)
                nodes[index].number = Self.instant(text)
            case .array(let elements):
                let first = nodes.count
                nodes.append(contentsOf: repeatElement(Node(kind: .null), count: elements.count))
                hashes.append(contentsOf: repeatElement(0, count: elements.count))
                nodes[index].kind = .array
                nodes[index].first = Int32(first)
                nodes[index].count = Int32(elements.count)
                for (offset, element) in elements.enumerated() { fill(first + offset, with: element) }
            case .object(let members):
                // Sort plain (hash, position) pairs, not the members themselves.
                let pairs = Array(members)
                var order: [(hash: UInt64, position: Int)] = []
                order.reserveCapacity(pairs.count)
                for (position, pair) in pairs.enumerated() { order.append((FieldPath.hash(pair.key), position)) }
                order.sort { $0.hash < $1.hash }
                let first = nodes.count
                nodes.append(contentsOf: repeatElement(Node(kind: .null), count: order.count))
                hashes.append(contentsOf: repeatElement(0, count: order.count))
                nodes[index].kind = .object
                nodes[index].first = Int32(first)
                nodes[index].count = Int32(order.count)
                for (offset, entry) in order.enumerated() {
                    hashes[first + offset] = entry.hash
                    (nodes[first + offset].key, nodes[first + offset].keyLength) = append(pairs[entry.position].key)
                    fill(first + offset, with: pairs[entry.position].value)
                }
            }
        }

        /// The instant of a timestamp-looking string, or NaN (cheap rejection before parsing).
        static func instant(_ text: String) -> Double {
            guard text.utf8.count >= 10, let first = text.utf8.first, first >= 0x30, first <= 0x39 else {
                return .nan
            }
            var text = text  // no copy of the bytes: withUTF8 reads a native string in place
            return text.withUTF8 { Timestamp.seconds(parsing: UnsafeRawBufferPointer($0)) } ?? .nan
        }
    }
}
