extension CompiledGuideSet {
    /// The product event names the guides know: the project's event catalog, and every event the guides
    /// name (triggers, goals, `advance_on`, and `events.<name>` in audiences, step and branch `when`,
    /// checklist `done_when` and segments), sorted.
    public var knownEvents: [String] {
        var names = Set(catalog.events.keys)
        var nodes: [SourceNode] = catalog.segments.values.map(\.condition)
        for compiled in guides {
            let guide = compiled.guide
            if case .event(let name)? = guide.trigger?.kind { names.insert(name.value) }
            if let goal = guide.goal { names.insert(goal.event.value) }
            if let audience = guide.audience { nodes.append(audience) }
            for step in guide.stepLists.joined() {
                if case .event(let name)? = step.advanceOn?.kind { names.insert(name.value) }
                if let when = step.when { nodes.append(when) }
                nodes += step.next.compactMap(\.when)
                nodes += step.items.compactMap(\.doneWhen)
            }
        }
        // Walk the conditions with a stack (a deep condition must not exhaust the call stack).
        while let node = nodes.popLast() {
            switch node.content {
            case .scalar: break
            case .sequence(let items): nodes += items
            case .mapping(let pairs):
                for pair in pairs {
                    if case .scalar(let key) = pair.key.content, key.text.hasPrefix("events.") {
                        let name = key.text.dropFirst("events.".count).split(separator: ".").first
                        if let name, !name.isEmpty { names.insert(String(name)) }
                    }
                    nodes.append(pair.value)
                }
            }
        }
        return names.sorted()
    }

    /// Checks that the context's launch names a guide and its event is one the guides know, so a typo is an
    /// error rather than a selection in which nothing happens.
    ///
    /// A launch must name a guide of the set. An event must be in the project's event catalog when it
    /// declares events, else named by a guide (``knownEvents``): an event no guide reads changes nothing.
    ///
    /// - Parameter context: the context.
    /// - Throws: ``SelectionError`` (``SelectionError/Code/unknownGuide`` or
    ///   ``SelectionError/Code/unknownEvent``) naming the unknown id, with a `did you mean …?` when one is close.
    public func check(_ context: SelectionContext) throws(SelectionError) {
        if let launch = context.launch, self[launch] == nil {
            let hint = Suggestion.didYouMean(launch, in: ids).map { "; \($0)" } ?? ""
            throw SelectionError(.unknownGuide, "there is no guide '\(launch)' to launch\(hint)")
        }
        if let event = context.event {
            if !catalog.events.isEmpty {
                guard catalog.events[event] == nil else { return }
                let hint =
                    Suggestion.didYouMean(event, in: catalog.events.keys.sorted()).map { "; \($0)" }
                    ?? "; the catalog declares \(Self.list(catalog.events.keys.sorted()))"
                throw SelectionError(.unknownEvent, "event '\(event)' is not in the project's event catalog\(hint)")
            }
            let known = knownEvents
            guard !known.contains(event) else { return }
            let hint =
                Suggestion.didYouMean(event, in: known).map { "; \($0)" }
                ?? (known.isEmpty ? "" : "; the guides read \(Self.list(known))")
            throw SelectionError(
                .unknownEvent,
                "no guide reads event '\(event)' (in a trigger, goal, advance_on or condition), so it changes nothing\(hint)"
            )
        }
    }

    /// `'a', 'b', 'c'` (the first ten, then `and N more`).
    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 10 ? "\(shown) and \(names.count - 10) more" : shown
    }
}
