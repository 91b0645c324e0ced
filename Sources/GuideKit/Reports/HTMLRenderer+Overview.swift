import Foundation

// The HTML report's overview (every guide at a glance, first) and its experiment sections.
extension HTMLRenderer {
    /// One row per guide version (and group): started, finished with its interval, the worst step with its
    /// title and drop-off, dismissed, and the goal when the guide has one; each row links to its section.
    func overview(_ report: DropOffReport) -> String {
        typealias F = ReportFormatting
        let hasGoals = report.guides.contains { $0.goal != nil }
        var out = "<section class=\"overview\"><h2>Overview</h2>\n<table class=\"overview\"><thead><tr>"
        out += "<th>guide</th><th>started</th><th>finished</th><th>worst step</th><th>dismissed</th>"
        out += hasGoals ? "<th>goal</th></tr></thead><tbody>\n" : "</tr></thead><tbody>\n"
        for (position, guide) in report.guides.enumerated() {
            out += "<tr><td class=\"id\"><a href=\"#g\(position)\">\(escape(guide.label))</a>"
            out += " <span class=\"muted\">\(escape(guide.name))</span></td>"
            out += "<td>\(F.count(guide.started))</td>"
            out += "<td title=\"95% CI\(escape(interval(guide.completion)))\">\(F.percent(guide.completion.value))"
            out += " <span class=\"muted\">\(F.count(guide.finished))</span></td>"
            if let index = guide.worstStep, guide.steps.indices.contains(index) {
                let step = guide.steps[index]
                out += "<td class=\"id\">\(index + 1). \(escape(step.id))"
                if let title = step.title { out += " <span class=\"muted\">\(escape(title))</span>" }
                out += " · \(F.percent(step.dropRate.value)) drop</td>"
            } else {
                out += "<td class=\"id muted\">–</td>"
            }
            let dismissedRate = guide.started > 0 ? Double(guide.dismissed) / Double(guide.started) : nil
            out += "<td>\(F.count(guide.dismissed)) <span class=\"muted\">\(F.percent(dismissedRate))</span></td>"
            if hasGoals {
                if let goal = guide.goal {
                    let value = goal.converted.map { F.percent($0.value) } ?? "not measured"
                    out += "<td title=\"\(escape(goal.label))\">\(value)</td>"
                } else {
                    out += "<td class=\"muted\">–</td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    /// An experiment: each arm's exposures and goal conversion, then what the comparison with the holdout
    /// found.
    func section(_ experiment: ExperimentReport) -> String {
        typealias F = ReportFormatting
        var out = "<section class=\"experiment\"><h2>Experiment \(escape(experiment.label))"
        out += " <span class=\"muted\">goal \(escape(experiment.goal ?? "none")), by exposure</span></h2>\n"
        out += "<table><thead><tr><th>variant</th><th>exposed</th><th>reached goal</th><th>rate</th>"
        out += "<th>95% CI</th><th>window open</th></tr></thead><tbody>\n"
        for arm in experiment.arms {
            out += "<tr><td class=\"id\">\(escape(arm.variant))"
            if arm.isHoldout { out += " <span class=\"tag opt\">holdout</span>" }
            out += "</td><td>\(F.count(arm.exposed))</td>"
            if let rate = arm.converted {
                out += "<td>\(F.count(rate.count))</td><td>\(F.percent(rate.value))</td>"
                out += "<td>\(escape(interval(rate).trimmingCharacters(in: .whitespaces)))</td>"
            } else {
                out += "<td class=\"muted\">–</td><td class=\"muted\">–</td><td class=\"muted\">–</td>"
            }
            out += "<td>\(F.count(arm.open))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        let findings = experiment.comparisons.flatMap(\.findings)
        if !findings.isEmpty {
            out += "<ul class=\"findings\">" + findings.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
            out += "<p class=\"muted\">Two-proportion z-test of each arm against the holdout; p-values Holm-adjusted"
            out += " over the arms; a difference is reported when p &lt; 0.05.</p>\n"
        } else if experiment.holdout == nil {
            out += "<p class=\"muted\">No holdout in the rollout: the arms are listed, not compared.</p>\n"
        }
        return out + "</section>\n"
    }
}
