/// The value tests conditions apply to document nodes.
extension ConditionDocument {
    /// `true` when `body` holds for the node, or for some element when the node is an array.
    @inline(__always)
    func anyElement(_ node: Int32, _ body: (Int32) -> Bool) -> Bool {
        guard node >= 0 else { return false }
        let value = nodes[Int(node)]
        guard value.kind == .array else { return body(node) }
        for element in value.first..<(value.first + value.count) where body(element) { return true }
        return false
    }

    @inline(__always)
    func isString(_ node: Int32) -> Bool { nodes[Int(node)].kind == .string }

    /// Equality with GrowthBook's missing-is-null rule; an array matches a non-array value when an
    /// element equals it.
    func equalsAnyElement(_ node: Int32, _ expected: Value) -> Bool {
        guard node >= 0 else { return expected == .null }
        if nodes[Int(node)].kind == .array, !expected.isArray {
            return anyElement(node) { equals($0, expected) }
        }
        return equals(node, expected)
    }

    /// Deep equality of a node and a value; strings by code units; numbers never equal booleans.
    func equals(_ node: Int32, _ expected: Value) -> Bool {
        let value = nodes[Int(node)]
        switch (value.kind, expected) {
        case (.null, .null): return true
        case (.bool, .bool(let flag)): return value.flag == flag
        case (.number, .number(let number)): return value.number == number
        case (.string, .string(let text)): return bytesEqual(Int(value.first), Int(value.count), text)
        case (.array, .array(let items)):
            guard Int(value.count) == items.count else { return false }
            for (offset, item) in items.enumerated() where !equals(value.first + Int32(offset), item) { return false }
            return true
        case (.object, .object(let members)):
            guard Int(value.count) == members.count else { return false }
            for (key, member) in members {
                let child = self.member(FieldPath.Segment(name: key, hash: FieldPath.hash(key)), of: node)
                guard child >= 0, equals(child, member) else { return false }
            }
            return true
        default: return false
        }
    }

    /// The order of a node against a value, or `nil` when they do not order.
    ///
    /// Different types, nulls, arrays and objects never order. Two timestamps compare as instants; other strings by UTF-16 code units.
    func order(_ node: Int32, _ expected: Value, _ expectedInstant: Double) -> Int? {
        let value = nodes[Int(node)]
        switch (value.kind, expected) {
        case (.number, .number(let number)):
            if value.number < number { return -1 }
            if value.number > number { return 1 }
            return value.number == number ? 0 : nil
        case (.string, .string(let text)):
            if !value.number.isNaN, !expectedInstant.isNaN {
                return value.number < expectedInstant ? -1 : (value.number > expectedInstant ? 1 : 0)
            }
            return TextOrder.compare(string(at: node), text)
        default:
            // Booleans, null, arrays and objects never order (GrowthBook 4.0.0: only two numbers or two
            // strings do).
            return nil
        }
    }

    /// GrowthBook's `isIn`: an array intersects the list; anything else (missing reads as null) must be in
    /// it.
    func isIn(_ node: Int32, _ members: [Value], folded: Bool) -> Bool {
        if node < 0 { return members.contains(.null) }
        if nodes[Int(node)].kind == .array {
            let array = nodes[Int(node)]
            for element in array.first..<(array.first + array.count) where contains(members, element, folded) {
                return true
            }
            return false
        }
        return contains(members, node, folded)
    }

    private func contains(_ members: [Value], _ node: Int32, _ folded: Bool) -> Bool {
        if folded, nodes[Int(node)].kind == .string {
            let text = string(at: node).lowercased()
            for member in members {
                if case .string(let candidate) = member, TextOrder.isEqual(candidate, text) { return true }
            }
            return false
        }
        for member in members where equals(node, member) { return true }
        return false
    }

    /// GrowthBook's `getType` names; missing reads as null.
    func typeName(_ node: Int32) -> String {
        guard node >= 0 else { return "null" }
        switch nodes[Int(node)].kind {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The version texts to compare for the node at `node` against a version operand, or `nil`.
    ///
    /// A string compares with `text`, a number (as JavaScript writes it) with `number`; `nil` when the
    /// types differ (an empty version reads as `0`, as in GrowthBook).
    func versionTexts(_ node: Int32, text: String?, number: String?) -> (String, String)? {
        guard node >= 0 else { return nil }
        let value = nodes[Int(node)]
        switch value.kind {
        case .string:
            guard let text else { return nil }
            let actual = string(at: node)
            return (actual.isEmpty ? "0" : actual, text.isEmpty ? "0" : text)
        case .number:
            guard let number else { return nil }
            return (value.number.javaScriptText, number)
        default: return nil
        }
    }

    /// The instant of a timestamp string node, else NaN.
    @inline(__always)
    func instant(_ node: Int32) -> Double {
        let value = nodes[Int(node)]
        return value.kind == .string ? value.number : .nan
    }

    /// How many times the event at `node` (`events.<name>`) was performed, in the window when given.
    ///
    /// Without a window: `count`. With one, `(now − within, now]`:
    /// - `times` lists all `count` times: those in the window (exact).
    /// - `times` lists fewer (a state keeps the newest ``UserState/EventSummary/keptTimes``): the listed
    ///   times in the window, plus the unlisted ones when they must all be in it too. The unlisted are
    ///   older than every listed time and not older than `first`, so they are all in the window when `first`
    ///   is after the window's start and the oldest listed time not after `now`, all outside when the oldest
    ///   listed time is not after the start; otherwise (the window starts between `first` and the oldest
    ///   listed time, or `first` is unknown) only the listed ones are counted: a lower bound, which still
    ///   decides `atLeast` ≤ the number listed and `atMost` below it exactly.
    /// - no `times` (or an empty list with a count): the estimate from `first` and `last`: all of `count`
    ///   if `first` is in the window, one if only `last` is, none otherwise.
    ///
    /// A missing event was never performed. Both evaluators (``Program`` and the clause tree) and the trace
    /// call this one function, so they agree.
    func performedCount(_ node: Int32, within: Double?) -> Int {
        guard node >= 0, nodes[Int(node)].kind == .object else { return 0 }
        let countNode = member(Self.countKey, of: node)
        let count =
            countNode >= 0 && nodes[Int(countNode)].kind == .number ? nodes[Int(countNode)].number.clampedInt : 0
        guard let within else { return count }
        let start = now - within
        let first = member(Self.firstKey, of: node)
        let firstInstant = first >= 0 ? instant(first) : .nan
        let times = member(Self.timesKey, of: node)
        if times >= 0, nodes[Int(times)].kind == .array, nodes[Int(times)].count > 0 || count == 0 {
            let array = nodes[Int(times)]
            var inside = 0
            var oldest = Double.infinity
            for element in array.first..<(array.first + array.count) {
                let instant = instant(element)
                if instant > start, instant <= now { inside += 1 }
                if instant < oldest { oldest = instant }
            }
            let unlisted = count - Int(array.count)
            guard unlisted > 0, oldest > start else { return inside }
            // Every unlisted time is in [first, oldest]: inside the window when that span is.
            if firstInstant > start, oldest <= now { return inside + unlisted }
            return inside
        }
        guard count > 0 else { return 0 }
        if firstInstant > start, firstInstant <= now { return count }
        let last = member(Self.lastKey, of: node)
        if last >= 0, instant(last) > start, instant(last) <= now { return 1 }
        return 0
    }

    private static let countKey = FieldPath.Segment(name: "count", hash: FieldPath.hash("count"))
    private static let timesKey = FieldPath.Segment(name: "times", hash: FieldPath.hash("times"))
    private static let firstKey = FieldPath.Segment(name: "first", hash: FieldPath.hash("first"))
    private static let lastKey = FieldPath.Segment(name: "last", hash: FieldPath.hash("last"))
}

extension Value {
    var isArray: Bool {
        if case .array = self { return true }
        return false
    }
}
