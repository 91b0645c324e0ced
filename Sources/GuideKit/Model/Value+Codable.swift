import Foundation

/// A `Value` encodes as the JSON value it is (`null`, `true`, `3`, `"trial"`, `[…]`, `{…}`) and decodes
/// from any of them.
///
/// ```swift
/// let value = try JSONDecoder().decode(Value.self, from: Data(#"{"plan": "trial", "seats": 3}"#.utf8))
/// // .object(["plan": .string("trial"), "seats": .number(3)])
/// ```
extension Value: Codable {
    /// Decodes a JSON value of any type.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when the decoder holds something no JSON value is.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([Value].self) {
            self = .array(array)
        } else if let object = try? container.decode([String: Value].self) {
            self = .object(object)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a JSON value: null, a boolean, a number, a string, an array or an object"
            )
        }
    }

    /// Encodes the JSON value.
    ///
    /// - Throws: the encoder's error (`JSONEncoder` refuses a number that is not finite).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let bool): try container.encode(bool)
        case .number(let number): try container.encode(number)
        case .string(let string): try container.encode(string)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }
}
