import Foundation

/// A `TrackedGuideEvent` encodes as a line of a guide event log (`Schemas/event.schema.json`) without its
/// `user`, which belongs to the state the event was tracked for: `ts` (UTC, ISO 8601), `guide`,
/// `version`, `step`, `type` and `variant`. Add `user` to make a log line; decoding ignores `user`, `id`,
/// `session` and any other property a log line may carry.
///
/// ```swift
/// let line = try JSONEncoder().encode(event)
/// // {"ts":"2026-11-23T10:00:00Z","guide":"welcome-tour","version":3,"step":"welcome","type":"step_viewed"}
/// ```
extension TrackedGuideEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case ts, guide, version, step, type, variant
    }

    /// Decodes an event log line's guide fields; `version` may be a whole number or a string of digits.
    ///
    /// - Throws: `DecodingError` naming the field that is missing or malformed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .ts)
        guard let time = Timestamp.date(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .ts,
                in: container,
                debugDescription: "'\(text)' is not \(Timestamp.expectedForm)"
            )
        }
        var version: Int?
        if let number = try? container.decodeIfPresent(Int.self, forKey: .version) {
            version = number
        } else if let digits = try container.decodeIfPresent(String.self, forKey: .version) {
            guard let number = Int(digits), number >= 1 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .version,
                    in: container,
                    debugDescription: "'version' must be a whole number ≥ 1"
                )
            }
            version = number
        }
        self.init(
            try container.decode(Name.self, forKey: .type),
            at: time,
            guide: try container.decode(String.self, forKey: .guide),
            version: version,
            step: try container.decodeIfPresent(String.self, forKey: .step),
            variant: try container.decodeIfPresent(String.self, forKey: .variant)
        )
    }

    /// Encodes the event; absent fields are left out.
    ///
    /// - Throws: the encoder's error.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Timestamp.string(from: time), forKey: .ts)
        try container.encode(guideID, forKey: .guide)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encodeIfPresent(step, forKey: .step)
        try container.encode(name, forKey: .type)
        try container.encodeIfPresent(variant, forKey: .variant)
    }
}

extension GuideEventType: Codable {}
