/// A guide's step text in one locale (`locales.<locale>`).
public struct Translation: Sendable, Hashable {
    /// The translated text of one step (`locales.<locale>.steps.<step-id>`).
    public struct StepText: Sendable, Hashable {
        /// The id of the translated step.
        public var stepID: Located<String>
        /// The title.
        public var title: String?
        /// The body.
        public var body: String?
        /// The survey question.
        public var question: String?
        /// The survey choices, in the step's order.
        public var choices: Located<[String]>?
        /// Button labels: the original label and its translation.
        public var buttons: [Located<String>: String]
        /// Checklist item labels, by item id.
        public var items: [Located<String>: String]

        /// Creates a step translation.
        public init(
            stepID: Located<String>,
            title: String? = nil,
            body: String? = nil,
            question: String? = nil,
            choices: Located<[String]>? = nil,
            buttons: [Located<String>: String] = [:],
            items: [Located<String>: String] = [:]
        ) {
            self.stepID = stepID
            self.title = title
            self.body = body
            self.question = question
            self.choices = choices
            self.buttons = buttons
            self.items = items
        }
    }

    /// The locale (`ja`, `pt-BR`).
    public var locale: Located<String>
    /// The translated steps, in file order.
    public var steps: [StepText]

    /// Creates a translation.
    public init(locale: Located<String>, steps: [StepText] = []) {
        self.locale = locale
        self.steps = steps
    }
}
