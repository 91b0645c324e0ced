extension NodeReader {
    /// The fields of a guide, in documentation order.
    static let guideFields = [
        "id", "name", "description", "version", "status", "priority", "tags", "audience", "trigger", "schedule",
        "frequency", "rollout", "goal", "steps", "locales", "$schema",
    ]

    /// Reads a guide file's root; every field that cannot be read is reported and left at its default.
    mutating func guide(from root: SourceNode) -> Guide? {
        guard
            let fields = fields(
                of: root,
                what: "a guide",
                field: "the guide file",
                known: Self.guideFields,
                required: ["id", "name", "version", "status", "steps"]
            )
        else { return nil }
        let id = identifier(fields["id"], field: "guide id") ?? Located("", at: root.location)
        var guide = Guide(id: id, location: root.location)
        guide.name = string(fields["name"], field: "name")?.value ?? ""
        guide.description = string(fields["description"], field: "description")?.value
        if let version = integer(fields["version"], field: "version") {
            guide.version = version
            if version.value < 1 {
                report(
                    "invalid-value",
                    "version \(version.value) is not valid; versions start at 1",
                    at: version.location,
                    fix: "write 'version: 1' and bump it when the steps change"
                )
            }
        }
        if let status: Guide.Status = choice(fields["status"], field: "status") { guide.status = status }
        guide.priority = integer(fields["priority"], field: "priority")?.value ?? 0
        guide.tags = strings(fields["tags"], field: "tags")?.map(\.value) ?? []
        if let audience = fields["audience"] { guide.audience = audience }
        if let node = fields["trigger"] { guide.trigger = trigger(from: node) }
        if let node = fields["schedule"] { guide.schedule = schedule(from: node) }
        if let node = fields["frequency"] { guide.frequency = frequency(from: node) }
        if let node = fields["rollout"] { guide.rollout = rollout(from: node) }
        if let node = fields["goal"] { guide.goal = goal(from: node) }
        if let node = fields["steps"] {
            guide.stepsLocation = fields.keyLocation("steps") ?? node.location
            guide.steps = steps(from: node, field: "steps")
        }
        if let node = fields["locales"] { guide.translations = translations(from: node) }
        return guide
    }

    /// A non-empty list of steps.
    mutating func steps(from node: SourceNode, field: String) -> [Step] {
        guard let items = sequence(node, field: field, of: "steps") else { return [] }
        if items.isEmpty {
            report(
                "empty-steps",
                "'\(field)' is empty; a guide shows at least one step",
                at: node.location,
                fix: "add a step such as '- {id: welcome, kind: modal, title: Welcome}'"
            )
        }
        return items.compactMap { step(from: $0) }
    }

    mutating func trigger(from node: SourceNode) -> Trigger? {
        let kinds = ["page", "event", "manual"]
        guard let fields = fields(of: node, what: "the trigger", field: "trigger", known: kinds) else { return nil }
        let present = kinds.filter { fields.has($0) }
        guard let first = present.first else {
            report(
                "missing-field",
                "the trigger is missing 'page', 'event' or 'manual'",
                at: node.location,
                fix: "add one of them, or remove 'trigger' to start on any page"
            )
            return nil
        }
        for extra in present.dropFirst() {
            report(
                "invalid-value",
                "a trigger has exactly one of 'page', 'event' or 'manual'; this one also has '\(extra)'",
                at: fields.keyLocation(extra) ?? node.location,
                fix: "keep '\(first)' or '\(extra)', not both; use 'audience' or 'advance_on' for the other"
            )
        }
        switch first {
        case "page":
            guard let globs = strings(fields["page"], field: "page", allowsSingle: true) else { return nil }
            for glob in globs where !(glob.value.hasPrefix("/") || glob.value.hasPrefix("*")) {
                report(
                    "invalid-value",
                    "'\(glob.value)' is not a path glob; page globs start with '/'",
                    at: glob.location,
                    fix: "write the path without the site, such as '/\(glob.value)'"
                )
            }
            return Trigger(.page(globs), at: node.location)
        case "event":
            guard let event = string(fields["event"], field: "event") else { return nil }
            return Trigger(.event(event), at: node.location)
        default:
            guard let manual = boolean(fields["manual"], field: "manual") else { return nil }
            if !manual.value {
                report(
                    "invalid-value",
                    "'manual: false' is not a trigger",
                    at: manual.location,
                    fix: "write 'manual: true', or remove 'trigger' to start on any page"
                )
            }
            return Trigger(.manual, at: node.location)
        }
    }

    mutating func schedule(from node: SourceNode) -> Schedule? {
        guard let fields = fields(of: node, what: "the schedule", field: "schedule", known: ["start", "end"]) else {
            return nil
        }
        return Schedule(
            start: timestamp(fields["start"], field: "start"),
            end: timestamp(fields["end"], field: "end"),
            at: node.location
        )
    }

    mutating func frequency(from node: SourceNode) -> Frequency? {
        let known = ["max_shows", "cooldown", "snooze", "repeat_after_completion"]
        guard let fields = fields(of: node, what: "the frequency", field: "frequency", known: known) else {
            return nil
        }
        var frequency = Frequency(at: node.location)
        if let maxShows = integer(fields["max_shows"], field: "max_shows") {
            frequency.maxShows = maxShows.value
            if maxShows.value < 1 {
                report(
                    "invalid-value",
                    "max_shows \(maxShows.value) would never show the guide; it must be 1 or more",
                    at: maxShows.location,
                    fix: "write 1 or more, or set 'status: archived' to stop the guide"
                )
            }
        }
        frequency.cooldown = duration(fields["cooldown"], field: "cooldown")?.value
        if let snooze = duration(fields["snooze"], field: "snooze") { frequency.snooze = snooze.value }
        frequency.repeatsAfterCompletion =
            boolean(fields["repeat_after_completion"], field: "repeat_after_completion")?.value ?? false
        return frequency
    }

    mutating func rollout(from node: SourceNode) -> Rollout? {
        guard
            let fields = fields(
                of: node,
                what: "the rollout",
                field: "rollout",
                known: ["percent", "seed", "variants"]
            )
        else { return nil }
        var rollout = Rollout(percent: Located(100, at: node.location), at: node.location)
        if let percent = share(fields["percent"], field: "percent") { rollout.percent = percent }
        rollout.seed = string(fields["seed"], field: "seed")?.value
        if let variantsNode = fields["variants"] {
            rollout.variantsLocation = fields.keyLocation("variants")
            for item in sequence(variantsNode, field: "variants", of: "variants") ?? [] {
                guard
                    let variantFields = self.fields(
                        of: item,
                        what: "a variant",
                        field: "a variant",
                        known: ["id", "weight", "steps"],
                        required: ["id", "weight"]
                    )
                else { continue }
                let id = identifier(variantFields["id"], field: "variant id") ?? Located("", at: item.location)
                let weight = share(variantFields["weight"], field: "weight") ?? Located(0, at: item.location)
                let ownSteps = variantFields["steps"].map { self.steps(from: $0, field: "steps") }
                rollout.variants.append(Variant(id: id, weight: weight, steps: ownSteps, at: item.location))
            }
        }
        return rollout
    }

    /// A number from 0 to 100 (a percent or a weight); `50%` gets a fix.
    mutating func share(_ node: SourceNode?, field: String) -> Located<Double>? {
        guard let node else { return nil }
        if case .scalar(let scalar) = node.content, scalar.text.hasSuffix("%"),
            Self.isDecimal(String(scalar.text.dropLast()))
        {
            report(
                "wrong-type",
                "'\(field)' must be a number, not '\(scalar.text)'",
                at: node.location,
                fix: "write \(scalar.text.dropLast()) without '%'"
            )
            return nil
        }
        guard let value = number(node, field: field) else { return nil }
        if !(0...100).contains(value.value) {
            report(
                "rollout-range",
                "\(field) \(scalar(value.value)) is outside 0–100",
                at: value.location,
                fix: "write a number from 0 to 100"
            )
        }
        return value
    }

    mutating func goal(from node: SourceNode) -> Goal? {
        guard
            let fields = fields(
                of: node,
                what: "the goal",
                field: "goal",
                known: ["event", "within"],
                required: ["event"]
            ),
            let event = string(fields["event"], field: "event")
        else { return nil }
        return Goal(event: event, within: duration(fields["within"], field: "within")?.value, at: node.location)
    }

    /// `50` for 50.0, `12.5` for 12.5.
    private func scalar(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
