/// Reads a `$regex` pattern into a tree, in the syntax ``LinearRegex`` documents.
struct RegexParser {
    /// A pattern as a tree.
    indirect enum Node: Sendable, Hashable {
        case empty
        case scalar(Unicode.Scalar)
        case any
        case set(ScalarSet)
        case assertion(LinearRegex.Assertion)
        case sequence([Node])
        case alternatives([Node])
        case repetition(Node, minimum: Int, maximum: Int?)
    }

    /// The largest count a `{n,m}` quantifier may give.
    static let countLimit = 1_000

    private let scalars: [Unicode.Scalar]
    private let caseInsensitive: Bool
    private var position = 0
    /// The 1-based offset of the first quantifier applied to something that already repeats (`(a+)+`),
    /// which backtracking engines take exponential time on.
    private(set) var nestedQuantifier: Int?

    init(_ pattern: String, caseInsensitive: Bool) {
        scalars = Array(pattern.unicodeScalars)
        self.caseInsensitive = caseInsensitive
    }

    /// The whole pattern as a tree.
    mutating func parse() throws(RegexSyntaxError) -> Node {
        let node = try alternatives(depth: 0)
        if position < scalars.count {
            // Only a `)` stops the top level early.
            throw error("unmatched ')'")
        }
        return node
    }

    private func error(_ message: String, at offset: Int? = nil) -> RegexSyntaxError {
        RegexSyntaxError(message: message, offset: (offset ?? position) + 1)
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private mutating func alternatives(depth: Int) throws(RegexSyntaxError) -> Node {
        guard depth < 200 else { throw error("groups nested more than 200 deep") }
        var branches = [try sequence(depth: depth)]
        while current == "|" {
            position += 1
            branches.append(try sequence(depth: depth))
        }
        return branches.count == 1 ? branches[0] : .alternatives(branches)
    }

    private mutating func sequence(depth: Int) throws(RegexSyntaxError) -> Node {
        var items: [Node] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            let start = position
            var atom = try self.atom(depth: depth)
            while let quantifier = try self.quantifier() {
                if case .assertion = atom, scalars[start] != "(" { throw error("nothing to repeat", at: start) }
                if current == "+" {
                    throw error("possessive quantifiers are not supported (they need backtracking)")
                }
                if current == "?" { position += 1 }  // lazy: the same strings match
                if nestedQuantifier == nil, quantifier.1.map({ $0 > 1 }) ?? true, Self.repeats(atom) {
                    nestedQuantifier = start + 1
                }
                atom = .repetition(atom, minimum: quantifier.0, maximum: quantifier.1)
                if let next = current, next == "*" || next == "+" || next == "?" {
                    throw error("nothing to repeat")
                }
                if current == "{", (try? lookaheadCount()) != nil { throw error("nothing to repeat") }
            }
            items.append(atom)
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .sequence(items)
        }
    }

    /// `true` when `node` contains a quantifier that repeats (more than once).
    private static func repeats(_ node: Node) -> Bool {
        switch node {
        case .repetition(let inner, _, let maximum): (maximum.map { $0 > 1 } ?? true) || repeats(inner)
        case .sequence(let items), .alternatives(let items): items.contains { repeats($0) }
        default: false
        }
    }

    /// A quantifier at the current position, consumed, or `nil`.
    private mutating func quantifier() throws(RegexSyntaxError) -> (Int, Int?)? {
        switch current {
        case "*":
            position += 1
            return (0, nil)
        case "+":
            position += 1
            return (1, nil)
        case "?":
            position += 1
            return (0, 1)
        case "{":
            guard let (bounds, length) = try lookaheadCount() else { return nil }
            position += length
            return bounds
        default:
            return nil
        }
    }

    /// A `{n}`, `{n,}` or `{n,m}` at the current position with its length; `nil` when the `{` starts no
    /// count (it is then a literal, as in JavaScript and Python).
    private func lookaheadCount() throws(RegexSyntaxError) -> ((Int, Int?), Int)? {
        var offset = 1
        func number() -> Int? {
            var value: Int?
            while let scalar = peek(offset), scalar.properties.numericType == .decimal, scalar.isASCII {
                value = min((value ?? 0) * 10 + Int(scalar.value - 0x30), 1_000_000)
                offset += 1
            }
            return value
        }
        guard let minimum = number() else { return nil }
        var maximum: Int? = minimum
        if peek(offset) == "," {
            offset += 1
            maximum = number()
        }
        guard peek(offset) == "}" else { return nil }
        if minimum > Self.countLimit || (maximum ?? 0) > Self.countLimit {
            throw error("a count above \(Self.countLimit)")
        }
        if let maximum, maximum < minimum { throw error("a count range whose maximum is below its minimum") }
        return ((minimum, maximum), offset + 1)
    }

    private mutating func atom(depth: Int) throws(RegexSyntaxError) -> Node {
        guard let scalar = current else { throw error("unexpected end of pattern") }
        let start = position
        position += 1
        switch scalar {
        case "(":
            if current == "?" {
                switch peek(1) {
                case ":":
                    position += 2
                case "<" where peek(2) != "=" && peek(2) != "!":
                    position += 2
                    while let name = current, name != ">" {
                        guard name.properties.isAlphabetic || ("0"..."9").contains(name) || name == "_" else {
                            throw error("a group name takes letters and digits")
                        }
                        position += 1
                    }
                    guard current == ">" else { throw error("unclosed group name", at: start) }
                    position += 1
                case "=", "!": throw error("lookahead is not supported (it needs backtracking)", at: start)
                case "<": throw error("lookbehind is not supported (it needs backtracking)", at: start)
                case ">": throw error("atomic groups are not supported (they need backtracking)", at: start)
                default: throw error("inline flags and other (?…) groups are not supported", at: start)
                }
            }
            let inner = try alternatives(depth: depth + 1)
            guard current == ")" else { throw error("unclosed group", at: start) }
            position += 1
            return inner
        case "*", "+", "?":
            throw error("nothing to repeat", at: start)
        case "{":
            if (try? lookaheadCount(at: start)) != nil { throw error("nothing to repeat", at: start) }
            return literal(scalar)
        case ".": return .any
        case "^": return .assertion(.start)
        case "$": return .assertion(.end)
        case "[": return .set(try bracket(start: start))
        case "\\": return try escape(start: start)
        default: return literal(scalar)
        }
    }

    private func lookaheadCount(at offset: Int) throws(RegexSyntaxError) -> ((Int, Int?), Int)? {
        var copy = self
        copy.position = offset
        return try copy.lookaheadCount()
    }

    private func literal(_ scalar: Unicode.Scalar) -> Node {
        guard caseInsensitive else { return .scalar(scalar) }
        let lower = ScalarSet.fold(scalar)
        let upper = ScalarSet.upper(scalar)
        if lower == scalar && upper == scalar { return .scalar(scalar) }
        var set = ScalarSet()
        set.ranges = [scalar.value...scalar.value]
        set.isCaseInsensitive = true
        return .set(set)
    }

    private mutating func escape(start: Int) throws(RegexSyntaxError) -> Node {
        guard let scalar = current else { throw error("a pattern cannot end with '\\'", at: start) }
        switch scalar {
        case "b":
            position += 1
            return .assertion(.wordBoundary)
        case "B":
            position += 1
            return .assertion(.notWordBoundary)
        default:
            switch try escapedMember(start: start) {
            case .scalar(let value): return literal(value)
            case .builtin(let builtin):
                var set = ScalarSet()
                set.builtins = [builtin]
                return .set(set)
            }
        }
    }

    private enum Member {
        case scalar(Unicode.Scalar)
        case builtin(ScalarSet.Builtin)
    }

    /// An escape after `\` that stands for a scalar or a built-in class, inside or outside brackets.
    private mutating func escapedMember(start: Int) throws(RegexSyntaxError) -> Member {
        guard let scalar = current else { throw error("a pattern cannot end with '\\'", at: start) }
        position += 1
        switch scalar {
        case "d": return .builtin(.init(kind: .digit, isNegated: false))
        case "D": return .builtin(.init(kind: .digit, isNegated: true))
        case "w": return .builtin(.init(kind: .word, isNegated: false))
        case "W": return .builtin(.init(kind: .word, isNegated: true))
        case "s": return .builtin(.init(kind: .space, isNegated: false))
        case "S": return .builtin(.init(kind: .space, isNegated: true))
        case "t": return .scalar("\t")
        case "n": return .scalar("\n")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "a": return .scalar("\u{07}")
        case "e": return .scalar("\u{1B}")
        case "0": return .scalar("\u{00}")
        case "x":
            if current == "{" {
                position += 1
                return .scalar(try hex(minimum: 1, maximum: 6, start: start, closing: "}"))
            }
            return .scalar(try hex(minimum: 2, maximum: 2, start: start, closing: nil))
        case "u":
            if current == "{" {
                position += 1
                return .scalar(try hex(minimum: 1, maximum: 6, start: start, closing: "}"))
            }
            return .scalar(try hex(minimum: 4, maximum: 4, start: start, closing: nil))
        case "c":
            guard let letter = current, letter.isASCII, letter.properties.isAlphabetic else {
                throw error("\\c takes a letter", at: start)
            }
            position += 1
            return .scalar(Unicode.Scalar(UInt8(letter.value % 32)))
        case "1"..."9":
            throw error("backreferences are not supported (they need backtracking)", at: start)
        case "p", "P":
            throw error("Unicode properties (\\p{…}) are not supported", at: start)
        case "Q", "E", "A", "z", "Z", "G", "k", "N", "X", "R", "h", "H", "V", "U", "K":
            throw error("'\\\(scalar)' is not supported", at: start)
        default:
            // Any other escaped scalar stands for itself (`\.`, `\/`, `\-`); letters and digits are reserved.
            if scalar.isASCII, scalar.properties.isAlphabetic {
                throw error("'\\\(scalar)' is not an escape", at: start)
            }
            return .scalar(scalar)
        }
    }

    private mutating func hex(
        minimum: Int,
        maximum: Int,
        start: Int,
        closing: Unicode.Scalar?
    ) throws(RegexSyntaxError) -> Unicode.Scalar {
        var value: UInt32 = 0
        var digits = 0
        while digits < maximum, let scalar = current,
            let digit = scalar.properties.isASCIIHexDigit
                ? UInt32(String(scalar), radix: 16) : nil
        {
            value = value * 16 + digit
            digits += 1
            position += 1
        }
        guard digits >= minimum else { throw error("a hexadecimal escape needs \(minimum) digits", at: start) }
        if let closing {
            guard current == closing else { throw error("unclosed hexadecimal escape", at: start) }
            position += 1
        }
        guard let scalar = Unicode.Scalar(value) else { throw error("not a Unicode scalar", at: start) }
        return scalar
    }

    /// A bracket class after `[`.
    private mutating func bracket(start: Int) throws(RegexSyntaxError) -> ScalarSet {
        var set = ScalarSet()
        set.isCaseInsensitive = caseInsensitive
        if current == "^" {
            set.isNegated = true
            position += 1
        }
        var first = true
        while true {
            guard let scalar = current else { throw error("unclosed '['", at: start) }
            if scalar == "]" && !first { break }
            first = false
            if scalar == "[" {
                throw error("nested classes and set operations are not supported; escape '[' as '\\['")
            }
            let low = try member()
            guard case .scalar(let lowScalar) = low else {
                if case .builtin(let builtin) = low { set.builtins.append(builtin) }
                continue
            }
            if current == "-", let after = peek(1), after != "]" {
                position += 1
                let rangeStart = position
                let high = try member()
                guard case .scalar(let highScalar) = high else {
                    throw error("a range cannot end with a class", at: rangeStart)
                }
                guard lowScalar.value <= highScalar.value else {
                    throw error("a range out of order", at: rangeStart)
                }
                set.ranges.append(lowScalar.value...highScalar.value)
            } else {
                set.ranges.append(lowScalar.value...lowScalar.value)
            }
        }
        position += 1
        return set
    }

    private mutating func member() throws(RegexSyntaxError) -> Member {
        guard let scalar = current else { throw error("unclosed '['") }
        let start = position
        position += 1
        guard scalar == "\\" else { return .scalar(scalar) }
        if current == "b" {
            position += 1
            return .scalar("\u{08}")
        }
        return try escapedMember(start: start)
    }
}
