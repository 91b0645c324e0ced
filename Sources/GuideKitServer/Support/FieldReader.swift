import GuideKit

/// Reads the fields of one JSON object of a request body, naming each field by its path in errors.
///
/// ```swift
/// let body = try FieldReader(json, at: "")
/// try body.rejectUnknown(allowing: ["user", "context", "launch"])
/// let id = try body.object("user")?.requiredString("id")
/// ```
package struct FieldReader: Sendable {
    /// The object's path (`context`, `events[2]`); empty for the body itself.
    package var path: String { element.map { "\(base)[\($0)]" } ?? base }
    /// The path, or for an element of an array the array's path (then `element` is its index): the element's
    /// path is only written when an error names it.
    private let base: String
    private let element: Int?
    /// The object's members.
    package let members: [String: Value]

    /// Reads an object.
    ///
    /// - Throws: ``APIError`` when the value is not an object.
    package init(_ value: Value, at path: String) throws(APIError) {
        guard case .object(let members) = value else {
            if path.isEmpty { throw .badJSON("the body is \(value.typeName); send a JSON object") }
            throw .invalidField(path, "'\(path)' is \(value.typeName); it must be an object")
        }
        base = path
        element = nil
        self.members = members
    }

    /// Reads one element of an array of objects (`events[2]`).
    ///
    /// - Throws: ``APIError`` when the value is not an object.
    package init(_ value: Value, in array: String, at index: Int) throws(APIError) {
        guard case .object(let members) = value else {
            let path = "\(array)[\(index)]"
            throw .invalidField(path, "'\(path)' is \(value.typeName); it must be an object")
        }
        base = array
        element = index
        self.members = members
    }

    /// The path of a member: `context.page`.
    package func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Refuses members other than the allowed ones, suggesting the closest allowed name.
    package func rejectUnknown(allowing allowed: [String]) throws(APIError) {
        for key in members.keys.sorted() where !allowed.contains(key) {
            let hint = Suggestion.didYouMean(key, in: allowed).map { "; \($0)" } ?? ""
            let list = allowed.map { "'\($0)'" }.joined(separator: ", ")
            throw .unknownField(field(key), "'\(field(key))' is not a field here (known: \(list))\(hint)")
        }
    }

    /// A string member, `nil` when absent or null.
    ///
    /// A NUL character (`\u0000`) is refused: these strings are ids, names and texts the stores keep in text
    /// columns, which PostgreSQL's text cannot hold (the database would fail the request).
    package func string(_ key: String, maxLength: Int = 2_048) throws(APIError) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard text.utf8.count <= maxLength else {
                throw .invalidField(field(key), "'\(field(key))' is longer than \(maxLength) bytes")
            }
            guard !text.utf8.contains(0) else {
                throw .invalidField(field(key), "'\(field(key))' contains a NUL character (\\u0000); remove it")
            }
            return text
        case let other?: throw .invalidField(field(key), "'\(field(key))' is \(other.typeName); it must be a string")
        }
    }

    /// A string member that must be present and not empty.
    package func requiredString(_ key: String, maxLength: Int = 2_048) throws(APIError) -> String {
        guard let text = try string(key, maxLength: maxLength) else { throw .missingField(field(key)) }
        guard !text.isEmpty else { throw .invalidField(field(key), "'\(field(key))' is empty") }
        return text
    }

    /// An object member, `nil` when absent or null.
    package func object(_ key: String) throws(APIError) -> FieldReader? {
        switch members[key] {
        case nil, .null?: return nil
        case let value?: return try FieldReader(value, at: field(key))
        }
    }

    /// A Boolean member, `nil` when absent or null.
    package func bool(_ key: String) throws(APIError) -> Bool? {
        switch members[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw .invalidField(field(key), "'\(field(key))' is \(other.typeName); it must be a boolean")
        }
    }
}
