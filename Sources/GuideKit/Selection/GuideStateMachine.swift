import Foundation

/// Applies guide actions, app events and tracked guide events to a user state.
///
/// Every guide action becomes tracked guide events (``TrackedGuideEvent``), and those events are what
/// change `guides.<id>`: so replaying an app's event log with ``apply(_:to:)`` rebuilds exactly the
/// state that the actions built.
///
/// ```swift
/// let machine = GuideStateMachine(guides)
/// var state = persona
/// let events = try machine.apply(.next(guide: "welcome-tour"), to: &state, at: now)
/// ```
public struct GuideStateMachine: Sendable {
    /// The compiled guides.
    public let guides: CompiledGuideSet
    private let selector: Selector

    /// Creates a state machine.
    ///
    /// - Parameter guides: the compiled guides.
    public init(_ guides: CompiledGuideSet) {
        self.guides = guides
        self.selector = Selector(guides)
    }

    /// Applies an action and returns the guide events it caused, in order.
    ///
    /// - Parameters:
    ///   - action: what happened.
    ///   - state: the user state to update.
    ///   - now: when it happened.
    /// - Returns: the tracked guide events.
    /// - Throws: ``SelectionError`` when the action names an unknown guide or step, or a button the step
    ///   does not have.
    @discardableResult
    public func apply(
        _ action: GuideAction,
        to state: inout UserState,
        at now: Date
    ) throws(SelectionError)
        -> [TrackedGuideEvent]
    {
        var events = try events(of: action, state: &state, now: now)
        for event in events { apply(event, to: &state) }
        // A checklist whose required items the action finished moves on, as if the user pressed next on it.
        for _ in 0...guides.guides.count {
            let finished = try finishedChecklists(state, now: now)
            if finished.isEmpty { break }
            var moved: [TrackedGuideEvent] = []
            for id in finished { moved += try advance(id, state: state, now: now) }
            for event in moved { apply(event, to: &state) }
            events += moved
        }
        return events
    }

    /// The guide events an action causes (app events are recorded in `state` here; the guide events are
    /// applied by the caller).
    private func events(
        of action: GuideAction,
        state: inout UserState,
        now: Date
    ) throws(SelectionError)
        -> [TrackedGuideEvent]
    {
        var events: [TrackedGuideEvent] = []
        switch action {
        case .show(let id, let step, let variant):
            let compiled = try guide(id)
            let progress = state.guides[id] ?? UserState.GuideProgress()
            if progress.status == .inProgress, let current = progress.step, current != step,
                let (_, steps, index, document) = try? position(id, state: state, now: now),
                steps.indices.contains(index), steps[index].isFinishedChecklist(in: document)
            {
                // The checklist on screen was finished (its items ticked) before the next step is shown.
                events.append(
                    TrackedGuideEvent(
                        .stepCompleted,
                        at: now,
                        guide: id,
                        version: compiled.guide.version.value,
                        step: current,
                        variant: progress.variant
                    )
                )
            }
            if progress.status != .inProgress {
                events.append(
                    TrackedGuideEvent(
                        .guideStarted,
                        at: now,
                        guide: id,
                        version: compiled.guide.version.value,
                        step: step,
                        variant: variant
                    )
                )
            }
            if progress.status != .inProgress || progress.step != step {
                events.append(
                    TrackedGuideEvent(
                        .stepViewed,
                        at: now,
                        guide: id,
                        version: compiled.guide.version.value,
                        step: step,
                        variant: variant ?? progress.variant
                    )
                )
            }
        case .next(let id), .completeStep(let id):
            events += try advance(id, state: state, now: now)
        case .back(let id):
            let (compiled, steps, index, document) = try position(id, state: state, now: now)
            guard let previous = compiled.previousStep(before: index, in: steps, document: document) else {
                throw SelectionError(.noPreviousStep, "'\(id)' is on its first step; there is no step to go back to")
            }
            events.append(viewed(compiled, steps[previous].step.id.value, state: state, now: now))
        case .goto(let id, let target):
            let (compiled, steps, _, document) = try position(id, state: state, now: now)
            guard let index = steps.firstIndex(where: { $0.step.id.value == target }) else {
                throw SelectionError(.unknownStep, "'\(id)' has no step '\(target)'")
            }
            if let shown = compiled.showableStep(from: index, in: steps, document: document) {
                events.append(viewed(compiled, steps[shown].step.id.value, state: state, now: now))
            } else {
                events.append(ended(compiled, .guideCompleted, state: state, now: now))
            }
        case .complete(let id):
            let compiled = try guide(id)
            if let step = state.guides[id]?.step {
                events.append(
                    TrackedGuideEvent(
                        .stepCompleted,
                        at: now,
                        guide: id,
                        version: compiled.guide.version.value,
                        step: step,
                        variant: state.guides[id]?.variant
                    )
                )
            }
            events.append(ended(compiled, .guideCompleted, state: state, now: now))
        case .dismiss(let id):
            events.append(ended(try guide(id), .guideDismissed, state: state, now: now))
        case .snooze(let id):
            events.append(ended(try guide(id), .guideSnoozed, state: state, now: now))
        case .event(let name):
            Self.count(event: name, in: &state, at: now)
            for id in inProgress(state) {
                if case .event(let awaited)? = try currentStep(id, state: state, now: now)?.advanceOn?.kind,
                    awaited.value == name
                {
                    events += try advance(id, state: state, now: now)
                }
            }
        case .visit(let path):
            state.page = UserState.Page(path: path)
            for id in inProgress(state) {
                if case .page(let glob)? = try currentStep(id, state: state, now: now)?.advanceOn?.kind,
                    GlobPattern(glob).matches(path)
                {
                    events += try advance(id, state: state, now: now)
                }
            }
        case .click(let text, let id):
            events += try click(text, guide: id, state: state, now: now)
        }
        return events
    }

    /// The guides in progress whose current step is a checklist with every required item done.
    private func finishedChecklists(_ state: UserState, now: Date) throws(SelectionError) -> [String] {
        var finished: [String] = []
        for id in inProgress(state) {
            let compiled = try guide(id)
            let progress = state.guides[id] ?? UserState.GuideProgress()
            let steps = compiled.steps(for: progress.variant)
            guard let current = progress.step, let index = steps.firstIndex(where: { $0.step.id.value == current }),
                steps[index].step.kind.value == .checklist
            else { continue }
            let document = selector.document(for: state, in: SelectionContext(now: now))
            if steps[index].isFinishedChecklist(in: document) { finished.append(id) }
        }
        return finished
    }

    /// Applies a tracked guide event to the state: the same code the tracker uses to turn an event log into
    /// user states.
    ///
    /// - Parameters:
    ///   - event: the event.
    ///   - state: the state to update.
    public func apply(_ event: TrackedGuideEvent, to state: inout UserState) {
        var progress = state.guides[event.guideID] ?? UserState.GuideProgress()
        if let version = event.version { progress.version = version }
        if let variant = event.variant { progress.variant = variant }
        switch event.name {
        case .guideStarted:
            progress.shows += 1
            progress.status = .inProgress
            progress.startedAt = event.time
            progress.lastShown = event.time
            progress.snoozedUntil = nil
            progress.step = event.step ?? progress.step ?? guides[event.guideID]?.guide.steps.first?.id.value
        case .stepViewed:
            if progress.status == .notStarted {
                progress.shows += 1
                progress.startedAt = event.time
                progress.lastShown = event.time
            }
            progress.status = .inProgress
            progress.snoozedUntil = nil
            if let step = event.step { progress.step = step }
        case .stepCompleted:
            if let step = event.step {
                let completesCurrent = progress.status == .inProgress && progress.step == step
                progress.step = step
                // Completing the last step of the order the event counts against finishes the guide, as the
                // report counts it (see "Finished" in the Selection article), even when no guide_completed
                // follows.
                if guides[event.guideID]?.steps(for: event.variant).last?.step.id.value == step {
                    progress.status = .completed
                    progress.completedAt = event.time
                } else if completesCurrent {
                    // The step on screen was completed: the guide moves on as *next* would (its branches, else
                    // the next step whose `when` holds), so a client that reports only what the user did (the
                    // web SDK) is shown the following step. A log's own step_viewed of that step changes nothing.
                    var scratch = state
                    scratch.guides[event.guideID] = progress
                    switch stepAfter(event.guideID, in: scratch, at: event.time) {
                    case .step(let next)?: progress.step = next
                    case .end?:
                        progress.status = .completed
                        progress.completedAt = event.time
                    case nil: break
                    }
                }
            }
        case .guideCompleted:
            progress.status = .completed
            progress.completedAt = event.time
            if let step = event.step { progress.step = step }
        case .guideDismissed:
            progress.status = .dismissed
            if let step = event.step { progress.step = step }
        case .guideSnoozed:
            let snooze = guides[event.guideID]?.guide.frequency?.snooze ?? GuideDuration(seconds: 86_400)
            progress.status = .snoozed
            progress.snoozedUntil = event.time.addingTimeInterval(Double(snooze.seconds))
            if let step = event.step { progress.step = step }
        }
        state.guides[event.guideID] = progress
    }

    /// Records an app event: the one way to do it, the same as `apply(.event(name), to: &state, at: time)`.
    ///
    /// The event is counted in `events.<name>` (count, first, last, times newest first), and every guide in
    /// progress moves on whose current step waits for it (`advance_on: {event: name}`), or whose checklist
    /// it completes.
    ///
    /// ```swift
    /// let moved = try machine.record(event: "project_created", in: &state, at: now)
    /// ```
    ///
    /// - Parameters:
    ///   - name: the event name.
    ///   - state: the state to update.
    ///   - time: when it happened.
    /// - Returns: the tracked guide events of the guides that moved on.
    /// - Throws: ``SelectionError`` as ``apply(_:to:at:)`` does (it moves only guides in progress, so an
    ///   app event alone does not fail).
    @discardableResult
    public func record(
        event name: String,
        in state: inout UserState,
        at time: Date
    ) throws(SelectionError) -> [TrackedGuideEvent] {
        try apply(.event(name), to: &state, at: time)
    }

    /// Counts one occurrence of an app event in `events.<name>` (count, first, last, and the newest
    /// ``UserState/EventSummary/keptTimes`` times newest first).
    ///
    /// It moves no guide: for a replay that applies the guide events an app event caused on their own (the
    /// server stores them beside the event), and for a decision that only reads the count. Anything else
    /// records through ``record(event:in:at:)``. The summary is updated in place, in time independent of
    /// how often the event happened before.
    package static func count(event name: String, in state: inout UserState, at time: Date) {
        state.events[name, default: UserState.EventSummary(count: 0)].record(at: time)
    }

    // MARK: - Helpers

    private func guide(_ id: String) throws(SelectionError) -> CompiledGuide {
        guard let compiled = guides[id] else {
            let hint = Suggestion.didYouMean(id, in: guides.ids).map { "; \($0)" } ?? ""
            throw SelectionError(.unknownGuide, "no guide '\(id)'\(hint)")
        }
        return compiled
    }

    private func inProgress(_ state: UserState) -> [String] {
        guides.ids.filter { state.guides[$0]?.status == .inProgress }
    }

    private func position(
        _ id: String,
        state: UserState,
        now: Date
    ) throws(SelectionError)
        -> (CompiledGuide, [CompiledGuide.CompiledStep], Int, ConditionDocument)
    {
        let compiled = try guide(id)
        let progress = state.guides[id] ?? UserState.GuideProgress()
        guard progress.status == .inProgress else {
            throw SelectionError(.notInProgress, "'\(id)' is not in progress (it is \(progress.status.rawValue))")
        }
        let steps = compiled.steps(for: progress.variant)
        let index = progress.step.flatMap { step in steps.firstIndex { $0.step.id.value == step } } ?? 0
        let document = selector.document(for: state, in: SelectionContext(now: now))
        return (compiled, steps, index, document)
    }

    private func currentStep(_ id: String, state: UserState, now: Date) throws(SelectionError) -> Step? {
        let (_, steps, index, _) = try position(id, state: state, now: now)
        return steps.indices.contains(index) ? steps[index].step : nil
    }

    private func viewed(_ compiled: CompiledGuide, _ step: String, state: UserState, now: Date) -> TrackedGuideEvent {
        TrackedGuideEvent(
            .stepViewed,
            at: now,
            guide: compiled.id,
            version: compiled.guide.version.value,
            step: step,
            variant: state.guides[compiled.id]?.variant
        )
    }

    private func ended(
        _ compiled: CompiledGuide,
        _ name: TrackedGuideEvent.Name,
        state: UserState,
        now: Date
    )
        -> TrackedGuideEvent
    {
        let progress = state.guides[compiled.id]
        return TrackedGuideEvent(
            name,
            at: now,
            guide: compiled.id,
            version: compiled.guide.version.value,
            step: progress?.step,
            variant: progress?.variant
        )
    }

    private func advance(_ id: String, state: UserState, now: Date) throws(SelectionError) -> [TrackedGuideEvent] {
        let (compiled, steps, index, document) = try position(id, state: state, now: now)
        var events = [
            TrackedGuideEvent(
                .stepCompleted,
                at: now,
                guide: id,
                version: compiled.guide.version.value,
                step: steps.indices.contains(index) ? steps[index].step.id.value : nil,
                variant: state.guides[id]?.variant
            )
        ]
        if let next = compiled.nextStep(after: index, in: steps, document: document) {
            events.append(viewed(compiled, steps[next].step.id.value, state: state, now: now))
        } else {
            events.append(ended(compiled, .guideCompleted, state: state, now: now))
        }
        return events
    }

    /// Where a guide in progress goes when its current step is completed.
    private enum StepAfter {
        /// The step shown next.
        case step(String)
        /// No step follows: the guide is finished.
        case end
    }

    private func stepAfter(_ id: String, in state: UserState, at now: Date) -> StepAfter? {
        guard let (compiled, steps, index, document) = try? position(id, state: state, now: now),
            steps.indices.contains(index)
        else { return nil }
        guard let next = compiled.nextStep(after: index, in: steps, document: document) else { return .end }
        return .step(steps[next].step.id.value)
    }

    private func click(
        _ text: String,
        guide id: String?,
        state: UserState,
        now: Date
    ) throws(SelectionError)
        -> [TrackedGuideEvent]
    {
        if let id {
            let (compiled, steps, index, _) = try position(id, state: state, now: now)
            if steps.indices.contains(index) {
                let step = ResolvedStep(
                    steps[index].step,
                    of: compiled.guide,
                    locale: state.locale,
                    defaultLocale: guides.defaultLocale
                )
                if let button = step.buttons.first(where: { $0.label == text || $0.text == text }) {
                    var scratch = state
                    switch button.action {
                    case .next: return try apply(.next(guide: id), to: &scratch, at: now)
                    case .back: return try apply(.back(guide: id), to: &scratch, at: now)
                    case .dismiss: return try apply(.dismiss(guide: id), to: &scratch, at: now)
                    case .snooze: return try apply(.snooze(guide: id), to: &scratch, at: now)
                    case .complete: return try apply(.complete(guide: id), to: &scratch, at: now)
                    case .goto(let target):
                        return try apply(.goto(guide: id, step: target), to: &scratch, at: now)
                    case .url: return []
                    }
                }
            }
        }
        var events: [TrackedGuideEvent] = []
        for candidate in inProgress(state) {
            if case .click(let selector)? = try currentStep(candidate, state: state, now: now)?.advanceOn?.kind,
                selector == text
            {
                events += try advance(candidate, state: state, now: now)
            }
        }
        if events.isEmpty {
            var labels: [String] = []
            if let id, let step = try? currentStep(id, state: state, now: now) {
                labels = step.buttons.map(\.label.value)
                if case .click(let selector)? = step.advanceOn?.kind { labels.append(selector) }
            }
            let hint = Suggestion.didYouMean(text, in: labels).map { "; \($0)" } ?? ""
            let shown = id.map { "the step of '\($0)' on screen" } ?? "nothing on screen"
            let options = labels.isEmpty ? "" : " (it has: \(labels.map { "'\($0)'" }.joined(separator: ", ")))"
            throw SelectionError(.unknownButton, "no button or advance_on click '\(text)' on \(shown)\(options)\(hint)")
        }
        return events
    }
}
