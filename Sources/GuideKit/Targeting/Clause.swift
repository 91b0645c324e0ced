/// A compiled condition: the tree ``Condition`` evaluates.
///
/// Every clause keeps where it was written.
indirect enum Clause: Sendable, Hashable {
    /// Every clause must hold (implicit AND of keys, `$and`); empty holds.
    case and([Clause], SourceLocation)
    /// At least one clause must hold (`$or`); empty holds, as in GrowthBook.
    case or([Clause], SourceLocation)
    /// No clause may hold (`$nor`); empty fails, as in GrowthBook (`$nor` is "not `$or`").
    case nor([Clause], SourceLocation)
    /// The clause must not hold (`$not`).
    case not(Clause, SourceLocation)
    /// A named segment's condition (`$segment`).
    case segment(String, Clause, SourceLocation)
    /// A test on the value at a path.
    case field(FieldPath, Test, SourceLocation)
    /// A clause that can never hold (unknown segment, a segment cycle, a malformed condition), with why.
    case never(String, SourceLocation)
}

/// A compiled test on one value (the right-hand side of `path: …`).
indirect enum Test: Sendable, Hashable {
    /// An operator object: every operator must pass.
    case all([Test])
    /// Implicit equality with a non-operator value.
    case equal(Value, SourceLocation)
    /// One operator with its compiled operand.
    case operation(Operation)
    /// `$not`: the test must fail.
    case not(Test, SourceLocation)
    /// `$size`: the array's length passes the test.
    case size(Test, SourceLocation)
    /// `$elemMatch` with an operator object: some element passes the test.
    case elementMatches(Test, SourceLocation)
    /// `$elemMatch` with a condition: some element (an object) satisfies the condition.
    case elementSatisfies(Clause, SourceLocation)
    /// `$all` / `$alli`: every test is passed by some element.
    case containsAll([Test], String, SourceLocation)
}

/// One operator applied to a value.
struct Operation: Sendable, Hashable {
    /// What the operator does.
    enum Kind: Sendable, Hashable {
        case equal, notEqual, equalFolded
        case less, lessOrEqual, greater, greaterOrEqual
        case isIn, notIn, isInFolded, notInFolded
        case exists, type, regex
        case versionEqual, versionNotEqual, versionLess, versionLessOrEqual, versionGreater,
            versionGreaterOrEqual
        case inGroup, notInGroup
        case newerThan, olderThan, glob, performed
        /// An operator that cannot be applied (unknown, or an operand of the wrong shape): never passes.
        case invalid
    }

    /// What the operator does.
    var kind: Kind
    /// The operator as written (`$gte`).
    var name: String
    /// The operand as written, for traces.
    var expected: Value
    /// The compiled operand.
    var operand: Operand
    /// Where the operator is written.
    var location: SourceLocation
}

/// An operator's operand, prepared at compile time.
enum Operand: Sendable, Hashable {
    /// A value (`$eq`, `$lt` …); `instant` is its time when it is a timestamp string, else NaN.
    case value(Value, instant: Double)
    /// A list (`$in`, group members); strings lowercased for the case-insensitive operators.
    case list([Value])
    /// Text: a version, a type name, a lowercased string for `equalFolded`.
    case text(String)
    /// A truth value (`$exists`).
    case flag(Bool)
    /// A version (`$veq` …): `text`, the operand as written, compares with string values; `number`, the
    /// operand's JavaScript text when it is a number, compares with number values. A value of any other
    /// type, or of a type the operand does not have, never compares (GrowthBook 4.0.0's type rule).
    case version(text: String?, number: String?)
    /// A compiled regular expression.
    case regex(CompiledRegex)
    /// A duration in seconds (`$newerThan`, `$olderThan`).
    case seconds(Double)
    /// A path glob.
    case glob(GlobPattern)
    /// `$performed` bounds.
    case performed(atLeast: Int?, atMost: Int?, within: Double?)
    /// Why the operator cannot apply (`invalid`).
    case reason(String)
}

/// A `$regex` pattern compiled once into a ``LinearRegex``.
struct CompiledRegex: Sendable, Hashable {
    /// The pattern as written.
    let pattern: String
    /// `true` for `$regexi`.
    let isCaseInsensitive: Bool
    /// The automaton.
    let program: LinearRegex

    /// Compiles `pattern`, or gives why it does not compile.
    static func compile(_ pattern: String, caseInsensitive: Bool) -> Result<CompiledRegex, RegexSyntaxError> {
        do {
            let program = try LinearRegex(pattern, caseInsensitive: caseInsensitive)
            return .success(CompiledRegex(pattern: pattern, isCaseInsensitive: caseInsensitive, program: program))
        } catch {
            return .failure(error)
        }
    }

    /// `true` when the pattern matches somewhere in `text` (JavaScript's `RegExp.test`), in
    /// O(text × pattern) steps.
    func matches(_ text: String) -> Bool { program.matches(text) }

    static func == (lhs: CompiledRegex, rhs: CompiledRegex) -> Bool {
        lhs.pattern == rhs.pattern && lhs.isCaseInsensitive == rhs.isCaseInsensitive
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(isCaseInsensitive)
    }
}
