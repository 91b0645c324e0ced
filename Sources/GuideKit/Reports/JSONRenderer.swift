/// Renders a report as JSON with stable, documented keys (see the DropOffReport article).
///
/// Keys are snake_case and always present; absent numbers are `null`. Numbers print in Swift's
/// shortest round-trip form, so a value read back is exactly the value computed.
package struct JSONRenderer: Sendable {
    /// Creates a renderer.
    package init() {}

    /// The report as pretty-printed JSON, ending with a newline.
    package func render(_ report: DropOffReport) -> String {
        var out = ""
        write(root(report), indent: 0, into: &out)
        return out + "\n"
    }

    /// An ordered JSON value.
    indirect enum Node {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double?)
        case string(String?)
        case array([Node])
        case object([(String, Node)])
    }

    private func root(_ report: DropOffReport) -> Node {
        .object([
            ("as_of", .string(report.asOf.map(Timestamp.string(fromSeconds:)))),
            ("window_s", .int(report.windowSeconds)),
            ("breakdown", .string(report.breakdown)),
            ("guides", .array(report.guides.map(guide))),
            ("comparisons", .array(report.comparisons.map(comparison))),
            ("experiments", .array(report.experiments.map(experiment))),
            ("input", input(report.input)),
        ])
    }

    private func guide(_ guide: GuideVersionReport) -> Node {
        .object([
            ("guide", .string(guide.guide)),
            ("name", .string(guide.name)),
            ("version", .int(guide.version)),
            ("group", .string(guide.group)),
            ("step_variant", .string(guide.stepVariant)),
            (
                "step_order",
                .object([("source", .string(guide.orderSource.rawValue)), ("origin", .string(guide.orderOrigin))])
            ),
            ("events", .int(guide.events)),
            ("started", .int(guide.started)),
            ("no_step_shown", .int(guide.noStepShown)),
            ("finished", .int(guide.finished)),
            ("dismissed", .int(guide.dismissed)),
            ("completion_rate", .double(guide.completion.value)),
            ("completion_ci95", interval(guide.completion)),
            ("time_to_finish", timing(guide.timeToFinish)),
            ("worst_step", .string(guide.worstStep.map { guide.steps[$0].id })),
            (
                "unmapped_events",
                .object(guide.unmappedEvents.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
            ),
            ("goal", guide.goal.map(goal) ?? .null),
            ("steps", .array(guide.steps.map(step))),
        ])
    }

    private func goal(_ goal: GoalConversion) -> Node {
        .object([
            ("event", .string(goal.event)),
            ("within_s", goal.withinSeconds.map { .int($0) } ?? .null),
            ("reached", goal.converted.map { .int($0.count) } ?? .null),
            ("of", goal.converted.map { .int($0.of) } ?? .null),
            ("rate", .double(goal.converted?.value)),
            ("ci95", goal.converted.map(interval) ?? .null),
            ("window_open", .int(goal.open)),
        ])
    }

    private func experiment(_ experiment: ExperimentReport) -> Node {
        .object([
            ("guide", .string(experiment.guide)),
            ("version", .int(experiment.version)),
            ("goal", .string(experiment.goal)),
            ("holdout", .string(experiment.holdout)),
            (
                "arms",
                .array(
                    experiment.arms.map { arm in
                        .object([
                            ("variant", .string(arm.variant)),
                            ("holdout", .bool(arm.isHoldout)),
                            ("exposed", .int(arm.exposed)),
                            ("reached_goal", arm.converted.map { .int($0.count) } ?? .null),
                            ("rate", .double(arm.converted?.value)),
                            ("ci95", arm.converted.map(interval) ?? .null),
                            ("window_open", .int(arm.open)),
                        ])
                    }
                )
            ),
            ("comparisons", .array(experiment.comparisons.map(comparison))),
        ])
    }

    private func step(_ step: StepReport) -> Node {
        .object([
            ("index", .int(step.index)),
            ("step", .string(step.id)),
            ("title", .string(step.title)),
            ("optional", .bool(step.isOptional)),
            ("reached", .int(step.reached)),
            ("completed", .int(step.completed)),
            ("dismissed", .int(step.dismissed)),
            ("snoozed", .int(step.snoozed)),
            ("not_shown", .object(step.notShown.reasons.map { ($0.name, .int($0.users)) })),
            ("dropped", .int(step.dropped)),
            ("in_progress", .int(step.inProgress)),
            ("drop_rate", .double(step.dropRate.value)),
            ("drop_rate_ci95", interval(step.dropRate)),
            ("median_s", .double(step.time.median)),
            ("p90_s", .double(step.time.p90)),
            ("timed_users", .int(step.time.users)),
            ("clock_skew", .int(step.time.skewed)),
        ])
    }

    private func timing(_ timing: Timing) -> Node {
        .object([
            ("users", .int(timing.users)),
            ("median_s", .double(timing.median)),
            ("p90_s", .double(timing.p90)),
            ("clock_skew", .int(timing.skewed)),
        ])
    }

    private func interval(_ rate: Rate) -> Node {
        guard let interval = rate.interval else { return .null }
        return .array([.double(interval.lowerBound), .double(interval.upperBound)])
    }

    private func comparison(_ comparison: Comparison) -> Node {
        .object([
            ("guide", .string(comparison.guide)),
            ("baseline", .string(comparison.baseline)),
            ("candidate", .string(comparison.candidate)),
            ("note", .string(comparison.note)),
            ("findings", .array(comparison.findings.map { .string($0) })),
            (
                "rows",
                .array(
                    comparison.rows.map { row in
                        .object([
                            ("metric", .string(row.metric)),
                            ("baseline", rate(row.baseline)),
                            ("candidate", rate(row.candidate)),
                            ("difference", .double(row.difference)),
                            ("z", .double(row.z)),
                            ("p", .double(row.p)),
                            ("p_holm", .double(row.adjustedP)),
                            ("significant", .bool(row.isSignificant)),
                        ])
                    }
                )
            ),
        ])
    }

    private func rate(_ rate: Rate) -> Node {
        .object([
            ("count", .int(rate.count)), ("of", .int(rate.of)), ("rate", .double(rate.value)), ("ci95", interval(rate)),
        ])
    }

    private func input(_ input: InputSummary) -> Node {
        .object([
            (
                "files",
                .array(
                    input.files.map { file in
                        .object([
                            ("name", .string(file.name)),
                            ("format", .string(file.format.rawValue)),
                            ("bytes", .int(file.bytes)),
                            ("lines", .int(file.lines)),
                            ("events", .int(file.events)),
                            ("skipped", .int(file.skipped)),
                        ])
                    }
                )
            ),
            ("lines", .int(input.lines)),
            ("events", .int(input.events)),
            ("filtered_out", .int(input.filteredOut)),
            ("from", .string(input.timeRange.map { Timestamp.string(fromSeconds: $0.lowerBound) })),
            ("to", .string(input.timeRange.map { Timestamp.string(fromSeconds: $0.upperBound) })),
            (
                "skipped",
                .array(
                    input.skipped.map { entry in
                        .object([
                            ("reason", .string(entry.issue.rawValue)),
                            ("is_error", .bool(entry.issue.isError)),
                            ("count", .int(entry.count)),
                            ("explanation", .string(entry.issue.explanation)),
                            (
                                "first",
                                .array(
                                    entry.first.map {
                                        .object([
                                            ("file", .string($0.file)), ("line", .int($0.line)),
                                            ("detail", .string($0.detail)),
                                        ])
                                    }
                                )
                            ),
                        ])
                    }
                )
            ),
            (
                "unknown_guides",
                .object(input.unknownGuides.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
            ),
            (
                "users_in_several_step_orders",
                .object(input.usersInSeveralStepOrders.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
            ),
            ("guide_problems", .array(input.guideProblems.map { .string($0) })),
            ("product_events", .int(input.productEvents)),
            ("exposures", .int(input.exposures)),
            ("goals_unread", .array(input.goalsUnread.map { .string($0) })),
        ])
    }

    private func write(_ node: Node, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch node {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value):
            if let value, value.isFinite { out += "\(value)" } else { out += "null" }
        case .string(let value):
            if let value { out += Self.quoted(value) } else { out += "null" }
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            if items.allSatisfy(\.isScalar) {
                out += "["
                for (position, item) in items.enumerated() {
                    if position > 0 { out += ", " }
                    write(item, indent: indent + 1, into: &out)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (position, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 1, into: &out)
                out += position < items.count - 1 ? ",\n" : "\n"
            }
            out += closePad + "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (position, (key, value)) in members.enumerated() {
                out += pad + Self.quoted(key) + ": "
                write(value, indent: indent + 1, into: &out)
                out += position < members.count - 1 ? ",\n" : "\n"
            }
            out += closePad + "}"
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        JSONString.quoted(text)
    }
}

extension JSONRenderer.Node {
    fileprivate var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}
