extension Comparison {
    /// Builds the comparisons a spec asks for from the guide reports.
    ///
    /// Versions (`guide@3..4`) compare the two version reports. Groups (`guide@A..B`) compare the two
    /// groups within each version that has both.
    static func make(
        _ spec: ReportOptions.CompareSpec,
        from guides: [GuideVersionReport],
        breakdown: ReportOptions.Breakdown
    ) -> [Comparison] {
        let mine = guides.filter { $0.guide == spec.guide }
        if spec.comparesVersions, case .version = breakdown {
            guard let baseline = mine.first(where: { String($0.version) == spec.baseline }),
                let candidate = mine.first(where: { String($0.version) == spec.candidate })
            else { return [] }
            return [
                compare(baseline, candidate, guide: spec.guide, labels: ("v\(spec.baseline)", "v\(spec.candidate)"))
            ]
        }
        let name = breakdown.name
        var result: [Comparison] = []
        for version in Set(mine.map(\.version)).sorted() {
            let sameVersion = mine.filter { $0.version == version }
            guard let baseline = sameVersion.first(where: { $0.group == "\(name)=\(spec.baseline)" }),
                let candidate = sameVersion.first(where: { $0.group == "\(name)=\(spec.candidate)" })
            else { continue }
            result.append(
                compare(
                    baseline,
                    candidate,
                    guide: spec.guide,
                    labels: ("v\(version) \(name)=\(spec.baseline)", "v\(version) \(name)=\(spec.candidate)")
                )
            )
        }
        return result
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
        return Comparison(guide: guide, baseline: labels.0, candidate: labels.1, rows: rows)
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
