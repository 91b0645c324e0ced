import Foundation

/// Generates a realistic, seeded guide event log for Acme Projects (the example product): a generated
/// population (``PopulationGenerator``) uses the app for some days, and every guide that the ``Selector``
/// shows is played through the ``GuideStateMachine``, so the log holds exactly the events an app would send.
///
/// About half the users sign up during the log (no history, no guide progress); the others are existing
/// users with their history. Users visit pages (a board visit also tracks `board_viewed`), perform product
/// events, sometimes open the keyboard shortcuts, and react to what is shown: they follow `advance_on`
/// (perform the event, visit the page, click the target), press buttons (mostly forward, sometimes back,
/// snooze or dismiss), answer surveys, or abandon the guide mid-way (it resumes later, or stays in
/// progress at the end). Some users stop coming back. The same seed and options give the same log.
///
/// ```swift
/// var generator = EventLogGenerator(guides, seed: 7, start: start, days: 14)
/// for event in generator.generate(users: 1_000) { print(event.jsonLine) }
/// ```
package struct EventLogGenerator: Sendable {
    /// One event of the generated log.
    package struct Event: Sendable, Hashable {
        /// The user id.
        package var user: String
        /// The guide event.
        package var event: TrackedGuideEvent
        /// The session id.
        package var session: String
        /// The user's platform (`web`, `desktop`, `ios`, `android`).
        package var platform: String

        /// The event as a line of the event format (`Schemas/event.schema.json`), without a newline.
        ///
        /// Fields: `ts, user, guide, version, step, type, variant, session, platform`; `guide_started` and
        /// `guide_completed` carry no step.
        package var jsonLine: String {
            var members: [(String, OrderedJSON)] = [
                ("ts", .string(Timestamp.string(from: event.time))),
                ("user", .string(user)),
                ("guide", .string(event.guideID)),
                ("version", .number(Double(event.version ?? 1))),
            ]
            if let step = event.step, event.name != .guideStarted, event.name != .guideCompleted {
                members.append(("step", .string(step)))
            }
            members.append(("type", .string(event.name.rawValue)))
            if let variant = event.variant { members.append(("variant", .string(variant))) }
            members.append(("session", .string(session)))
            members.append(("platform", .string(platform)))
            return OrderedJSON.object(members).rendered(pretty: false)
        }
    }

    /// Who was held out of an experiment, by guide id and variant.
    ///
    /// They saw nothing, so the log has no event of theirs.
    package private(set) var holdouts: [String: [String: Set<String>]] = [:]

    private let guides: CompiledGuideSet
    private let selector: Selector
    private let machine: GuideStateMachine
    private var population: PopulationGenerator
    private var random: SplitMix64
    private let start: Date
    private let days: Int

    /// Creates a generator.
    ///
    /// - Parameters:
    ///   - guides: the compiled guides (the example `guides/` folder gives the richest log).
    ///   - seed: the seed; the same seed gives the same log.
    ///   - start: when the log starts.
    ///   - days: how many days it covers.
    package init(_ guides: CompiledGuideSet, seed: UInt64, start: Date, days: Int) {
        self.guides = guides
        self.selector = Selector(guides)
        self.machine = GuideStateMachine(guides)
        self.population = PopulationGenerator(seed: seed, now: start)
        self.random = SplitMix64(seed: seed ^ 0x5EED_0F_E7E7)
        self.start = start
        self.days = max(1, days)
    }

    /// Generates the events of `users` users, sorted by time (events of one instant keep their order).
    ///
    /// - Parameter users: how many users.
    /// - Returns: the events.
    package mutating func generate(users: Int) -> [Event] {
        var events: [Event] = []
        for _ in 0..<max(0, users) { events += journey() }
        return events.enumerated()
            .sorted { lhs, rhs in
                lhs.element.event.time != rhs.element.event.time
                    ? lhs.element.event.time < rhs.element.event.time : lhs.offset < rhs.offset
            }
            .map(\.element)
    }

    // MARK: - One user

    private static let day = 86_400.0

    /// One user's events over the whole log.
    private mutating func journey() -> [Event] {
        var state = population.next()
        let end = start.addingTimeInterval(Double(days) * Self.day)
        let isNew = uniform() < 0.5
        var first = start.addingTimeInterval((uniform() * Self.day).rounded())
        if isNew {
            first = start.addingTimeInterval((uniform() * Double(days) * 0.8 * Self.day).rounded())
            state.user["signed_up_at"] = .string(Timestamp.string(from: first))
            state.events = [:]
            state.guides = [:]
            if case .string("trial")? = state.user["plan"] {
                let left = 14 - Int(uniform() * 3)
                state.user["trial_days_left"] = .number(Double(left))
                state.user["trial_ends_at"] = .string(
                    Timestamp.string(from: first.addingTimeInterval(Double(left) * Self.day))
                )
            }
        }
        // A guide left in progress before the log would continue without a start event; the app shows it
        // again as a new show instead, so the log alone rebuilds every show.
        for (id, progress) in state.guides where progress.status == .inProgress {
            state.guides[id]?.status = .snoozed
            state.guides[id]?.snoozedUntil = first
        }
        let platform: String = if case .string(let name)? = state.device["platform"] { name } else { "web" }
        let activity = isNew ? 0.75 : 0.45
        let churnDay = uniform() < 0.3 ? Int(uniform() * Double(days)) : days
        var events: [Event] = []
        var sessionNumber = 0
        var day = 0
        var now = first
        while day < days, day <= churnDay {
            let dayStart = start.addingTimeInterval(Double(day) * Self.day)
            day += 1
            let isFirstDay = dayStart <= first && first < dayStart.addingTimeInterval(Self.day)
            guard isFirstDay || (dayStart > first && uniform() < activity) else { continue }
            let sessions = 1 + (uniform() < 0.3 ? 1 : 0)
            for _ in 0..<sessions {
                sessionNumber += 1
                let session = "s-\(state.id.dropFirst(2))-\(sessionNumber)"
                let opening = isFirstDay ? first : dayStart.addingTimeInterval(((8 + uniform() * 12) * 3_600).rounded())
                now = max(now, opening).addingTimeInterval(60)
                guard now < end else { break }
                if isTrial(state) { tickTrial(&state, now: now) }
                var recorder = SessionContext(user: state.id, session: session, platform: platform)
                let actions = 3 + Int(uniform() * 10)
                for index in 0..<actions {
                    guard now < end else { break }
                    let activity = nextActivity(state, platform: platform, isFirst: index == 0)
                    play(activity, state: &state, now: &now, end: end, context: &recorder)
                    now = now.addingTimeInterval((20 + uniform() * 240).rounded())
                }
                events += recorder.events
            }
        }
        return events
    }

    private struct SessionContext {
        var user: String
        var session: String
        var platform: String
        var events: [Event] = []

        mutating func record(_ tracked: [TrackedGuideEvent]) {
            for event in tracked {
                events.append(Event(user: user, event: event, session: session, platform: platform))
            }
        }
    }

    private enum Activity {
        case visit(String)
        case event(String)
        case launch(String)
    }

    private mutating func nextActivity(_ state: UserState, platform: String, isFirst: Bool) -> Activity {
        let project = "p\(Int(uniform() * 8) + 1)"
        if isFirst {
            if platform == "ios" || platform == "android", uniform() < 0.7 { return .event("mobile_app_opened") }
            return .visit(uniform() < 0.6 ? "/home" : "/projects")
        }
        let isGuest: Bool = if case .string("guest")? = state.user["role"] { true } else { false }
        let roll = uniform()
        switch roll {
        case ..<0.14: return .visit("/home")
        case ..<0.28: return .visit("/projects")
        case ..<0.52: return .visit("/projects/\(project)/board")
        case ..<0.60: return .visit("/projects/\(project)/list")
        case ..<0.62: return .visit("/settings/members")
        case ..<0.64: return .visit("/settings/integrations")
        case ..<0.65: return .visit("/settings/billing")
        case ..<0.73: return .event("task_created")
        case ..<0.83: return .event("task_completed")
        case ..<0.86: return isGuest ? .event("task_created") : .event("project_created")
        case ..<0.88: return .event("due_date_set")
        case ..<0.90: return .event("timeline_opened")
        case ..<0.92: return .launch("keyboard-shortcuts")
        case ..<0.93: return .event("automation_created")
        default: return .visit("/projects/\(project)/board")
        }
    }

    /// Plays one activity: records it, selects, shows what is selected and lets the user react.
    private mutating func play(
        _ activity: Activity,
        state: inout UserState,
        now: inout Date,
        end: Date,
        context: inout SessionContext
    ) {
        var event: String?
        var launch: String?
        switch activity {
        case .visit(let path):
            context.record((try? machine.apply(.visit(path), to: &state, at: now)) ?? [])
            if path.hasSuffix("/board") {
                context.record((try? machine.apply(.event("board_viewed"), to: &state, at: now)) ?? [])
            }
        case .event(let name):
            event = name
            context.record((try? machine.apply(.event(name), to: &state, at: now)) ?? [])
        case .launch(let id):
            launch = id
        }
        var rounds = 0
        while rounds < 12, now < end {
            rounds += 1
            state.now = now
            let selection = selector.select(
                for: state,
                in: SelectionContext(page: state.page?.path, event: event, launch: launch, now: now)
            )
            event = nil
            launch = nil
            for holdout in selection.decision.holdouts {
                holdouts[holdout.guideID, default: [:]][holdout.variant, default: []].insert(state.id)
            }
            let decision = selection.decision
            guard let id = decision.guideID, let step = decision.step else { return }
            context.record(
                (try? machine.apply(.show(guide: id, step: step.id, variant: decision.variant), to: &state, at: now))
                    ?? []
            )
            now = now.addingTimeInterval((3 + uniform() * 40).rounded())
            guard react(to: id, state: &state, now: now, context: &context) else { return }
            now = now.addingTimeInterval((2 + uniform() * 20).rounded())
        }
    }

    /// The user's reaction to the step of `id` on screen; `false` when they leave it (abandon it for now).
    private mutating func react(
        to id: String,
        state: inout UserState,
        now: Date,
        context: inout SessionContext
    ) -> Bool {
        guard let compiled = guides[id], let progress = state.guides[id], progress.status == .inProgress,
            let step = compiled.steps(for: progress.variant).first(where: { $0.step.id.value == progress.step })?.step
        else { return false }
        if uniform() < 0.09 { return false }
        var action: GuideAction?
        if let advance = step.advanceOn, uniform() < 0.72 {
            switch advance.kind {
            case .event(let name): action = .event(name.value)
            case .page(let glob):
                action = .visit(
                    glob.replacingOccurrences(of: "**", with: "p1").replacingOccurrences(of: "*", with: "p1")
                )
            case .click(let selector): action = .click(selector, guide: id)
            }
        } else if step.kind.value == .survey || step.kind.value == .checklist, uniform() < 0.6 {
            action = .completeStep(guide: id)
        } else if !step.buttons.isEmpty {
            let weighted = step.buttons.map { button -> (Button, Int) in
                switch button.action {
                case .next: (button, 70)
                case .complete: (button, 80)
                case .goto: (button, 12)
                case .back: (button, 4)
                case .snooze: (button, 9)
                case .dismiss: (button, 8)
                case .url: (button, 30)
                }
            }
            let button = pick(weighted)
            if case .url = button.action { return false }
            action = .click(button.label.value, guide: id)
        } else if step.advanceOn == nil {
            action = .next(guide: id)
        }
        guard let action else { return false }
        guard let events = try? machine.apply(action, to: &state, at: now) else { return false }
        context.record(events)
        return true
    }

    private func isTrial(_ state: UserState) -> Bool {
        if case .string("trial")? = state.user["plan"] { return true }
        return false
    }

    /// Keeps `trial_days_left` in step with the clock.
    private func tickTrial(_ state: inout UserState, now: Date) {
        guard case .string(let text)? = state.user["trial_ends_at"], let ends = Timestamp.date(parsing: text) else {
            return
        }
        state.user["trial_days_left"] = .number(max(0, (ends.timeIntervalSince(now) / Self.day).rounded(.down)))
    }

    private mutating func uniform() -> Double { random.uniform() }

    private mutating func pick<T>(_ choices: [(T, Int)]) -> T { random.pick(choices) }
}
