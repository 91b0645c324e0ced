import Foundation

/// What the linter knows about the value at a path.
enum LintType: Equatable {
    case string(values: [String]?)
    case number
    case boolean
    case timestamp
    case version
    case list(values: [String]?)
    case timestampList
    case event
    case object
    case unknown

    init(_ attribute: Catalog.Attribute) {
        switch attribute.type {
        case .string: self = .string(values: attribute.values)
        case .number: self = .number
        case .boolean: self = .boolean
        case .timestamp: self = .timestamp
        case .version: self = .version
        case .list: self = .list(values: attribute.values)
        }
    }

    var name: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .boolean: "boolean"
        case .timestamp: "timestamp"
        case .version: "version"
        case .list: "list"
        case .timestampList: "list of timestamps"
        case .event: "event"
        case .object: "object"
        case .unknown: "unknown"
        }
    }

    var allowedValues: [String]? {
        switch self {
        case .string(let values), .list(let values): values
        default: nil
        }
    }
}

/// Walks one condition and collects diagnostics.
struct LintWalker {
    let linter: ConditionLinter
    var diagnostics: [Diagnostic] = []

    init(linter: ConditionLinter) { self.linter = linter }

    var catalog: Catalog { linter.catalog }

    mutating func report(
        _ severity: Diagnostic.Severity,
        _ rule: String,
        _ message: String,
        at location: SourceLocation,
        fix: String? = nil,
        related: [SourceLocation] = []
    ) {
        diagnostics.append(Diagnostic(severity, rule: rule, message, at: location, fix: fix, related: related))
    }

    // MARK: Conditions

    mutating func condition(_ node: SourceNode, insideAnd: Bool = false) {
        guard case .mapping(let pairs) = node.content else {
            report(
                .error,
                "invalid-condition",
                "a condition must be a mapping of paths and operators",
                at: node.location
            )
            yaml11(node)
            return
        }
        for pair in pairs {
            let key = pair.key.scalarText ?? ""
            switch key {
            case "$and", "$or", "$nor":
                guard case .sequence(let items) = pair.value.content else {
                    report(.error, "invalid-condition", "\(key) takes a list of conditions", at: pair.value.location)
                    continue
                }
                for item in items { condition(item, insideAnd: key == "$and") }
            case "$not":
                condition(pair.value)
            case "$segment":
                segment(pair.value)
            default:
                if key.hasPrefix("$") {
                    let candidates = ConditionCompiler.logicalKeys
                    let fix = Suggestion.didYouMean(key, in: candidates + ConditionCompiler.operators)
                    report(
                        .error,
                        "unknown-operator",
                        "'\(key)' is not an operator at this level (\(candidates.joined(separator: ", ")))",
                        at: pair.key.location,
                        fix: fix
                    )
                    continue
                }
                field(key, pair.key, pair.value)
            }
        }
        if !insideAnd { unsatisfiable(node) }
    }

    mutating func segment(_ node: SourceNode) {
        guard let name = node.scalarText else {
            report(.error, "invalid-operand", "$segment takes the name of a segment", at: node.location)
            return
        }
        if catalog.segments[name] == nil {
            let names = catalog.segments.keys.sorted()
            report(
                .error,
                "unknown-segment",
                "'\(name)' is not a segment of guidekit.yaml"
                    + (names.isEmpty ? " (it declares none)" : ""),
                at: node.location,
                fix: Suggestion.didYouMean(name, in: names)
            )
        }
    }

    // MARK: Paths

    /// Checks a path and returns the type of its value.
    mutating func pathType(_ path: String, at location: SourceLocation) -> LintType {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let namespace = segments[0]
        guard ConditionLinter.namespaces.contains(namespace) else {
            report(
                .error,
                "unknown-namespace",
                "'\(path)' is outside the user state (paths start with \(ConditionLinter.namespaces.joined(separator: ", ")))",
                at: location,
                fix: Suggestion.closest(to: namespace, in: ConditionLinter.namespaces).map {
                    "did you mean '\(([$0] + segments.dropFirst()).joined(separator: "."))'?"
                }
            )
            return .unknown
        }
        let rest = Array(segments.dropFirst())
        switch namespace {
        case "id", "locale":
            return rest.isEmpty ? .string(values: nil) : unknownField(path, namespace, at: location)
        case "now":
            return rest.isEmpty ? .timestamp : unknownField(path, namespace, at: location)
        case "user", "account":
            guard let name = rest.first else { return .object }
            let declared = namespace == "user" ? catalog.userAttributes : catalog.accountAttributes
            guard !declared.isEmpty else { return .unknown }
            guard let attribute = declared[name] else {
                report(
                    .error,
                    "unknown-attribute",
                    "'\(name)' is not a \(namespace) attribute of the catalog",
                    at: location,
                    fix: Suggestion.closest(to: name, in: declared.keys.sorted()).map {
                        "did you mean '\(namespace).\($0)'?"
                    }
                )
                return .unknown
            }
            return rest.count == 1 ? LintType(attribute) : .unknown
        case "events":
            guard let name = rest.first else { return .object }
            if !catalog.events.isEmpty, catalog.events[name] == nil {
                report(
                    .error,
                    "unknown-event",
                    "'\(name)' is not an event of the catalog",
                    at: location,
                    fix: Suggestion.didYouMean(name, in: catalog.events.keys.sorted())
                )
                return .unknown
            }
            guard rest.count > 1 else { return .event }
            switch rest[1] {
            case "count" where rest.count == 2: return .number
            case "first" where rest.count == 2, "last" where rest.count == 2: return .timestamp
            case "times" where rest.count == 2: return .timestampList
            default:
                report(
                    .error,
                    "unknown-field",
                    "'\(rest.dropFirst().joined(separator: "."))' is not an event field (count, first, last, times)",
                    at: location,
                    fix: Suggestion.didYouMean(rest[1], in: ["count", "first", "last", "times"])
                )
                return .unknown
            }
        case "guides":
            guard let id = rest.first else { return .object }
            if let guides = linter.guides, !guides.contains(id) {
                report(
                    .error,
                    "unknown-guide",
                    "'\(id)' is not a guide of this folder",
                    at: location,
                    fix: Suggestion.didYouMean(id, in: guides.sorted())
                )
            }
            guard rest.count > 1 else { return .object }
            let fields = [
                "status", "step", "version", "variant", "shows", "last_shown", "started_at", "completed_at",
                "snoozed_until",
            ]
            guard rest.count == 2, fields.contains(rest[1]) else {
                report(
                    .error,
                    "unknown-field",
                    "'\(rest.dropFirst().joined(separator: "."))' is not a guide progress field (\(fields.joined(separator: ", ")))",
                    at: location,
                    fix: Suggestion.didYouMean(rest[1], in: fields)
                )
                return .unknown
            }
            switch rest[1] {
            case "status": return .string(values: UserState.GuideStatus.allCases.map(\.rawValue))
            case "step", "variant": return .string(values: nil)
            case "version", "shows": return .number
            default: return .timestamp
            }
        case "page":
            guard let name = rest.first else { return .object }
            guard rest.count == 1, name == "path" || name == "url" else {
                report(
                    .error,
                    "unknown-field",
                    "'\(rest.joined(separator: "."))' is not a page field (path, url)",
                    at: location,
                    fix: Suggestion.didYouMean(name, in: ["path", "url"])
                )
                return .unknown
            }
            return .string(values: nil)
        default:  // device
            guard let name = rest.first else { return .object }
            switch name {
            case "app_version" where rest.count == 1: return .version
            case "type" where rest.count == 1, "os" where rest.count == 1: return .string(values: nil)
            default: return .unknown
            }
        }
    }

    mutating func unknownField(_ path: String, _ namespace: String, at location: SourceLocation) -> LintType {
        report(.error, "unknown-field", "'\(namespace)' has no fields; write '\(namespace)'", at: location)
        return .unknown
    }

    // MARK: Values and operators

    mutating func field(_ path: String, _ keyNode: SourceNode, _ value: SourceNode) {
        let type = pathType(path, at: keyNode.location)
        test(value, type: type, path: path)
    }

    mutating func test(_ node: SourceNode, type: LintType, path: String) {
        if case .mapping(let pairs) = node.content, pairs.isEmpty {
            report(
                .warning,
                "empty-operators",
                "{} has no operators, so \(path) passes whatever its value (GrowthBook 4.0.0's reading)",
                at: node.location,
                fix: "write the operators, or remove the key"
            )
            return
        }
        guard case .mapping(let pairs) = node.content else {
            equality(node, type: type, path: path, operatorName: nil)
            return
        }
        let dollar = pairs.filter { ($0.key.scalarText ?? "").hasPrefix("$") }
        if dollar.count != pairs.count {
            if !dollar.isEmpty {
                report(
                    .warning,
                    "mixed-operators",
                    "this mapping mixes operators and plain keys, so it is compared as a whole object",
                    at: node.location,
                    fix: "use only operators, or nest the object"
                )
            }
            yaml11(node)
            return
        }
        for pair in pairs {
            operation(pair.key.scalarText ?? "", pair.key, pair.value, type: type, path: path)
        }
    }

    mutating func operation(_ name: String, _ key: SourceNode, _ operand: SourceNode, type: LintType, path: String) {
        let location = key.location
        func mismatch(_ reason: String, fix: String? = nil) {
            report(.error, "operator-type-mismatch", reason, at: location, fix: fix)
        }
        func needsList() -> Bool {
            guard case .sequence = operand.content else {
                report(.error, "invalid-operand", "\(name) takes a list", at: operand.location)
                return false
            }
            return true
        }
        func needsScalar(_ what: String) -> String? {
            guard let text = operand.scalarText, operand.jsonValue != .null else {
                report(.error, "invalid-operand", "\(name) takes \(what)", at: operand.location)
                return nil
            }
            return text
        }
        switch name {
        case "$eq", "$ne":
            equality(operand, type: type, path: path, operatorName: name)
        case "$lt", "$lte", "$gt", "$gte":
            switch type {
            case .number, .timestamp, .timestampList, .unknown: break
            case .version:
                mismatch(
                    "\(name) compares \(path), a version, as text (\"10.0\" < \"9.0\")",
                    fix: "use $v\(name.dropFirst())"
                )
            default:
                mismatch("\(name) cannot order \(path), a \(type.name); values of different kinds never order")
            }
            operandType(operand, type: type, path: path, operatorName: name)
            yaml11(operand)
        case "$in", "$nin", "$ini", "$nini":
            guard needsList(), case .sequence(let items) = operand.content else { return }
            for item in items { equality(item, type: type, path: path, operatorName: name) }
        case "$all", "$alli":
            switch type {
            case .list, .timestampList, .unknown: break
            default: mismatch("\(name) needs a list, and \(path) is a \(type.name)")
            }
            guard needsList(), case .sequence(let items) = operand.content else { return }
            let element: LintType =
                switch type {
                case .list(let values): .string(values: values)
                case .timestampList: .timestamp
                default: .unknown
                }
            for item in items { test(item, type: element, path: path) }
        case "$elemMatch":
            switch type {
            case .list, .timestampList, .unknown: break
            default: mismatch("$elemMatch needs a list, and \(path) is a \(type.name)")
            }
            guard case .mapping = operand.content else {
                report(.error, "invalid-operand", "$elemMatch takes a condition or operators", at: operand.location)
                return
            }
            if ConditionCompiler.isOperatorObject(operand) {
                let element: LintType =
                    switch type {
                    case .list(let values): .string(values: values)
                    case .timestampList: .timestamp
                    default: .unknown
                    }
                test(operand, type: element, path: path)
            } else {
                var nested = LintWalker(linter: ConditionLinter(catalog: Catalog()))
                nested.elementCondition(operand)
                diagnostics += nested.diagnostics
            }
        case "$size":
            switch type {
            case .list, .timestampList, .unknown: break
            default: mismatch("$size needs a list, and \(path) is a \(type.name)")
            }
            if case .mapping = operand.content {
                test(operand, type: .number, path: "\(path).length")
            } else if case .number = operand.jsonValue {
            } else {
                report(.error, "invalid-operand", "$size takes a number or number operators", at: operand.location)
            }
        case "$not":
            test(operand, type: type, path: path)
        case "$exists":
            if case .bool = operand.jsonValue {
            } else {
                report(.warning, "invalid-operand", "$exists takes true or false", at: operand.location)
            }
        case "$type":
            guard let text = needsScalar("a type name") else { return }
            if !ConditionCompiler.typeNames.contains(text) {
                report(
                    .error,
                    "invalid-operand",
                    "'\(text)' is not a type (\(ConditionCompiler.typeNames.joined(separator: ", ")))",
                    at: operand.location,
                    fix: Suggestion.didYouMean(text, in: ConditionCompiler.typeNames)
                )
            }
        case "$regex", "$regexi":
            switch type {
            case .number, .boolean, .event, .object:
                mismatch("\(name) matches text, and \(path) is a \(type.name)")
            default: break
            }
            guard let text = needsScalar("a pattern") else { return }
            regex(text, caseInsensitive: name == "$regexi", at: operand.location)
        case "$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte":
            switch type {
            case .version, .string, .unknown: break
            default: mismatch("\(name) compares versions, and \(path) is a \(type.name)")
            }
            _ = needsScalar("a version such as 5.2.0")
        case "$inGroup", "$notInGroup":
            guard let text = needsScalar("the name of a saved group") else { return }
            if catalog.groups[text] == nil {
                let names = catalog.groups.keys.sorted()
                report(
                    .error,
                    "unknown-group",
                    "'\(text)' is not a saved group of guidekit.yaml" + (names.isEmpty ? " (it declares none)" : ""),
                    at: operand.location,
                    fix: Suggestion.didYouMean(text, in: names)
                )
            }
        case "$newerThan", "$olderThan":
            switch type {
            case .timestamp, .timestampList, .unknown: break
            default: mismatch("\(name) applies to timestamps, and \(path) is a \(type.name)")
            }
            duration(operand, name: name)
        case "$glob":
            switch type {
            case .string, .list, .unknown: break
            default: mismatch("$glob matches paths, and \(path) is a \(type.name)")
            }
            _ = needsScalar("a path pattern such as /projects/*/settings")
        case "$performed":
            if type != .event && type != .unknown || !path.hasPrefix("events.") {
                mismatch("$performed applies to an event, events.<name>; \(path) is not one")
            }
            switch ConditionCompiler.performedBounds(operand) {
            case .failure(let problem): report(.error, problem.rule, problem.message, at: problem.location)
            case .success(let bounds): performedWindow(operand, atLeast: bounds.0, atMost: bounds.1, within: bounds.2)
            }
        default:
            report(
                .error,
                "unknown-operator",
                "'\(name)' is not an operator",
                at: location,
                fix: Suggestion.didYouMean(name, in: ConditionCompiler.operators)
            )
        }
    }

    /// A condition inside `$elemMatch`: paths are relative to the element, so only operators are checked.
    mutating func elementCondition(_ node: SourceNode) {
        guard case .mapping(let pairs) = node.content else { return }
        for pair in pairs {
            let key = pair.key.scalarText ?? ""
            switch key {
            case "$and", "$or", "$nor":
                if case .sequence(let items) = pair.value.content { for item in items { elementCondition(item) } }
            case "$not": elementCondition(pair.value)
            default: test(pair.value, type: .unknown, path: key)
            }
        }
    }

    mutating func equality(_ node: SourceNode, type: LintType, path: String, operatorName: String?) {
        yaml11(node)
        let value = node.jsonValue
        if case .null = value { return }
        switch (type, value) {
        case (.string, .string), (.version, .string), (.list, .string), (.list, .array), (.timestampList, .array),
            (.number, .number), (.boolean, .bool), (.unknown, _), (.object, .object), (.event, .object):
            break
        case (.timestamp, .string(let text)), (.timestampList, .string(let text)):
            if Timestamp.seconds(parsing: text) == nil {
                report(
                    .error,
                    "value-type-mismatch",
                    "'\(text)' is not a timestamp, and \(path) is one",
                    at: node.location,
                    fix: "write \(Timestamp.expectedForm)"
                )
            }
            return
        default:
            report(
                .error,
                "value-type-mismatch",
                "\(path) is a \(type.name) and never equals \(ConditionTrace.text(value))",
                at: node.location,
                fix: Self.typeFix(type, value)
            )
            return
        }
        if let allowed = type.allowedValues, case .string(let text) = value, !allowed.contains(text) {
            report(
                .error,
                "value-not-allowed",
                "'\(text)' is not a value of \(path) (\(allowed.joined(separator: ", ")))",
                at: node.location,
                fix: Suggestion.didYouMean(text, in: allowed)
            )
        }
    }

    static func typeFix(_ type: LintType, _ value: Value) -> String? {
        switch (type, value) {
        case (.number, .string(let text)) where SourceNode.Scalar.isJSONNumber(text): "write \(text) without quotes"
        case (.string, .number(let number)): "quote it: \"\(number.javaScriptText)\""
        case (.string, .bool(let flag)): "quote it: \"\(flag)\""
        case (.boolean, .string(let text)) where text == "true" || text == "false": "write \(text) without quotes"
        default: nil
        }
    }

    mutating func operandType(_ node: SourceNode, type: LintType, path: String, operatorName: String) {
        let value = node.jsonValue
        switch (type, value) {
        case (.number, .number), (.unknown, _): return
        case (.timestamp, .string(let text)), (.timestampList, .string(let text)):
            if Timestamp.seconds(parsing: text) == nil {
                report(
                    .error,
                    "value-type-mismatch",
                    "'\(text)' is not a timestamp, and \(path) is one",
                    at: node.location,
                    fix: "write \(Timestamp.expectedForm)"
                )
            }
        case (.number, _), (.timestamp, _), (.timestampList, _):
            report(
                .error,
                "value-type-mismatch",
                "\(operatorName) compares \(path), a \(type.name), with \(ConditionTrace.text(value)); they never order",
                at: node.location,
                fix: Self.typeFix(type, value)
            )
        default: return
        }
    }

    mutating func regex(_ pattern: String, caseInsensitive: Bool, at location: SourceLocation) {
        if case .failure(let error) = CompiledRegex.compile(pattern, caseInsensitive: caseInsensitive) {
            report(
                .error,
                "invalid-regex",
                "'\(pattern)' is not a regular expression GuideKit runs: \(error)",
                at: location,
                fix: "check brackets and escapes; a regex that does not compile never matches (see Targeting.md)"
            )
            return
        }
        if let offset = LinearRegex.nestedQuantifier(in: pattern) {
            report(
                .warning,
                "regex-nested-quantifier",
                "'\(pattern)' repeats a group that already repeats (at character \(offset)); GuideKit matches it in "
                    + "linear time, but backtracking engines (GrowthBook's SDKs, JavaScript) can take exponential time",
                at: location,
                fix: "repeat the inner part once: '(a+)+' matches what 'a+' matches"
            )
        }
        if pattern.count > 2, pattern.hasPrefix("/"), let last = pattern.lastIndex(of: "/"), last != pattern.startIndex,
            pattern[pattern.index(after: last)...].allSatisfy({ "gimsuy".contains($0) })
        {
            report(
                .warning,
                "invalid-regex",
                "'\(pattern)' looks like a JavaScript regex literal; the slashes are matched literally",
                at: location,
                fix: "write the pattern without slashes (use $regexi for the i flag)"
            )
        }
    }

    mutating func duration(_ node: SourceNode, name: String) {
        guard let text = node.scalarText, GuideDuration(parsing: text) != nil else {
            report(
                .error,
                "invalid-duration",
                "\(name) takes a duration, not \(node.scalarText.map { "'\($0)'" } ?? "a collection")",
                at: node.location,
                fix: "write \(GuideDuration.expectedForm)"
            )
            return
        }
    }
}
