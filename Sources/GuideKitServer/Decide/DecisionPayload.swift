import Foundation
import GuideKit

/// The decide answer's JSON: `{"decision": {…} | null, "decisionId"}`, plus `verdicts` when explained.
///
/// The decision object is ``GuideKit/Decision`` in its `Codable` shape, the one `guidekit simulate
/// --format json` prints, so the two can be compared byte for byte.
enum DecisionPayload {
    static func render(_ selection: Selection, user: String, explains: Bool) -> String {
        let decision = selection.decision.guideID == nil ? "null" : selection.decision.renderJSON()
        var text = #"{"decision":\#(decision),"decisionId":"\#(UUID().uuidString.lowercased())""#
        if explains {
            let simulated = (try? Value.parse(Array(selection.renderJSON(user: user).utf8))) ?? .null
            if case .object(let fields) = simulated {
                text += #","verdicts":\#((fields["verdicts"] ?? .array([])).rendered)"#
            }
        }
        return text + "}"
    }
}
