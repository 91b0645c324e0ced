import Foundation

extension Program {
    /// Evaluates the program against a document.
    func isSatisfied(by document: ConditionDocument) -> Bool {
        let storage = document.storage
        let machine = Machine(
            instructions: self.storage.instructions,
            keys: self.storage.keys,
            bytes: self.storage.bytes,
            nodes: storage.nodes,
            hashes: storage.hashes,
            index: storage.index,
            text: storage.bytes,
            now: document.now
        )
        return withExtendedLifetime((self.storage, storage)) { machine.clause(0, 0, self, document) }
    }
}

/// The evaluator over raw buffers.
///
/// Valid only inside ``Program/isSatisfied(by:)``.
private struct Machine {
    let instructions: UnsafeBufferPointer<Program.Instruction>
    let keys: UnsafeBufferPointer<Program.Key>
    let bytes: UnsafeBufferPointer<UInt8>
    let nodes: UnsafeBufferPointer<ConditionDocument.Node>
    let hashes: UnsafeBufferPointer<UInt64>
    let index: UnsafeBufferPointer<ConditionDocument.Slot>
    let text: UnsafeBufferPointer<UInt8>
    let now: Double

    func clause(_ index: Int, _ root: Int32, _ program: Program, _ document: ConditionDocument) -> Bool {
        let instruction = instructions[index]
        switch instruction.code {
        case .field:
            let node =
                root == 0
                ? indexed(instruction.hash, instruction.check)
                : lookup(Int(instruction.a), Int(instruction.b), root)
            return test(Int(instruction.c), node, program, document)
        case .and:
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if !clause(child, root, program, document) { return false }
                child += 1
            }
            return true
        case .or:
            if instruction.b == 0 { return true }
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if clause(child, root, program, document) { return true }
                child += 1
            }
            return false
        case .nor:
            if instruction.b == 0 { return false }
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if clause(child, root, program, document) { return false }
                child += 1
            }
            return true
        case .not:
            return !clause(Int(instruction.a), root, program, document)
        default:
            return false
        }
    }

    /// The node at a path from the root, by the path index: one probe, matched on 96 bits of hash.
    @inline(__always)
    func indexed(_ hash: UInt64, _ check: UInt64) -> Int32 {
        let mask = index.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = index[slot]
            if entry.node < 0 { return -1 }
            if entry.hash == hash && entry.check == UInt32(truncatingIfNeeded: check) { return entry.node }
            slot = (slot + 1) & mask
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
            var base = Int(node.first)
            let members = Int(node.count)
            if members <= 16 {
                // A short scan of the dense hashes (sorted): one or two cache lines.
                let end = base + members
                while base < end, hashes[base] < key.hash { base += 1 }
            } else {
                var length = members
                while length > 1 {
                    let half = length >> 1
                    base = hashes[base + half - 1] < key.hash ? base + half : base
                    length -= half
                }
                if hashes[base] < key.hash { base += 1 }
            }
            let limit = Int(node.first + node.count)
            var found = -1
            var candidate = base
            while candidate < limit, hashes[candidate] == key.hash {
                if nodes[candidate].keyLength == key.length
                    && equalBytes(text, Int(nodes[candidate].key), bytes, Int(key.start), Int(key.length))
                {
                    found = candidate
                    break
                }
                candidate += 1
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
        var offset = 0
        while offset + 8 <= length {
            let a = UnsafeRawPointer(left.baseAddress.unsafelyUnwrapped + leftStart + offset).loadUnaligned(
                as: UInt64.self
            )
            let b = UnsafeRawPointer(right.baseAddress.unsafelyUnwrapped + rightStart + offset).loadUnaligned(
                as: UInt64.self
            )
            if a != b { return false }
            offset += 8
        }
        while offset < length {
            if left[leftStart + offset] != right[rightStart + offset] { return false }
            offset += 1
        }
        return true
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

    func test(_ index: Int, _ node: Int32, _ program: Program, _ document: ConditionDocument) -> Bool {
        let instruction = instructions[index]
        switch instruction.code {
        case .equalNull:
            return node < 0 || anyElement(node) { nodes[Int($0)].kind == .null }
        case .equalBool, .equalNumber, .equalString, .orderNumber, .orderString, .version, .newer,
            .older:
            guard node >= 0 else { return false }
            return anyElement(node) { scalar(instruction, $0) }
        case .all:
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if !test(child, node, program, document) { return false }
                child += 1
            }
            return true
        case .anyOf:
            var child = Int(instruction.a)
            let end = child + Int(instruction.b)
            while child < end {
                if test(child, node, program, document) { return true }
                child += 1
            }
            return false
        case .negate:
            return !test(Int(instruction.a), node, program, document)
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
        case .version:
            switch value.kind {
            case .string:
                guard instruction.c & Program.versionForStrings != 0 else { return false }
                let expected = slice(bytes, Int(instruction.a), Int(instruction.b))
                let actual = slice(text, Int(value.first), Int(value.count))
                if instruction.c & Program.versionSimple != 0,
                    let order = VersionOrder.compareSimple(
                        actual,
                        (Int(instruction.x), Int(instruction.y), Int(instruction.z))
                    )
                {
                    return ordered(order, instruction.flag)
                }
                return ordered(VersionOrder.compare(actual, paddedExpected: expected), instruction.flag)
            case .number:
                guard instruction.c & Program.versionForNumbers != 0 else { return false }
                let expected = slice(bytes, Int(instruction.hash), Int(instruction.check))
                var actual = value.number.javaScriptText
                return actual.withUTF8 { ordered(VersionOrder.compare($0, paddedExpected: expected), instruction.flag) }
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
