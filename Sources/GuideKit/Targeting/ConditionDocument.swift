import Foundation

/// A document prepared for fast condition evaluation: the user state (or any JSON-shaped attributes)
/// laid out flat, with hashed keys, so that evaluation looks paths up without hashing strings or
/// allocating.
///
/// Build one per user state and evaluate every condition against it:
///
/// ```swift
/// let document = ConditionDocument(state, completedWith: catalog, guides: ids, now: now)
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
        builder.reset()
        builder.fill(0, with: value)
        var resolvedNow = now ?? Date().timeIntervalSince1970
        if case .object(let members) = value, case .string(let text)? = members["now"],
            let seconds = Timestamp.seconds(parsing: text)
        {
            resolvedNow = seconds
        }
        self = builder.finish(now: resolvedNow)
    }

    init(storage: Storage, now: Double) {
        self.storage = storage
        self.now = now
    }

    /// The whole document as a value.
    public var value: Value { value(at: 0) }

    /// Every node by its path from the root (`events.login.first`, array elements as `times[0]`): its kind,
    /// value and instant, and whether the path index finds it; for tests that compare two ways of building
    /// the same document.
    package var layout: [String: String] {
        var result: [String: String] = [:]
        func visit(_ node: Int32, _ path: String, _ hash: UInt64, _ check: UInt64, indexed: Bool) {
            let value = nodes[Int(node)]
            var found = "-"
            if indexed {
                found = "missing"
                let mask = index.count - 1
                var slot = Int(truncatingIfNeeded: hash) & mask
                while index[slot].node >= 0 {
                    if index[slot].hash == hash, index[slot].check == UInt32(truncatingIfNeeded: check) {
                        found = index[slot].node == node ? "indexed" : "wrong node"
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
            let instant = value.kind == .string && !value.number.isNaN ? " @\(value.number)" : ""
            switch value.kind {
            case .object:
                result[path] = "object(\(value.count)) \(found)"
                for child in value.first..<(value.first + value.count) {
                    let member = nodes[Int(child)]
                    let key = text(Int(member.key), Int(member.keyLength))
                    visit(
                        child,
                        path.isEmpty ? key : path + "." + key,
                        FieldPath.extend(hash, with: FieldPath.hash(key)),
                        FieldPath.extend(check, with: FieldPath.check(key)),
                        indexed: indexed
                    )
                }
            case .array:
                result[path] = "array(\(value.count)) \(found)"
                for offset in 0..<value.count {
                    visit(value.first + offset, path + "[\(offset)]", 0, 0, indexed: false)
                }
            default:
                result[path] = "\(value.kind) \(self.value(at: node))\(instant) \(found)"
            }
        }
        visit(0, "", FieldPath.rootHash, FieldPath.rootCheck, indexed: false)
        result[""] = (result[""] ?? "") + " now \(now)"
        return result
    }

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
}
