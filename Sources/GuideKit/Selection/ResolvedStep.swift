/// A step as the user reads it: its text in the user's locale (falling back to the language, then the
/// project's default locale, then the text as written).
public struct ResolvedStep: Sendable, Hashable {
    /// A button with its translated label.
    public struct ResolvedButton: Sendable, Hashable {
        /// The label as written in the guide (what analytics and timelines use).
        public var label: String
        /// The label the user reads.
        public var text: String
        /// What pressing it does.
        public var action: ButtonAction
    }

    /// A checklist item with its translated label.
    public struct ResolvedItem: Sendable, Hashable {
        /// The item's id.
        public var id: String
        /// The label the user reads.
        public var label: String
    }

    /// The step's id.
    public var id: String
    /// The step's kind.
    public var kind: Step.Kind
    /// The locale whose translation was used; `nil` for the text as written.
    public var locale: String?
    /// The title.
    public var title: String?
    /// The body (Markdown).
    public var body: String?
    /// The survey question.
    public var question: String?
    /// The survey choices.
    public var choices: [String]
    /// The buttons.
    public var buttons: [ResolvedButton]
    /// The checklist items.
    public var items: [ResolvedItem]
    /// The CSS selector the step points at.
    public var target: String?

    /// Resolves a step's text for a locale.
    ///
    /// - Parameters:
    ///   - step: the step.
    ///   - guide: its guide (for translations).
    ///   - locale: the user's locale (`ja-JP`), if any.
    ///   - defaultLocale: the project's default locale.
    public init(_ step: Step, of guide: Guide, locale: String?, defaultLocale: String?) {
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
        body = text?.body ?? step.body
        question = text?.question ?? step.survey?.question
        choices = text?.choices?.value ?? step.survey?.choices ?? []
        var buttonText: [String: String] = [:]
        for (label, translated) in text?.buttons ?? [:] { buttonText[label.value] = translated }
        buttons = step.buttons.map {
            ResolvedButton(label: $0.label.value, text: buttonText[$0.label.value] ?? $0.label.value, action: $0.action)
        }
        var itemText: [String: String] = [:]
        for (item, translated) in text?.items ?? [:] { itemText[item.value] = translated }
        items = step.items.map { ResolvedItem(id: $0.id.value, label: itemText[$0.id.value] ?? $0.label) }
        target = step.target?.value
    }
}
