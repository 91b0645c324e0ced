import Foundation

/// Reads typed values out of `SourceNode`s the way the guide format defines, collecting a diagnostic for
/// every value that does not fit and carrying on.
///
/// Scalars follow the YAML 1.2 core schema and are read as the type expected at their position: where a
/// string is expected any scalar's text is the string, where a number or boolean is expected only a plain
/// scalar of that type fits.
struct NodeReader {
    /// The findings so far, in the order found.
    var diagnostics: [Diagnostic] = []

    /// The fields of one mapping, by name.
    struct Fields {
        /// The known fields' names and pairs, in document order (a handful, so a list beats a dictionary).
        var pairs: [(name: String, pair: SourceNode.Pair)]
        /// Where the mapping is.
        var location: SourceLocation

        /// The value of a field, if present.
        subscript(_ name: String) -> SourceNode? { pairs.first { $0.name == name }?.pair.value }

        /// Where a field's key is written, if present.
        func keyLocation(_ name: String) -> SourceLocation? { pairs.first { $0.name == name }?.pair.key.location }

        /// Whether the field is present.
        func has(_ name: String) -> Bool { pairs.contains { $0.name == name } }
    }

    mutating func report(
        _ rule: String,
        _ message: String,
        at location: SourceLocation,
        fix: String? = nil,
        severity: Diagnostic.Severity = .error,
        related: [SourceLocation] = []
    ) {
        diagnostics.append(Diagnostic(severity, rule: rule, message, at: location, fix: fix, related: related))
    }

    // MARK: - Collections

    /// Reads a mapping's fields, reporting unknown fields (with a suggestion) and missing required ones.
    ///
    /// - Parameters:
    ///   - node: the node that must be a mapping.
    ///   - what: the noun used in messages (`a step`, `the trigger`).
    ///   - field: the name of the field holding the mapping, for a wrong-type message.
    ///   - known: every field name allowed, in documentation order.
    ///   - required: the names that must be present.
    /// - Returns: the fields, or `nil` when `node` is not a mapping.
    mutating func fields(
        of node: SourceNode,
        what: String,
        field: String,
        known: [String],
        required: [String] = []
    ) -> Fields? {
        guard case .mapping(let pairs) = node.content else {
            wrongType(node, field: field, expected: "a mapping (\(what) with fields such as \(known.prefix(3).joined(separator: ", ")))")
            return nil
        }
        var result: [(name: String, pair: SourceNode.Pair)] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            guard case .scalar(let key) = pair.key.content else {
                report(
                    "wrong-type",
                    "a key of \(what) must be a plain name, not \(Self.describe(pair.key))",
                    at: pair.key.location,
                    fix: "write a field name such as '\(known.first ?? "id")'"
                )
                continue
            }
            guard known.contains(key.text) else {
                let fix =
                    Suggestion.didYouMean(key.text, in: known)
                    ?? "the fields of \(what) are \(known.map { "'\($0)'" }.joined(separator: ", "))"
                report("unknown-field", "'\(key.text)' is not a field of \(what)", at: pair.key.location, fix: fix)
                continue
            }
            result.append((key.text, pair))
        }
        let fields = Fields(pairs: result, location: node.location)
        for name in required where !fields.has(name) {
            report("missing-field", "\(what) is missing '\(name)'", at: node.location, fix: "add '\(name):'")
        }
        return fields
    }

    /// The items of a list, or `nil` (with a diagnostic) when `node` is not one.
    mutating func sequence(_ node: SourceNode, field: String, of what: String) -> [SourceNode]? {
        guard case .sequence(let items) = node.content else {
            wrongType(node, field: field, expected: "a list of \(what)")
            return nil
        }
        return items
    }

    /// The pairs of a mapping keyed by names the author chooses (step ids, locales, event names).
    mutating func entries(_ node: SourceNode, field: String, of what: String) -> [(key: Located<String>, value: SourceNode)]? {
        guard case .mapping(let pairs) = node.content else {
            wrongType(node, field: field, expected: "a mapping of \(what)")
            return nil
        }
        var result: [(key: Located<String>, value: SourceNode)] = []
        for pair in pairs {
            guard case .scalar(let key) = pair.key.content, !Self.isNull(pair.key) else {
                report("wrong-type", "a key of '\(field)' must be a name, not \(Self.describe(pair.key))", at: pair.key.location)
                continue
            }
            result.append((Located(key.text, at: pair.key.location), pair.value))
        }
        return result
    }

    // MARK: - Scalars

    /// A string; any scalar's text except an empty value.
    mutating func string(_ node: SourceNode?, field: String) -> Located<String>? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node.content, !Self.isNull(node) else {
            wrongType(node, field: field, expected: "a string")
            return nil
        }
        return Located(scalar.text, at: node.location)
    }

    /// A list of strings; with `allowsSingle`, one string stands for a list of one.
    mutating func strings(_ node: SourceNode?, field: String, allowsSingle: Bool = false) -> [Located<String>]? {
        guard let node else { return nil }
        if allowsSingle, case .scalar = node.content {
            return string(node, field: field).map { [$0] }
        }
        guard case .sequence(let items) = node.content else {
            wrongType(node, field: field, expected: allowsSingle ? "a string or a list of strings" : "a list of strings")
            return nil
        }
        return items.compactMap { string($0, field: "an item of '\(field)'") }
    }

    /// A whole number written as a plain decimal scalar.
    mutating func integer(_ node: SourceNode?, field: String) -> Located<Int>? {
        guard let node else { return nil }
        if case .scalar(let scalar) = node.content, scalar.isPlain, Self.isInteger(scalar.text),
            let value = Int(scalar.text.hasPrefix("+") ? String(scalar.text.dropFirst()) : scalar.text)
        {
            return Located(value, at: node.location)
        }
        wrongType(node, field: field, expected: "a whole number")
        return nil
    }

    /// A number written as a plain decimal scalar (integer or fraction, not `.inf` or `.nan`).
    mutating func number(_ node: SourceNode?, field: String) -> Located<Double>? {
        guard let node else { return nil }
        if case .scalar(let scalar) = node.content, scalar.isPlain, Self.isDecimal(scalar.text),
            let value = Double(scalar.text)
        {
            return Located(value, at: node.location)
        }
        wrongType(node, field: field, expected: "a number")
        return nil
    }

    /// `true` or `false` (any case the core schema allows); `yes`, `on` and friends are not booleans.
    mutating func boolean(_ node: SourceNode?, field: String) -> Located<Bool>? {
        guard let node else { return nil }
        if case .scalar(let scalar) = node.content, scalar.isPlain {
            if ["true", "True", "TRUE"].contains(scalar.text) { return Located(true, at: node.location) }
            if ["false", "False", "FALSE"].contains(scalar.text) { return Located(false, at: node.location) }
        }
        wrongType(node, field: field, expected: "true or false")
        return nil
    }

    /// A value from a fixed set, reported with the allowed values when it is not one of them.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: SourceNode?,
        field: String
    ) -> Choice? where Choice.RawValue == String {
        guard let text = string(node, field: field) else { return nil }
        if let value = Choice(rawValue: text.value) { return value }
        let allowed = Choice.allCases.map(\.rawValue)
        let fix = Suggestion.didYouMean(text.value, in: allowed) ?? "write one of \(allowed.joined(separator: ", "))"
        report(
            "invalid-value",
            "'\(text.value)' is not a valid '\(field)'; it must be one of \(allowed.joined(separator: ", "))",
            at: text.location,
            fix: fix
        )
        return nil
    }

    /// A duration such as `30s` or `7d`.
    mutating func duration(_ node: SourceNode?, field: String) -> Located<GuideDuration>? {
        guard let text = string(node, field: field) else { return nil }
        if let duration = GuideDuration(parsing: text.value) { return Located(duration, at: text.location) }
        var fix = "write " + GuideDuration.expectedForm
        let lowered = text.value.lowercased().filter { !$0.isWhitespace }
        for (long, short) in [("seconds", "s"), ("second", "s"), ("minutes", "m"), ("minute", "m"), ("min", "m"),
            ("hours", "h"), ("hour", "h"), ("days", "d"), ("day", "d"), ("weeks", "w"), ("week", "w"),
        ] where lowered.hasSuffix(long) {
            let digits = lowered.dropLast(long.count)
            if !digits.isEmpty, digits.allSatisfy(\.isNumber) { fix = "write '\(digits)\(short)'" }
            break
        }
        report(
            "invalid-duration",
            "'\(text.value)' is not a valid duration for '\(field)'",
            at: text.location,
            fix: fix
        )
        return nil
    }

    /// An ISO 8601 date or date-time.
    mutating func timestamp(_ node: SourceNode?, field: String) -> Located<Date>? {
        guard let text = string(node, field: field) else { return nil }
        if let date = Timestamp.date(parsing: text.value) { return Located(date, at: text.location) }
        var fix = "write " + Timestamp.expectedForm
        if Timestamp.date(parsing: text.value + "Z") != nil { fix = "add a time zone: '\(text.value)Z'" }
        report(
            "invalid-timestamp",
            "'\(text.value)' is not a valid timestamp for '\(field)'",
            at: text.location,
            fix: fix
        )
        return nil
    }

    /// A lowercase kebab-case id such as `welcome-tour`.
    mutating func identifier(_ node: SourceNode?, field: String) -> Located<String>? {
        guard let text = string(node, field: field) else { return nil }
        guard !Self.isKebabCase(text.value) else { return text }
        let suggestion = Self.kebabCased(text.value)
        report(
            "invalid-value",
            "'\(text.value)' is not a valid \(field); ids are lowercase kebab-case (letters, digits and '-')",
            at: text.location,
            fix: suggestion.isEmpty ? "write an id such as 'welcome-tour'" : "write '\(suggestion)'"
        )
        return text
    }

    // MARK: - Wrong types

    /// Reports that `node` is not the `expected` kind of value, with a fix where the author's intent is clear.
    mutating func wrongType(_ node: SourceNode, field: String, expected: String) {
        var fix: String?
        if case .scalar(let scalar) = node.content {
            let text = scalar.text
            if expected == "true or false" {
                fix = "write true or false"
            } else if !scalar.isPlain, expected == "a whole number" || expected == "a number",
                Self.isDecimal(text)
            {
                fix = "write \(text) without quotes"
            } else if Self.isNull(node) {
                fix = "write a value after '\(field):'"
            }
        }
        let subject = ["a ", "an ", "the "].contains { field.hasPrefix($0) } ? field : "'\(field)'"
        report("wrong-type", "\(subject) must be \(expected), not \(Self.describe(node))", at: node.location, fix: fix)
    }

    /// A short description of what a node is, for messages.
    static func describe(_ node: SourceNode) -> String {
        switch node.content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            if isNull(node) { return "an empty value" }
            let shown = scalar.text.count > 40 ? String(scalar.text.prefix(40)) + "…" : scalar.text
            if !scalar.isPlain { return "the quoted string '\(shown)'" }
            return "'\(shown)'"
        }
    }

    // MARK: - Core schema

    /// Whether a node is YAML's null: an empty plain scalar, `~` or `null`.
    static func isNull(_ node: SourceNode) -> Bool {
        guard case .scalar(let scalar) = node.content, scalar.isPlain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.text)
    }

    static func isInteger(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        return !body.isEmpty && body.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    static func isDecimal(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        var mantissa = body
        if let exponent = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = body[..<exponent]
            guard isInteger(String(body[body.index(after: exponent)...])) else { return false }
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.contains(where: { !$0.isEmpty }) else { return false }
        return parts.allSatisfy { $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    static func isKebabCase(_ text: String) -> Bool {
        guard !text.isEmpty, text.first != "-", text.last != "-", !text.contains("--") else { return false }
        return text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    /// `Welcome_Tour` → `welcome-tour`.
    static func kebabCased(_ text: String) -> String {
        var result = ""
        var previousWasLower = false
        for character in text {
            if character.isASCII, character.isLetter || character.isNumber {
                if character.isUppercase, previousWasLower, result.last != "-" { result.append("-") }
                result.append(Character(character.lowercased()))
                previousWasLower = character.isLowercase || character.isNumber
            } else {
                if !result.isEmpty, result.last != "-" { result.append("-") }
                previousWasLower = false
            }
        }
        while result.last == "-" { result.removeLast() }
        return result
    }
}
