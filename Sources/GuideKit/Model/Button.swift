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
