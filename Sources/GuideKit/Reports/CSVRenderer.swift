import Foundation

/// Renders a report as CSV: one row per guide version (and group) and step.
///
/// The guide's totals (and its goal conversion) are repeated on each row so the file stands alone in a
/// spreadsheet. Numbers are rounded as the table shows them: rates to a tenth of a percent, seconds to a
/// tenth.
package struct CSVRenderer: Sendable {
    /// Creates a renderer.
    package init() {}

    /// The column names, in order.
    package static let columns = [
        "guide", "version", "group", "idx", "step", "reached", "completed", "dismissed", "snoozed", "dropped",
        "in_progress", "drop_rate", "median_s", "p90_s", "timed_users", "clock_skew", "started", "no_step_shown",
        "finished", "completion_rate", "order_source", "step_variant", "title", "optional", "goal_event",
        "goal_reached", "goal_rate", "goal_ci95_low", "goal_ci95_high", "not_shown_target_missing",
    ]

    /// The report as CSV with a header row.
    package func render(_ report: DropOffReport) -> String {
        var out = Self.columns.joined(separator: ",") + "\n"
        for guide in report.guides {
            for step in guide.steps {
                let cells: [String] = [
                    guide.guide, String(guide.version), guide.group ?? "", String(step.index), step.id,
                    String(step.reached), String(step.completed), String(step.dismissed), String(step.snoozed),
                    String(step.dropped), String(step.inProgress), Self.rate(step.dropRate.value),
                    Self.seconds(step.time.median),
                    Self.seconds(step.time.p90), String(step.time.users), String(step.time.skewed),
                    String(guide.started),
                    String(guide.noStepShown), String(guide.finished), Self.rate(guide.completion.value),
                    guide.orderSource.rawValue, guide.stepVariant ?? "", step.title ?? "", String(step.isOptional),
                    guide.goal?.event ?? "", guide.goal?.converted.map { String($0.count) } ?? "",
                    Self.rate(guide.goal?.converted?.value), Self.rate(guide.goal?.converted?.interval?.lowerBound),
                    Self.rate(guide.goal?.converted?.interval?.upperBound), String(step.notShown.targetMissing),
                ]
                out += cells.map(Self.field).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// A rate as the table shows it (a tenth of a percent): `0.123`; empty for none.
    static func rate(_ value: Double?) -> String { rounded(value, places: 3) }

    /// Seconds to a tenth, as the table shows short times: `505.9`, `12`; empty for none.
    static func seconds(_ value: Double?) -> String { rounded(value, places: 1) }

    /// `value` rounded to `places` decimals, without float noise or a trailing `.0`.
    static func rounded(_ value: Double?, places: Int) -> String {
        guard let value, value.isFinite else { return "" }
        let scale = pow(10, Double(places))
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        return String(format: "%.\(places)f", rounded).replacingOccurrences(
            of: "0+$",
            with: "",
            options: .regularExpression
        )
    }

    /// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
