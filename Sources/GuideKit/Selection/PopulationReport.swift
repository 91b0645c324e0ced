import Foundation

/// What a population simulation counted: per guide, the users each rule and audience clause removed, the
/// eligible users and the users who would be shown it.
public struct PopulationReport: Sendable, Hashable {
    /// The context every user was simulated in.
    public struct Context: Sendable, Hashable {
        /// The page (`nil`: each user's own).
        public var page: String?
        /// The event that just happened.
        public var event: String?
        /// The guide launched by id.
        public var launch: String?
        /// The time (`nil`: each user's own `now`).
        public var now: Date?
    }

    /// One guide's counts.
    public struct GuideCounts: Sendable, Hashable {
        /// The guide's id.
        public var id: String
        /// Its priority.
        public var priority: Int
        /// Users removed by each rule (the first rule that failed for them).
        public var removed: [Verdict.Rule: Int] = [:]
        /// The audience's top-level clauses, as written.
        public var audienceClauses: [String]
        /// Users removed by each audience clause (the first that failed), in clause order.
        public var removedByClause: [Int] = []
        /// Users who passed every rule (shown or outranked).
        public var eligible = 0
        /// Users for whom another guide won.
        public var outranked = 0
        /// Users who would be shown the guide.
        public var shown = 0
        /// Users in progress who would resume it.
        public var resumed = 0

        init(id: String, priority: Int, audienceClauses: [String]) {
            self.id = id
            self.priority = priority
            self.audienceClauses = audienceClauses
            self.removedByClause = Array(repeating: 0, count: audienceClauses.count)
        }

        /// Adds another count of the same guide.
        mutating func add(_ other: GuideCounts) {
            for (rule, count) in other.removed { removed[rule, default: 0] += count }
            for (index, count) in other.removedByClause.enumerated() where removedByClause.indices.contains(index) {
                removedByClause[index] += count
            }
            eligible += other.eligible
            outranked += other.outranked
            shown += other.shown
            resumed += other.resumed
        }

        mutating func count(_ verdict: Verdict, clauses: [String]) {
            switch verdict.outcome {
            case .shown:
                eligible += 1
                shown += 1
                if verdict.resumes { resumed += 1 }
            case .outranked:
                eligible += 1
                outranked += 1
            case .blocked(let block):
                removed[block.rule, default: 0] += 1
                if block.rule == .audience, let clause = block.clause, let index = clauses.firstIndex(of: clause) {
                    removedByClause[index] += 1
                }
            }
        }
    }

    /// The per-guide counts, in file order.
    public var guides: [GuideCounts]
    /// The context.
    public var context: Context
    /// How many users were simulated.
    public var users = 0
    /// How many users would be shown no guide.
    public var nothingShown = 0

    /// Adds the counts of another part of the same population (the same guides, in the same order).
    mutating func add(_ other: PopulationReport) {
        users += other.users
        nothingShown += other.nothingShown
        for (index, counts) in other.guides.enumerated() where guides.indices.contains(index) {
            guides[index].add(counts)
        }
    }

    /// The report as text: a summary table, then each guide's waterfall.
    ///
    /// - Returns: the text, ending with a newline.
    public func renderText() -> String {
        var output = "\(users) users"
        if let page = context.page { output += " on \(page)" } else { output += " on their own pages" }
        if let event = context.event { output += " after \(event)" }
        if let launch = context.launch { output += " launching \(launch)" }
        output += context.now.map { " at \(Timestamp.string(from: $0))" } ?? " at their own times"
        output += "\n\n"
        let width = max(5, guides.map(\.id.count).max() ?? 0)
        output += "guide".padding(toLength: width, withPad: " ", startingAt: 0) + "  priority  eligible     shown\n"
        for guide in guides {
            output +=
                guide.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + Self.right(String(guide.priority), 8) + "  " + Self.right(String(guide.eligible), 8) + "  "
                + Self.right(String(guide.shown), 8) + "\n"
        }
        output +=
            "nothing".padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(repeating: " ", count: 20)
            + Self.right(String(nothingShown), 8) + "\n"
        for guide in guides {
            output += "\n\(guide.id) (priority \(guide.priority))\n"
            var remaining = users
            output += Self.row("users", remaining, total: users)
            for rule in Verdict.Rule.allCases {
                let removed = guide.removed[rule] ?? 0
                guard removed > 0 || rule == .audience else { continue }
                remaining -= removed
                output += Self.row("- \(rule.rawValue)", removed, total: users)
                if rule == .audience {
                    for (clause, count) in zip(guide.audienceClauses, guide.removedByClause) where count > 0 {
                        output += Self.row("    \(clause)", count, total: users)
                    }
                }
            }
            output += Self.row("= eligible", guide.eligible, total: users)
            output += Self.row("- outranked", guide.outranked, total: users)
            output += Self.row("= shown", guide.shown, total: users)
            if guide.resumed > 0 { output += Self.row("  (resumed)", guide.resumed, total: users) }
        }
        return output
    }

    /// The report as JSON.
    ///
    /// - Returns: the JSON text, ending with a newline.
    public func renderJSON() -> String {
        let guideList: [OrderedJSON] = guides.map { guide in
            .object([
                ("guide", .string(guide.id)), ("priority", .integer(guide.priority)), ("users", .integer(users)),
                (
                    "removed",
                    .object(Verdict.Rule.allCases.map { ($0.rawValue, .integer(guide.removed[$0] ?? 0)) })
                ),
                (
                    "audience",
                    .array(
                        zip(guide.audienceClauses, guide.removedByClause).map {
                            .object([("clause", .string($0.0)), ("removed", .integer($0.1))])
                        }
                    )
                ),
                ("eligible", .integer(guide.eligible)), ("outranked", .integer(guide.outranked)),
                ("shown", .integer(guide.shown)), ("resumed", .integer(guide.resumed)),
            ])
        }
        let object: OrderedJSON = .object([
            ("users", .integer(users)), ("nothing_shown", .integer(nothingShown)),
            ("page", .text(context.page)), ("event", .text(context.event)),
            ("now", .text(context.now.map { Timestamp.string(from: $0) })), ("guides", .array(guideList)),
        ])
        return object.rendered() + "\n"
    }

    /// The report as CSV: one row per guide with every rule's removals, then eligible, outranked, shown.
    ///
    /// - Returns: the CSV text, ending with a newline.
    public func renderCSV() -> String {
        let header =
            ["guide", "priority", "users"] + Verdict.Rule.allCases.map { "removed_\($0.rawValue)" }
            + ["eligible", "outranked", "shown", "resumed"]
        var lines = [header.joined(separator: ",")]
        for guide in guides {
            let fields =
                [guide.id, String(guide.priority), String(users)]
                + Verdict.Rule.allCases.map { String(guide.removed[$0] ?? 0) }
                + [String(guide.eligible), String(guide.outranked), String(guide.shown), String(guide.resumed)]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func right(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    private static func row(_ label: String, _ count: Int, total: Int) -> String {
        let share = total == 0 ? 0 : Double(count) / Double(total) * 100
        let percent = String(format: "%5.1f%%", share)
        let shown = label.count > 44 ? String(label.prefix(43)) + "…" : label
        return "  " + shown.padding(toLength: 44, withPad: " ", startingAt: 0) + right(String(count), 9) + "  "
            + percent + "\n"
    }
}
