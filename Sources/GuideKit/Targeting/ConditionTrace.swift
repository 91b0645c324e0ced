/// Why a condition passed or failed, clause by clause: the explanation `guidekit eval --explain` prints.
///
/// ```
/// ✗ user.plan is "pro", expected "trial"
/// ✓ user.seats is 5, expected $gte 3
/// ✓ $or (1 of 2 passed):
///   ✗ page.path is "/home", expected $glob "/projects/*"
///   ✓ events.project_created.count is 0, expected $lt 1
/// ```
public struct ConditionTrace: Sendable, Hashable {
    /// One explained clause.
    public struct Entry: Sendable, Hashable {
        /// The operator or logical key (`$eq` for implicit equality, `$and`, `$or`, `$segment`, …).
        public var `operator`: String
        /// The dotted path tested, for a test on a value.
        public var path: String?
        /// The value found at the path; `nil` when the path is missing.
        public var found: Value?
        /// The operand as written.
        public var expected: Value?
        /// Whether the clause passed.
        public var passed: Bool
        /// Where the clause is written.
        public var location: SourceLocation
        /// Why the clause cannot pass (an unknown operator, an invalid regex, a segment cycle), if so.
        public var problem: String?
        /// The clauses inside a logical clause, `$not`, `$segment`, `$size` or `$elemMatch`.
        public var children: [Entry]

        /// Creates an entry.
        public init(
            operator: String,
            path: String? = nil,
            found: Value? = nil,
            expected: Value? = nil,
            passed: Bool,
            location: SourceLocation,
            problem: String? = nil,
            children: [Entry] = []
        ) {
            self.operator = `operator`
            self.path = path
            self.found = found
            self.expected = expected
            self.passed = passed
            self.location = location
            self.problem = problem
            self.children = children
        }
    }

    /// Whether the whole condition passed (the same answer as ``Condition/isSatisfied(by:)-(ConditionDocument)``).
    public var passed: Bool
    /// The top-level clauses (the keys of the condition, which are ANDed).
    public var entries: [Entry]

    /// Creates a trace.
    public init(passed: Bool, entries: [Entry]) {
        self.passed = passed
        self.entries = entries
    }

    /// The explanation as lines of text, children indented by two spaces.
    ///
    /// - Parameter showingLocations: append each clause's `file:line:column`.
    /// - Returns: the text, one clause per line, without a final newline.
    public func rendered(showingLocations: Bool = false) -> String {
        var lines: [String] = []
        func render(_ entry: Entry, depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            var line = indent + (entry.passed ? "✓ " : "✗ ") + Self.sentence(entry)
            if showingLocations { line += "  (\(entry.location))" }
            lines.append(line)
            for child in entry.children { render(child, depth: depth + 1) }
        }
        for entry in entries { render(entry, depth: 0) }
        if entries.isEmpty { lines.append(passed ? "✓ (no clauses: everyone matches)" : "✗ (no clauses)") }
        return lines.joined(separator: "\n")
    }

    static func sentence(_ entry: Entry) -> String {
        let passedChildren = entry.children.filter(\.passed).count
        switch entry.operator {
        case "$and": return "$and (\(passedChildren) of \(entry.children.count) passed):"
        case "$or": return "$or (\(passedChildren) of \(entry.children.count) passed):"
        case "$nor": return "$nor (\(passedChildren) of \(entry.children.count) passed):"
        case "$never": return entry.problem ?? "never passes"
        default: break
        }
        if entry.path == nil {
            if entry.operator == "$segment" {
                let name = entry.expected.map(Self.text) ?? ""
                return entry.problem.map { "$segment \(name): \($0)" } ?? "$segment \(name):"
            }
            if entry.operator == "$not" { return "$not:" }
        }
        let path = entry.path ?? ""
        let found = entry.found.map { "is \(Self.text($0))" } ?? "is missing"
        if let problem = entry.problem { return "\(path) \(found); \(problem)" }
        let expected = entry.expected.map(Self.text) ?? ""
        switch entry.operator {
        case "$eq":
            return entry.passed && entry.found != nil ? "\(path) \(found)" : "\(path) \(found), expected \(expected)"
        case "$not", "$size", "$elemMatch":
            return "\(path) \(found), expected \(entry.operator):"
        default:
            return "\(path) \(found), expected \(entry.operator) \(expected)"
        }
    }

    /// A value as JSON text (strings quoted, object keys sorted).
    static func text(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.javaScriptText
        case .string(let string): return JSONString.quoted(string)
        case .array(let items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case .object(let members):
            return "{"
                + members.keys.sorted().map { "\(text(.string($0))): \(text(members[$0] ?? .null))" }
                .joined(separator: ", ") + "}"
        }
    }
}

extension Condition {
    /// Evaluates the condition and explains every clause (nothing is skipped, so the person sees every
    /// reason); ``ConditionTrace/passed`` is the same answer ``isSatisfied(by:)-(ConditionDocument)`` gives.
    ///
    /// - Parameter document: the prepared user state.
    /// - Returns: the trace.
    public func explain(_ document: ConditionDocument) -> ConditionTrace {
        let entries: [ConditionTrace.Entry]
        if case .and(let clauses, _) = root {
            entries = clauses.flatMap { $0.trace(document, at: 0) }
        } else {
            entries = root.trace(document, at: 0)
        }
        return ConditionTrace(passed: root.isSatisfied(by: document, at: 0), entries: entries)
    }
}

extension Clause {
    func trace(_ document: ConditionDocument, at root: Int32) -> [ConditionTrace.Entry] {
        let passed = isSatisfied(by: document, at: root)
        switch self {
        case .and(let clauses, let location):
            return [
                .init(
                    operator: "$and",
                    passed: passed,
                    location: location,
                    children: clauses.flatMap { $0.trace(document, at: root) }
                )
            ]
        case .or(let clauses, let location):
            return [
                .init(
                    operator: "$or",
                    passed: passed,
                    location: location,
                    children: clauses.flatMap { $0.trace(document, at: root) }
                )
            ]
        case .nor(let clauses, let location):
            return [
                .init(
                    operator: "$nor",
                    passed: passed,
                    location: location,
                    children: clauses.flatMap { $0.trace(document, at: root) }
                )
            ]
        case .not(let clause, let location):
            return [
                .init(operator: "$not", passed: passed, location: location, children: clause.trace(document, at: root))
            ]
        case .segment(let name, let clause, let location):
            if case .never(let reason, _) = clause {
                return [
                    .init(
                        operator: "$segment",
                        expected: .string(name),
                        passed: false,
                        location: location,
                        problem: reason
                    )
                ]
            }
            return [
                .init(
                    operator: "$segment",
                    expected: .string(name),
                    passed: passed,
                    location: location,
                    children: clause.trace(document, at: root)
                )
            ]
        case .never(let reason, let location):
            return [.init(operator: "$never", passed: false, location: location, problem: reason)]
        case .field(let path, let test, _):
            let node = document.lookup(path, from: root)
            return test.trace(document, node, path: path.description)
        }
    }
}

extension Test {
    func trace(_ document: ConditionDocument, _ node: Int32, path: String) -> [ConditionTrace.Entry] {
        let found = node >= 0 ? document.value(at: node) : nil
        let passed = passes(document, node)
        switch self {
        case .all(let tests):
            return tests.flatMap { $0.trace(document, node, path: path) }
        case .equal(let expected, let location):
            return [
                .init(operator: "$eq", path: path, found: found, expected: expected, passed: passed, location: location)
            ]
        case .operation(let operation):
            var problem: String?
            if case .reason(let reason) = operation.operand { problem = reason }
            if case .performed(_, _, let within) = operation.operand {
                // Show the count that was compared, not the whole event.
                let count = document.performedCount(node, within: within)
                return [
                    .init(
                        operator: operation.name,
                        path: within.map { "\(path) in the last \(GuideDuration(seconds: Int($0)))" }
                            ?? "\(path) count",
                        found: .number(Double(count)),
                        expected: operation.expected,
                        passed: passed,
                        location: operation.location
                    )
                ]
            }
            return [
                .init(
                    operator: operation.name,
                    path: path,
                    found: found,
                    expected: operation.expected,
                    passed: passed,
                    location: operation.location,
                    problem: problem
                )
            ]
        case .not(let test, let location):
            return [
                .init(
                    operator: "$not",
                    path: path,
                    found: found,
                    passed: passed,
                    location: location,
                    children: test.trace(document, node, path: path)
                )
            ]
        case .size(let test, let location):
            var children: [ConditionTrace.Entry] = []
            if node >= 0, document.nodes[Int(node)].kind == .array {
                let length = ConditionDocument(.number(Double(document.nodes[Int(node)].count)), now: document.now)
                children = test.trace(length, 0, path: "\(path).length")
            }
            return [
                .init(
                    operator: "$size",
                    path: path,
                    found: found,
                    passed: passed,
                    location: location,
                    children: children
                )
            ]
        case .elementMatches(_, let location), .elementSatisfies(_, let location):
            return [.init(operator: "$elemMatch", path: path, found: found, passed: passed, location: location)]
        case .containsAll(let tests, let name, let location):
            let expected: [Value] = tests.map {
                if case .operation(let operation) = $0 { return operation.expected }
                if case .equal(let value, _) = $0 { return value }
                return .string("…")
            }
            return [
                .init(
                    operator: name,
                    path: path,
                    found: found,
                    expected: .array(expected),
                    passed: passed,
                    location: location
                )
            ]
        }
    }
}
