/// A branch after a step: go to `goto` when `when` holds (or always, when there is no `when`).
public struct Branch: Sendable, Hashable {
    /// The condition, as written; `nil` makes the branch the default.
    package var when: SourceNode?
    /// The step to go to.
    public var goto: Located<String>
    /// Where the branch is.
    public var location: SourceLocation

    /// Creates a branch.
    package init(when: SourceNode? = nil, goto: Located<String>, at location: SourceLocation) {
        self.when = when
        self.goto = goto
        self.location = location
    }
}
