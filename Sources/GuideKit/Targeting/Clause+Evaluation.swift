/// Evaluation of compiled clauses against a prepared document: pure, allocation-free on the common
/// paths, parsing nothing.
extension Clause {
    /// `true` when the clause holds for the object at node `root` of `document`.
    func isSatisfied(by document: ConditionDocument, at root: Int32) -> Bool {
        switch self {
        case .field(let path, let test, _):
            return test.passes(document, document.lookup(path, from: root))
        case .and(let clauses, _):
            for clause in clauses where !clause.isSatisfied(by: document, at: root) { return false }
            return true
        case .or(let clauses, _):
            if clauses.isEmpty { return true }
            for clause in clauses where clause.isSatisfied(by: document, at: root) { return true }
            return false
        case .nor(let clauses, _):
            if clauses.isEmpty { return false }
            for clause in clauses where clause.isSatisfied(by: document, at: root) { return false }
            return true
        case .not(let clause, _):
            return !clause.isSatisfied(by: document, at: root)
        case .segment(_, let clause, _):
            return clause.isSatisfied(by: document, at: root)
        case .never:
            return false
        }
    }
}

extension Test {
    /// `true` when the value at `node` (-1: missing) passes.
    func passes(_ document: ConditionDocument, _ node: Int32) -> Bool {
        switch self {
        case .operation(let operation):
            return operation.passes(document, node)
        case .equal(let expected, _):
            return document.equalsAnyElement(node, expected)
        case .all(let tests):
            for test in tests where !test.passes(document, node) { return false }
            return true
        case .not(let test, _):
            return !test.passes(document, node)
        case .size(let test, _):
            guard node >= 0, document.nodes[Int(node)].kind == .array else { return false }
            let length = ConditionDocument(.number(Double(document.nodes[Int(node)].count)), now: document.now)
            return test.passes(length, 0)
        case .elementMatches(let test, _):
            guard node >= 0, document.nodes[Int(node)].kind == .array else { return false }
            let array = document.nodes[Int(node)]
            // `null` elements are skipped, as in GrowthBook 4.0.0 (falsy ones, `0`, `""`, `false`, are not).
            for element in array.first..<(array.first + array.count)
            where document.nodes[Int(element)].kind != .null && test.passes(document, element) {
                return true
            }
            return false
        case .elementSatisfies(let clause, _):
            guard node >= 0, document.nodes[Int(node)].kind == .array else { return false }
            let array = document.nodes[Int(node)]
            for element in array.first..<(array.first + array.count)
            where document.nodes[Int(element)].kind != .null && clause.isSatisfied(by: document, at: element) {
                return true
            }
            return false
        case .containsAll(let tests, _, _):
            guard node >= 0, document.nodes[Int(node)].kind == .array else { return false }
            let array = document.nodes[Int(node)]
            for test in tests {
                var found = false
                for element in array.first..<(array.first + array.count) where test.passes(document, element) {
                    found = true
                    break
                }
                if !found { return false }
            }
            return true
        }
    }
}

extension Operation {
    /// `true` when the value at `node` (-1: missing) passes the operator.
    func passes(_ document: ConditionDocument, _ node: Int32) -> Bool {
        switch kind {
        case .equal:
            guard case .value(let expected, _) = operand else { return false }
            return document.equalsAnyElement(node, expected)
        case .notEqual:
            guard case .value(let expected, _) = operand else { return false }
            return !document.equalsAnyElement(node, expected)
        case .equalFolded:
            guard case .text(let expected) = operand else { return false }
            return document.anyElement(node) {
                document.isString($0) && TextOrder.isEqual(document.string(at: $0).lowercased(), expected)
            }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard case .value(let expected, let instant) = operand else { return false }
            return document.anyElement(node) { element in
                guard let order = document.order(element, expected, instant) else { return false }
                switch kind {
                case .less: return order < 0
                case .lessOrEqual: return order <= 0
                case .greater: return order > 0
                default: return order >= 0
                }
            }
        case .isIn, .inGroup:
            guard case .list(let members) = operand else { return false }
            return document.isIn(node, members, folded: false)
        case .notIn, .notInGroup:
            guard case .list(let members) = operand else { return false }
            return !document.isIn(node, members, folded: false)
        case .isInFolded:
            guard case .list(let members) = operand else { return false }
            return document.isIn(node, members, folded: true)
        case .notInFolded:
            guard case .list(let members) = operand else { return false }
            return !document.isIn(node, members, folded: true)
        case .exists:
            guard case .flag(let flag) = operand else { return false }
            let present = node >= 0 && document.nodes[Int(node)].kind != .null
            return flag == present
        case .type:
            guard case .text(let name) = operand else { return false }
            return document.typeName(node) == name
        case .regex:
            guard case .regex(let regex) = operand else { return false }
            return document.anyElement(node) { document.isString($0) && regex.matches(document.string(at: $0)) }
        case .versionEqual, .versionNotEqual, .versionLess, .versionLessOrEqual, .versionGreater,
            .versionGreaterOrEqual:
            guard case .version(let text, let number) = operand else { return false }
            let matched = document.anyElement(node) { element in
                guard let (actual, expected) = document.versionTexts(element, text: text, number: number) else {
                    return false
                }
                let order = VersionOrder.compare(actual, expected)
                switch kind {
                case .versionEqual, .versionNotEqual: return order == 0
                case .versionLess: return order < 0
                case .versionLessOrEqual: return order <= 0
                case .versionGreater: return order > 0
                default: return order >= 0
                }
            }
            return kind == .versionNotEqual ? !matched : matched
        case .newerThan, .olderThan:
            guard case .seconds(let seconds) = operand else { return false }
            let limit = document.now - seconds
            return document.anyElement(node) { element in
                let instant = document.instant(element)
                return kind == .newerThan ? instant > limit : instant < limit
            }
        case .glob:
            guard case .glob(let pattern) = operand else { return false }
            return document.anyElement(node) { document.isString($0) && pattern.matches(document.string(at: $0)) }
        case .performed:
            guard case .performed(let atLeast, let atMost, let within) = operand else { return false }
            let count = document.performedCount(node, within: within)
            if let atLeast, count < atLeast { return false }
            if let atMost, count > atMost { return false }
            return true
        case .invalid:
            return false
        }
    }
}
