/// Turns a condition as written (a ``SourceNode``) into a ``Clause`` tree: paths split and hashed,
/// operators resolved, regular expressions, globs, durations and segments compiled.
///
/// Compilation never fails: what cannot apply (an unknown operator, an invalid regex, an unknown segment)
/// compiles to a clause that never passes, as GrowthBook evaluates it, and ``ConditionLinter`` reports it.
struct ConditionCompiler {
    let catalog: Catalog
    /// Saved groups by name: the catalog's, overridden by any given explicitly.
    let groups: [String: [Value]]
    private var segmentStack: [String] = []
    private var segmentCache: [String: Clause] = [:]

    init(catalog: Catalog, groups: [String: [Value]]) {
        self.catalog = catalog
        var merged: [String: [Value]] = [:]
        for (name, group) in catalog.groups { merged[name] = group.members.map(Value.string) }
        for (name, members) in groups { merged[name] = members }
        self.groups = merged
    }

    /// The operators GrowthBook and GuideKit define, for did-you-mean suggestions.
    static let operators = [
        "$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$in", "$nin", "$all", "$elemMatch", "$size", "$exists",
        "$type", "$regex", "$not", "$ini", "$nini", "$alli", "$regexi", "$veq", "$vne", "$vgt", "$vgte",
        "$vlt", "$vlte", "$inGroup", "$notInGroup", "$newerThan", "$olderThan", "$glob", "$performed",
    ]

    /// The keys with a meaning at the level of a condition (not of a value).
    static let logicalKeys = ["$and", "$or", "$nor", "$not", "$segment"]

    /// The type names `$type` accepts.
    static let typeNames = ["string", "number", "boolean", "object", "array", "null", "undefined"]

    mutating func clause(_ node: SourceNode) -> Clause {
        guard case .mapping(let pairs) = node.content else {
            return .never("a condition must be a mapping of paths and operators", node.location)
        }
        var parts: [Clause] = []
        parts.reserveCapacity(pairs.count)
        for pair in pairs {
            let key = pair.key.scalarText ?? ""
            let location = pair.key.location
            switch key {
            case "$and", "$or", "$nor":
                guard case .sequence(let items) = pair.value.content else {
                    parts.append(.never("\(key) takes a list of conditions", pair.value.location))
                    continue
                }
                let clauses = items.map { clause($0) }
                switch key {
                case "$and": parts.append(.and(clauses, location))
                case "$or": parts.append(.or(clauses, location))
                default: parts.append(.nor(clauses, location))
                }
            case "$not":
                parts.append(.not(clause(pair.value), location))
            case "$segment":
                parts.append(segment(pair.value))
            default:
                parts.append(.field(FieldPath(key), test(pair.value), location))
            }
        }
        return parts.count == 1 ? parts[0] : .and(parts, node.location)
    }

    private mutating func segment(_ node: SourceNode) -> Clause {
        guard let name = node.scalarText else {
            return .never("$segment takes the name of a segment", node.location)
        }
        if segmentStack.contains(name) {
            let cycle = (segmentStack.drop { $0 != name } + [name]).joined(separator: " → ")
            return .segment(name, .never("segment cycle: \(cycle)", node.location), node.location)
        }
        if let cached = segmentCache[name] { return .segment(name, cached, node.location) }
        guard let definition = catalog.segments[name] else {
            return .segment(name, .never("unknown segment '\(name)'", node.location), node.location)
        }
        segmentStack.append(name)
        let compiled = clause(definition.condition)
        segmentStack.removeLast()
        segmentCache[name] = compiled
        return .segment(name, compiled, node.location)
    }

    /// `true` for a mapping whose keys all start with `$` (GrowthBook 4.0.0's `isOperatorObject`).
    ///
    /// An empty mapping is one: it has no operators, so it passes, whatever the value (as in 4.0.0).
    static func isOperatorObject(_ node: SourceNode) -> Bool {
        guard case .mapping(let pairs) = node.content else { return false }
        return pairs.allSatisfy { ($0.key.scalarText ?? "").hasPrefix("$") }
    }

    mutating func test(_ node: SourceNode) -> Test {
        guard Self.isOperatorObject(node), case .mapping(let pairs) = node.content else {
            return .equal(node.jsonValue, node.location)
        }
        let tests = pairs.map { operation($0.key.scalarText ?? "", $0.value, at: $0.key.location) }
        return tests.count == 1 ? tests[0] : .all(tests)
    }

    private mutating func operation(_ name: String, _ node: SourceNode, at location: SourceLocation) -> Test {
        func make(_ kind: Operation.Kind, _ operand: Operand) -> Test {
            .operation(
                Operation(kind: kind, name: name, expected: node.jsonValue, operand: operand, location: location)
            )
        }
        func invalid(_ reason: String) -> Test { make(.invalid, .reason(reason)) }
        func valueOperand() -> Operand {
            let value = node.jsonValue
            if case .string(let text) = value {
                return .value(value, instant: Timestamp.seconds(parsing: text) ?? .nan)
            }
            return .value(value, instant: .nan)
        }
        func list(folded: Bool) -> Operand? {
            guard case .array(let items) = node.jsonValue else { return nil }
            guard folded else { return .list(items) }
            return .list(items.map { if case .string(let text) = $0 { .string(text.lowercased()) } else { $0 } })
        }

        switch name {
        case "$eq": return make(.equal, valueOperand())
        case "$ne": return make(.notEqual, valueOperand())
        case "$lt": return make(.less, valueOperand())
        case "$lte": return make(.lessOrEqual, valueOperand())
        case "$gt": return make(.greater, valueOperand())
        case "$gte": return make(.greaterOrEqual, valueOperand())
        case "$in", "$nin", "$ini", "$nini":
            let folded = name == "$ini" || name == "$nini"
            guard let operand = list(folded: folded) else { return invalid("\(name) takes a list") }
            let kind: Operation.Kind =
                switch name {
                case "$in": .isIn
                case "$nin": .notIn
                case "$ini": .isInFolded
                default: .notInFolded
                }
            return make(kind, operand)
        case "$all", "$alli":
            guard case .sequence(let items) = node.content else { return invalid("\(name) takes a list") }
            let tests = items.map { item -> Test in
                if name == "$alli", case .string(let text) = item.jsonValue {
                    return .operation(
                        Operation(
                            kind: .equalFolded,
                            name: "$eq",
                            expected: .string(text),
                            operand: .text(text.lowercased()),
                            location: item.location
                        )
                    )
                }
                return test(item)
            }
            return .containsAll(tests, name, location)
        case "$elemMatch":
            guard case .mapping = node.content else { return invalid("$elemMatch takes a condition") }
            if Self.isOperatorObject(node) { return .elementMatches(test(node), location) }
            return .elementSatisfies(clause(node), location)
        case "$size": return .size(test(node), location)
        case "$not": return .not(test(node), location)
        case "$exists": return make(.exists, .flag(node.jsonValue.isTruthy))
        case "$type":
            guard let text = node.scalarText else { return invalid("$type takes a type name") }
            return make(.type, .text(text))
        case "$regex", "$regexi":
            guard let text = node.scalarText else { return invalid("\(name) takes a pattern") }
            switch CompiledRegex.compile(text, caseInsensitive: name == "$regexi") {
            case .success(let regex): return make(.regex, .regex(regex))
            case .failure(let error): return invalid("invalid regular expression '\(text)': \(error)")
            }
        case "$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte":
            let kind: Operation.Kind =
                switch name {
                case "$veq": .versionEqual
                case "$vne": .versionNotEqual
                case "$vgt": .versionGreater
                case "$vgte": .versionGreaterOrEqual
                case "$vlt": .versionLess
                default: .versionLessOrEqual
                }
            // The raw text for string values (a plain `1.10` is the version 1.10); a number operand also
            // compares with number values, by both JavaScript texts, as GrowthBook 4.0.0 does. A boolean,
            // null, list or object operand compares with nothing ($vne passes).
            switch node.jsonValue {
            case .string(let text): return make(kind, .version(text: node.scalarText ?? text, number: nil))
            case .number(let number):
                return make(
                    kind,
                    .version(text: node.scalarText ?? number.javaScriptText, number: number.javaScriptText)
                )
            default: return make(kind, .version(text: nil, number: nil))
            }
        case "$inGroup", "$notInGroup":
            guard let text = node.scalarText else { return invalid("\(name) takes a group name") }
            return make(name == "$inGroup" ? .inGroup : .notInGroup, .list(groups[text] ?? []))
        case "$newerThan", "$olderThan":
            guard let text = node.scalarText, let duration = GuideDuration(parsing: text) else {
                return invalid("\(name) takes a duration (\(GuideDuration.expectedForm))")
            }
            return make(name == "$newerThan" ? .newerThan : .olderThan, .seconds(Double(duration.seconds)))
        case "$glob":
            guard let text = node.scalarText else { return invalid("$glob takes a path pattern") }
            return make(.glob, .glob(GlobPattern(text)))
        case "$performed":
            switch Self.performedBounds(node) {
            case .success(let bounds):
                return make(.performed, .performed(atLeast: bounds.0, atMost: bounds.1, within: bounds.2))
            case .failure(let problem): return invalid(problem.message)
            }
        default:
            return invalid("unknown operator \(name)")
        }
    }

    /// A problem with a `$performed` operand, at its place.
    struct OperandProblem: Error {
        var message: String
        var location: SourceLocation
        var rule: String
    }

    /// Reads `{atLeast, atMost, within}`; an empty mapping means at least once.
    static func performedBounds(_ node: SourceNode) -> Result<(Int?, Int?, Double?), OperandProblem> {
        guard case .mapping(let pairs) = node.content else {
            return .failure(
                OperandProblem(
                    message: "$performed takes a mapping {atLeast, atMost, within}",
                    location: node.location,
                    rule: "invalid-operand"
                )
            )
        }
        var atLeast: Int?
        var atMost: Int?
        var within: Double?
        for pair in pairs {
            let key = pair.key.scalarText ?? ""
            switch key {
            case "atLeast", "atMost":
                guard case .number(let number) = pair.value.jsonValue, number >= 0, number.rounded() == number,
                    number < 1e15
                else {
                    return .failure(
                        OperandProblem(
                            message: "\(key) takes a whole number ≥ 0",
                            location: pair.value.location,
                            rule: "invalid-operand"
                        )
                    )
                }
                if key == "atLeast" { atLeast = Int(number) } else { atMost = Int(number) }
            case "within":
                guard let text = pair.value.scalarText, let duration = GuideDuration(parsing: text) else {
                    return .failure(
                        OperandProblem(
                            message: "within takes a duration (\(GuideDuration.expectedForm))",
                            location: pair.value.location,
                            rule: "invalid-duration"
                        )
                    )
                }
                within = Double(duration.seconds)
            default:
                let fix = Suggestion.didYouMean(key, in: ["atLeast", "atMost", "within"])
                return .failure(
                    OperandProblem(
                        message: "'\(key)' is not a $performed field (atLeast, atMost, within)"
                            + (fix.map { "; \($0)" } ?? ""),
                        location: pair.key.location,
                        rule: "invalid-operand"
                    )
                )
            }
        }
        if atLeast == nil && atMost == nil { atLeast = 1 }
        return .success((atLeast, atMost, within))
    }
}

extension Value {
    /// JavaScript's truthiness: `false`, `0`, `""`, `null` (and NaN) are false; everything else is true.
    var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let flag): flag
        case .number(let number): number != 0 && !number.isNaN
        case .string(let text): !text.isEmpty
        case .array, .object: true
        }
    }
}
