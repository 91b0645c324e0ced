import Foundation

extension UserState {
    /// Reads a state from YAML (YAML 1.2 core schema: a quoted scalar is a string, a plain one is read as
    /// JSON would read it).
    ///
    /// - Parameters:
    ///   - yaml: the document.
    ///   - file: the file name for error locations.
    ///   - catalog: the types `user.*` and `account.*` attributes must have (see ``Catalog/checked(_:in:)``);
    ///     `nil` checks none.
    /// - Throws: ``UserStateError`` naming the field and its place.
    public init(yaml: String, file: String = "", catalog: Catalog? = nil) throws(UserStateError) {
        let node: SourceNode
        do {
            node = try YAMLSource.parse(yaml, file: file)
        } catch {
            throw UserStateError(.syntax, error.message, at: error.location, underlying: error)
        }
        try self.init(node, catalog: catalog)
    }

    /// Reads a state from JSON.
    ///
    /// - Parameters:
    ///   - json: the document.
    ///   - file: the file name for error locations.
    ///   - catalog: the types `user.*` and `account.*` attributes must have; `nil` checks none.
    /// - Throws: ``UserStateError`` naming the field and its place.
    public init(json: String, file: String = "", catalog: Catalog? = nil) throws(UserStateError) {
        let node: SourceNode
        do {
            node = try JSONSourceParser.parse(json, file: file)
        } catch {
            throw UserStateError(.syntax, error.message, at: error.location, underlying: error)
        }
        try self.init(node, catalog: catalog)
    }

    /// Reads one line of a JSON Lines population.
    ///
    /// - Parameters:
    ///   - line: the line's bytes.
    ///   - file: the file name for error locations.
    ///   - number: the line's number.
    ///   - catalog: the types attributes must have.
    /// - Returns: the state, or the error with its place.
    package static func reading(
        jsonLine line: UnsafeBufferPointer<UInt8>,
        file: String,
        line number: Int,
        catalog: Catalog?
    ) -> Result<UserState, UserStateError> {
        if let state = fastReading(jsonLine: line, catalog: catalog) { return .success(state) }
        let node: SourceNode
        do {
            node = try JSONSourceParser.parse(bytes: line, file: file, line: number)
        } catch {
            return .failure(UserStateError(.syntax, error.message, at: error.location, underlying: error))
        }
        return Result { () throws(UserStateError) in try UserState(node, catalog: catalog) }
    }

    /// Reads a state file: JSON when the name ends in `.json`, else YAML.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - catalog: the types `user.*` and `account.*` attributes must have; `nil` checks none.
    /// - Throws: ``UserStateError`` (``UserStateError/Code/unreadable`` when the file cannot be read).
    public init(contentsOf url: URL, catalog: Catalog? = nil) throws(UserStateError) {
        let text: String
        do {
            text = try InputFile.text(atPath: url.path)
        } catch {
            throw UserStateError(.unreadable, error.description)
        }
        if url.pathExtension.lowercased() == "json" {
            try self.init(json: text, file: url.relativePath, catalog: catalog)
        } else {
            try self.init(yaml: text, file: url.relativePath, catalog: catalog)
        }
    }

    /// Reads a state from a value (the shape of ``document``).
    ///
    /// - Parameter value: the state as a value.
    /// - Throws: ``UserStateError`` naming the field.
    public init(value: Value) throws(UserStateError) {
        try self.init(SourceNode(value, at: SourceLocation(file: "", line: 0, column: 0)), hasLocations: false)
    }

    /// Reads a state from a parsed YAML or JSON document.
    ///
    /// - Parameters:
    ///   - node: the document.
    ///   - catalog: the types `user.*` and `account.*` attributes must have; `nil` checks none.
    /// - Throws: ``UserStateError`` naming the field and its place.
    package init(_ node: SourceNode, catalog: Catalog? = nil) throws(UserStateError) {
        try self.init(node, hasLocations: true, catalog: catalog)
    }

    private init(_ node: SourceNode, hasLocations: Bool, catalog: Catalog? = nil) throws(UserStateError) {
        let reader = StateReader(hasLocations: hasLocations, catalog: catalog)
        let root = try reader.mapping(node, "")
        for pair in root where !Self.fields.contains(pair.key) {
            throw reader.error(
                .unknownField,
                "'\(pair.key)' is not a user state field"
                    + (Suggestion.didYouMean(pair.key, in: Self.fields).map { "; \($0)" } ?? ""),
                pair.key,
                pair.keyNode
            )
        }
        func field(_ name: String) -> StateReader.Member? { root.first { $0.key == name } }

        guard let idField = field("id") else {
            throw reader.error(.missingField, "a user state needs an 'id'", "id", node)
        }
        id = try reader.id(idField.value)
        user =
            try field("user").map { member throws(UserStateError) in
                try reader.attributes(member.value, .user)
            } ?? [:]
        account =
            try field("account").map { member throws(UserStateError) in
                try reader.attributes(member.value, .account)
            } ?? [:]
        device =
            try field("device").map { member throws(UserStateError) in try reader.object(member.value, "device") }
            ?? [:]
        locale = try field("locale").map { member throws(UserStateError) in try reader.string(member.value, "locale") }
        now = try field("now").map { member throws(UserStateError) in try reader.timestamp(member.value, "now") }

        var events: [String: EventSummary] = [:]
        if let member = field("events") {
            for event in try reader.mapping(member.value, "events") {
                events[event.key] = try reader.event(event.value, "events.\(event.key)")
            }
        }
        self.events = events

        var guides: [String: GuideProgress] = [:]
        if let member = field("guides") {
            for guide in try reader.mapping(member.value, "guides") {
                guides[guide.key] = try reader.guide(guide.value, "guides.\(guide.key)")
            }
        }
        self.guides = guides

        if let member = field("page") {
            var page = Page()
            for pair in try reader.mapping(member.value, "page") {
                switch pair.key {
                case "path": page.path = try reader.string(pair.value, "page.path")
                case "url": page.url = try reader.string(pair.value, "page.url")
                default:
                    throw reader.error(
                        .unknownField,
                        "'\(pair.key)' is not a page field (path, url)",
                        "page.\(pair.key)",
                        pair.keyNode
                    )
                }
            }
            if page.path == nil, let url = page.url, let components = URLComponents(string: url) {
                page.path = components.path.isEmpty ? "/" : components.path
            }
            self.page = page
        } else {
            page = nil
        }
    }
}

/// Reads the parts of a user state document, with errors that name the field and its place.
private struct StateReader {
    struct Member {
        var key: String
        var keyNode: SourceNode
        var value: SourceNode
    }

    let hasLocations: Bool
    let catalog: Catalog?

    func error(_ code: UserStateError.Code, _ message: String, _ path: String, _ node: SourceNode) -> UserStateError {
        UserStateError(code, message, path: path, at: hasLocations ? node.location : nil)
    }

    func mapping(_ node: SourceNode, _ path: String) throws(UserStateError) -> [Member] {
        guard case .mapping(let pairs) = node.content else {
            throw error(.wrongType, "\(path.isEmpty ? "a user state" : "'\(path)'") must be a mapping", path, node)
        }
        return pairs.map { Member(key: $0.key.scalarText ?? "", keyNode: $0.key, value: $0.value) }
    }

    func object(_ node: SourceNode, _ path: String) throws(UserStateError) -> [String: Value] {
        guard case .object(let members) = node.jsonValue, case .mapping = node.content else {
            throw error(.wrongType, "'\(path)' must be a mapping of attributes", path, node)
        }
        return members
    }

    /// The user id: a non-empty string, or a whole number as written (`12345678901234567890` stays exact).
    func id(_ node: SourceNode) throws(UserStateError) -> String {
        if case .scalar(let scalar) = node.content {
            switch scalar.jsonValue {
            case .string(let text) where !text.isEmpty: return text
            case .number(let number) where number.rounded() == number:
                // The digits as written when they are a plain integer; otherwise the number's text.
                if scalar.text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2D }) {
                    let digits = scalar.text.drop { $0 == "-" || $0 == "0" }
                    return digits.isEmpty ? "0" : (scalar.text.hasPrefix("-") ? "-" : "") + digits
                }
                if let text = Catalog.Attribute.text(of: number) { return text }
            default: break
            }
        }
        throw error(.wrongType, "'id' must be a non-empty string or a whole number", "id", node)
    }

    /// A `user` or `account` mapping, each attribute the catalog declares in its declared type.
    func attributes(
        _ node: SourceNode,
        _ namespace: Catalog.AttributeNamespace
    ) throws(UserStateError)
        -> [String: Value]
    {
        let path = namespace.rawValue
        var members = try object(node, path)
        guard let declared = catalog?.attributes(in: namespace), !declared.isEmpty,
            case .mapping(let pairs) = node.content
        else { return members }
        for pair in pairs {
            guard let name = pair.key.scalarText, let attribute = declared[name] else { continue }
            switch attribute.typed(Self.catalogValue(pair.value, attribute.type)) {
            case .success(let typed): members[name] = typed
            case .failure(let failure):
                throw failure.error(path: "\(path).\(name)", at: hasLocations ? pair.value.location : nil)
            }
        }
        return members
    }

    /// A node as a catalog type reads it: where text is expected, a plain scalar is its text as written
    /// (`version: 5.10` is `"5.10"`, not the number 5.1).
    static func catalogValue(_ node: SourceNode, _ type: Catalog.AttributeType) -> Value {
        switch (type, node.content) {
        case (.string, .scalar(let scalar)), (.version, .scalar(let scalar)):
            return scalar.isPlain && scalar.jsonValue != .null ? .string(scalar.text) : scalar.jsonValue
        case (.list, .sequence(let items)):
            return .array(
                items.map { item in
                    if case .scalar(let scalar) = item.content, scalar.isPlain, scalar.jsonValue != .null {
                        return .string(scalar.text)
                    }
                    return item.jsonValue
                }
            )
        default:
            return node.jsonValue
        }
    }

    func string(_ node: SourceNode, _ path: @autoclosure () -> String) throws(UserStateError) -> String {
        guard case .scalar(let scalar) = node.content, scalar.jsonValue != .null else {
            throw error(.wrongType, "'\(path())' must be a string", path(), node)
        }
        return scalar.text
    }

    func count(_ node: SourceNode, _ path: @autoclosure () -> String) throws(UserStateError) -> Int {
        guard case .number(let number) = node.jsonValue, number >= 0, number.rounded() == number, number < 1e15 else {
            throw error(.wrongType, "'\(path())' must be a whole number ≥ 0", path(), node)
        }
        return Int(number)
    }

    func timestamp(_ node: SourceNode, _ path: @autoclosure () -> String) throws(UserStateError) -> Date {
        guard case .string(let text) = node.jsonValue, let date = Timestamp.date(parsing: text) else {
            throw error(
                .invalidTimestamp,
                "'\(path())' must be \(Timestamp.expectedForm), not \(node.scalarText.map { "'\($0)'" } ?? "a collection")",
                path(),
                node
            )
        }
        return date
    }

    func event(_ node: SourceNode, _ path: String) throws(UserStateError) -> UserState.EventSummary {
        var count: Int?
        var first: Date?
        var last: Date?
        var times: [Date]?
        for pair in try mapping(node, path) {
            switch pair.key {
            case "count": count = try self.count(pair.value, "\(path).\(pair.key)")
            case "first": first = try timestamp(pair.value, "\(path).\(pair.key)")
            case "last": last = try timestamp(pair.value, "\(path).\(pair.key)")
            case "times":
                guard case .sequence(let items) = pair.value.content else {
                    let fieldPath = "\(path).\(pair.key)"
                    throw error(.wrongType, "'\(fieldPath)' must be a list of timestamps", fieldPath, pair.value)
                }
                var dates: [Date] = []
                dates.reserveCapacity(items.count)
                for (offset, item) in items.enumerated() {
                    dates.append(try timestamp(item, "\(path).times.\(offset)"))
                }
                times = dates
            default:
                let fields = ["count", "first", "last", "times"]
                throw error(
                    .unknownField,
                    "'\(pair.key)' is not an event field (count, first, last, times)"
                        + (Suggestion.didYouMean(pair.key, in: fields).map { "; \($0)" } ?? ""),
                    "\(path).\(pair.key)",
                    pair.keyNode
                )
            }
        }
        guard let summary = UserState.EventSummary.completing(count: count, first: first, last: last, times: times)
        else {
            throw error(
                .invalidValue,
                "'\(path).count' is \(count ?? 0) but \(times?.count ?? 0) times are listed",
                "\(path).count",
                node
            )
        }
        return summary
    }

    func guide(_ node: SourceNode, _ path: String) throws(UserStateError) -> UserState.GuideProgress {
        var progress = UserState.GuideProgress()
        let fields = [
            "status", "step", "version", "variant", "shows", "last_shown", "started_at", "completed_at",
            "snoozed_until",
        ]
        for pair in try mapping(node, path) {
            switch pair.key {
            case "status":
                let text = try string(pair.value, "\(path).\(pair.key)")
                guard let status = UserState.GuideStatus(rawValue: text) else {
                    let allowed = UserState.GuideStatus.allCases.map(\.rawValue)
                    throw error(
                        .invalidValue,
                        "'\(text)' is not a guide status (\(allowed.joined(separator: ", ")))"
                            + (Suggestion.didYouMean(text, in: allowed).map { "; \($0)" } ?? ""),
                        "\(path).\(pair.key)",
                        pair.value
                    )
                }
                progress.status = status
            case "step": progress.step = try string(pair.value, "\(path).\(pair.key)")
            case "variant": progress.variant = try string(pair.value, "\(path).\(pair.key)")
            case "version": progress.version = try count(pair.value, "\(path).\(pair.key)")
            case "shows": progress.shows = try count(pair.value, "\(path).\(pair.key)")
            case "last_shown": progress.lastShown = try timestamp(pair.value, "\(path).\(pair.key)")
            case "started_at": progress.startedAt = try timestamp(pair.value, "\(path).\(pair.key)")
            case "completed_at": progress.completedAt = try timestamp(pair.value, "\(path).\(pair.key)")
            case "snoozed_until": progress.snoozedUntil = try timestamp(pair.value, "\(path).\(pair.key)")
            default:
                throw error(
                    .unknownField,
                    "'\(pair.key)' is not a guide progress field"
                        + (Suggestion.didYouMean(pair.key, in: fields).map { "; \($0)" } ?? ""),
                    "\(path).\(pair.key)",
                    pair.keyNode
                )
            }
        }
        return progress
    }
}

extension UserState.EventSummary {
    /// The summary a state's `events.<name>` fields give, completed as both state readers complete it.
    ///
    /// The count is `count`, else how many `times`, else one when `first` or `last` is there; a missing `last`
    /// is the newest time, a missing `first` the oldest when the times are all `count` of them (listed times
    /// are the newest, so with fewer the first is unknown); for a single occurrence either gives the other.
    /// The times are kept newest first and cut to the newest ``keptTimes`` (a longer list is valid data,
    /// read as its newest). `nil` when more times are listed than the count says (only possible when `count`
    /// is given).
    static func completing(count: Int?, first: Date?, last: Date?, times: [Date]?) -> Self? {
        let resolved = count ?? times?.count ?? (first != nil || last != nil ? 1 : 0)
        if let times, times.count > resolved { return nil }
        let sorted = times.map(newestFirst)
        // With a single occurrence, first and last are the same time.
        let single = resolved == 1 ? first ?? last : nil
        return Self(
            count: resolved,
            first: first ?? (sorted?.count == resolved ? sorted?.last : nil) ?? single,
            last: last ?? sorted?.first ?? single,
            times: sorted
        )
    }
}
