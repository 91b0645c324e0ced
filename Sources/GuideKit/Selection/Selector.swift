import Foundation

/// Decides which guide and step a user sees, and why every other guide is not shown.
///
/// Selection is a pure function of the compiled guides, a user state and a context. The rules apply in
/// order (<doc:Selection> describes each one):
///
/// 1. only published guides (drafts too with ``SelectionContext/includesDrafts``);
/// 2. inside the schedule;
/// 3. the audience holds;
/// 4. the trigger matches (page glob, the event that just happened, or a manual launch by id);
/// 5. frequency, for a new start only: completed (unless `repeat_after_completion`), dismissed,
///    snoozed, `max_shows`, `cooldown`;
/// 6. rollout and variants, bucketed as GrowthBook does (the `control` holdout is blocked);
/// 7. the project's throttle, for a new start only;
/// 8. a guide launched by hand (``SelectionContext/launch``) wins, then a guide in progress resumes ahead
///    of new guides; a launched guide needs rules 1–3 and 6 only (any trigger, no frequency, no throttle);
/// 9. the highest priority wins, ties broken by id;
/// 10. the step: the current (or first) one whose `when` holds, branches followed, text localized.
///
/// ```swift
/// let selector = Selector(try CompiledGuideSet(try GuideLoader.loadFolder(at: "guides")))
/// let selection = selector.select(for: state, in: SelectionContext(page: "/home", now: Date()))
/// print(selection.decision.summary)  // welcome-tour/welcome
/// ```
public struct Selector: Sendable {
    /// The compiled guides and project.
    public let guides: CompiledGuideSet
    /// The catalog's and referenced guides' defaults, prepared once for every document.
    let template: ConditionDocument.Template

    /// Creates a selector.
    ///
    /// - Parameter guides: the compiled guides.
    public init(_ guides: CompiledGuideSet) {
        self.guides = guides
        self.template = ConditionDocument.Template(catalog: guides.catalog, guides: guides.referencedIDs)
    }

    /// The user state as conditions read it: completed with the catalog, the page and `now` of the context.
    ///
    /// - Parameters:
    ///   - state: the user state.
    ///   - context: the context.
    /// - Returns: the prepared document.
    public func document(for state: UserState, in context: SelectionContext) -> ConditionDocument {
        var builder = ConditionDocument.Builder()
        return document(for: state, in: context, builder: &builder)
    }

    /// ``document(for:in:)`` built in reusable buffers.
    package func document(
        for state: UserState,
        in context: SelectionContext,
        builder: inout ConditionDocument.Builder
    ) -> ConditionDocument {
        var state = state
        state.now = context.now
        if let page = context.page { state.page = UserState.Page(path: page, url: state.page?.url) }
        return ConditionDocument(state, template: template, now: context.now, builder: &builder)
    }

    /// The document as ``document(for:in:)`` prepared it before it was built directly: the completed
    /// state as a ``Value``, then flattened (the reference the direct build is tested against).
    package func referenceDocument(for state: UserState, in context: SelectionContext) -> ConditionDocument {
        var state = state
        state.now = context.now
        if let page = context.page { state.page = UserState.Page(path: page, url: state.page?.url) }
        let completed = state.completed(with: guides.catalog, guides: guides.referencedIDs, now: context.now)
        return ConditionDocument(completed.document, now: context.now.timeIntervalSince1970)
    }

    /// Selects the guide and step for a user.
    ///
    /// - Parameters:
    ///   - state: the user state.
    ///   - context: the page, event, launch and time.
    ///   - explains: whether verdicts carry every audience clause's result.
    /// - Returns: the decision and a verdict for every guide.
    public func select(for state: UserState, in context: SelectionContext, explains: Bool = false) -> Selection {
        var builder = ConditionDocument.Builder()
        return select(for: state, in: context, explains: explains, builder: &builder)
    }

    /// ``select(for:in:explains:)`` with the document built in reusable buffers.
    ///
    /// With `resolvesStep` false the decision names the guide but does not carry the shown step as an app
    /// draws it (its Markdown rendered to HTML): a population count reads only the guide.
    package func select(
        for state: UserState,
        in context: SelectionContext,
        explains: Bool = false,
        resolvesStep: Bool = true,
        describes: Bool = true,
        builder: inout ConditionDocument.Builder
    ) -> Selection {
        select(
            for: state,
            in: context,
            document: document(for: state, in: context, builder: &builder),
            explains: explains,
            resolvesStep: resolvesStep,
            describes: describes
        )
    }

    /// ``select(for:in:explains:)`` over a prepared document; `resolvesStep` false leaves out
    /// ``Decision/step``, `describes` false leaves every ``Verdict/Block/message`` empty (a population count
    /// reads only each block's rule and clause, and writing the messages was a fifth of its selection time).
    package func select(
        for state: UserState,
        in context: SelectionContext,
        document: ConditionDocument,
        explains: Bool = false,
        resolvesStep: Bool = true,
        describes: Bool = true
    ) -> Selection {
        let page = context.page ?? state.page?.path
        let lastOtherShow = Self.lastShows(state)
        var verdicts: [Verdict] = []
        verdicts.reserveCapacity(guides.guides.count)
        var candidates: [(index: Int, verdict: Int, resumes: Bool, launched: Bool, variant: String?)] = []
        var holdouts: [Decision.Holdout] = []
        for (index, compiled) in guides.guides.enumerated() {
            var verdict = evaluate(
                compiled,
                state: state,
                document: document,
                page: page,
                context: context,
                lastShows: lastOtherShow,
                explains: explains,
                describes: describes
            )
            if verdict.block?.rule == .holdout, let variant = verdict.variant {
                holdouts.append(Decision.Holdout(guideID: compiled.id, variant: variant))
            }
            if verdict.isEligible {
                verdict.outcome = .shown
                candidates.append((index, verdicts.count, verdict.resumes, verdict.launched, verdict.variant))
            }
            verdicts.append(verdict)
        }
        if candidates.count > 1 {
            let all = guides.guides
            candidates.sort { lhs, rhs in
                if lhs.launched != rhs.launched { return lhs.launched }
                if lhs.resumes != rhs.resumes { return lhs.resumes }
                let left = all[lhs.index].guide.priority
                let right = all[rhs.index].guide.priority
                if left != right { return left > right }
                return all[lhs.index].id < all[rhs.index].id
            }
        }
        var decision = Decision.nothing
        decision.holdouts = holdouts
        var winner: String?
        for candidate in candidates {
            let compiled = guides.guides[candidate.index]
            guard winner == nil else {
                if verdicts[candidate.verdict].isEligible {
                    verdicts[candidate.verdict].outcome = .outranked(by: winner ?? "")
                }
                continue
            }
            let steps = compiled.steps(for: candidate.variant)
            let progress = state.guides[compiled.id]
            var start = 0
            if let progress, progress.status == .inProgress || progress.status == .snoozed, let current = progress.step,
                let found = steps.firstIndex(where: { $0.step.id.value == current })
            {
                start = found
            }
            guard let stepIndex = compiled.showableStep(from: start, in: steps, document: document) else {
                verdicts[candidate.verdict].outcome = .blocked(
                    Self.block(describes, .step, Self.noStepMessage(steps, from: start, document: document))
                )
                continue
            }
            winner = compiled.id
            decision.guideID = compiled.id
            decision.name = compiled.guide.name
            decision.version = compiled.guide.version.value
            decision.variant = candidate.variant
            decision.resumes = candidate.resumes
            decision.launched = candidate.launched
            guard resolvesStep else { continue }
            decision.step = ResolvedStep(
                steps[stepIndex].step,
                of: compiled.guide,
                locale: state.locale,
                defaultLocale: guides.defaultLocale,
                position: ResolvedStep.Position(index: stepIndex, count: steps.count),
                doneItems: steps[stepIndex].doneItems(in: document)
            )
        }
        return Selection(decision: decision, verdicts: verdicts)
    }

    /// For each guide, the latest time a *different* guide was shown: the latest and second latest shows.
    private static func lastShows(_ state: UserState) -> (latest: (String, Date)?, second: (String, Date)?) {
        var latest: (String, Date)?
        var second: (String, Date)?
        for (id, progress) in state.guides {
            guard let shown = progress.lastShown else { continue }
            if let current = latest, current.1 >= shown {
                if second.map({ $0.1 < shown }) ?? true { second = (id, shown) }
            } else {
                second = latest
                latest = (id, shown)
            }
        }
        return (latest, second)
    }

    /// Applies rules 1–7 to one guide.
    private func evaluate(
        _ compiled: CompiledGuide,
        state: UserState,
        document: ConditionDocument,
        page: String?,
        context: SelectionContext,
        lastShows: (latest: (String, Date)?, second: (String, Date)?),
        explains: Bool,
        describes: Bool
    ) -> Verdict {
        let id = compiled.id
        func blocked(_ block: Verdict.Block, variant: String? = nil, trace: [Verdict.ClauseResult] = []) -> Verdict {
            Verdict(guideID: id, outcome: .blocked(block), variant: variant, trace: trace)
        }
        // 1. Status.
        switch compiled.guide.status {
        case .published: break
        case .draft where context.includesDrafts: break
        case .draft:
            return blocked(
                Self.block(describes, .status, "draft (shown only in previews)", at: compiled.guide.location)
            )
        case .archived:
            return blocked(Self.block(describes, .status, "archived", at: compiled.guide.location))
        }
        // 2. Schedule.
        if let schedule = compiled.guide.schedule {
            if let start = schedule.start, context.now < start.value {
                return blocked(
                    Self.block(
                        describes,
                        .schedule,
                        "starts at \(Timestamp.string(from: start.value))",
                        at: start.location
                    )
                )
            }
            if let end = schedule.end, context.now >= end.value {
                return blocked(
                    Self.block(describes, .schedule, "ended at \(Timestamp.string(from: end.value))", at: end.location)
                )
            }
        }
        // 3. Audience.
        var trace: [Verdict.ClauseResult] = []
        let audience = compiled.audience
        var failedIndex: Int?
        // By index: a clause is read in place, not copied (with its text and location) for every user.
        for index in audience.indices {
            let holds = audience[index].condition.isSatisfied(by: document)
            if explains {
                let explanation = audience[index].condition.explain(document)
                trace.append(Verdict.ClauseResult(text: audience[index].text, holds: holds, explanation: explanation))
            }
            if !holds, failedIndex == nil {
                failedIndex = index
                if !explains { break }
            }
        }
        if let failedIndex {
            let failed = audience[failedIndex]
            return blocked(
                Self.block(describes, .audience, "\(failed.text) is false", clause: failed.text, at: failed.location),
                trace: trace
            )
        }
        // 4. Trigger. An event or a launch only starts a guide: once in progress, it continues without them.
        // A guide the app launched by hand matches whatever its trigger is.
        let progress = state.guides[id] ?? UserState.GuideProgress()
        let resumes = progress.status == .inProgress
        let launched = context.launch == id
        if let trigger = compiled.guide.trigger, !launched {
            switch trigger.kind {
            case .page(let globs):
                guard let page else {
                    return blocked(
                        Self.block(
                            describes,
                            .trigger,
                            "no current page (the trigger is a page)",
                            at: trigger.location
                        ),
                        trace: trace
                    )
                }
                if !compiled.pageMatches(page) {
                    return blocked(
                        Self.block(
                            describes,
                            .trigger,
                            "page \(page) does not match \(globs.map(\.value).joined(separator: ", "))",
                            at: trigger.location
                        ),
                        trace: trace
                    )
                }
            case .event(let name):
                if context.event != name.value && !resumes {
                    return blocked(
                        Self.block(
                            describes,
                            .trigger,
                            "waits for event '\(name.value)'; "
                                + (context.event.map { "'\($0)' happened" } ?? "no event happened"),
                            at: name.location
                        ),
                        trace: trace
                    )
                }
            case .manual:
                if context.launch != id && !resumes {
                    return blocked(
                        Self.block(describes, .trigger, "manual: not launched", at: trigger.location),
                        trace: trace
                    )
                }
            }
        }
        // 5. Frequency (new starts only; not for a launch by hand: the user asked for the guide).
        if !resumes, !launched,
            let block = frequencyBlock(compiled, progress: progress, now: context.now, describes: describes)
        {
            return blocked(block, trace: trace)
        }
        // 6. Rollout and variants.
        var variant: String?
        if let rollout = compiled.guide.rollout {
            let bucket = Bucketing.hash(seed: rollout.seed ?? id, value: state.id, version: .v2)
            guard let chosen = Bucketing.variation(for: bucket, in: compiled.rolloutRanges) else {
                return blocked(
                    Self.block(
                        describes,
                        .rollout,
                        "bucket \(Self.format(bucket)) is outside the \(Self.format(rollout.percent.value))% rollout",
                        at: rollout.percent.location
                    ),
                    trace: trace
                )
            }
            if !rollout.variants.isEmpty {
                let assigned = rollout.variants[chosen]
                variant = assigned.id.value
                if resumes, let recorded = progress.variant,
                    rollout.variants.contains(where: { $0.id.value == recorded })
                {
                    variant = recorded
                }
                if let variant, rollout.variants.first(where: { $0.id.value == variant })?.isHoldout ?? false {
                    return blocked(
                        Self.block(
                            describes,
                            .holdout,
                            "in the '\(variant)' holdout (bucket \(Self.format(bucket)))",
                            at: assigned.location
                        ),
                        variant: variant,
                        trace: trace
                    )
                }
            }
        }
        // 7. Throttle (new starts only; not for a launch by hand).
        if !resumes, !launched, let throttle = guides.throttle {
            let other = lastShows.latest?.0 == id ? lastShows.second : lastShows.latest
            if let (otherID, shown) = other, context.now.timeIntervalSince(shown) < Double(throttle.seconds) {
                return blocked(
                    Self.block(
                        describes,
                        .throttle,
                        "'\(otherID)' was shown at \(Timestamp.string(from: shown)); throttle \(throttle) lasts until "
                            + Timestamp.string(from: shown.addingTimeInterval(Double(throttle.seconds))),
                        at: guides.project?.location
                    ),
                    variant: variant,
                    trace: trace
                )
            }
        }
        return Verdict(
            guideID: id,
            outcome: .shown,
            variant: variant,
            resumes: resumes,
            launched: launched,
            trace: trace
        )
    }

    /// Rule 5 for a guide that would start anew.
    private func frequencyBlock(
        _ compiled: CompiledGuide,
        progress: UserState.GuideProgress,
        now: Date,
        describes: Bool
    ) -> Verdict.Block? {
        let frequency = compiled.guide.frequency
        let location = frequency?.location
        switch progress.status {
        case .completed where !(frequency?.repeatsAfterCompletion ?? false):
            return Self.block(
                describes,
                .frequency,
                "completed" + (progress.completedAt.map { " at \(Timestamp.string(from: $0))" } ?? "")
                    + "; repeat_after_completion is false",
                at: location
            )
        case .dismissed:
            return Self.block(describes, .frequency, "dismissed by the user", at: location)
        case .snoozed:
            let snooze = Double((frequency?.snooze ?? GuideDuration(seconds: 86_400)).seconds)
            if let until = progress.snoozedUntil ?? progress.lastShown?.addingTimeInterval(snooze), now < until {
                return Self.block(describes, .frequency, "snoozed until \(Timestamp.string(from: until))", at: location)
            }
        default: break
        }
        if let maxShows = frequency?.maxShows, progress.shows >= maxShows {
            return Self.block(
                describes,
                .frequency,
                "shown \(progress.shows) times; max_shows is \(maxShows)",
                at: location
            )
        }
        if let cooldown = frequency?.cooldown, let shown = progress.lastShown,
            now.timeIntervalSince(shown) < Double(cooldown.seconds)
        {
            return Self.block(
                describes,
                .frequency,
                "last shown at \(Timestamp.string(from: shown)); cooldown \(cooldown) lasts until "
                    + Timestamp.string(from: shown.addingTimeInterval(Double(cooldown.seconds))),
                at: location
            )
        }
        return nil
    }

    /// Why no step of the winning guide is shown, from its current (or first) step on.
    private static func noStepMessage(
        _ steps: [CompiledGuide.CompiledStep],
        from start: Int,
        document: ConditionDocument
    ) -> String {
        let first = steps.indices.contains(start) ? steps[start].step.id.value : "?"
        let finished = steps.indices.contains(start) && steps[start].isFinishedChecklist(in: document)
        return finished
            ? "checklist '\(first)' is finished and no step after it is shown"
            : "no step from '\(first)' on has a 'when' that holds"
    }

    /// A block whose message is written only when `describes` is true.
    private static func block(
        _ describes: Bool,
        _ rule: Verdict.Rule,
        _ message: @autoclosure () -> String,
        clause: String? = nil,
        at location: SourceLocation? = nil
    ) -> Verdict.Block {
        Verdict.Block(rule, describes ? message() : "", clause: clause, at: location)
    }

    /// A number without a needless fraction: `50`, `0.4213`.
    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
