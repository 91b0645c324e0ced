import Foundation

extension Tracker {
    /// A state as YAML, keys in the order of `Schemas/user-state.schema.json`: what `guidekit simulate --user`
    /// reads.
    ///
    /// - Parameter state: the state.
    /// - Returns: the YAML text, ending in a newline.
    public static func renderYAML(_ state: UserState) -> String {
        var output = ""
        if case .object(let members) = ordered(state.document, depth: 0) {
            for (key, value) in members { appendYAML(key, value, indent: 0, to: &output) }
        }
        return output
    }

    /// A state as JSON, keys in schema order.
    ///
    /// - Parameters:
    ///   - state: the state.
    ///   - pretty: indented (`true`) or on one line, the form `--users` populations use.
    /// - Returns: the JSON text, without a final newline.
    public static func renderJSON(_ state: UserState, pretty: Bool = true) -> String {
        ordered(state.document, depth: 0).rendered(pretty: pretty)
    }

    private static let progressOrder = [
        "status", "step", "version", "variant", "shows", "last_shown", "started_at", "completed_at", "snoozed_until",
    ]
    private static let eventOrder = ["count", "first", "last", "times"]

    /// The document with the schema's key order at the top, in guide progress and event summaries, and
    /// sorted keys elsewhere.
    private static func ordered(_ value: Value, depth: Int, parent: String? = nil) -> OrderedJSON {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map { ordered($0, depth: depth + 1) })
        case .object(let members):
            let order: [String] =
                switch (depth, parent) {
                case (0, _): UserState.fields
                case (2, "guides"): progressOrder
                case (2, "events"): eventOrder
                default: []
                }
            let keys = members.keys.sorted { lhs, rhs in
                let left = order.firstIndex(of: lhs) ?? Int.max
                let right = order.firstIndex(of: rhs) ?? Int.max
                return left != right ? left < right : lhs < rhs
            }
            return .object(
                keys.compactMap { key in
                    guard let member = members[key] else { return nil }
                    if depth == 0, case .object(let inner) = member, inner.isEmpty { return nil }
                    let childParent = depth == 0 ? key : (depth == 1 ? parent : nil)
                    return (key, ordered(member, depth: depth + 1, parent: childParent))
                }
            )
        }
    }

    private static func appendYAML(_ key: String, _ value: OrderedJSON, indent: Int, to output: inout String) {
        let pad = String(repeating: "  ", count: indent)
        if case .object(let members) = value, !members.isEmpty {
            output += "\(pad)\(scalar(key)):\n"
            for (inner, member) in members { appendYAML(inner, member, indent: indent + 1, to: &output) }
        } else {
            output += "\(pad)\(scalar(key)): \(flow(value))\n"
        }
    }

    /// A value in YAML flow style (JSON is valid YAML flow; plain scalars where they read back the same).
    private static func flow(_ value: OrderedJSON) -> String {
        switch value {
        case .string(let text): return scalar(text)
        case .array(let items): return "[" + items.map(flow).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.map { "\(scalar($0.0)): \(flow($0.1))" }.joined(separator: ", ") + "}"
        default: return value.rendered(pretty: false)
        }
    }

    /// A string as a plain YAML scalar when it reads back as the same string, else double-quoted.
    private static func scalar(_ text: String) -> String {
        let safe = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/", ":", "+", "@": true
            default: false
            }
        }
        let special = ["true", "false", "null", "yes", "no", "on", "off", "~"].contains(text.lowercased())
        let risky =
            text.isEmpty || special || Double(text) != nil || text.hasPrefix("-") || text.hasPrefix(":")
            || text.hasSuffix(":") || text.contains(": ")
        return safe && !risky ? text : OrderedJSON.quoted(text)
    }
}

extension Tracker.Summary {
    /// The input summary printed on standard error.
    ///
    /// ```
    /// read 1 file: 7,000 events (6,990 applied, 8 duplicates), 2 bad lines, 12 users
    ///   bad-timestamp: 1 (events.jsonl:17: ts '2026-13-01T00:00:00Z')
    /// ```
    ///
    /// - Parameter users: the number of states printed.
    /// - Returns: the text, ending in a newline.
    public func renderText(users: Int) -> String {
        let fileWord = files.count == 1 ? "file" : "files"
        var parts = ["\(number(applied)) applied"]
        if duplicates > 0 { parts.append("\(number(duplicates)) duplicates") }
        if stepsNotShown > 0 {
            let noun = stepsNotShown == 1 ? "step" : "steps"
            parts.append("\(number(stepsNotShown)) \(noun) not shown (target missing)")
        }
        if otherUsers > 0 { parts.append("\(number(otherUsers)) of other users") }
        if afterAsOf > 0 { parts.append("\(number(afterAsOf)) after the as-of time") }
        var text =
            "read \(files.count) \(fileWord): \(number(events)) events (\(parts.joined(separator: ", "))), "
            + "\(number(errorCount)) bad \(errorCount == 1 ? "line" : "lines"), \(number(users)) "
            + (users == 1 ? "user" : "users") + "\n"
        for reason in issues.keys.sorted() {
            let count = issues[reason] ?? 0
            let shown = places[reason, default: []].joined(separator: "; ")
            let more = count > places[reason, default: []].count ? "; …" : ""
            text += "  \(reason.rawValue): \(number(count)) (\(shown)\(more)) — \(reason.explanation)\n"
        }
        for (guide, count) in unknownGuides.sorted(by: { $0.key < $1.key }) {
            text +=
                "  unknown-guide: \(number(count)) events of '\(guide)', which the guides folder does not have; "
                + "its progress is kept\n"
        }
        for user in usersWithoutEvents {
            text += "  no-events: no event of user '\(user)'; the state is the starting one\n"
        }
        return text
    }

    private func number(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { result += "," }
            result.append(character)
        }
        return result
    }
}
