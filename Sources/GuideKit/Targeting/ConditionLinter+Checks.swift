/// The whole-condition checks: plain scalars YAML 1.1 reads differently, ANDs that can never hold, and
/// `$performed` windows the kept times cannot decide.
extension LintWalker {
    // MARK: $performed windows

    /// Warns on a `$performed` window whose `atLeast` is above, or whose `atMost` is at or above, the number
    /// of times a state keeps per event (``UserState/EventSummary/keptTimes``): for a user with more events,
    /// when the window starts between the first event and the oldest kept time, the evaluation counts only
    /// the kept times in the window, a lower bound, so such a bound can fail (`atLeast`) or pass (`atMost`)
    /// where the full history would not.
    mutating func performedWindow(_ operand: SourceNode, atLeast: Int?, atMost: Int?, within: Double?) {
        guard within != nil, case .mapping(let pairs) = operand.content else { return }
        let kept = UserState.EventSummary.keptTimes
        let limit = String(kept)
        for pair in pairs {
            let key = pair.key.scalarText ?? ""
            let bound: Int
            switch key {
            case "atLeast":
                guard let atLeast, atLeast > kept else { continue }
                bound = atLeast
            case "atMost":
                guard let atMost, atMost >= kept else { continue }
                bound = atMost
            default: continue
            }
            report(
                .warning,
                "performed-window-over-limit",
                "\(key) \(bound) in a window counts past the newest \(limit) times a user state keeps per event; "
                    + "for a user with more, a window reaching past the oldest kept time counts only the kept times "
                    + "in it (a lower bound), so \(key == "atLeast" ? "atLeast" : "atMost") \(bound) can "
                    + (key == "atLeast" ? "fail for a user who did reach it" : "pass for a user who did more"),
                at: pair.value.location,
                fix: key == "atLeast"
                    ? "use atLeast ≤ \(limit) or drop 'within' to compare the exact count"
                    : "use atMost < \(limit) or drop 'within' to compare the exact count"
            )
        }
    }

    // MARK: YAML 1.1 scalars

    /// Warns on each plain scalar value (not key) that a YAML 1.1 tool would read as another type.
    mutating func yaml11(_ node: SourceNode) {
        switch node.content {
        case .scalar(let scalar):
            guard scalar.isPlain, let reading = Self.yaml11Reading(scalar.text) else { return }
            report(
                .warning,
                "yaml11-scalar",
                "'\(scalar.text)' is read as \(Self.describe(scalar.jsonValue)) here, but YAML 1.1 tools read it as \(reading)",
                at: node.location,
                fix: "quote it: \"\(scalar.text)\""
            )
        case .sequence(let items): for item in items { yaml11(item) }
        case .mapping(let pairs): for pair in pairs { yaml11(pair.value) }
        }
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .string(let text): "the string \"\(text)\""
        case .number(let number): "the number \(number.javaScriptText)"
        default: ConditionTrace.text(value)
        }
    }

    /// What YAML 1.1 makes of a plain scalar when it differs from GuideKit's (YAML 1.2, JSON) reading.
    static func yaml11Reading(_ text: String) -> String? {
        let booleans: Set<String> = [
            "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
        ]
        if booleans.contains(text) { return "a boolean" }
        let bytes = Array(text.utf8)
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var body = bytes[...]
        if let first = body.first, first == 0x2B || first == 0x2D { body = body.dropFirst() }
        guard !body.isEmpty else { return nil }
        // 010 (octal), 0x1F (hex), 0b101 (binary).
        if body.count > 1, body.first == 0x30 {
            let rest = body.dropFirst()
            if rest.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 || $0 == 0x5F }) { return "an octal number" }
            if rest.first == 0x78, rest.count > 1 { return "a hexadecimal number" }
            if rest.first == 0x62, rest.count > 1,
                rest.dropFirst().allSatisfy({ $0 == 0x30 || $0 == 0x31 || $0 == 0x5F })
            {
                return "a binary number"
            }
        }
        // 1_000 and 1_000.5.
        if body.contains(0x5F), body.first.map(isDigit) == true,
            body.allSatisfy({ isDigit($0) || $0 == 0x5F || $0 == 0x2E })
        {
            return "a number"
        }
        // 12:30 (base 60).
        if body.contains(0x3A), body.first.map(isDigit) == true,
            body.allSatisfy({ isDigit($0) || $0 == 0x3A || $0 == 0x5F || $0 == 0x2E }),
            !body.split(separator: 0x3A, omittingEmptySubsequences: false).contains(where: \.isEmpty)
        {
            return "a base-60 number"
        }
        // +1 (a sign JSON does not allow).
        if bytes.first == 0x2B, SourceNode.Scalar.isJSONNumber(String(decoding: body, as: UTF8.self)) {
            return "a number"
        }
        // .5, 1., .inf, .nan
        if [".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN"].contains(text) { return "a float" }
        if SourceNode.Scalar.isJSONNumber("0" + text) && text.hasPrefix(".") { return "a number" }
        // 2026-01-01 and 2026-01-01T09:00:00Z: a date or timestamp.
        if bytes.count >= 8, bytes.count >= 4, bytes[0..<4].allSatisfy(isDigit), bytes[4] == 0x2D,
            Timestamp.seconds(parsing: text) != nil || bytes.count == 10
        {
            return "a date"
        }
        return nil
    }

    // MARK: Unsatisfiable ANDs

    /// What one AND group requires of one path.
    private struct Requirements {
        var equal: [(Value, SourceLocation)] = []
        var sets: [([Value], SourceLocation)] = []
        var lower: (Double, Bool, SourceLocation)?  // value, inclusive
        var upper: (Double, Bool, SourceLocation)?
        var firstLocation: SourceLocation?
    }

    /// Warns when the keys of an AND (the mapping's own and its `$and` items') require what no value can
    /// be: two different values for one path, a value outside a required list, an empty numeric range.
    mutating func unsatisfiable(_ node: SourceNode) {
        var requirements: [String: Requirements] = [:]
        var order: [String] = []
        collect(node, into: &requirements, order: &order)
        for path in order {
            guard let required = requirements[path] else { continue }
            var scratch = LintWalker(linter: linter)
            if case .list = scratch.pathType(path, at: SourceLocation(file: "", line: 0, column: 0)) { continue }
            if let problem = Self.conflict(required) {
                report(
                    .warning,
                    "unsatisfiable-condition",
                    "\(path) \(problem.message), so this condition is never true",
                    at: problem.at,
                    fix: "did you mean $or, or $in: [...]?",
                    related: [problem.first]
                )
            }
        }
    }

    private func collect(_ node: SourceNode, into requirements: inout [String: Requirements], order: inout [String]) {
        guard case .mapping(let pairs) = node.content else { return }
        for pair in pairs {
            let key = pair.key.scalarText ?? ""
            if key == "$and", case .sequence(let items) = pair.value.content {
                for item in items { collect(item, into: &requirements, order: &order) }
                continue
            }
            guard !key.hasPrefix("$") else { continue }
            if requirements[key] == nil {
                requirements[key] = Requirements()
                order.append(key)
            }
            var required = requirements[key] ?? Requirements()
            if required.firstLocation == nil { required.firstLocation = pair.key.location }
            if ConditionCompiler.isOperatorObject(pair.value), case .mapping(let operators) = pair.value.content {
                for entry in operators {
                    let value = entry.value.jsonValue
                    switch entry.key.scalarText ?? "" {
                    case "$eq": if Self.isScalar(value) { required.equal.append((value, entry.value.location)) }
                    case "$in":
                        if case .array(let items) = value { required.sets.append((items, entry.value.location)) }
                    case "$gt", "$gte":
                        if case .number(let number) = value {
                            let inclusive = entry.key.scalarText == "$gte"
                            if required.lower.map({ number > $0.0 || (number == $0.0 && !inclusive) }) ?? true {
                                required.lower = (number, inclusive, entry.key.location)
                            }
                        }
                    case "$lt", "$lte":
                        if case .number(let number) = value {
                            let inclusive = entry.key.scalarText == "$lte"
                            if required.upper.map({ number < $0.0 || (number == $0.0 && !inclusive) }) ?? true {
                                required.upper = (number, inclusive, entry.key.location)
                            }
                        }
                    default: break
                    }
                }
            } else {
                let value = pair.value.jsonValue
                if Self.isScalar(value) { required.equal.append((value, pair.value.location)) }
            }
            requirements[key] = required
        }
    }

    private static func isScalar(_ value: Value) -> Bool {
        switch value {
        case .string, .number, .bool: true
        default: false
        }
    }

    private static func conflict(
        _ required: Requirements
    ) -> (message: String, at: SourceLocation, first: SourceLocation)? {
        let first = required.firstLocation ?? SourceLocation(file: "", line: 0, column: 0)
        if let (value, _) = required.equal.first {
            for (other, location) in required.equal.dropFirst() where other != value {
                return (
                    "must equal both \(ConditionTrace.text(value)) and \(ConditionTrace.text(other))", location, first
                )
            }
            for (set, location) in required.sets where !set.contains(value) {
                return (
                    "must equal \(ConditionTrace.text(value)), which is not in \(ConditionTrace.text(.array(set)))",
                    location, first
                )
            }
            if case .number(let number) = value {
                if let lower = required.lower, number < lower.0 || (number == lower.0 && !lower.1) {
                    return (
                        "must equal \(number.javaScriptText) but is bounded below by \(lower.0.javaScriptText)",
                        lower.2, first
                    )
                }
                if let upper = required.upper, number > upper.0 || (number == upper.0 && !upper.1) {
                    return (
                        "must equal \(number.javaScriptText) but is bounded above by \(upper.0.javaScriptText)",
                        upper.2, first
                    )
                }
            }
        }
        if required.sets.count > 1, let (firstSet, _) = required.sets.first {
            for (set, location) in required.sets.dropFirst() where !set.contains(where: firstSet.contains) {
                return ("must be in two lists with nothing in common", location, first)
            }
        }
        if let lower = required.lower, let upper = required.upper,
            lower.0 > upper.0 || (lower.0 == upper.0 && !(lower.1 && upper.1))
        {
            let at = lower.2 > upper.2 ? lower.2 : upper.2
            return (
                "has an empty range (\(lower.1 ? "≥" : ">") \(lower.0.javaScriptText) and \(upper.1 ? "≤" : "<") \(upper.0.javaScriptText))",
                at, first
            )
        }
        return nil
    }
}
