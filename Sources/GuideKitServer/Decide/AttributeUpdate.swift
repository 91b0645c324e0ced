import GuideKit

/// Attributes sent with `decide` or `identify`, checked against the catalog of `guidekit.yaml`, and merged
/// into the stored user.
package struct AttributeUpdate: Sendable, Hashable {
    /// `user.<name>` values; `null` removes one.
    package var user: [String: Value] = [:]
    /// `account.<name>` values; `null` removes one.
    package var account: [String: Value] = [:]

    package init() {}

    /// Whether nothing is set.
    package var isEmpty: Bool { user.isEmpty && account.isEmpty }

    /// Reads and checks attributes.
    ///
    /// - Parameters:
    ///   - attributes: the `attributes` object, if any.
    ///   - account: the `account` object, if any.
    ///   - catalog: the project's catalog; an empty catalog checks nothing.
    /// - Throws: ``APIError/invalidAttribute(_:_:)`` (422) naming the attribute.
    package init(attributes: FieldReader?, account: FieldReader?, catalog: Catalog) throws(APIError) {
        if let attributes {
            user = try Self.check(attributes, declared: catalog.userAttributes, catalog: catalog, namespace: "user")
        }
        if let account {
            self.account = try Self.check(
                account,
                declared: catalog.accountAttributes,
                catalog: catalog,
                namespace: "account"
            )
        }
    }

    /// Applies the update to a state; returns whether anything changed.
    package func apply(to state: inout UserState) -> Bool {
        let before = (state.user, state.account)
        for (name, value) in user { state.user[name] = value == .null ? nil : value }
        for (name, value) in account { state.account[name] = value == .null ? nil : value }
        return before != (state.user, state.account)
    }

    private static func check(
        _ object: FieldReader,
        declared: [String: Catalog.Attribute],
        catalog: Catalog,
        namespace: String
    ) throws(APIError) -> [String: Value] {
        let checksCatalog = !catalog.userAttributes.isEmpty || !catalog.accountAttributes.isEmpty
        var values: [String: Value] = [:]
        for name in object.members.keys.sorted() {
            let field = object.field(name)
            let value = object.members[name] ?? .null
            guard name.utf8.count <= 128 else {
                throw .invalidAttribute(field, "attribute names are at most 128 bytes")
            }
            guard value.rendered.utf8.count <= 8_192 else {
                throw .invalidAttribute(field, "'\(field)' is larger than 8 KiB")
            }
            if checksCatalog {
                guard let attribute = declared[name] else {
                    let hint = Suggestion.didYouMean(name, in: declared.keys).map { "; \($0)" } ?? ""
                    throw .invalidAttribute(
                        field,
                        "'\(namespace).\(name)' is not in the catalog of guidekit.yaml\(hint); declare it there first"
                    )
                }
                if value != .null { try checkType(value, attribute, field: field, namespace: namespace) }
            }
            values[name] = value
        }
        return values
    }

    private static func checkType(
        _ value: Value,
        _ attribute: Catalog.Attribute,
        field: String,
        namespace: String
    ) throws(APIError) {
        let name = "\(namespace).\(attribute.name)"
        func wrong(_ expected: String) -> APIError {
            .invalidAttribute(
                field,
                "'\(name)' is \(value.rendered.prefix(60)) (\(value.typeName)); the catalog says \(expected)"
            )
        }
        func allowed(_ text: String) throws(APIError) {
            if let values = attribute.values, !values.contains(text) {
                let hint = Suggestion.didYouMean(text, in: values).map { "; \($0)" } ?? ""
                throw .invalidAttribute(
                    field,
                    "'\(name)' is '\(text)', not one of \(values.joined(separator: ", "))\(hint)"
                )
            }
        }
        switch (attribute.type, value) {
        case (.string, .string(let text)): try allowed(text)
        case (.number, .number), (.boolean, .bool): break
        case (.timestamp, .string(let text)) where Timestamp.date(parsing: text) != nil: break
        case (.version, .string(let text))
        where !text.isEmpty && text.allSatisfy({ $0.isNumber || $0 == "." || $0.isLetter || $0 == "-" }): break
        case (.list, .array(let items)):
            for item in items {
                guard case .string(let text) = item else { throw wrong("a list of strings") }
                try allowed(text)
            }
        case (.string, _): throw wrong("a string")
        case (.number, _): throw wrong("a number")
        case (.boolean, _): throw wrong("true or false")
        case (.timestamp, _): throw wrong("an ISO 8601 timestamp such as 2026-11-23T09:30:00Z")
        case (.version, _): throw wrong("a version string such as 5.2.0")
        case (.list, _): throw wrong("a list of strings")
        }
    }
}
