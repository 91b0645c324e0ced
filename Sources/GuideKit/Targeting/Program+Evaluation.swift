import Foundation

extension Program {
    /// Evaluates the program against a document.
    func isSatisfied(by document: ConditionDocument) -> Bool {
        instructions.withUnsafeBufferPointer { instructions in
            keys.withUnsafeBufferPointer { keys in
                bytes.withUnsafeBufferPointer { bytes in
                    document.nodes.withUnsafeBufferPointer { nodes in
                        document.bytes.withUnsafeBufferPointer { text in
                            let machine = Machine(
                                instructions: instructions,
                                keys: keys,
                                bytes: bytes,
                                nodes: nodes,
                                text: text,
                                now: document.now,
                                program: self,
                                document: document
                            )
                            return machine.clause(0, 0)
                        }
                    }
                }
            }
        }
    }
}

/// The evaluator over raw buffers. Valid only inside ``Program/isSatisfied(by:)``.
private struct Machine {
    let instructions: UnsafeBufferPointer<Program.Instruction>
    let keys: UnsafeBufferPointer<Program.Key>
    let bytes: UnsafeBufferPointer<UInt8>
    let nodes: UnsafeBufferPointer<ConditionDocument.Node>
    let text: UnsafeBufferPointer<UInt8>
    let now: Double
    let program: Program
    let document: ConditionDocument

    func clause(_ index: Int, _ root: Int32) -> Bool {
        let instruction = instructions[index]
        switch instruction.code {
        case .field:
            return test(Int(instruction.c), lookup(Int(instruction.a), Int(instruction.b), root))
        case .and:
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if !clause(child, root) { return false }
                child += 1
            }
            return true
        case .or:
            if instruction.b == 0 { return true }
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if clause(child, root) { return true }
                child += 1
            }
            return false
        case .nor:
            if instruction.b == 0 { return false }
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if clause(child, root) { return false }
                child += 1
            }
            return true
        case .not:
            return !clause(Int(instruction.a), root)
        default:
            return false
        }
    }

    @inline(__always)
    func lookup(_ firstKey: Int, _ count: Int, _ root: Int32) -> Int32 {
        var current = Int(root)
        var keyIndex = firstKey
        let end = firstKey + count
        while keyIndex < end {
            let node = nodes[current]
            guard node.kind == .object, node.count > 0 else { return -1 }
            let key = keys[keyIndex]
            var low = Int(node.first)
            var high = low + Int(node.count)
            while low < high {
                let middle = (low + high) >> 1
                if nodes[middle].keyHash < key.hash { low = middle + 1 } else { high = middle }
            }
            let limit = Int(node.first + node.count)
            var found = -1
            while low < limit, nodes[low].keyHash == key.hash {
                if nodes[low].keyLength == key.length
                    && equalBytes(text, Int(nodes[low].key), bytes, Int(key.start), Int(key.length))
                {
                    found = low
                    break
                }
                low += 1
            }
            if found < 0 { return -1 }
            current = found
            keyIndex += 1
        }
        return Int32(current)
    }

    @inline(__always)
    func equalBytes(
        _ left: UnsafeBufferPointer<UInt8>,
        _ leftStart: Int,
        _ right: UnsafeBufferPointer<UInt8>,
        _ rightStart: Int,
        _ length: Int
    ) -> Bool {
        guard length > 0, let a = left.baseAddress, let b = right.baseAddress else { return true }
        return memcmp(a + leftStart, b + rightStart, length) == 0
    }

    @inline(__always)
    func slice(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> UnsafeBufferPointer<UInt8> {
        guard let base = buffer.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base + start, count: length)
    }

    @inline(__always)
    func ordered(_ order: Int, _ flag: UInt8) -> Bool {
        switch Program.Order(rawValue: flag) {
        case .less: order < 0
        case .lessOrEqual: order <= 0
        case .greater: order > 0
        case .greaterOrEqual: order >= 0
        default: order == 0
        }
    }

    func test(_ index: Int, _ node: Int32) -> Bool {
        let instruction = instructions[index]
        switch instruction.code {
        case .equalNull:
            return node < 0 || anyElement(node) { nodes[Int($0)].kind == .null }
        case .equalBool, .equalNumber, .equalString, .orderNumber, .orderString, .orderBool, .version, .newer,
            .older:
            guard node >= 0 else { return false }
            return anyElement(node) { scalar(instruction, $0) }
        case .all:
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if !test(child, node) { return false }
                child += 1
            }
            return true
        case .anyOf:
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if test(child, node) { return true }
                child += 1
            }
            return false
        case .negate:
            return !test(Int(instruction.a), node)
        case .exists:
            let present = node >= 0 && nodes[Int(node)].kind != .null
            return present == (instruction.flag == 1)
        case .performed:
            let count = document.performedCount(node, within: instruction.z < 0 ? nil : instruction.z)
            if instruction.x >= 0, Double(count) < instruction.x { return false }
            if instruction.y >= 0, Double(count) > instruction.y { return false }
            return true
        case .fallback:
            return program.fallbacks[Int(instruction.a)].passes(document, node)
        default:
            return false
        }
    }

    /// An array node passes when an element does (except null equality, handled by the caller).
    @inline(__always)
    func anyElement(_ node: Int32, _ body: (Int32) -> Bool) -> Bool {
        let value = nodes[Int(node)]
        guard value.kind == .array else { return body(node) }
        var element = value.first
        let end = value.first + value.count
        while element < end {
            if body(element) { return true }
            element += 1
        }
        return false
    }

    @inline(__always)
    func scalar(_ instruction: Program.Instruction, _ node: Int32) -> Bool {
        let value = nodes[Int(node)]
        switch instruction.code {
        case .equalBool:
            return value.kind == .bool && value.flag == (instruction.flag == 1)
        case .equalNumber:
            return value.kind == .number && value.number == instruction.x
        case .equalString:
            return value.kind == .string && value.count == instruction.b
                && equalBytes(text, Int(value.first), bytes, Int(instruction.a), Int(instruction.b))
        case .orderNumber:
            guard value.kind == .number, !value.number.isNaN, !instruction.x.isNaN else { return false }
            return ordered(value.number < instruction.x ? -1 : (value.number > instruction.x ? 1 : 0), instruction.flag)
        case .orderString:
            guard value.kind == .string else { return false }
            if !value.number.isNaN, !instruction.x.isNaN {
                return ordered(
                    value.number < instruction.x ? -1 : (value.number > instruction.x ? 1 : 0),
                    instruction.flag
                )
            }
            let order = TextOrder.compareUTF8(
                slice(text, Int(value.first), Int(value.count)),
                slice(bytes, Int(instruction.a), Int(instruction.b))
            )
            return ordered(order, instruction.flag)
        case .orderBool:
            guard value.kind == .bool else { return false }
            let actual = value.flag ? 1.0 : 0.0
            return ordered(actual < instruction.x ? -1 : (actual > instruction.x ? 1 : 0), instruction.flag)
        case .version:
            let expected = slice(bytes, Int(instruction.a), Int(instruction.b))
            switch value.kind {
            case .string:
                return ordered(VersionOrder.compare(slice(text, Int(value.first), Int(value.count)), expected), instruction.flag)
            case .number:
                var actual = value.number.javaScriptText
                return actual.withUTF8 { ordered(VersionOrder.compare($0, expected), instruction.flag) }
            default:
                return false
            }
        case .newer:
            return value.kind == .string && value.number > now - instruction.x
        case .older:
            return value.kind == .string && value.number < now - instruction.x
        default:
            return false
        }
    }
}
