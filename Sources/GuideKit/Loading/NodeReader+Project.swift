extension NodeReader {
    /// The fields of the project file, in documentation order.
    static let projectFields = [
        "default_locale", "locales", "throttle", "attributes", "account_attributes", "events", "segments", "groups",
        "$schema",
    ]

    /// Reads the project file's root.
    mutating func project(from root: SourceNode) -> Project? {
        guard
            let fields = fields(of: root, what: "the project file", field: "the project file", known: Self.projectFields)
        else { return nil }
        var project = Project(at: root.location)
        if let locale = string(fields["default_locale"], field: "default_locale") {
            checkLocale(locale)
            project.defaultLocale = locale
        }
        if let locales = strings(fields["locales"], field: "locales") {
            var seen: [String: SourceLocation] = [:]
            for locale in locales {
                checkLocale(locale)
                if let first = seen[locale.value] {
                    report(
                        "duplicate-key",
                        "locale '\(locale.value)' is already listed at line \(first.line)",
                        at: locale.location,
                        fix: "remove one of the two",
                        related: [first]
                    )
                    continue
                }
                seen[locale.value] = locale.location
                project.locales.append(locale)
            }
        }
        project.throttle = duration(fields["throttle"], field: "throttle")?.value
        if let node = fields["attributes"] { project.catalog.userAttributes = attributes(from: node, field: "attributes") }
        if let node = fields["account_attributes"] {
            project.catalog.accountAttributes = attributes(from: node, field: "account_attributes")
        }
        if let node = fields["events"] {
            for (name, value) in entries(node, field: "events", of: "event names to descriptions") ?? [] {
                var description: String?
                if !Self.isNull(value),
                    let eventFields = self.fields(of: value, what: "an event", field: name.value, known: ["description"])
                {
                    description = string(eventFields["description"], field: "description")?.value
                }
                project.catalog.events[name.value] = Catalog.Event(
                    name: name.value,
                    description: description,
                    location: name.location
                )
            }
        }
        if let node = fields["segments"] {
            for (name, value) in entries(node, field: "segments", of: "segment names to conditions") ?? [] {
                project.catalog.segments[name.value] = Catalog.Segment(
                    name: name.value,
                    condition: value,
                    location: name.location
                )
            }
        }
        if let node = fields["groups"] {
            for (name, value) in entries(node, field: "groups", of: "group names to user ids") ?? [] {
                let members = strings(value, field: name.value)?.map(\.value) ?? []
                project.catalog.groups[name.value] = Catalog.Group(
                    name: name.value,
                    members: members,
                    location: name.location
                )
            }
        }
        return project
    }

    private mutating func attributes(from node: SourceNode, field: String) -> [String: Catalog.Attribute] {
        var result: [String: Catalog.Attribute] = [:]
        for (name, value) in entries(node, field: field, of: "attribute names to declarations") ?? [] {
            guard
                let fields = fields(
                    of: value,
                    what: "an attribute",
                    field: name.value,
                    known: ["type", "values", "description"],
                    required: ["type"]
                ),
                let type: Catalog.AttributeType = choice(fields["type"], field: "type")
            else { continue }
            let values = strings(fields["values"], field: "values")?.map(\.value)
            if values != nil, type != .string, type != .list, let location = fields.keyLocation("values") {
                report(
                    "invalid-value",
                    "'values' applies to string and list attributes; '\(name.value)' is a \(type.rawValue)",
                    at: location,
                    fix: "remove 'values', or change the type"
                )
            }
            result[name.value] = Catalog.Attribute(
                name: name.value,
                type: type,
                values: values,
                description: string(fields["description"], field: "description")?.value,
                location: name.location
            )
        }
        return result
    }
}
