/// Translations: for steps that exist, complete for every locale the project declares.
enum TranslationChecks {
    static func check(_ guides: [Guide], _ project: Project?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let declared = project?.locales.map(\.value) ?? []
        for guide in guides {
            var steps: [String: Step] = [:]
            var order: [Step] = []
            for list in guide.stepLists {
                for step in list where !step.id.value.isEmpty && steps[step.id.value] == nil {
                    steps[step.id.value] = step
                    order.append(step)
                }
            }
            for translation in guide.translations {
                let locale = translation.locale
                if !declared.isEmpty, !declared.contains(locale.value), locale.value != project?.defaultLocale?.value {
                    diagnostics.append(
                        Diagnostic(
                            .warning,
                            rule: "unknown-locale",
                            "locale '\(locale.value)' is not in the project's 'locales'",
                            at: locale.location,
                            fix: Suggestion.didYouMean(locale.value, in: declared)
                                ?? "add it to 'locales' in \(GuideLoader.projectFileName)"
                        )
                    )
                }
                for text in translation.steps {
                    guard let step = steps[text.stepID.value] else {
                        diagnostics.append(
                            Diagnostic(
                                .error,
                                rule: "unknown-translation-step",
                                "'\(locale.value)' translates step '\(text.stepID.value)', which this guide does not have",
                                at: text.stepID.location,
                                fix: Suggestion.didYouMean(text.stepID.value, in: order.map(\.id.value))
                                    ?? "remove it, or use a step id of this guide"
                            )
                        )
                        continue
                    }
                    diagnostics += check(text, of: step, locale: locale.value)
                }
            }
            guard let project else { continue }
            for locale in project.translatedLocales {
                let needed = order.filter(\.hasText)
                guard !needed.isEmpty else { continue }
                guard let translation = guide.translations.first(where: { $0.locale.value == locale.value }) else {
                    diagnostics.append(
                        Diagnostic(
                            .warning,
                            rule: "missing-translation",
                            "guide '\(guide.id.value)' has no '\(locale.value)' translation",
                            at: guide.id.location,
                            fix: "add 'locales: {\(locale.value): {steps: …}}' translating its \(needed.count) "
                                + (needed.count == 1 ? "step" : "steps")
                        )
                    )
                    continue
                }
                let done = Set(translation.steps.map(\.stepID.value))
                for step in needed where !done.contains(step.id.value) {
                    diagnostics.append(
                        Diagnostic(
                            .warning,
                            rule: "missing-translation",
                            "step '\(step.id.value)' has no '\(locale.value)' translation",
                            at: step.id.location,
                            fix: "add it under locales.\(locale.value).steps.\(step.id.value)"
                        )
                    )
                }
            }
        }
        return diagnostics
    }

    /// Translated choices, button labels and items that do not match the step.
    private static func check(_ text: Translation.StepText, of step: Step, locale: String) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let name = "step '\(step.id.value)'"
        if let choices = text.choices, choices.value.count != step.survey?.choices.count ?? 0 {
            diagnostics.append(
                Diagnostic(
                    .error,
                    rule: "invalid-value",
                    "the '\(locale)' choices of \(name) are \(choices.value.count), the step has "
                        + "\(step.survey?.choices.count ?? 0)",
                    at: choices.location,
                    fix: "translate each choice once, in the step's order"
                )
            )
        }
        let labels = step.buttons.map(\.label.value)
        for label in text.buttons.keys.sorted(by: { $0.location < $1.location }) where !labels.contains(label.value) {
            diagnostics.append(
                Diagnostic(
                    .error,
                    rule: "invalid-value",
                    "'\(label.value)' is not a button label of \(name)",
                    at: label.location,
                    fix: Suggestion.didYouMean(label.value, in: labels) ?? "use a label the step's buttons have"
                )
            )
        }
        let items = step.items.map(\.id.value)
        for item in text.items.keys.sorted(by: { $0.location < $1.location }) where !items.contains(item.value) {
            diagnostics.append(
                Diagnostic(
                    .error,
                    rule: "invalid-value",
                    "'\(item.value)' is not a checklist item of \(name)",
                    at: item.location,
                    fix: Suggestion.didYouMean(item.value, in: items) ?? "use an item id of the step"
                )
            )
        }
        return diagnostics
    }
}
