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
    ///
    /// `count`, `first` and `last` are exact however often the event happens; `times` keeps only the newest
    /// ``keptTimes``, so a state stays small and a new occurrence costs the same after years of use.
    public struct EventSummary: Sendable, Hashable {
        /// How many times `times` keeps at most: the newest 1,000 of an event.
        ///
        /// Keeping every time would let a state grow with each occurrence, and every write of it (a server
        /// stores the whole state after each event) cost time in proportion to the user's history, so a
        /// long-lived user's events would take quadratic time in all. The newest 1,000 decide every
        /// `$performed` window exactly whose `atLeast` is at most 1,000 and whose `atMost` is below 1,000
        /// (see <doc:Targeting>); a state that lists more is read as its newest 1,000.
        public static let keptTimes = 1_000

        /// How many times (0 when never).
        public var count: Int
        /// The first time.
        public var first: Date?
        /// The latest time.
        public var last: Date?
        /// The newest times, newest first, at most ``keptTimes`` of them (for `$performed` windows).
        ///
        /// `nil` when the state keeps no times; fewer than `count` means the older times were not kept.
        public var times: [Date]?

        /// Creates a summary; `times` are sorted newest first and cut to the newest ``keptTimes``.
        ///
        /// When the cut drops times, a `first` not given is the oldest of `times` if they are all `count`
        /// times, and a `last` not given is the newest, so both stay exact.
        public init(count: Int, first: Date? = nil, last: Date? = nil, times: [Date]? = nil) {
            self.count = count
            self.first = first
            self.last = last
            guard let times else {
                self.times = nil
                return
            }
            let sorted = Self.newestFirst(times)
            if sorted.count > Self.keptTimes {
                if first == nil, sorted.count >= count { self.first = sorted.last }
                if last == nil { self.last = sorted.first }
                self.times = Array(sorted.prefix(Self.keptTimes))
            } else {
                self.times = sorted
            }
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
