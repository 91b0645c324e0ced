extension NodeReader {
    /// Reads a guide's `locales`: `{<locale>: {steps: {<step-id>: {title, body, …}}}}`.
    mutating func translations(from node: SourceNode) -> [Translation] {
        var result: [Translation] = []
        for (locale, value) in entries(node, field: "locales", of: "locales to translations") ?? [] {
            checkLocale(locale)
            guard let fields = fields(of: value, what: "a translation", field: locale.value, known: ["steps"]) else {
                continue
            }
            var translation = Translation(locale: locale)
            if let stepsNode = fields["steps"] {
                for (stepID, text) in entries(stepsNode, field: "steps", of: "step ids to text") ?? [] {
                    if let step = stepText(stepID, from: text) { translation.steps.append(step) }
                }
            }
            result.append(translation)
        }
        return result
    }

    private mutating func stepText(_ stepID: Located<String>, from node: SourceNode) -> Translation.StepText? {
        let known = ["title", "body", "question", "choices", "buttons", "items"]
        guard let fields = fields(of: node, what: "a step translation", field: stepID.value, known: known) else {
            return nil
        }
        var text = Translation.StepText(stepID: stepID)
        text.title = string(fields["title"], field: "title")?.value
        text.body = string(fields["body"], field: "body")?.value
        text.question = string(fields["question"], field: "question")?.value
        if let choices = fields["choices"], let list = strings(choices, field: "choices") {
            text.choices = Located(list.map(\.value), at: choices.location)
        }
        for (field, keyPath) in [("buttons", \Translation.StepText.buttons), ("items", \Translation.StepText.items)] {
            guard let node = fields[field] else { continue }
            for (original, translated) in entries(node, field: field, of: "originals to translations") ?? [] {
                if let translated = string(translated, field: original.value) {
                    text[keyPath: keyPath][original] = translated.value
                }
            }
        }
        return text
    }

    /// Reports a locale that is not a BCP 47 tag such as `ja` or `pt-BR`.
    mutating func checkLocale(_ locale: Located<String>) {
        let parts = locale.value.split(separator: "-", omittingEmptySubsequences: false)
        let isValid =
            (2...3).contains(parts.first?.count ?? 0)
            && parts.first?.allSatisfy { $0.isASCII && $0.isLowercase } == true
            && parts.dropFirst().allSatisfy { (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
        guard !isValid else { return }
        let fixed = locale.value.replacingOccurrences(of: "_", with: "-")
        report(
            "invalid-value",
            "'\(locale.value)' is not a locale; write a language tag such as 'ja' or 'pt-BR'",
            at: locale.location,
            fix: fixed != locale.value ? "write '\(fixed)'" : nil
        )
    }
}
