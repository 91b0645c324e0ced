/// The drop-off report: per guide version, who reached each step, who left there and how long it took.
///
/// Definitions are in the DropOffReport article. The report is a plain value; renderers turn it into
/// a terminal table, JSON, CSV or HTML.
public struct DropOffReport: Sendable, Hashable {
    /// One guide version (or one group of it, with `--by`).
    public var guides: [GuideVersionReport]
    /// Comparisons asked for with `--compare`.
    public var comparisons: [Comparison]
    /// Experiments measured from exposure events: each arm's goal conversion, compared with the holdout.
    public var experiments: [ExperimentReport] = []
    /// What was read and what was not used.
    public var input: InputSummary
    /// The moment "now" for the in-progress window (the latest event unless given).
    public var asOf: Double?
    /// The inactivity window in seconds; 0 means no window.
    public var windowSeconds: Int
    /// The breakdown (`version`, `variant` or a property name).
    public var breakdown: String

    /// Creates a report.
    public init(
        guides: [GuideVersionReport],
        comparisons: [Comparison],
        input: InputSummary,
        asOf: Double?,
        windowSeconds: Int,
        breakdown: String
    ) {
        self.guides = guides
        self.comparisons = comparisons
        self.input = input
        self.asOf = asOf
        self.windowSeconds = windowSeconds
        self.breakdown = breakdown
    }
}

/// A proportion with its Wilson 95% interval.
public struct Rate: Sendable, Hashable {
    /// The count of successes.
    public var count: Int
    /// The count of trials.
    public var of: Int
    /// `count / of`, `nil` when `of` is 0.
    public var value: Double?
    /// The Wilson 95% interval, `nil` when `of` is 0.
    public var interval: ClosedRange<Double>?

    /// Creates a rate of `count` out of `of`.
    public init(_ count: Int, of total: Int) {
        self.count = count
        self.of = total
        value = total > 0 ? Double(count) / Double(total) : nil
        interval = Statistics.wilson(successes: count, trials: total)
    }
}

/// A median and 90th percentile of durations in seconds.
public struct Timing: Sendable, Hashable {
    /// How many users the durations come from.
    public var users: Int
    /// The median, `nil` without users.
    public var median: Double?
    /// The 90th percentile, `nil` without users.
    public var p90: Double?
    /// Durations that were negative (clock skew), counted and left out.
    public var skewed: Int

    /// Computes the timing of unsorted durations.
    public init(durations: [Double], skewed: Int) {
        var values = durations
        self = values.withUnsafeMutableBufferPointer { Timing(selectingIn: $0, skewed: skewed) }
    }

    /// The timing of the durations in `buffer`, which are reordered in place.
    init(selectingIn buffer: UnsafeMutableBufferPointer<Double>, skewed: Int) {
        let found = Statistics.quantiles(in: buffer, [0.5, 0.9], as: { $0 })
        users = buffer.count
        median = found[0]
        p90 = found[1]
        self.skewed = skewed
    }

    /// A timing found elsewhere (see ``DurationList/timing(skewed:)``).
    init(users: Int, median: Double?, p90: Double?, skewed: Int) {
        self.users = users
        self.median = median
        self.p90 = p90
        self.skewed = skewed
    }
}

/// The report of one guide version (or one group of it).
public struct GuideVersionReport: Sendable, Hashable {
    /// The guide id.
    public var guide: String
    /// The guide's name.
    public var name: String
    /// The version.
    public var version: Int
    /// The breakdown value (`A`, `ios`), `nil` when not broken down by a property.
    public var group: String?
    /// The A/B variant whose own `steps:` this entry counts against, `nil` for the guide's steps.
    ///
    /// A guide version whose variants bring their own steps is split into one entry per step order met:
    /// runs whose events carry `variant: X`, where X has steps of its own, are counted against X's order;
    /// all other runs against the guide's. See "Variants with their own steps" in the DropOffReport article.
    public var stepVariant: String? = nil
    /// Where the step order came from.
    public var orderSource: StepOrderBook.Source
    /// The file (and commit) the order was read from.
    public var orderOrigin: String
    /// Users with any event of the version.
    public var started: Int
    /// Started users who reached no step.
    public var noStepShown: Int
    /// Users who finished (a guide_completed, or a step_completed of the last step).
    public var finished: Int
    /// finished / started.
    public var completion: Rate
    /// Users who dismissed the guide (at any step or none).
    public var dismissed: Int
    /// From the first guide_started to finishing.
    public var timeToFinish: Timing
    /// The steps in defined order.
    public var steps: [StepReport]
    /// Events naming steps that are not in this version's order, by step id.
    public var unmappedEvents: [String: Int]
    /// The index of the step with the highest drop rate (ties: the earliest), `nil` without drops.
    public var worstStep: Int?
    /// Number of events of this version that were used.
    public var events: Int
    /// The guide's goal and how many reached it, `nil` when the version has no goal.
    public var goal: GoalConversion? = nil

    /// A label such as `welcome-tour v3`, `welcome-tour v3 [variant=B]` or
    /// `board-automations-ab v1 · steps of variant recipe-modal`.
    public var label: String {
        var text = "\(guide) v\(version)"
        if let group { text += " [\(group)]" }
        if let stepVariant { text += " · steps of variant \(stepVariant)" }
        return text
    }
}

/// One step of a guide version.
public struct StepReport: Sendable, Hashable {
    /// Position in the version's order, from 0.
    public var index: Int
    /// The step id.
    public var id: String
    /// Users with a step_viewed or step_completed of the step.
    public var reached: Int
    /// Users with a step_completed of the step.
    public var completed: Int
    /// Users with a guide_dismissed at the step.
    public var dismissed: Int
    /// Users with a guide_snoozed at the step.
    public var snoozed: Int
    /// Users to whom the step was not shown, by reason.
    public var notShown = NotShown()
    /// Users whose furthest step is this one, who did not finish, and whose last event is older than
    /// the window.
    public var dropped: Int
    /// Users who would be dropped here but were active within the window.
    public var inProgress: Int
    /// dropped / reached with its Wilson interval.
    public var dropRate: Rate
    /// Time on the step: first step_completed − first step_viewed.
    public var time: Timing
    /// The step's title in the guide file, when it has one.
    public var title: String? = nil
    /// Whether some users skip the step by design (its own `when`, or a branch jumps over it), so fewer
    /// users reaching it is not a drop.
    public var isOptional = false
}

extension StepReport {
    /// The users to whom a step was not shown, by reason (a user may count under several reasons).
    public struct NotShown: Sendable, Hashable {
        /// Users whose client waited for the step's target (the element it points at) and reported it
        /// missing (`step_target_missing`).
        public var targetMissing = 0

        /// Every reason in a fixed order with its users: its name as the JSON and CSV outputs write it
        /// (`target_missing`), its label for people (`target missing`) and its count.
        public var reasons: [(name: String, label: String, users: Int)] {
            [("target_missing", "target missing", targetMissing)]
        }

        /// Whether no user missed the step for any reason.
        public var isEmpty: Bool { reasons.allSatisfy { $0.users == 0 } }
    }
}

/// What was read and what was not used.
public struct InputSummary: Sendable, Hashable {
    /// One input file.
    public struct File: Sendable, Hashable {
        /// The path, or `-`.
        public var name: String
        /// The format it was read as.
        public var format: EventLogFormat
        /// Its size in bytes.
        public var bytes: Int
        /// Lines read (a CSV header counts).
        public var lines: Int
        /// Valid events (before filters).
        public var events: Int
        /// Lines not used, by any reason.
        public var skipped: Int
    }

    /// Lines of one reason, with the first places.
    public struct Skipped: Sendable, Hashable {
        /// The reason.
        public var issue: InputIssue
        /// How many lines.
        public var count: Int
        /// The first places: file, line and a detail.
        public var first: [Place]
    }

    /// A line in an input file.
    public struct Place: Sendable, Hashable {
        /// The file.
        public var file: String
        /// The 1-based line.
        public var line: Int
        /// What was wrong on it.
        public var detail: String
    }

    /// The files, in the order given.
    public var files: [File]
    /// Lines read.
    public var lines: Int
    /// Valid events used by the report (after filters).
    public var events: Int
    /// Valid events left out by --guide, --since or --until.
    public var filteredOut: Int
    /// Lines not used, by reason.
    public var skipped: [Skipped]
    /// Events of guides not in the guides folder, by guide id.
    public var unknownGuides: [String: Int]
    /// Users counted in more than one step order of the same guide version, by guide version.
    ///
    /// Their events carry variants with different steps, or some carry none; keys are labels such as
    /// `board-automations-ab v1`. Such a user is a run in each order: see "Variants with their own steps" in the DropOffReport article.
    public var usersInSeveralStepOrders: [String: Int] = [:]
    /// Problems reading the guides folder.
    public var guideProblems: [String]
    /// The earliest and latest event time used.
    public var timeRange: ClosedRange<Double>?
    /// Product events (`track` lines) read for goals, and exposure events read for experiments.
    public var productEvents = 0
    /// Exposure events read.
    public var exposures = 0
    /// Inputs that goals and exposures could not be read from (standard input is read once).
    public var goalsUnread: [String] = []

    /// Lines skipped because they were bad input (not counting notes such as other Segment events).
    public var badLines: Int { skipped.filter(\.issue.isError).reduce(0) { $0 + $1.count } }
}

/// A comparison of two versions (or two groups) of a guide.
public struct Comparison: Sendable, Hashable {
    /// One compared proportion.
    public struct Row: Sendable, Hashable {
        /// `completion`, or the step id for a drop rate.
        public var metric: String
        /// The proportion in the first.
        public var baseline: Rate
        /// The proportion in the second.
        public var candidate: Rate
        /// candidate − baseline.
        public var difference: Double?
        /// The z statistic.
        public var z: Double?
        /// The two-sided p-value.
        public var p: Double?
        /// Holm-adjusted p-value over all rows of this comparison.
        public var adjustedP: Double?
        /// Whether the adjusted p-value is below 0.05.
        public var isSignificant: Bool
    }

    /// The guide.
    public var guide: String
    /// The first side (`v3`, or `variant=A` within a version).
    public var baseline: String
    /// The second side.
    public var candidate: String
    /// Completion first, then the drop rate of each step both sides have, in the candidate's order.
    public var rows: [Row]
    /// Set when the two sides' step orders differ (variants with their own steps, or versions that
    /// added or removed steps): which steps could be compared.
    public var note: String? = nil
}
