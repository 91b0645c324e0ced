import Foundation

/// What GuideKit knows about one user when it decides which guide to show: the document every targeting
/// condition is evaluated against.
///
/// ```yaml
/// id: u-42
/// user: {plan: trial, role: admin, signed_up_at: 2026-11-20T09:00:00Z, seats: 3}
/// account: {industry: retail, employees: 40}
/// events:
///   project_created: {count: 2, first: 2026-11-20T10:00:00Z, last: 2026-11-21T08:00:00Z}
/// guides:
///   welcome-tour: {status: completed, step: finish, version: 3, shows: 2}
/// page: {path: /projects/new}
/// device: {type: desktop, os: macOS, app_version: 5.2.0}
/// locale: ja-JP
/// now: 2026-11-23T10:00:00Z
/// ```
///
/// Read one from YAML or JSON with ``init(yaml:file:)`` / ``init(json:file:)``, many with
/// ``UserStateReader``; complete it with ``completed(with:guides:now:)`` and evaluate conditions against
/// its ``document``. <doc:UserState> describes every field.
public struct UserState: Sendable, Hashable {
    /// Where a user is in one guide.
    public enum GuideStatus: String, Sendable, Hashable, CaseIterable {
        /// Never started (the default for every guide the state does not mention).
        case notStarted = "not_started"
        /// Started and not finished.
        case inProgress = "in_progress"
        /// Put off by the user until ``GuideProgress/snoozedUntil``.
        case snoozed
        /// Finished.
        case completed
        /// Closed by the user before finishing.
        case dismissed
    }

    /// How often and when a user performed one product event.
    public struct EventSummary: Sendable, Hashable {
        /// How many times (0 when never).
        public var count: Int
        /// The first time.
        public var first: Date?
        /// The latest time.
        public var last: Date?
        /// Every time, newest first, when the state keeps them (needed for exact `$performed` windows).
        public var times: [Date]?

        /// Creates a summary; `times` are sorted newest first.
        public init(count: Int, first: Date? = nil, last: Date? = nil, times: [Date]? = nil) {
            self.count = count
            self.first = first
            self.last = last
            self.times = times?.sorted(by: >)
        }
    }

    /// A user's progress in one guide.
    public struct GuideProgress: Sendable, Hashable {
        /// Where the user is.
        public var status: GuideStatus
        /// The current or last step's id.
        public var step: String?
        /// The guide version the user saw.
        public var version: Int?
        /// The rollout variant the user is in.
        public var variant: String?
        /// How many times the guide was started for the user.
        public var shows: Int
        /// When it was last shown.
        public var lastShown: Date?
        /// When the user started it.
        public var startedAt: Date?
        /// When the user completed it.
        public var completedAt: Date?
        /// Until when it is snoozed.
        public var snoozedUntil: Date?

        /// Creates progress; a guide never seen is `not_started` with no shows.
        public init(
            status: GuideStatus = .notStarted,
            step: String? = nil,
            version: Int? = nil,
            variant: String? = nil,
            shows: Int = 0,
            lastShown: Date? = nil,
            startedAt: Date? = nil,
            completedAt: Date? = nil,
            snoozedUntil: Date? = nil
        ) {
            self.status = status
            self.step = step
            self.version = version
            self.variant = variant
            self.shows = shows
            self.lastShown = lastShown
            self.startedAt = startedAt
            self.completedAt = completedAt
            self.snoozedUntil = snoozedUntil
        }
    }

    /// The page the user is on.
    public struct Page: Sendable, Hashable {
        /// The path (`/projects/new`), matched by `$glob` and by guide triggers.
        public var path: String?
        /// The full URL.
        public var url: String?

        /// Creates a page.
        public init(path: String? = nil, url: String? = nil) {
            self.path = path
            self.url = url
        }
    }

    /// The stable user id, also the input of rollout bucketing.
    public var id: String
    /// User attributes (`user.<name>`), as the catalog declares them.
    public var user: [String: Value]
    /// Account attributes (`account.<name>`).
    public var account: [String: Value]
    /// Product events by name.
    public var events: [String: EventSummary]
    /// Guide progress by guide id.
    public var guides: [String: GuideProgress]
    /// The current page.
    public var page: Page?
    /// The device (`type`, `os`, `app_version`, …).
    public var device: [String: Value]
    /// The user's locale (`ja-JP`).
    public var locale: String?
    /// The evaluation time; the clock when absent.
    public var now: Date?

    /// Creates a state; everything but the id defaults to empty.
    public init(
        id: String,
        user: [String: Value] = [:],
        account: [String: Value] = [:],
        events: [String: EventSummary] = [:],
        guides: [String: GuideProgress] = [:],
        page: Page? = nil,
        device: [String: Value] = [:],
        locale: String? = nil,
        now: Date? = nil
    ) {
        self.id = id
        self.user = user
        self.account = account
        self.events = events
        self.guides = guides
        self.page = page
        self.device = device
        self.locale = locale
        self.now = now
    }

    /// The top-level keys of a state document, in schema order.
    public static let fields = ["id", "user", "account", "events", "guides", "page", "device", "locale", "now"]
}
