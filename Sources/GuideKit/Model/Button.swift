/// A button on a step.
public struct Button: Sendable, Hashable {
    /// The button's text.
    public var label: Located<String>
    /// What pressing it does.
    public var action: ButtonAction
    /// Where the button is.
    public var location: SourceLocation

    /// Creates a button.
    public init(label: Located<String>, action: ButtonAction, at location: SourceLocation) {
        self.label = label
        self.action = action
        self.location = location
    }
}

/// What pressing a button does.
public enum ButtonAction: Sendable, Hashable {
    /// Go to the next step (or follow the step's branches).
    case next
    /// Go back to the previous step.
    case back
    /// Close the guide for good.
    case dismiss
    /// Close the guide and show it again after the snooze time.
    case snooze
    /// Finish the guide.
    case complete
    /// Go to the named step.
    case goto(Located<String>)
    /// Open a link; the guide stays on this step.
    case url(String)

    /// The names of the actions written as a plain word.
    public static let keywords = ["next", "back", "dismiss", "snooze", "complete"]
}
