/// The question of a survey step.
public struct Survey: Sendable, Hashable {
    /// How the answer is given.
    public enum Scale: String, Sendable, Hashable, CaseIterable, Codable {
        /// Net Promoter Score, 0–10.
        case nps
        /// A rating from 1 to 5.
        case oneToFive = "1-5"
        /// A rating from 1 to 10.
        case oneToTen = "1-10"
        /// One of the listed `choices`.
        case choice
    }

    /// The question.
    public var question: String?
    /// How the answer is given.
    public var scale: Scale?
    /// The choices of a `choice` scale.
    public var choices: [String]
    /// Where the `choices` field is, if present.
    public var choicesLocation: SourceLocation?

    /// Creates a survey.
    public init(
        question: String? = nil,
        scale: Scale? = nil,
        choices: [String] = [],
        choicesLocation: SourceLocation? = nil
    ) {
        self.question = question
        self.scale = scale
        self.choices = choices
        self.choicesLocation = choicesLocation
    }
}
