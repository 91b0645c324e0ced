/// What moves a user to the next step without a button.
public struct AdvanceOn: Sendable, Hashable {
    /// The kind of signal.
    public enum Kind: Sendable, Hashable {
        /// The named event happened.
        case event(Located<String>)
        /// The user clicked an element matching the CSS selector.
        case click(String)
        /// The user reached a page matching the glob.
        case page(String)
    }

    /// The kind of signal.
    public var kind: Kind
    /// Where the `advance_on` mapping is.
    public var location: SourceLocation

    /// Creates an advance rule.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}
