import Foundation
import GuideKit

/// The decide answer's JSON: `{"decision": {…} | null, "decisionId"}`, plus `verdicts` when explained.
///
/// The decision object is the one `guidekit simulate --format json` prints, so the two can be compared
/// field by field.
enum DecisionPayload {
    static func render(_ selection: Selection, user: String, explains: Bool) -> String {
        let simulated = (try? JSONValue.parse(Array(selection.renderJSON(user: user).utf8))) ?? .null
        var members: [String: JSONValue] = ["decisionId": .string(UUID().uuidString.lowercased())]
        guard case .object(let fields) = simulated else { return JSONValue.object(members).rendered }
        members["decision"] = selection.decision.guideID == nil ? .null : (fields["decision"] ?? .null)
        if explains { members["verdicts"] = fields["verdicts"] ?? .array([]) }
        return JSONValue.object(members).rendered
    }
}
