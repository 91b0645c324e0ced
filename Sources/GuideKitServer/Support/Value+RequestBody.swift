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

    /// Compact JSON with sorted keys (NaN and the infinities, which no request body holds, as `null`).
    package var rendered: String {
        var writer = JSONByteWriter(capacity: 128, nonFiniteAsNull: true)
        writer.value(self)
        return writer.text
    }
}
