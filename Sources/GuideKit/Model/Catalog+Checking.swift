extension Catalog {
    /// The two attribute namespaces a catalog declares types for.
    public enum AttributeNamespace: String, Sendable, Hashable, CaseIterable {
        /// `user.<name>`, declared under `attributes:`.
        case user
        /// `account.<name>`, declared under `account_attributes:`.
        case account
    }

    /// The attributes declared in a namespace, by name.
    public func attributes(in namespace: AttributeNamespace) -> [String: Attribute] {
        switch namespace {
        case .user: userAttributes
        case .account: accountAttributes
        }
    }

    /// Checks attribute values against the types the catalog declares and gives them in their typed form.
    ///
    /// A server calls it on the attributes of an `identify` call; the user-state readers apply the same
    /// rules to every YAML, JSON and CSV state. Attributes the catalog does not declare pass as they are;
    /// `null` passes for every type (the attribute is not set). Otherwise:
    /// - `string` and `version`: a string; a number or a boolean is taken as its text (`5` is `"5"`).
    /// - `number`: a number (the string `"3"` is refused: write `3`).
    /// - `boolean`: `true` or `false`.
    /// - `timestamp`: a string in ISO 8601 form (`2026-11-20T09:00:00Z`).
    /// - `list`: an array of strings (numbers and booleans are taken as their text).
    ///
    /// ```swift
    /// do {
    ///     let attributes = try catalog.checked(["seats": .string("three")], in: .user)
    /// } catch {
    ///     print(error.path, error.message)   // user.seats  'three' is not a number; …
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - attributes: the attributes by name, without their namespace.
    ///   - namespace: `user` or `account`.
    /// - Returns: the attributes, strings where the catalog declares text.
    /// - Throws: ``UserStateError`` with code ``UserStateError/Code/wrongType`` (or
    ///   ``UserStateError/Code/invalidTimestamp``) and the attribute's dotted path (`user.seats`), for the
    ///   first wrong attribute in name order; ``attributeErrors(_:in:)`` gives all of them.
    public func checked(
        _ attributes: [String: Value],
        in namespace: AttributeNamespace
    ) throws(UserStateError)
        -> [String: Value]
    {
        let declared = self.attributes(in: namespace)
        guard !declared.isEmpty else { return attributes }
        var result = attributes
        for name in attributes.keys.sorted() {
            guard let attribute = declared[name], let value = attributes[name] else { continue }
            switch attribute.typed(value) {
            case .success(let typed): result[name] = typed
            case .failure(let failure): throw failure.error(path: "\(namespace.rawValue).\(name)", at: nil)
            }
        }
        return result
    }

    /// Checks attribute values against the types the catalog declares; see ``checked(_:in:)``.
    ///
    /// - Parameters:
    ///   - attributes: the attributes by name, without their namespace.
    ///   - namespace: `user` (the default) or `account`.
    /// - Throws: ``UserStateError`` naming the first wrong attribute.
    public func check(attributes: [String: Value], in namespace: AttributeNamespace = .user) throws(UserStateError) {
        _ = try checked(attributes, in: namespace)
    }

    /// Every attribute whose value does not have its declared type, in name order.
    ///
    /// - Parameters:
    ///   - attributes: the attributes by name, without their namespace.
    ///   - namespace: `user` or `account`.
    /// - Returns: one error per wrong attribute (empty when all are right).
    public func attributeErrors(_ attributes: [String: Value], in namespace: AttributeNamespace) -> [UserStateError] {
        let declared = self.attributes(in: namespace)
        return attributes.keys.sorted().compactMap { name in
            guard let attribute = declared[name], let value = attributes[name],
                case .failure(let failure) = attribute.typed(value)
            else { return nil }
            return failure.error(path: "\(namespace.rawValue).\(name)", at: nil)
        }
    }
}

extension Catalog.Attribute {
    /// Why a value does not have an attribute's type.
    struct TypeFailure: Error {
        var code: UserStateError.Code
        var message: String

        func error(path: String, at location: SourceLocation?) -> UserStateError {
            UserStateError(code, message, path: path, at: location)
        }
    }

    /// The value in the attribute's type, or why it cannot be.
    func typed(_ value: Value) -> Result<Value, TypeFailure> {
        if value == .null { return .success(.null) }
        switch type {
        case .string, .version:
            if let text = Self.text(value) { return .success(.string(text)) }
            return .failure(failure("a string", value))
        case .number:
            if case .number = value { return .success(value) }
            return .failure(failure("a number", value))
        case .boolean:
            if case .bool = value { return .success(value) }
            return .failure(failure("true or false", value))
        case .timestamp:
            if case .string(let text) = value, Timestamp.seconds(parsing: text) != nil { return .success(value) }
            return .failure(
                TypeFailure(
                    code: .invalidTimestamp,
                    message: "\(Self.describe(value)) is not a timestamp; the catalog (\(location)) declares "
                        + "'\(name)' a timestamp, written \(Timestamp.expectedForm)"
                )
            )
        case .list:
            guard case .array(let items) = value else { return .failure(failure("a list of strings", value)) }
            var texts: [Value] = []
            texts.reserveCapacity(items.count)
            for item in items {
                guard let text = Self.text(item) else {
                    return .failure(
                        TypeFailure(
                            code: .wrongType,
                            message: "the list holds \(Self.describe(item)); the catalog (\(location)) declares "
                                + "'\(name)' a list of strings"
                        )
                    )
                }
                texts.append(.string(text))
            }
            return .success(.array(texts))
        }
    }

    /// A scalar's text: a string as it is, a number in JavaScript's form, a boolean as `true`/`false`.
    private static func text(_ value: Value) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): Self.text(of: number)
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// A finite number's text, in JavaScript's form below 2^63 and in Swift's above.
    static func text(of number: Double) -> String? {
        guard number.isFinite else { return nil }
        return number.magnitude < 0x1p63 ? number.javaScriptText : number.description
    }

    private func failure(_ expected: String, _ value: Value) -> TypeFailure {
        TypeFailure(
            code: .wrongType,
            message: "\(Self.describe(value)) is not \(expected); the catalog (\(location)) declares "
                + "'\(name)' \(type == .boolean ? "a boolean" : expected)"
                + (type == .number && Self.isNumeral(value) ? " (write the number without quotes)" : "")
        )
    }

    private static func isNumeral(_ value: Value) -> Bool {
        if case .string(let text) = value { return SourceNode.Scalar.isJSONNumber(text) }
        return false
    }

    /// A value for a message: `the string 'three'`, `the number 3`, `a list`.
    static func describe(_ value: Value) -> String {
        switch value {
        case .string(let text):
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            return "the string '\(shown)'"
        case .number(let number): return "the number \(text(of: number) ?? "\(number)")"
        case .bool(let flag): return "the boolean \(flag)"
        case .null: return "null"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }
}
