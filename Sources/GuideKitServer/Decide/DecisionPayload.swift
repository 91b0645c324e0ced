import Foundation
import GuideKit
import Synchronization

/// The decide answer's JSON: `{"decision": {…} | null, "decisionId"}`, plus `verdicts` when explained.
///
/// The decision object is ``GuideKit/Decision`` in its `Codable` shape, the one `guidekit simulate
/// --format json` prints, so the two can be compared byte for byte.
enum DecisionPayload {
    /// Decisions rendered already: users on the same step get the same decision object, so its JSON is made
    /// once (at most ``memoLimit`` kept; emptied when full).
    private static let memo = Mutex<[Decision: String]>([:])
    private static let memoLimit = 1_024

    static func render(_ selection: Selection, user: String, explains: Bool) -> String {
        let decision = selection.decision.guideID == nil ? "null" : json(of: selection.decision)
        var text = #"{"decision":\#(decision),"decisionId":"\#(DecisionID.next())""#
        if explains {
            let simulated = (try? Value.parse(Array(selection.renderJSON(user: user).utf8))) ?? .null
            if case .object(let fields) = simulated {
                text += #","verdicts":\#((fields["verdicts"] ?? .array([])).rendered)"#
            }
        }
        return text + "}"
    }

    /// The decision's JSON, as ``GuideKit/Decision/renderJSON(pretty:)`` writes it.
    static func json(of decision: Decision) -> String {
        if let json = memo.withLock({ $0[decision] }) { return json }
        let json = decision.renderJSON()
        memo.withLock { memo in
            if memo.count >= memoLimit { memo.removeAll() }
            memo[decision] = json
        }
        return json
    }
}
