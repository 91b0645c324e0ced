/// Variants (weights, ids) and schedules.
enum RolloutChecks {
    static func check(_ guides: [Guide], _ project: Project?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for guide in guides {
            if let start = guide.schedule?.start, let end = guide.schedule?.end, end.value <= start.value {
                diagnostics.append(
                    Diagnostic(
                        .error,
                        rule: "schedule-order",
                        "the schedule ends at \(Timestamp.string(from: end.value)), "
                            + "not after it starts at \(Timestamp.string(from: start.value))",
                        at: end.location,
                        fix: "make 'end' later than 'start'",
                        related: [start.location]
                    )
                )
            }
            guard let rollout = guide.rollout, !rollout.variants.isEmpty else { continue }
            let total = rollout.variants.reduce(0) { $0 + $1.weight.value }
            if abs(total - 100) > 1e-9 {
                let shown = total == total.rounded() ? String(Int(total)) : String(total)
                diagnostics.append(
                    Diagnostic(
                        .error,
                        rule: "variant-weights",
                        "the variant weights sum to \(shown), not 100",
                        at: rollout.variantsLocation ?? rollout.location,
                        fix: "make the weights add up to 100 (use 'rollout.percent' to limit the audience)"
                    )
                )
            }
            var seen: [String: SourceLocation] = [:]
            for variant in rollout.variants where !variant.id.value.isEmpty {
                if let original = seen[variant.id.value] {
                    diagnostics.append(
                        Diagnostic(
                            .error,
                            rule: "duplicate-id",
                            "variant id '\(variant.id.value)' is already used at line \(original.line)",
                            at: variant.id.location,
                            fix: "give each variant its own id",
                            related: [original]
                        )
                    )
                } else {
                    seen[variant.id.value] = variant.id.location
                }
            }
        }
        return diagnostics
    }
}
