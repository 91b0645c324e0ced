import Foundation

extension Scenario {
    /// The fields of a scenario file.
    public static let fields = ["name", "user", "at", "timeline"]
    /// The fields of a timeline line.
    public static let lineFields = ["visit", "event", "action", "click", "launch", "wait", "at", "expect"]

    /// Reads a scenario or timeline file.
    ///
    /// - Parameter path: the file; a relative `user:` path is resolved against its folder.
    /// - Throws: ``SelectionError`` naming the place and the fix.
    public init(contentsOf path: String) throws(SelectionError) {
        let text: String
        do {
            text = try InputFile.text(atPath: path)
        } catch {
            throw SelectionError(.unreadable, error.description)
        }
        try self.init(yaml: text, file: path)
    }

    /// Reads a scenario or timeline from YAML.
    ///
    /// - Parameters:
    ///   - yaml: the text.
    ///   - file: its path (for positions and to resolve a relative `user:` path).
    /// - Throws: ``SelectionError`` naming the place and the fix.
    public init(yaml: String, file: String = "") throws(SelectionError) {
        let root: SourceNode
        do {
            root = try YAMLSource.parse(yaml, file: file)
        } catch {
            throw SelectionError(error.message, at: error.location)
        }
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        var name = base
        var user: UserState?
        var start: Date?
        var lineNodes: [SourceNode] = []
        switch root.content {
        case .sequence(let items):
            lineNodes = items
        case .mapping(let pairs):
            var sawTimeline = false
            for pair in pairs {
                let key = Self.text(pair.key) ?? ""
                switch key {
                case "name":
                    name = try Self.string(pair.value, "name")
                case "user":
                    user = try Self.user(pair.value, file: file)
                case "at":
                    start = try Self.time(pair.value)
                case "timeline":
                    guard case .sequence(let items) = pair.value.content else {
                        throw SelectionError("'timeline' must be a list of lines", at: pair.value.location)
                    }
                    lineNodes = items
                    sawTimeline = true
                default:
                    let hint = Suggestion.didYouMean(key, in: Self.fields).map { "; \($0)" } ?? ""
                    throw SelectionError("'\(key)' is not a scenario field\(hint)", at: pair.key.location)
                }
            }
            if !sawTimeline {
                throw SelectionError("a scenario needs a 'timeline:' list of lines", at: root.location)
            }
        case .scalar:
            throw SelectionError(
                "a timeline is a list of lines, or a mapping with 'user' and 'timeline'",
                at: root.location
            )
        }
        var lines: [Line] = []
        for node in lineNodes { lines.append(try Self.line(node)) }
        self.init(name: name, user: user, start: start, lines: lines, file: file)
    }

    private static func line(_ node: SourceNode) throws(SelectionError) -> Line {
        guard case .mapping(let pairs) = node.content else {
            throw SelectionError(
                "a timeline line is a mapping such as {visit: /home}, {event: project_created}, {action: next}, "
                    + "{click: \"Next\"}, {launch: keyboard-shortcuts} or {wait: 2d}",
                at: node.location
            )
        }
        var kind: Line.Kind?
        var at: Date?
        var expectation: Line.Expectation?
        var expectationLocation: SourceLocation?
        func setKind(_ new: Line.Kind, _ key: SourceNode) throws(SelectionError) {
            if kind != nil {
                throw SelectionError(
                    "a line does one thing; put '\(text(key) ?? "")' on a line of its own",
                    at: key.location
                )
            }
            kind = new
        }
        for pair in pairs {
            let key = text(pair.key) ?? ""
            switch key {
            case "visit":
                let path = try string(pair.value, key)
                guard path.hasPrefix("/") else {
                    throw SelectionError(
                        "'visit' takes a path starting with '/', not '\(path)'",
                        at: pair.value.location
                    )
                }
                try setKind(.visit(path), pair.key)
            case "event": try setKind(.event(try string(pair.value, key)), pair.key)
            case "click": try setKind(.click(try string(pair.value, key)), pair.key)
            case "launch": try setKind(.launch(try string(pair.value, key)), pair.key)
            case "action":
                let word = try string(pair.value, key)
                guard let action = Line.Action(rawValue: word) else {
                    let allowed = Line.Action.allCases.map(\.rawValue).joined(separator: ", ")
                    let hint =
                        Suggestion.didYouMean(word, in: Line.Action.allCases.map(\.rawValue)).map { "; \($0)" } ?? ""
                    throw SelectionError(
                        "'\(word)' is not an action (one of \(allowed))\(hint)",
                        at: pair.value.location
                    )
                }
                try setKind(.action(action), pair.key)
            case "wait":
                let word = try string(pair.value, key)
                guard let duration = GuideDuration(parsing: word) else {
                    throw SelectionError(
                        "'\(word)' is not a duration: \(GuideDuration.expectedForm)",
                        at: pair.value.location
                    )
                }
                try setKind(.wait(duration), pair.key)
            case "at":
                at = try time(pair.value)
            case "expect":
                expectation = try self.expectation(pair.value)
                expectationLocation = pair.key.location
            default:
                let hint = Suggestion.didYouMean(key, in: lineFields).map { "; \($0)" } ?? ""
                throw SelectionError("'\(key)' is not a timeline field\(hint)", at: pair.key.location)
            }
        }
        if kind == nil && at == nil {
            throw SelectionError(
                "the line does nothing: give one of visit, event, action, click, launch, wait (or at)",
                at: node.location
            )
        }
        return Line(
            kind: kind ?? .check,
            at: at,
            expectation: expectation,
            location: node.location,
            expectationLocation: expectationLocation
        )
    }

    private static func expectation(_ node: SourceNode) throws(SelectionError) -> Line.Expectation {
        if case .scalar(let scalar) = node.content {
            if scalar.text == "nothing" { return .nothing }
            throw SelectionError(
                "'expect' is 'nothing' or {guide: <id>, step: <step-id>}, not '\(scalar.text)'",
                at: node.location
            )
        }
        guard case .mapping(let pairs) = node.content else {
            throw SelectionError("'expect' is 'nothing' or {guide: <id>, step: <step-id>}", at: node.location)
        }
        var guide: String?
        var step: String?
        var variant: String?
        var locale: String?
        var done: [String]?
        for pair in pairs {
            let key = text(pair.key) ?? ""
            switch key {
            case "guide": guide = try string(pair.value, key)
            case "step": step = try string(pair.value, key)
            case "variant": variant = try string(pair.value, key)
            case "locale": locale = try string(pair.value, key)
            case "done":
                guard case .sequence(let items) = pair.value.content else {
                    throw SelectionError(
                        "'done' is a list of checklist item ids, like [create-project, add-tasks]",
                        at: pair.value.location
                    )
                }
                var ids: [String] = []
                for item in items {
                    let id = try string(item, "done")
                    if ids.contains(id) { throw SelectionError("'\(id)' is listed twice in 'done'", at: item.location) }
                    ids.append(id)
                }
                done = ids
            default:
                let hint =
                    Suggestion.didYouMean(key, in: ["guide", "step", "variant", "locale", "done"]).map { "; \($0)" }
                    ?? ""
                throw SelectionError("'\(key)' is not an expectation field\(hint)", at: pair.key.location)
            }
        }
        guard let guide else { throw SelectionError("'expect' needs 'guide' (or is 'nothing')", at: node.location) }
        return .guide(guide, step: step, variant: variant, locale: locale, done: done)
    }

    private static func user(_ node: SourceNode, file: String) throws(SelectionError) -> UserState {
        if case .scalar(let scalar) = node.content {
            let folder = (file as NSString).deletingLastPathComponent
            let path = scalar.text.hasPrefix("/") || folder.isEmpty ? scalar.text : folder + "/" + scalar.text
            do {
                return try UserState(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw SelectionError("user file \(scalar.text): \(error.description)", at: node.location)
            }
        }
        do {
            return try UserState(node)
        } catch {
            throw SelectionError("user: \(error.message)", at: error.location ?? node.location)
        }
    }

    private static func text(_ node: SourceNode) -> String? {
        if case .scalar(let scalar) = node.content { return scalar.text }
        return nil
    }

    private static func string(_ node: SourceNode, _ field: String) throws(SelectionError) -> String {
        guard let value = text(node), !value.isEmpty else {
            throw SelectionError("'\(field)' takes a text value", at: node.location)
        }
        return value
    }

    private static func time(_ node: SourceNode) throws(SelectionError) -> Date {
        let value = try string(node, "at")
        guard let date = Timestamp.date(parsing: value) else {
            throw SelectionError("'\(value)' is not \(Timestamp.expectedForm)", at: node.location)
        }
        return date
    }
}
