import Foundation
import GuideKit

/// A request body is read as the engine's ``Value`` (by ``JSONBodyParser``, which accepts what `JSONDecoder`
/// does) before the route checks its fields: decoding keeps every field so that unknown ones can be named in an error;
/// ``rendered`` writes compact JSON with the keys sorted, so stored event lines are the same bytes whichever
/// order a client used.
extension Value {
    /// Parses JSON bytes.
    ///
    /// - Throws: ``APIError/badJSON(_:)`` naming the problem.
    package static func parse(_ bytes: [UInt8]) throws(APIError) -> Value {
        guard !bytes.isEmpty else { throw .badJSON("the body is empty; send a JSON object") }
        do {
            return try JSONBodyParser.parse(bytes)
        } catch {
            throw .badJSON(
                "the body is not valid JSON (\(error.reason) at byte \(error.offset)); "
                    + "send a JSON object with Content-Type: application/json"
            )
        }
    }

    /// The name of the value's JSON type, for error messages.
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Compact JSON with sorted keys.
    package var rendered: String {
        var output = ""
        render(into: &output)
        return output
    }

    package func render(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value): output += Self.jsonNumber(value)
        case .string(let value): output += JSONString.quoted(value)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.render(into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                output += JSONString.quoted(key) + ":"
                members[key]?.render(into: &output)
            }
            output += "}"
        }
    }

    /// A number as JSON: whole numbers without a fraction.
    package static func jsonNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
