import Foundation

/// Something a user or the app does that changes a user state: a guide action, an app event, a click or a
/// page visit.
public enum GuideAction: Sendable, Hashable {
    /// The guide is shown at the step (a new show unless it is in progress).
    case show(guide: String, step: String, variant: String?)
    /// *Next* on the guide's current step (its branches, else the next step; the last one completes).
    case next(guide: String)
    /// *Back* to the step before.
    case back(guide: String)
    /// To the named step.
    case goto(guide: String, step: String)
    /// The user finished the current step (as *next*).
    case completeStep(guide: String)
    /// The user finished the guide.
    case complete(guide: String)
    /// The user closed the guide for good.
    case dismiss(guide: String)
    /// The user put the guide off for its snooze time.
    case snooze(guide: String)
    /// The app tracked a product event (`events.<name>`; moves steps waiting for it).
    case event(String)
    /// A click on a button (by its label, as written or as translated) of the guide's current step, or
    /// on an element matching a step's `advance_on.click` selector.
    case click(String, guide: String?)
    /// The user went to a page (moves steps waiting for it).
    case visit(String)
}
