/// A compiled condition flattened for evaluation.
///
/// Plain-data instructions, path keys and operand strings in byte arenas, so that evaluating the common
/// operators touches no reference counts and allocates nothing. Operators that are rarely hot (regex, glob, `$elemMatch`, `$all`, deep equality, folded
/// case) run through the ``Clause`` evaluator.
struct Program: Sendable {
    /// What an instruction does.
    enum Code: UInt8, Sendable, Hashable {
        // Clauses, evaluated at an object node.
        case and, or, nor, not, field, never
        // Tests, evaluated at a value node (-1: missing).
        case all, negate, equalNull, equalBool, equalNumber, equalString, orderNumber, orderString
        case anyOf, exists, version, newer, older, performed, fallback, fail
    }

    /// How an ordering or version test compares.
    enum Order: UInt8, Sendable, Hashable {
        case less, lessOrEqual, greater, greaterOrEqual, equal
    }

    /// One instruction.
    ///
    /// `a`…`c` and `x`…`z` mean what the code says.
    struct Instruction: Sendable, Hashable {
        var code: Code
        var flag: UInt8 = 0
        /// A `field`'s path hash.
        var hash: UInt64 = 0
        /// A `field`'s second path hash.
        var check: UInt64 = 0
        var a: Int32 = 0
        var b: Int32 = 0
        var c: Int32 = 0
        var x: Double = 0
        var y: Double = 0
        var z: Double = 0
    }

    /// One path key: its hash and its bytes in ``bytes``.
    struct Key: Sendable, Hashable {
        var hash: UInt64
        var start: Int32
        var length: Int32
    }

    /// The program's memory, allocated once: copying a program costs one reference count.
    final class Storage: @unchecked Sendable {
        // @unchecked: the buffers are written in `init` only and freed in `deinit`.
        let instructions: UnsafeBufferPointer<Instruction>
        let keys: UnsafeBufferPointer<Key>
        let bytes: UnsafeBufferPointer<UInt8>

        init(_ builder: Program) {
            instructions = Self.copy(builder.instructions)
            keys = Self.copy(builder.keys)
            bytes = Self.copy(builder.bytes.isEmpty ? [0] : builder.bytes)
        }

        private static func copy<Element>(_ array: [Element]) -> UnsafeBufferPointer<Element> {
            let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(array.count, 1))
            _ = buffer.initialize(from: array)
            return UnsafeBufferPointer(start: buffer.baseAddress, count: array.count)
        }

        deinit {
            instructions.deallocate()
            keys.deallocate()
            bytes.deallocate()
        }

        private init() {
            instructions = Self.copy([Instruction(code: .never)])
            keys = Self.copy([Key]())
            bytes = Self.copy([UInt8(0)])
        }

        /// An empty program's memory, used while a program is being built.
        static var placeholder: Storage { Storage() }
    }

    private var instructions: [Instruction] = []
    private var keys: [Key] = []
    private var bytes: [UInt8] = []
    /// The tests the program hands back to the tree evaluator.
    private(set) var fallbacks: [Test] = []
    /// The flattened instructions, keys and operand bytes.
    private(set) var storage: Storage

    init(_ root: Clause) {
        storage = Storage.placeholder
        instructions.append(Instruction(code: .never))
        emit(root, at: 0)
        storage = Storage(self)
        instructions = []
        keys = []
        bytes = []
    }

    // MARK: Building

    private mutating func reserve(_ count: Int) -> Int {
        let first = instructions.count
        instructions.append(contentsOf: repeatElement(Instruction(code: .never), count: count))
        return first
    }

    private mutating func text(_ string: String) -> (Int32, Int32) {
        let start = bytes.count
        bytes.append(contentsOf: string.utf8)
        return (Int32(start), Int32(bytes.count - start))
    }

    private mutating func emit(_ clause: Clause, at index: Int) {
        switch clause {
        case .and(let clauses, _), .or(let clauses, _), .nor(let clauses, _):
            let code: Code =
                switch clause {
                case .and: .and
                case .or: .or
                default: .nor
                }
            let first = reserve(clauses.count)
            instructions[index] = Instruction(code: code, a: Int32(first), b: Int32(clauses.count))
            for (offset, child) in clauses.enumerated() { emit(child, at: first + offset) }
        case .not(let child, _):
            let slot = reserve(1)
            instructions[index] = Instruction(code: .not, a: Int32(slot))
            emit(child, at: slot)
        case .segment(_, let child, _):
            emit(child, at: index)
        case .never:
            instructions[index] = Instruction(code: .never)
        case .field(let path, let test, _):
            let firstKey = keys.count
            for segment in path.segments {
                let (start, length) = text(segment.name)
                keys.append(Key(hash: segment.hash, start: start, length: length))
            }
            let slot = reserve(1)
            instructions[index] = Instruction(
                code: .field,
                hash: path.pathHash,
                check: path.pathCheck,
                a: Int32(firstKey),
                b: Int32(path.segments.count),
                c: Int32(slot)
            )
            emit(test, at: slot)
        }
    }

    private mutating func fallback(_ test: Test, at index: Int) {
        fallbacks.append(test)
        instructions[index] = Instruction(code: .fallback, a: Int32(fallbacks.count - 1))
    }

    /// An equality test with a scalar, or `nil` when the value needs deep equality.
    private mutating func equality(_ value: Value) -> Instruction? {
        switch value {
        case .null: return Instruction(code: .equalNull)
        case .bool(let flag): return Instruction(code: .equalBool, flag: flag ? 1 : 0)
        case .number(let number): return Instruction(code: .equalNumber, x: number)
        case .string(let string):
            let (start, length) = text(string)
            return Instruction(code: .equalString, a: start, b: length)
        case .array, .object: return nil
        }
    }

    private mutating func emit(_ test: Test, at index: Int) {
        switch test {
        case .all(let tests):
            let first = reserve(tests.count)
            instructions[index] = Instruction(code: .all, a: Int32(first), b: Int32(tests.count))
            for (offset, child) in tests.enumerated() { emit(child, at: first + offset) }
        case .equal(let value, _):
            if let instruction = equality(value) {
                instructions[index] = instruction
            } else {
                fallback(test, at: index)
            }
        case .not(let child, _):
            let slot = reserve(1)
            instructions[index] = Instruction(code: .negate, a: Int32(slot))
            emit(child, at: slot)
        case .size, .elementMatches, .elementSatisfies, .containsAll:
            fallback(test, at: index)
        case .operation(let operation):
            emit(operation, test, at: index)
        }
    }

    /// A version test.
    ///
    /// `c` is a set of bits: ``versionSimple`` when the operand for strings is a plain
    /// `major.minor.patch` (its numbers in `x`, `y`, `z`, for the fast path), ``versionForStrings`` when
    /// string values compare (with the padded operand at `a`, length `b`), ``versionForNumbers`` when
    /// number values compare (with the padded number operand at `hash`, length `check`). A value of
    /// another type fails.
    private mutating func versionInstruction(_ version: String?, _ number: String?, _ order: Order) -> Instruction {
        guard version != nil || number != nil else { return Instruction(code: .fail) }
        var instruction = Instruction(code: .version, flag: order.rawValue)
        if let version {
            let padded = VersionOrder.padded(version)
            (instruction.a, instruction.b) = text(padded)
            instruction.c |= Self.versionForStrings
            var copy = padded
            if let parts = copy.withUTF8({ VersionOrder.simpleParts(padded: $0) }) {
                instruction.c |= Self.versionSimple
                instruction.x = Double(parts.0)
                instruction.y = Double(parts.1)
                instruction.z = Double(parts.2)
            }
        }
        if let number {
            let (start, length) = text(VersionOrder.padded(number))
            instruction.hash = UInt64(start)
            instruction.check = UInt64(length)
            instruction.c |= Self.versionForNumbers
        }
        return instruction
    }

    /// Bits of a version instruction's `c`.
    static let versionSimple: Int32 = 1
    static let versionForStrings: Int32 = 2
    static let versionForNumbers: Int32 = 4

    private mutating func emit(_ operation: Operation, _ test: Test, at index: Int) {
        func order(_ kind: Operation.Kind) -> Order {
            switch kind {
            case .less, .versionLess: .less
            case .lessOrEqual, .versionLessOrEqual: .lessOrEqual
            case .greater, .versionGreater: .greater
            case .greaterOrEqual, .versionGreaterOrEqual: .greaterOrEqual
            default: .equal
            }
        }
        switch (operation.kind, operation.operand) {
        case (.equal, .value(let value, _)), (.notEqual, .value(let value, _)):
            guard let instruction = equality(value) else { return fallback(test, at: index) }
            if operation.kind == .equal {
                instructions[index] = instruction
            } else {
                let slot = reserve(1)
                instructions[index] = Instruction(code: .negate, a: Int32(slot))
                instructions[slot] = instruction
            }
        case (.less, .value(let value, let instant)), (.lessOrEqual, .value(let value, let instant)),
            (.greater, .value(let value, let instant)), (.greaterOrEqual, .value(let value, let instant)):
            let flag = order(operation.kind).rawValue
            switch value {
            case .number(let number):
                instructions[index] = Instruction(code: .orderNumber, flag: flag, x: number)
            case .string(let string):
                let (start, length) = text(string)
                instructions[index] = Instruction(code: .orderString, flag: flag, a: start, b: length, x: instant)
            default:
                // Only two numbers or two strings order (booleans do not, as in GrowthBook 4.0.0).
                instructions[index] = Instruction(code: .fail)
            }
        case (.isIn, .list(let members)), (.notIn, .list(let members)), (.inGroup, .list(let members)),
            (.notInGroup, .list(let members)):
            let equalities = members.compactMap { equality($0) }
            guard equalities.count == members.count else { return fallback(test, at: index) }
            let first = reserve(equalities.count)
            for (offset, instruction) in equalities.enumerated() { instructions[first + offset] = instruction }
            let anyOf = Instruction(code: .anyOf, a: Int32(first), b: Int32(equalities.count))
            if operation.kind == .isIn || operation.kind == .inGroup {
                instructions[index] = anyOf
            } else {
                let slot = reserve(1)
                instructions[index] = Instruction(code: .negate, a: Int32(slot))
                instructions[slot] = anyOf
            }
        case (.exists, .flag(let flag)):
            instructions[index] = Instruction(code: .exists, flag: flag ? 1 : 0)
        case (.versionEqual, .version(let version, let number)), (.versionLess, .version(let version, let number)),
            (.versionLessOrEqual, .version(let version, let number)),
            (.versionGreater, .version(let version, let number)),
            (.versionGreaterOrEqual, .version(let version, let number)):
            instructions[index] = versionInstruction(version, number, order(operation.kind))
        case (.versionNotEqual, .version(let version, let number)):
            let slot = reserve(1)
            instructions[index] = Instruction(code: .negate, a: Int32(slot))
            instructions[slot] = versionInstruction(version, number, .equal)
        case (.newerThan, .seconds(let seconds)):
            instructions[index] = Instruction(code: .newer, x: seconds)
        case (.olderThan, .seconds(let seconds)):
            instructions[index] = Instruction(code: .older, x: seconds)
        case (.performed, .performed(let atLeast, let atMost, let within)):
            instructions[index] = Instruction(
                code: .performed,
                x: atLeast.map(Double.init) ?? -1,
                y: atMost.map(Double.init) ?? -1,
                z: within ?? -1
            )
        case (.invalid, _):
            instructions[index] = Instruction(code: .fail)
        default:
            fallback(test, at: index)
        }
    }
}
