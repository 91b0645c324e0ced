/// When a guide starts: on a page, after an event, or only when launched by id.
public struct Trigger: Sendable, Hashable {
    /// The kind of trigger.
    public enum Kind: Sendable, Hashable {
        /// On pages whose path matches one of the globs (`*` one segment, `**` any number).
        case page([Located<String>])
        /// Right after the named event happened.
        case event(Located<String>)
        /// Only when the app launches the guide by id.
        case manual
    }

    /// The kind of trigger.
    public var kind: Kind
    /// Where the `trigger` mapping is.
    public var location: SourceLocation

    /// Creates a trigger.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}
