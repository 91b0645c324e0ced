/// Checks every condition of a folder with the targeting language's ``ConditionLinter``: guide audiences,
/// step and branch `when`, checklist `done_when` (in the guide's steps and in every variant's), and the
/// project's segments, including `$segment` cycles.
///
/// `guides.<id>` references are left to ``ConflictChecks``, which also knows when only some files of a
/// folder are linted.
enum ConditionChecks {
    /// The condition findings for `guides` and `project`.
    static func check(_ guides: [Guide], _ project: Project?) -> [Diagnostic] {
        let catalog = project?.catalog ?? Catalog()
        let linter = ConditionLinter(catalog: catalog)
        var diagnostics: [Diagnostic] = []
        for guide in guides {
            for condition in conditions(of: guide) {
                diagnostics += linter.diagnostics(for: condition)
            }
        }
        if project != nil {
            for name in catalog.segments.keys.sorted() {
                if let segment = catalog.segments[name] {
                    diagnostics += linter.diagnostics(for: segment.condition)
                }
            }
            diagnostics += linter.diagnostics(forSegmentsIn: catalog)
        }
        return diagnostics
    }

    /// Every condition node a guide holds, in document order.
    static func conditions(of guide: Guide) -> [SourceNode] {
        var nodes: [SourceNode] = []
        if let audience = guide.audience { nodes.append(audience) }
        for steps in guide.stepLists {
            for step in steps {
                if let when = step.when { nodes.append(when) }
                nodes += step.next.compactMap(\.when)
                nodes += step.items.compactMap(\.doneWhen)
            }
        }
        return nodes
    }
}
