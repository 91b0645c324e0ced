extension OrderedJSON {
    /// The JSON of an `Encodable` value with its object members in the order `encode(to:)` writes them, so
    /// the command line prints a ``Decision`` exactly as its `Codable` conformance defines it.
    ///
    /// - Parameter value: the value.
    /// - Returns: its JSON.
    /// - Throws: what the value's `encode(to:)` throws.
    static func encoding(_ value: some Encodable) throws -> OrderedJSON {
        let box = Box()
        try value.encode(to: TreeEncoder(box: box, codingPath: []))
        return box.resolved
    }

    /// A value being built: empty, a finished value, or an object or array whose members are still built.
    fileprivate final class Box {
        enum Content {
            case empty
            case value(OrderedJSON)
            case object([(String, Box)])
            case array([Box])
        }

        var content = Content.empty

        var resolved: OrderedJSON {
            switch content {
            case .empty: return .object([])
            case .value(let value): return value
            case .object(let members): return .object(members.map { ($0.0, $0.1.resolved) })
            case .array(let items): return .array(items.map(\.resolved))
            }
        }

        func makeObject() {
            if case .object = content { return }
            content = .object([])
        }

        func makeArray() {
            if case .array = content { return }
            content = .array([])
        }

        /// The member box for `key` (a repeated key replaces the earlier value in place).
        func member(_ key: String) -> Box {
            makeObject()
            guard case .object(var members) = content else { return Box() }
            let box = Box()
            if let index = members.firstIndex(where: { $0.0 == key }) {
                members[index].1 = box
            } else {
                members.append((key, box))
            }
            content = .object(members)
            return box
        }

        /// A new last element.
        func element() -> Box {
            makeArray()
            guard case .array(var items) = content else { return Box() }
            let box = Box()
            items.append(box)
            content = .array(items)
            return box
        }

        var count: Int {
            if case .array(let items) = content { return items.count }
            return 0
        }

        func set(_ value: some Encodable, codingPath: [any CodingKey]) throws {
            switch value {
            case let text as String: content = .value(.string(text))
            case let flag as Bool: content = .value(.bool(flag))
            case let number as Double: content = .value(.number(number))
            case let number as Float: content = .value(.number(Double(number)))
            case let number as Int: content = .value(.number(Double(number)))
            case let number as Int64: content = .value(.number(Double(number)))
            case let number as Int32: content = .value(.number(Double(number)))
            case let number as UInt: content = .value(.number(Double(number)))
            case let number as UInt64: content = .value(.number(Double(number)))
            case let number as UInt32: content = .value(.number(Double(number)))
            default: try value.encode(to: TreeEncoder(box: self, codingPath: codingPath))
            }
        }
    }

    private struct TreeEncoder: Encoder {
        let box: Box
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            box.makeObject()
            return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            box.makeArray()
            return Unkeyed(box: box, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            Single(box: box, codingPath: codingPath)
        }
    }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { box.member(key.stringValue).content = .value(.null) }

        mutating func encode(_ value: some Encodable, forKey key: Key) throws {
            try box.member(key.stringValue).set(value, codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = box.member(key.stringValue)
            child.makeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(box: child, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = box.member(key.stringValue)
            child.makeArray()
            return Unkeyed(box: child, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            TreeEncoder(box: box.member("super"), codingPath: codingPath)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            TreeEncoder(box: box.member(key.stringValue), codingPath: codingPath + [key])
        }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let box: Box
        let codingPath: [any CodingKey]
        var count: Int { box.count }

        mutating func encodeNil() throws { box.element().content = .value(.null) }

        mutating func encode(_ value: some Encodable) throws {
            try box.element().set(value, codingPath: codingPath)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = box.element()
            child.makeObject()
            return KeyedEncodingContainer(Keyed<NestedKey>(box: child, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = box.element()
            child.makeArray()
            return Unkeyed(box: child, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder {
            TreeEncoder(box: box.element(), codingPath: codingPath)
        }
    }

    private struct Single: SingleValueEncodingContainer {
        let box: Box
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { box.content = .value(.null) }

        mutating func encode(_ value: some Encodable) throws {
            try box.set(value, codingPath: codingPath)
        }
    }
}
