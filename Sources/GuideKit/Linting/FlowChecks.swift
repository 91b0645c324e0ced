/// Step ids, `goto` targets and reachability, for the guide's steps and each variant's own steps.
enum FlowChecks {
    static func check(_ guides: [Guide], _ project: Project?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for guide in guides {
            for steps in guide.stepLists { diagnostics += check(steps) }
        }
        return diagnostics
    }

    /// The findings about one list of steps.
    static func check(_ steps: [Step]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var index: [String: Int] = [:]
        for (position, step) in steps.enumerated() where !step.id.value.isEmpty {
            if let original = index[step.id.value] {
                let first = steps[original].id.location
                diagnostics.append(
                    Diagnostic(
                        .error,
                        rule: "duplicate-step-id",
                        "step id '\(step.id.value)' is already used at line \(first.line)",
                        at: step.id.location,
                        fix: "give each step its own id",
                        related: [first]
                    )
                )
            } else {
                index[step.id.value] = position
            }
            var items: [String: SourceLocation] = [:]
            for item in step.items where !item.id.value.isEmpty {
                if let original = items[item.id.value] {
                    diagnostics.append(
                        Diagnostic(
                            .error,
                            rule: "duplicate-id",
                            "checklist item id '\(item.id.value)' is already used at line \(original.line)",
                            at: item.id.location,
                            fix: "give each item of the checklist its own id",
                            related: [original]
                        )
                    )
                } else {
                    items[item.id.value] = item.id.location
                }
            }
        }
        let known = steps.map(\.id.value).filter { !$0.isEmpty }
        for step in steps {
            for target in targets(of: step) where index[target.value] == nil {
                diagnostics.append(
                    Diagnostic(
                        .error,
                        rule: "unknown-step",
                        "'goto' names step '\(target.value)', which this guide does not have",
                        at: target.location,
                        fix: Suggestion.didYouMean(target.value, in: known)
                            ?? "use one of \(known.map { "'\($0)'" }.joined(separator: ", "))"
                    )
                )
            }
        }
        let reached = StepFlow.reachable(steps, index: index)
        for (position, step) in steps.enumerated() where !reached.contains(position) {
            var fix = "add a 'next' button or 'advance_on' to an earlier step, a 'goto' to it, or remove it"
            if position > 0, reached.contains(position - 1) {
                fix = "step '\(steps[position - 1].id.value)' never moves on to it; " + fix
            }
            diagnostics.append(
                Diagnostic(
                    .warning,
                    rule: "unreachable-step",
                    "step '\(step.id.value)' can never be reached",
                    at: step.id.location,
                    fix: fix
                )
            )
        }
        return diagnostics
    }

    /// The `goto` targets a step names, in its buttons and branches.
    static func targets(of step: Step) -> [Located<String>] {
        var result: [Located<String>] = []
        for button in step.buttons {
            if case .goto(let target) = button.action { result.append(target) }
        }
        result += step.next.map(\.goto)
        return result
    }
}
