/// A step as the user reads it, with everything a front end needs to draw it without the guide's YAML: its
/// text in the user's locale (falling back to the language, then the project's default locale, then the
/// text as written) as Markdown and as safe HTML, its target and placement, its buttons with their actions,
/// what advances it, its position in the flow, its checklist items with their done state and its survey.
///
/// Encoded as the `step` of a decision (`Schemas/decision.schema.json`): every field is always present,
/// `null` or empty when the step has none.
public struct ResolvedStep: Sendable, Hashable, Codable {
    /// What pressing a button does, with what the front end needs to do it.
    ///
    /// Encoded as `{"type": "next"}`, `{"type": "snooze", "duration": "3d", "seconds": 259200}`,
    /// `{"type": "goto", "step": "<step-id>"}` or `{"type": "url", "url": "<link>"}`.
    public enum Action: Sendable, Hashable, Codable {
        /// Go to the next step (or follow the step's branches); the last step completes the guide.
        case next
        /// Go back to the previous step.
        case back
        /// Close the guide for good.
        case dismiss
        /// Close the guide and show it again after `duration` (the guide's `frequency.snooze`).
        case snooze(duration: GuideDuration)
        /// Finish the guide.
        case complete
        /// Go to the named step.
        case goto(step: String)
        /// Open a link; the guide stays on this step.
        case url(String)

        /// The action's name: `next`, `back`, `dismiss`, `snooze`, `complete`, `goto` or `url`.
        public var type: String {
            switch self {
            case .next: "next"
            case .back: "back"
            case .dismiss: "dismiss"
            case .snooze: "snooze"
            case .complete: "complete"
            case .goto: "goto"
            case .url: "url"
            }
        }

        /// The action of a button as written, with the guide's snooze time.
        ///
        /// - Parameters:
        ///   - action: the action as written.
        ///   - snooze: how long a snooze lasts.
        public init(_ action: ButtonAction, snooze: GuideDuration) {
            switch action {
            case .next: self = .next
            case .back: self = .back
            case .dismiss: self = .dismiss
            case .snooze: self = .snooze(duration: snooze)
            case .complete: self = .complete
            case .goto(let step): self = .goto(step: step.value)
            case .url(let link): self = .url(link)
            }
        }

        private enum CodingKeys: String, CodingKey {
            case type, duration, seconds, step, url
        }

        /// Encodes `{"type": …}` with the action's fields.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            switch self {
            case .snooze(let duration):
                try container.encode(duration.description, forKey: .duration)
                try container.encode(duration.seconds, forKey: .seconds)
            case .goto(let step): try container.encode(step, forKey: .step)
            case .url(let link): try container.encode(link, forKey: .url)
            case .next, .back, .dismiss, .complete: break
            }
        }

        /// Decodes `{"type": …}`; a snooze is read from `seconds`, else from `duration`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let type = try container.decode(String.self, forKey: .type)
            switch type {
            case "next": self = .next
            case "back": self = .back
            case "dismiss": self = .dismiss
            case "complete": self = .complete
            case "snooze":
                if let seconds = try container.decodeIfPresent(Int.self, forKey: .seconds), seconds >= 0 {
                    self = .snooze(duration: GuideDuration(seconds: seconds))
                } else if let text = try container.decodeIfPresent(String.self, forKey: .duration),
                    let duration = GuideDuration(parsing: text)
                {
                    self = .snooze(duration: duration)
                } else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .seconds,
                        in: container,
                        debugDescription: "a snooze needs 'seconds' (a whole number >= 0) or 'duration' (like 3d)"
                    )
                }
            case "goto": self = .goto(step: try container.decode(String.self, forKey: .step))
            case "url": self = .url(try container.decode(String.self, forKey: .url))
            default:
                throw DecodingError.dataCorruptedError(
                    forKey: .type,
                    in: container,
                    debugDescription:
                        "'\(type)' is not an action; expected next, back, dismiss, snooze, complete, goto or url"
                )
            }
        }
    }

    /// A button with its translated label and its action.
    public struct ResolvedButton: Sendable, Hashable, Codable {
        /// The label as written in the guide (what analytics, clicks and timelines use).
        public var label: String
        /// The label the user reads.
        public var text: String
        /// What pressing it does.
        public var action: Action

        /// Creates a button.
        public init(label: String, text: String, action: Action) {
            self.label = label
            self.text = text
            self.action = action
        }
    }

    /// A checklist item with its translated label and whether it is done.
    public struct ResolvedItem: Sendable, Hashable, Codable {
        /// The item's id.
        public var id: String
        /// The label the user reads.
        public var label: String
        /// Whether the item has a `done_when`.
        ///
        /// A required item ticks itself, and the checklist completes when every required item is done. An
        /// item without `done_when` is ticked by the user in the app and does not hold the checklist back.
        public var required: Bool
        /// Whether the item's `done_when` holds for the user now (always `false` without one).
        public var done: Bool

        /// Creates an item.
        public init(id: String, label: String, required: Bool, done: Bool) {
            self.id = id
            self.label = label
            self.required = required
            self.done = done
        }
    }

    /// What moves the step on without a button.
    ///
    /// Encoded as `{"event": …}`, `{"click": …}` or `{"page": …}`.
    public enum Advance: Sendable, Hashable, Codable {
        /// The named product event happened.
        case event(String)
        /// The user clicked an element matching the CSS selector.
        case click(String)
        /// The user reached a page matching the glob.
        case page(String)

        /// The rule of a step as written.
        ///
        /// - Parameter advance: the step's `advance_on`.
        public init(_ advance: AdvanceOn) {
            switch advance.kind {
            case .event(let name): self = .event(name.value)
            case .click(let selector): self = .click(selector)
            case .page(let glob): self = .page(glob)
            }
        }

        private enum CodingKeys: String, CodingKey {
            case event, click, page
        }

        /// Encodes the one key of the rule.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .event(let name): try container.encode(name, forKey: .event)
            case .click(let selector): try container.encode(selector, forKey: .click)
            case .page(let glob): try container.encode(glob, forKey: .page)
            }
        }

        /// Decodes an object with exactly one of `event`, `click` or `page`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let keys = container.allKeys
            guard keys.count == 1, let key = keys.first else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: decoder.codingPath,
                        debugDescription: "advance_on needs exactly one of 'event', 'click' or 'page'"
                    )
                )
            }
            let value = try container.decode(String.self, forKey: key)
            switch key {
            case .event: self = .event(value)
            case .click: self = .click(value)
            case .page: self = .page(value)
            }
        }
    }

    /// Where the step is in the user's flow (the guide's steps, or the variant's).
    public struct Position: Sendable, Hashable, Codable {
        /// The step's index in the flow, from 0.
        public var index: Int
        /// The number of steps in the flow (branches and skipped steps may show fewer).
        public var count: Int

        /// Creates a position.
        public init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }
    }

    /// The question of a survey step, translated.
    public struct ResolvedSurvey: Sendable, Hashable, Codable {
        /// The question.
        public var question: String?
        /// How the answer is given.
        public var scale: Survey.Scale?
        /// The choices of a `choice` scale, translated.
        public var choices: [String]

        /// Creates a survey.
        public init(question: String?, scale: Survey.Scale?, choices: [String]) {
            self.question = question
            self.scale = scale
            self.choices = choices
        }

        private enum CodingKeys: String, CodingKey {
            case question, scale, choices
        }

        /// Encodes every field, `null` when absent.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(question, forKey: .question)
            try container.encode(scale, forKey: .scale)
            try container.encode(choices, forKey: .choices)
        }
    }

    /// The step's id.
    public var id: String
    /// The step's kind.
    public var kind: Step.Kind
    /// The locale whose translation was used; `nil` for the text as written.
    public var locale: String?
    /// The title (Markdown source; inline only).
    public var title: String?
    /// The title as safe inline HTML (raw HTML escaped; only `http`, `https`, `mailto` and relative links kept).
    public var titleHTML: String?
    /// The body (Markdown source).
    public var body: String?
    /// The body as safe HTML (raw HTML escaped; only `http`, `https`, `mailto` and relative links kept).
    public var bodyHTML: String?
    /// The CSS selector the step points at.
    public var target: String?
    /// Where the step sits relative to its target; `nil` leaves it to the front end.
    public var placement: Step.Placement?
    /// The buttons, in order.
    public var buttons: [ResolvedButton]
    /// What moves the step on without a button.
    public var advanceOn: Advance?
    /// Where the step is in the flow.
    public var position: Position
    /// The checklist items (empty unless the step is a checklist).
    public var items: [ResolvedItem]
    /// The survey (`nil` unless the step is a survey).
    public var survey: ResolvedSurvey?

    /// The survey question, if any.
    public var question: String? { survey?.question }
    /// The survey choices, if any.
    public var choices: [String] { survey?.choices ?? [] }

    /// Whether the step is a checklist with at least one required item and all of its required items done.
    public var isFinishedChecklist: Bool {
        kind == .checklist && items.contains(where: \.required) && items.allSatisfy { !$0.required || $0.done }
    }

    /// Resolves a step's text for a locale.
    ///
    /// - Parameters:
    ///   - step: the step.
    ///   - guide: its guide (for translations and the snooze time).
    ///   - locale: the user's locale (`ja-JP`), if any.
    ///   - defaultLocale: the project's default locale.
    ///   - position: where the step is in the user's flow (default: its index in the guide's steps).
    ///   - doneItems: the ids of the checklist items whose `done_when` holds.
    public init(
        _ step: Step,
        of guide: Guide,
        locale: String?,
        defaultLocale: String?,
        position: Position? = nil,
        doneItems: Set<String> = []
    ) {
        var candidates: [String] = []
        if let locale {
            candidates.append(locale)
            if let dash = locale.firstIndex(where: { $0 == "-" || $0 == "_" }) {
                candidates.append(String(locale[..<dash]))
            }
        }
        if let defaultLocale { candidates.append(defaultLocale) }
        var chosen: (locale: String, text: Translation.StepText)?
        search: for candidate in candidates {
            for translation in guide.translations
            where translation.locale.value.caseInsensitiveCompare(candidate) == .orderedSame {
                if let text = translation.steps.first(where: { $0.stepID.value == step.id.value }) {
                    chosen = (translation.locale.value, text)
                    break search
                }
            }
        }
        let text = chosen?.text
        id = step.id.value
        kind = step.kind.value
        self.locale = chosen?.locale
        title = text?.title ?? step.title
        titleHTML = title.map(SafeMarkdown.inlineHTML)
        body = text?.body ?? step.body
        bodyHTML = body.map(SafeMarkdown.html)
        target = step.target?.value
        placement = step.placement
        var buttonText: [String: String] = [:]
        for (label, translated) in text?.buttons ?? [:] { buttonText[label.value] = translated }
        let snooze = guide.frequency?.snooze ?? GuideDuration(seconds: 86_400)
        buttons = step.buttons.map {
            ResolvedButton(
                label: $0.label.value,
                text: buttonText[$0.label.value] ?? $0.label.value,
                action: Action($0.action, snooze: snooze)
            )
        }
        advanceOn = step.advanceOn.map(Advance.init)
        self.position =
            position
            ?? Position(index: guide.steps.firstIndex { $0.id.value == step.id.value } ?? 0, count: guide.steps.count)
        var itemText: [String: String] = [:]
        for (item, translated) in text?.items ?? [:] { itemText[item.value] = translated }
        items = step.items.map {
            ResolvedItem(
                id: $0.id.value,
                label: itemText[$0.id.value] ?? $0.label,
                required: $0.doneWhen != nil,
                done: $0.doneWhen != nil && doneItems.contains($0.id.value)
            )
        }
        if let survey = step.survey {
            self.survey = ResolvedSurvey(
                question: text?.question ?? survey.question,
                scale: survey.scale,
                choices: text?.choices?.value ?? survey.choices
            )
        } else {
            self.survey = nil
        }
    }

    private enum CodingKeys: String, CodingKey {
        case id, kind, locale, title
        case titleHTML = "title_html"
        case body
        case bodyHTML = "body_html"
        case target, placement, buttons
        case advanceOn = "advance_on"
        case position, items, survey
    }

    /// Encodes every field, `null` when absent, in a fixed order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(locale, forKey: .locale)
        try container.encode(title, forKey: .title)
        try container.encode(titleHTML, forKey: .titleHTML)
        try container.encode(body, forKey: .body)
        try container.encode(bodyHTML, forKey: .bodyHTML)
        try container.encode(target, forKey: .target)
        try container.encode(placement, forKey: .placement)
        try container.encode(buttons, forKey: .buttons)
        try container.encode(advanceOn, forKey: .advanceOn)
        try container.encode(position, forKey: .position)
        try container.encode(items, forKey: .items)
        try container.encode(survey, forKey: .survey)
    }
}
