/// One guide with its conditions compiled, ready to be evaluated for many users.
///
/// Built by ``CompiledGuideSet``; every condition (audience, step `when`, branch `when`) and every trigger
/// glob is compiled once here and never again during selection.
public struct CompiledGuide: Sendable {
    /// One top-level clause of the audience (one key of its mapping), compiled on its own so that a
    /// verdict can name the clause that failed and a population waterfall can count it.
    public struct AudienceClause: Sendable {
        /// The clause as written (`user.role: {$in: [owner, admin]}`).
        public var text: String
        /// Where it is written.
        public var location: SourceLocation
        /// The compiled clause.
        public var condition: Condition
    }

    /// A step with its `when` and its branches compiled.
    public struct CompiledStep: Sendable {
        /// The step as written.
        public var step: Step
        /// The compiled `when`, if any.
        public var when: Condition?
        /// The compiled branches, in order: the condition (or `nil` for the default) and the target step.
        public var branches: [(when: Condition?, goto: String)]
        /// The checklist items' compiled `done_when`, in order (`nil` for an item the user ticks).
        public var items: [(id: String, doneWhen: Condition?)] = []

        /// The ids of the checklist items whose `done_when` holds.
        ///
        /// - Parameter document: the user's prepared state.
        /// - Returns: the ids.
        public func doneItems(in document: ConditionDocument) -> Set<String> {
            var done: Set<String> = []
            for item in items where item.doneWhen?.isSatisfied(by: document) ?? false { done.insert(item.id) }
            return done
        }

        /// Whether the step is a checklist that is finished.
        ///
        /// A checklist is finished when it has at least one required item (one with a `done_when`) and every
        /// required item's `done_when` holds. Items the user ticks do not hold it back.
        ///
        /// - Parameter document: the user's prepared state.
        /// - Returns: whether the checklist is finished.
        public func isFinishedChecklist(in document: ConditionDocument) -> Bool {
            guard step.kind.value == .checklist else { return false }
            var required = 0
            for item in items {
                guard let condition = item.doneWhen else { continue }
                guard condition.isSatisfied(by: document) else { return false }
                required += 1
            }
            return required > 0
        }
    }

    /// The compiled parts, shared by every copy: a compiled guide is read many times and copied often
    /// (into verdicts and loops), so a copy is one reference count rather than one per field.
    private final class Storage: Sendable {
        let guide: Guide
        /// The guide's id, read for every user.
        let id: String
        let audience: [AudienceClause]
        let pageGlobs: [GlobPattern]
        let steps: [CompiledStep]
        let variantSteps: [String: [CompiledStep]]
        let rolloutRanges: [Bucketing.Range]

        init(
            guide: Guide,
            audience: [AudienceClause],
            pageGlobs: [GlobPattern],
            steps: [CompiledStep],
            variantSteps: [String: [CompiledStep]],
            rolloutRanges: [Bucketing.Range]
        ) {
            self.guide = guide
            self.id = guide.id.value
            self.audience = audience
            self.pageGlobs = pageGlobs
            self.steps = steps
            self.variantSteps = variantSteps
            self.rolloutRanges = rolloutRanges
        }
    }

    private let storage: Storage

    /// The guide as written.
    public var guide: Guide {
        // Lent, not copied: selection reads a few fields of every guide for every user, and a copy of the
        // whole guide costs a reference count per field.
        _read { yield storage.guide }
    }
    /// The audience's top-level clauses; empty means everyone.
    public var audience: [AudienceClause] { storage.audience }
    /// The trigger's page globs, compiled (empty unless the trigger is a page trigger).
    var pageGlobs: [GlobPattern] { storage.pageGlobs }
    /// The guide's own steps.
    public var steps: [CompiledStep] { storage.steps }
    /// Each variant's own steps, by variant id.
    public var variantSteps: [String: [CompiledStep]] { storage.variantSteps }
    /// The bucket ranges of the rollout: one per variant, or one for the whole rollout; empty without one.
    public var rolloutRanges: [Bucketing.Range] { storage.rolloutRanges }

    /// Compiles a guide.
    ///
    /// - Parameters:
    ///   - guide: the guide.
    ///   - catalog: the project's catalog (segments, saved groups).
    public init(_ guide: Guide, catalog: Catalog) {
        var clauses: [AudienceClause] = []
        if let audience = guide.audience {
            if case .mapping(let pairs) = audience.content {
                for pair in pairs {
                    let node = SourceNode(.mapping([pair]), at: pair.key.location)
                    clauses.append(
                        AudienceClause(
                            text: ConditionText.render(node),
                            location: pair.key.location,
                            condition: Condition(node, catalog: catalog)
                        )
                    )
                }
            } else {
                clauses.append(
                    AudienceClause(
                        text: ConditionText.render(audience),
                        location: audience.location,
                        condition: Condition(audience, catalog: catalog)
                    )
                )
            }
        }
        var pageGlobs: [GlobPattern] = []
        if case .page(let globs)? = guide.trigger?.kind {
            pageGlobs = globs.map { GlobPattern($0.value) }
        }
        func compile(_ steps: [Step]) -> [CompiledStep] {
            steps.map { step in
                CompiledStep(
                    step: step,
                    when: step.when.map { Condition($0, catalog: catalog) },
                    branches: step.next.map { branch in
                        (branch.when.map { Condition($0, catalog: catalog) }, branch.goto.value)
                    },
                    items: step.items.map { item in
                        (item.id.value, item.doneWhen.map { Condition($0, catalog: catalog) })
                    }
                )
            }
        }
        var variants: [String: [CompiledStep]] = [:]
        for variant in guide.rollout?.variants ?? [] {
            if let own = variant.steps { variants[variant.id.value] = compile(own) }
        }
        var ranges: [Bucketing.Range] = []
        if let rollout = guide.rollout {
            let coverage = rollout.percent.value / 100
            if rollout.variants.isEmpty {
                ranges = Bucketing.ranges(count: 1, coverage: coverage)
            } else {
                let weights = rollout.variants.map { $0.weight.value / 100 }
                ranges = Bucketing.ranges(count: weights.count, coverage: coverage, weights: weights)
            }
        }
        storage = Storage(
            guide: guide,
            audience: clauses,
            pageGlobs: pageGlobs,
            steps: compile(guide.steps),
            variantSteps: variants,
            rolloutRanges: ranges
        )
    }

    /// The guide's id.
    public var id: String { storage.id }

    /// The steps a user in `variant` goes through: the variant's own, else the guide's.
    ///
    /// - Parameter variant: the user's variant, if any.
    /// - Returns: the steps.
    public func steps(for variant: String?) -> [CompiledStep] {
        if let variant, let own = variantSteps[variant] { return own }
        return steps
    }

    /// Whether the trigger's page globs match `path` (`false` when the trigger is not a page trigger).
    ///
    /// - Parameter path: the page path.
    /// - Returns: whether a glob matches.
    public func pageMatches(_ path: String) -> Bool {
        pageGlobs.contains { $0.matches(path) }
    }
}
