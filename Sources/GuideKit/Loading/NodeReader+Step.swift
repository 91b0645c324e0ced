extension NodeReader {
    /// The fields of a step, in documentation order.
    static let stepFields = [
        "id", "kind", "title", "body", "target", "placement", "buttons", "advance_on", "when", "next", "items",
        "question", "scale", "choices",
    ]

    /// Reads one step; `nil` only when the node is not a mapping.
    mutating func step(from node: SourceNode) -> Step? {
        guard
            let fields = fields(
                of: node,
                what: "a step",
                field: "a step",
                known: Self.stepFields,
                required: ["id", "kind"]
            )
        else { return nil }
        let id = identifier(fields["id"], field: "step id") ?? Located("", at: node.location)
        let kindNode = fields["kind"]
        let kind: Step.Kind? = choice(kindNode, field: "kind")
        var step = Step(
            id: id,
            kind: Located(kind ?? .modal, at: kindNode?.location ?? node.location),
            at: node.location
        )
        step.title = string(fields["title"], field: "title")?.value
        step.body = string(fields["body"], field: "body")?.value
        step.target = string(fields["target"], field: "target")
        step.placement = choice(fields["placement"], field: "placement")
        if let buttons = fields["buttons"] {
            step.buttons = sequence(buttons, field: "buttons", of: "buttons")?.compactMap { button(from: $0) } ?? []
        }
        if let advance = fields["advance_on"] { step.advanceOn = advanceOn(from: advance) }
        step.when = fields["when"]
        if let next = fields["next"] {
            step.next = sequence(next, field: "next", of: "branches")?.compactMap { branch(from: $0) } ?? []
        }
        if let items = fields["items"] {
            step.items = sequence(items, field: "items", of: "checklist items")?.compactMap { item(from: $0) } ?? []
        }
        if fields.has("question") || fields.has("scale") || fields.has("choices") {
            let choicesNode = fields["choices"]
            step.survey = Survey(
                question: string(fields["question"], field: "question")?.value,
                scale: choice(fields["scale"], field: "scale"),
                choices: strings(choicesNode, field: "choices")?.map(\.value) ?? [],
                choicesLocation: choicesNode?.location
            )
        }
        if let kind { checkKindFields(of: step, kind: kind, fields: fields) }
        return step
    }

    /// Reports fields a step's kind needs but lacks, and fields that belong to another kind.
    private mutating func checkKindFields(of step: Step, kind: Step.Kind, fields: Fields) {
        let name = step.id.value.isEmpty ? "this step" : "step '\(step.id.value)'"
        if kind.needsTarget, step.target == nil, !fields.has("target") {
            report(
                "missing-target",
                "\(name) is a \(kind.rawValue) and has no 'target'",
                at: step.kind.location,
                fix: "add 'target:' with the CSS selector of the element it points at, or make it a modal"
            )
        }
        let owners: [(field: String, kind: Step.Kind)] = [
            ("items", .checklist), ("question", .survey), ("scale", .survey), ("choices", .survey),
        ]
        for owner in owners where owner.kind != kind {
            guard let location = fields.keyLocation(owner.field) else { continue }
            report(
                "unknown-field",
                "'\(owner.field)' is only for \(owner.kind.rawValue) steps; \(name) is a \(kind.rawValue)",
                at: location,
                fix: "remove it, or write 'kind: \(owner.kind.rawValue)'"
            )
        }
        if kind == .checklist {
            if !fields.has("items") {
                report("missing-field", "checklist \(name) is missing 'items'", at: step.location, fix: "add 'items:'")
            } else if step.items.isEmpty, case .sequence(let list)? = fields["items"]?.content, list.isEmpty {
                report(
                    "invalid-value",
                    "checklist \(name) has no items",
                    at: fields["items"]?.location ?? step.location,
                    fix: "add at least one item '{id, label}'"
                )
            }
        }
        if kind == .survey {
            for field in ["question", "scale"] where !fields.has(field) {
                report("missing-field", "survey \(name) is missing '\(field)'", at: step.location, fix: "add '\(field):'")
            }
            if step.survey?.scale == .choice, !fields.has("choices") {
                report(
                    "missing-field",
                    "survey \(name) has 'scale: choice' but no 'choices'",
                    at: fields["scale"]?.location ?? step.location,
                    fix: "add 'choices:' with the answers to pick from"
                )
            } else if step.survey?.scale == .choice, step.survey?.choices.count ?? 0 < 2,
                case .sequence = fields["choices"]?.content
            {
                report(
                    "invalid-value",
                    "survey \(name) offers fewer than two choices",
                    at: fields["choices"]?.location ?? step.location,
                    fix: "list at least two answers"
                )
            }
        }
    }

    mutating func button(from node: SourceNode) -> Button? {
        guard
            let fields = fields(
                of: node,
                what: "a button",
                field: "a button",
                known: ["label", "action"],
                required: ["label", "action"]
            )
        else { return nil }
        let label = string(fields["label"], field: "label") ?? Located("", at: node.location)
        guard let actionNode = fields["action"], let action = action(from: actionNode) else { return nil }
        return Button(label: label, action: action, at: node.location)
    }

    private mutating func action(from node: SourceNode) -> ButtonAction? {
        let allowed = ButtonAction.keywords + ["{goto: <step-id>}", "{url: <link>}"]
        switch node.content {
        case .mapping:
            guard let fields = fields(of: node, what: "a button action", field: "action", known: ["goto", "url"])
            else { return nil }
            if fields.has("goto"), fields.has("url") {
                report(
                    "invalid-value",
                    "a button action has either 'goto' or 'url', not both",
                    at: fields.keyLocation("url") ?? node.location,
                    fix: "use two buttons"
                )
            }
            if let target = string(fields["goto"], field: "goto") { return .goto(target) }
            if let link = string(fields["url"], field: "url") { return .url(link.value) }
            if !fields.has("goto"), !fields.has("url") {
                report("missing-field", "the button action is missing 'goto' or 'url'", at: node.location)
            }
            return nil
        case .sequence:
            wrongType(node, field: "action", expected: "one of \(allowed.joined(separator: ", "))")
            return nil
        case .scalar:
            guard let text = string(node, field: "action") else { return nil }
            switch text.value {
            case "next": return .next
            case "back": return .back
            case "dismiss": return .dismiss
            case "snooze": return .snooze
            case "complete": return .complete
            case "goto", "url":
                report(
                    "invalid-value",
                    "'action: \(text.value)' needs its \(text.value == "goto" ? "step" : "link")",
                    at: text.location,
                    fix: text.value == "goto" ? "write 'action: {goto: <step-id>}'" : "write 'action: {url: <link>}'"
                )
            default:
                report(
                    "invalid-value",
                    "'\(text.value)' is not a button action; it must be one of \(allowed.joined(separator: ", "))",
                    at: text.location,
                    fix: Suggestion.didYouMean(text.value, in: ButtonAction.keywords)
                        ?? "write one of \(allowed.joined(separator: ", "))"
                )
            }
            return nil
        }
    }

    private mutating func advanceOn(from node: SourceNode) -> AdvanceOn? {
        let kinds = ["event", "click", "page"]
        guard let fields = fields(of: node, what: "advance_on", field: "advance_on", known: kinds) else {
            return nil
        }
        let present = kinds.filter { fields.has($0) }
        guard let first = present.first else {
            report("missing-field", "advance_on is missing 'event', 'click' or 'page'", at: node.location)
            return nil
        }
        for extra in present.dropFirst() {
            report(
                "invalid-value",
                "advance_on has exactly one of 'event', 'click' or 'page'; this one also has '\(extra)'",
                at: fields.keyLocation(extra) ?? node.location,
                fix: "keep '\(first)' or '\(extra)', not both"
            )
        }
        guard let value = string(fields[first], field: first) else { return nil }
        switch first {
        case "event": return AdvanceOn(.event(value), at: node.location)
        case "click": return AdvanceOn(.click(value.value), at: node.location)
        default: return AdvanceOn(.page(value.value), at: node.location)
        }
    }

    private mutating func branch(from node: SourceNode) -> Branch? {
        guard
            let fields = fields(
                of: node,
                what: "a branch",
                field: "a branch",
                known: ["when", "goto"],
                required: ["goto"]
            ),
            let target = string(fields["goto"], field: "goto")
        else { return nil }
        return Branch(when: fields["when"], goto: target, at: node.location)
    }

    private mutating func item(from node: SourceNode) -> ChecklistItem? {
        guard
            let fields = fields(
                of: node,
                what: "a checklist item",
                field: "a checklist item",
                known: ["id", "label", "done_when"],
                required: ["id", "label"]
            )
        else { return nil }
        let id = identifier(fields["id"], field: "item id") ?? Located("", at: node.location)
        let label = string(fields["label"], field: "label")?.value ?? ""
        return ChecklistItem(id: id, label: label, doneWhen: fields["done_when"], at: node.location)
    }
}
