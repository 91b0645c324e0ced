import Crypto
import Foundation
import GuideKit

/// Turns one event object of a `POST /v1/events` body into the record the store keeps, or says why not.
///
/// Guide events are the event log format `guidekit report` reads (`Schemas/event.schema.json`); product
/// events are `{"type": "track", "event": "project_created", "user", "ts"}`. An event without an `id` gets
/// one derived from its fields, so a retry of the same event is a duplicate either way.
package enum EventInput {
    /// The longest id, user id, guide id, step or event name accepted.
    package static let maxIdentifierLength = 256
    /// The largest event accepted, as JSON.
    package static let maxEventBytes = 16_384
    /// The type of the event the web SDK sends when a step's target never appeared.
    package static let targetMissing = "step_target_missing"

    /// Checks and converts one event.
    ///
    /// - Parameters:
    ///   - value: the event object.
    ///   - index: its place in `events`, for field paths.
    ///   - guides: the serving guide set (known guides must name their own steps).
    /// - Returns: the record to store.
    /// - Throws: ``APIError`` naming the field at fault.
    package static func read(_ value: Value, at index: Int, guides: GuideSet) throws(APIError) -> StoredEvent {
        let event = try FieldReader(value, in: "events", at: index)
        let type = try event.requiredString("type", maxLength: 64)
        let user = try event.requiredString("user", maxLength: maxIdentifierLength)
        let tsText = try event.requiredString("ts", maxLength: 64)
        // A timestamp that parses is ASCII: its UTF-8 count is its length.
        guard let time = Timestamp.seconds(parsing: tsText), tsText.utf8.count > 10 else {
            throw .invalidField(
                event.field("ts"),
                "'\(event.field("ts"))' is '\(tsText)', not an ISO 8601 date-time with a zone such as 2026-11-01T10:00:00Z"
            )
        }
        let givenID = try event.string("id", maxLength: maxIdentifierLength)
        if givenID?.isEmpty == true { throw .invalidField(event.field("id"), "'\(event.field("id"))' is empty") }
        let stored: StoredEvent
        if type == "track" {
            let name = try event.requiredString("event", maxLength: maxIdentifierLength)
            if let mapped = GuideEventType(segmentEventName: name) {
                throw .invalidField(
                    event.field("event"),
                    "'\(name)' is a Segment guide event; send guide events as {\"type\": \"\(mapped.rawValue)\", …}"
                )
            }
            if let properties = event.members["properties"], case .object = properties {
            } else if event.members["properties"] != nil {
                throw .invalidField(event.field("properties"), "'\(event.field("properties"))' must be an object")
            }
            let id = givenID ?? derivedID(["track", user, tsText, name])
            stored = StoredEvent(id: id, user: user, time: time, type: type, name: name, line: "")
        } else if GuideEventType(rawValue: type) != nil || type == Self.targetMissing {
            // step_target_missing (the web SDK found no element for a step's target) is stored and exported, and
            // changes no progress: the step was not shown.
            let requiresStep = GuideEventType(rawValue: type)?.requiresStep ?? true
            let guide = try event.requiredString("guide", maxLength: maxIdentifierLength)
            let version = try readVersion(event)
            let step = try event.string("step", maxLength: maxIdentifierLength)
            let variant = try event.string("variant", maxLength: maxIdentifierLength)
            if requiresStep && (step ?? "").isEmpty { throw .missingField(event.field("step")) }
            if let step, let compiled = guides.compiled[guide] {
                let known = compiled.guide.stepLists.flatMap { $0 }.map(\.id.value)
                guard known.contains(step) else {
                    let hint = Suggestion.didYouMean(step, in: known).map { "; \($0)" } ?? ""
                    throw .invalidField(event.field("step"), "'\(guide)' has no step '\(step)'\(hint)")
                }
            }
            let id = givenID ?? derivedID([type, user, tsText, guide, String(version), step ?? ""])
            stored = StoredEvent(
                id: id,
                user: user,
                time: time,
                type: type,
                guide: guide,
                version: version,
                step: step,
                variant: variant,
                line: ""
            )
        } else if type == "exposure" {
            throw .invalidField(
                event.field("type"),
                "exposure events are recorded by the server when it decides; do not send them"
            )
        } else {
            let known = GuideEventType.allCases.map(\.rawValue) + ["track", Self.targetMissing]
            let hint = Suggestion.didYouMean(type, in: known).map { "; \($0)" } ?? ""
            throw .invalidField(
                event.field("type"),
                "'\(type)' is not an event type (\(known.joined(separator: ", ")))\(hint)"
            )
        }
        var result = stored
        // The event as sent, with its id (given or derived), keys sorted.
        var line = JSONByteWriter(capacity: 256, nonFiniteAsNull: true)
        line.object(event.members, setting: "id", to: .string(stored.id))
        result.line = line.text
        guard result.line.utf8.count <= maxEventBytes else {
            throw .invalidField(event.path, "the event is larger than \(maxEventBytes) bytes")
        }
        return result
    }

    /// An exposure: the variant (or holdout) a user was assigned in an experiment, recorded once per guide
    /// version.
    package static func exposure(
        user: String,
        guide: String,
        version: Int,
        variant: String,
        at time: Date
    ) -> StoredEvent {
        let id = "exposure-" + derivedID([user, guide, String(version)])
        let ts = Timestamp.string(from: time)
        let line = Value.object([
            "type": .string("exposure"), "guide": .string(guide), "version": .number(Double(version)),
            "variant": .string(variant), "user": .string(user), "ts": .string(ts), "id": .string(id),
        ])
        .rendered
        return StoredEvent(
            id: id,
            user: user,
            time: time.timeIntervalSince1970,
            type: "exposure",
            guide: guide,
            version: version,
            variant: variant,
            line: line
        )
    }

    private static func readVersion(_ event: FieldReader) throws(APIError) -> Int {
        let field = event.field("version")
        switch event.members["version"] {
        case nil, .null?: throw .missingField(field)
        case .number(let number)? where number >= 1 && number == number.rounded() && number < 1e9:
            return Int(number)
        case .string(let text)? where Int(text).map { $0 >= 1 && $0 < 1_000_000_000 } ?? false:
            return Int(text) ?? 1
        case let other?:
            throw .invalidField(field, "'\(field)' is \(other.rendered.prefix(40)); it must be a whole number ≥ 1")
        }
    }

    /// A stable id from an event's fields: `h-` and 24 hex digits of their SHA-256.
    private static func derivedID(_ parts: [String]) -> String {
        let digest = SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8))
        return "h-" + digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
