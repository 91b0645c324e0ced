import Foundation

/// A scripted journey: a user, a start time, and timeline lines.
///
/// Each line may say what must be shown after it. `guidekit simulate --timeline` replays a scenario;
/// `guidekit test` checks its expectations.
///
/// ```yaml
/// name: a new admin takes the welcome tour
/// user: ../../examples/users/new-trial-admin.yaml   # or the state inline
/// at: 2026-11-23T09:00:00Z                          # optional; else the user's `now`
/// timeline:
///   - visit: /home
///     expect: {guide: welcome-tour, step: welcome}
///   - click: Show me around
///     expect: {guide: welcome-tour, step: sidebar}
///   - action: dismiss
///     expect: nothing
///   - wait: 2d
///   - event: project_created
/// ```
///
/// A timeline file may also be just the list of lines.
public struct Scenario: Sendable, Hashable {
    /// One line of a timeline.
    public struct Line: Sendable, Hashable {
        /// What the line does.
        public enum Kind: Sendable, Hashable {
            /// The user goes to a page.
            case visit(String)
            /// The app tracks a product event.
            case event(String)
            /// The user acts on the guide on screen.
            case action(Action)
            /// The user clicks a button (by label) or an element (by `advance_on.click` selector).
            case click(String)
            /// The app launches a guide by id.
            case launch(String)
            /// Time passes.
            case wait(GuideDuration)
            /// Nothing happens but the clock (a line with only `at:`) — the guides are selected again.
            case check
        }

        /// A guide action written in a timeline.
        public enum Action: String, Sendable, Hashable, CaseIterable {
            /// Next step.
            case next
            /// Previous step.
            case back
            /// Close for good.
            case dismiss
            /// Put off.
            case snooze
            /// Finish.
            case complete
        }

        /// What must be shown after the line.
        public enum Expectation: Sendable, Hashable {
            /// Nothing is shown.
            case nothing
            /// The guide, and the step, variant, text locale and done checklist items when given (`done`: the
            /// ids of the step's items that are done; every other item must not be).
            case guide(String, step: String?, variant: String?, locale: String?, done: [String]? = nil)

            /// Whether the expectation names a locale.
            public var checksLocale: Bool {
                if case .guide(_, _, _, let locale, _) = self { return locale != nil }
                return false
            }

            /// Whether the expectation names the done checklist items.
            public var checksItems: Bool {
                if case .guide(_, _, _, _, let done) = self { return done != nil }
                return false
            }

            /// `welcome-tour/sidebar`, `welcome-tour`, `nothing`.
            public var summary: String {
                switch self {
                case .nothing: return "nothing"
                case .guide(let id, let step, let variant, let locale, let done):
                    return id + (step.map { "/\($0)" } ?? "") + (variant.map { " [\($0)]" } ?? "")
                        + (locale.map { " (text: \($0))" } ?? "")
                        + (done.map { " (done: \($0.isEmpty ? "none" : $0.joined(separator: ", ")))" } ?? "")
                }
            }
        }

        /// What the line does.
        public var kind: Kind
        /// The absolute time the line happens at, if given.
        public var at: Date?
        /// What must be shown after it.
        public var expectation: Expectation?
        /// Where the line is.
        public var location: SourceLocation
        /// Where the `expect` field is.
        public var expectationLocation: SourceLocation?

        /// The line in words: `visit /home`, `click "Show me around"`.
        public var summary: String {
            switch kind {
            case .visit(let path): return "visit \(path)"
            case .event(let name): return "event \(name)"
            case .action(let action): return "action \(action.rawValue)"
            case .click(let label): return "click \"\(label)\""
            case .launch(let id): return "launch \(id)"
            case .wait(let duration): return "wait \(duration)"
            case .check: return "at"
            }
        }
    }

    /// The scenario's name (the file name when not given).
    public var name: String
    /// The user, inline or read from the file the scenario names.
    public var user: UserState?
    /// The start time; `nil` uses the user's `now`.
    public var start: Date?
    /// The lines, in order.
    public var lines: [Line]
    /// The file.
    public var file: String

    /// Creates a scenario.
    public init(name: String, user: UserState?, start: Date?, lines: [Line], file: String) {
        self.name = name
        self.user = user
        self.start = start
        self.lines = lines
        self.file = file
    }

    /// Whether any line has an expectation.
    public var hasExpectations: Bool { lines.contains { $0.expectation != nil } }
}
