import Foundation

/// Renders a report as CSV: one row per guide version (and group) and step, with the guide's totals
/// repeated on each row so the file stands alone in a spreadsheet.
public struct CSVRenderer: Sendable {
    /// Creates a renderer.
    public init() {}

    /// The column names, in order.
    public static let columns = [
        "guide", "version", "group", "idx", "step", "reached", "completed", "dismissed", "snoozed", "dropped",
        "in_progress", "drop_rate", "median_s", "p90_s", "timed_users", "clock_skew", "started", "no_step_shown",
        "finished", "completion_rate", "order_source", "step_variant",
    ]

    /// The report as CSV with a header row.
    public func render(_ report: DropOffReport) -> String {
        var out = Self.columns.joined(separator: ",") + "\n"
        for guide in report.guides {
            for step in guide.steps {
                let cells: [String] = [
                    guide.guide, String(guide.version), guide.group ?? "", String(step.index), step.id,
                    String(step.reached), String(step.completed), String(step.dismissed), String(step.snoozed),
                    String(step.dropped), String(step.inProgress), number(step.dropRate.value),
                    number(step.time.median),
                    number(step.time.p90), String(step.time.users), String(step.time.skewed), String(guide.started),
                    String(guide.noStepShown), String(guide.finished), number(guide.completion.value),
                    guide.orderSource.rawValue, guide.stepVariant ?? "",
                ]
                out += cells.map(Self.field).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    private func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }

    /// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
