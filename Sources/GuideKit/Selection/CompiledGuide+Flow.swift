extension CompiledGuide {
    /// The index of the first step, starting at `index`, that is shown.
    ///
    /// A step is shown when its `when` holds and it is not a finished checklist. A step whose `when` fails,
    /// and a checklist whose required items are all done, is left as if the user pressed *next* on it (its
    /// branches, else the next step in order).
    ///
    /// - Parameters:
    ///   - index: the step to start from.
    ///   - steps: the user's steps (the guide's or the variant's).
    ///   - document: the user's prepared state.
    /// - Returns: the step to show, or `nil` when the flow runs out of steps.
    public func showableStep(from index: Int, in steps: [CompiledStep], document: ConditionDocument) -> Int? {
        var current: Int? = index
        var visited = 0
        while let candidate = current, candidate < steps.count, visited <= steps.count {
            if isShown(steps[candidate], document: document) { return candidate }
            current = following(candidate, in: steps, document: document)
            visited += 1
        }
        return nil
    }

    /// The step after `index` (its first matching branch, else the next in order) before skipping steps
    /// whose `when` fails; `nil` after the last step.
    ///
    /// - Parameters:
    ///   - index: the current step.
    ///   - steps: the user's steps.
    ///   - document: the user's prepared state.
    /// - Returns: the following step's index.
    public func following(_ index: Int, in steps: [CompiledStep], document: ConditionDocument) -> Int? {
        for branch in steps[index].branches where branch.when?.isSatisfied(by: document) ?? true {
            return steps.firstIndex { $0.step.id.value == branch.goto }
        }
        return index + 1 < steps.count ? index + 1 : nil
    }

    /// The step shown after *next* on `index`, skipping steps whose `when` fails; `nil` when the guide ends.
    ///
    /// - Parameters:
    ///   - index: the current step.
    ///   - steps: the user's steps.
    ///   - document: the user's prepared state.
    /// - Returns: the next step's index.
    public func nextStep(after index: Int, in steps: [CompiledStep], document: ConditionDocument) -> Int? {
        guard let following = following(index, in: steps, document: document) else { return nil }
        return showableStep(from: following, in: steps, document: document)
    }

    /// The step *back* returns to from `index`: the nearest earlier step whose *next* leads here (so a
    /// branch returns to the step that branched), else the nearest earlier step whose `when` holds.
    ///
    /// - Parameters:
    ///   - index: the current step.
    ///   - steps: the user's steps.
    ///   - document: the user's prepared state.
    /// - Returns: the previous step's index, or `nil` on the first step.
    public func previousStep(before index: Int, in steps: [CompiledStep], document: ConditionDocument) -> Int? {
        let earlierFirst = Array(stride(from: index - 1, through: 0, by: -1)) + Array((index + 1)..<steps.count)
        for candidate in earlierFirst {
            if isShown(steps[candidate], document: document),
                nextStep(after: candidate, in: steps, document: document) == index
            {
                return candidate
            }
        }
        for candidate in stride(from: index - 1, through: 0, by: -1)
        where isShown(steps[candidate], document: document) {
            return candidate
        }
        return nil
    }

    /// Whether a step is shown when the flow reaches it: its `when` holds and it is not a finished checklist.
    ///
    /// - Parameters:
    ///   - step: the step.
    ///   - document: the user's prepared state.
    /// - Returns: whether it is shown.
    public func isShown(_ step: CompiledStep, document: ConditionDocument) -> Bool {
        (step.when?.isSatisfied(by: document) ?? true) && !step.isFinishedChecklist(in: document)
    }
}
