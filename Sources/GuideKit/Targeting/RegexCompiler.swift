/// Turns a ``RegexParser/Node`` tree into ``LinearRegex`` instructions (Thompson's construction).
struct RegexCompiler {
    /// The instructions so far.
    var instructions: [LinearRegex.Instruction] = []

    /// Appends the instructions of `node`.
    ///
    /// - Throws: ``RegexSyntaxError`` when the program would pass ``LinearRegex/instructionLimit``.
    mutating func emit(_ node: RegexParser.Node) throws(RegexSyntaxError) {
        guard instructions.count < LinearRegex.instructionLimit else {
            throw RegexSyntaxError(
                message:
                    "the pattern is too large (over \(LinearRegex.instructionLimit) steps once repetitions are counted)",
                offset: 1
            )
        }
        switch node {
        case .empty:
            break
        case .scalar(let scalar):
            instructions.append(.scalar(scalar))
        case .any:
            instructions.append(.any)
        case .set(let set):
            instructions.append(.set(set))
        case .assertion(let assertion):
            instructions.append(.assert(assertion))
        case .sequence(let items):
            for item in items { try emit(item) }
        case .alternatives(let branches):
            // split L1, next; L1: branch; jump end; next: split … ; the last branch falls through.
            var jumps: [Int] = []
            for (offset, branch) in branches.enumerated() {
                if offset < branches.count - 1 {
                    let split = instructions.count
                    instructions.append(.split(split + 1, -1))
                    try emit(branch)
                    jumps.append(instructions.count)
                    instructions.append(.jump(-1))
                    instructions[split] = .split(split + 1, instructions.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumps { instructions[jump] = .jump(instructions.count) }
        case .repetition(let inner, let minimum, let maximum):
            for _ in 0..<minimum { try emit(inner) }
            if let maximum {
                // Each optional copy: split body, end.
                var splits: [Int] = []
                for _ in minimum..<maximum {
                    splits.append(instructions.count)
                    instructions.append(.split(-1, -1))
                    try emit(inner)
                }
                for split in splits { instructions[split] = .split(split + 1, instructions.count) }
            } else {
                // loop: split body, end; body; jump loop.
                let loop = instructions.count
                instructions.append(.split(-1, -1))
                try emit(inner)
                instructions.append(.jump(loop))
                instructions[loop] = .split(loop + 1, instructions.count)
            }
        }
    }
}
