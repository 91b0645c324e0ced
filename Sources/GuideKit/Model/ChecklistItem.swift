/// A task in a checklist step.
public struct ChecklistItem: Sendable, Hashable {
    /// The item's id, unique in the step.
    public var id: Located<String>
    /// The text shown.
    public var label: String
    /// A condition, as written, that ticks the item; `nil` means the user ticks it.
    package var doneWhen: SourceNode?
    /// Where the item is.
    public var location: SourceLocation

    /// Creates an item.
    package init(id: Located<String>, label: String, doneWhen: SourceNode? = nil, at location: SourceLocation) {
        self.id = id
        self.label = label
        self.doneWhen = doneWhen
        self.location = location
    }
}
