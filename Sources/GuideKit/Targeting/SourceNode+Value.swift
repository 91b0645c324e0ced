extension SourceNode {
    /// The node read as JSON would read it (YAML 1.2 core schema).
    ///
    /// A quoted scalar is a string; a plain scalar is `null` (`null`, `~` or empty), a boolean (`true`, `false`, in any of YAML 1.2's
    /// spellings), a number when it is a JSON number, else a string. Mappings keep the first of duplicate
    /// keys.
    package var jsonValue: Value {
        switch content {
        case .scalar(let scalar): return scalar.jsonValue
        case .sequence(let items): return .array(items.map(\.jsonValue))
        case .mapping(let pairs):
            var members: [String: Value] = [:]
            for pair in pairs {
                let key = pair.key.scalarText ?? ""
                if members[key] == nil { members[key] = pair.value.jsonValue }
            }
            return .object(members)
        }
    }

    /// The scalar's text, or `nil` for a sequence or mapping.
    package var scalarText: String? {
        if case .scalar(let scalar) = content { return scalar.text }
        return nil
    }

    /// A node for a value: strings quoted, numbers in JavaScript's form, object keys sorted.
    ///
    /// - Parameters:
    ///   - value: the value.
    ///   - location: the place to give every node.
    init(_ value: Value, at location: SourceLocation) {
        switch value {
        case .null: self.init(.scalar(Scalar(text: "null", isPlain: true)), at: location)
        case .bool(let flag): self.init(.scalar(Scalar(text: flag ? "true" : "false", isPlain: true)), at: location)
        case .number(let number): self.init(.scalar(Scalar(text: number.javaScriptText, isPlain: true)), at: location)
        case .string(let text): self.init(.scalar(Scalar(text: text, isPlain: false)), at: location)
        case .array(let items): self.init(.sequence(items.map { SourceNode($0, at: location) }), at: location)
        case .object(let members):
            let pairs = members.keys.sorted().map { key in
                Pair(
                    key: SourceNode(.scalar(Scalar(text: key, isPlain: false)), at: location),
                    value: SourceNode(members[key] ?? .null, at: location)
                )
            }
            self.init(.mapping(pairs), at: location)
        }
    }
}

extension SourceNode.Scalar {
    /// The scalar read as JSON would read it; see ``SourceNode/jsonValue``.
    package var jsonValue: Value {
        guard isPlain, tag == nil || tag == "?" else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default:
            if Self.isJSONNumber(text), let number = Double(text) { return .number(number) }
            return .string(text)
        }
    }

    /// `true` when `text` is a number in JSON's grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    static func isJSONNumber(_ text: String) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ isJSONNumber(bytes: $0) }) { return result }
        return Array(text.utf8).withUnsafeBufferPointer { isJSONNumber(bytes: $0) }
    }

    /// ``isJSONNumber(_:)`` on UTF-8 bytes, read in place.
    static func isJSONNumber(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == 0x2D { index += 1 }
        guard index < bytes.count else { return false }
        if bytes[index] == 0x30 {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }
}
