import Foundation

/// Replays a timeline through the state machine, selecting after every line, and checks expectations.
///
/// After each line the guides are selected again for the current page (and the line's event or launch);
/// a guide that is selected is shown (a new show, or a resume), so the next line acts on it.
///
/// ```swift
/// let runner = TimelineRunner(try CompiledGuideSet(try GuideLoader.loadFolder(at: "guides")))
/// let result = try runner.run(try Scenario(contentsOf: "guides/tests/welcome.yaml"))
/// for failure in result.failures { print(failure) }
/// ```
public struct TimelineRunner: Sendable {
    /// What happened after one line.
    public struct Step: Sendable, Hashable {
        /// The line.
        public var line: Scenario.Line
        /// The time after the line.
        public var time: Date
        /// The selection after the line.
        public var selection: Selection
        /// The guide events the line and the show caused.
        public var events: [TrackedGuideEvent]
        /// The failed expectation, if the line had one and it did not hold.
        public var failure: Failure?
    }

    /// An expectation that did not hold.
    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        /// Where the line is.
        public var location: SourceLocation
        /// What the line expected.
        public var expected: Scenario.Line.Expectation
        /// What was shown.
        public var shown: String
        /// Why the expected guide was not shown (its verdict), when a guide was expected.
        public var reason: String?

        /// `file:line:col: expected welcome-tour/sidebar, shown nothing (welcome-tour: blocked: …)`.
        public var description: String {
            "\(location): expected \(expected.summary), shown \(shown)" + (reason.map { " (\($0))" } ?? "")
        }
    }

    /// The replay of a whole timeline.
    public struct Result: Sendable, Hashable {
        /// The scenario.
        public var scenario: Scenario
        /// One entry per line.
        public var steps: [Step]
        /// The user state at the end.
        public var finalState: UserState
        /// The error that stopped the replay at a line (an action with nothing shown, an unknown button).
        public var error: SelectionError?

        /// The failed expectations.
        public var failures: [Failure] { steps.compactMap(\.failure) }
        /// Whether every expectation held and no line failed to apply.
        public var passed: Bool { error == nil && failures.isEmpty }
        /// How many lines had expectations.
        public var expectationCount: Int { steps.filter { $0.line.expectation != nil }.count }
    }

    /// The compiled guides.
    public let guides: CompiledGuideSet
    /// Whether drafts may be shown.
    public var includesDrafts: Bool
    private let selector: Selector
    private let machine: GuideStateMachine

    /// Creates a runner.
    ///
    /// - Parameters:
    ///   - guides: the compiled guides.
    ///   - includesDrafts: whether drafts may be shown.
    public init(_ guides: CompiledGuideSet, includesDrafts: Bool = false) {
        self.guides = guides
        self.includesDrafts = includesDrafts
        self.selector = Selector(guides)
        self.machine = GuideStateMachine(guides)
    }

    /// Replays a scenario.
    ///
    /// - Parameters:
    ///   - scenario: the scenario.
    ///   - user: the user, when the scenario has none (or to replace it).
    /// - Returns: what happened after each line.
    /// - Throws: ``SelectionError`` when there is no user. A line that cannot apply (an action with nothing
    ///   shown, a button the step does not have) stops the replay and is ``Result/error``.
    public func run(_ scenario: Scenario, user: UserState? = nil) throws(SelectionError) -> Result {
        guard var state = user ?? scenario.user else {
            throw SelectionError(
                .noUser,
                "no user: give 'user:' in the scenario",
                at: SourceLocation(file: scenario.file, line: 1, column: 1)
            )
        }
        var now = scenario.start ?? state.now ?? Date()
        var shown: String?
        var steps: [Step] = []
        for line in scenario.lines {
            if let at = line.at { now = at }
            var event: String?
            var launch: String?
            var events: [TrackedGuideEvent] = []
            do throws(SelectionError) {
                switch line.kind {
                case .visit(let path):
                    events += try machine.apply(.visit(path), to: &state, at: now)
                case .event(let name):
                    try guides.check(SelectionContext(event: name, now: now))
                    event = name
                    events += try machine.apply(.event(name), to: &state, at: now)
                case .action(let action):
                    guard let id = shown else {
                        throw SelectionError(
                            .nothingShown,
                            "nothing is shown, so there is nothing to '\(action.rawValue)'"
                        )
                    }
                    let guideAction: GuideAction =
                        switch action {
                        case .next: .next(guide: id)
                        case .back: .back(guide: id)
                        case .dismiss: .dismiss(guide: id)
                        case .snooze: .snooze(guide: id)
                        case .complete: .complete(guide: id)
                        }
                    events += try machine.apply(guideAction, to: &state, at: now)
                case .click(let label):
                    events += try machine.apply(.click(label, guide: shown), to: &state, at: now)
                case .launch(let id):
                    try guides.check(SelectionContext(launch: id, now: now))
                    launch = id
                case .wait(let duration):
                    now = now.addingTimeInterval(Double(duration.seconds))
                case .check:
                    break
                }
            } catch {
                let stopped = SelectionError(error.code, error.message, at: error.location ?? line.location)
                return Result(scenario: scenario, steps: steps, finalState: state, error: stopped)
            }
            let context = SelectionContext(event: event, launch: launch, now: now, includesDrafts: includesDrafts)
            let selection = selector.select(for: state, in: context)
            let decision = selection.decision
            if let id = decision.guideID, let step = decision.step {
                events +=
                    (try? machine.apply(.show(guide: id, step: step.id, variant: decision.variant), to: &state, at: now))
                    ?? []
                shown = id
            } else {
                shown = nil
            }
            var failure: Failure?
            if let expected = line.expectation, !Self.holds(expected, decision) {
                var reason: String?
                if case .guide(let id, _, _, _, _) = expected {
                    if let verdict = selection.verdict(for: id) {
                        reason = "\(id): \(verdict.reason)"
                    } else {
                        reason =
                            "there is no guide '\(id)'"
                            + (Suggestion.didYouMean(id, in: guides.ids).map { "; \($0)" } ?? "")
                    }
                }
                let summary =
                    decision.guideID == nil
                    ? "nothing"
                    : decision.summary + (decision.variant.map { " [\($0)]" } ?? "")
                        + (expected.checksLocale ? " (text: \(decision.step?.locale ?? "as written"))" : "")
                        + (expected.checksItems ? " (done: \(Self.doneItems(decision)))" : "")
                failure = Failure(
                    location: line.expectationLocation ?? line.location,
                    expected: expected,
                    shown: summary,
                    reason: reason
                )
            }
            steps.append(Step(line: line, time: now, selection: selection, events: events, failure: failure))
        }
        return Result(scenario: scenario, steps: steps, finalState: state, error: nil)
    }

    private static func holds(_ expected: Scenario.Line.Expectation, _ decision: Decision) -> Bool {
        switch expected {
        case .nothing: return decision.guideID == nil
        case .guide(let id, let step, let variant, let locale, let done):
            return decision.guideID == id && (step == nil || decision.step?.id == step)
                && (variant == nil || decision.variant == variant)
                && (locale == nil || (decision.step?.locale ?? "") == locale)
                && (done == nil || Set(done ?? []) == Set(decision.step?.items.filter(\.done).map(\.id) ?? []))
        }
    }

    /// The done items of the decision's step: `create-project, add-tasks`, or `none`.
    private static func doneItems(_ decision: Decision) -> String {
        let done = decision.step?.items.filter(\.done).map(\.id) ?? []
        return done.isEmpty ? "none" : done.joined(separator: ", ")
    }
}
