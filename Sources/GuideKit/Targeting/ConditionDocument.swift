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

    /// One value of the document. Children of an array or object are contiguous, object members sorted
    /// by key hash.
    struct Node: Sendable {
        var kind: Kind
        /// The boolean of a `bool` node.
        var flag: Bool = false
        /// The number of a `number` node; the instant (seconds since 1970) of a `string` node that is a
        /// timestamp, else NaN.
        var number: Double = .nan
        /// The string index of a `string` node, or the first child of an array or object.
        var first: Int32 = 0
        /// The child count of an array or object.
        var count: Int32 = 0
        /// The hash of this node's key in its object.
        var keyHash: UInt64 = 0
        /// The string index of this node's key in its object, or -1.
        var key: Int32 = -1
    }

    var nodes: [Node] = []
    var strings: [String] = []
    /// The evaluation time in seconds since 1970.
    public let now: Double

    /// Prepares a document.
    ///
    /// - Parameters:
    ///   - value: the attributes; usually an object (a user state's ``UserState/document``).
    ///   - now: the evaluation time when `value` has no `now` timestamp; defaults to the clock.
    public init(_ value: Value, now: Double? = nil) {
        var builder = Builder()
        builder.nodes.append(Node(kind: .null))
        builder.fill(0, with: value)
        nodes = builder.nodes
        strings = builder.strings
        var resolvedNow = now ?? Date().timeIntervalSince1970
        if case .object(let members) = value, case .string(let text)? = members["now"],
            let seconds = Timestamp.seconds(parsing: text)
        {
            resolvedNow = seconds
        }
        self.now = resolvedNow
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
        case .string: return .string(strings[Int(node.first)])
        case .array:
            return .array((0..<node.count).map { value(at: node.first + $0) })
        case .object:
            var members: [String: Value] = [:]
            for child in node.first..<(node.first + node.count) {
                members[strings[Int(nodes[Int(child)].key)]] = value(at: child)
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
            if nodes[middle].keyHash < segment.hash { low = middle + 1 } else { high = middle }
        }
        let end = Int(node.first + node.count)
        while low < end, nodes[low].keyHash == segment.hash {
            if TextOrder.isEqual(strings[Int(nodes[low].key)], segment.name) { return Int32(low) }
            low += 1
        }
        return -1
    }

    /// The string of a string node.
    @inline(__always)
    func string(at index: Int32) -> String { strings[Int(nodes[Int(index)].first)] }

    private struct Builder {
        var nodes: [Node] = []
        var strings: [String] = []

        mutating func intern(_ text: String) -> Int32 {
            strings.append(text)
            return Int32(strings.count - 1)
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
                nodes[index].first = intern(text)
                nodes[index].number = Self.instant(text)
            case .array(let elements):
                let first = nodes.count
                nodes.append(contentsOf: repeatElement(Node(kind: .null), count: elements.count))
                nodes[index].kind = .array
                nodes[index].first = Int32(first)
                nodes[index].count = Int32(elements.count)
                for (offset, element) in elements.enumerated() { fill(first + offset, with: element) }
            case .object(let members):
                let sorted = members.map { (hash: FieldPath.hash($0.key), key: $0.key, value: $0.value) }
                    .sorted { $0.hash < $1.hash }
                let first = nodes.count
                nodes.append(contentsOf: repeatElement(Node(kind: .null), count: sorted.count))
                nodes[index].kind = .object
                nodes[index].first = Int32(first)
                nodes[index].count = Int32(sorted.count)
                for (offset, member) in sorted.enumerated() {
                    nodes[first + offset].keyHash = member.hash
                    nodes[first + offset].key = intern(member.key)
                    fill(first + offset, with: member.value)
                }
            }
        }

        /// The instant of a timestamp-looking string, or NaN (cheap rejection before parsing).
        static func instant(_ text: String) -> Double {
            guard text.utf8.count >= 10, let first = text.utf8.first, first >= 0x30, first <= 0x39 else {
                return .nan
            }
            return Timestamp.seconds(parsing: text) ?? .nan
        }
    }
}
