/// One step of a guide: a modal, tooltip, hotspot, banner, checklist or survey.
public struct Step: Sendable, Hashable {
    /// What a step looks like.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// A dialog over the page.
        case modal
        /// A bubble pointing at an element.
        case tooltip
        /// A pulsing dot on an element that opens a tooltip.
        case hotspot
        /// A bar at the top or bottom of the page.
        case banner
        /// A list of tasks the user ticks off.
        case checklist
        /// A question.
        case survey

        /// Whether the kind points at an element and so needs a `target`.
        public var needsTarget: Bool { self == .tooltip || self == .hotspot }
    }

    /// Where a tooltip or hotspot sits relative to its target.
    public enum Placement: String, Sendable, Hashable, CaseIterable, Codable {
        /// Above.
        case top
        /// Below.
        case bottom
        /// To the left.
        case left
        /// To the right.
        case right
        /// Centred on the page.
        case center
        /// Wherever fits.
        case auto
    }

    /// The step's id, unique in the guide.
    public var id: Located<String>
    /// What the step looks like.
    public var kind: Located<Kind>
    /// The title.
    public var title: String?
    /// The body, in Markdown.
    public var body: String?
    /// The CSS selector of the element the step points at.
    public var target: Located<String>?
    /// Where the step sits relative to its target.
    public var placement: Placement?
    /// The buttons, in order.
    public var buttons: [Button]
    /// What moves the user to the next step without a button.
    public var advanceOn: AdvanceOn?
    /// A condition, as written: the step is skipped when it is false.
    package var when: SourceNode?
    /// Branches, first match wins; empty means the next step in order.
    public var next: [Branch]
    /// Checklist items.
    public var items: [ChecklistItem]
    /// The survey question, scale and choices.
    public var survey: Survey?
    /// Where the step is.
    public var location: SourceLocation

    /// Creates a step.
    package init(
        id: Located<String>,
        kind: Located<Kind>,
        title: String? = nil,
        body: String? = nil,
        target: Located<String>? = nil,
        placement: Placement? = nil,
        buttons: [Button] = [],
        advanceOn: AdvanceOn? = nil,
        when: SourceNode? = nil,
        next: [Branch] = [],
        items: [ChecklistItem] = [],
        survey: Survey? = nil,
        at location: SourceLocation
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.body = body
        self.target = target
        self.placement = placement
        self.buttons = buttons
        self.advanceOn = advanceOn
        self.when = when
        self.next = next
        self.items = items
        self.survey = survey
        self.location = location
    }

    /// Whether the step shows text that a translation should cover.
    public var hasText: Bool {
        title != nil || body != nil || !buttons.isEmpty || !items.isEmpty || survey?.question != nil
    }
}
