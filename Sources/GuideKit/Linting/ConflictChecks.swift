import Foundation

/// Conflicts between guides that only show when guides are selected together: equal priorities that
/// compete for the same users and pages, guides that another always outranks, audiences that end a
/// guide before its own last steps, and `guides.<id>` references to guides that do not exist.
enum ConflictChecks {
    static func check(_ guides: [Guide], _ project: Project?) -> [Diagnostic] {
        let catalog = project?.catalog ?? Catalog()
        let published = guides.filter { $0.status == .published && !$0.id.value.isEmpty }
        let audiences = published.map { AudienceConstraints($0.audience, catalog: catalog) }
        var diagnostics: [Diagnostic] = []
        for first in published.indices {
            for second in published.indices where second > first {
                let (a, b) = (published[first], published[second])
                guard a.priority == b.priority, triggersOverlap(a.trigger, b.trigger),
                    !audiences[first].isDisjoint(from: audiences[second]), !schedulesAreDisjoint(a, b)
                else { continue }
                let (earlier, later) = a.id.value < b.id.value ? (a, b) : (b, a)
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        rule: "equal-priority",
                        "'\(later.id.value)' and '\(earlier.id.value)' (\(earlier.location.file):\(earlier.location.line)) "
                            + "both have priority \(a.priority), can start on the same page and their audiences can both "
                            + "be true; '\(earlier.id.value)' wins every tie only because its id sorts first",
                        at: later.id.location,
                        fix: "give one of them a higher 'priority', or make their audiences or triggers exclusive",
                        related: [earlier.id.location]
                    )
                )
            }
        }
        for (index, guide) in published.enumerated() {
            for (otherIndex, other) in published.enumerated()
            where other.priority > guide.priority && alwaysCandidate(other)
                && triggerCovers(other.trigger, guide.trigger) && audiences[otherIndex].contains(audiences[index])
                && !references(guide, other.id.value)
            {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        rule: "shadowed-guide",
                        "'\(guide.id.value)' can never be shown: '\(other.id.value)' (priority \(other.priority), "
                            + "\(other.location.file):\(other.location.line)) starts wherever this one does, for a wider "
                            + "audience, and never stops (it repeats after completion, without max_shows, cooldown or a "
                            + "dismiss button)",
                        at: guide.id.location,
                        fix:
                            "raise this guide's priority, or narrow '\(other.id.value)' (audience, trigger or frequency)",
                        related: [other.id.location]
                    )
                )
                break
            }
        }
        for guide in published {
            diagnostics += selfEndingAudience(guide)
        }
        diagnostics += unknownGuideReferences(guides, project)
        return diagnostics
    }

    // MARK: - Triggers

    /// Whether two triggers can fire in the same context.
    static func triggersOverlap(_ a: Trigger?, _ b: Trigger?) -> Bool {
        switch (a?.kind, b?.kind) {
        case (.manual?, _), (_, .manual?): return false
        case (.event(let x)?, .event(let y)?): return x.value == y.value
        case (.page(let x)?, .page(let y)?):
            return x.contains { left in y.contains { right in globsOverlap(left.value, right.value) } }
        default: return true
        }
    }

    /// Whether `a` fires in every context where `b` does.
    static func triggerCovers(_ a: Trigger?, _ b: Trigger?) -> Bool {
        switch (a?.kind, b?.kind) {
        case (nil, _): return true
        case (.manual?, _), (_, .manual?): return false
        case (.event(let x)?, .event(let y)?): return x.value == y.value
        case (.page(let x)?, .page(let y)?):
            return y.allSatisfy { right in
                samples(right.value).allSatisfy { path in x.contains { GlobPattern($0.value).matches(path) } }
            }
        default: return false
        }
    }

    private static func globsOverlap(_ a: String, _ b: String) -> Bool {
        samples(a).contains { GlobPattern(b).matches($0) } || samples(b).contains { GlobPattern(a).matches($0) }
    }

    /// Paths a glob matches: its wildcards replaced by sample segments.
    private static func samples(_ glob: String) -> [String] {
        [("x", "x"), ("y7", "a/b"), ("z", "")].map { segment, segments in
            glob.replacingOccurrences(of: "**/", with: segments.isEmpty ? "" : segments + "/")
                .replacingOccurrences(of: "**", with: segments)
                .replacingOccurrences(of: "*", with: segment)
        }
    }

    private static func schedulesAreDisjoint(_ a: Guide, _ b: Guide) -> Bool {
        if let end = a.schedule?.end?.value, let start = b.schedule?.start?.value, end <= start { return true }
        if let end = b.schedule?.end?.value, let start = a.schedule?.start?.value, end <= start { return true }
        return false
    }

    /// Whether a guide is a candidate whenever its trigger and audience hold: no schedule, full rollout without
    /// holdout, and a frequency that never stops it.
    private static func alwaysCandidate(_ guide: Guide) -> Bool {
        guard guide.schedule == nil, guide.trigger.map({ if case .manual = $0.kind { false } else { true } }) ?? true
        else { return false }
        if let rollout = guide.rollout, rollout.percent.value < 100 || rollout.variants.contains(where: \.isHoldout) {
            return false
        }
        guard let frequency = guide.frequency, frequency.repeatsAfterCompletion, frequency.maxShows == nil,
            frequency.cooldown == nil
        else { return false }
        return !guide.stepLists.joined().contains { step in
            step.buttons.contains { if case .dismiss = $0.action { true } else { false } }
        }
    }

    private static func references(_ guide: Guide, _ id: String) -> Bool {
        guideReferences(in: guide).contains { $0.value == id }
    }

    // MARK: - Audiences that end their own guide

    /// A step that advances on an event the audience requires never to have happened: once the event
    /// happens the audience is false, so the guide cannot resume at the steps after it.
    private static func selfEndingAudience(_ guide: Guide) -> [Diagnostic] {
        guard let audience = guide.audience, case .mapping(let pairs) = audience.content else { return [] }
        var diagnostics: [Diagnostic] = []
        for pair in pairs {
            guard case .scalar(let key) = pair.key.content, key.text.hasPrefix("events."), key.text.hasSuffix(".count"),
                AudienceConstraints.Field.requiresZero(pair.value)
            else { continue }
            let event = String(key.text.dropFirst("events.".count).dropLast(".count".count))
            for steps in guide.stepLists {
                guard
                    let index = steps.firstIndex(where: { step in
                        if case .event(let name)? = step.advanceOn?.kind { return name.value == event }
                        return false
                    }), index + 1 < steps.count || steps[index].next.isEmpty == false
                else { continue }
                let step = steps[index]
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        rule: "audience-ends-guide",
                        "step '\(step.id.value)' advances on '\(event)', but the audience requires \(key.text) < 1: "
                            + "after the event the audience is false, and a guide in progress resumes only while its "
                            + "audience holds, so the steps after '\(step.id.value)' are never shown",
                        at: pair.key.location,
                        fix: "allow users finishing the guide: $nor: [{\(key.text): {$gte: 1}, "
                            + "guides.\(guide.id.value).status: {$ne: in_progress}}]",
                        related: [step.id.location]
                    )
                )
                break
            }
        }
        return diagnostics
    }

    // MARK: - guides.<id> references

    private static func unknownGuideReferences(_ guides: [Guide], _ project: Project?) -> [Diagnostic] {
        var ids = Set(guides.map(\.id.value))
        guard !ids.isEmpty else { return [] }
        // When only some files of a folder are linted, the other guides of the folder still exist.
        for folder in Set(guides.map { ($0.file as NSString).deletingLastPathComponent }) where !folder.isEmpty {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for name in names where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                if !GuideLoader.isProjectFile(name) { ids.insert((name as NSString).deletingPathExtension) }
            }
        }
        var diagnostics: [Diagnostic] = []
        func verify(_ reference: Located<String>, _ place: String) {
            guard !ids.contains(reference.value) else { return }
            diagnostics.append(
                Diagnostic(
                    .warning,
                    rule: "unknown-guide",
                    "\(place) refers to guide '\(reference.value)', which does not exist: the condition reads "
                        + "a guide that is never started",
                    at: reference.location,
                    fix: Suggestion.didYouMean(reference.value, in: ids.sorted())
                        ?? "use the id of a guide in this folder"
                )
            )
        }
        for guide in guides {
            for reference in guideReferences(in: guide) { verify(reference, "'\(guide.id.value)'") }
        }
        for segment in (project?.catalog.segments.values).map(Array.init) ?? [] {
            for reference in guideReferences(in: segment.condition) { verify(reference, "segment '\(segment.name)'") }
        }
        return diagnostics
    }

    /// The `guides.<id>` paths in a guide's conditions (audience, step `when`, branches, checklist items).
    static func guideReferences(in guide: Guide) -> [Located<String>] {
        var nodes: [SourceNode] = []
        if let audience = guide.audience { nodes.append(audience) }
        for step in guide.stepLists.joined() {
            if let when = step.when { nodes.append(when) }
            nodes += step.next.compactMap(\.when)
            nodes += step.items.compactMap(\.doneWhen)
        }
        return nodes.flatMap(guideReferences(in:))
    }

    static func guideReferences(in node: SourceNode) -> [Located<String>] {
        switch node.content {
        case .scalar: return []
        case .sequence(let items): return items.flatMap(guideReferences(in:))
        case .mapping(let pairs):
            var found: [Located<String>] = []
            for pair in pairs {
                if case .scalar(let key) = pair.key.content, key.text.hasPrefix("guides.") {
                    let id = key.text.dropFirst("guides.".count).split(separator: ".").first.map(String.init) ?? ""
                    var location = pair.key.location
                    location.column += "guides.".count
                    found.append(Located(id, at: location))
                }
                found += guideReferences(in: pair.value)
            }
            return found
        }
    }
}

extension AudienceConstraints.Field {
    /// Whether a count condition only holds for 0: `{$lt: 1}`, `{$lte: 0}`, `0`, `{$eq: 0}`.
    static func requiresZero(_ node: SourceNode) -> Bool {
        switch node.content {
        case .scalar(let scalar): return Double(scalar.text) == 0
        case .sequence: return false
        case .mapping(let pairs):
            return pairs.contains { pair in
                guard case .scalar(let op) = pair.key.content, case .scalar(let value) = pair.value.content,
                    let number = Double(value.text)
                else { return false }
                switch op.text {
                case "$lt": return number <= 1
                case "$lte", "$eq": return number < 1
                default: return false
                }
            }
        }
    }
}
