/// Event names in triggers, goals and `advance_on`, checked against the project's event catalog when it
/// has one.
enum EventChecks {
    static func check(_ guides: [Guide], _ project: Project?) -> [Diagnostic] {
        guard let project, !project.catalog.events.isEmpty else { return [] }
        let known = project.catalog.events.keys.sorted()
        var diagnostics: [Diagnostic] = []
        func verify(_ event: Located<String>, _ place: String) {
            guard project.catalog.events[event.value] == nil else { return }
            diagnostics.append(
                Diagnostic(
                    .error,
                    rule: "unknown-event",
                    "\(place) event '\(event.value)' is not in the event catalog",
                    at: event.location,
                    fix: Suggestion.didYouMean(event.value, in: known)
                        ?? "declare it under 'events' in \(project.file.isEmpty ? GuideLoader.projectFileName : project.file)"
                )
            )
        }
        for guide in guides {
            if case .event(let event)? = guide.trigger?.kind { verify(event, "the trigger") }
            if let goal = guide.goal { verify(goal.event, "the goal") }
            for steps in guide.stepLists {
                for step in steps {
                    if case .event(let event)? = step.advanceOn?.kind { verify(event, "the advance_on") }
                }
            }
        }
        return diagnostics
    }
}
