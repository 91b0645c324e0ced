/// What an audience's simple clauses allow, field by field.
///
/// Each field keeps the string values and the number range it may take. Used to decide, from the
/// catalog's declared values, whether two audiences can both be true and whether one is wider than another.
///
/// Only top-level clauses (and those of `$and` and `$segment`) of the forms `field: value`,
/// `{$eq|$ne|$in|$nin: …}` and `{$lt|$lte|$gt|$gte: number}` are understood; everything else is kept as
/// text and assumed satisfiable, so the analysis never claims a conflict it cannot prove.
struct AudienceConstraints: Sendable, Hashable {
    /// One field's allowed values.
    struct Field: Sendable, Hashable {
        /// The allowed strings, `nil` when any string is allowed.
        var values: Set<String>?
        /// The smallest allowed number and whether it is allowed itself.
        var lower: (value: Double, inclusive: Bool)?
        /// The largest allowed number and whether it is allowed itself.
        var upper: (value: Double, inclusive: Bool)?

        static func == (lhs: Field, rhs: Field) -> Bool {
            lhs.values == rhs.values && lhs.lower?.value == rhs.lower?.value
                && lhs.lower?.inclusive == rhs.lower?.inclusive && lhs.upper?.value == rhs.upper?.value
                && lhs.upper?.inclusive == rhs.upper?.inclusive
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(values)
            hasher.combine(lower?.value)
            hasher.combine(upper?.value)
        }

        /// Both constraints at once.
        func merged(with other: Field) -> Field {
            var result = self
            if let values = other.values { result.values = result.values.map { $0.intersection(values) } ?? values }
            if let lower = other.lower,
                result.lower.map({ lower.value > $0.value || (lower.value == $0.value && !lower.inclusive) }) ?? true
            {
                result.lower = lower
            }
            if let upper = other.upper,
                result.upper.map({ upper.value < $0.value || (upper.value == $0.value && !upper.inclusive) }) ?? true
            {
                result.upper = upper
            }
            return result
        }

        /// Whether no value satisfies the constraint.
        var isEmpty: Bool {
            if let values, values.isEmpty { return true }
            if let lower, let upper {
                return lower.value > upper.value
                    || (lower.value == upper.value && !(lower.inclusive && upper.inclusive))
            }
            return false
        }

        /// Whether every value `other` allows, this allows too.
        func contains(_ other: Field) -> Bool {
            if let values {
                guard let theirs = other.values, theirs.isSubset(of: values) else { return false }
            }
            if let lower {
                guard let theirs = other.lower,
                    theirs.value > lower.value
                        || (theirs.value == lower.value && (lower.inclusive || !theirs.inclusive))
                else { return false }
            }
            if let upper {
                guard let theirs = other.upper,
                    theirs.value < upper.value
                        || (theirs.value == upper.value && (upper.inclusive || !theirs.inclusive))
                else { return false }
            }
            return true
        }
    }

    /// The understood fields, by path.
    var fields: [String: Field] = [:]
    /// The clauses not understood, as text.
    var opaque: Set<String> = []

    /// Reads an audience.
    ///
    /// - Parameters:
    ///   - audience: the audience as written; `nil` is everyone.
    ///   - catalog: the catalog, for segments and declared values.
    init(_ audience: SourceNode?, catalog: Catalog) {
        guard let audience else { return }
        add(audience, catalog: catalog, depth: 0)
    }

    /// Whether no user can satisfy both audiences (some field's constraints cannot both hold).
    func isDisjoint(from other: AudienceConstraints) -> Bool {
        for (path, field) in fields {
            if let theirs = other.fields[path], field.merged(with: theirs).isEmpty { return true }
        }
        return fields.values.contains(where: \.isEmpty) || other.fields.values.contains(where: \.isEmpty)
    }

    /// Whether every user in `other` is in this audience too (this one is at least as wide).
    func contains(_ other: AudienceConstraints) -> Bool {
        guard opaque.isSubset(of: other.opaque) else { return false }
        for (path, field) in fields {
            guard let theirs = other.fields[path], field.contains(theirs) else { return false }
        }
        return true
    }

    private mutating func add(_ node: SourceNode, catalog: Catalog, depth: Int) {
        guard depth < 8, case .mapping(let pairs) = node.content else {
            opaque.insert(ConditionText.render(node))
            return
        }
        for pair in pairs {
            guard case .scalar(let key) = pair.key.content else { continue }
            let text = key.text
            if text == "$and", case .sequence(let items) = pair.value.content {
                for item in items { add(item, catalog: catalog, depth: depth + 1) }
            } else if text == "$segment", case .scalar(let name) = pair.value.content,
                let segment = catalog.segments[name.text]
            {
                add(segment.condition, catalog: catalog, depth: depth + 1)
            } else if !text.hasPrefix("$"), let field = Self.field(text, pair.value, catalog: catalog) {
                fields[text] = fields[text].map { $0.merged(with: field) } ?? field
            } else {
                opaque.insert(ConditionText.render(SourceNode(.mapping([pair]), at: pair.key.location)))
            }
        }
    }

    private static func field(_ path: String, _ node: SourceNode, catalog: Catalog) -> Field? {
        let universe = declaredValues(path, catalog: catalog)
        switch node.content {
        case .scalar(let scalar):
            return equal(scalar.text)
        case .sequence:
            return nil
        case .mapping(let pairs):
            var result = Field()
            for pair in pairs {
                guard case .scalar(let op) = pair.key.content else { return nil }
                let field: Field
                switch op.text {
                case "$eq":
                    guard case .scalar(let value) = pair.value.content else { return nil }
                    field = equal(value.text)
                case "$in":
                    guard let list = strings(pair.value) else { return nil }
                    field = Field(values: Set(list))
                case "$ne", "$nin":
                    guard let universe else { return nil }
                    let excluded: [String]
                    if op.text == "$ne" {
                        guard case .scalar(let value) = pair.value.content else { return nil }
                        excluded = [value.text]
                    } else {
                        guard let list = strings(pair.value) else { return nil }
                        excluded = list
                    }
                    field = Field(values: universe.subtracting(excluded))
                case "$lt", "$lte", "$gt", "$gte":
                    guard case .scalar(let value) = pair.value.content, let number = Double(value.text) else {
                        return nil
                    }
                    switch op.text {
                    case "$lt": field = Field(upper: (number, false))
                    case "$lte": field = Field(upper: (number, true))
                    case "$gt": field = Field(lower: (number, false))
                    default: field = Field(lower: (number, true))
                    }
                default:
                    return nil
                }
                result = result.merged(with: field)
            }
            return result
        }
    }

    private static func equal(_ text: String) -> Field {
        if let number = Double(text) { return Field(values: [text], lower: (number, true), upper: (number, true)) }
        return Field(values: [text])
    }

    private static func strings(_ node: SourceNode) -> [String]? {
        guard case .sequence(let items) = node.content else { return nil }
        var result: [String] = []
        for item in items {
            guard case .scalar(let scalar) = item.content else { return nil }
            result.append(scalar.text)
        }
        return result
    }

    /// The declared values of a string attribute (`user.plan`), or the statuses of `guides.<id>.status`.
    private static func declaredValues(_ path: String, catalog: Catalog) -> Set<String>? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3, parts[0] == "guides", parts[2] == "status" {
            return Set(UserState.GuideStatus.allCases.map(\.rawValue))
        }
        guard parts.count == 2 else { return nil }
        let attribute =
            parts[0] == "user"
            ? catalog.userAttributes[parts[1]] : parts[0] == "account" ? catalog.accountAttributes[parts[1]] : nil
        guard let attribute, attribute.type == .string, let values = attribute.values else { return nil }
        return Set(values)
    }
}
