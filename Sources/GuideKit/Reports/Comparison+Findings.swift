import Foundation

extension Comparison {
    /// What the comparison found, in sentences a reader can act on: `version 4 finishes more often
    /// (48.0% vs 41.2%, p = 0.003)`, or `no significant difference in completion (p = 0.47)`, then each step
    /// whose drop-off differs, or one sentence saying none does.
    ///
    /// A difference is reported when its Holm-adjusted p-value (``Row/adjustedP``) is below 0.05; the p
    /// shown is that adjusted value.
    public var findings: [String] {
        if rows.contains(where: { $0.metric == "goal" }) {
            return rows.map { Self.goalFinding($0, baseline: baseline, candidate: candidate) }
        }
        var sentences: [String] = []
        let stepRows = rows.filter { $0.metric != "completion" }
        if let completion = rows.first(where: { $0.metric == "completion" }) {
            sentences.append(Self.finding(completion, baseline: baseline, candidate: candidate))
        }
        let different = stepRows.filter(\.isSignificant)
        for row in different { sentences.append(Self.finding(row, baseline: baseline, candidate: candidate)) }
        let compared = stepRows.filter { $0.adjustedP != nil }
        if different.isEmpty, !compared.isEmpty {
            let steps =
                compared.count == 1 ? "step \(compared[0].metric)" : "any of the \(compared.count) steps compared"
            let label = compared.count == 1 ? "" : "smallest "
            let smallest = compared.compactMap(\.adjustedP).min().map { " (\(label)\(Self.pText($0)))" } ?? ""
            sentences.append("no significant difference in drop-off at \(steps)\(smallest)")
        }
        return sentences
    }

    /// One row's finding.
    static func finding(_ row: Row, baseline: String, candidate: String) -> String {
        let isCompletion = row.metric == "completion"
        if row.metric == "goal" { return goalFinding(row, baseline: baseline, candidate: candidate) }
        guard let p = row.adjustedP, let difference = row.difference else {
            return isCompletion
                ? "completion: too few users to compare" : "drop-off at \(row.metric): too few users to compare"
        }
        guard row.isSignificant else {
            return isCompletion
                ? "no significant difference in completion (\(pText(p)))"
                : "no significant difference in drop-off at \(row.metric) (\(pText(p)))"
        }
        let higher = difference > 0 ? candidate : baseline
        let lower = difference > 0 ? baseline : candidate
        let (first, second) =
            difference > 0 ? (row.candidate.value, row.baseline.value) : (row.baseline.value, row.candidate.value)
        let ordered = "\(ReportFormatting.percent(first)) vs \(ReportFormatting.percent(second))"
        if isCompletion {
            return "\(sideName(higher)) finishes more often (\(ordered), \(pText(p)))"
        }
        return "more users drop off at \(row.metric) in \(sideName(higher)) than in \(sideName(lower)) "
            + "(\(ordered), \(pText(p)))"
    }

    /// A goal row's finding (an arm against the holdout).
    static func goalFinding(_ row: Row, baseline: String, candidate: String) -> String {
        guard let p = row.adjustedP, let difference = row.difference else {
            return "goal: too few users to compare \(sideName(candidate)) with \(sideName(baseline))"
        }
        guard row.isSignificant else {
            return "no significant difference in reaching the goal between \(sideName(candidate)) and "
                + "\(sideName(baseline)) (\(pText(p)))"
        }
        let (higher, lower) = difference > 0 ? (candidate, baseline) : (baseline, candidate)
        let (first, second) =
            difference > 0 ? (row.candidate.value, row.baseline.value) : (row.baseline.value, row.candidate.value)
        return "\(sideName(higher)) reaches the goal more often than \(sideName(lower)) "
            + "(\(ReportFormatting.percent(first)) vs \(ReportFormatting.percent(second)), \(pText(p)))"
    }

    /// `v4` → `version 4`, `v1 variant=A` → `variant A`; other labels as they are.
    static func sideName(_ label: String) -> String {
        var text = Substring(label)
        var suffix = ""
        if let dot = text.range(of: " · ") {
            suffix = String(text[dot.lowerBound...])
            text = text[..<dot.lowerBound]
        }
        let words = text.split(separator: " ")
        if words.count == 1, words[0].hasPrefix("v"), Int(words[0].dropFirst()) != nil {
            return "version \(words[0].dropFirst())" + suffix
        }
        if words.count == 2, let equals = words[1].firstIndex(of: "=") {
            return "\(words[1][..<equals]) \(words[1][words[1].index(after: equals)...]) (\(words[0]))" + suffix
        }
        return label
    }

    /// `p = 0.47`, `p = 0.003`, `p < 0.001`.
    static func pText(_ p: Double) -> String {
        if p < 0.001 { return "p < 0.001" }
        if p >= 0.1 { return "p = " + String(format: "%.2f", p) }
        return "p = " + String(format: "%.2g", p)
    }
}
