extension Comparison {
    /// Builds the comparisons a spec asks for from the guide reports.
    ///
    /// Versions (`guide@3..4`) compare the two version reports. Groups (`guide@A..B`) compare the two
    /// groups within each version that has both.
    ///
    /// A side may hold several entries when its guide version has variants with their own steps (one
    /// entry per step order). One entry on each side are compared as they are (`--by variant` with
    /// `tooltip-tour..recipe-modal` compares the two orders); otherwise entries are paired by step order.
    /// Completion is always compared; a step only when both sides have a step with its id.
    static func make(
        _ spec: ReportOptions.CompareSpec,
        from guides: [GuideVersionReport],
        breakdown: ReportOptions.Breakdown
    ) -> [Comparison] {
        let mine = guides.filter { $0.guide == spec.guide }
        if spec.comparesVersions, case .version = breakdown {
            let pairs = paired(
                mine.filter { String($0.version) == spec.baseline },
                mine.filter { String($0.version) == spec.candidate }
            )
            return pairs.map { baseline, candidate in
                compare(
                    baseline,
                    candidate,
                    guide: spec.guide,
                    labels: (
                        "v\(spec.baseline)" + orderSuffix(baseline, isPaired: pairs.count > 1),
                        "v\(spec.candidate)" + orderSuffix(candidate, isPaired: pairs.count > 1)
                    )
                )
            }
        }
        let name = breakdown.name
        var result: [Comparison] = []
        for version in Set(mine.map(\.version)).sorted() {
            let sameVersion = mine.filter { $0.version == version }
            let pairs = paired(
                sameVersion.filter { $0.group == "\(name)=\(spec.baseline)" },
                sameVersion.filter { $0.group == "\(name)=\(spec.candidate)" }
            )
            for (baseline, candidate) in pairs {
                result.append(
                    compare(
                        baseline,
                        candidate,
                        guide: spec.guide,
                        labels: (
                            "v\(version) \(name)=\(spec.baseline)" + orderSuffix(baseline, isPaired: pairs.count > 1),
                            "v\(version) \(name)=\(spec.candidate)" + orderSuffix(candidate, isPaired: pairs.count > 1)
                        )
                    )
                )
            }
        }
        return result
    }

    /// The entries to compare: one on each side are a pair; otherwise (a side split by variant step
    /// orders) the entries of the same step order, in the baseline's order.
    private static func paired(
        _ baselines: [GuideVersionReport],
        _ candidates: [GuideVersionReport]
    ) -> [(GuideVersionReport, GuideVersionReport)] {
        if baselines.count == 1, candidates.count == 1 { return [(baselines[0], candidates[0])] }
        return baselines.compactMap { baseline in
            candidates.first { $0.stepVariant == baseline.stepVariant }.map { (baseline, $0) }
        }
    }

    private static func orderSuffix(_ entry: GuideVersionReport, isPaired: Bool) -> String {
        guard isPaired else { return "" }
        return entry.stepVariant.map { " · steps of variant \($0)" } ?? " · guide steps"
    }

    private static func compare(
        _ baseline: GuideVersionReport,
        _ candidate: GuideVersionReport,
        guide: String,
        labels: (String, String)
    ) -> Comparison {
        var rows = [row("completion", baseline.completion, candidate.completion)]
        for step in candidate.steps {
            guard let old = baseline.steps.first(where: { $0.id == step.id }), old.reached + step.reached > 0 else {
                continue
            }
            rows.append(row(step.id, old.dropRate, step.dropRate))
        }
        let tested = rows.indices.filter { rows[$0].p != nil }
        let adjusted = Statistics.holm(tested.compactMap { rows[$0].p })
        for (position, index) in tested.enumerated() {
            rows[index].adjustedP = adjusted[position]
            rows[index].isSignificant = adjusted[position] < 0.05
        }
        var note: String?
        let baselineIds = baseline.steps.map(\.id)
        let candidateIds = candidate.steps.map(\.id)
        if baselineIds != candidateIds {
            let shared = candidateIds.filter(baselineIds.contains)
            note =
                shared.isEmpty
                ? "the two sides show different steps: only completion is compared"
                : "the two sides' steps differ: drop-off compared only at steps both have (\(shared.joined(separator: ", ")))"
        }
        return Comparison(guide: guide, baseline: labels.0, candidate: labels.1, rows: rows, note: note)
    }

    private static func row(_ metric: String, _ baseline: Rate, _ candidate: Rate) -> Row {
        let test = Statistics.twoProportionZTest(
            x1: baseline.count,
            n1: baseline.of,
            x2: candidate.count,
            n2: candidate.of
        )
        var difference: Double?
        if let old = baseline.value, let new = candidate.value { difference = new - old }
        return Row(
            metric: metric,
            baseline: baseline,
            candidate: candidate,
            difference: difference,
            z: test?.z,
            p: test?.p,
            adjustedP: nil,
            isSignificant: false
        )
    }
}
