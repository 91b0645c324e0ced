import Foundation

/// Renders a report as a terminal table: per guide version a summary line and one row per step, the
/// worst step marked, then the comparison and the input summary.
package struct TableRenderer: Sendable {
    /// Whether to use ANSI colours (only on a terminal).
    package var usesColor: Bool

    /// Creates a renderer.
    package init(usesColor: Bool = false) {
        self.usesColor = usesColor
    }

    /// The report as text.
    package func render(_ report: DropOffReport) -> String {
        var out = ""
        if report.guides.isEmpty {
            out += "No guide events to report.\n"
        }
        for guide in report.guides {
            out += section(guide)
            out += "\n"
        }
        for comparison in report.comparisons {
            out += self.comparison(comparison)
            out += "\n"
        }
        for experiment in report.experiments {
            out += self.experiment(experiment)
            out += "\n"
        }
        out += footer(report)
        return out
    }

    private func bold(_ text: String) -> String { usesColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func red(_ text: String) -> String { usesColor ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
    private func dim(_ text: String) -> String { usesColor ? "\u{1B}[2m\(text)\u{1B}[0m" : text }

    private func section(_ guide: GuideVersionReport) -> String {
        typealias F = ReportFormatting
        var out = bold("\(guide.label)  \(guide.name)") + "\n"
        var order = "  step order: \(guide.orderSource.rawValue) (\(guide.orderOrigin))"
        if guide.orderSource == .matchedById {
            order = "  step order: NOT FOUND for v\(guide.version): matched by id onto the current order"
        }
        if let variant = guide.stepVariant { order += "; the steps of variant \(variant)" }
        out += dim(order) + "\n"
        let completion = guide.completion
        var summary = "  started \(F.count(guide.started)) · no step shown \(F.count(guide.noStepShown))"
        summary += " · finished \(F.count(guide.finished)) (\(F.percent(completion.value))"
        if let interval = completion.interval {
            summary += ", 95% CI \(F.percent(interval.lowerBound))–\(F.percent(interval.upperBound))"
        }
        summary += ") · dismissed \(F.count(guide.dismissed))"
        out += summary + "\n"
        let finish = guide.timeToFinish
        out += "  time to finish: median \(F.duration(finish.median)), p90 \(F.duration(finish.p90))"
        out += " (\(F.count(finish.users)) users\(finish.skewed > 0 ? ", \(finish.skewed) clock skew" : ""))\n"
        if let goal = guide.goal { out += "  goal \(goal.label): \(Self.goalText(goal.converted, open: goal.open))\n" }

        // "not shown" (with its reasons) only for a guide version where some step was not shown.
        let hasNotShown = guide.steps.contains { !$0.notShown.isEmpty }
        var header = ["#", "step", "reached", "completed", "dropped", "in progress", "drop-off", "", "median", "p90"]
        if hasNotShown { header.insert("not shown", at: 6) }
        var rows: [[String]] = []
        for step in guide.steps {
            let isWorst = guide.worstStep == step.index
            var row = [
                String(step.index + 1),
                step.id + (step.isOptional ? " (optional)" : ""),
                F.count(step.reached),
                F.count(step.completed),
                F.count(step.dropped),
                F.count(step.inProgress),
                F.percent(step.dropRate.value),
                F.bar(step.dropRate.value, width: 10) + (isWorst ? " ◀ worst" : ""),
                F.duration(step.time.median),
                F.duration(step.time.p90),
            ]
            if hasNotShown { row.insert(Self.notShownText(step.notShown), at: 6) }
            rows.append(row)
        }
        let rightAligned: Set<Int> = hasNotShown ? [0, 2, 3, 4, 5, 6, 7, 9, 10] : [0, 2, 3, 4, 5, 6, 8, 9]
        var widths = header.map(\.count)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        func line(_ cells: [String]) -> String {
            var text = "  "
            for (column, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                text += rightAligned.contains(column) ? pad + cell : cell + pad
                if column < cells.count - 1 { text += "  " }
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        out += dim(line(header)) + "\n"
        for (position, row) in rows.enumerated() {
            let text = line(row)
            out += (guide.worstStep == position ? red(text) : text) + "\n"
        }
        let skew = guide.steps.reduce(0) { $0 + $1.time.skewed }
        if skew > 0 { out += dim("  \(skew) step time(s) skipped for clock skew (completed before viewed)") + "\n" }
        if !guide.unmappedEvents.isEmpty {
            let list = guide.unmappedEvents.sorted { $0.key < $1.key }.map { "\($0.key) (\(F.count($0.value)))" }
            out +=
                "  unmapped events (step not in \(ReportFormatting.orderName(guide))): " + list.joined(separator: ", ")
                + "\n"
        }
        return out
    }

    /// A step's users not shown with their reasons (`2 target missing`), or `0`.
    static func notShownText(_ notShown: StepReport.NotShown) -> String {
        let parts = notShown.reasons.filter { $0.users > 0 }.map { "\(ReportFormatting.count($0.users)) \($0.label)" }
        return parts.isEmpty ? "0" : parts.joined(separator: ", ")
    }

    private func comparison(_ comparison: Comparison) -> String {
        typealias F = ReportFormatting
        var out = bold("Compare \(comparison.guide): \(comparison.baseline) → \(comparison.candidate)") + "\n"
        var rows = [["metric", comparison.baseline, comparison.candidate, "difference", "p", "p (Holm)", ""]]
        for row in comparison.rows {
            let name = row.metric == "completion" ? "completion rate" : "drop-off at \(row.metric)"
            rows.append([
                name,
                "\(F.percent(row.baseline.value)) (\(F.count(row.baseline.count))/\(F.count(row.baseline.of)))",
                "\(F.percent(row.candidate.value)) (\(F.count(row.candidate.count))/\(F.count(row.candidate.of)))",
                row.difference.map { ($0 >= 0 ? "+" : "") + String(format: "%.1f pts", $0 * 100) } ?? "–",
                row.p.map { String(format: "%.4f", $0) } ?? "–",
                row.adjustedP.map { String(format: "%.4f", $0) } ?? "–",
                row.isSignificant ? "significant" : "",
            ])
        }
        var widths = rows[0].map { _ in 0 }
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        for (position, row) in rows.enumerated() {
            var text = "  "
            for (column, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                text += (column == 0 || column == 6 ? cell + pad : pad + cell) + "  "
            }
            while text.hasSuffix(" ") { text.removeLast() }
            out += (position == 0 ? dim(text) : text) + "\n"
        }
        if let note = comparison.note { out += "  \(note)\n" }
        for finding in comparison.findings { out += "  → \(finding)\n" }
        out +=
            dim("  two-proportion z-test; p (Holm) adjusted over the rows above; a difference is reported below 0.05")
            + "\n"
        return out
    }

    /// `120 of 400 (30.0%, 95% CI 25.8%–34.6%); 12 still within the window`, or why it is not measured.
    static func goalText(_ rate: Rate?, open: Int, of noun: String = "") -> String {
        typealias F = ReportFormatting
        guard let rate else { return "not measured (the log has no product events; see the Events article)" }
        var text = "\(F.count(rate.count)) of \(F.count(rate.of))\(noun) (\(F.percent(rate.value))"
        if let interval = rate.interval {
            text += ", 95% CI \(F.percent(interval.lowerBound))–\(F.percent(interval.upperBound))"
        }
        text += ")"
        if open > 0 { text += "; \(F.count(open)) still within the window" }
        return text
    }

    private func experiment(_ experiment: ExperimentReport) -> String {
        typealias F = ReportFormatting
        var out = bold("Experiment \(experiment.label): goal \(experiment.goal ?? "none"), by exposure") + "\n"
        for arm in experiment.arms {
            let name = arm.variant + (arm.isHoldout ? " (holdout)" : "")
            let goal = experiment.goal == nil ? "" : ": " + Self.goalText(arm.converted, open: arm.open)
            out += "  \(name): \(F.count(arm.exposed)) exposed\(goal)\n"
        }
        for comparison in experiment.comparisons {
            for finding in comparison.findings { out += "  → \(finding)\n" }
        }
        if experiment.holdout == nil {
            out += dim("  no holdout in the rollout: the arms are listed, not compared") + "\n"
        } else if !experiment.comparisons.isEmpty {
            out += dim("  two-proportion z-test against the holdout; p Holm-adjusted over the arms") + "\n"
        }
        return out
    }

    private func footer(_ report: DropOffReport) -> String {
        typealias F = ReportFormatting
        let input = report.input
        var out = dim("Input") + "\n"
        for file in input.files {
            out +=
                "  \(file.name): \(F.count(file.lines)) lines, \(F.count(file.events)) events, \(F.count(file.skipped)) skipped\n"
        }
        out += "  \(F.count(input.events)) events used"
        if input.filteredOut > 0 { out += ", \(F.count(input.filteredOut)) left out by filters" }
        if let range = input.timeRange {
            out +=
                "; \(Timestamp.string(fromSeconds: range.lowerBound)) … \(Timestamp.string(fromSeconds: range.upperBound))"
        }
        out += "\n"
        out +=
            "  as of \(report.asOf.map(Timestamp.string(fromSeconds:)) ?? "–"), window \(F.window(report.windowSeconds))"
        out += report.windowSeconds == 0 ? " (everyone unfinished counts as dropped)\n" : "\n"
        for entry in input.skipped {
            let label =
                entry.issue.isError
                ? red("  skipped \(F.count(entry.count)) × \(entry.issue.rawValue)")
                : "  noted \(F.count(entry.count)) × \(entry.issue.rawValue)"
            out += label + ": \(entry.issue.explanation)\n"
            for place in entry.first {
                out += "    \(place.file):\(place.line)" + (place.detail.isEmpty ? "" : ": \(place.detail)") + "\n"
            }
        }
        for (guide, count) in input.unknownGuides.sorted(by: { $0.key < $1.key }) {
            out += "  unknown guide '\(guide)': \(F.count(count)) events (no guide file with this id)\n"
        }
        for (guide, count) in input.usersInSeveralStepOrders.sorted(by: { $0.key < $1.key }) {
            out += "  \(guide): \(F.count(count)) users with events in more than one step order (counted in each)\n"
        }
        for problem in input.guideProblems { out += "  \(problem)\n" }
        if input.productEvents > 0 || input.exposures > 0 {
            out +=
                "  read for goals: \(F.count(input.productEvents)) product events, \(F.count(input.exposures)) exposures\n"
        }
        for name in input.goalsUnread {
            out += "  \(name): product events and exposures not read (standard input is read once)\n"
        }
        return out
    }
}
