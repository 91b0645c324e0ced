/// A regular expression matched in linear time: a Thompson automaton run as a Pike VM over Unicode scalars.
///
/// Author-written patterns meet user-written values, so matching must be bounded whatever the pattern:
/// every text position advances a set of at most ``instructionCount`` threads, each visited once, so a
/// match costs O(text × pattern) steps. A backtracking engine (ICU, JavaScript, Python) takes
/// exponential time on patterns such as `(a+)+$`; this one takes 2 × 30 × 8 steps on 30 characters.
///
/// The syntax is the part of ICU's (and JavaScript's) that an automaton can run: literals and escapes,
/// `.`, classes `[a-z]` `[^…]`, `\d \D \w \W \s \S` (Unicode, as in ICU), `\b \B`, `^ $`, groups `(…)`,
/// `(?:…)`, `(?<name>…)`, alternation `|`, quantifiers `* + ? {n} {n,} {n,m}` and their lazy forms.
/// Backreferences, lookaround, atomic groups, possessive quantifiers, inline flags and `\p{…}` need
/// backtracking or more; a pattern that uses them does not compile (and so never matches, and lint
/// says why).
struct LinearRegex: Sendable, Hashable {
    /// One instruction of the automaton.
    enum Instruction: Sendable, Hashable {
        /// Consume this scalar.
        case scalar(Unicode.Scalar)
        /// Consume a scalar whose simple case fold is this one.
        case folded(Unicode.Scalar)
        /// Consume any scalar but a line terminator (`.`).
        case any
        /// Consume a scalar of the set.
        case set(ScalarSet)
        /// Go on at both instructions (the first is preferred; preference does not change whether it matches).
        case split(Int, Int)
        /// Go on at the instruction.
        case jump(Int)
        /// Go on only where the assertion holds.
        case assert(Assertion)
        /// The pattern matched.
        case match
    }

    /// A zero-width assertion.
    enum Assertion: Sendable, Hashable {
        /// `^`: the start of the text.
        case start
        /// `$`: the end of the text, or just before a final line break (as in ICU).
        case end
        /// `\b`: between a word and a non-word scalar.
        case wordBoundary
        /// `\B`: not at a word boundary.
        case notWordBoundary
    }

    /// The most instructions a pattern may compile to (counted repetitions multiply): a bigger pattern
    /// does not compile.
    static let instructionLimit = 20_000

    /// The compiled program.
    let instructions: [Instruction]

    /// How many instructions the pattern compiled to.
    var instructionCount: Int { instructions.count }

    /// Compiles `pattern`.
    ///
    /// - Throws: ``RegexSyntaxError`` naming the offending place when the pattern is not in the syntax.
    init(_ pattern: String, caseInsensitive: Bool) throws(RegexSyntaxError) {
        var parser = RegexParser(pattern, caseInsensitive: caseInsensitive)
        let tree = try parser.parse()
        var compiler = RegexCompiler()
        try compiler.emit(tree)
        compiler.instructions.append(.match)
        instructions = compiler.instructions
    }

    /// The 1-based offset in `pattern` of the first quantifier applied to a group that already repeats
    /// (`(a+)+`, `(x*y)*`), or `nil`: harmless here, exponential in backtracking engines (GrowthBook's
    /// SDKs, JavaScript's `RegExp`).
    static func nestedQuantifier(in pattern: String) -> Int? {
        var parser = RegexParser(pattern, caseInsensitive: false)
        _ = try? parser.parse()
        return parser.nestedQuantifier
    }

    /// `true` when the pattern matches somewhere in `text` (JavaScript's `RegExp.test`).
    func matches(_ text: String) -> Bool {
        var steps = 0
        return matches(text, steps: &steps)
    }

    /// ``matches(_:)``, also counting the thread steps taken: at most (scalars + 1) × ``instructionCount``.
    func matches(_ text: String, steps: inout Int) -> Bool {
        let scalars = Array(text.unicodeScalars)
        let count = instructions.count
        return instructions.withUnsafeBufferPointer { program in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 5 * count + 2) { memory in
                guard let base = memory.baseAddress else { return false }
                // Two thread lists, the position each instruction was last added at, and a stack (each
                // instruction pushes at most two entries once per position).
                var current = base
                var next = base + count
                let marks = base + 2 * count
                let stack = base + 3 * count
                marks.initialize(repeating: -1, count: count)
                var currentCount = 0
                var nextCount = 0
                var position = 0
                while true {
                    // A new thread at every position: the pattern may start anywhere.
                    if add(0, program, at: position, scalars, into: current, &currentCount, marks, stack, &steps) {
                        return true
                    }
                    if position == scalars.count { return false }
                    let scalar = scalars[position]
                    nextCount = 0
                    let generation = position + 1
                    var index = 0
                    while index < currentCount {
                        let pc = current[index]
                        index += 1
                        let consumed: Bool
                        switch program[pc] {
                        case .scalar(let expected): consumed = scalar == expected
                        case .folded(let expected): consumed = ScalarSet.fold(scalar) == expected
                        case .any: consumed = !ScalarSet.isLineTerminator(scalar)
                        case .set(let set): consumed = set.contains(scalar)
                        default: consumed = false
                        }
                        if consumed,
                            add(pc + 1, program, at: generation, scalars, into: next, &nextCount, marks, stack, &steps)
                        {
                            return true
                        }
                    }
                    swap(&current, &next)
                    currentCount = nextCount
                    position += 1
                }
            }
        }
    }

    /// Adds the thread at `pc` and its ε-closure to `list`; `true` when one of them is `match`.
    ///
    /// The closure is every thread reached without consuming; each instruction is added once per
    /// position (`marks`).
    private func add(
        _ pc: Int,
        _ program: UnsafeBufferPointer<Instruction>,
        at position: Int,
        _ scalars: [Unicode.Scalar],
        into list: UnsafeMutablePointer<Int>,
        _ listCount: inout Int,
        _ marks: UnsafeMutablePointer<Int>,
        _ stack: UnsafeMutablePointer<Int>,
        _ steps: inout Int
    ) -> Bool {
        var depth = 0
        stack[0] = pc
        depth = 1
        while depth > 0 {
            depth -= 1
            let pc = stack[depth]
            guard marks[pc] != position else { continue }
            marks[pc] = position
            steps += 1
            switch program[pc] {
            case .match:
                return true
            case .jump(let target):
                stack[depth] = target
                depth += 1
            case .split(let first, let second):
                // Pushed second first so the preferred branch is explored first.
                stack[depth] = second
                stack[depth + 1] = first
                depth += 2
            case .assert(let assertion):
                if holds(assertion, at: position, scalars) {
                    stack[depth] = pc + 1
                    depth += 1
                }
            default:
                list[listCount] = pc
                listCount += 1
            }
        }
        return false
    }

    private func holds(_ assertion: Assertion, at position: Int, _ scalars: [Unicode.Scalar]) -> Bool {
        switch assertion {
        case .start:
            return position == 0
        case .end:
            if position == scalars.count { return true }
            if position == scalars.count - 1, scalars[position] == "\n" { return true }
            return position == scalars.count - 2 && scalars[position] == "\r" && scalars[position + 1] == "\n"
        case .wordBoundary, .notWordBoundary:
            let before = position > 0 && ScalarSet.isWord(scalars[position - 1])
            let after = position < scalars.count && ScalarSet.isWord(scalars[position])
            return (before != after) == (assertion == .wordBoundary)
        }
    }
}
