import Foundation

/// Renders a report as one self-contained HTML file.
///
/// Inline CSS and SVG, no scripts, fonts or network requests. An overview of every guide first (started,
/// finished, worst step, dismissed, goal), then the comparisons and experiments, then per guide version a
/// funnel chart (dismissals drawn on the bars, optional steps marked) and the step table with titles, and
/// the input summary.
package struct HTMLRenderer: Sendable {
    /// The page title.
    package var title: String

    /// Creates a renderer.
    package init(title: String = "GuideKit drop-off report") {
        self.title = title
    }

    /// The report as an HTML document.
    package func render(_ report: DropOffReport) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header><h1>\(escape(title))</h1>
            <p class="meta">as of \(escape(report.asOf.map(Timestamp.string(fromSeconds:)) ?? "–")) · window \
            \(escape(ReportFormatting.window(report.windowSeconds))) · by \(escape(report.breakdown)) · \
            \(ReportFormatting.count(report.input.events)) events</p></header>
            <main>

            """
        if report.guides.isEmpty { out += "<p class=\"empty\">No guide events to report.</p>\n" }
        if !report.guides.isEmpty { out += overview(report) }
        for comparison in report.comparisons { out += section(comparison) }
        for experiment in report.experiments { out += section(experiment) }
        for (position, guide) in report.guides.enumerated() { out += section(guide, anchor: "g\(position)") }
        out += inputSection(report)
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    private func section(_ guide: GuideVersionReport, anchor: String) -> String {
        typealias F = ReportFormatting
        var out = "<section class=\"guide\" id=\"\(anchor)\">\n"
        out += "<h2>\(escape(guide.label)) <span class=\"muted\">\(escape(guide.name))</span></h2>\n"
        let sourceClass = guide.orderSource == .matchedById ? "warn" : "muted"
        out +=
            "<p class=\"\(sourceClass)\">step order: \(escape(guide.orderSource.rawValue)) (\(escape(guide.orderOrigin)))"
            + (guide.stepVariant.map { "; the steps of variant \(escape($0))" } ?? "") + "</p>\n"
        out += "<div class=\"cards\">"
        out += card("started", F.count(guide.started), "")
        out += card("finished", F.count(guide.finished), F.percent(guide.completion.value) + interval(guide.completion))
        out += card("no step shown", F.count(guide.noStepShown), "render failures")
        out += card("dismissed", F.count(guide.dismissed), "")
        out += card(
            "time to finish",
            F.duration(guide.timeToFinish.median),
            "p90 " + F.duration(guide.timeToFinish.p90)
        )
        if let goal = guide.goal {
            let rate = goal.converted
            out += card(
                "goal: \(goal.label)",
                rate.map { F.percent($0.value) } ?? "not measured",
                rate.map { "\(F.count($0.count)) of \(F.count($0.of))" + interval($0) }
                    ?? "no product events in the log"
            )
        }
        out += "</div>\n"
        out += funnel(guide)
        // "not shown" (with its reasons) only for a guide version where some step was not shown.
        let hasNotShown = guide.steps.contains { !$0.notShown.isEmpty }
        out += "<table class=\"steps\"><thead><tr><th>#</th><th>step</th><th>reached</th><th>completed</th>"
        out += "<th>dropped</th><th>in progress</th>"
        if hasNotShown {
            out += "<th title=\"the step was not shown: its target never appeared on the page\">not shown</th>"
        }
        out += "<th>drop-off</th><th>dismissed</th><th>median</th><th>p90</th></tr></thead><tbody>\n"
        for step in guide.steps {
            let worst = guide.worstStep == step.index
            out += worst ? "<tr class=\"worst\">" : "<tr>"
            out += "<td>\(step.index + 1)</td><td class=\"id\">\(escape(step.id))"
            if let title = step.title { out += " <span class=\"muted\">\(escape(title))</span>" }
            if step.isOptional { out += " " + optionalTag }
            out += "\(worst ? " <span class=\"tag\">worst</span>" : "")</td>"
            out +=
                "<td>\(F.count(step.reached))</td><td>\(F.count(step.completed))</td><td>\(F.count(step.dropped))</td>"
            out += "<td>\(F.count(step.inProgress))</td>"
            if hasNotShown {
                out += "<td class=\"not-shown\">\(escape(TableRenderer.notShownText(step.notShown)))</td>"
            }
            out += "<td title=\"95% CI\(escape(interval(step.dropRate)))\">\(F.percent(step.dropRate.value))</td>"
            out += "<td>\(F.count(step.dismissed))</td>"
            out += "<td>\(F.duration(step.time.median))</td><td>\(F.duration(step.time.p90))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        if !guide.unmappedEvents.isEmpty {
            let list = guide.unmappedEvents.sorted { $0.key < $1.key }.map {
                "\(escape($0.key)) (\(F.count($0.value)))"
            }
            out +=
                "<p class=\"warn\">unmapped events (step not in \(escape(F.orderName(guide)))): \(list.joined(separator: ", "))</p>\n"
        }
        return out + "</section>\n"
    }

    /// The tag of a step some users skip by design.
    var optionalTag: String {
        "<span class=\"tag opt\" title=\"reached by fewer users by design: a when or a branch skips it\">optional</span>"
    }

    func card(_ label: String, _ value: String, _ note: String) -> String {
        "<div class=\"card\"><div class=\"label\">\(escape(label))</div><div class=\"value\">\(escape(value))</div>"
            + "<div class=\"note\">\(escape(note))</div></div>"
    }

    func interval(_ rate: Rate) -> String {
        guard let interval = rate.interval else { return "" }
        return " (\(ReportFormatting.percent(interval.lowerBound))–\(ReportFormatting.percent(interval.upperBound)))"
    }

    /// A horizontal funnel: one bar per step.
    ///
    /// A bar's length is the users who reached the step relative to those who started; the red part dropped
    /// there, the amber part is still in progress, the dark stripe under the bar dismissed the guide there.
    /// An optional step's bar is lighter: fewer users reach it by design, not by dropping.
    private func funnel(_ guide: GuideVersionReport) -> String {
        let width = 1040.0
        let labelWidth = 270.0
        let numberWidth = 300.0
        let barArea = width - labelWidth - numberWidth
        let rowHeight = 30.0
        let height = rowHeight * Double(guide.steps.count + 1) + 10
        let scale = Double(max(guide.started, guide.steps.map(\.reached).max() ?? 0, 1))
        var out = "<svg class=\"funnel\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" "
        out += "aria-label=\"funnel of \(escape(guide.label))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        func bar(
            _ y: Double,
            _ label: String,
            _ total: Int,
            _ dropped: Int,
            _ progress: Int,
            _ text: String,
            _ worst: Bool,
            dismissed: Int = 0,
            isOptional: Bool = false,
            title: String? = nil
        ) {
            let full = barArea * Double(total) / scale
            let droppedWidth = barArea * Double(dropped) / scale
            let progressWidth = barArea * Double(progress) / scale
            out +=
                "<text x=\"\(Int(labelWidth - 8))\" y=\"\(fmt(y + 19))\" text-anchor=\"end\" class=\"\(worst ? "lbl worst" : "lbl")\">"
                + "\(escape(label))\(title.map { "<title>\(escape($0))</title>" } ?? "")</text>\n"
            out +=
                "<rect x=\"\(fmt(labelWidth))\" y=\"\(fmt(y + 5))\" width=\"\(fmt(barArea))\" height=\"20\" class=\"track\"/>\n"
            out +=
                "<rect x=\"\(fmt(labelWidth))\" y=\"\(fmt(y + 5))\" width=\"\(fmt(full))\" height=\"20\" "
                + "class=\"\(isOptional ? "reached optional" : "reached")\"/>\n"
            let dropX = labelWidth + full - droppedWidth
            if dropped > 0 {
                out +=
                    "<rect x=\"\(fmt(dropX))\" y=\"\(fmt(y + 5))\" width=\"\(fmt(droppedWidth))\" height=\"20\" class=\"dropped\"/>\n"
            }
            if progress > 0 {
                out +=
                    "<rect x=\"\(fmt(dropX - progressWidth))\" y=\"\(fmt(y + 5))\" width=\"\(fmt(progressWidth))\" height=\"20\" class=\"progress\"/>\n"
            }
            if dismissed > 0 {
                let dismissedWidth = barArea * Double(dismissed) / scale
                out +=
                    "<rect x=\"\(fmt(labelWidth + full - dismissedWidth))\" y=\"\(fmt(y + 21))\" width=\"\(fmt(dismissedWidth))\" "
                    + "height=\"4\" class=\"dismissed\"/>\n"
            }
            out +=
                "<text x=\"\(fmt(labelWidth + barArea + 10))\" y=\"\(fmt(y + 19))\" class=\"num\">\(escape(text))</text>\n"
        }
        bar(0, "started", guide.started, 0, 0, "\(ReportFormatting.count(guide.started)) started", false)
        for (position, step) in guide.steps.enumerated() {
            var text =
                "\(ReportFormatting.count(step.reached)) reached · \(ReportFormatting.percent(step.dropRate.value)) dropped"
            if step.dismissed > 0 { text += " · \(ReportFormatting.count(step.dismissed)) dismissed" }
            var label = "\(step.index + 1). \(step.id)"
            if let title = step.title { label += " · " + title }
            label = Self.shortened(label, to: 36)
            if step.isOptional { text += " · optional step" }
            bar(
                rowHeight * Double(position + 1),
                label,
                step.reached,
                step.dropped,
                step.inProgress,
                text,
                guide.worstStep == step.index,
                dismissed: step.dismissed,
                isOptional: step.isOptional,
                title: step.title
            )
        }
        out +=
            "</svg>\n<p class=\"legend\"><span class=\"sw reached\"></span>reached <span class=\"sw dropped\"></span>dropped here "
        out += "<span class=\"sw progress\"></span>in progress here <span class=\"sw dismissed\"></span>dismissed here"
        if guide.steps.contains(where: \.isOptional) {
            out += " <span class=\"sw optional\"></span>optional step (some users skip it by design)"
        }
        out += "</p>\n"
        return out
    }

    private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    /// `text`, cut to `limit` characters with an ellipsis.
    static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= max(limit, 8) ? text : String(text.prefix(max(limit, 8) - 1)) + "…"
    }

    private func section(_ comparison: Comparison) -> String {
        typealias F = ReportFormatting
        var out =
            "<section class=\"compare\"><h2>Compare \(escape(comparison.guide)): \(escape(comparison.baseline)) → "
        out +=
            "\(escape(comparison.candidate))</h2>\n<table><thead><tr><th>metric</th><th>\(escape(comparison.baseline))</th>"
        out +=
            "<th>\(escape(comparison.candidate))</th><th>difference</th><th>p</th><th>p (Holm)</th><th></th></tr></thead><tbody>\n"
        for row in comparison.rows {
            let name = row.metric == "completion" ? "completion rate" : "drop-off at \(row.metric)"
            out += row.isSignificant ? "<tr class=\"sig\">" : "<tr>"
            out += "<td class=\"id\">\(escape(name))</td>"
            out +=
                "<td>\(F.percent(row.baseline.value)) <span class=\"muted\">\(F.count(row.baseline.count))/\(F.count(row.baseline.of))</span></td>"
            out +=
                "<td>\(F.percent(row.candidate.value)) <span class=\"muted\">\(F.count(row.candidate.count))/\(F.count(row.candidate.of))</span></td>"
            out +=
                "<td>\(row.difference.map { ($0 >= 0 ? "+" : "") + String(format: "%.1f pts", $0 * 100) } ?? "–")</td>"
            out +=
                "<td>\(row.p.map { String(format: "%.4f", $0) } ?? "–")</td><td>\(row.adjustedP.map { String(format: "%.4f", $0) } ?? "–")</td>"
            out += "<td>\(row.isSignificant ? "significant" : "")</td></tr>\n"
        }
        out +=
            "</tbody></table>" + (comparison.note.map { "<p class=\"warn\">\(escape($0))</p>" } ?? "")
            + "<ul class=\"findings\">" + comparison.findings.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
            + "<p class=\"muted\">Two-proportion z-test; p-values Holm-adjusted over the rows; a difference is reported when p &lt; 0.05.</p></section>\n"
        return out
    }

    private func inputSection(_ report: DropOffReport) -> String {
        typealias F = ReportFormatting
        let input = report.input
        var out =
            "<section class=\"input\"><h2>Input</h2>\n<table><thead><tr><th>file</th><th>format</th><th>bytes</th>"
        out += "<th>lines</th><th>events</th><th>skipped</th></tr></thead><tbody>\n"
        for file in input.files {
            out +=
                "<tr><td class=\"id\">\(escape(file.name))</td><td>\(file.format.rawValue)</td><td>\(F.count(file.bytes))</td>"
            out +=
                "<td>\(F.count(file.lines))</td><td>\(F.count(file.events))</td><td>\(F.count(file.skipped))</td></tr>\n"
        }
        out += "</tbody></table>\n<p>\(F.count(input.events)) events used"
        if input.filteredOut > 0 { out += ", \(F.count(input.filteredOut)) left out by filters" }
        if let range = input.timeRange {
            out +=
                "; \(Timestamp.string(fromSeconds: range.lowerBound)) … \(Timestamp.string(fromSeconds: range.upperBound))"
        }
        out += ".</p>\n"
        if !input.skipped.isEmpty {
            out +=
                "<table><thead><tr><th>skipped</th><th>lines</th><th>why</th><th>first lines</th></tr></thead><tbody>\n"
            for entry in input.skipped {
                let places = entry.first.map {
                    "\(escape($0.file)):\($0.line)\($0.detail.isEmpty ? "" : " " + escape($0.detail))"
                }
                out +=
                    "<tr\(entry.issue.isError ? " class=\"bad\"" : "")><td class=\"id\">\(entry.issue.rawValue)</td><td>\(F.count(entry.count))</td>"
                out +=
                    "<td class=\"id\">\(escape(entry.issue.explanation))</td><td class=\"id\">\(places.joined(separator: "<br>"))</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        for (guide, count) in input.unknownGuides.sorted(by: { $0.key < $1.key }) {
            out +=
                "<p class=\"warn\">unknown guide '\(escape(guide))': \(F.count(count)) events (no guide file with this id)</p>\n"
        }
        for (guide, count) in input.usersInSeveralStepOrders.sorted(by: { $0.key < $1.key }) {
            out +=
                "<p class=\"warn\">\(escape(guide)): \(F.count(count)) users with events in more than one step order (counted in each)</p>\n"
        }
        for problem in input.guideProblems { out += "<p class=\"warn\">\(escape(problem))</p>\n" }
        if input.productEvents > 0 || input.exposures > 0 {
            out +=
                "<p>Read for goals: \(F.count(input.productEvents)) product events, \(F.count(input.exposures)) exposures.</p>\n"
        }
        for name in input.goalsUnread {
            out +=
                "<p class=\"warn\">\(escape(name)): product events and exposures not read (standard input is read once)</p>\n"
        }
        return out + "</section>\n"
    }

    private static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;background:#f6f7f9;margin:0}
        header{background:#1d2430;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
        .meta{margin:4px 0 0;color:#b9c2d0}main{max-width:1100px;margin:0 auto;padding:16px 32px 48px}
        section{background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:16px 20px;margin:18px 0}
        h2{font-size:18px;margin:0 0 6px}.muted{color:#6b7585;font-weight:normal}.warn{color:#a15c00}
        nav ul{columns:2;margin:6px 0;padding-left:18px}nav a{color:#2456d6;text-decoration:none}
        .cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0 6px}
        .card{border:1px solid #e1e5eb;border-radius:6px;padding:8px 12px;min-width:120px}
        .card .label{color:#6b7585;font-size:12px}.card .value{font-size:20px;font-weight:600}.card .note{color:#6b7585;font-size:12px}
        svg.funnel{display:block;margin:8px 0 0;max-width:1040px}.lbl{font-size:13px;fill:#1d2430}.lbl.worst{fill:#c0262d;font-weight:600}
        .num{font-size:12px;fill:#4a5364}.track{fill:#eef1f5}.reached{fill:#5b8def}.dropped{fill:#e0464e}.progress{fill:#f2a93b}
        .legend{font-size:12px;color:#4a5364;margin:2px 0 10px}.sw{display:inline-block;width:11px;height:11px;margin:0 4px 0 10px;vertical-align:-1px}
        .sw.reached{background:#5b8def}.sw.dropped{background:#e0464e}.sw.progress{background:#f2a93b}
        .dismissed{fill:#3b2a5c}.sw.dismissed{background:#3b2a5c}.reached.optional{fill:#a9c2f5}.sw.optional{background:#a9c2f5}
        .tag.opt{background:#6b7585}table.overview td.id a{color:#2456d6;text-decoration:none}ul.findings{margin:6px 0;padding-left:20px}
        table{border-collapse:collapse;width:100%;margin:8px 0;font-variant-numeric:tabular-nums}
        th,td{padding:5px 8px;border-bottom:1px solid #eceff3;text-align:right;white-space:nowrap}
        th{color:#6b7585;font-weight:600;font-size:12px}td.id,th:nth-child(2){text-align:left}td.id{white-space:normal}
        th:first-child{text-align:left}.compare th:first-child,.input th{text-align:left}
        tr.worst td{background:#fdecec}.tag{background:#c0262d;color:#fff;border-radius:3px;font-size:11px;padding:1px 5px}
        tr.sig td{background:#eaf6ec}tr.bad td{color:#a1141b}.empty{font-size:16px;color:#6b7585}
        """
}
